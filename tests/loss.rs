//! The loss guard, with the real binary: a backup never agrees with a loss. A share that is not
//! connected, a data folder without its database, a file that cannot be opened but is still
//! listed, most X-rays deleted: none of them reaches `latest` (the cloud copy) or pushes a good
//! set out through retention.

mod common;
use common::clinic::{self, practice};
use common::*;
use std::path::Path;

/// The last block this computer's own log got (where an entry goes when the shared one cannot be
/// written).
fn last_local_block(env: &TestEnv) -> String {
    let local = std::fs::read_to_string(env.path("local/logoff-backup/backup.log")).unwrap_or_default();
    local.rsplit("===== Network backup =====").next().unwrap().to_string()
}

fn latest_files(env: &TestEnv) -> usize {
    clinic::files(&env.dest.join("latest")).len()
}

fn confirm(env: &TestEnv, set: &Path) -> std::process::Output {
    let log = env.data.join("logfiles/backup.log");
    env.command().arg("confirm").arg(set).arg("--log-file").arg(log).output().unwrap()
}

#[test]
fn a_share_that_is_not_connected_fails_before_copying_and_latest_keeps_every_file() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &["--keep", "1"])), 0);
    assert_eq!(latest_files(&env), 130);
    // The share's mount point (or a drive letter's empty folder) without the share behind it.
    std::fs::rename(&env.data, env.path("EXACTData.away")).unwrap();
    std::fs::create_dir(&env.data).unwrap();
    for _ in 0..2 {
        // The log is not written into the empty folder (it would hide under the share once it is
        // connected again): it goes to this computer's own log.
        let out = env.backup_at("2026-11-29T17:30:00", &["--keep", "1"]);
        assert_eq!(code(&out), 2, "{}", text(&out));
        assert!(!env.data.join("logfiles").exists());
        let block = last_local_block(&env);
        assert!(block.contains("Result:          FAILED"), "{block}");
        assert!(
            block.contains("is empty. The server may be switched off, or its share not connected"),
            "{block}"
        );
        assert_eq!(latest_files(&env), 130, "latest keeps every file");
        assert_eq!(env.sets().len(), 1, "the good set stays");
    }
}

#[test]
fn a_data_folder_without_any_of_its_database_files_fails_before_copying() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    std::fs::remove_file(env.data.join("Practice.db")).unwrap();
    std::fs::remove_file(env.data.join("Practice.idx")).unwrap();
    let out = env.backup_at("2026-11-29T17:30:00", &[]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(
        env.last_block().contains(
            "has no database files at its top, where the last backup had Practice.db, Practice.idx"
        ),
        "{}",
        env.last_block()
    );
    assert!(env.dest.join("latest/data/Practice.db").is_file());
}

#[test]
fn a_database_file_gone_makes_the_backup_suspect_and_latest_and_retention_keep_it() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &["--keep", "1"])), 0);
    std::fs::remove_file(env.data.join("Practice.idx")).unwrap();
    let out = env.backup_at("2026-11-29T17:30:00", &["--keep", "1"]);
    assert_eq!(code(&out), 5, "{}", text(&out));
    let block = env.last_block();
    assert!(block.contains("Result:          SUSPECT"), "{block}");
    assert!(block.contains("The database file Practice.idx is gone from the data folder"), "{block}");
    assert!(
        block.contains("Evidence:        The database file Practice.idx (8.2 kB) is gone since Sat 28 Nov"),
        "{block}"
    );
    assert!(block.contains("SUSPECT   data/Practice.idx: database file, gone (was 8.2 kB)"), "{block}");
    assert!(env.dest.join("latest/data/Practice.idx").is_file(), "latest is left as it was");
    assert_eq!(env.sets().len(), 2, "the good set is kept in spite of --keep 1");
    // `drill` tests the good set, not the SUSPECT one, and says so.
    let log = env.data.join("logfiles/backup.log");
    let mut drill = env.command();
    let drill =
        drill.args(["drill", "--destination"]).arg(&env.dest).arg("--log-file").arg(log).output().unwrap();
    assert_eq!(code(&drill), 0, "{}", text(&drill));
    let log = env.log();
    let test = log.rsplit("===== Restore test =====").next().unwrap();
    assert!(test.contains("2026-11-28_173000_RECEPTION1"), "{test}");
    assert!(test.contains("Not tested:      2026-11-29_173000_RECEPTION1 (marked SUSPECT"), "{test}");
}

#[test]
fn most_x_rays_deleted_is_suspect_by_folder_until_confirmed_then_latest_follows() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-12-01T17:30:00", &["--keep", "1"])), 0);
    let xrays: Vec<_> = clinic::files(&env.data.join("X-rays"));
    assert_eq!(xrays.len(), 72);
    for x in xrays.iter().skip(4) {
        std::fs::remove_file(x).unwrap();
    }
    for day in 2..=3 {
        let out = env.backup_at(&format!("2026-12-0{day}T17:30:00"), &["--keep", "1"]);
        assert_eq!(code(&out), 5, "day {day}: {}", text(&out));
        let block = env.last_block();
        assert!(
            block.contains("68 of the 130 files in the last good backup are gone from the data folder"),
            "{block}"
        );
        assert!(block.contains("Evidence:        X-rays: 68 of 72 files gone since Tue 1 Dec"), "{block}");
        assert!(
            block.contains("Compared with:   2026-12-01_173000_RECEPTION1"),
            "day {day} compares with the good set: {block}"
        );
        assert!(!block.contains("Documents:"), "no folder without losses is named: {block}");
        assert!(block.contains("If this was not done on purpose, do not use EXACT"), "{block}");
        assert_eq!(clinic::files(&env.dest.join("latest/data/X-rays")).len(), 72, "latest keeps them");
        assert_eq!(env.sets().len(), day as usize, "no set is removed");
    }
    // Old X-rays cleared out on purpose: confirmed, as an import is; each SUSPECT set in turn.
    let sets = env.sets();
    let out = confirm(&env, &sets[2]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(text(&out).contains("Still marked SUSPECT: 2026-12-02_173000_RECEPTION1."), "{}", text(&out));
    let out = confirm(&env, &sets[1]);
    assert!(text(&out).contains("older backups are removed by the retention rules again"), "{}", text(&out));
    let out = env.backup_at("2026-12-04T17:30:00", &["--keep", "1"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(clinic::files(&env.dest.join("latest/data/X-rays")).len(), 4, "latest now follows");
    assert_eq!(env.sets().len(), 1);
}

#[test]
fn an_ordinary_day_with_a_few_files_deleted_is_not_a_loss() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-12-01T17:30:00", &[])), 0);
    for day in 1..=3 {
        clinic::working_day(&env, day);
        let out = env.backup_at(&format!("2026-12-0{}T17:30:00", day + 1), &[]);
        assert_eq!(code(&out), 0, "day {day}: {}", text(&out));
    }
    assert!(!env.log().contains("SUSPECT"));
}

#[test]
fn files_that_cannot_be_opened_but_are_still_listed_fail_by_name_and_keep_their_copy_in_latest() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    clinic::working_day(&env, 1);
    for n in 0..13 {
        env.write(&format!("Letters/recall {n:02}.txt"), &clinic::letter(100 + n, 6_100));
    }
    // Opens answered "not found" while the files are there and listed, as a share whose
    // connection drops answers (Windows' "network path not found" is NotFound to Rust too);
    // others only once, which a retry gets past; one file deleted for real mid-run.
    let mut faults: Vec<String> = (0..8).map(|n| format!("open:recall {n:02}.txt=2")).collect();
    faults.extend((8..12).map(|n| format!("open-once:recall {n:02}.txt=2")));
    faults.push("vanish:recall 12.txt".into());
    let out = env.backup_with_faults(&faults.join(";"), &[]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    let block = env.last_block();
    assert!(block.contains("Result:          COMPLETED WITH ERRORS"), "{block}");
    assert!(block.contains("8 failed, 1 vanished"), "{block}");
    assert!(block.contains("could not be opened, although its folder still lists it: not found"), "{block}");
    assert!(block.contains("The server could not be reached for"), "{block}");
    assert!(
        block.contains("VANISHED  ") && block.contains("recall 12.txt: deleted during the backup"),
        "{block}"
    );
    for n in 0..8 {
        let name = format!("recall {n:02}.txt");
        assert!(env.dest.join("latest/data/Letters").join(&name).is_file(), "{name} kept in latest");
    }
    for n in 8..12 {
        let name = format!("recall {n:02}.txt");
        assert!(env.newest_set().join("data/Letters").join(&name).is_file(), "{name}: retried and copied");
    }
    assert!(
        !env.dest.join("latest/data/Letters/recall 12.txt").exists(),
        "deleted for real: gone from latest"
    );
}

#[test]
fn a_database_file_that_cannot_be_read_keeps_latest_whole_and_fails_verify_and_drill() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    let (db, idx) = (
        std::fs::read(env.data.join("Practice.db")).unwrap(),
        std::fs::read(env.data.join("Practice.idx")).unwrap(),
    );
    clinic::working_day(&env, 1);
    // EXACT open on another computer, or access denied: the index cannot be read this run.
    let out = env.backup_with_faults("open:Practice.idx=13", &[]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        env.last_block().contains("1 of the 2 database files could not be copied"),
        "{}",
        env.last_block()
    );
    // latest keeps the last good group whole: both files from the same backup.
    assert_eq!(std::fs::read(env.dest.join("latest/data/Practice.idx")).unwrap(), idx);
    assert_eq!(std::fs::read(env.dest.join("latest/data/Practice.db")).unwrap(), db);
    let manifest = std::fs::read_to_string(env.newest_set().join("manifest.tsv")).unwrap();
    assert!(
        manifest.lines().any(|l| l.starts_with("database\t") && l.ends_with("\tquiet\t1\t2")),
        "{manifest}"
    );
    let verify = env.command().arg("verify").arg(env.newest_set()).output().unwrap();
    assert_eq!(code(&verify), 1, "{}", text(&verify));
    assert!(
        text(&verify).contains("it holds only 1 of the 2 database files the data folder had"),
        "{}",
        text(&verify)
    );
    let drill = env.command().args(["drill", "--destination"]).arg(&env.dest).output().unwrap();
    assert_eq!(code(&drill), 1, "{}", text(&drill));
}

#[test]
fn a_mistyped_option_exits_3_as_invalid_settings_and_help_exits_0() {
    let env = TestEnv::new();
    let out = env.command().args(["run", "--kep", "3"]).output().unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out));
    assert!(text(&out).contains("--kep"), "clap's own words: {}", text(&out));
    assert_eq!(code(&env.command().arg("--help").output().unwrap()), 0);
}

#[cfg(unix)]
#[test]
fn a_linked_folder_outside_the_data_folder_is_named_with_its_target_and_advice() {
    let env = practice();
    let elsewhere = env.path("Disk2/X-rays 2019");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("old.dcm"), b"pixels").unwrap();
    std::os::unix::fs::symlink(&elsewhere, env.data.join("X-rays 2019")).unwrap();
    let out = env.backup(&[]);
    assert_eq!(code(&out), 1, "its files are not in the backup: {}", text(&out));
    let block = env.last_block();
    let target = elsewhere.canonicalize().unwrap();
    let named = format!("X-rays 2019: a link to the folder {}, which is not backed up", target.display());
    assert!(block.contains(&named), "{block}");
    assert!(block.contains(&format!("add {} as an extra folder in Settings", target.display())), "{block}");
    // Added as an extra folder: nothing is missing any more.
    let out = env.backup(&["--extra-folder", target.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", text(&out));
}

#[test]
fn files_a_run_could_not_read_are_still_missed_when_they_are_deleted_the_day_after() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &["--keep", "1"])), 0);
    // Every X-ray saved again, and none of them readable that evening: COMPLETED WITH ERRORS.
    let xrays = clinic::files(&env.data.join("X-rays"));
    for (i, x) in xrays.iter().enumerate() {
        write_aged(x, &clinic::jpeg(500 + i as u64, 20_000));
    }
    let mut c = env.command();
    c.env("LOGOFF_BACKUP_FAULTS", "open:.jpg=13;open:.dcm=13").env("LOGOFF_BACKUP_RETRY_SCALE", "0.01");
    let out = env
        .run_args(c.env("LOGOFF_BACKUP_NOW", "2026-11-29T17:30:00"))
        .args(["--keep", "1"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out));
    // The next day they are gone: the loss counts against the last good backup, not the one
    // that could not read them.
    for x in &xrays {
        std::fs::remove_file(x).unwrap();
    }
    let out = env.backup_at("2026-11-30T17:30:00", &["--keep", "1"]);
    assert_eq!(code(&out), 5, "{}", text(&out));
    let block = env.last_block();
    assert!(block.contains("Evidence:        X-rays: 72 of 72 files gone since Sat 28 Nov"), "{block}");
    assert_eq!(env.sets().len(), 3, "no set is removed");
    assert_eq!(clinic::files(&env.dest.join("latest/data/X-rays")).len(), 72, "latest keeps them");
}

#[test]
fn files_deleted_while_the_backup_runs_are_a_loss_too() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &["--keep", "1"])), 0);
    for (i, x) in clinic::files(&env.data.join("X-rays")).iter().enumerate() {
        write_aged(x, &clinic::jpeg(900 + i as u64, 20_000));
    }
    let out = env.backup_with_faults("vanish:.jpg;vanish:.dcm", &["--keep", "1"]);
    assert_eq!(code(&out), 5, "{}", text(&out));
    assert!(env.last_block().contains("X-rays: 72 of 72 files gone"), "{}", env.last_block());
    assert_eq!(env.sets().len(), 2, "the good set is kept");
}

#[test]
fn an_extra_folder_not_connected_but_not_empty_is_a_loss() {
    let env = practice();
    let scans = env.path("Scans");
    for i in 0..50 {
        write_aged(&scans.join(format!("scan {i}.pdf")), &clinic::pdf(i, 3_000));
    }
    let extra = ["--extra-folder", scans.to_str().unwrap(), "--keep", "1"];
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &extra)), 0);
    std::fs::rename(&scans, env.path("Scans.away")).unwrap();
    // What Windows leaves in a folder does not make it connected.
    write_aged(&scans.join("desktop.ini"), b"[.ShellClassInfo]");
    let out = env.backup_at("2026-11-29T17:30:00", &extra);
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("Scans is empty"), "{}", text(&out));
    // Five scans there: not empty, but most of the folder is gone.
    for i in 0..5 {
        write_aged(&scans.join(format!("scan {i}.pdf")), &clinic::pdf(i, 3_000));
    }
    let out = env.backup_at("2026-11-30T17:30:00", &extra);
    assert_eq!(code(&out), 5, "{}", text(&out));
    let block = env.last_block();
    assert!(block.contains("45 of the 50 files in the extra folder Scans are gone"), "{block}");
    assert_eq!(clinic::files(&env.dest.join("latest/extra/Scans")).len(), 50, "latest keeps them");
}

#[test]
fn what_a_run_no_longer_covers_moved_folders_and_lock_files_are_not_losses() {
    let env = practice();
    let scans = env.path("Scans");
    for i in 0..50 {
        write_aged(&scans.join(format!("scan {i}.pdf")), &clinic::pdf(i, 3_000));
    }
    write_aged(&env.data.join("EXACT.lck"), b"RECEPTION1");
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &["--extra-folder", scans.to_str().unwrap()])), 0);
    // The extra folder taken out of the settings, a lock file gone, X-rays renamed.
    std::fs::remove_file(env.data.join("EXACT.lck")).unwrap();
    std::fs::rename(env.data.join("X-rays"), env.data.join("Radiographs")).unwrap();
    let out = env.backup_at("2026-11-29T17:30:00", &[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    // One run of the database files only.
    let out = env.backup_at("2026-11-30T17:30:00", &["--no-subdirectories"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(!env.log().contains("SUSPECT"), "{}", env.log());
}

/// Every X-ray saved again (so the next run copies each one).
fn resave_xrays(env: &TestEnv, seed: u64) {
    for (i, x) in clinic::files(&env.data.join("X-rays")).iter().enumerate() {
        write_aged(x, &clinic::jpeg(seed + i as u64, 20_000));
    }
}

#[test]
fn files_deleted_during_a_run_after_a_run_that_could_not_read_them_are_a_loss() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &["--keep", "1"])), 0);
    resave_xrays(&env, 600);
    let out = env.backup_with_faults("open:.jpg=13;open:.dcm=13", &["--keep", "1"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    resave_xrays(&env, 700);
    let out = env.backup_with_faults("vanish:.jpg;vanish:.dcm", &["--keep", "1"]);
    assert_eq!(code(&out), 5, "{}", text(&out));
    assert!(env.last_block().contains("X-rays: 72 of 72 files gone"), "{}", env.last_block());
}

#[test]
fn a_folder_renamed_on_a_day_with_errors_is_not_a_loss_the_day_after() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    std::fs::rename(env.data.join("X-rays"), env.data.join("Radiographs")).unwrap();
    env.write("Letters/recall 00.txt", &clinic::letter(50, 6_100));
    let out = env.backup_with_faults("open:recall 00.txt=16", &[]);
    assert_eq!(code(&out), 1, "one letter in use that day: {}", text(&out));
    let out = env.backup_at("2026-11-30T17:30:00", &[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(!env.log().contains("SUSPECT"), "{}", env.log());
}

#[test]
fn a_confirmed_loss_on_a_day_with_errors_is_the_base_from_then_on() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    for x in clinic::files(&env.data.join("X-rays")) {
        std::fs::remove_file(x).unwrap();
    }
    env.write("Letters/recall 00.txt", &clinic::letter(50, 6_100));
    let out = env.backup_with_faults("open:recall 00.txt=16", &[]);
    assert_eq!(code(&out), 5, "{}", text(&out));
    assert_eq!(code(&confirm(&env, &env.newest_set())), 0);
    let out = env.backup_at("2026-11-30T17:30:00", &[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
}

#[test]
fn what_windows_and_programs_leave_at_the_top_is_not_a_database_file() {
    let env = practice();
    for clutter in ["Thumbs.db", "desktop.ini", "Export.csv", "EXACT_Error.log"] {
        env.write(clutter, b"clutter");
    }
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    for clutter in ["Thumbs.db", "desktop.ini", "Export.csv", "EXACT_Error.log"] {
        std::fs::remove_file(env.data.join(clutter)).unwrap();
    }
    let out = env.backup_at("2026-11-29T17:30:00", &[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
}

#[cfg(unix)]
#[test]
fn a_folder_replaced_by_a_link_elsewhere_keeps_its_files_in_latest() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    let nas = env.path("NAS/X-rays");
    std::fs::create_dir_all(nas.parent().unwrap()).unwrap();
    std::fs::rename(env.data.join("X-rays"), &nas).unwrap();
    std::os::unix::fs::symlink(&nas, env.data.join("X-rays")).unwrap();
    for day in ["2026-11-29T17:30:00", "2026-11-30T17:30:00"] {
        let out = env.backup_at(day, &[]);
        assert_eq!(code(&out), 1, "{}", text(&out));
        let xrays = env.dest.join("latest/data/X-rays");
        assert!(std::fs::symlink_metadata(&xrays).unwrap().is_dir(), "still the folder, not the link");
        // Counted from latest/data, a real folder: nothing is followed through a link.
        let kept = clinic::files(&env.dest.join("latest/data"));
        assert_eq!(kept.iter().filter(|f| f.starts_with(&xrays)).count(), 72, "latest keeps them");
        let verify = env.command().arg("verify").arg(env.dest.join("latest")).output().unwrap();
        assert_eq!(code(&verify), 0, "{}", text(&verify));
    }
}
