//! The order of a run: check → lock → clean up → scan → copy → flush → verify → manifest →
//! rename → retention. The caller logs and then unlocks.

use super::copy::{self, Shared};
use super::failures::{destination_failure, destination_gone, lock_failure, lost_root};
use super::finish::{ensure_room, finish};
use super::manifest;
use super::scan::{self, ItemKind};
use super::work::{self, Done};
use super::{Failure, ProblemKind, Report, Stop, lock, parallel, sets};
use crate::plan::Plan;
use crate::progress::{Event, Phase, Progress};
use std::cell::Cell;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Progress events at most this often.
const THROTTLE: Duration = Duration::from_millis(200);
/// Errors in a row after which the run checks whether a whole folder or drive has gone.
const ERRORS_BEFORE_ROOT_CHECK: u32 = 3;

pub(super) fn execute(
    plan: &Plan,
    progress: &dyn Progress,
    cancel: &AtomicBool,
    report: &mut Report,
    lock_slot: &mut Option<lock::Lock>,
) -> Result<(), Stop> {
    let checked = crate::preflight::check(plan)?;
    report.hard_links = checked.hard_links;
    let dest = &plan.destination;
    let lock =
        lock::acquire(dest, &plan.computer, &plan.user, report.started).map_err(|e| lock_failure(dest, e))?;
    *lock_slot = Some(lock);
    report.notes.extend(sets::clean_leftovers(dest));
    let existing = sets::list(dest).map_err(|e| destination_failure(dest, &e))?;
    let newest = sets::newest_with_manifest(&existing);
    let previous = newest.as_ref().map(|(s, m)| work::Previous::new(s.path.clone(), m));

    progress.event(Event::Phase(Phase::Scanning));
    let scan = scan::scan(plan);
    stop_if_cancelled(cancel)?;
    for p in &scan.problems {
        progress.event(Event::Problem(p.clone()));
    }
    report.problems = scan.problems;
    report.counts.files_total = scan.files;
    report.counts.bytes_total = scan.bytes;
    progress.event(Event::Scanned { files: scan.files, bytes: scan.bytes });
    crate::fault::pause("scanned");
    // Files too big for the drive (FAT32) are refused one by one, so they need no room.
    let max = crate::platform::max_file_size(dest).unwrap_or(u64::MAX);
    let storable: u64 =
        scan.items.iter().filter(|i| i.kind == ItemKind::File && i.size <= max).map(|i| i.size).sum();
    ensure_room(dest, report, storable, previous.is_none())?;

    let partial = dest.join(format!(
        "{}{}-{}",
        sets::PARTIAL_PREFIX,
        report.started.format("%Y%m%d%H%M%S"),
        std::process::id()
    ));
    let result = fill(plan, progress, cancel, report, &scan.items, previous.as_ref(), &partial);
    let result = result.and_then(|entries| finish(plan, report, &partial, entries));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&partial);
    }
    result
}

/// Copies everything into the partial set and returns the manifest entries.
fn fill(
    plan: &Plan,
    progress: &dyn Progress,
    cancel: &AtomicBool,
    report: &mut Report,
    items: &[scan::Item],
    previous: Option<&work::Previous>,
    partial: &Path,
) -> Result<Vec<manifest::Entry>, Stop> {
    let sources = plan.sources.as_slice();
    std::fs::create_dir(partial).map_err(|e| destination_failure(&plan.destination, &e))?;
    for item in items.iter().filter(|i| i.kind == ItemKind::Dir) {
        std::fs::create_dir_all(item.set_path(partial, sources))
            .map_err(|e| destination_failure(&plan.destination, &e))?;
    }
    let (abort, bytes_done, current) =
        (AtomicBool::new(false), AtomicU64::new(0), AtomicUsize::new(usize::MAX));
    let cx = work::Context {
        sources,
        partial,
        previous,
        hard_links: report.hard_links,
        max_file_size: crate::platform::max_file_size(partial),
        shared: Shared { cancel, abort: &abort, bytes_done: &bytes_done },
    };
    let mut results: Vec<Option<Done>> = items.iter().map(|_| None).collect();
    let mut fatal: Option<Failure> = None;
    let mut errors_in_row = 0;
    let problems_before_copy = report.problems.len();
    let files_done = Cell::new(0u64);
    let mut last = Instant::now();
    let mut tick = |force: bool| {
        if force || last.elapsed() >= THROTTLE {
            last = Instant::now();
            let i = current.load(Ordering::Relaxed);
            let current = items.get(i).map(|it| it.source_path(sources));
            let bytes_done = bytes_done.load(Ordering::Relaxed);
            progress.event(Event::Progress { files_done: files_done.get(), bytes_done, current });
        }
    };

    progress.event(Event::Phase(Phase::Copying));
    let jobs: Vec<usize> = (0..items.len()).filter(|&i| items[i].kind != ItemKind::Dir).collect();
    parallel::for_each(
        &jobs,
        copy::BUFFER,
        |i, buf| {
            current.store(i, Ordering::Relaxed);
            work::process(&items[i], &cx, buf)
        },
        |i, done| {
            let item = &items[i];
            match &done {
                Done::Problem(kind, reason) => {
                    let p = work::problem(item, sources, *kind, reason.clone());
                    progress.event(Event::Problem(p.clone()));
                    report.problems.push(p);
                    errors_in_row += u32::from(*kind != ProblemKind::Skipped);
                }
                Done::DestinationError(e) => {
                    errors_in_row += 1;
                    if let Some(f) = destination_gone(&plan.destination, partial, e) {
                        fatal.get_or_insert(f);
                        abort.store(true, Ordering::Relaxed);
                    } else {
                        let p = work::problem(item, sources, ProblemKind::Failed, copy::describe(e));
                        progress.event(Event::Problem(p.clone()));
                        report.problems.push(p);
                    }
                }
                Done::Cancelled => {}
                _ => errors_in_row = 0,
            }
            if errors_in_row >= ERRORS_BEFORE_ROOT_CHECK && fatal.is_none() {
                errors_in_row = 0;
                if let Some(f) = lost_root(plan, partial) {
                    fatal = Some(f);
                    abort.store(true, Ordering::Relaxed);
                }
            }
            if item.kind == ItemKind::File {
                files_done.set(files_done.get() + 1);
            }
            results[i] = Some(done);
        },
        || tick(false),
        THROTTLE,
    );
    tick(true);
    // Files that failed or vanished near the end may be the first sign of a lost share.
    if fatal.is_none() && report.problems.len() > problems_before_copy {
        fatal = lost_root(plan, partial);
    }
    if let Some(f) = fatal {
        return Err(Stop::Failed(f));
    }
    stop_if_cancelled(cancel)?;
    progress.event(Event::Phase(Phase::Flushing));
    crate::platform::flush_tree(partial).map_err(|e| destination_failure(&plan.destination, &e))?;

    if plan.verify {
        progress.event(Event::Phase(Phase::Verifying));
        verify_copies(plan, progress, report, items, &mut results, &cx)?;
        report.verified = true;
    }
    for item in items.iter().rev().filter(|i| i.kind == ItemKind::Dir) {
        let _ = filetime::set_file_mtime(item.set_path(partial, sources), item.mtime.to_file_time());
    }
    let mut entries: Vec<_> =
        items.iter().zip(&results).filter_map(|(it, d)| work::entry(it, sources, d.as_ref())).collect();
    entries.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    let c = &mut report.counts;
    for done in results.iter().flatten() {
        match done {
            Done::Copied(f) => {
                (c.files_copied, c.bytes_copied) = (c.files_copied + 1, c.bytes_copied + f.size)
            }
            Done::Linked(f) => {
                (c.files_linked, c.bytes_linked) = (c.files_linked + 1, c.bytes_linked + f.size)
            }
            _ => {}
        }
    }
    Ok(entries)
}

/// Re-reads every file copied in this run from the destination and compares it with the hash taken
/// while copying. A copy that differs is removed from the set and named.
fn verify_copies(
    plan: &Plan,
    progress: &dyn Progress,
    report: &mut Report,
    items: &[scan::Item],
    results: &mut [Option<Done>],
    cx: &work::Context,
) -> Result<(), Stop> {
    let sources = plan.sources.as_slice();
    let jobs: Vec<usize> =
        (0..items.len()).filter(|&i| matches!(results[i], Some(Done::Copied(_)))).collect();
    let expected: Vec<Option<(blake3::Hash, u64)>> = results
        .iter()
        .map(|d| match d {
            Some(Done::Copied(c)) => Some((c.hash, c.size)),
            _ => None,
        })
        .collect();
    let mut bad = Vec::new();
    let files_total = jobs.len() as u64;
    let bytes_total: u64 = jobs.iter().filter_map(|&i| expected[i]).map(|(_, size)| size).sum();
    let (files_done, bytes_done) = (Cell::new(0u64), Cell::new(0u64));
    let mut last = Instant::now();
    let mut tick = |force: bool| {
        if force || last.elapsed() >= THROTTLE {
            last = Instant::now();
            let (files_done, bytes_done) = (files_done.get(), bytes_done.get());
            progress.event(Event::Checked { files_done, files_total, bytes_done, bytes_total });
        }
    };
    tick(true);
    parallel::for_each(
        &jobs,
        copy::BUFFER,
        |i, buf| copy::hash_file(&items[i].set_path(cx.partial, sources), buf, &cx.shared),
        |i, got| {
            files_done.set(files_done.get() + 1);
            bytes_done.set(bytes_done.get() + expected[i].map_or(0, |(_, size)| size));
            let reason = match got {
                Ok(h) if Some(h) == expected[i] => return,
                Ok(_) => "the copy on the backup drive differs from the original: the drive may be failing"
                    .to_string(),
                Err(e) => format!("the copy on the backup drive cannot be read back: {}", copy::describe(&e)),
            };
            bad.push((i, reason));
        },
        || tick(false),
        THROTTLE,
    );
    tick(true);
    stop_if_cancelled(cx.shared.cancel)?;
    for (i, reason) in bad {
        let _ = std::fs::remove_file(items[i].set_path(cx.partial, sources));
        let p = work::problem(&items[i], sources, ProblemKind::Failed, reason.clone());
        progress.event(Event::Problem(p.clone()));
        report.problems.push(p);
        results[i] = Some(Done::Problem(ProblemKind::Failed, reason));
    }
    Ok(())
}

fn stop_if_cancelled(cancel: &AtomicBool) -> Result<(), Stop> {
    if cancel.load(Ordering::Relaxed) { Err(Stop::Cancelled("cancelled by the user".into())) } else { Ok(()) }
}
