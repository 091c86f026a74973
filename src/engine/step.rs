//! The order of a run: check → lock → clean up → scan and copy (each copy read back) → flush →
//! manifest → rename → retention. The caller logs and then unlocks.

use super::failures::{destination_failure, lock_failure};
use super::fill::{Room, fill};
use super::finish::finish;
use super::{Report, Stop, lock, sets, work};
use crate::plan::Plan;
use crate::progress::Progress;
use std::sync::atomic::{AtomicBool, Ordering};

pub(super) fn execute(
    plan: &Plan,
    progress: &dyn Progress,
    cancel: &AtomicBool,
    report: &mut Report,
    lock_slot: &mut Option<lock::Lock>,
) -> Result<(), Stop> {
    let checked = super::preflight::check(plan)?;
    report.hard_links = checked.hard_links;
    let dest = &plan.destination;
    let lock =
        lock::acquire(dest, &plan.computer, &plan.user, report.started).map_err(|e| lock_failure(dest, e))?;
    *lock_slot = Some(lock);
    report.notes.extend(sets::clean_leftovers(dest));
    let existing = sets::list(dest).map_err(|e| destination_failure(dest, &e))?;
    // Files are linked from the newest set only where the drive has hard links.
    let newest = sets::newest_checked(&existing).filter(|_| report.hard_links);
    let previous = newest.map(|(s, m)| work::Previous::open(s.path.clone(), m.in_path_order));

    let room = match (report.hard_links, &previous) {
        (false, _) => Room::Hold,
        (true, None) => Room::First { free: crate::platform::free_space(dest) },
        (true, Some(_)) => Room::Estimated,
    };

    let partial = dest.join(format!(
        "{}{}-{}",
        sets::PARTIAL_PREFIX,
        report.started.format("%Y%m%d%H%M%S"),
        std::process::id()
    ));
    let result = fill(plan, progress, cancel, report, previous, &partial, room);
    let result = result.and_then(|entries| finish(plan, report, &partial, entries));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&partial);
    }
    result
}

pub(super) fn stop_if_cancelled(cancel: &AtomicBool) -> Result<(), Stop> {
    if cancel.load(Ordering::Relaxed) { Err(Stop::Cancelled("cancelled by the user".into())) } else { Ok(()) }
}
