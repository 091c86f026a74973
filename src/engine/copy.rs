//! Copying one file while hashing it (each byte read once), reading the copy back from the drive
//! to check it, and plain-words descriptions of what went wrong.

use super::guard::Head;
use super::manifest::Mtime;
pub use super::symlink::copy_symlink;
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
    /// The copy was read back from the drive itself, not from the computer's memory.
    pub read_from_drive: bool,
    /// What its first block showed (for the ransomware guard; `None` for linked files).
    pub head: Option<Head>,
    /// The same for its copy in the earlier set, when it changed since (read by `work`).
    pub before: Option<Head>,
    /// How random its content looked where sampled (`None` for a file under 4 KiB).
    pub look: Option<super::guard::Look>,
}

#[derive(Debug)]
pub enum CopyError {
    /// Opening or reading the source said "not found": gone, or the server's trouble (see `gone`).
    Missing(io::Error),
    /// The source changed while it was read.
    Changed,
    /// Reading the source failed.
    Source(io::Error),
    /// Writing the copy failed.
    Destination(io::Error),
    /// Something is already at the copy's path (a name the drive takes to be the same): left alone.
    Taken,
    /// The copy read back differs from what was read from the source.
    Mismatch,
    /// The copy could not be read back.
    ReadBack(io::Error),
    Cancelled,
}

/// Shared by the copy threads: the stop flags and a running byte count for progress.
#[derive(Clone, Copy)]
pub struct Shared<'a> {
    /// Set by the user (Cancel, Ctrl-C).
    pub cancel: &'a AtomicBool,
    /// Set by the run itself when it cannot go on (drive full or gone).
    pub abort: &'a AtomicBool,
    pub bytes: &'a Tally,
}

/// Running byte counts of the copy threads, and how long each side was busy, for progress.
#[derive(Default)]
pub struct Tally {
    pub copied: AtomicU64,
    pub linked: AtomicU64,
    pub checked: AtomicU64,
    pub sides: super::sides::Sides,
}

impl Tally {
    pub fn now(&self) -> crate::progress::Bytes {
        crate::progress::Bytes {
            copied: self.copied.load(Ordering::Relaxed),
            linked: self.linked.load(Ordering::Relaxed),
            checked: self.checked.load(Ordering::Relaxed),
        }
    }

    /// Back to what `now` gave earlier (a database copy started over).
    pub fn reset_to(&self, then: crate::progress::Bytes) {
        self.copied.store(then.copied, Ordering::Relaxed);
        self.linked.store(then.linked, Ordering::Relaxed);
        self.checked.store(then.checked, Ordering::Relaxed);
    }
}

impl Shared<'_> {
    pub fn stopped(&self) -> bool {
        self.cancel.load(Ordering::Relaxed) || self.abort.load(Ordering::Relaxed)
    }
}

/// Copies `src` to `dst`, which must not exist yet (a copy never overwrites anything), while
/// hashing, then gives the copy the source's modified time. With `check` (a buffer as big as
/// `buf`), the copy is then written out to the drive, dropped from the system's memory, read back
/// from the drive and its hash compared with the source's. With `look`, its first block is looked
/// at for the ransomware guard (`Copied::head`).
pub fn copy_file(
    src: &Path,
    dst: &Path,
    buf: &mut [u8],
    (check, look): (Option<&mut [u8]>, bool),
    shared: &Shared,
) -> Result<Copied, CopyError> {
    if let Some(e) = crate::fault::open_error(src) {
        return Err(source_error(e));
    }
    let sides = &shared.bytes.sides;
    let (input, before) = sides
        .source
        .time(|| {
            let input = File::open(src)?;
            input.metadata().map(|m| (input, m))
        })
        .map_err(source_error)?;
    crate::platform::read_sequentially(&input);
    let output = sides
        .drive
        .time(|| std::fs::OpenOptions::new().write(true).create_new(true).open(dst))
        .map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                CopyError::Taken
            } else {
                CopyError::Destination(e)
            }
        })?;
    // From here the copy is this call's own: on any failure it is removed, and only it.
    let result = fill_copy((input, before), output, (src, dst), buf, (check, look), shared);
    if result.is_err() {
        let _ = std::fs::remove_file(dst);
    }
    result
}

/// Copies the opened source (with its metadata when opened) into the new copy, checks the source
/// did not change meanwhile, and reads the copy back.
fn fill_copy(
    (mut input, before): (File, std::fs::Metadata),
    mut output: File,
    (src, dst): (&Path, &Path),
    buf: &mut [u8],
    (check, look): (Option<&mut [u8]>, bool),
    shared: &Shared,
) -> Result<Copied, CopyError> {
    let sides = &shared.bytes.sides;
    let mut hasher = blake3::Hasher::new();
    let (mut size, mut head, mut sample, mut last) =
        (0u64, None::<Head>, super::guard::Sampler::new(before.len()), 0);
    loop {
        if shared.stopped() {
            return Err(CopyError::Cancelled);
        }
        let n = match sides.source.time(|| input.read(buf)) {
            Ok(0) => {
                sample.end(&buf[..last]);
                break head.iter_mut().for_each(|h| h.ended(&buf[..last], size));
            }
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(source_error(e)),
        };
        hasher.update(&buf[..n]);
        if look && head.is_none() {
            head = Some(Head::of(&buf[..n]));
        }
        sample.feed(&buf[..n]);
        last = n;
        sides.drive.time(|| output.write_all(&buf[..n])).map_err(CopyError::Destination)?;
        size += n as u64;
        shared.bytes.copied.fetch_add(n as u64, Ordering::Relaxed);
    }
    crate::fault::after_read(src);
    let after = sides.source.time(|| input.metadata()).map_err(source_error)?;
    if after.len() != size || before.len() != size || after.modified().ok() != before.modified().ok() {
        return Err(CopyError::Changed);
    }
    let mtime = Mtime::from_system_time(before.modified().map_err(source_error)?);
    // Through `Mtime`, which holds any time (filetime's own conversion overflows at i64::MIN).
    let accessed = before.accessed().ok().map(|t| Mtime::from_system_time(t).to_file_time());
    filetime::set_file_handle_times(&output, accessed, Some(mtime.to_file_time()))
        .map_err(CopyError::Destination)?;
    let hash = hasher.finalize();
    let read_from_drive = match check {
        Some(check) => {
            sides
                .drive
                .time(|| crate::platform::write_out_and_forget(&output))
                .map_err(CopyError::Destination)?;
            drop(output);
            crate::fault::corrupt_copy(dst);
            sides.drive.time(|| super::read_back::read_back(dst, hash, size, check, shared))?
        }
        None if crate::platform::FLUSH_EACH_FILE => {
            sides.drive.time(|| output.sync_all()).map_err(CopyError::Destination)?;
            false
        }
        None => {
            crate::platform::start_writeback(&output);
            false
        }
    };
    Ok(Copied {
        hash,
        size,
        mtime,
        read_from_drive,
        head: Some(head.unwrap_or_else(|| Head::of(&[]))),
        before: None,
        look: sample.look(),
    })
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
    if e.kind() == io::ErrorKind::NotFound { CopyError::Missing(e) } else { CopyError::Source(e) }
}

/// An I/O error in words a receptionist understands, with the system's own words after it.
pub fn describe(e: &io::Error) -> String {
    let plain = match e.kind() {
        _ if crate::platform::network_error(e) => "the server could not be reached",
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
