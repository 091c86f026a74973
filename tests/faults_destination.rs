//! Faults at the backup drive (rows 2, 8, 13 and 14 of "What happens when things go wrong").
//! Mounting needs root; CI runs as root.

#![cfg(target_os = "linux")]
mod common;
use common::scenario::*;
use common::*;

/// Row 2: the backup drive fills up mid-copy.
#[test]
fn a_drive_that_fills_up_mid_copy_fails_and_keeps_the_previous_set() {
    let env = TestEnv::with_practice();
    let drive = Mount::tmpfs(&env.dest, "12m");
    let s = Scenario::new_in(env);
    s.env.write("X-rays/2025/big.dcm", &pseudo_random(5, 10_000_000));
    let out = s.env.backup(&[]);
    s.check(&out, 2, &["Result:          FAILED", "Cause:           The backup drive holding"], &["big.dcm"]);
    std::fs::remove_file(s.env.data.join("X-rays/2025/big.dcm")).unwrap();
    s.next_run_succeeds();
    drop(drive);
}

/// Row 8: the backup drive is missing.
#[test]
fn a_missing_drive_is_refused_before_copying_and_nothing_is_created() {
    let env = TestEnv::with_practice();
    let dest = env.path("E-drive/DataBkup");
    let run = || {
        env.command()
            .arg("run")
            .arg("--data-folder")
            .arg(&env.data)
            .arg("--destination")
            .arg(&dest)
            .output()
            .unwrap()
    };
    let out = run();
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(
        text(&out).contains("The backup drive could not be reached at")
            && text(&out).contains("Check that it is plugged in"),
        "{}",
        text(&out)
    );
    assert!(!env.path("E-drive").exists(), "no folder made on the wrong disk");
    assert!(env.log().contains("Result:          FAILED"));
    std::fs::create_dir(env.path("E-drive")).unwrap(); // plugged in
    assert_eq!(code(&run()), 0);
}

/// Row 8: the backup drive is read-only.
#[test]
fn a_read_only_drive_is_refused_before_copying() {
    let env = TestEnv::with_practice();
    let drive = Mount::tmpfs(&env.dest, "32m");
    let s = Scenario::new_in(env);
    drive.remount_read_only();
    let out = s.env.backup(&[]);
    s.check(&out, 2, &["Result:          FAILED", "Cannot write to the backup folder", "Full control"], &[]);
    let out = std::process::Command::new("mount").args(["-o", "remount,rw"]).arg(&drive.0).output().unwrap();
    assert!(out.status.success());
    s.next_run_succeeds();
    drop(drive);
}

/// Row 8: this user may not write to the backup folder.
#[test]
fn a_backup_folder_this_user_cannot_write_is_refused_with_what_to_do() {
    use std::os::unix::fs::PermissionsExt;
    let s = Scenario::new();
    let mode = |m| std::fs::set_permissions(&s.env.dest, std::fs::Permissions::from_mode(m)).unwrap();
    mode(0o555);
    let mut c = as_ordinary_user(&s.env);
    let out = s.env.run_args(&mut c).output().unwrap();
    mode(0o755);
    s.check(&out, 2, &["Cannot write to the backup folder", "Every Windows user needs Full control"], &[]);
    s.next_run_succeeds();
}

/// Row 13: a FAT/exFAT drive has no hard links: every set is a full copy, and the log says so.
#[test]
fn an_exfat_drive_gets_full_copies_and_the_log_says_so() {
    let env = TestEnv::with_practice();
    let drive = Mount::exfat(&env.dest, &env.path("usb.img"), 64);
    let s = Scenario::new_in(env);
    let out = s.env.backup(&[]);
    s.check(&out, 0, &["Result:          SUCCESS", "0 unchanged (linked)", "no hard links (FAT/exFAT)"], &[]);
    let set = s.env.newest_set();
    let verify = s.env.command().arg("verify").arg(&set).output().unwrap();
    assert_eq!(code(&verify), 0, "{}", text(&verify));
    s.next_run_succeeds();
    drop(drive);
}

/// Row 13: no room for another full copy: older sets go first, never the newest SUCCESS set;
/// and when even that cannot make room, nothing is removed and the run fails before copying.
#[test]
fn a_full_exfat_drive_makes_room_from_older_sets_or_fails_before_copying() {
    let env = TestEnv::with_practice();
    // Room for three sets of 12.6 MB and `latest`, the cloud copy, which is a full copy here too.
    let drive = Mount::exfat(&env.dest, &env.path("usb.img"), 56);
    env.write("X-rays/2025/pano.dcm", &pseudo_random(11, 9_000_000));
    for day in 1..=3 {
        let out = env.backup_at(&format!("2026-11-0{day}T18:00:00"), &["--keep", "10"]);
        assert_eq!(code(&out), 0, "day {day}: {}", text(&out));
    }
    let names = |env: &TestEnv| {
        env.sets().iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect::<Vec<_>>()
    };
    assert_eq!(names(&env).len(), 3);
    let newest = env.newest_set();
    let newest_print = fingerprint(&newest);
    let out = env.backup_at("2026-11-04T18:00:00", &["--keep", "10"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(
        names(&env),
        ["2026-11-02_180000_RECEPTION1", "2026-11-03_180000_RECEPTION1", "2026-11-04_180000_RECEPTION1"]
    );
    assert!(
        env.log()
            .contains("removed the older backup 2026-11-01_180000_RECEPTION1 before copying, to make room"),
        "{}",
        env.log()
    );
    assert_eq!(fingerprint(&newest), newest_print);

    // Now the data outgrows the whole drive.
    let before: Vec<_> = env.sets().iter().map(|s| fingerprint(s)).collect();
    env.write("X-rays/2025/ct-scan.dcm", &pseudo_random(12, 40_000_000));
    let out = env.backup_at("2026-11-05T18:00:00", &["--keep", "10"]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("this backup needs about"), "{}", text(&out));
    assert_eq!(
        env.sets().iter().map(|s| fingerprint(s)).collect::<Vec<_>>(),
        before,
        "nothing removed in vain"
    );
    drop(drive);
}

/// Row 14: antivirus or cloud sync holds a file in the finished set while it is renamed.
#[test]
fn a_held_set_is_renamed_after_retries_or_fails_with_the_cause() {
    let s = Scenario::new();
    let out = s.env.backup_with_faults("rename:2", &[]);
    s.check(&out, 0, &["Result:          SUCCESS"], &[]);
    let out = s.env.backup_with_faults("rename:always", &[]);
    s.check(
        &out,
        2,
        &["Result:          FAILED", "could not be renamed", "antivirus or cloud sync", ".partial-*"],
        &[],
    );
    s.next_run_succeeds();
}

/// Names that differ only in capitals fit in the data folder but not on a drive that ignores case
/// (exFAT here; NTFS and FAT alike): both of each pair are named as not backed up, never merged.
#[test]
fn names_differing_only_in_capitals_are_named_not_merged_on_an_exfat_drive() {
    let env = TestEnv::with_practice();
    env.write("X-rays/2025/Scan.dcm", b"upper");
    env.write("X-rays/2025/scan.dcm", b"lower");
    env.write("Letters/Recall/a.doc", b"a");
    env.write("Letters/recall/b.doc", b"b");
    env.write("PRACTICE.db", b"a second database file whose name only differs in capitals");
    let drive = Mount::exfat(&env.dest, &env.path("usb.img"), 64);
    let out = env.backup(&[]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    let log = env.log();
    assert!(log.contains("Result:          COMPLETED WITH ERRORS"), "{log}");
    for p in [
        "X-rays/2025/Scan.dcm",
        "X-rays/2025/scan.dcm",
        "Letters/Recall",
        "Letters/recall",
        "Recall/a.doc",
        "recall/b.doc",
        "EXACTData/Practice.db",
        "EXACTData/PRACTICE.db",
    ] {
        let named = log.lines().any(|l| l.trim_start().starts_with("FAILED") && l.contains(p));
        assert!(named, "{p} is named as not backed up:\n{log}");
    }
    assert!(log.contains("differ only in capitals or accents"), "{log}");
    assert!(
        log.contains(", 6 failed,") && log.contains("; 2 folders not backed up"),
        "files and folders counted apart: {log}"
    );
    assert!(!set_has_any(&env, "data", "practice.db"), "neither database file is in the set");
    let set = env.newest_set();
    let names: Vec<String> = std::fs::read_dir(set.join("data/X-rays/2025"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.eq_ignore_ascii_case("scan.dcm")), "neither is in the set: {names:?}");
    assert!(!set.join("data/Letters/Recall").exists(), "neither folder is in the set");
    assert!(set.join("data/X-rays/2024/Jane Smith.dcm").is_file(), "the rest is");
    let verify = env.command().arg("verify").arg(&set).output().unwrap();
    assert_eq!(code(&verify), 0, "{}", text(&verify));
    drop(drive);
}

fn set_has_any(env: &TestEnv, dir: &str, name: &str) -> bool {
    std::fs::read_dir(env.newest_set().join(dir))
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().eq_ignore_ascii_case(name))
}
