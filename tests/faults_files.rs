//! Faults in the files being backed up (rows 3 to 7 of "What happens when things go wrong"):
//! one bad file never stops the run and is never hidden; a lost share ends it once.

mod common;
use common::scenario::*;
use common::*;

/// Row 3: a file cannot be read.
#[cfg(unix)]
#[test]
fn an_unreadable_file_completes_with_errors_naming_it() {
    use std::os::unix::fs::PermissionsExt;
    let s = Scenario::changed(TestEnv::with_practice(), &["X-rays/2025/Ünïcödé 名前.dcm"]);
    let secret = s.env.data.join("X-rays/2025/Ünïcödé 名前.dcm");
    let mode = |m| std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(m)).unwrap();
    mode(0o000);
    let mut c = as_ordinary_user(&s.env);
    s.env.run_args(&mut c);
    let out = c.output().expect("setpriv (util-linux)");
    mode(0o644);
    s.check(
        &out,
        1,
        &["Result:          COMPLETED WITH ERRORS", "Ünïcödé 名前.dcm: access denied", "tried 3 times"],
        &[],
    );
    assert!(text(&out).contains("Ünïcödé 名前.dcm"), "named on the terminal too: {}", text(&out));
    assert!(!s.env.newest_set().join("data/X-rays/2025/Ünïcödé 名前.dcm").exists());
    assert!(s.env.newest_set().join("data/X-rays/2025/today.dcm").exists(), "the rest was backed up");
    s.next_run_succeeds();
}

/// Row 4: a file changes while it is copied.
#[test]
fn a_file_that_keeps_changing_is_retried_then_named() {
    let s = Scenario::changed(TestEnv::with_practice(), &["Practice.idx"]);
    let out = s.env.backup_with_faults("grow:Practice.idx", &[]);
    s.check(
        &out,
        1,
        &["COMPLETED WITH ERRORS", "Practice.idx: changed during backup; tried 5 times"],
        &["Practice.idx"],
    );
    assert!(!s.env.newest_set().join("data/Practice.idx").exists(), "no half-copied file in the set");
    s.next_run_succeeds();
}

/// Row 5: a file vanishes between the scan and its copy.
#[test]
fn a_vanished_file_is_named_and_success_is_still_possible() {
    let s = Scenario::changed(TestEnv::with_practice(), &["Forms/Clinipad/form 1.xml"]);
    let out = s.env.backup_with_faults("vanish:form 1.xml", &[]);
    s.check(
        &out,
        0,
        &["Result:          SUCCESS", "1 vanished", "VANISHED", "form 1.xml: deleted during the backup"],
        &["form 1.xml"],
    );
    s.next_run_succeeds();
}

/// Row 6: a file is locked by another program (EBUSY on Unix; on Windows a sharing violation, 32).
#[test]
fn a_locked_file_is_retried_with_backoff_then_named_in_use() {
    #[cfg(unix)]
    let in_use = libc::EBUSY;
    #[cfg(windows)]
    let in_use = 32; // ERROR_SHARING_VIOLATION
    let s = Scenario::changed(TestEnv::with_practice(), &["Practice.db"]);
    let out = s.env.backup_with_faults(&format!("open:Practice.db={in_use}"), &[]);
    // Seven waits, 31.5 s in all, shortened a hundredfold for the test.
    s.check(&out, 1, &["in use, EXACT may be open on another computer", "tried 8 times over 0.3 s"], &[]);
    s.next_run_succeeds();
}

/// Row 7: the data folder (a network share) disappears mid-run.
#[test]
fn a_data_folder_lost_mid_run_fails_once_and_keeps_the_previous_set() {
    let env = TestEnv::with_practice();
    let docs: Vec<String> = (0..40).map(|i| format!("Documents/doc{i:02}.pdf")).collect();
    let s = Scenario::changed(env, &docs.iter().map(String::as_str).collect::<Vec<_>>());
    let child = s.env.spawn_with_faults("pause:copy:today.dcm", &[]);
    s.env.wait_for_pause("copy:today.dcm");
    std::fs::rename(&s.env.data, s.env.path("share-gone")).unwrap();
    s.env.resume("copy:today.dcm");
    let out = child.wait_with_output().unwrap();
    std::fs::rename(s.env.path("share-gone"), &s.env.data).unwrap();
    // The share held the log too, so this run's block went to the computer's own log.
    s.check(&out, 2, &["Result:          FAILED", "Cause:           The connection to the server was lost during the backup. The server could not be reached for"], &[]);
    let local = std::fs::read_to_string(s.env.path("local/logoff-backup/backup.log")).unwrap();
    assert!(
        local.lines().filter(|l| l.starts_with("  ")).count() < 10,
        "not a flood of file errors: {local}"
    );
    assert!(local.contains("Files:           47 found"), "what there was to back up is still said: {local}");
    assert_eq!(s.env.sets().len(), 1, "no new set");
    s.next_run_succeeds();
}

/// A copy that reads back differently from what was read (a failing backup drive) is removed from
/// the set, named, and counted; the rest of the set is good.
#[test]
fn a_copy_that_reads_back_wrong_is_removed_and_named() {
    let s = Scenario::changed(TestEnv::with_practice(), &["X-rays/2025/today.dcm"]);
    let out = s.env.backup_with_faults("corrupt:today.dcm", &[]);
    s.check(
        &out,
        1,
        &[
            "Result:          COMPLETED WITH ERRORS",
            "1 failed",
            "today.dcm: the copy on the backup drive differs from the original: the drive may be failing",
        ],
        &[],
    );
    let set = s.env.newest_set();
    assert!(!set.join("data/X-rays/2025/today.dcm").exists(), "the bad copy is not left in the set");
    assert!(set.join("data/Practice.db").exists(), "the rest was backed up");
    let verify = s.env.command().arg("verify").arg(&set).output().unwrap();
    assert_eq!(code(&verify), 0, "what the set holds is good: {}", text(&verify));
    s.next_run_succeeds();
}

/// A bug that crashes the copy of one file names that file and ends the run with errors; it never
/// hangs the run or takes the rest of the backup with it.
#[test]
fn a_crash_while_copying_one_file_names_it_and_the_run_still_ends() {
    let s = Scenario::changed(TestEnv::with_practice(), &["X-rays/2025/today.dcm"]);
    let out = s.env.backup_with_faults("panic:today.dcm", &[]);
    s.check(
        &out,
        1,
        &["Result:          COMPLETED WITH ERRORS", "today.dcm: not copied: internal error"],
        &[],
    );
    assert!(s.env.newest_set().join("data/Practice.db").exists(), "the rest was backed up");
    s.next_run_succeeds();
}
