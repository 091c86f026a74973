//! Fault injection for tests, in debug builds only: `LOGOFF_BACKUP_FAULTS` holds `;`-separated rules
//! that make the real error paths run deterministically, without sleeps or races.
//!
//! - `open:<suffix>=<errno>`: opening a source file whose path ends with `<suffix>` fails with that
//!   OS error (e.g. `16` EBUSY, to drive the "in use" path that Windows reports as 32 or 33);
//!   `open-once:<suffix>=<errno>`: only the first open of each such file fails;
//! - `grow:<suffix>`: the file grows by one byte each time it has been read (it keeps changing);
//! - `vanish:<suffix>`: the file is deleted just before it is copied;
//! - `panic:<suffix>`: the copy thread panics on that file (a bug in the engine);
//! - `corrupt:<suffix>`: the copy's first byte is flipped before it is read back (a failing drive);
//! - `db-change:<name>=<n>` / `db-change:<name>=always`: a database file changes after each of the
//!   first `n` (or every) passes over the database group; `db-new:<name>`: a new top-level file
//!   `<name>` appears after the first pass;
//! - `rename:<count>` / `rename:always`: renaming the finished set fails with access denied;
//! - `pause:<point>`: at that point the engine creates `<point>.reached` in `LOGOFF_BACKUP_PAUSE_DIR`
//!   and waits until `<point>.continue` appears there. Points: `scanned` (the walk is done;
//!   copying has already begun), `counted` (the walk that only adds up is done), `copy:<suffix>` (before
//!   that file), `manifest` (written, before the rename), `latest` (the set is made; `latest` not
//!   yet touched), `latest-pruned` (what goes from `latest` is gone), `latest-file:<suffix>` (that
//!   file's new copy is ready beside `latest`, or a new file is about to be linked into it),
//!   `retention` (before removing old sets).
//!
//! In release builds every function here does nothing.

use std::path::Path;

#[cfg(debug_assertions)]
fn rules() -> &'static [(String, String)] {
    static RULES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        std::env::var("LOGOFF_BACKUP_FAULTS")
            .unwrap_or_default()
            .split(';')
            .filter_map(|r| r.split_once(':'))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    })
}

#[cfg(debug_assertions)]
fn matching<'a>(kind: &str, path: &Path) -> Option<&'a str> {
    let p = path.to_string_lossy();
    rules().iter().find_map(|(k, v)| {
        let suffix = v.split('=').next().unwrap_or_default();
        (k == kind && !suffix.is_empty() && p.ends_with(suffix)).then_some(v.as_str())
    })
}

/// An injected error for opening `path`, if a rule says so.
pub fn open_error(path: &Path) -> Option<std::io::Error> {
    #[cfg(debug_assertions)]
    {
        // `open-once`: only the first open of each such file fails (a share's passing trouble).
        static FAILED_ONCE: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());
        let rule = match matching("open", path) {
            Some(rule) => rule,
            None => {
                let rule = matching("open-once", path)?;
                let mut failed = FAILED_ONCE.lock().unwrap_or_else(|e| e.into_inner());
                if failed.iter().any(|p| p == path) {
                    return None;
                }
                failed.push(path.to_path_buf());
                rule
            }
        };
        let errno: i32 = rule.rsplit_once('=')?.1.parse().ok()?;
        Some(std::io::Error::from_raw_os_error(errno))
    }
    #[cfg(not(debug_assertions))]
    {
        let _ = path;
        None
    }
}

/// Called once a file's bytes have been read: may make it change under the copy.
pub fn after_read(path: &Path) {
    #[cfg(debug_assertions)]
    if matching("grow", path).is_some() {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().append(true).open(path).expect("grow fault");
        f.write_all(b"+").expect("grow fault");
    }
    #[cfg(not(debug_assertions))]
    let _ = path;
}

/// Called when the first piece of a fresh copy is about to be read back: may flip its first byte,
/// as a failing drive would (`corrupt:<suffix>`).
pub fn corrupt_copy(copy: &Path) {
    #[cfg(debug_assertions)]
    if matching("corrupt", copy).is_some() {
        use std::io::{Read, Seek, Write};
        let mut f = std::fs::OpenOptions::new().read(true).write(true).open(copy).expect("corrupt fault");
        let mut first = [0u8];
        f.read_exact(&mut first).expect("corrupt fault");
        f.rewind().expect("corrupt fault");
        f.write_all(&[first[0] ^ 0xff]).expect("corrupt fault");
    }
    #[cfg(not(debug_assertions))]
    let _ = copy;
}

/// Called just before a file is copied: may delete it, or pause at `copy:<suffix>`.
pub fn before_copy(path: &Path) {
    #[cfg(debug_assertions)]
    {
        if matching("vanish", path).is_some() {
            let _ = std::fs::remove_file(path);
        }
        if matching("panic", path).is_some() {
            panic!("injected fault: panic while copying {}", path.display());
        }
        pause_for("copy:", path);
    }
    #[cfg(not(debug_assertions))]
    let _ = path;
}

/// Called when the new copy of a file of `latest` is ready beside it, just before it is renamed
/// into place (or just before a new file is linked in): may pause at `latest-file:<suffix>`.
pub fn before_latest(path: &Path) {
    #[cfg(debug_assertions)]
    pause_for("latest-file:", path);
    #[cfg(not(debug_assertions))]
    let _ = path;
}

/// Pauses at `<prefix><suffix>` when `path` ends with a rule's suffix.
#[cfg(debug_assertions)]
fn pause_for(prefix: &str, path: &Path) {
    let p = path.to_string_lossy();
    let hit = rules().iter().find(|(k, v)| {
        k == "pause" && v.strip_prefix(prefix).is_some_and(|s| !s.is_empty() && p.ends_with(s))
    });
    if let Some((_, point)) = hit {
        pause(point);
    }
}

/// Called as a database file is read for the group (`LOGOFF_BACKUP_READ_LOG`: each such read is
/// appended to that file, so tests can count them).
pub fn database_read(path: &Path) {
    #[cfg(debug_assertions)]
    if let Ok(log) = std::env::var("LOGOFF_BACKUP_READ_LOG") {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(log).expect("read log");
        writeln!(f, "{}", path.display()).expect("read log");
    }
    #[cfg(not(debug_assertions))]
    let _ = path;
}

/// Called after each pass over the database group: `db-change:<name>=<n>` rewrites the data
/// folder's top-level file `<name>` after each of the first `n` passes (`always` for every pass),
/// as a workstation with EXACT open would between the group's first and last file.
pub fn database_pass(data_folder: &Path) {
    #[cfg(debug_assertions)]
    {
        use std::sync::atomic::{AtomicU32, Ordering};
        static PASSES: AtomicU32 = AtomicU32::new(0);
        let pass = PASSES.fetch_add(1, Ordering::Relaxed);
        for (k, v) in rules() {
            if k == "db-new" && pass == 0 {
                std::fs::write(data_folder.join(v), b"a database file that appeared").expect("db-new fault");
            }
            let Some((name, times)) = v.split_once('=').filter(|_| k == "db-change") else { continue };
            if times == "always" || times.parse::<u32>().is_ok_and(|n| pass < n) {
                let path = data_folder.join(name);
                let mut bytes = std::fs::read(&path).expect("db-change fault");
                bytes.extend_from_slice(format!("+{pass}").as_bytes());
                std::fs::write(&path, bytes).expect("db-change fault");
            }
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = data_folder;
}

/// An injected error for renaming the finished set (`rename:<count>`: the first `count` attempts
/// fail with "access denied", as when antivirus holds a file; `rename:always`).
pub fn rename_error() -> Option<std::io::Error> {
    #[cfg(debug_assertions)]
    {
        use std::sync::atomic::{AtomicU32, Ordering};
        static FAILED: AtomicU32 = AtomicU32::new(0);
        let rule = rules().iter().find(|(k, _)| k == "rename")?;
        let limit = if rule.1 == "always" { u32::MAX } else { rule.1.parse().ok()? };
        if FAILED.fetch_add(1, Ordering::Relaxed) < limit {
            return Some(std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        }
        None
    }
    #[cfg(not(debug_assertions))]
    None
}

/// Waits at a named point if a rule says so.
pub fn pause(point: &str) {
    #[cfg(debug_assertions)]
    if rules().iter().any(|(k, v)| k == "pause" && v == point) {
        let dir = std::path::PathBuf::from(std::env::var_os("LOGOFF_BACKUP_PAUSE_DIR").expect("pause dir"));
        let name = point.replace([':', '/', '\\'], "_");
        std::fs::write(dir.join(format!("{name}.reached")), b"").expect("pause marker");
        while !dir.join(format!("{name}.continue")).exists() {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = point;
}
