//! What a new set shares with the previous one: only copies that are still what that set's
//! manifest says, of files that did not change (size, modified time, change time and file id).

mod common;
use common::*;

#[test]
fn a_copy_changed_in_the_previous_set_is_copied_afresh_and_that_set_named_damaged() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup(&[])), 0);
    let first = env.newest_set();
    // Someone opened the X-ray from the backup and saved it: new bytes, new time.
    let xray = "data/X-rays/2025/Ünïcödé 名前.dcm";
    std::fs::write(first.join(xray), b"edited in the backup").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let out = env.backup(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let second = env.newest_set();
    assert_ne!(inode(&first.join(xray)), inode(&second.join(xray)), "not linked to the damaged copy");
    assert_eq!(std::fs::read(second.join(xray)).unwrap(), std::fs::read(env.data.join(&xray[5..])).unwrap());
    let verify = env.command().arg("verify").arg(&second).output().unwrap();
    assert_eq!(code(&verify), 0, "the new set is whole: {}", text(&verify));
    let last = env.last_block();
    let first_name = first.file_name().unwrap().to_string_lossy().into_owned();
    assert!(last.contains(&format!("the older backup {first_name} is DAMAGED")), "{last}");
    assert!(last.contains("X-rays/2025/Ünïcödé 名前.dcm"), "{last}");
    assert!(
        last.contains(&format!("1 new copy read back from the backup drive and compared with the originals; 5 unchanged files linked from {first_name} (checked by size and time)")),
        "{last}"
    );
}

/// (Unix only: on Windows the walk reads a directory listing, which carries no change time or file
/// id, and reading them from every file would mean opening each one on the share; there a rewrite
/// that keeps the size and modified time is not noticed, except in database files, which are hashed.)
#[cfg(unix)]
#[test]
fn a_file_rewritten_with_its_old_size_and_time_is_still_copied() {
    let env = TestEnv::with_practice();
    let form = env.write("Forms/Clinipad/form 2.xml", b"<form>AAAA</form>");
    assert_eq!(code(&env.backup(&[])), 0);
    let first = env.newest_set();
    // A program that writes the same number of bytes and puts the old modified time back.
    let before = std::fs::metadata(&form).unwrap();
    std::fs::write(&form, b"<form>BBBB</form>").unwrap();
    filetime::set_file_mtime(&form, filetime::FileTime::from_last_modification_time(&before)).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(code(&env.backup(&[])), 0);
    let second = env.newest_set();
    let rel = "data/Forms/Clinipad/form 2.xml";
    assert_eq!(std::fs::read(second.join(rel)).unwrap(), b"<form>BBBB</form>", "the change time told");
    assert_eq!(std::fs::read(first.join(rel)).unwrap(), b"<form>AAAA</form>");
}

/// (Unix only: Windows has no named pipes in its file system.)
#[cfg(unix)]
#[test]
fn pipes_and_sockets_are_noted_but_do_not_make_a_backup_fail() {
    let env = TestEnv::with_practice();
    let fifo = env.data.join("exact.pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let out = env.backup(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let last = env.last_block();
    assert!(last.contains("Result:          SUCCESS"), "{last}");
    assert!(last.contains("NOT A FILE"), "{last}");
    assert!(
        last.contains(&format!(
            "{}: not a regular file (device, pipe or socket), not backed up",
            fifo.display()
        )),
        "{last}"
    );
    assert!(last.contains("1 not regular files (noted)"), "{last}");
}

#[test]
fn a_drive_that_keeps_times_to_the_second_does_not_make_the_previous_set_look_damaged() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup(&[])), 0);
    let first = env.newest_set();
    // As a drive with whole-second times (or a share) stores the copies' times.
    for e in
        walkdir::WalkDir::new(first.join("data")).into_iter().flatten().filter(|e| e.file_type().is_file())
    {
        let t = filetime::FileTime::from_last_modification_time(&e.metadata().unwrap());
        filetime::set_file_mtime(e.path(), filetime::FileTime::from_unix_time(t.unix_seconds(), 0)).unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(code(&env.backup(&[])), 0);
    let last = env.last_block();
    assert!(!last.contains("DAMAGED"), "{last}");
    assert!(last.contains("0 copied, 6 unchanged (linked)"), "{last}");
}
