//! A lock this run holds: the heartbeat that keeps it alive, and noticing when it stops being ours.

use super::{Holder, stale_after};
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
    path: PathBuf,
    me: Holder,
    /// Set (with the reason) when the lock stopped being ours.
    lost: Arc<Mutex<Option<String>>>,
    /// Set with `lost`, for threads that only poll a flag.
    lost_flag: Arc<AtomicBool>,
    stop: Option<crossbeam_channel::Sender<()>>,
    refresher: Option<std::thread::JoinHandle<()>>,
}

impl Lock {
    pub(super) fn start(path: PathBuf, me: Holder) -> Lock {
        let (stop, stopped) = crossbeam_channel::bounded::<()>(0);
        let lost = Arc::new(Mutex::new(None));
        let lost_flag = Arc::new(AtomicBool::new(false));
        let (p, holder, why, flag) = (path.clone(), me.clone(), lost.clone(), lost_flag.clone());
        // Wakes every `refresh_every()` to rewrite the heartbeat; ends at once when `stop` is dropped.
        let refresher = std::thread::spawn(move || {
            let mut beat = 0u64;
            while let Err(crossbeam_channel::RecvTimeoutError::Timeout) =
                stopped.recv_timeout(refresh_every())
            {
                beat += 1;
                if let Err(reason) = refresh(&p, &holder, beat) {
                    *why.lock().unwrap_or_else(|e| e.into_inner()) = Some(reason);
                    flag.store(true, Ordering::SeqCst);
                    return;
                }
            }
        });
        Lock { path, me, lost, lost_flag, stop: Some(stop), refresher: Some(refresher) }
    }

    /// Set once the lock is no longer ours: the run must stop.
    pub fn lost_flag(&self) -> &AtomicBool {
        &self.lost_flag
    }

    /// Why the lock is no longer ours, if it is not: from the last refresh, or a fresh look now.
    pub fn lost(&self) -> Option<String> {
        if let Some(why) = self.lost.lock().unwrap_or_else(|e| e.into_inner()).clone() {
            return Some(why);
        }
        let why = whose(&self.path, &self.me).err()?;
        *self.lost.lock().unwrap_or_else(|e| e.into_inner()) = Some(why.clone());
        self.lost_flag.store(true, Ordering::SeqCst);
        Some(why)
    }
}

/// Ok if the lock at `path` is `me`'s; otherwise why not, in words.
fn whose(path: &Path, me: &Holder) -> Result<(), String> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let holder = Holder::parse(&text);
            if holder == *me {
                Ok(())
            } else {
                Err(format!(
                    "another backup (started {} by {} on {}) took over this backup's lock, because this one had stopped responding for {} or more (the computer was asleep, paused or too busy)",
                    holder.started,
                    holder.user,
                    holder.computer,
                    crate::format::duration(stale_after())
                ))
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!(
            "this backup's lock was taken away: another backup took it over because this one had stopped responding for {} or more (the computer was asleep, paused or too busy), or it was removed by hand",
            crate::format::duration(stale_after())
        )),
        Err(e) => Err(format!("this backup's lock file could not be read: {e}")),
    }
}

/// One heartbeat: checks the lock is still ours, then rewrites it with the next count.
fn refresh(path: &Path, me: &Holder, beat: u64) -> Result<(), String> {
    whose(path, me)?;
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new().write(true).truncate(true).open(path)?;
        f.write_all(me.to_text(beat).as_bytes())
    };
    write().map_err(|e| format!("this backup's lock file could not be refreshed: {e}"))
}

impl Drop for Lock {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.refresher.take() {
            let _ = t.join();
        }
        // Remove only our own lock, never one a later run took over.
        if whose(&self.path, &self.me).is_ok() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
