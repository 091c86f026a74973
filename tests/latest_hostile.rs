//! `latest` against odd names, unreadable folders and links planted in the backup folder (every
//! user who may run the backup has Full control of it).
//!
//! Most of these tests are Unix only: names with control characters, folder permissions and links
//! cannot be made by an ordinary Windows user (Windows forbids the names, has no permission bits,
//! and making a link takes a privilege), so they are tested where they can be.

mod common;
use common::*;
use std::path::PathBuf;

fn latest(env: &TestEnv) -> PathBuf {
    env.dest.join("latest")
}

/// Names whose manifest text sorts differently from the names themselves (a tab sorts before a
/// space, its escape `\t` after): unchanged files stay untouched all the same.
#[cfg(unix)]
#[test]
fn unchanged_files_beside_names_with_escapes_are_left_alone() {
    let env = TestEnv::with_practice();
    env.write("Docs/a\tb.txt", b"tab");
    env.write("Docs/a b/x.dcm", &pseudo_random(9, 5000));
    assert_eq!(code(&env.backup(&[])), 0);
    let p = latest(&env).join("data/Docs/a b/x.dcm");
    let before = inode(&p);
    let child = env.spawn_with_faults("pause:latest-pruned", &[]);
    env.wait_for_pause("latest-pruned");
    assert!(p.exists(), "nothing unchanged is removed to be made again");
    env.resume("latest-pruned");
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(text(&out).contains("nothing changed"), "{}", text(&out));
    assert_eq!(inode(&p), before);
    let verify = env.command().arg("verify").arg(latest(&env)).output().unwrap();
    assert_eq!(code(&verify), 0, "{}", text(&verify));
}

/// A folder that cannot be read today: its files keep their last good copy in `latest`, whether
/// the folder is deep or at the top of the data folder.
#[cfg(unix)]
#[test]
fn files_in_a_folder_that_cannot_be_read_keep_their_last_good_copy() {
    use std::os::unix::fs::PermissionsExt;
    for (folder, file) in
        [("X-rays/2024", "X-rays/2024/Jane Smith.dcm"), ("Forms", "Forms/Clinipad/form 1.xml")]
    {
        let env = TestEnv::with_practice();
        assert_eq!(code(&env.backup(&[])), 0);
        let kept = latest(&env).join("data").join(file);
        let bytes = std::fs::read(&kept).unwrap();
        let dir = env.data.join(folder);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o000)).unwrap();
        let mut c = common::scenario::as_ordinary_user(&env);
        let out = env.run_args(&mut c).output().unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(code(&out), 1, "{}", text(&out));
        assert_eq!(std::fs::read(&kept).unwrap(), bytes, "{folder}: {}", text(&out));
        assert!(!text(&out).contains("removed"), "{}", text(&out));
    }
}

/// Links planted where the update writes its marker and its manifest's pieces: replaced, never
/// written through (here they point at a database file in the live data folder).
#[cfg(unix)]
#[test]
fn links_planted_in_the_backup_folder_are_never_written_through() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup(&[])), 0);
    let victim = env.data.join("Practice.idx");
    let before = std::fs::read(&victim).unwrap();
    for name in ["latest.unfinished", "latest.manifest.tsv.entries", "latest.manifest.tsv.new"] {
        std::os::unix::fs::symlink(&victim, env.dest.join(name)).unwrap();
    }
    env.write("Forms/Clinipad/form 1.xml", b"<form changed/>");
    // A file kept from before makes the manifest be merged through the `.entries` file.
    let out = env.backup_with_faults("open:form 1.xml=13", &[]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert_eq!(std::fs::read(&victim).unwrap(), before, "the live data is untouched");
    let verify = env.command().arg("verify").arg(latest(&env)).output().unwrap();
    assert_eq!(code(&verify), 0, "{}", text(&verify));
}

/// A folder of `latest` replaced by a link to somewhere else: the link goes, nothing is written
/// where it pointed, and `latest` is whole again.
#[cfg(unix)]
#[test]
fn a_link_in_place_of_a_folder_of_latest_is_removed_not_followed() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup(&[])), 0);
    let elsewhere = env.path("elsewhere");
    std::fs::create_dir_all(elsewhere.join("2024")).unwrap();
    std::fs::write(elsewhere.join("2024/Jane Smith.dcm"), b"not a backup").unwrap();
    std::fs::remove_dir_all(latest(&env).join("data/X-rays")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, latest(&env).join("data/X-rays")).unwrap();
    let out = env.backup(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(std::fs::read(elsewhere.join("2024/Jane Smith.dcm")).unwrap(), b"not a backup");
    assert_eq!(tree(&latest(&env).join("data"), &["logfiles"]), tree(&env.data, &["logfiles"]));
}

/// A practice with X-rays kept outside the data folder (`<root>/D/Xrays`, returned as `<root>/D`)
/// and its first backup.
fn backed_up_with_an_extra_folder() -> (TestEnv, PathBuf) {
    let env = TestEnv::with_practice();
    let outside = env.path("D");
    write_aged(&outside.join("Xrays/2026/pano.jpg"), b"pano");
    let out = env.backup(&["--extra-folder", outside.join("Xrays").to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    (env, outside)
}

/// `latest/extra` (which no manifest lists: it only holds the extra folders) replaced by a link to
/// the folder that holds a live extra folder: nothing is removed or written through it.
#[cfg(unix)]
#[test]
fn a_link_in_place_of_latest_extra_is_never_followed() {
    let (env, outside) = backed_up_with_an_extra_folder();
    let xrays = outside.join("Xrays");
    let with_extra = ["--extra-folder", xrays.to_str().unwrap()];
    std::fs::remove_dir_all(latest(&env).join("extra")).unwrap();
    std::os::unix::fs::symlink(&outside, latest(&env).join("extra")).unwrap();
    write_aged(&outside.join("Xrays/2026/pano.jpg"), b"pano, retaken");
    let out = env.backup(&with_extra);
    assert_eq!(
        std::fs::read(outside.join("Xrays/2026/pano.jpg")).unwrap(),
        b"pano, retaken",
        "{}",
        text(&out)
    );
    let out = env.backup(&[]);
    assert!(
        outside.join("Xrays/2026/pano.jpg").exists(),
        "the live extra folder is still there: {}",
        text(&out)
    );
}

/// Something left at the top of `latest` or in `latest/extra` goes; an interrupted update does not
/// make the next run remove and remake the extra folders (the cloud backup would upload them again).
#[test]
fn strays_at_the_top_of_latest_go_and_extra_folders_stay_put() {
    let (env, outside) = backed_up_with_an_extra_folder();
    let xrays = outside.join("Xrays");
    let with_extra = ["--extra-folder", xrays.to_str().unwrap()];
    std::fs::write(latest(&env).join("stray.txt"), b"stray").unwrap();
    std::fs::write(latest(&env).join("extra/stray.txt"), b"stray").unwrap();
    let out = env.backup(&with_extra);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(!latest(&env).join("stray.txt").exists() && !latest(&env).join("extra/stray.txt").exists());
    let pano = latest(&env).join("extra/Xrays/2026/pano.jpg");
    let before = inode(&pano);
    std::fs::write(env.dest.join("latest.unfinished"), b"").unwrap();
    let out = env.backup(&with_extra);
    assert!(text(&out).contains("nothing changed"), "{}", text(&out));
    assert_eq!(inode(&pano), before);
    let verify = env.command().arg("verify").arg(latest(&env)).output().unwrap();
    assert_eq!(code(&verify), 0, "{}", text(&verify));
}
