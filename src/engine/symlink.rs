//! Symbolic links in a set: recreated, never followed.

use super::copy::describe;
use super::manifest::Mtime;
use std::path::Path;

/// Recreates a symbolic link. Returns the hash of its target, or why it was skipped.
pub fn copy_symlink(src: &Path, dst: &Path) -> Result<(blake3::Hash, Mtime), String> {
    let target = std::fs::read_link(src).map_err(|e| describe(&e))?;
    let mtime = std::fs::symlink_metadata(src)
        .and_then(|m| m.modified())
        .map(Mtime::from_system_time)
        .map_err(|e| describe(&e))?;
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&target, dst).map_err(|e| describe(&e))?;
        let _ = filetime::set_symlink_file_times(dst, mtime.to_file_time(), mtime.to_file_time());
        Ok((blake3::hash(target.as_os_str().as_encoded_bytes()), mtime))
    }
    #[cfg(not(unix))]
    {
        let _ = (dst, mtime);
        Err(format!(
            "symbolic link to {} not backed up (Windows needs special rights to recreate it)",
            target.display()
        ))
    }
}
