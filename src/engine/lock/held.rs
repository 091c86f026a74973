//! A lock this run holds: the heartbeat that keeps it alive, and noticing when it stops being ours.

use super::holder::{Holder, stale_after, stale_words};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The holder rewrites its heartbeat this often: 60 times within the staleness interval.
fn refresh_every() -> Duration {
    stale_after() / 60
}

/// Held while a run lives; dropping it stops the refresh and removes the file if still ours.
pub struct Lock {
    shared: Arc<Shared>,
    stop: Option<crossbeam_channel::Sender<()>>,
    refresher: Option<std::thread::JoinHandle<()>>,
}

/// What the run and its heartbeat thread share.
struct Shared {
    path: PathBuf,
    me: Holder,
    /// Held while the lock file is rewritten or read for ownership, so neither sees it half-written.
    io: Mutex<()>,
    /// Why the lock is no longer ours, once that is known.
    lost: Mutex<Option<String>>,
    /// Set with `lost`, for threads that only poll a flag.
    lost_flag: AtomicBool,
}

/// Whose the lock file is, as far as it can be read.
enum Whose {
    Ours,
    /// Another run's (why, in words), or removed while the backup folder is still there.
    Taken(String),
    /// Cannot be read just now (a network blip, the drive gone): says nothing about who holds it.
    Unreadable(String),
}

impl Lock {
    pub(super) fn start(path: PathBuf, me: Holder) -> Lock {
        let (stop, stopped) = crossbeam_channel::bounded::<()>(0);
        let shared = Arc::new(Shared {
            path,
            me,
            io: Mutex::new(()),
            lost: Mutex::new(None),
            lost_flag: AtomicBool::new(false),
        });
        let s = shared.clone();
        // Wakes every `refresh_every()` to rewrite the heartbeat; ends at once when `stop` is dropped.
        // A lock that another run holds stops this run at once; one that cannot be rewritten is
        // tried again until half the staleness interval has passed (a network blip is not a reason
        // to fail a long backup, and the lock is still far from looking stale to others).
        let refresher = std::thread::spawn(move || {
            let (mut beat, mut failing_since) = (0u64, None::<std::time::Instant>);
            while let Err(crossbeam_channel::RecvTimeoutError::Timeout) =
                stopped.recv_timeout(refresh_every())
            {
                beat += 1;
                match s.refresh(beat) {
                    Ok(()) => failing_since = None,
                    Err(Whose::Taken(why)) => return s.mark_lost(why),
                    Err(Whose::Unreadable(why)) => {
                        let since = *failing_since.get_or_insert_with(std::time::Instant::now);
                        if since.elapsed() >= stale_after() / 2 {
                            return s.mark_lost(format!(
                                "this backup's lock could not be kept up to date for {}: {why}",
                                crate::format::duration(since.elapsed())
                            ));
                        }
                    }
                    Err(Whose::Ours) => {}
                }
            }
        });
        Lock { shared, stop: Some(stop), refresher: Some(refresher) }
    }

    /// Set once the lock is no longer ours: the run must stop.
    pub fn lost_flag(&self) -> &AtomicBool {
        &self.shared.lost_flag
    }

    /// Why the lock is no longer ours, if that is known: from the heartbeat, or a fresh look now.
    /// A lock that cannot be read just now (the drive gone) is not called lost: the run's own
    /// error says what happened.
    pub fn lost(&self) -> Option<String> {
        if let Some(why) = self.shared.lost.lock().unwrap_or_else(|e| e.into_inner()).clone() {
            return Some(why);
        }
        let Whose::Taken(why) = self.shared.whose() else { return None };
        self.shared.mark_lost(why.clone());
        Some(why)
    }
}

impl Shared {
    fn mark_lost(&self, why: String) {
        *self.lost.lock().unwrap_or_else(|e| e.into_inner()) = Some(why);
        self.lost_flag.store(true, Ordering::SeqCst);
    }

    fn whose(&self) -> Whose {
        let _io = self.io.lock().unwrap_or_else(|e| e.into_inner());
        self.read()
    }

    fn read(&self) -> Whose {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => {
                let holder = Holder::parse(&text);
                if holder == self.me {
                    Whose::Ours
                } else if holder.token == "?" {
                    Whose::Unreadable("the lock file is incomplete".into())
                } else {
                    Whose::Taken(format!(
                        "another backup (started {} by {} on {}) took over this backup's lock, because this one had stopped responding for {} or more (the computer was asleep, paused or too busy)",
                        holder.started,
                        holder.user,
                        holder.computer,
                        stale_words()
                    ))
                }
            }
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    && self.path.parent().is_some_and(Path::is_dir) =>
            {
                Whose::Taken(format!(
                    "this backup's lock was taken away: another backup took it over because this one had stopped responding for {} or more (the computer was asleep, paused or too busy), or it was removed by hand",
                    stale_words()
                ))
            }
            Err(e) => Whose::Unreadable(e.to_string()),
        }
    }

    /// One heartbeat: checks the lock is still ours, then rewrites it with the next count.
    fn refresh(&self, beat: u64) -> Result<(), Whose> {
        let _io = self.io.lock().unwrap_or_else(|e| e.into_inner());
        match self.read() {
            Whose::Ours => {}
            other => return Err(other),
        }
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::OpenOptions::new().write(true).truncate(true).open(&self.path)?;
            f.write_all(self.me.to_text(beat).as_bytes())
        };
        write().map_err(|e| Whose::Unreadable(format!("the lock file could not be rewritten: {e}")))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.refresher.take() {
            let _ = t.join();
        }
        // Remove only our own lock, never one a later run took over.
        if matches!(self.shared.whose(), Whose::Ours) {
            let _ = std::fs::remove_file(&self.shared.path);
        }
    }
}
