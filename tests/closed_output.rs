//! A command's exit code is its own, whatever happens to its stdout and stderr
//! (`logoff-backup run | head -1`, a console that went away).

mod common;
use common::*;
use std::process::Command;

/// Runs a command whose stdout and stderr are pipes nobody reads: their read ends are closed
/// before it starts, so every line it writes fails. Returns its exit code.
fn with_output_closed(c: &mut Command) -> i32 {
    let (stdout_read, stdout_write) = std::io::pipe().unwrap();
    let (stderr_read, stderr_write) = std::io::pipe().unwrap();
    drop((stdout_read, stderr_read));
    let status = c.stdout(stdout_write).stderr(stderr_write).status().unwrap();
    status.code().expect("exited normally, not killed by a signal")
}

#[test]
fn a_good_backup_exits_0_when_no_one_reads_its_output() {
    let env = TestEnv::with_practice();
    let log = env.path("backup.log");
    let mut c = env.command();
    env.run_args(&mut c).arg("--log-file").arg(&log);
    assert_eq!(with_output_closed(&mut c), 0);
    assert_eq!(env.sets().len(), 1, "the set was made");
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(written.contains("Result:          SUCCESS"), "{written}");
}

#[test]
fn verify_list_restore_drill_and_bad_settings_keep_their_exit_codes_when_no_one_reads() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup(&[])), 0);
    let set = env.newest_set();

    assert_eq!(with_output_closed(env.command().arg("verify").arg(&set)), 0, "verify");
    std::fs::remove_file(set.join("data/Practice.idx")).unwrap();
    assert_eq!(with_output_closed(env.command().arg("verify").arg(&set)), 1, "verify, a file missing");
    std::fs::write(set.join("data/Practice.idx"), b"index").unwrap();

    let list = with_output_closed(env.command().arg("list").arg("--destination").arg(&env.dest));
    assert_eq!(list, 0, "list");
    let restore =
        with_output_closed(env.command().arg("restore").arg(&set).arg("--to").arg(env.path("restored")));
    assert_eq!(restore, 0, "restore");
    assert!(env.path("restored/data/Practice.db").is_file());

    std::fs::create_dir_all(env.path("tmp")).unwrap();
    let mut drill = env.command();
    drill.env("TMPDIR", env.path("tmp")).args(["drill", "--seed", "7", "--destination"]).arg(&env.dest);
    drill.arg("--log-file").arg(env.path("drill.log"));
    assert_eq!(with_output_closed(&mut drill), 0, "drill");

    // "There are no settings on this computer yet" goes to the closed stderr.
    assert_eq!(with_output_closed(env.command().arg("run")), 3, "run without settings");
}
