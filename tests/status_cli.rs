//! `logoff-backup status`, for the IT contact's monitoring: the real binary on a real log and
//! backup folder, its exit code (0 fresh, 1 stale, 2 no good backup or failing) and its JSON.

mod common;
use common::*;
use serde_json::Value;
use std::process::Output;

/// `status --json` as seen at `now`; its exit code and its JSON.
fn status(env: &TestEnv, now: &str) -> (i32, Value) {
    let out: Output = env
        .command()
        .env("LOGOFF_BACKUP_NOW", now)
        .args(["status", "--json", "--data-folder"])
        .arg(&env.data)
        .arg("--destination")
        .arg(&env.dest)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    assert_eq!(json["exit_code"].as_i64(), Some(i64::from(code(&out))), "{json}");
    (code(&out), json)
}

#[test]
fn a_backup_from_last_night_is_fresh_and_one_from_four_days_ago_is_stale() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup_at("2026-11-04T18:00:00", &[])), 0);
    let (exit, json) = status(&env, "2026-11-05T09:00:00");
    assert_eq!((exit, json["state"].as_str()), (0, Some("fresh")), "{json:#}");
    assert_eq!(json["newest_good"]["computer"], "RECEPTION1");
    assert_eq!(json["newest_good"]["age_hours"].as_f64(), Some(15.0));
    assert_eq!(json["overdue_after_days"].as_u64(), Some(2));
    assert!(json["last_restore_test"].is_null());

    let mut drill = env.command();
    drill.env("LOGOFF_BACKUP_NOW", "2026-11-05T10:00:00").args(["drill", "--destination"]).arg(&env.dest);
    drill.arg("--log-file").arg(env.data.join("logfiles").join("backup.log"));
    assert_eq!(code(&drill.output().unwrap()), 0);
    let (_, json) = status(&env, "2026-11-05T11:00:00");
    assert_eq!(json["last_restore_test"]["result"], "PASSED", "{json:#}");
    assert_eq!(json["last_restore_test"]["age_hours"].as_f64(), Some(1.0));

    let (exit, json) = status(&env, "2026-11-08T18:00:00");
    assert_eq!((exit, json["state"].as_str()), (1, Some("stale")), "{json:#}");
    assert_eq!(json["newest_good"]["age_hours"].as_f64(), Some(96.0));
}

#[test]
fn no_backup_at_all_and_a_failed_last_backup_exit_2() {
    let env = TestEnv::with_practice();
    let (exit, json) = status(&env, "2026-11-05T09:00:00");
    assert_eq!((exit, json["state"].as_str()), (2, Some("no_backup")), "{json:#}");
    assert!(json["newest_good"].is_null() && json["last_run"].is_null());

    assert_eq!(code(&env.backup_at("2026-11-04T18:00:00", &[])), 0);
    // The next night's backup fails: the backup drive is a file, not a folder.
    let drive = env.path("not-a-drive");
    std::fs::write(&drive, b"").unwrap();
    let mut c = env.command();
    c.env("LOGOFF_BACKUP_NOW", "2026-11-05T18:00:00");
    c.args(["run", "--data-folder"]).arg(&env.data).arg("--destination").arg(&drive);
    assert_eq!(code(&c.output().unwrap()), 2);
    let (exit, json) = status(&env, "2026-11-05T19:00:00");
    assert_eq!((exit, json["state"].as_str()), (2, Some("failing")), "{json:#}");
    assert_eq!(json["last_run"]["result"], "FAILED");
    assert!(json["last_run"]["cause"].as_str().is_some_and(|c| !c.is_empty()), "{json:#}");
    assert_eq!(json["newest_good"]["result"], "SUCCESS", "the good one is still named");
}

#[test]
fn each_computer_of_the_practice_has_its_newest_good_backup_and_last_run() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup_at("2026-11-04T13:00:00", &[])), 0);
    let surgery_dest = env.path("SurgeryBkup");
    let mut c = env.command();
    c.env("LOGOFF_BACKUP_NOW", "2026-11-04T18:30:00").env("LOGOFF_BACKUP_COMPUTER", "SURGERY2");
    c.args(["run", "--data-folder"]).arg(&env.data).arg("--destination").arg(&surgery_dest);
    assert_eq!(code(&c.output().unwrap()), 0);
    let (exit, json) = status(&env, "2026-11-05T08:30:00");
    assert_eq!(exit, 0, "{json:#}");
    assert_eq!(json["newest_good"]["computer"], "SURGERY2", "the newest of the practice, from the log");
    let computers = json["computers"].as_array().unwrap();
    let names: Vec<&str> = computers.iter().map(|c| c["computer"].as_str().unwrap()).collect();
    assert_eq!(names, ["SURGERY2", "RECEPTION1"], "newest last backup first");
    assert_eq!(computers[1]["newest_good"]["age_hours"].as_f64(), Some(19.5));
    assert_eq!(computers[0]["last_run"]["result"], "SUCCESS");
}

#[test]
fn damaged_settings_are_named_not_taken_for_none() {
    let env = TestEnv::with_practice();
    let config = env.path("settings.ron");
    std::fs::write(&config, "(data_folder: \"C:\\\\EXACTData\",").unwrap();
    let out = env.command().arg("--config").arg(&config).arg("status").output().unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out));
    assert!(text(&out).contains("settings.ron"), "the file is named: {}", text(&out));
    assert!(!text(&out).contains("no settings on this computer"), "{}", text(&out));
}

#[test]
fn the_text_says_it_in_words_with_the_same_exit_code() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup_at("2026-11-04T18:00:00", &[])), 0);
    let out = env
        .command()
        .env("LOGOFF_BACKUP_NOW", "2026-11-09T18:00:00")
        .args(["status", "--data-folder"])
        .arg(&env.data)
        .arg("--destination")
        .arg(&env.dest)
        .output()
        .unwrap();
    assert_eq!(code(&out), 1);
    let t = text(&out);
    assert!(
        t.contains("Practice:          STALE: the newest good backup is older than the setting (exit 1)"),
        "{t}"
    );
    assert!(t.contains("from RECEPTION1, 120 h ago: SUCCESS"), "{t}");
}
