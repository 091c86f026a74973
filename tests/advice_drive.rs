//! Advice about the backup drive follows the cause, in the window and in backup.log alike: a drive
//! that went away, a full drive, and a file a FAT32 drive cannot hold. Mounting needs root; CI
//! runs as root.

#![cfg(target_os = "linux")]
mod common;
use common::scenario::*;
use common::ui::{prompt_window, wait_for};
use common::*;
use egui_kittest::kittest::{NodeT, Queryable};
use logoff_backup::engine::advice::Cause;
use logoff_backup::settings::Settings;
use std::path::Path;

fn settings(env: &TestEnv, destination: &Path) {
    let s =
        Settings { data_folder: env.data.clone(), destination: destination.into(), ..Settings::default() };
    s.save(&env.path("config/settings.ron")).unwrap();
}

/// Starts a backup from the prompt (after `meanwhile`, done once the window is up) and waits for
/// its end, `title`; the words of `cause` for `folder` are then in the window and in the log.
fn advised(env: &TestEnv, meanwhile: impl FnOnce(), title: &str, cause: Cause, folder: &Path) {
    let mut h = prompt_window(env, egui::vec2(660.0, 560.0));
    wait_for(&mut h, "Start backup");
    // The checks of the folders run first, on their own thread; Start waits for them.
    for _ in 0..2000 {
        h.step();
        if !h.get_by_label("Start backup").accesskit_node().is_disabled() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    meanwhile();
    h.get_by_label("Start backup").click();
    wait_for(&mut h, title);
    let words = cause.what_to_do(folder);
    assert!(h.query_by_label_contains(&words).is_some(), "the window advises on {cause:?}: {words}");
    let log = env.log();
    let last = log.rsplit("===== Network backup =====").next().unwrap();
    assert!(last.contains(&words), "the log advises on {cause:?}: {words}\n{last}");
}

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
