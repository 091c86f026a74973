//! Faults around a whole run (rows 1, 9, 11 and 12 of "What happens when things go wrong"):
//! killed runs, two runs at once, an unwritable log, odd trees.

mod common;
use common::scenario::*;
use common::*;

/// Row 1: the process is killed (SIGKILL; TerminateProcess on Windows) at a chosen point.
fn killed_at(point: &str) {
    let s = Scenario::new();
    let mut child = s.env.spawn_with_faults(&format!("pause:{point}"), &["--keep", "1"]);
    s.env.wait_for_pause(point);
    child.kill().unwrap(); // SIGKILL, or TerminateProcess on Windows: no clean-up at all
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(s.env.dest.join(".lock").exists(), "the dead run's lock is left behind");
    let sets = s.env.sets();
    if point == "retention" {
        // Killed after the rename: the new set is complete, and nothing was removed yet.
        assert_eq!(sets.len(), 2, "{sets:?}");
        assert_eq!(sets[0], s.previous);
    } else {
        assert_eq!(sets, std::slice::from_ref(&s.previous), "killed at {point}: no new set appears");
    }
    // The next run takes over the dead run's lock, removes what it left and succeeds.
    s.next_run_succeeds();
    let leftovers: Vec<_> = std::fs::read_dir(&s.env.dest)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "after a kill at {point}: {leftovers:?}");
}

#[test]
fn killed_mid_copy() {
    killed_at("copy:today.dcm");
}

#[test]
fn killed_after_the_manifest_before_the_rename() {
    killed_at("manifest");
}

#[test]
fn killed_mid_retention() {
    killed_at("retention");
}

/// Row 9: two workstations back up to the same folder at once.
#[test]
fn a_second_run_at_once_is_refused_naming_the_first_and_leaves_its_work_alone() {
    let s = Scenario::new();
    let first = s.env.spawn_with_faults("pause:copy:today.dcm", &[]);
    s.env.wait_for_pause("copy:today.dcm");
    let partial = || {
        std::fs::read_dir(&s.env.dest)
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(".partial-"))
    };
    assert!(partial());
    let mut second = s.env.command();
    second.env("LOGOFF_BACKUP_COMPUTER", "RECEPTION2");
    set_user(&mut second, "bob");
    let out = s.env.run_args(&mut second).output().unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("Another backup to"), "{}", text(&out));
    assert!(text(&out).contains("by jane on RECEPTION1"), "names who and where: {}", text(&out));
    assert!(partial(), "the second run took the lock before any clean-up, so the first's work is intact");
    s.env.resume("copy:today.dcm");
    let out = first.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "the first run finishes: {}", text(&out));
    assert!(s.env.log().contains("Computer:        RECEPTION2"), "the refused run is logged too");
    s.next_run_succeeds();
}

/// Row 11: the log folder is not writable: the backup still runs, the log goes to this computer.
#[cfg(unix)]
#[test]
fn an_unwritable_log_folder_does_not_stop_the_backup() {
    use std::os::unix::fs::PermissionsExt;
    let s = Scenario::new();
    let logs = s.env.data.join("logfiles");
    let log = logs.join("backup.log");
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(&logs, std::fs::Permissions::from_mode(0o555)).unwrap();
    let before = s.env.log();
    let mut c = as_ordinary_user(&s.env);
    let out = s.env.run_args(&mut c).output().unwrap();
    std::fs::set_permissions(&logs, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).unwrap();
    let fallback = s.env.path("local/logoff-backup/backup.log");
    s.check(&out, 0, &["Result:          SUCCESS", "could not be written"], &[]);
    assert_eq!(s.env.log(), before, "the shared log was not touched");
    assert!(text(&out).contains(&fallback.display().to_string()), "says where: {}", text(&out));
    assert_eq!(s.env.sets().len(), 2);
    s.next_run_succeeds();
}

/// Row 12: odd trees: links that loop or point outside, the longest names, a deep source path,
/// names that are not UTF-8, and 20,000 files in one folder.
#[cfg(unix)]
#[test]
fn odd_trees_are_backed_up_without_hang_or_crash() {
    use std::os::unix::ffi::OsStrExt;
    let env = TestEnv::with_practice();
    std::os::unix::fs::symlink("loop", env.data.join("loop")).unwrap();
    env.write(&format!("Long/{}", "n".repeat(255)), b"255-byte name");
    // A source path of 250 characters: the set adds its own ~45 on top.
    let depth = 250 - env.data.as_os_str().len() - 1;
    let deep: String = (0..depth / 10).map(|_| "deepfolder").collect::<Vec<_>>().join("/");
    let deep = &deep[..deep.len().min(depth - 6)];
    let deep_file = env.write(&format!("{deep}/x.dcm"), b"deep");
    assert!(deep_file.as_os_str().len() >= 240, "{}", deep_file.as_os_str().len());
    let odd = env.data.join(std::ffi::OsStr::from_bytes(b"Scan \xe9t\xe9 \xff.pdf"));
    std::fs::write(&odd, b"latin-1 name").unwrap();
    let many = env.data.join("Forms/One folder");
    std::fs::create_dir_all(&many).unwrap();
    for i in 0..20_000 {
        std::fs::write(many.join(format!("f{i:05}.xml")), b"f").unwrap();
    }
    let s = Scenario::new_in(env);
    // A link to outside the data folder, made after the first backup: it is recreated, and named,
    // since what it points to is not in the backup.
    std::os::unix::fs::symlink("/etc", s.env.data.join("outside")).unwrap();
    let out = s.env.backup(&[]);
    let named = "outside: a link to the folder /etc, which is not backed up (only the link is)";
    s.check(&out, 1, &["Result:          COMPLETED WITH ERRORS", named], &["outside"]);
    let set = s.env.newest_set();
    assert_eq!(tree(&set.join("data"), &["logfiles"]), tree(&s.env.data, &["logfiles"]));
    assert_eq!(
        std::fs::read_link(set.join("data/outside")).unwrap(),
        std::path::Path::new("/etc"),
        "not followed"
    );
    let verify = s.env.command().arg("verify").arg(&set).output().unwrap();
    assert_eq!(code(&verify), 0, "{}", text(&verify));
}
