//! Each run leaves one entry in the system's log for the IT contact's monitoring: here syslog, read
//! from a real datagram socket standing in for /dev/log. (On Windows the same entries go to the
//! Event Log; see the README for what is checked there.)

#![cfg(unix)]
mod common;
use common::*;
use std::os::unix::net::UnixDatagram;
use std::time::Duration;

/// A syslog socket in the test's folder, and the next message it receives.
struct Syslog(UnixDatagram, std::path::PathBuf);

impl Syslog {
    fn new(env: &TestEnv) -> Syslog {
        let path = env.path("log.sock");
        let socket = UnixDatagram::bind(&path).unwrap();
        socket.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        Syslog(socket, path)
    }

    fn next(&self) -> String {
        let mut buf = vec![0; 64 * 1024];
        let n = self.0.recv(&mut buf).expect("an entry in the system log");
        String::from_utf8_lossy(&buf[..n]).into_owned()
    }
}

#[test]
fn a_backup_and_a_restore_test_each_leave_one_entry_with_their_event_id_and_summary() {
    let env = TestEnv::with_practice();
    let syslog = Syslog::new(&env);
    let mut c = env.command();
    c.env("LOGOFF_BACKUP_SYSLOG", &syslog.1);
    assert_eq!(code(&env.run_args(&mut c).output().unwrap()), 0);
    let entry = syslog.next();
    // Facility user (1), severity informational (6).
    assert!(entry.starts_with("<14>logoff-backup["), "{entry}");
    assert!(entry.contains("]: event 1000: Started:"), "{entry}");
    assert!(entry.contains("Computer:        RECEPTION1; "), "{entry}");
    assert!(entry.contains("Result:          SUCCESS"), "{entry}");

    let mut drill = env.command();
    drill.env("LOGOFF_BACKUP_SYSLOG", &syslog.1).args(["drill", "--destination"]).arg(&env.dest);
    drill.arg("--log-file").arg(env.data.join("logfiles").join("backup.log"));
    assert_eq!(code(&drill.output().unwrap()), 0);
    let entry = syslog.next();
    assert!(entry.starts_with("<14>logoff-backup[") && entry.contains("]: event 1010: "), "{entry}");
    assert!(entry.contains("Result:          PASSED"), "{entry}");
}

#[test]
fn a_failed_backup_is_an_error_entry_1002_with_its_cause() {
    let env = TestEnv::with_practice();
    let syslog = Syslog::new(&env);
    let drive = env.path("not-a-drive");
    std::fs::write(&drive, b"").unwrap();
    let mut c = env.command();
    c.env("LOGOFF_BACKUP_SYSLOG", &syslog.1);
    c.args(["run", "--data-folder"]).arg(&env.data).arg("--destination").arg(&drive);
    assert_eq!(code(&c.output().unwrap()), 2);
    let entry = syslog.next();
    // Facility user (1), severity error (3).
    assert!(entry.starts_with("<11>logoff-backup[") && entry.contains("]: event 1002: "), "{entry}");
    assert!(entry.contains("Result:          FAILED; Cause:"), "{entry}");
    assert!(!entry.contains('\n'), "one line: {entry}");
}
