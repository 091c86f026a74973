//! `latest`, the cloud copy: after every good run it holds what the data folder holds, a file that
//! did not change is never touched, and no run, however it ends, leaves a half-made file in it.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn latest(env: &TestEnv) -> PathBuf {
    env.dest.join("latest")
}

/// `latest/data` as `tree` sees it (contents and modified times), without the log folder.
fn latest_tree(env: &TestEnv) -> Vec<(PathBuf, String)> {
    tree(&latest(env).join("data"), &["logfiles"])
}

/// Each file of `latest` with its file id and modified time.
fn ids(env: &TestEnv) -> BTreeMap<PathBuf, (u64, String)> {
    tree(&latest(env), &[])
        .into_iter()
        .filter(|(_, what)| what.starts_with("file"))
        .map(|(p, what)| {
            let mtime = what.rsplit(' ').next().unwrap().to_string();
            (p.clone(), (inode(&latest(env).join(&p)), mtime))
        })
        .collect()
}

fn verify_latest(env: &TestEnv) -> std::process::Output {
    env.command().arg("verify").arg(latest(env)).output().unwrap()
}

/// A working day: an X-ray and a form added, a letter rewritten, a document deleted, a folder
/// of forms renamed, the database written.
fn a_day_of_work(env: &TestEnv) -> Vec<&'static str> {
    env.write("X-rays/2025/new patient.dcm", &pseudo_random(20, 150_000));
    env.write("Forms/Portal/new form.xml", b"<form new/>");
    env.write("Forms/Clinipad/form 1.xml", b"<form changed, longer/>");
    std::fs::remove_file(env.data.join("Documents/Scanned docs/empty.pdf")).unwrap();
    std::fs::rename(env.data.join("Letters"), env.data.join("Letter templates")).unwrap();
    env.write("Practice.db", &pseudo_random(21, 300_000));
    vec!["X-rays/2024/Jane Smith.dcm", "X-rays/2025/Ünïcödé 名前.dcm", "Practice.idx"]
}

#[test]
fn latest_follows_the_data_folder_and_leaves_unchanged_files_untouched() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup(&[])), 0);
    assert_eq!(latest_tree(&env), tree(&env.data, &["logfiles"]), "after the first run");
    let verify = verify_latest(&env);
    assert_eq!(code(&verify), 0, "{}", text(&verify));
    let before = ids(&env);

    let unchanged = a_day_of_work(&env);
    let out = env.backup(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(latest_tree(&env), tree(&env.data, &["logfiles"]), "after a day's changes");
    let after = ids(&env);
    for f in unchanged {
        let p = Path::new("data").join(f);
        assert_eq!(after[&p], before[&p], "{f}: the same file, with the same time");
    }
    // The new X-ray, the new form, the changed form and the database.
    assert!(text(&out).contains("latest: 4 files changed"), "{}", text(&out));
    assert!(env.log().contains("1 file removed"), "{}", env.log());
    let verify = verify_latest(&env);
    assert_eq!(code(&verify), 0, "{}", text(&verify));
    assert!(!env.dest.join("latest.unfinished").exists());

    // Copies are read-only, in the sets and in `latest`: one saved over would change them all.
    assert!(read_only(&latest(&env).join("data/X-rays/2025/new patient.dcm")));
    assert!(read_only(&env.newest_set().join("data/Practice.db")));
}

#[test]
fn latest_is_never_a_set_and_the_sets_commands_ignore_it() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup(&[])), 0);
    a_day_of_work(&env);
    assert_eq!(code(&env.backup(&["--keep", "1"])), 0);
    assert_eq!(env.sets().len(), 1, "retention kept one set");
    assert!(latest(&env).join("data/Practice.db").exists(), "retention leaves latest alone");
    let list = env.command().arg("list").arg("--destination").arg(&env.dest).output().unwrap();
    assert!(!text(&list).contains("latest"), "{}", text(&list));
}

/// Killed with SIGKILL at each step of bringing `latest` up to date.
fn killed_while_updating_latest(point: &str) {
    let env = TestEnv::with_practice();
    let first = env.backup(&[]);
    assert_eq!(code(&first), 0, "the first backup: {}", text(&first));
    let old_set = env.newest_set();
    a_day_of_work(&env);
    let mut child = env.spawn_with_faults(&format!("pause:{point}"), &[]);
    env.wait_for_pause(point);
    child.kill().unwrap();
    child.wait().unwrap();
    // Every file in latest is whole: as the old set or the new one has it, never anything else.
    let new_set = env.newest_set();
    assert_ne!(new_set, old_set);
    let versions = |set: &Path| contents(set, &["manifest.tsv"]);
    let (old, new) = (versions(&old_set), versions(&new_set));
    for entry in contents(&latest(&env), &[]) {
        assert!(old.contains(&entry) || new.contains(&entry), "killed at {point}: {entry:?} is half-made");
    }
    let verify = verify_latest(&env);
    assert_eq!(code(&verify), 2, "{}", text(&verify));
    assert!(text(&verify).contains("last update was interrupted"), "{}", text(&verify));

    let out = env.backup(&[]);
    assert_eq!(code(&out), 0, "the next run: {}", text(&out));
    assert_eq!(latest_tree(&env), tree(&env.data, &["logfiles"]), "the next run finishes the job");
    let verify = verify_latest(&env);
    assert_eq!(code(&verify), 0, "{}", text(&verify));
    let left: Vec<_> = std::fs::read_dir(&env.dest).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(!left.iter().any(|n| n.to_string_lossy().starts_with(".partial")), "{left:?}");
    assert!(!env.dest.join("latest.unfinished").exists());
}

#[test]
fn killed_before_latest_is_touched() {
    killed_while_updating_latest("latest");
}

#[test]
fn killed_after_removing_what_went_from_latest() {
    killed_while_updating_latest("latest-pruned");
}

#[test]
fn killed_with_a_new_copy_ready_beside_latest() {
    // A changed file: its new copy is made beside `latest` and renamed over the old one.
    killed_while_updating_latest("latest-file:form 1.xml");
}

#[test]
fn killed_just_before_a_new_file_is_linked_into_latest() {
    killed_while_updating_latest("latest-file:new patient.dcm");
}

/// A run that fails part-way (the backup folder turned read-only under it) leaves `latest` exactly
/// as it was. (Unix only: the test takes away a folder's write permission from a user who is not
/// root; Windows has no such bits, and its read-only attribute on a folder does not stop writing.)
#[cfg(unix)]
#[test]
fn a_failed_run_leaves_latest_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let s = common::scenario::Scenario::new();
    let before = tree(&latest(&s.env), &[]);
    let ids_before = ids(&s.env);
    let mut c = common::scenario::as_ordinary_user(&s.env);
    let pause = s.env.path("pause");
    std::fs::create_dir_all(&pause).unwrap();
    c.env("LOGOFF_BACKUP_FAULTS", "pause:copy:today.dcm").env("LOGOFF_BACKUP_PAUSE_DIR", &pause);
    let child = s.env.run_args(&mut c).stdout(std::process::Stdio::piped()).spawn().unwrap();
    s.env.wait_for_pause("copy:today.dcm");
    let partial = std::fs::read_dir(&s.env.dest)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with(".partial-"))
        .unwrap()
        .path();
    // The set's manifest cannot be written: the run fails at its end, just before `latest`.
    let folder = partial;
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    s.env.resume("copy:today.dcm");
    let out = child.wait_with_output().unwrap();
    let _ = std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755));
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert_eq!(tree(&latest(&s.env), &[]), before);
    assert_eq!(ids(&s.env), ids_before);
    let verify = verify_latest(&s.env);
    assert_eq!(code(&verify), 0, "{}", text(&verify));
}

/// A file the run cannot read keeps its last good copy in `latest` (the cloud backup must not lose
/// it because it was open today); `latest`'s manifest lists it, so `verify latest` still passes.
#[test]
fn a_file_that_failed_today_keeps_its_last_good_copy_in_latest() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup(&[])), 0);
    let form = latest(&env).join("data/Forms/Clinipad/form 1.xml");
    let kept = std::fs::read(&form).unwrap();
    env.write("Forms/Clinipad/form 1.xml", b"<form changed/>");
    let out = env.backup_with_faults("open:form 1.xml=13", &[]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert_eq!(std::fs::read(&form).unwrap(), kept);
    assert!(env.log().contains("1 file not backed up this time keep"), "{}", env.log());
    let verify = verify_latest(&env);
    assert_eq!(code(&verify), 0, "{}", text(&verify));
}

/// On a drive without hard links (exFAT) `latest` is a copy, brought up to date the same way.
/// (Linux only: the test mounts an exFAT image.)
#[cfg(target_os = "linux")]
#[test]
fn on_an_exfat_drive_latest_is_a_copy_kept_up_to_date() {
    let env = TestEnv::with_practice();
    let drive = common::scenario::Mount::exfat(&env.dest, &env.path("usb.img"), 64);
    assert_eq!(code(&env.backup(&[])), 0);
    // exFAT keeps modified times to 10 ms: compare contents.
    assert_eq!(contents(&latest(&env).join("data"), &["logfiles"]), contents(&env.data, &["logfiles"]));
    let before = ids(&env);
    let unchanged = a_day_of_work(&env);
    let out = env.backup(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(text(&out).contains("latest: 4 files changed"), "only what changed is copied: {}", text(&out));
    assert_eq!(contents(&latest(&env).join("data"), &["logfiles"]), contents(&env.data, &["logfiles"]));
    let after = ids(&env);
    for f in unchanged {
        let p = Path::new("data").join(f);
        assert_eq!(after[&p], before[&p], "{f}: not copied again");
    }
    let verify = verify_latest(&env);
    assert_eq!(code(&verify), 0, "{}", text(&verify));
    drop(drive);
}

#[test]
fn no_latest_when_the_command_line_says_so() {
    let env = TestEnv::with_practice();
    let out = env.backup(&["--no-cloud-folder"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(!latest(&env).exists());
}

#[test]
fn no_latest_when_the_settings_say_so() {
    let env = TestEnv::with_practice();
    let settings = env.path("settings.ron");
    std::fs::write(&settings, "(cloud_folder: false)").unwrap();
    let out = env
        .command()
        .arg("--config")
        .arg(&settings)
        .args(["run"])
        .args(["--data-folder"])
        .arg(&env.data)
        .arg("--destination")
        .arg(&env.dest)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(!latest(&env).exists());
    assert!(!env.log().contains("Cloud copy"));
}

/// `latest` replaced by a link to somewhere else (here the live data folder): nothing is changed
/// through it, and the run says the cloud copy is behind. (Unix only: making a link on Windows
/// takes a privilege an ordinary user lacks.)
#[cfg(unix)]
#[test]
fn a_latest_that_is_a_link_is_left_alone_and_named() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup(&[])), 0);
    std::fs::remove_dir_all(latest(&env)).unwrap();
    std::os::unix::fs::symlink(&env.data, latest(&env)).unwrap();
    let data = tree(&env.data, &["logfiles"]);
    env.write("X-rays/2025/new patient.dcm", &pseudo_random(20, 1000));
    let out = env.backup(&[]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains("is NOT up to date. It is not a plain folder"), "{}", text(&out));
    let mut now = tree(&env.data, &["logfiles"]);
    now.retain(|(p, _)| !p.ends_with("new patient.dcm"));
    assert_eq!(now, data, "the live data is untouched");
    assert!(env.log().contains("Result:          COMPLETED WITH ERRORS"), "{}", env.log());
}

/// Someone deletes a file from `latest` and leaves one of their own there: the next run, with no
/// change in the data folder, notices (the folder's time changed) and puts `latest` right.
#[test]
fn a_latest_changed_by_hand_is_put_right_by_the_next_run() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup(&[])), 0);
    let xray = latest(&env).join("data/X-rays/2024/Jane Smith.dcm");
    std::fs::remove_file(&xray).unwrap();
    std::fs::write(latest(&env).join("data/Forms/stray.txt"), b"not from the data folder").unwrap();
    let out = env.backup(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(latest_tree(&env), tree(&env.data, &["logfiles"]));
    let verify = verify_latest(&env);
    assert_eq!(code(&verify), 0, "{}", text(&verify));
}
