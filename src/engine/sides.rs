//! How long each side of the copying has been busy: reading the sources (the server's share) and
//! the backup drive (writing the copies and reading them back). A side is busy while at least one
//! copy thread is at it, as wall-clock time, so bytes over busy time is how fast that side went
//! while it was used, and an IT contact can tell which side is slow.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One side: how many threads are at it, since when, and the busy time before that.
#[derive(Default)]
pub struct Side(Mutex<(u32, Option<Instant>, Duration)>);

impl Side {
    /// Runs `f`, counting the side busy meanwhile.
    pub fn time<R>(&self, f: impl FnOnce() -> R) -> R {
        {
            let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
            if s.0 == 0 {
                s.1 = Some(Instant::now());
            }
            s.0 += 1;
        }
        let out = f();
        let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        s.0 -= 1;
        if s.0 == 0
            && let Some(since) = s.1.take()
        {
            s.2 += since.elapsed();
        }
        out
    }

    /// Busy time so far, including now.
    pub fn busy(&self) -> Duration {
        let s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        s.2 + s.1.map_or(Duration::ZERO, |since| since.elapsed())
    }
}

/// Both sides of the copying.
#[derive(Default)]
pub struct Sides {
    pub source: Side,
    pub drive: Side,
}

impl Sides {
    pub fn now(&self) -> crate::progress::Busy {
        crate::progress::Busy { source: self.source.busy(), drive: self.drive.busy() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_side_is_busy_while_any_thread_is_at_it_counted_once() {
        let side = Side::default();
        let wall = Instant::now();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| side.time(|| std::thread::sleep(Duration::from_millis(100))));
            }
        });
        let (wall, busy) = (wall.elapsed(), side.busy());
        // Four threads at it at once: never more than the time that passed (a sum would be 400 ms).
        assert!(busy >= Duration::from_millis(100) && busy <= wall, "{busy:?} of {wall:?}");
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(side.busy(), busy, "idle time is not busy time");
    }
}
