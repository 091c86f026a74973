//! Ctrl-C on `run` cancels: the partial set goes, every complete set stays as it was.
//!
//! Unix only: the tests send SIGINT to the running program (and the second mounts an exFAT
//! image); Windows delivers Ctrl-C as a console event to a whole console, not to one process.

#![cfg(unix)]
mod common;
use common::scenario::Mount;
use common::*;

fn previous(env: &TestEnv) -> (std::path::PathBuf, Vec<(std::path::PathBuf, String)>) {
    assert_eq!(code(&env.backup(&[])), 0);
    env.write("X-rays/2025/today.dcm", &pseudo_random(9, 100_000));
    let set = env.newest_set();
    let print = fingerprint(&set);
    (set, print)
}

#[test]
fn ctrl_c_cancels_removes_the_partial_set_and_exits_4() {
    let env = TestEnv::with_practice();
    let (set, before) = previous(&env);
    let child = env.spawn_with_faults("pause:copy:today.dcm", &[]);
    env.wait_for_pause("copy:today.dcm");
    signal(&child, libc::SIGINT);
    env.resume("copy:today.dcm");
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 4, "{}", text(&out));
    assert_eq!(env.sets(), std::slice::from_ref(&set), "no new set");
    assert_eq!(fingerprint(&set), before, "the previous set is untouched");
    let mut names: Vec<_> = std::fs::read_dir(&env.dest).unwrap().flatten().map(|e| e.file_name()).collect();
    names.sort();
    assert_eq!(names.len(), 3, "no partial set or lock left: {names:?}");
    assert_eq!(names[1..], ["latest", "latest.manifest.tsv"]);
    let log = env.log();
    assert!(log.contains("Result:          CANCELLED"), "{log}");
    assert!(log.contains("The previous backups are untouched"), "{log}");
}

/// On a drive without hard links the files are counted before anything is copied (older sets may
/// have to go first); a Cancel then ends the run at once, not never.
#[test]
fn ctrl_c_while_counting_for_an_exfat_drive_cancels_and_frees_the_lock() {
    let env = TestEnv::with_practice();
    let drive = Mount::exfat(&env.dest, &env.path("usb.img"), 64);
    let mut child = env.spawn_with_faults("pause:counted", &[]);
    env.wait_for_pause("counted");
    signal(&child, libc::SIGINT);
    env.resume("counted");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the cancelled run never ended");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 4, "{}", text(&out));
    assert!(!env.dest.join(".lock").exists(), "the lock is freed");
    assert!(env.log().contains("Result:          CANCELLED"), "{}", env.log());
    drop(drive);
}
