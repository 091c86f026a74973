//! One bad file never stops the run and is never hidden; a lost share ends it once.

mod common;
use common::*;

#[test]
fn a_vanished_file_is_named_and_success_is_still_possible() {
    let env = TestEnv::with_practice();
    let out = env.backup_with_faults("vanish:form 1.xml", &[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let log = env.log();
    assert!(log.contains("1 vanished") && log.contains("Result:          SUCCESS"), "{log}");
    assert!(log.contains("VANISHED") && log.contains("form 1.xml: deleted during the backup"), "{log}");
    assert!(!env.newest_set().join("data/Forms/Clinipad/form 1.xml").exists());
}

#[test]
fn a_file_that_keeps_changing_is_retried_then_named() {
    let env = TestEnv::with_practice();
    let out = env.backup_with_faults("grow:Practice.idx", &[]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    let log = env.log();
    assert!(log.contains("Result:          COMPLETED WITH ERRORS"), "{log}");
    assert!(log.contains("Practice.idx: changed during backup; tried 5 times"), "{log}");
    assert!(!env.newest_set().join("data/Practice.idx").exists(), "no half-copied file in the set");
    assert!(env.newest_set().join("data/Practice.db").exists(), "the rest was backed up");
}

#[cfg(unix)]
#[test]
fn a_locked_file_is_retried_with_backoff_then_named_in_use() {
    let env = TestEnv::with_practice();
    let out = env.backup_with_faults(&format!("open:Practice.db={}", libc::EBUSY), &[]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    let log = env.log();
    // Seven waits, 31.5 s in all, shortened a hundredfold for the test.
    assert!(log.contains("in use, EXACT may be open on another computer"), "{log}");
    assert!(log.contains("tried 8 times over 0.3 s"), "{log}");
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_completes_with_errors_naming_it() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::with_practice();
    let secret = env.data.join("X-rays/2025/Ünïcödé 名前.dcm");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads anything; drop that power for the backup process, as a Windows user lacks it.
    let mut c = if unsafe { libc::geteuid() } == 0 {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--bounding-set=-dac_override,-dac_read_search", "--"]);
        c.arg(env!("CARGO_BIN_EXE_logoff-backup"));
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_logoff-backup"))
    };
    let base = env.command();
    for (k, v) in base.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c.env("LOGOFF_BACKUP_RETRY_SCALE", "0.01");
    c.arg("run").arg("--data-folder").arg(&env.data).arg("--destination").arg(&env.dest);
    let out = c.output().expect("setpriv (util-linux) is installed");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out));
    let log = env.log();
    assert!(log.contains("FAILED    ") && log.contains("Ünïcödé 名前.dcm: access denied"), "{log}");
    assert!(log.contains("tried 3 times"), "{log}");
    assert!(text(&out).contains("Ünïcödé 名前.dcm"), "named on the terminal too: {}", text(&out));
}

#[test]
fn a_data_folder_lost_mid_run_fails_once_and_keeps_the_previous_set() {
    let env = TestEnv::with_practice();
    for i in 0..40 {
        env.write(&format!("Documents/doc{i:02}.pdf"), b"scan");
    }
    assert_eq!(code(&env.backup(&[])), 0);
    let before = fingerprint(&env.newest_set());
    env.write("X-rays/2025/zz-new.dcm", b"new");
    let child = env.spawn_with_faults("pause:copy:zz-new.dcm", &[]);
    env.wait_for_pause("copy:zz-new.dcm");
    std::fs::rename(&env.data, env.path("share-gone")).unwrap(); // the network share drops
    env.resume("copy:zz-new.dcm");
    let out = child.wait_with_output().unwrap();
    std::fs::rename(env.path("share-gone"), &env.data).unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("Cannot reach the data folder"), "{}", text(&out));
    // The share held the log too, so this run's block went to the computer's own log.
    let local = std::fs::read_to_string(env.path("local/logoff-backup/backup.log")).unwrap();
    assert_eq!(local.matches("Result:          FAILED").count(), 1, "{local}");
    assert_eq!(local.matches("Cause:           Cannot reach the data folder").count(), 1, "{local}");
    assert!(
        local.lines().filter(|l| l.starts_with("  ")).count() < 10,
        "not a flood of file errors: {local}"
    );
    assert_eq!(env.sets().len(), 1, "no new set");
    assert_eq!(fingerprint(&env.sets()[0]), before, "the previous set is untouched");
    let leftovers: Vec<_> = std::fs::read_dir(&env.dest).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}
