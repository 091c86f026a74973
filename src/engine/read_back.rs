//! Reading a copy back from the backup drive, past the system's cache where the platform allows,
//! to check that the drive holds what was written.

use super::copy::{CopyError, Shared};
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::Ordering;

/// Reads a copy back from the drive, bypassing the system's cache where the platform allows, and
/// compares its hash and length with the source's. `buf` must be at least 2 × 4096 bytes.
pub(super) fn read_back(
    dst: &Path,
    hash: blake3::Hash,
    size: u64,
    buf: &mut [u8],
    shared: &Shared,
) -> Result<bool, CopyError> {
    // Reads that bypass the cache need a buffer aligned to, and a multiple of, the sector size.
    const SECTOR: usize = 4096;
    let start = buf.as_ptr().align_offset(SECTOR).min(SECTOR);
    let len = (buf.len() - start) / SECTOR * SECTOR;
    let buf = &mut buf[start..start + len];
    let (mut back, mut from_drive) = crate::platform::open_uncached(dst).map_err(CopyError::ReadBack)?;
    let mut hasher = blake3::Hasher::new();
    let mut read = 0u64;
    loop {
        if shared.stopped() {
            return Err(CopyError::Cancelled);
        }
        match back.read(buf) {
            Ok(0) => break,
            Ok(n) => {
                hasher.update(&buf[..n]);
                read += n as u64;
                shared.bytes.checked.fetch_add(n as u64, Ordering::Relaxed);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // A drive that refuses reads bypassing the cache: read through it, and say so.
            Err(e) if from_drive && read == 0 && e.kind() == io::ErrorKind::InvalidInput => {
                (back, from_drive) = (File::open(dst).map_err(CopyError::ReadBack)?, false);
            }
            Err(e) => return Err(CopyError::ReadBack(e)),
        }
    }
    if read != size || hasher.finalize() != hash {
        return Err(CopyError::Mismatch);
    }
    Ok(from_drive)
}
