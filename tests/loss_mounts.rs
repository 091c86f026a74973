//! The loss guard where the file system matters (a test binary of its own: mounts need root, as
//! CI runs): times a file system can hold that a date cannot, the backup folder reached through
//! another path, and a drive without hard links that is nearly full.

#![cfg(target_os = "linux")]
mod common;
use common::clinic::{self, practice};
use common::scenario::Mount;
use common::*;
use filetime::FileTime;

/// A file's modified time as the system holds it (filetime's own conversion overflows at i64::MIN).
fn mtime(m: &std::fs::Metadata) -> FileTime {
    use std::os::unix::fs::MetadataExt;
    FileTime::from_unix_time(m.mtime(), m.mtime_nsec() as u32)
}

#[test]
fn every_modified_time_a_file_system_can_hold_is_backed_up_verified_and_restored() {
    let env = TestEnv::new();
    // tmpfs holds any 64-bit time; data and backup both on it, so the copies keep them too.
    let _disk = Mount::tmpfs(&env.path("disk"), "64m");
    let data = env.path("disk/EXACTData");
    let times = [
        ("far future.dcm", FileTime::from_unix_time(99_999_999_999_999, 0)),
        ("2446.dcm", FileTime::from_unix_time(15_032_385_535, 123_456_789)),
        ("1901.dcm", FileTime::from_unix_time(-2_147_483_648, 1)),
        ("odd nanos.dcm", FileTime::from_unix_time(1_764_178_205, 999_999_999)),
        ("smallest.dcm", FileTime::from_unix_time(i64::MIN, 0)),
        ("largest.dcm", FileTime::from_unix_time(i64::MAX, 0)),
    ];
    // Set through std: filetime's own conversion overflows at i64::MIN.
    let system = |t: FileTime| match t.unix_seconds() {
        s if s < 0 => std::time::UNIX_EPOCH - std::time::Duration::new(s.unsigned_abs(), 0),
        s => std::time::UNIX_EPOCH + std::time::Duration::new(s as u64, 0),
    } + std::time::Duration::from_nanos(u64::from(t.nanoseconds()));
    std::fs::create_dir_all(data.join("X-rays")).unwrap();
    std::fs::write(data.join("Practice.db"), b"db").unwrap();
    for (name, t) in times {
        let p = data.join("X-rays").join(name);
        std::fs::write(&p, name.as_bytes()).unwrap();
        let f = std::fs::File::options().write(true).open(&p).unwrap();
        f.set_times(std::fs::FileTimes::new().set_modified(system(t))).unwrap();
        assert_eq!(mtime(&std::fs::metadata(&p).unwrap()), t, "tmpfs holds it");
    }
    let dest = env.path("disk/DataBkup");
    let run = || {
        let mut c = env.command();
        c.arg("run").arg("--data-folder").arg(&data).arg("--destination").arg(&dest).args(["--keep", "1"]);
        c.output().unwrap()
    };
    for _ in 0..2 {
        let out = run();
        assert_eq!(code(&out), 0, "{}", text(&out));
    }
    let sets: Vec<_> = std::fs::read_dir(&dest)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("manifest.tsv").is_file())
        .collect();
    assert_eq!(sets.len(), 1, "{sets:?}");
    let manifest = std::fs::read_to_string(sets[0].join("manifest.tsv")).unwrap();
    assert!(manifest.contains("@99999999999999.000000000"), "{manifest}");
    let verify = env.command().arg("verify").arg(&sets[0]).output().unwrap();
    assert_eq!(code(&verify), 0, "{}", text(&verify));
    let to = env.path("disk/restored");
    let restore = env.command().arg("restore").arg(&sets[0]).arg("--to").arg(&to).output().unwrap();
    assert_eq!(code(&restore), 0, "{}", text(&restore));
    for (name, t) in times {
        let back = walkdir::WalkDir::new(&to).into_iter().flatten().find(|e| e.file_name() == name).unwrap();
        // The very first second an i64 holds is given to copies as the next one.
        let t = FileTime::from_unix_time(t.unix_seconds().max(i64::MIN + 1), t.nanoseconds());
        assert_eq!(mtime(&back.metadata().unwrap()), t, "{name}");
    }
}

#[test]
fn the_backup_folder_reached_through_another_path_is_seen_inside_the_data_folder() {
    let env = practice();
    // The data folder again at another path (a second drive letter mapped to the same share).
    let _again = Mount::bind(&env.data, &env.path("Z"));
    let out = env
        .command()
        .arg("run")
        .arg("--data-folder")
        .arg(&env.data)
        .arg("--destination")
        .arg(env.path("Z/Backups"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("is inside"), "{}", text(&out));
    assert!(!env.data.join("Backups").exists(), "nothing written into the data folder");
}

#[test]
fn room_is_never_made_by_removing_the_set_the_guards_compare_with() {
    let env = practice();
    let _drive = Mount::exfat(&env.dest, &env.path("usb.img"), 16);
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    // The next day a letter could not be read: that set is the one later runs compare with.
    env.write("Letters/recall 00.txt", &clinic::letter(7, 6_100));
    let out = env.backup_with_faults("open:recall 00.txt=13", &[]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert_eq!(env.sets().len(), 2);
    // The drive fills up: room for the next set only if one of the two goes.
    let free = fs4::available_space(&env.dest).unwrap();
    let filler = free.saturating_sub(1_500_000);
    std::fs::write(env.dest.join("holiday photos.bin"), vec![7u8; filler as usize]).unwrap();
    let out = env.backup(&[]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("The backup drive has"), "{}", text(&out));
    assert_eq!(env.sets().len(), 2, "neither the newest SUCCESS set nor the set compared with goes");
}

#[test]
fn a_backup_folder_inside_the_data_folder_reached_through_another_path_is_left_out() {
    let env = practice();
    std::fs::create_dir(env.data.join("Backup")).unwrap();
    // `B:` mapped to \\server\EXACTData\Backup: the same folder by another path.
    let _alias = Mount::bind(&env.data.join("Backup"), &env.path("B"));
    let run = || {
        let mut c = env.command();
        c.arg("run").arg("--data-folder").arg(&env.data).arg("--destination").arg(env.path("B"));
        c.output().unwrap()
    };
    for _ in 0..2 {
        let out = run();
        assert_eq!(code(&out), 1, "{}", text(&out));
        assert!(
            text(&out).contains("this folder is the backup folder itself, reached through another path"),
            "{}",
            text(&out)
        );
    }
    let sets: Vec<_> =
        std::fs::read_dir(env.data.join("Backup")).unwrap().flatten().map(|e| e.path()).collect();
    for set in sets.iter().filter(|p| p.join("manifest.tsv").is_file()) {
        assert!(
            !set.join("data/Backup").exists() || std::fs::read_dir(set.join("data/Backup")).is_err(),
            "a set never holds the backups: {}",
            set.display()
        );
        assert_eq!(clinic::files(&set.join("data")).len(), 130, "{}", set.display());
    }
}
