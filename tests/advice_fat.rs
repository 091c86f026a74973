//! A file too big for a FAT32 backup drive is named, with what to do, in the window and in
//! backup.log alike. (A test binary of its own: the FAT32 drive is a FUSE file system, which once
//! in a few dozen runs stopped answering the window's checks while the other drive tests mounted
//! and unmounted theirs.) Mounting needs root; CI runs as root.

#![cfg(target_os = "linux")]
mod common;
use common::scenario::*;
use common::ui::{advised, settings};
use common::*;
use logoff_backup::engine::advice::Cause;

#[test]
fn a_file_too_big_for_a_fat32_drive_is_named_with_what_to_do() {
    let env = TestEnv::with_practice();
    // 4.5 GB that take no room here: the FAT32 limit is known before any is read.
    let big = env.data.join("X-rays").join("CT").join("full-jaw.dcm");
    std::fs::create_dir_all(big.parent().unwrap()).unwrap();
    std::fs::File::create(&big).unwrap().set_len(4_500_000_000).unwrap();
    let _drive = Mount::fat32(&env.dest, &env.path("usb.img"), 40);
    settings(&env, &env.dest);
    let title = "Backup finished, but some files are missing";
    advised(&env, || {}, title, Cause::NotAllowedOnDrive, big.parent().unwrap());
}
