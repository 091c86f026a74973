//! Copies in the backup folder are read-only. A hard-linked copy shares its bytes with the same
//! file in every set and in `latest`, so a program that saved over one would change them all.
//! Removing or replacing a copy goes through here: the read-only mark is cleared only where the
//! system insists (Windows on drives without POSIX deletes, such as FAT/exFAT, where copies are
//! never linked), for that one file, and put back if the removal still fails.

use std::io;
use std::path::Path;

/// Marks a fresh copy read-only (the read-only attribute on Windows, no write bits elsewhere).
/// Best effort: a drive that keeps no such mark (exFAT under Linux) just keeps the copy as it is.
pub fn mark(path: &Path) {
    if let Ok(m) = std::fs::symlink_metadata(path)
        && m.is_file()
        && !m.permissions().readonly()
    {
        let mut p = m.permissions();
        p.set_readonly(true);
        let _ = std::fs::set_permissions(path, p);
    }
}

/// Removes one file, read-only or not.
pub fn remove_file(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => retry_writable(path, e),
        other => other,
    }
}

/// Renames `from` over `to`, which may be a read-only copy.
pub fn replace(from: &Path, to: &Path) -> io::Result<()> {
    match std::fs::rename(from, to) {
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied && std::fs::symlink_metadata(to).is_ok() => {
            remove_file(to)?;
            std::fs::rename(from, to)
        }
        other => other,
    }
}

/// Removes a folder and everything in it, read-only copies included.
pub fn remove_tree(path: &Path) -> io::Result<()> {
    let first = match std::fs::remove_dir_all(path) {
        Ok(()) => return Ok(()),
        Err(e) => e,
    };
    if cfg!(windows) && first.kind() != io::ErrorKind::NotFound {
        // One by one, so that only the files Windows refuses lose their mark.
        for entry in walkdir::WalkDir::new(path).contents_first(true) {
            let entry = entry.map_err(io::Error::other)?;
            if entry.file_type().is_dir() {
                std::fs::remove_dir(entry.path())?;
            } else {
                remove_file(entry.path())?;
            }
        }
        return Ok(());
    }
    Err(first)
}

#[cfg(windows)]
fn retry_writable(path: &Path, refused: io::Error) -> io::Result<()> {
    let Ok(m) = std::fs::symlink_metadata(path) else { return Err(refused) };
    if !m.permissions().readonly() {
        return Err(refused);
    }
    let mut p = m.permissions();
    #[allow(clippy::permissions_set_readonly_false, reason = "Windows: clears the read-only attribute only")]
    p.set_readonly(false);
    std::fs::set_permissions(path, p.clone())?;
    std::fs::remove_file(path).inspect_err(|_| {
        p.set_readonly(true);
        let _ = std::fs::set_permissions(path, p);
    })
}

/// Elsewhere a file's own mode never stops its removal: the folder's does, and that is not ours to
/// change.
#[cfg(not(windows))]
fn retry_writable(_: &Path, refused: io::Error) -> io::Result<()> {
    Err(refused)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_only_copy_can_be_replaced_and_removed() {
        let d = tempfile::tempdir().unwrap();
        let (copy, new) = (d.path().join("copy"), d.path().join("new"));
        std::fs::write(&copy, b"old").unwrap();
        mark(&copy);
        assert!(std::fs::metadata(&copy).unwrap().permissions().readonly());
        std::fs::write(&new, b"new").unwrap();
        replace(&new, &copy).unwrap();
        assert_eq!(std::fs::read(&copy).unwrap(), b"new");
        mark(&copy);
        std::fs::create_dir(d.path().join("set")).unwrap();
        std::fs::hard_link(&copy, d.path().join("set/copy")).unwrap();
        remove_tree(&d.path().join("set")).unwrap();
        assert!(std::fs::metadata(&copy).unwrap().permissions().readonly(), "the other link keeps its mark");
        remove_file(&copy).unwrap();
        assert!(!copy.exists());
    }
}
