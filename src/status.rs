//! What the prompt shows before anyone clicks: whether a backup can run now, and how the last ones
//! went (from the backup folder and the shared log's tail). Runs off the UI thread.

use crate::engine::{Failure, sets};
use crate::plan::Plan;
use crate::preflight::{self, Checked};
use chrono::{DateTime, FixedOffset, Local, NaiveDateTime};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// How much of the log's end is read: many runs' worth, never the whole file.
const TAIL_BYTES: u64 = 256 * 1024;

/// One run as backup.log recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRun {
    pub started: DateTime<FixedOffset>,
    pub computer: String,
    pub result: String,
    pub cause: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Status {
    /// Whether a backup can start now, and if not, why.
    pub ready: Result<Checked, Failure>,
    /// The newest SUCCESS set in this computer's backup folder: (local start time, computer).
    pub last_good: Option<(NaiveDateTime, String)>,
    /// The newest run in the shared log, from any computer.
    pub last_run: Option<LoggedRun>,
}

pub fn lookup(plan: &Plan) -> Status {
    let ready = preflight::check(plan);
    let last_good = sets::list(&plan.destination)
        .ok()
        .and_then(|all| all.into_iter().rev().find(|s| s.is_success()))
        .map(|s| (s.time, s.header.computer));
    let last_run = read_log_tail(&plan.log_file).pop();
    Status { ready, last_good, last_run }
}

/// The runs in the last part of the log, oldest first.
pub fn read_log_tail(log: &Path) -> Vec<LoggedRun> {
    let Ok(mut f) = std::fs::File::open(log) else { return Vec::new() };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = f.seek(SeekFrom::Start(len.saturating_sub(TAIL_BYTES)));
    let mut bytes = Vec::new();
    let _ = f.read_to_end(&mut bytes);
    parse_runs(&String::from_utf8_lossy(&bytes))
}

fn parse_runs(text: &str) -> Vec<LoggedRun> {
    let mut runs = Vec::new();
    for block in text.split("===== Network backup =====").skip(1) {
        let field =
            |name: &str| block.lines().find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()));
        let started =
            field("Started:").and_then(|s| DateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S %:z").ok());
        let (Some(started), Some(computer), Some(result)) = (started, field("Computer:"), field("Result:"))
        else {
            continue;
        };
        runs.push(LoggedRun { started, computer, result, cause: field("Cause:") });
    }
    runs
}

/// "today 18:04", "yesterday 18:04", "Tue 26 Nov 18:04"
pub fn when(t: NaiveDateTime) -> String {
    let today = Local::now().date_naive();
    let day = t.date();
    if day == today {
        format!("today {}", t.format("%H:%M"))
    } else if Some(day) == today.pred_opt() {
        format!("yesterday {}", t.format("%H:%M"))
    } else {
        t.format("%a %-d %b %H:%M").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_read_back_from_log_blocks() {
        let log = "===== Network backup =====\nStarted:         2026-11-25 18:04:00 +11:00\nComputer:        RECEPTION1\nResult:          SUCCESS\n\n\
                   ===== Network backup =====\nStarted:         2026-11-26 13:05:00 +11:00\nComputer:        RECEPTION2\nResult:          FAILED\nCause:           The backup drive is full.\n";
        let runs = parse_runs(log);
        assert_eq!(runs.len(), 2);
        assert_eq!((runs[1].computer.as_str(), runs[1].result.as_str()), ("RECEPTION2", "FAILED"));
        assert_eq!(runs[1].cause.as_deref(), Some("The backup drive is full."));
    }

    #[test]
    fn a_cut_first_block_is_skipped() {
        let runs = parse_runs("Result:          SUCCESS\n===== Network backup =====\nStarted: bad\n");
        assert!(runs.is_empty());
    }
}
