//! Who holds a destination's lock, as its `.lock` file says, and when a lock counts as stale.

use std::time::Duration;

pub const FILE_NAME: &str = ".lock";

/// How long a lock's content must stay the same before it counts as left by a dead run
/// (debug builds: `LOGOFF_BACKUP_LOCK_STALE` seconds, for tests).
pub fn stale_after() -> Duration {
    crate::platform::test_override("LOGOFF_BACKUP_LOCK_STALE")
        .and_then(|s| s.parse::<f64>().ok())
        .map_or(Duration::from_secs(600), Duration::from_secs_f64)
}

/// The staleness interval in words: "10 minutes".
pub fn stale_words() -> String {
    match stale_after().as_secs() {
        s if s >= 120 && s % 60 == 0 => format!("{} minutes", s / 60),
        _ => crate::format::duration(stale_after()),
    }
}

/// Who holds a lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub computer: String,
    pub user: String,
    pub pid: u32,
    pub started: String,
    /// Random, chosen by the holder: tells its own lock from a later one of the same process id.
    pub token: String,
    /// When the holder's process started (see `platform::process_started`), or `?`.
    pub process_started: String,
}

impl Holder {
    pub(super) fn to_text(&self, beat: u64) -> String {
        format!(
            "computer\t{}\nuser\t{}\npid\t{}\nstarted\t{}\ntoken\t{}\nprocess_started\t{}\nbeat\t{beat}\n",
            self.computer, self.user, self.pid, self.started, self.token, self.process_started
        )
    }

    /// Whether the holder's process (on this computer) is gone: no process has its id, or the one
    /// that has it started at another time (the id was reused after a crash or restart).
    pub(super) fn is_gone(&self) -> bool {
        match crate::platform::process_alive(self.pid) {
            Some(false) => true,
            Some(true) if self.process_started != "?" => crate::platform::process_started(self.pid)
                .is_some_and(|t| t.to_string() != self.process_started),
            _ => false,
        }
    }

    pub(super) fn parse(text: &str) -> Holder {
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
            token: field("token"),
            process_started: field("process_started"),
        }
    }
}
