//! The backup engine: scan, copy while hashing, link unchanged files, verify, write the manifest,
//! make the set visible by one rename, apply retention. Knows nothing of windows or terminals.

pub mod advice;
pub mod backup_log;
mod connected;
pub mod copy;
pub mod database;
mod failures;
mod fill;
mod finish;
pub mod gone;
pub mod guard;
pub mod latest;
mod listing;
pub mod lock;
pub mod manifest;
mod mtime;
pub mod names;
pub(crate) mod parallel;
pub mod pathcode;
pub mod preflight;
mod previous;
mod read_back;
pub mod readonly;
mod report;
pub mod retention;
pub mod retry;
pub mod room;
pub mod scan;
pub mod sets;
pub mod sides;
mod start;
mod step;
mod symlink;
pub mod verify;
mod walker;
mod work;

pub use report::{Counts, Failure, FileProblem, Outcome, ProblemKind, Report};

use crate::plan::Plan;
use crate::progress::{Event, Phase, Progress};
use std::sync::atomic::AtomicBool;

/// Why a run stopped before making a set.
#[derive(Debug)]
pub enum Stop {
    Failed(Failure),
    Cancelled(String),
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Stop {
        Stop::Failed(f)
    }
}

/// Why a cancellation happens when it is not the user's Cancel (Windows logging off, say).
static CANCEL_CAUSE: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Whether the run is being cancelled because the session is ending (a cause was given).
pub(crate) fn session_ending() -> bool {
    CANCEL_CAUSE.lock().is_ok_and(|c| c.is_some())
}

/// Records why the run about to be cancelled stops, for its log block.
pub fn set_cancel_cause(cause: &str) {
    if let Ok(mut c) = CANCEL_CAUSE.lock() {
        *c = Some(cause.to_string());
    }
}

/// Runs one backup from start to end and logs it. Never panics on bad input: every way a run can
/// end is in the returned report (and the `Finished` event).
pub fn run(plan: &Plan, progress: &dyn Progress, cancel: &AtomicBool) -> Report {
    let mut report = Report::new(crate::clock::now());
    let mut lock = None;
    progress.event(Event::Phase(Phase::Checking));
    match step::execute(plan, progress, cancel, &mut report, &mut lock) {
        Ok(()) => {}
        Err(Stop::Failed(f)) => {
            report.outcome = Outcome::Failed;
            report.failure = Some(f);
        }
        Err(Stop::Cancelled(why)) => {
            report.outcome = Outcome::Cancelled;
            let cause = CANCEL_CAUSE.lock().ok().and_then(|mut c| c.take());
            report.failure = Some(match cause {
                Some(cause) => Failure::new(
                    format!("The backup was stopped because {cause}. The previous backups are untouched."),
                    cause,
                ),
                None => Failure::new("The backup was cancelled. The previous backups are untouched.", why),
            });
        }
    }
    report.finished = crate::clock::now();
    let block = backup_log::block(plan, &report);
    let entry = crate::platform::event_log::Entry::of_backup(report.outcome);
    let logged = backup_log::record(&plan.log_file, &block, entry);
    report.log_file = Some(logged.path);
    report.notes.extend(logged.note);
    drop(lock);
    progress.event(Event::Finished(Box::new(report.clone())));
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancel_with_a_cause_says_why_in_the_log() {
        let d = tempfile::tempdir().unwrap();
        let data = d.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(data.join("Practice.db"), b"db").unwrap();
        let settings = crate::settings::Settings {
            data_folder: data.clone(),
            destination: d.path().join("dest"),
            ..Default::default()
        };
        let plan = Plan::from_settings(&settings, Some(d.path().join("backup.log"))).unwrap();
        set_cancel_cause("Windows was logging off or shutting down");
        let report = run(&plan, &crate::progress::NoProgress, &AtomicBool::new(true));
        assert_eq!(report.outcome, Outcome::Cancelled);
        let log = std::fs::read_to_string(d.path().join("backup.log")).unwrap();
        assert!(log.contains("Result:          CANCELLED"), "{log}");
        let partial = std::fs::read_dir(d.path().join("dest"))
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(super::sets::PARTIAL_PREFIX));
        assert!(partial, "no time spent removing the partial set: the next run does");
        assert!(log.contains("stopped because Windows was logging off or shutting down"), "{log}");
    }
}
