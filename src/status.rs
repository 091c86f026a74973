//! What the prompt shows before anyone clicks: whether a backup can run now, and how the last ones
//! went (from the backup folder and the shared log's tail). Runs off the UI thread.

use crate::engine::preflight::{self, Checked};
use crate::engine::{Failure, sets};
use crate::plan::Plan;
use chrono::{DateTime, FixedOffset, Local, NaiveDateTime};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// How much of the log's end is read: many runs' worth, never the whole file.
const TAIL_BYTES: u64 = 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    Backup,
    RestoreTest,
    /// A SUSPECT backup confirmed by a person (`confirm`).
    Confirmed,
}

/// One run as backup.log recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRun {
    pub kind: RunKind,
    pub started: DateTime<FixedOffset>,
    pub computer: String,
    pub result: String,
    pub cause: Option<String>,
    /// From `Started:` to `Finished:`, in whole seconds.
    pub seconds: Option<i64>,
    /// The size the backup holds (`Size:`), in bytes.
    pub bytes: Option<u64>,
    /// Where the backup went (`Backup location:`).
    pub location: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Status {
    /// Whether a backup can start now, and if not, why.
    pub ready: Result<Checked, Failure>,
    /// The newest SUCCESS set in this computer's backup folder: (local start time, computer).
    pub last_good: Option<(NaiveDateTime, String)>,
    /// The newest backup in the shared log, from any computer.
    pub last_run: Option<LoggedRun>,
    /// Each computer's newest backup in the shared log, newest first: the practice-wide view.
    pub practice: Vec<LoggedRun>,
    /// The newest restore test in the shared log.
    pub last_drill: Option<LoggedRun>,
}

impl Status {
    /// The practice's newest good (SUCCESS) backup as far as this computer can tell: from the
    /// shared log or from its own backup folder, whichever is newer. (Local start time, computer.)
    pub fn newest_good(&self) -> Option<(NaiveDateTime, String)> {
        let success = crate::engine::Outcome::Success.label();
        let logged = self.practice.iter().filter(|r| r.result == success);
        let logged = logged.map(|r| (r.started.naive_local(), r.computer.clone()));
        logged.chain(self.last_good.clone()).max_by_key(|(t, _)| *t)
    }
}

pub fn lookup(plan: &Plan) -> Status {
    let ready = preflight::check(plan);
    let last_good = sets::list(&plan.destination)
        .ok()
        .and_then(|all| all.into_iter().rev().find(|s| s.is_success()))
        .map(|s| (s.time, s.header.computer));
    let runs = read_log_tail(&plan.log_file);
    let backups: Vec<&LoggedRun> = runs.iter().filter(|r| r.kind == RunKind::Backup).collect();
    let last_run = backups.last().map(|r| (*r).clone());
    let last_drill = runs.iter().rev().find(|r| r.kind == RunKind::RestoreTest).cloned();
    Status { ready, last_good, last_run, practice: practice(&runs), last_drill }
}

/// Each computer's newest backup, newest first. "Newest" is the order the log was written in, not
/// the times it records: a computer whose clock is wrong cannot push the others down the list.
pub fn practice(runs: &[LoggedRun]) -> Vec<LoggedRun> {
    let mut newest: Vec<LoggedRun> = Vec::new();
    for r in runs.iter().filter(|r| r.kind == RunKind::Backup) {
        newest.retain(|n| n.computer != r.computer);
        newest.push(r.clone());
    }
    newest.reverse();
    newest
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
    let starts = text.match_indices("===== ").filter(|(i, _)| *i == 0 || text.as_bytes()[i - 1] == b'\n');
    let starts: Vec<usize> = starts.map(|(i, _)| i).chain([text.len()]).collect();
    for pair in starts.windows(2) {
        let block = &text[pair[0]..pair[1]];
        let kind = if block.starts_with("===== Network backup =====") {
            RunKind::Backup
        } else if block.starts_with("===== Restore test =====") {
            RunKind::RestoreTest
        } else if block.starts_with("===== SUSPECT backup confirmed =====") {
            RunKind::Confirmed
        } else {
            continue;
        };
        let field =
            |name: &str| block.lines().find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()));
        let started =
            field("Started:").and_then(|s| DateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S %:z").ok());
        let (Some(started), Some(computer), Some(result)) = (started, field("Computer:"), field("Result:"))
        else {
            continue;
        };
        let finished = field("Finished:")
            .and_then(|s| DateTime::parse_from_str(s.split(" (").next()?, "%Y-%m-%d %H:%M:%S %:z").ok());
        let seconds = finished.map(|f| (f - started).num_seconds()).filter(|s| *s >= 0);
        let bytes = field("Size:").and_then(|s| {
            let exact = s.strip_suffix(" bytes)")?.rsplit(", ").next()?;
            exact.parse().ok()
        });
        let (cause, location) = (field("Cause:"), field("Backup location:"));
        runs.push(LoggedRun { kind, started, computer, result, cause, seconds, bytes, location });
    }
    runs
}

/// "today", "yesterday", "12 days ago"
pub fn days_ago(t: NaiveDateTime) -> String {
    match (Local::now().date_naive() - t.date()).num_days() {
        ..=0 => "today".to_string(),
        1 => "yesterday".to_string(),
        n => format!("{n} days ago"),
    }
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
    fn a_runs_duration_and_size_are_read_from_its_block() {
        let log = "===== Network backup =====\nStarted:         2026-11-26 17:30:05 +11:00\n\
                   Finished:        2026-11-26 17:32:09 +11:00 (2 min 4 s)\nComputer:        RECEPTION1\n\
                   Size:            218 MB (12 MB copied, 218000000 bytes)\nResult:          SUCCESS\n";
        let run = &parse_runs(log)[0];
        assert_eq!((run.seconds, run.bytes), (Some(124), Some(218_000_000)));
        let torn = log.replace("218000000 bytes)", "218000000 by");
        assert_eq!(parse_runs(&torn)[0].bytes, None, "a damaged line is not guessed at");
    }

    #[test]
    fn each_computers_newest_backup_and_the_last_restore_test_are_found() {
        let block = |title: &str, t: &str, pc: &str, result: &str| {
            format!(
                "===== {title} =====\nStarted:         {t} +11:00\nComputer:        {pc}\nResult:          {result}\n\n"
            )
        };
        let log = [
            block("Network backup", "2026-11-24 18:00:00", "RECEPTION1", "SUCCESS"),
            block("Network backup", "2026-11-25 18:00:00", "RECEPTION2", "SUCCESS"),
            block("Restore test", "2026-11-25 18:10:00", "RECEPTION2", "PASSED"),
            block("Network backup", "2026-11-26 13:05:00", "RECEPTION1", "FAILED"),
        ]
        .concat();
        let runs = parse_runs(&log);
        let p = practice(&runs);
        let who: Vec<_> = p.iter().map(|r| (r.computer.as_str(), r.result.as_str())).collect();
        assert_eq!(who, [("RECEPTION1", "FAILED"), ("RECEPTION2", "SUCCESS")]);
        let drill = runs.iter().rev().find(|r| r.kind == RunKind::RestoreTest).unwrap();
        assert_eq!(drill.result, "PASSED");
    }

    #[test]
    fn a_computer_whose_clock_is_ahead_does_not_stay_the_newest() {
        let block = |t: &str, pc: &str| {
            format!(
                "===== Network backup =====\nStarted:         {t} +11:00\nComputer:        {pc}\nResult:          SUCCESS\n\n"
            )
        };
        // RECEPTION2's clock said 2036; RECEPTION1 backed up after it, with the right time.
        let log =
            [block("2036-01-01 09:00:00", "RECEPTION2"), block("2026-11-26 18:00:00", "RECEPTION1")].concat();
        let who: Vec<_> = practice(&parse_runs(&log)).into_iter().map(|r| r.computer).collect();
        assert_eq!(who, ["RECEPTION1", "RECEPTION2"], "the order the log was written in");
    }

    #[test]
    fn a_cut_first_block_is_skipped() {
        let runs = parse_runs("Result:          SUCCESS\n===== Network backup =====\nStarted: bad\n");
        assert!(runs.is_empty());
    }
}
