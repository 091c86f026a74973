//! Cancel (Ctrl-C) and a killed process leave every complete set as it was.

#![cfg(unix)]
mod common;
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
    let names: Vec<_> = std::fs::read_dir(&env.dest).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(names.len(), 1, "no partial set or lock left: {names:?}");
    let log = env.log();
    assert!(log.contains("Result:          CANCELLED"), "{log}");
    assert!(log.contains("The previous backups are untouched"), "{log}");
}

fn killed_at(point: &str) {
    let env = TestEnv::with_practice();
    let (set, before) = previous(&env);
    let mut child = env.spawn_with_faults(&format!("pause:{point}"), &["--keep", "1"]);
    env.wait_for_pause(point);
    child.kill().unwrap(); // SIGKILL: no clean-up at all
    child.wait().unwrap();
    assert!(set.exists(), "killed at {point}: the previous set is still there");
    assert_eq!(fingerprint(&set), before, "killed at {point}: the previous set is untouched");
    assert!(env.dest.join(".lock").exists(), "the dead run's lock is left behind");
    // The next run takes over the dead run's lock, removes its leftovers and succeeds.
    let out = env.backup(&[]);
    assert_eq!(code(&out), 0, "after a kill at {point}: {}", text(&out));
    let newest = env.newest_set();
    assert_eq!(tree(&newest.join("data"), &["logfiles"]), tree(&env.data, &["logfiles"]));
    let leftovers: Vec<_> = std::fs::read_dir(&env.dest)
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
