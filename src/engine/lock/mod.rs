//! `.lock` in the destination: one run at a time per destination, even across workstations.
//!
//! The holder rewrites a heartbeat counter in the lock every few seconds. A lock is stale only when
//! its content has not changed for `stale_after()` as measured on the checker's own clock (never by
//! comparing one computer's time stamps with another's clock), or when its holder is a process on
//! this computer that is no longer running. A holder that cannot refresh its lock, or finds that it
//! is no longer its own (another run took it over while this one was paused), marks itself lost:
//! the run stops before touching anything more.

use chrono::{DateTime, Local};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

mod held;
mod holder;

pub use held::Lock;
pub use holder::{FILE_NAME, Holder, stale_after, stale_words};

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another backup to this folder is running, started {} by {} on {}", .0.started, .0.user, .0.computer)]
    Busy(Box<Holder>),
    #[error("cannot create the lock file {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("cancelled while waiting for another backup's lock")]
    Cancelled,
}

/// Takes the lock. When another computer holds it (or a process on this computer whose state
/// cannot be told), watches it: a change means its run is alive (`Busy`); no change for
/// `stale_after()` means it died, and it is taken over. `waiting` is called once before watching.
pub fn acquire(
    dest: &Path,
    computer: &str,
    user: &str,
    now: DateTime<Local>,
    cancel: &AtomicBool,
    waiting: &dyn Fn(&Holder),
) -> Result<Lock, LockError> {
    let path = dest.join(FILE_NAME);
    let me = Holder {
        computer: computer.to_string(),
        user: user.to_string(),
        pid: std::process::id(),
        started: now.format("%Y-%m-%d %H:%M:%S").to_string(),
        token: format!("{:016x}", fastrand::u64(..)),
        process_started: crate::platform::process_started(std::process::id())
            .map_or_else(|| "?".to_string(), |t| t.to_string()),
    };
    let io = |source| LockError::Io { path: path.clone(), source };
    for _ in 0..5 {
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                f.write_all(me.to_text(0).as_bytes()).and_then(|_| f.sync_all()).map_err(io)?;
                return Ok(Lock::start(path, me));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let Ok(seen) = std::fs::read_to_string(&path) else { continue }; // removed meanwhile
                let holder = Holder::parse(&seen);
                let same_computer = holder.computer == computer;
                // A process of that number on this computer may be another program that took the
                // number over after a crash or restart: only its heartbeat says it is our run.
                if !(same_computer && holder.is_gone()) {
                    waiting(&holder);
                    match watch(&path, &seen, cancel)? {
                        Watched::Changed => return Err(LockError::Busy(Box::new(holder))),
                        Watched::Gone => continue,
                        Watched::Still => {}
                    }
                }
                take_over(dest, &path, &seen);
            }
            Err(e) => return Err(io(e)),
        }
    }
    Err(io(std::io::Error::other("the lock file keeps changing")))
}

enum Watched {
    /// The content changed: its run is alive.
    Changed,
    /// The lock was removed: its run finished.
    Gone,
    /// Unchanged for the whole staleness interval.
    Still,
}

/// Reads the lock again and again for `stale_after()` on this computer's monotonic clock. A new
/// modified time counts as a sign of life too (earlier versions only touched the file), compared
/// only with the time first seen, never with a clock.
fn watch(path: &Path, seen: &str, cancel: &AtomicBool) -> Result<Watched, LockError> {
    let start = Instant::now();
    let modified = || std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let first_modified = modified();
    let poll = (stale_after() / 600).clamp(Duration::from_millis(10), Duration::from_secs(1));
    while start.elapsed() < stale_after() {
        if cancel.load(Ordering::Relaxed) {
            return Err(LockError::Cancelled);
        }
        std::thread::sleep(poll);
        match std::fs::read_to_string(path) {
            Ok(now) if now != seen => return Ok(Watched::Changed),
            Ok(_) if modified() != first_modified => return Ok(Watched::Changed),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Watched::Gone),
            // Unreadable for a moment (being rewritten): keep watching.
            Err(_) => {}
        }
    }
    Ok(Watched::Still)
}

/// Moves a dead run's lock aside, unless it changed at the last moment (then it is put back).
fn take_over(dest: &Path, path: &Path, seen: &str) {
    let aside = dest.join(format!("{FILE_NAME}.stale-{}", std::process::id()));
    // Of two runs doing this at once only one succeeds.
    if std::fs::rename(path, &aside).is_err() {
        return;
    }
    if std::fs::read_to_string(&aside).is_ok_and(|t| t == seen) {
        let _ = std::fs::remove_file(&aside);
        return;
    }
    // Put back without replacing a lock a third run may have made meanwhile (that run keeps it,
    // and the live one finds its lock gone and stops). Drives without hard links: rename.
    match std::fs::hard_link(&aside, path) {
        Ok(()) => {
            let _ = std::fs::remove_file(&aside);
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let _ = std::fs::remove_file(&aside);
        }
        Err(_) => {
            let _ = std::fs::rename(&aside, path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn a_process_number_taken_by_a_later_process_is_not_the_holder() {
        let me = |started: String| Holder {
            computer: "RECEPTION1".into(),
            user: "jane".into(),
            pid: std::process::id(),
            started: "2026-11-29 17:00:00".into(),
            token: "t".into(),
            process_started: started,
        };
        let real = crate::platform::process_started(std::process::id()).unwrap().to_string();
        assert!(!me(real).is_gone(), "this very process holds it");
        assert!(me("12345".into()).is_gone(), "same number, another start: the holder is gone");
        assert!(!me("?".into()).is_gone(), "a lock of an earlier version: only the heartbeat tells");
    }

    fn take(dest: &Path, computer: &str) -> Result<Lock, LockError> {
        acquire(dest, computer, "me", Local::now(), &AtomicBool::new(false), &|_| {})
    }

    #[test]
    fn second_run_is_refused_and_names_the_first() {
        let d = tempfile::tempdir().unwrap();
        let lock = take(d.path(), "RECEPTION1").unwrap();
        // The same process id is alive, so even "this computer" cannot take it over.
        match take(d.path(), "RECEPTION1") {
            Err(LockError::Busy(h)) => {
                assert_eq!((h.computer.as_str(), h.user.as_str()), ("RECEPTION1", "me"))
            }
            other => panic!("expected busy, got {:?}", other.map(|_| ())),
        }
        drop(lock);
        assert!(!d.path().join(FILE_NAME).exists());
        take(d.path(), "RECEPTION2").unwrap();
    }

    #[test]
    fn a_dead_process_on_this_computer_is_taken_over_at_once() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join(FILE_NAME);
        std::fs::write(&path, "computer\tHERE\nuser\tx\npid\t4000000\nstarted\tthen\n").unwrap();
        let start = Instant::now();
        drop(take(d.path(), "HERE").unwrap());
        assert!(start.elapsed() < stale_after() / 2, "no waiting");
    }

    #[test]
    fn a_lock_whose_holder_lost_it_says_so_and_leaves_the_new_one() {
        let d = tempfile::tempdir().unwrap();
        let lock = take(d.path(), "HERE").unwrap();
        assert_eq!(lock.lost(), None);
        // Another computer took it over while this run was paused.
        let theirs = "computer\tTHERE\nuser\tbob\npid\t1\nstarted\tnow\ntoken\tx\nbeat\t0\n";
        std::fs::write(d.path().join(FILE_NAME), theirs).unwrap();
        let why = lock.lost().expect("lost");
        assert!(why.contains("took over") && why.contains("THERE"), "{why}");
        assert!(lock.lost_flag().load(Ordering::SeqCst));
        drop(lock);
        assert_eq!(std::fs::read_to_string(d.path().join(FILE_NAME)).unwrap(), theirs, "theirs kept");
    }
}
