//! `.lock` in the destination: one run at a time per destination, even across workstations.

use chrono::{DateTime, Local};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

pub const FILE_NAME: &str = ".lock";
/// A lock is refreshed this often while its run lives.
const REFRESH: Duration = Duration::from_secs(30);
/// A lock not refreshed for this long belongs to a run that died.
const STALE_AFTER: Duration = Duration::from_secs(600);

/// Who holds a lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub computer: String,
    pub user: String,
    pub pid: u32,
    pub started: String,
}

impl Holder {
    fn to_text(&self) -> String {
        format!(
            "computer\t{}\nuser\t{}\npid\t{}\nstarted\t{}\n",
            self.computer, self.user, self.pid, self.started
        )
    }

    fn parse(text: &str) -> Holder {
        let field = |k: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(k).and_then(|r| r.strip_prefix('\t')))
                .unwrap_or("?")
                .to_string()
        };
        Holder {
            computer: field("computer"),
            user: field("user"),
            pid: field("pid").parse().unwrap_or(0),
            started: field("started"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another backup to this folder is running, started {} by {} on {}", .0.started, .0.user, .0.computer)]
    Busy(Holder),
    #[error("cannot create the lock file {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// Held while a run lives; dropping it stops the refresh and removes the file.
pub struct Lock {
    path: PathBuf,
    me: Holder,
    stop: Option<crossbeam_channel::Sender<()>>,
    refresher: Option<std::thread::JoinHandle<()>>,
}

pub fn acquire(dest: &Path, computer: &str, user: &str, now: DateTime<Local>) -> Result<Lock, LockError> {
    let path = dest.join(FILE_NAME);
    let me = Holder {
        computer: computer.to_string(),
        user: user.to_string(),
        pid: std::process::id(),
        started: now.format("%Y-%m-%d %H:%M:%S").to_string(),
    };
    let io = |source| LockError::Io { path: path.clone(), source };
    for _ in 0..3 {
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                f.write_all(me.to_text().as_bytes()).and_then(|_| f.sync_all()).map_err(io)?;
                return Ok(Lock::start(path, me));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let holder = std::fs::read_to_string(&path).map(|t| Holder::parse(&t));
                let Ok(holder) = holder else { continue }; // removed meanwhile: try again
                if !is_stale(&path, &holder, computer) {
                    return Err(LockError::Busy(holder));
                }
                // Move the stale lock aside; of two runs doing this at once only one succeeds.
                let aside = dest.join(format!("{FILE_NAME}.stale-{}", std::process::id()));
                if std::fs::rename(&path, &aside).is_ok() {
                    let _ = std::fs::remove_file(&aside);
                }
            }
            Err(e) => return Err(io(e)),
        }
    }
    Err(io(std::io::Error::other("the lock file keeps changing")))
}

fn is_stale(path: &Path, holder: &Holder, computer: &str) -> bool {
    let age = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .unwrap_or_default();
    if age > STALE_AFTER {
        return true;
    }
    holder.computer == computer && crate::platform::process_alive(holder.pid) == Some(false)
}

impl Lock {
    fn start(path: PathBuf, me: Holder) -> Lock {
        let (stop, stopped) = crossbeam_channel::bounded::<()>(0);
        let p = path.clone();
        // Wakes every REFRESH to touch the lock; ends at once when `stop` is dropped.
        let refresher = std::thread::spawn(move || {
            while let Err(crossbeam_channel::RecvTimeoutError::Timeout) = stopped.recv_timeout(REFRESH) {
                let _ = filetime::set_file_mtime(&p, filetime::FileTime::now());
            }
        });
        Lock { path, me, stop: Some(stop), refresher: Some(refresher) }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.refresher.take() {
            let _ = t.join();
        }
        // Remove only our own lock, never one a later run took over.
        let ours = std::fs::read_to_string(&self.path).is_ok_and(|t| Holder::parse(&t) == self.me);
        if ours {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_run_is_refused_and_names_the_first() {
        let d = tempfile::tempdir().unwrap();
        let now = Local::now();
        let lock = acquire(d.path(), "RECEPTION1", "jane", now).unwrap();
        // The same process id is alive, so even "this computer" cannot take it over.
        match acquire(d.path(), "RECEPTION1", "bob", now) {
            Err(LockError::Busy(h)) => {
                assert_eq!((h.computer.as_str(), h.user.as_str()), ("RECEPTION1", "jane"))
            }
            other => panic!("expected busy, got {:?}", other.map(|_| ())),
        }
        drop(lock);
        assert!(!d.path().join(FILE_NAME).exists());
        acquire(d.path(), "RECEPTION2", "bob", now).unwrap();
    }

    #[test]
    fn stale_locks_are_taken_over() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join(FILE_NAME);
        // A dead process on this computer.
        std::fs::write(&path, "computer\tHERE\nuser\tx\npid\t4000000\nstarted\tthen\n").unwrap();
        drop(acquire(d.path(), "HERE", "me", Local::now()).unwrap());
        // Another computer's lock, not refreshed for 11 minutes.
        std::fs::write(&path, "computer\tTHERE\nuser\tx\npid\t1\nstarted\tthen\n").unwrap();
        let old = SystemTime::now() - Duration::from_secs(660);
        filetime::set_file_mtime(&path, filetime::FileTime::from_system_time(old)).unwrap();
        drop(acquire(d.path(), "HERE", "me", Local::now()).unwrap());
        // Another computer's fresh lock is respected.
        std::fs::write(&path, "computer\tTHERE\nuser\tx\npid\t1\nstarted\tthen\n").unwrap();
        assert!(matches!(acquire(d.path(), "HERE", "me", Local::now()), Err(LockError::Busy(_))));
    }
}
