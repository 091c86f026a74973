//! Copying one file while hashing it (each byte read once), linking unchanged files, re-reading
//! copies to verify them, and plain-words descriptions of what went wrong.

use super::manifest::Mtime;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Read buffer per copy thread.
pub const BUFFER: usize = 1 << 20;

/// What a file's copy holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    pub hash: blake3::Hash,
    pub size: u64,
    pub mtime: Mtime,
}

#[derive(Debug)]
pub enum CopyError {
    /// The source is gone.
    Vanished,
    /// The source changed while it was read.
    Changed,
    /// Reading the source failed.
    Source(io::Error),
    /// Writing the copy failed.
    Destination(io::Error),
    /// The copy read back differs from what was read from the source.
    Mismatch,
    /// The copy could not be read back.
    ReadBack(io::Error),
    Cancelled,
}

/// Shared by the copy threads: the stop flags and a running byte count for progress.
pub struct Shared<'a> {
    /// Set by the user (Cancel, Ctrl-C).
    pub cancel: &'a AtomicBool,
    /// Set by the run itself when it cannot go on (drive full or gone).
    pub abort: &'a AtomicBool,
    pub bytes_done: &'a AtomicU64,
}

impl Shared<'_> {
    pub fn stopped(&self) -> bool {
        self.cancel.load(Ordering::Relaxed) || self.abort.load(Ordering::Relaxed)
    }
}

/// Copies `src` to the new file `dst` while hashing, then gives the copy the source's modified time.
/// With `check` (a buffer as big as `buf`), each piece written is read back from the copy at once
/// and compared byte for byte with what was read from the source.
pub fn copy_file(
    src: &Path,
    dst: &Path,
    buf: &mut [u8],
    mut check: Option<&mut [u8]>,
    shared: &Shared,
) -> Result<Copied, CopyError> {
    if let Some(e) = crate::fault::open_error(src) {
        return Err(source_error(e));
    }
    let mut input = File::open(src).map_err(source_error)?;
    let before = input.metadata().map_err(source_error)?;
    crate::platform::read_sequentially(&input);
    let mut output = File::create(dst).map_err(CopyError::Destination)?;
    let mut back = match check {
        Some(_) => Some(File::open(dst).map_err(CopyError::ReadBack)?),
        None => None,
    };
    let mut hasher = blake3::Hasher::new();
    let mut size = 0u64;
    loop {
        if shared.stopped() {
            return Err(CopyError::Cancelled);
        }
        let n = match input.read(buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(source_error(e)),
        };
        hasher.update(&buf[..n]);
        output.write_all(&buf[..n]).map_err(CopyError::Destination)?;
        if let (Some(back), Some(check)) = (&mut back, check.as_deref_mut()) {
            if size == 0 {
                crate::fault::corrupt_copy(dst);
            }
            back.read_exact(&mut check[..n]).map_err(CopyError::ReadBack)?;
            if check[..n] != buf[..n] {
                return Err(CopyError::Mismatch);
            }
        }
        size += n as u64;
        shared.bytes_done.fetch_add(n as u64, Ordering::Relaxed);
    }
    crate::fault::after_read(src);
    let after = input.metadata().map_err(source_error)?;
    if after.len() != size || before.len() != size || after.modified().ok() != before.modified().ok() {
        return Err(CopyError::Changed);
    }
    let mtime = Mtime::from_system_time(before.modified().map_err(source_error)?);
    let times = filetime::FileTime::from_last_access_time(&before);
    filetime::set_file_handle_times(&output, Some(times), Some(mtime.to_file_time()))
        .map_err(CopyError::Destination)?;
    if crate::platform::FLUSH_EACH_FILE {
        output.sync_all().map_err(CopyError::Destination)?;
    } else {
        crate::platform::start_writeback(&output);
    }
    Ok(Copied { hash: hasher.finalize(), size, mtime })
}

/// Reads a file and returns its BLAKE3 hash and length.
pub fn hash_file(path: &Path, buf: &mut [u8], shared: &Shared) -> io::Result<(blake3::Hash, u64)> {
    let mut f = File::open(path)?;
    let mut hasher = blake3::Hasher::new();
    let mut size = 0u64;
    loop {
        if shared.stopped() {
            return Err(io::Error::other("cancelled"));
        }
        match f.read(buf) {
            Ok(0) => return Ok((hasher.finalize(), size)),
            Ok(n) => {
                hasher.update(&buf[..n]);
                size += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

fn source_error(e: io::Error) -> CopyError {
    if e.kind() == io::ErrorKind::NotFound { CopyError::Vanished } else { CopyError::Source(e) }
}

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

/// An I/O error in words a receptionist understands, with the system's own words after it.
pub fn describe(e: &io::Error) -> String {
    let plain = match e.kind() {
        io::ErrorKind::PermissionDenied => "access denied: this Windows user may not read or write it",
        io::ErrorKind::NotFound => "not found",
        io::ErrorKind::StorageFull => "the backup drive is full",
        io::ErrorKind::InvalidFilename => "the name is too long or not allowed on the backup drive",
        _ if is_in_use(e) => "in use by another program",
        _ => return e.to_string(),
    };
    format!("{plain} ({e})")
}

/// A file held open by another program (Windows sharing/lock violation; busy elsewhere).
pub fn is_in_use(e: &io::Error) -> bool {
    match e.raw_os_error() {
        #[cfg(windows)]
        Some(32 | 33) => true,
        #[cfg(unix)]
        Some(code) => code == libc::EBUSY || code == libc::ETXTBSY,
        _ => false,
    }
}
