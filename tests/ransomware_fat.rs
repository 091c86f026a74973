//! The ransomware guard on a backup drive without hard links (exFAT, as most USB drives come):
//! every set is a full copy, but the run still compares with the newest set. (A test binary of
//! its own: the drive is a FUSE file system.) Mounting needs root; CI runs as root.

#![cfg(target_os = "linux")]
mod common;
use common::clinic::{self, practice};
use common::scenario::Mount;
use common::*;

#[test]
fn on_a_drive_without_hard_links_an_encrypted_folder_is_still_suspect_and_nothing_is_removed() {
    let env = practice();
    let _drive = Mount::exfat(&env.dest, &env.path("usb.img"), 40);
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &["--keep", "1"])), 0);
    clinic::working_day(&env, 1);
    let out = env.backup_at("2026-11-29T17:30:00", &["--keep", "1"]);
    assert_eq!(code(&out), 0, "an ordinary day, every file copied again: {}", text(&out));
    assert_eq!(env.sets().len(), 1, "retention as usual");
    clinic::encrypt(&env);
    let out = env.backup_at("2026-11-30T17:30:00", &["--keep", "1"]);
    assert_eq!(code(&out), 5, "{}", text(&out));
    let block = env.log().rsplit("===== Network backup =====").next().unwrap().to_string();
    assert!(block.contains("Compared with:   2026-11-29_173000_RECEPTION1"), "{block}");
    assert!(block.contains("was a PDF file, no longer starts like one"), "{block}");
    assert!(block.contains("the backup drive has no hard links"), "{block}");
    assert_eq!(env.sets().len(), 2, "the good set is kept in spite of --keep 1");
}
