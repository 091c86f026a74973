//! Errors that mean the server could not be reached, not that a file is gone or damaged. On
//! Windows Rust reports several of them ("the network path was not found", 53 and 67) as
//! `NotFound`, which must never be taken for a deleted file.

use std::io;
use std::path::Path;

/// Whether `e` says the connection to a server failed (the share's files may all still be there).
pub fn network_error(e: &io::Error) -> bool {
    let Some(code) = e.raw_os_error() else {
        return matches!(
            e.kind(),
            io::ErrorKind::NetworkUnreachable
                | io::ErrorKind::NetworkDown
                | io::ErrorKind::HostUnreachable
                | io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::NotConnected
                | io::ErrorKind::TimedOut
        );
    };
    network_code(code)
}

/// ERROR_BAD_NETPATH (53), ERROR_NETNAME_DELETED (64), ERROR_BAD_NET_NAME (67) and their kin.
#[cfg(windows)]
fn network_code(code: i32) -> bool {
    // 15 invalid drive (a mapped letter gone), 51 remote not listening, 53 bad network path, 54
    // network busy, 55 device gone, 58/59 network errors, 64 name deleted, 67 bad network name, 121
    // semaphore timeout, 1222 no network, 1231/1232 unreachable, 1236 aborted, 1240 count limit,
    // 2250 not connected.
    const CODES: [i32; 16] = [15, 51, 53, 54, 55, 58, 59, 64, 67, 121, 1222, 1231, 1232, 1236, 1240, 2250];
    CODES.contains(&code)
}

#[cfg(unix)]
fn network_code(code: i32) -> bool {
    [
        libc::EHOSTDOWN,
        libc::EHOSTUNREACH,
        libc::ENETDOWN,
        libc::ENETUNREACH,
        libc::ENETRESET,
        libc::ENOTCONN,
        libc::ECONNRESET,
        libc::ECONNABORTED,
        libc::ETIMEDOUT,
        libc::ESTALE,
    ]
    .contains(&code)
}

#[cfg(not(any(windows, unix)))]
fn network_code(_: i32) -> bool {
    false
}

/// Whether `e`, met reading a file under `path`, is the server's trouble: a network error, or an
/// I/O error on a file system that is a network share (a CIFS or NFS mount answers EIO when its
/// server went away mid-read).
pub fn server_trouble(e: &io::Error, path: &Path) -> bool {
    network_error(e) || is_eio(e) && network_fs(path)
}

fn is_eio(e: &io::Error) -> bool {
    #[cfg(unix)]
    return e.raw_os_error() == Some(libc::EIO);
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// Whether `path` is on a network file system (Linux: by its mount's type).
fn network_fs(path: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        const NETWORK: [&str; 7] = ["cifs", "smb3", "smbfs", "nfs", "nfs4", "fuse.sshfs", "9p"];
        let table = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
        let dir = path.ancestors().find_map(|a| std::fs::canonicalize(a).ok());
        dir.and_then(|d| super::mounts::mount_type(&table, &d)).is_some_and(|t| NETWORK.contains(&t))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = path;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(windows)]
    #[test]
    fn windows_network_errors_that_rust_calls_not_found_are_network_errors() {
        for code in [53, 67, 15] {
            let e = io::Error::from_raw_os_error(code);
            assert!(network_error(&e), "{code}: {e}");
        }
        assert!(!network_error(&io::Error::from_raw_os_error(2)), "a missing file is not");
        assert!(!network_error(&io::Error::from_raw_os_error(3)), "nor a missing folder");
    }

    #[cfg(unix)]
    #[test]
    fn unix_network_errors_are_network_errors_and_a_missing_file_is_not() {
        for code in [libc::EHOSTDOWN, libc::ENOTCONN, libc::ETIMEDOUT, libc::ESTALE] {
            assert!(network_error(&io::Error::from_raw_os_error(code)), "{code}");
        }
        assert!(!network_error(&io::Error::from_raw_os_error(libc::ENOENT)));
        let eio = io::Error::from_raw_os_error(libc::EIO);
        assert!(!server_trouble(&eio, Path::new("/")), "EIO on a local disk is the disk's");
    }
}
