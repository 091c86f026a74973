//! Filling the partial set. One thread walks the sources (and the newest set's manifest beside
//! them) while a small pool copies what it has found so far, each copy read back as soon as it is
//! written: on a slow share the copying starts at once, and no second pass over the set is needed.
//! Results are put back in path order and written to the manifest's entries as they come, and the
//! walk stays at most `WINDOW` items ahead of them, so memory stays the same however big the tree.

use super::advice::Cause;
use super::copy::{self, Shared};
use super::failures::{destination_failure, destination_gone, lost_root};
use super::scan::{Item, ItemKind};
use super::start::{Room, Start, Stops};
use super::walker::{self, Msg, Walker};
use super::work::{self, Done};
use super::{Failure, ProblemKind, Report, Stop, manifest, parallel};
use crate::plan::Plan;
use crate::progress::{Event, Phase, Progress};
use crossbeam_channel::{RecvTimeoutError, Sender};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Progress events at most this often.
const THROTTLE: Duration = Duration::from_millis(200);
/// Errors in a row after which the run checks whether a whole folder or drive has gone.
const ERRORS_BEFORE_ROOT_CHECK: u32 = 3;
/// Found items waiting for a copy thread.
const QUEUE: usize = 1024;
/// Items found but not yet in the manifest, at most: a big file holds back what was found after it.
const WINDOW: usize = 8192;
/// Where the manifest's entries wait, inside the partial set, for the header.
const ENTRIES_FILE: &str = ".manifest-entries";

/// Copies everything into the partial set and returns the manifest entries.
pub(super) fn fill(
    plan: &Plan,
    progress: &dyn Progress,
    stops: Stops,
    report: &mut Report,
    start: Start,
) -> Result<manifest::EntryWriter, Stop> {
    let Start { partial, previous, room, fold, database: database_priors, mut base, good, link } = start;
    let (good, good_base) = good.unzip();
    let (cancel, lock_lost) = (stops.cancel, stops.lock.lost_flag());
    let sources = plan.sources.as_slice();
    let dest = &plan.destination;
    std::fs::create_dir(partial).map_err(|e| destination_failure(dest, &e))?;
    let mut entries = manifest::EntryWriter::create(&partial.join(ENTRIES_FILE))
        .map_err(|e| destination_failure(dest, &e))?;
    let max_file_size = crate::platform::max_file_size(partial);
    let previous_set = previous.as_ref().map(|p| p.set.clone());
    let (damaged, new_ids) = (Mutex::new(Vec::new()), std::sync::atomic::AtomicU64::new(0));
    let (abort, bytes) = (AtomicBool::new(false), copy::Tally::default());
    let cx = work::Context {
        sources,
        partial,
        previous: previous_set.as_ref(),
        link,
        damaged: &damaged,
        new_ids: &new_ids,
        max_file_size,
        verify: plan.verify,
        shared: Shared { cancel, abort: &abort, bytes: &bytes },
    };
    let current: Mutex<Option<PathBuf>> = Mutex::new(None);
    let (job_tx, job_rx) = crossbeam_channel::bounded::<(u64, Item)>(QUEUE);
    let (msg_tx, msg_rx) = crossbeam_channel::bounded::<Msg>(QUEUE);
    let (go_tx, go_rx) = crossbeam_channel::bounded::<bool>(1);
    // One permit per item between the walk and the manifest: the walk waits when all are out.
    let (permit_tx, permit_rx) = crossbeam_channel::bounded::<()>(WINDOW);
    let mut waiting: BTreeMap<u64, (Item, Done)> = BTreeMap::new();
    let mut next = 0u64;
    let (mut fatal, mut losses): (Option<Failure>, Option<super::guard::Losses>) = (None, None);
    let (mut errors_in_row, mut problems_seen, mut files_done) = (0u32, 0usize, 0u64);
    let (mut counts, mut guard) = (super::Counts::default(), super::guard::Watch::default());
    // The walk's totals (files, bytes; bytes the drive can take); the run failed by a full drive.
    let (mut scanned, mut storable_seen, mut full_first) = (None, None, false);
    // The first failure that ends the run is the one reported; the threads stop soon after.
    let stop_with = |fatal: &mut Option<Failure>, f: Failure| {
        fatal.get_or_insert(f);
        abort.store(true, Ordering::Relaxed);
    };
    // After a few errors in a row, or at once for the server's trouble: has the whole share or
    // drive gone?
    let check_root = |errors_in_row: &mut u32, fatal: &mut Option<Failure>, cause: Option<Cause>| {
        let now = *errors_in_row >= ERRORS_BEFORE_ROOT_CHECK || cause == Some(Cause::ServerUnreachable);
        if now && fatal.is_none() {
            *errors_in_row = 0;
            if let Some(f) = lost_root(plan, partial) {
                stop_with(fatal, f);
            }
        }
    };

    std::thread::scope(|scope| {
        let (cx, current) = (&cx, &current);
        let (count_tx, count_rx) = crossbeam_channel::bounded::<()>(1);
        let walker = Walker {
            plan,
            cx,
            previous,
            good,
            database: database_priors,
            fold,
            skipping: None,
            max_file_size,
            jobs: job_tx,
            msgs: msg_tx.clone(),
            permits: permit_tx,
            count_now: (room != Room::Hold).then_some(count_tx),
        };
        let add_up = move |msgs: &Sender<Msg>| {
            let totals = walker::count(plan, max_file_size, || cx.shared.stopped());
            if !cx.shared.stopped() {
                let _ = msgs.send(totals);
            }
        };
        if room == Room::Hold {
            // Room first (older sets may have to go), then the copies.
            scope.spawn(move || {
                add_up(&walker.msgs);
                // A run stopped while counting sends no totals, so no answer would come.
                if !cx.shared.stopped() && go_rx.recv() == Ok(true) {
                    walker.run();
                }
            });
        } else {
            // A big tree's copy walk waits for the copies: its totals then come from a walk of
            // their own, started when that first happens.
            let msgs = msg_tx.clone();
            scope.spawn(move || {
                if count_rx.recv().is_ok() {
                    add_up(&msgs);
                }
            });
            scope.spawn(move || walker.run());
        }
        for _ in 0..parallel::THREADS {
            let (jobs, msgs) = (job_rx.clone(), msg_tx.clone());
            scope.spawn(move || {
                let mut buf = vec![0u8; 2 * copy::BUFFER];
                for (seq, item) in jobs {
                    if item.kind == ItemKind::File {
                        *current.lock().unwrap_or_else(|p| p.into_inner()) = Some(item.source_path(sources));
                    }
                    let done = work::process_guarded(&item, cx, &mut buf);
                    if msgs.send(Msg::Done(seq, Box::new(item), done)).is_err() {
                        break;
                    }
                }
            });
        }
        drop((msg_tx, job_rx));
        let mut last = Instant::now();
        let mut tick = |files_done: u64, force: bool| {
            if force || last.elapsed() >= THROTTLE {
                last = Instant::now();
                let current = current.lock().unwrap_or_else(|p| p.into_inner()).clone();
                progress.event(Event::Progress {
                    files_done,
                    bytes: bytes.now(),
                    busy: bytes.sides.now(),
                    current,
                });
            }
        };
        loop {
            if lock_lost.load(Ordering::Relaxed) && fatal.is_none() {
                stop_with(&mut fatal, Failure::new("lock lost", "the run's lock was taken over"));
            }
            let msg = match msg_rx.recv_timeout(THROTTLE) {
                Ok(msg) => msg,
                Err(RecvTimeoutError::Timeout) => {
                    tick(files_done, false);
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            };
            match msg {
                Msg::Problem(p) => {
                    // Folders that cannot be listed may be the first sign of a lost share.
                    if p.kind == ProblemKind::Failed {
                        (errors_in_row, problems_seen) = (errors_in_row + 1, problems_seen + 1);
                        check_root(&mut errors_in_row, &mut fatal, p.cause);
                    }
                    progress.event(Event::Problem(p.clone()));
                    report.problems.push(p);
                }
                Msg::Scanned { files, bytes, storable } if scanned.is_none() => {
                    (scanned, storable_seen) = (Some((files, bytes)), Some(storable));
                    progress.event(Event::Scanned { files, bytes });
                    if let Err(f) = room.check(dest, stops.lock, report, storable) {
                        stop_with(&mut fatal, f);
                    }
                    let _ = go_tx.try_send(fatal.is_none());
                }
                Msg::Scanned { .. } => {}
                Msg::Endings(e) => {
                    let endings;
                    (endings, losses) = e.unzip();
                    base = base.take().map(|b| super::guard::Base { endings, ..b });
                }
                Msg::DatabaseStarted(files) => progress.event(Event::Phase(Phase::Database { files })),
                Msg::DatabaseDone(group) => {
                    report.database = group;
                    progress.event(Event::Phase(Phase::Copying));
                }
                Msg::Done(seq, item, done) => {
                    let problem = match &done {
                        Done::Problem(kind, cause, reason) => {
                            errors_in_row += u32::from(*kind != ProblemKind::Skipped);
                            Some(work::problem(&item, sources, *kind, *cause, reason.clone()))
                        }
                        Done::DestinationError(e) => {
                            errors_in_row += 1;
                            full_first |= fatal.is_none() && e.kind() == std::io::ErrorKind::StorageFull;
                            if let Some(f) = destination_gone(dest, partial, e) {
                                stop_with(&mut fatal, f);
                                None
                            } else {
                                Some(work::drive_problem(&item, sources, e))
                            }
                        }
                        Done::Cancelled => None,
                        _ => {
                            errors_in_row = 0;
                            None
                        }
                    };
                    let cause = problem.as_ref().and_then(|p| p.cause);
                    if let Some(p) = problem {
                        problems_seen += 1;
                        progress.event(Event::Problem(p.clone()));
                        report.problems.push(p);
                    }
                    check_root(&mut errors_in_row, &mut fatal, cause);
                    files_done += u64::from(item.kind == ItemKind::File);
                    waiting.insert(seq, (*item, done));
                    // Everything up to the first item still being copied goes to the manifest.
                    while let Some((item, done)) = waiting.remove(&next) {
                        next += 1;
                        let _ = permit_rx.try_recv();
                        work::count(&mut counts, &item, &done);
                        if let (Done::Problem(ProblemKind::Vanished, ..), Some(p)) = (&done, item.good) {
                            guard.vanished(item.key(sources), p.size, p.hash, p.look);
                        }
                        let Some(entry) = work::entry(&item, sources, &done) else { continue };
                        if let (Some(change), manifest::Kind::File { hash, .. }) =
                            (work::change(&item, &done), &entry.kind)
                        {
                            guard.add(
                                &entry.path,
                                (item.size, *hash),
                                change,
                                item.database,
                                item.good.is_some(),
                            );
                        }
                        if let Err(e) = entries.push(&entry) {
                            stop_with(&mut fatal, destination_failure(dest, &e));
                        }
                    }
                }
            }
            tick(files_done, false);
        }
        tick(files_done, true);
    });
    if let (true, Room::First { free: Some(free) }) = (full_first, room) {
        let stop = || cancel.load(Ordering::Relaxed);
        let (needs, walked) = super::failures::drive_filled(plan, free, storable_seen, max_file_size, stop);
        (fatal, scanned) = (needs.or(fatal), walked.or(scanned));
    }
    // A run that ends early still says how much there was to back up.
    if let Some((files, bytes)) = scanned.filter(|_| fatal.is_some() || cancel.load(Ordering::Relaxed)) {
        (counts.files_total, counts.bytes_total) = (files, bytes);
    }
    report.counts = counts;
    let damaged = damaged.into_inner().unwrap_or_else(|e| e.into_inner());
    report.notes.extend(super::failures::damaged_note(previous_set.as_ref(), damaged));
    report.notes.extend(super::failures::new_ids_note(new_ids.into_inner(), report.counts.files_linked));
    // Files that failed or vanished near the end may be the first sign of a lost share.
    if fatal.is_none() && problems_seen > 0 {
        fatal = lost_root(plan, partial);
    }
    if let Some(f) = fatal {
        return Err(Stop::Failed(f));
    }
    if cancel.load(Ordering::Relaxed) {
        return Err(Stop::Cancelled("cancelled by the user".into()));
    }
    let losses = losses.zip(good_base.as_ref().or(base.as_ref()));
    report.judged(guard.verdict(base.as_ref(), losses), base.map(|b| b.earlier));
    progress.event(Event::Phase(Phase::Flushing));
    crate::platform::flush_tree(partial).map_err(|e| destination_failure(dest, &e))?;
    report.verified = plan.verify;
    report.linked_from = previous_set.map(|s| s.name).filter(|_| report.counts.files_linked > 0);
    Ok(entries)
}
