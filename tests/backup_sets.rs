//! A backup makes a complete, byte-identical, versioned set; unchanged files are linked.

mod common;
use common::*;

#[test]
fn first_backup_is_a_byte_identical_tree_with_times() {
    let env = TestEnv::with_practice();
    let out = env.backup(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let set = env.newest_set();
    assert!(set.file_name().unwrap().to_string_lossy().ends_with("_RECEPTION1"), "{set:?}");
    assert_eq!(tree(&set.join("data"), &["logfiles"]), tree(&env.data, &["logfiles"]));
    assert!(set.join("data/Letters/Empty folder").is_dir());
    assert!(set.join("manifest.tsv").is_file());
    let log = env.log();
    assert!(log.contains("Result:          SUCCESS"), "{log}");
    assert!(log.contains("Computer:        RECEPTION1") && log.contains("User:            jane"), "{log}");
    assert!(log.contains(&format!("Backup location: {}", set.display())), "{log}");
}

#[test]
fn second_backup_links_unchanged_files_and_copies_changed_ones() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup(&[])), 0);
    let first = env.newest_set();
    env.write("Forms/Clinipad/form 1.xml", b"<form>changed</form>");
    env.write("X-rays/2025/new.dcm", b"new x-ray");
    std::thread::sleep(std::time::Duration::from_millis(1100)); // a new set name (one per second)
    let out = env.backup(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let second = env.newest_set();
    assert_ne!(first, second);
    let xray = "data/X-rays/2024/Jane Smith.dcm";
    assert_eq!(inode(&first.join(xray)), inode(&second.join(xray)), "unchanged file is linked");
    let form = "data/Forms/Clinipad/form 1.xml";
    assert_ne!(inode(&first.join(form)), inode(&second.join(form)));
    assert_eq!(std::fs::read(second.join(form)).unwrap(), b"<form>changed</form>");
    assert_eq!(std::fs::read(first.join(form)).unwrap(), b"<form/>", "the older set is untouched");
    assert_eq!(tree(&second.join("data"), &["logfiles"]), tree(&env.data, &["logfiles"]));
    assert!(env.log().contains("2 copied, 5 unchanged (linked)"), "{}", env.log());
}

/// The next run reads the newest set's manifest alongside its walk of the data folder (never whole
/// in memory): names that sort around the path separator, extra folders and many files per folder
/// must all still be found there and linked, and the manifest lists each folder before its contents.
#[cfg(unix)]
#[test]
fn every_unchanged_file_is_found_in_the_previous_manifest_whatever_the_names() {
    let env = TestEnv::new();
    let names = [
        "Practice.db",
        "X-rays/a.dcm",
        "X-rays 2/b.dcm",
        "X-rays-old/c.dcm",
        "X-rays.1/d.dcm",
        "X-rays0/e",
        "a b/c",
        "a/b",
        "a.b",
        "A/Z",
        "Ünï/d",
        "zz/y/x/w",
        "Forms/0/1",
        "Forms/0 1",
    ];
    for (i, name) in names.iter().enumerate() {
        env.write(name, format!("file {i}").as_bytes());
    }
    for i in 0..3000 {
        env.write(&format!("Forms/many/{}.xml", 3000 - i), b"<form/>");
    }
    let xrays = env.path("Xrays elsewhere");
    write_aged(&xrays.join("2025/scan.dcm"), b"x");
    let extra = ["--extra-folder", xrays.to_str().unwrap()];
    assert_eq!(code(&env.backup(&extra)), 0);
    let first = env.newest_set();
    let manifest = std::fs::read_to_string(first.join("manifest.tsv")).unwrap();
    let paths: Vec<&str> = manifest
        .lines()
        .skip_while(|l| !l.starts_with('#'))
        .skip(1)
        .filter(|l| !l.starts_with("end\t"))
        .map(|l| l.rsplit('\t').next().unwrap())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort_by(|a, b| a.split('/').cmp(b.split('/')));
    assert_eq!(paths, sorted, "each folder before what it holds, names sorted");
    assert_eq!(paths.len(), names.len() + 3000 + 16 + 3, "every file and folder, and the extra folder's");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(code(&env.backup(&extra)), 0);
    let second = env.newest_set();
    assert!(env.log().contains("0 copied, 3,015 unchanged (linked)"), "{}", env.log());
    for name in names {
        let p = format!("data/{name}");
        assert_eq!(inode(&first.join(&p)), inode(&second.join(&p)), "{p} is linked");
    }
}

#[test]
fn a_database_file_changed_with_the_same_size_and_time_is_still_copied() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup(&[])), 0);
    let db = env.data.join("Practice.db");
    let mtime = filetime::FileTime::from_last_modification_time(&std::fs::metadata(&db).unwrap());
    let mut bytes = std::fs::read(&db).unwrap();
    bytes[1000] ^= 0xff;
    std::fs::write(&db, &bytes).unwrap();
    filetime::set_file_mtime(&db, mtime).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(code(&env.backup(&[])), 0);
    assert_eq!(std::fs::read(env.newest_set().join("data/Practice.db")).unwrap(), bytes);
}

#[test]
fn without_subdirectories_only_the_database_files_are_copied() {
    let env = TestEnv::with_practice();
    let out = env.backup(&["--no-subdirectories"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let names: Vec<_> = std::fs::read_dir(env.newest_set().join("data"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(names, ["Practice.db", "Practice.idx"]);
}

#[test]
fn extra_folders_go_under_extra() {
    let env = TestEnv::with_practice();
    let xrays = env.path("D/Xrays");
    std::fs::create_dir_all(xrays.join("2026")).unwrap();
    std::fs::write(xrays.join("2026/pano.jpg"), b"pano").unwrap();
    let out = env.backup(&["--extra-folder", xrays.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let set = env.newest_set();
    assert_eq!(std::fs::read(set.join("extra/Xrays/2026/pano.jpg")).unwrap(), b"pano");
    assert!(env.log().contains("Extra folder:"), "{}", env.log());
}

#[test]
fn leftovers_of_a_killed_run_are_removed_and_never_taken_for_a_set() {
    let env = TestEnv::with_practice();
    std::fs::create_dir_all(env.dest.join(".partial-20261126-1/data")).unwrap();
    std::fs::create_dir_all(env.dest.join(".deleting-2026-01-01_000000_X/data")).unwrap();
    assert_eq!(code(&env.backup(&[])), 0);
    let mut names: Vec<_> = std::fs::read_dir(&env.dest).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names.len(), 3, "{names:?}");
    assert_eq!(
        names[1..],
        ["latest", "latest.manifest.tsv"],
        "the set, the cloud copy and its manifest only"
    );
}

#[test]
fn the_log_is_never_copied_into_the_set_and_rotates_at_5_mb() {
    let env = TestEnv::with_practice();
    let logs = env.data.join("logfiles");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::write(logs.join("backup.log"), vec![b'x'; 5_000_000]).unwrap();
    assert_eq!(code(&env.backup(&[])), 0);
    let set = env.newest_set();
    assert!(!set.join("data/logfiles/backup.log").exists());
    assert!(!set.join("data/logfiles/backup.log.1").exists());
    assert_eq!(std::fs::metadata(logs.join("backup.log.1")).unwrap().len(), 5_000_000);
    assert!(env.log().starts_with("===== Network backup ====="), "a fresh log after rotation");
}

#[test]
fn an_unwritable_log_falls_back_to_a_local_log_and_says_where() {
    let env = TestEnv::with_practice();
    let blocker = env.path("not-a-folder");
    std::fs::write(&blocker, b"").unwrap();
    let log = blocker.join("backup.log");
    let out = env.backup(&["--log-file", log.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "the backup still runs: {}", text(&out));
    // Joined a name at a time: spelt with this system's separators, as the program names it.
    let fallback = env.path("local").join("logoff-backup").join("backup.log");
    let written = std::fs::read_to_string(&fallback).unwrap();
    assert!(written.contains("Result:          SUCCESS"), "{written}");
    assert!(text(&out).contains(&fallback.display().to_string()), "{}", text(&out));
}

#[cfg(unix)]
#[test]
fn symlinks_are_recreated_not_followed() {
    let env = TestEnv::with_practice();
    let outside = env.path("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), b"not ours").unwrap();
    std::os::unix::fs::symlink(&outside, env.data.join("link-out")).unwrap();
    std::os::unix::fs::symlink("link-loop", env.data.join("link-loop")).unwrap();
    let out = env.backup(&[]);
    // Named, since what it points to is not in the backup: COMPLETED WITH ERRORS.
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains("link-out: a link to the folder"), "{}", text(&out));
    let set = env.newest_set();
    assert_eq!(std::fs::read_link(set.join("data/link-out")).unwrap(), outside);
    assert_eq!(std::fs::read_link(set.join("data/link-loop")).unwrap(), std::path::Path::new("link-loop"));
    assert!(!set.join("data/link-out").symlink_metadata().unwrap().is_dir());
}

#[test]
fn a_destination_inside_the_data_folder_is_refused_before_copying() {
    let env = TestEnv::with_practice();
    let inside = env.data.join("Backups");
    let out = env
        .command()
        .arg("run")
        .arg("--data-folder")
        .arg(&env.data)
        .arg("--destination")
        .arg(&inside)
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("is inside"), "{}", text(&out));
    assert!(!inside.exists(), "nothing is created in the live data folder");
    assert!(env.log().contains("Result:          FAILED"), "{}", env.log());
}

#[test]
fn a_missing_data_folder_fails_with_what_to_do() {
    let env = TestEnv::new();
    let out = env
        .command()
        .args(["run", "--data-folder"])
        .arg(env.path("gone"))
        .arg("--destination")
        .arg(&env.dest)
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("The server could not be reached for"), "{}", text(&out));
    assert!(text(&out).contains("gone"), "{}", text(&out));
}
