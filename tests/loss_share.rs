//! The loss guard through a server's share (`bench/slow-share`, FUSE; a test binary of its own:
//! mounting needs root, as CI runs): opens that now and then answer "not found" while the files
//! are listed, and file ids that change from one connection to the next.

#![cfg(target_os = "linux")]
mod common;
use common::clinic::{self, practice};
use common::share::Share;
use common::*;

fn backup_from(env: &TestEnv, share: &std::path::Path) -> std::process::Output {
    let mut c = env.command();
    c.arg("run").arg("--data-folder").arg(share).arg("--destination").arg(&env.dest);
    // The log where it would be on the server (the share here is read-only).
    c.arg("--log-file").arg(env.data.join("logfiles/backup.log"));
    c.output().unwrap()
}

#[test]
fn opens_that_now_and_then_answer_not_found_lose_no_file() {
    let env = practice();
    let mnt = env.path("share");
    {
        let _share = Share::mount(&env.data, &mnt, &["--fail-opens", "7"]);
        let out = backup_from(&env, &mnt);
        assert_eq!(code(&out), 0, "{}", text(&out));
        assert!(
            text(&out)
                .contains("130 found: 130 copied, 0 unchanged (linked), 0 skipped, 0 failed, 0 vanished"),
            "{}",
            text(&out)
        );
    }
    let set = env.newest_set();
    assert_eq!(clinic::files(&set.join("data")).len(), 130, "every file is in the set");
    clinic::working_day(&env, 1);
    let _share = Share::mount(&env.data, &mnt, &["--fail-opens", "7"]);
    let out = backup_from(&env, &mnt);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let (data, latest) = (clinic::files(&env.data).len(), clinic::files(&env.dest.join("latest/data")).len());
    assert_eq!(latest, data, "latest holds every file of the data folder");
}

#[test]
fn file_ids_that_change_between_connections_do_not_make_every_file_copied_again() {
    let env = practice();
    let mnt = env.path("share");
    {
        let _share = Share::mount(&env.data, &mnt, &[]);
        assert_eq!(code(&backup_from(&env, &mnt)), 0);
    }
    // The next connection hands out other ids for the same files.
    let _share = Share::mount(&env.data, &mnt, &["--ino-offset", "1000000"]);
    let out = backup_from(&env, &mnt);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(text(&out).contains("130 found: 0 copied, 130 unchanged (linked)"), "{}", text(&out));
    let block = env.last_block();
    assert!(block.contains("the data folder's file IDs change between connections"), "{block}");
    assert!(block.contains("130 of the 130 unchanged files had a new ID"), "{block}");
}

#[test]
fn a_share_lost_mid_run_fails_the_run_and_latest_keeps_every_file() {
    let env = practice();
    let mnt = env.path("share");
    {
        let _share = Share::mount(&env.data, &mnt, &[]);
        assert_eq!(code(&backup_from(&env, &mnt)), 0);
    }
    let before = clinic::files(&env.dest.join("latest")).len();
    clinic::working_day(&env, 1);
    let _share = Share::mount(&env.data, &mnt, &[]);
    let pause = env.path("pause");
    std::fs::create_dir_all(&pause).unwrap();
    let mut c = env.command();
    c.env("LOGOFF_BACKUP_FAULTS", "pause:copy:form 10.pdf")
        .env("LOGOFF_BACKUP_PAUSE_DIR", &pause)
        .env("LOGOFF_BACKUP_RETRY_SCALE", "0.01")
        .arg("run")
        .arg("--data-folder")
        .arg(&mnt)
        .arg("--destination")
        .arg(&env.dest)
        .arg("--log-file")
        .arg(env.data.join("logfiles/backup.log"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = c.spawn().unwrap();
    env.wait_for_pause("copy:form 10.pdf");
    // The share goes away under its mount point (a lazy unmount: what is open stays readable).
    let out = std::process::Command::new("umount").arg("-l").arg(&mnt).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    env.resume("copy:form 10.pdf");
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("The connection to the server was lost during the backup"), "{}", text(&out));
    assert_eq!(clinic::files(&env.dest.join("latest")).len(), before, "latest keeps every file");
}
