//! How long to keep trying a file before naming it: bounded in seconds, never hours.

use super::copy::Shared;
use std::time::Duration;

/// Why a file could not be copied on this attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trouble {
    /// Reading failed (access denied, I/O error): tried again briefly.
    Unreadable,
    /// Its size or time changed while it was read: tried a few times.
    Changed,
    /// Another program holds it (EXACT open elsewhere): tried for about 30 s.
    InUse,
}

/// The waits between attempts. Their count is the number of retries.
pub fn delays(trouble: Trouble) -> &'static [Duration] {
    const fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }
    const UNREADABLE: [Duration; 2] = [ms(200), ms(800)];
    const CHANGED: [Duration; 4] = [ms(500), ms(1000), ms(2000), ms(4000)];
    const IN_USE: [Duration; 7] = [ms(500), ms(1000), ms(2000), ms(4000), ms(8000), ms(8000), ms(8000)];
    match trouble {
        Trouble::Unreadable => &UNREADABLE,
        Trouble::Changed => &CHANGED,
        Trouble::InUse => &IN_USE,
    }
}

/// Tests shorten the waits with `LOGOFF_BACKUP_RETRY_SCALE` (debug builds only).
fn scaled(d: Duration) -> Duration {
    let scale =
        crate::platform::test_override("LOGOFF_BACKUP_RETRY_SCALE").and_then(|s| s.parse::<f64>().ok());
    scale.map_or(d, |s| d.mul_f64(s))
}

/// Waits before attempt `attempt + 1`. Returns the time waited, or `None` when there are no
/// attempts left or the run was stopped meanwhile.
pub fn wait(trouble: Trouble, attempt: usize, shared: &Shared) -> Option<Duration> {
    let d = *delays(trouble).get(attempt)?;
    sleep(d, shared).then_some(scaled(d))
}

/// Waits `d` (scaled in tests), waking early when the run is stopped: false then.
pub fn sleep(d: Duration, shared: &Shared) -> bool {
    let step = Duration::from_millis(50);
    let mut left = scaled(d);
    while !left.is_zero() {
        if shared.stopped() {
            return false;
        }
        let nap = left.min(step);
        std::thread::sleep(nap);
        left -= nap;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_are_bounded_in_seconds() {
        let total = |t| delays(t).iter().sum::<Duration>();
        assert!(total(Trouble::Unreadable) <= Duration::from_secs(2));
        assert!(total(Trouble::Changed) <= Duration::from_secs(10));
        let in_use = total(Trouble::InUse);
        assert!(in_use >= Duration::from_secs(25) && in_use <= Duration::from_secs(35), "{in_use:?}");
    }
}
