//! The order of a run: check → lock → clean up → scan and copy (each copy read back) → flush →
//! manifest → rename → retention. The caller logs and then unlocks.

use super::failures::{destination_failure, lock_failure, lock_lost};
use super::fill::fill;
use super::finish::{Ends, finish};
use super::names::Fold;
use super::start::{Room, Start, Stops};
use super::{Report, Stop, lock, sets, work};
use crate::plan::Plan;
use crate::progress::{Event, Phase, Progress};
use std::sync::atomic::AtomicBool;

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
    let waited = std::cell::Cell::new(false);
    let waiting = |h: &lock::Holder| {
        waited.set(true);
        progress.event(Event::Phase(Phase::WaitingForLock));
        progress.event(Event::Waiting(format!(
            "{} ({}) started a backup to this folder at {}. If it is still running, this backup stops and says so within seconds. If it has stopped responding for {}, this backup takes over.",
            h.computer,
            h.user,
            h.started,
            lock::stale_words()
        )));
    };
    let lock = lock::acquire(dest, &plan.computer, &plan.user, report.started, cancel, &waiting)
        .map_err(|e| lock_failure(dest, e))?;
    if waited.get() {
        progress.event(Event::Phase(Phase::Checking));
    }
    let lock = &*lock_slot.insert(lock);
    let result = locked(plan, progress, cancel, report, lock, checked.fold);
    // A run whose lock was taken over fails for that reason, whatever else went wrong after.
    match (result, lock.lost()) {
        (Err(_), Some(why)) => Err(lock_lost(dest, &why).into()),
        (result, _) => result,
    }
}

/// The run's steps while it holds the lock. Each step that changes the backup folder outside this
/// run's own partial set checks first that the lock is still this run's.
fn locked(
    plan: &Plan,
    progress: &dyn Progress,
    cancel: &AtomicBool,
    report: &mut Report,
    lock: &lock::Lock,
    fold: Fold,
) -> Result<(), Stop> {
    let dest = &plan.destination;
    // Partial sets left here belong to runs that released or lost the lock: they are gone.
    still_ours(lock)?;
    report.notes.extend(sets::clean_leftovers(dest));
    let existing = sets::list(dest).map_err(|e| destination_failure(dest, &e))?;
    report.notes.extend(sets::future_notes(&existing, report.started.to_utc()));
    // The set compared with (never an unconfirmed SUSPECT one); its files are linked only where
    // the drive has hard links.
    let newest = sets::newest_checked(&existing);
    // The last good set, when it is another (the newest ended with errors): the loss guard counts
    // what is gone since it, so what a run could not read is not forgotten the day after.
    let good =
        sets::newest_good(&existing).filter(|(g, _)| newest.as_ref().is_none_or(|(n, _)| n.name != g.name));
    let scope: Vec<(String, bool)> = plan.sources.iter().map(|s| (s.set_dir.clone(), s.recursive)).collect();
    let earlier = |(s, m): &(&sets::SetInfo, super::manifest::Summary)| {
        let base = super::guard::Base {
            name: s.name.clone(),
            started: Some(s.header.started.with_timezone(&chrono::Local)),
            files: m.files,
            bytes: m.bytes,
            endings: Default::default(),
            earlier: Default::default(),
        };
        (work::Previous::open(s, m.in_path_order, scope.clone()), base)
    };
    let (previous, mut base) = newest.as_ref().map(earlier).unzip();
    if let (Some(b), Some((s, _))) = (&mut base, &newest) {
        b.earlier = super::guard::earlier(&existing, s, report.started.to_utc());
    }
    let good_set = good.as_ref().map(earlier);
    let priors = |m: &super::manifest::Summary| super::database::priors(&m.database);
    let database = newest.as_ref().map(|(_, m)| priors(m)).unwrap_or_default();
    // A share that is not connected is not a practice that deleted everything.
    let mut known = database.clone();
    known.extend(good.iter().flat_map(|(_, m)| priors(m)));
    super::connected::check(plan, newest.map(|(s, _)| s), &known)?;

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
    let sequence = sets::next_sequence(&existing);
    let stops = Stops { cancel, lock };
    let link = report.hard_links;
    let start = Start { partial: &partial, previous, room, fold, database, base, good: good_set, link };
    let result = fill(plan, progress, stops, report, start);
    let ends = Ends { progress, cancel, still_ours: &|| still_ours(lock), lost: lock.lost_flag() };
    let result = result.and_then(|entries| finish(plan, report, &partial, entries, sequence, &ends));
    // When Windows is ending the session there are only seconds: the log comes first, and the
    // partial set is left for the next run to remove, as after a crash.
    if result.is_err() && !super::session_ending() {
        let _ = super::readonly::remove_tree(&partial);
    }
    result
}

/// Fails the run if its lock is no longer its own (the step would then touch another run's work).
fn still_ours(lock: &lock::Lock) -> Result<(), Stop> {
    // The reason is given by `execute`, which checks the lock once more at the end.
    match lock.lost() {
        Some(why) => Err(Stop::Failed(super::Failure::new("lock lost", why))),
        None => Ok(()),
    }
}
