//! Advice about the backup drive follows the cause, in the window and in backup.log alike: a drive
//! that went away, and a full drive (a file a FAT32 drive cannot hold: `advice_fat.rs`). Mounting
//! needs root; CI runs as root.

#![cfg(target_os = "linux")]
mod common;
use common::scenario::*;
use common::ui::{advised, settings};
use common::*;
use logoff_backup::engine::advice::Cause;

#[test]
fn a_backup_drive_unplugged_before_the_start_is_named_with_what_to_do() {
    let env = TestEnv::with_practice();
    // The drive (here a folder standing for it) with the backup folder on it.
    let (drive, dest) = (env.path("usb"), env.path("usb/DataBkup"));
    std::fs::create_dir_all(&dest).unwrap();
    settings(&env, &dest);
    let unplug = || std::fs::remove_dir_all(&drive).unwrap();
    advised(&env, unplug, "Backup failed", Cause::DriveMissing, &dest);
    assert!(!drive.exists(), "no backup folder is made where the drive was");
}

#[test]
fn a_full_backup_drive_says_how_much_is_needed_and_what_to_move() {
    let env = TestEnv::with_practice();
    env.write("X-rays/2025/pano.dcm", &pseudo_random(3, 3_000_000));
    let _drive = Mount::tmpfs(&env.dest, "1m");
    settings(&env, &env.dest);
    advised(&env, || {}, "Backup failed", Cause::DriveFull, &env.dest);
    let log = env.log();
    assert!(log.contains("free but this backup needs about 6.4 MB"), "{log}");
}
