//! The backup engine: scan, copy while hashing, link unchanged files, verify, write the manifest,
//! make the set visible by one rename, apply retention. Knows nothing of windows or terminals.

pub mod copy;
mod failures;
mod finish;
pub mod lock;
pub mod manifest;
mod mtime;
pub(crate) mod parallel;
pub mod pathcode;
mod report;
pub mod retention;
pub mod retry;
pub mod room;
pub mod scan;
pub mod sets;
mod step;
pub mod verify;
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
            report.failure =
                Some(Failure::new("The backup was cancelled. The previous backups are untouched.", why));
        }
    }
    report.finished = crate::clock::now();
    let logged = crate::backup_log::append(plan, &report);
    report.log_file = Some(logged.path);
    report.notes.extend(logged.note);
    drop(lock);
    progress.event(Event::Finished(Box::new(report.clone())));
    report
}
