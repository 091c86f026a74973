//! Writing to the drive and reading back what it holds: flushes, writeback, the page cache.

use std::path::Path;

/// Flushes everything written under `dir` to the disk. On Linux one `syncfs` covers the whole
/// file system; elsewhere files are flushed one by one as they are written (see `flush_each_file`).
pub fn flush_tree(dir: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let f = std::fs::File::open(dir)?;
        // SAFETY: the descriptor is valid for the duration of the call.
        if unsafe { libc::syncfs(f.as_raw_fd()) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        let _ = dir;
        // SAFETY: sync takes no arguments and cannot fail.
        unsafe { libc::sync() };
        Ok(())
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Asks the system to start writing a file to disk now, without waiting, so the flush at the end of
/// the run finds little left to do (Linux; elsewhere nothing).
pub fn start_writeback(file: &std::fs::File) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: the descriptor is valid; this only queues writeback of the file's dirty pages.
        unsafe { libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE) };
    }
    #[cfg(not(target_os = "linux"))]
    let _ = file;
}

/// Writes a file's data out to the drive and drops it from the system's memory, so that reading it
/// again reads what the drive holds (Linux: write and wait, then drop the cached pages; elsewhere:
/// flush, and `open_uncached` bypasses the cache).
pub fn write_out_and_forget(file: &std::fs::File) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let fd = file.as_raw_fd();
        let how = libc::SYNC_FILE_RANGE_WAIT_BEFORE
            | libc::SYNC_FILE_RANGE_WRITE
            | libc::SYNC_FILE_RANGE_WAIT_AFTER;
        // SAFETY: the descriptor is valid for the duration of both calls; they take no pointers.
        if unsafe { libc::sync_file_range(fd, 0, 0, how) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: as above; this only drops clean cached pages of this file.
        unsafe { libc::posix_fadvise(fd, 0, 0, libc::POSIX_FADV_DONTNEED) };
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        file.sync_data()
    }
}

/// Opens a file to read what the drive holds rather than the system's cache (Windows:
/// `FILE_FLAG_NO_BUFFERING`, which needs reads of whole sectors into an aligned buffer; Linux: a
/// plain open after `write_out_and_forget`). Falls back to a plain open where that is refused, and
/// says whether the reads bypass the cache.
pub fn open_uncached(path: &Path) -> std::io::Result<(std::fs::File, bool)> {
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        let uncached = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(windows_sys::Win32::Storage::FileSystem::FILE_FLAG_NO_BUFFERING)
            .open(path);
        if let Ok(f) = uncached {
            return Ok((f, true));
        }
    }
    Ok((std::fs::File::open(path)?, cfg!(target_os = "linux")))
}

/// Tells the system a file will be read from start to end, so it reads ahead further (Linux).
pub fn read_sequentially(file: &std::fs::File) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: the descriptor is valid; this is only advice.
        unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_SEQUENTIAL) };
    }
    #[cfg(not(target_os = "linux"))]
    let _ = file;
}

/// Whether each copied file must be flushed on its own (no whole-tree flush on this platform).
pub const FLUSH_EACH_FILE: bool = cfg!(not(unix));

/// Flushes a directory's entries (a rename inside it) to disk where the platform allows. On Windows
/// FlushFileBuffers takes a folder opened for writing with backup semantics (NTFS does this; a drive
/// that refuses is left to its own writeback).
pub fn flush_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        use windows_sys::Win32::Storage::FileSystem::FILE_FLAG_BACKUP_SEMANTICS;
        if let Ok(f) =
            std::fs::OpenOptions::new().write(true).custom_flags(FILE_FLAG_BACKUP_SEMANTICS).open(dir)
        {
            let _ = f.sync_all();
        }
    }
    #[cfg(not(any(unix, windows)))]
    let _ = dir;
}

/// A file's change time (seconds and nanoseconds since 1970) and file id, read from the file
/// itself: from its metadata on Unix; on Windows by opening it for its attributes only (which a
/// program holding it open does not prevent), so this is for a few files, not a whole tree.
pub fn change_and_id(path: &Path) -> Option<((i64, u32), u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::symlink_metadata(path).ok()?;
        Some(((m.ctime(), m.ctime_nsec() as u32), m.ino()))
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        use std::os::windows::io::AsRawHandle;
        use windows_sys::Win32::Storage::FileSystem::{
            BY_HANDLE_FILE_INFORMATION, FILE_BASIC_INFO, FILE_READ_ATTRIBUTES, FILE_SHARE_DELETE,
            FILE_SHARE_READ, FILE_SHARE_WRITE, FileBasicInfo, GetFileInformationByHandle,
            GetFileInformationByHandleEx,
        };
        let f = std::fs::OpenOptions::new()
            .access_mode(FILE_READ_ATTRIBUTES)
            .share_mode(FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
            .open(path)
            .ok()?;
        let handle = f.as_raw_handle();
        let (mut basic, mut info) = (FILE_BASIC_INFO::default(), BY_HANDLE_FILE_INFORMATION::default());
        // SAFETY: the handle is open for the duration of both calls, and each buffer is the
        // structure the call fills, with its size given.
        let ok = unsafe {
            GetFileInformationByHandleEx(
                handle,
                FileBasicInfo,
                (&mut basic as *mut FILE_BASIC_INFO).cast(),
                std::mem::size_of::<FILE_BASIC_INFO>() as u32,
            ) != 0
                && GetFileInformationByHandle(handle, &mut info) != 0
        };
        if !ok {
            return None;
        }
        // 100-nanosecond ticks since 1601.
        let ticks = basic.ChangeTime - 116_444_736_000_000_000;
        let change = (ticks.div_euclid(10_000_000), (ticks.rem_euclid(10_000_000) * 100) as u32);
        Some((change, (u64::from(info.nFileIndexHigh) << 32) | u64::from(info.nFileIndexLow)))
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = path;
        None
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// How many of a file's pages sit in the page cache (Linux `mincore` on a mapping of it).
    fn cached_pages(f: &std::fs::File, len: usize) -> usize {
        use std::os::fd::AsRawFd;
        let page = 4096;
        let mut vec = vec![0u8; len.div_ceil(page)];
        // SAFETY: a read-only shared mapping of a file we hold open, unmapped before returning;
        // `vec` has one byte per page of the mapping, as mincore requires.
        unsafe {
            let map =
                libc::mmap(std::ptr::null_mut(), len, libc::PROT_READ, libc::MAP_SHARED, f.as_raw_fd(), 0);
            assert_ne!(map, libc::MAP_FAILED);
            assert_eq!(libc::mincore(map, len, vec.as_mut_ptr()), 0);
            libc::munmap(map, len);
        }
        vec.iter().filter(|b| **b & 1 == 1).count()
    }

    /// The read-back of a copy reads the drive: once written out, none of it is left in memory.
    #[test]
    fn a_written_out_copy_is_no_longer_in_memory() {
        use std::io::Write;
        // On the disk (a tmpfs /tmp would keep its pages: they are its storage).
        let d = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).unwrap();
        let len = 4 << 20;
        let mut f = std::fs::OpenOptions::new()
            .create_new(true)
            .read(true)
            .write(true)
            .open(d.path().join("copy"))
            .unwrap();
        f.write_all(&vec![7u8; len]).unwrap();
        assert!(cached_pages(&f, len) > 0, "just written: in memory");
        write_out_and_forget(&f).unwrap();
        assert_eq!(cached_pages(&f, len), 0, "nothing left for a read to find but the drive");
    }
}

/// Where a folder lives (device and inode), from metadata a directory listing already has: on Unix;
/// `None` on Windows, whose listings do not carry the file index (opening every folder on a share
/// to read it would cost a round trip each).
pub fn folder_id(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}
