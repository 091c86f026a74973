//! One run at a time per backup folder, judged by the lock's heartbeat on the checker's own clock
//! (row 9 of "What happens when things go wrong"): a live run is never taken over because of a
//! clock that disagrees, and a paused run that was taken over stops when it wakes.
//!
//! The first two are Unix only: one runs the program under `faketime` (an `LD_PRELOAD` library),
//! the other pauses it with SIGSTOP, neither of which Windows has.

mod common;
use common::scenario::*;
use common::*;
#[cfg(unix)]
use std::process::{Child, Command};

/// The real binary run through `wrapper` (e.g. `faketime -f +1h`), with the test's environment.
#[cfg(unix)]
fn wrapped(env: &TestEnv, wrapper: &[&str]) -> Command {
    let plain = env.command();
    let mut c = Command::new(wrapper[0]);
    c.args(&wrapper[1..]).arg(plain.get_program());
    for (k, v) in plain.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c
}

/// A run on the computer OTHER, paused before copying today's X-ray.
#[cfg(unix)]
fn other_computers_run(env: &TestEnv, stale_secs: &str) -> Child {
    let pause = env.path("pause");
    std::fs::create_dir_all(&pause).unwrap();
    let mut c = env.command();
    set_user(&mut c, "bob");
    c.env("LOGOFF_BACKUP_COMPUTER", "OTHER")
        .env("LOGOFF_BACKUP_FAULTS", "pause:copy:today.dcm")
        .env("LOGOFF_BACKUP_PAUSE_DIR", &pause)
        .env("LOGOFF_BACKUP_LOCK_STALE", stale_secs);
    let child = env
        .run_args(&mut c)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    env.wait_for_pause("copy:today.dcm");
    child
}

#[cfg(unix)]
fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill").arg(format!("-{sig}")).arg(child.id().to_string()).status().unwrap();
    assert!(ok.success());
}

#[cfg(unix)]
fn partials(env: &TestEnv) -> Vec<String> {
    std::fs::read_dir(&env.dest)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".partial-"))
        .collect()
}

#[cfg(unix)]
#[test]
fn a_live_run_is_not_taken_over_when_the_checkers_clock_is_an_hour_ahead() {
    let s = Scenario::new();
    let first = other_computers_run(&s.env, "6");
    // This computer's clock is an hour ahead of the lock's time stamps.
    let mut c = wrapped(&s.env, &["faketime", "-f", "+1h"]);
    c.env("LOGOFF_BACKUP_LOCK_STALE", "6");
    let out = s.env.run_args(&mut c).output().unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("by bob on OTHER"), "names who and where: {}", text(&out));
    assert_eq!(partials(&s.env).len(), 1, "the first run's work is intact");
    s.env.resume("copy:today.dcm");
    let out = first.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "the first run finishes: {}", text(&out));
    s.next_run_succeeds();
}

#[cfg(unix)]
#[test]
fn a_paused_run_is_taken_over_and_stops_without_touching_anything_when_it_wakes() {
    let s = Scenario::new();
    let first = other_computers_run(&s.env, "3");
    assert_eq!(partials(&s.env).len(), 1);
    signal(&first, "STOP"); // a laptop lid closed, a suspended virtual machine
    let mut c = s.env.command();
    c.env("LOGOFF_BACKUP_LOCK_STALE", "3");
    let out = s.env.run_args(&mut c).output().unwrap();
    assert_eq!(code(&out), 0, "the lock did not change for 3 s: taken over: {}", text(&out));
    assert!(partials(&s.env).is_empty(), "the paused run's unfinished set was removed");
    let taken_over_by = s.env.newest_set();
    let sets_before = s.env.sets();
    s.env.resume("copy:today.dcm");
    signal(&first, "CONT");
    let out = first.wait_with_output().unwrap();
    assert_eq!(code(&out), 2, "the woken run stops: {}", text(&out));
    let log = s.env.log();
    let last = log.rsplit("===== Network backup =====").next().unwrap();
    assert!(last.contains("Computer:        OTHER") && last.contains("Result:          FAILED"), "{last}");
    assert!(last.contains("stopped responding"), "the cause is named: {last}");
    assert!(!last.contains("plugged in"), "not a wrong cause: {last}");
    assert_eq!(s.env.sets(), sets_before, "the woken run made and removed nothing");
    assert!(partials(&s.env).is_empty());
    let verify = s.env.command().arg("verify").arg(&taken_over_by).output().unwrap();
    assert_eq!(code(&verify), 0, "{}", text(&verify));
    s.next_run_succeeds();
}

#[test]
fn a_crashed_runs_lock_whose_process_number_now_belongs_to_another_program_is_taken_over() {
    let s = Scenario::new();
    // This computer's run crashed; after a restart its process number went to another program.
    let lock =
        "computer\tRECEPTION1\nuser\tjane\npid\t1\nstarted\t2026-11-29 17:00:00\ntoken\tdead\nbeat\t4\n";
    std::fs::write(s.env.dest.join(".lock"), lock).unwrap();
    let mut c = s.env.command();
    c.env("LOGOFF_BACKUP_LOCK_STALE", "2");
    let out = s.env.run_args(&mut c).output().unwrap();
    assert_eq!(code(&out), 0, "no heartbeat for 2 s: taken over: {}", text(&out));
    s.next_run_succeeds();
}

#[test]
fn a_backup_drive_pulled_out_mid_run_is_named_as_such_not_as_a_lost_lock() {
    let s = Scenario::new();
    let child = s.env.spawn_with_faults("pause:copy:today.dcm", &[]);
    s.env.wait_for_pause("copy:today.dcm");
    let away = s.env.path("unplugged");
    std::fs::rename(&s.env.dest, &away).unwrap();
    s.env.resume("copy:today.dcm");
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    let log = s.env.log();
    let last = log.rsplit("===== Network backup =====").next().unwrap();
    assert!(
        last.contains("The backup drive could not be reached at")
            && last.contains("Check that it is plugged in"),
        "{last}"
    );
    assert!(!last.contains("lock"), "{last}");
    std::fs::rename(&away, &s.env.dest).unwrap();
}
