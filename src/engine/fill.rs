//! Filling the partial set. One thread walks the sources while a small pool copies what it has
//! found so far, each copy read back as soon as it is written: on a slow share the copying starts
//! at once, and no second pass over the set is needed.

use super::copy::{self, Shared};
use super::failures::{destination_failure, destination_gone, lost_root};
use super::finish::ensure_room;
use super::scan::{self, Found, Item, ItemKind};
use super::work::{self, Done};
use super::{Failure, FileProblem, ProblemKind, Report, Stop, manifest, parallel};
use crate::plan::Plan;
use crate::progress::{Event, Phase, Progress};
use crossbeam_channel::RecvTimeoutError;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Progress events at most this often.
const THROTTLE: Duration = Duration::from_millis(200);
/// Errors in a row after which the run checks whether a whole folder or drive has gone.
const ERRORS_BEFORE_ROOT_CHECK: u32 = 3;
/// Found items waiting for a copy thread.
const QUEUE: usize = 1024;

/// What the walk and the copy threads tell the run.
enum Msg {
    Problem(FileProblem),
    Done(Item, Done),
    /// The walk is complete. `storable` leaves out files too big for the drive (refused one by one).
    Scanned {
        files: u64,
        bytes: u64,
        storable: u64,
    },
}

/// The room check when the walk ends, before anything is copied (`Hold`: older sets may have to
/// go first on a drive without hard links) or while copying (`First`: the first set on a drive
/// with hard links must fit in the space free when the run began).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Room {
    Hold,
    First { free: Option<u64> },
    Estimated,
}

/// Copies everything into the partial set and returns the manifest entries.
pub(super) fn fill(
    plan: &Plan,
    progress: &dyn Progress,
    cancel: &AtomicBool,
    report: &mut Report,
    previous: Option<&work::Previous>,
    partial: &Path,
    room: Room,
) -> Result<Vec<manifest::Entry>, Stop> {
    let sources = plan.sources.as_slice();
    let dest = &plan.destination;
    std::fs::create_dir(partial).map_err(|e| destination_failure(dest, &e))?;
    let max_file_size = crate::platform::max_file_size(partial);
    let (abort, bytes_done) = (AtomicBool::new(false), AtomicU64::new(0));
    let cx = work::Context {
        sources,
        partial,
        previous,
        hard_links: report.hard_links,
        max_file_size,
        verify: plan.verify,
        shared: Shared { cancel, abort: &abort, bytes_done: &bytes_done },
    };
    let current: Mutex<Option<PathBuf>> = Mutex::new(None);
    let (job_tx, job_rx) = crossbeam_channel::bounded::<Item>(QUEUE);
    let (msg_tx, msg_rx) = crossbeam_channel::bounded::<Msg>(QUEUE);
    let (go_tx, go_rx) = crossbeam_channel::bounded::<bool>(1);
    let mut results: Vec<(Item, Done)> = Vec::new();
    let mut fatal: Option<Failure> = None;
    let (mut errors_in_row, mut copy_problems, mut files_done) = (0u32, 0usize, 0u64);

    progress.event(Event::Phase(Phase::Copying));
    std::thread::scope(|scope| {
        let (cx, current) = (&cx, &current);
        let msgs = msg_tx.clone();
        scope.spawn(move || walk(plan, cx, room == Room::Hold, max_file_size, job_tx, msgs, go_rx));
        for _ in 0..parallel::THREADS {
            let (jobs, msgs) = (job_rx.clone(), msg_tx.clone());
            scope.spawn(move || {
                let mut buf = vec![0u8; copy::BUFFER];
                for item in jobs {
                    if item.kind == ItemKind::File {
                        *current.lock().unwrap_or_else(|p| p.into_inner()) = Some(item.source_path(sources));
                    }
                    let done = work::process(&item, cx, &mut buf);
                    if msgs.send(Msg::Done(item, done)).is_err() {
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
                let bytes_done = bytes_done.load(Ordering::Relaxed);
                progress.event(Event::Progress { files_done, bytes_done, current });
            }
        };
        loop {
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
                    progress.event(Event::Problem(p.clone()));
                    report.problems.push(p);
                }
                Msg::Scanned { files, bytes, storable } => {
                    (report.counts.files_total, report.counts.bytes_total) = (files, bytes);
                    progress.event(Event::Scanned { files, bytes });
                    let fits = match room {
                        Room::Hold => ensure_room(dest, report, storable),
                        Room::First { free: Some(free) } if free < storable => {
                            Err(crate::preflight::not_enough_space(dest, free, storable))
                        }
                        _ => Ok(()),
                    };
                    if let Err(f) = fits {
                        fatal.get_or_insert(f);
                        abort.store(true, Ordering::Relaxed);
                    }
                    let _ = go_tx.try_send(fatal.is_none());
                }
                Msg::Done(item, done) => {
                    let problem = match &done {
                        Done::Problem(kind, reason) => {
                            errors_in_row += u32::from(*kind != ProblemKind::Skipped);
                            Some(work::problem(&item, sources, *kind, reason.clone()))
                        }
                        Done::DestinationError(e) => {
                            errors_in_row += 1;
                            if let Some(f) = destination_gone(dest, partial, e) {
                                fatal.get_or_insert(f);
                                abort.store(true, Ordering::Relaxed);
                                None
                            } else {
                                Some(work::problem(&item, sources, ProblemKind::Failed, copy::describe(e)))
                            }
                        }
                        Done::Cancelled => None,
                        _ => {
                            errors_in_row = 0;
                            None
                        }
                    };
                    if let Some(p) = problem {
                        copy_problems += 1;
                        progress.event(Event::Problem(p.clone()));
                        report.problems.push(p);
                    }
                    if errors_in_row >= ERRORS_BEFORE_ROOT_CHECK && fatal.is_none() {
                        errors_in_row = 0;
                        if let Some(f) = lost_root(plan, partial) {
                            fatal = Some(f);
                            abort.store(true, Ordering::Relaxed);
                        }
                    }
                    files_done += u64::from(item.kind == ItemKind::File);
                    results.push((item, done));
                }
            }
            tick(files_done, false);
        }
        tick(files_done, true);
    });
    // Files that failed or vanished near the end may be the first sign of a lost share.
    if fatal.is_none() && copy_problems > 0 {
        fatal = lost_root(plan, partial);
    }
    if let Some(f) = fatal {
        return Err(Stop::Failed(f));
    }
    super::step::stop_if_cancelled(cancel)?;
    progress.event(Event::Phase(Phase::Flushing));
    crate::platform::flush_tree(partial).map_err(|e| destination_failure(dest, &e))?;
    report.verified = plan.verify;

    // Copying into a folder changes its modified time, so folders get theirs last.
    for (item, _) in results.iter().filter(|(i, d)| i.kind == ItemKind::Dir && matches!(d, Done::Dir)) {
        let _ = filetime::set_file_mtime(item.set_path(partial, sources), item.mtime.to_file_time());
    }
    let c = &mut report.counts;
    for (_, done) in &results {
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
    let mut entries: Vec<_> =
        results.iter().filter_map(|(item, done)| work::entry(item, sources, Some(done))).collect();
    entries.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    Ok(entries)
}

/// The walking thread: hands each item to the copy threads as it is found (or, with `hold`, keeps
/// them all until the run says the set will fit).
fn walk(
    plan: &Plan,
    cx: &work::Context,
    hold: bool,
    max_file_size: Option<u64>,
    jobs: crossbeam_channel::Sender<Item>,
    msgs: crossbeam_channel::Sender<Msg>,
    go: crossbeam_channel::Receiver<bool>,
) {
    let (mut files, mut bytes, mut storable) = (0u64, 0u64, 0u64);
    let mut held = Vec::new();
    scan::walk(
        plan,
        || cx.shared.stopped(),
        |found| match found {
            Found::Problem(p) => {
                let _ = msgs.send(Msg::Problem(p));
            }
            Found::Item(item) => {
                if item.kind == ItemKind::File {
                    (files, bytes) = (files + 1, bytes + item.size);
                    if max_file_size.is_none_or(|max| item.size <= max) {
                        storable += item.size;
                    }
                }
                if hold {
                    held.push(item);
                } else {
                    let _ = jobs.send(item);
                }
            }
        },
    );
    crate::fault::pause("scanned");
    if cx.shared.stopped() {
        return;
    }
    let _ = msgs.send(Msg::Scanned { files, bytes, storable });
    if hold && go.recv() == Ok(true) {
        for item in held {
            if jobs.send(item).is_err() {
                break;
            }
        }
    }
}
