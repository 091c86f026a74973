//! Filling the partial set. One thread walks the sources (and the newest set's manifest beside
//! them) while a small pool copies what it has found so far, each copy read back as soon as it is
//! written: on a slow share the copying starts at once, and no second pass over the set is needed.
//! Results are put back in path order and written to the manifest's entries as they come, and the
//! walk stays at most `WINDOW` items ahead of them, so memory stays the same however big the tree.

use super::copy::{self, Shared};
use super::failures::{destination_failure, destination_gone, lost_root};
use super::finish::ensure_room;
use super::scan::{self, Found, Item, ItemKind};
use super::work::{self, Done};
use super::{Failure, FileProblem, ProblemKind, Report, Stop, manifest, parallel};
use crate::plan::Plan;
use crate::progress::{Event, Phase, Progress};
use crossbeam_channel::RecvTimeoutError;
use std::collections::BTreeMap;
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
/// Items found but not yet written to the manifest, at most: a big file holds back what was found
/// after it.
const WINDOW: usize = 8192;
/// Where the manifest's entries wait, inside the partial set, for the header.
const ENTRIES_FILE: &str = ".manifest-entries";

/// What the walk and the copy threads tell the run.
enum Msg {
    Problem(FileProblem),
    /// An item and what became of it; `u64` is its place in the walk.
    Done(u64, Item, Done),
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
    previous: Option<work::Previous>,
    partial: &Path,
    room: Room,
) -> Result<manifest::EntryWriter, Stop> {
    let sources = plan.sources.as_slice();
    let dest = &plan.destination;
    std::fs::create_dir(partial).map_err(|e| destination_failure(dest, &e))?;
    let mut entries = manifest::EntryWriter::create(&partial.join(ENTRIES_FILE))
        .map_err(|e| destination_failure(dest, &e))?;
    let max_file_size = crate::platform::max_file_size(partial);
    let previous_set = previous.as_ref().map(|p| p.path.clone());
    let (abort, bytes_done) = (AtomicBool::new(false), AtomicU64::new(0));
    let cx = work::Context {
        sources,
        partial,
        previous: previous_set.as_deref(),
        hard_links: report.hard_links,
        max_file_size,
        verify: plan.verify,
        shared: Shared { cancel, abort: &abort, bytes_done: &bytes_done },
    };
    let current: Mutex<Option<PathBuf>> = Mutex::new(None);
    let (job_tx, job_rx) = crossbeam_channel::bounded::<(u64, Item)>(QUEUE);
    let (msg_tx, msg_rx) = crossbeam_channel::bounded::<Msg>(QUEUE);
    let (go_tx, go_rx) = crossbeam_channel::bounded::<bool>(1);
    // One permit per item between the walk and the manifest: the walk waits when all are out.
    let (permit_tx, permit_rx) = crossbeam_channel::bounded::<()>(WINDOW);
    let mut waiting: BTreeMap<u64, (Item, Done)> = BTreeMap::new();
    let mut next = 0u64;
    let mut fatal: Option<Failure> = None;
    let (mut errors_in_row, mut copy_problems, mut files_done) = (0u32, 0usize, 0u64);
    let mut counts = super::Counts::default();

    progress.event(Event::Phase(Phase::Copying));
    std::thread::scope(|scope| {
        let (cx, current) = (&cx, &current);
        let walker = Walker {
            plan,
            cx,
            previous,
            max_file_size,
            jobs: job_tx,
            msgs: msg_tx.clone(),
            permits: permit_tx,
        };
        let hold = room == Room::Hold;
        scope.spawn(move || if hold { walker.after_room_check(go_rx) } else { walker.run(true) });
        for _ in 0..parallel::THREADS {
            let (jobs, msgs) = (job_rx.clone(), msg_tx.clone());
            scope.spawn(move || {
                let mut buf = vec![0u8; copy::BUFFER];
                for (seq, item) in jobs {
                    if item.kind == ItemKind::File {
                        *current.lock().unwrap_or_else(|p| p.into_inner()) = Some(item.source_path(sources));
                    }
                    let done = work::process(&item, cx, &mut buf);
                    if msgs.send(Msg::Done(seq, item, done)).is_err() {
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
                Msg::Done(seq, item, done) => {
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
                    waiting.insert(seq, (item, done));
                    // Everything up to the first item still being copied goes to the manifest.
                    while let Some((item, done)) = waiting.remove(&next) {
                        next += 1;
                        let _ = permit_rx.try_recv();
                        count(&mut counts, &item, &done);
                        let Some(entry) = work::entry(&item, sources, Some(&done)) else { continue };
                        if let Err(e) = entries.push(&entry) {
                            fatal.get_or_insert_with(|| destination_failure(dest, &e));
                            abort.store(true, Ordering::Relaxed);
                        }
                    }
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
    report.counts = counts;
    Ok(entries)
}

fn count(c: &mut super::Counts, item: &Item, done: &Done) {
    if item.kind == ItemKind::File {
        (c.files_total, c.bytes_total) = (c.files_total + 1, c.bytes_total + item.size);
    }
    match done {
        Done::Copied(f) => (c.files_copied, c.bytes_copied) = (c.files_copied + 1, c.bytes_copied + f.size),
        Done::Linked(f) => (c.files_linked, c.bytes_linked) = (c.files_linked + 1, c.bytes_linked + f.size),
        _ => {}
    }
}

/// The walking thread: numbers each item, looks it up in the newest set, and hands it to the copy
/// threads as it is found.
struct Walker<'a> {
    plan: &'a Plan,
    cx: &'a work::Context<'a>,
    previous: Option<work::Previous>,
    max_file_size: Option<u64>,
    jobs: crossbeam_channel::Sender<(u64, Item)>,
    msgs: crossbeam_channel::Sender<Msg>,
    permits: crossbeam_channel::Sender<()>,
}

impl Walker<'_> {
    /// Walks once only to add up the files, waits for the run to make room for them, then walks
    /// again to copy (drives without hard links, where older sets may have to go first).
    fn after_room_check(self, go: crossbeam_channel::Receiver<bool>) {
        let totals = Totals::default();
        let totals = std::cell::RefCell::new(totals);
        scan::walk(
            self.plan,
            || self.cx.shared.stopped(),
            |found| {
                if let Found::Item(item) = found {
                    totals.borrow_mut().add(&item, self.max_file_size);
                }
            },
        );
        if self.cx.shared.stopped() {
            return;
        }
        let _ = self.msgs.send(totals.into_inner().scanned());
        if go.recv() == Ok(true) {
            self.run(false);
        }
    }

    /// Walks and hands out every item; `report` sends the totals when the walk is done.
    fn run(mut self, report: bool) {
        let mut totals = Totals::default();
        let mut seq = 0u64;
        let sources = self.plan.sources.as_slice();
        scan::walk(
            self.plan,
            || self.cx.shared.stopped(),
            |found| match found {
                Found::Problem(p) => {
                    let _ = self.msgs.send(Msg::Problem(p));
                }
                Found::Item(mut item) => {
                    totals.add(&item, self.max_file_size);
                    if item.kind == ItemKind::File
                        && let Some(previous) = &mut self.previous
                    {
                        item.prior = previous.find(&item.key(sources));
                    }
                    if self.permits.send(()).is_ok() && self.jobs.send((seq, item)).is_ok() {
                        seq += 1;
                    }
                }
            },
        );
        crate::fault::pause("scanned");
        if report && !self.cx.shared.stopped() {
            let _ = self.msgs.send(totals.scanned());
        }
    }
}

#[derive(Default)]
struct Totals {
    files: u64,
    bytes: u64,
    storable: u64,
}

impl Totals {
    fn add(&mut self, item: &Item, max_file_size: Option<u64>) {
        if item.kind == ItemKind::File {
            (self.files, self.bytes) = (self.files + 1, self.bytes + item.size);
            if max_file_size.is_none_or(|max| item.size <= max) {
                self.storable += item.size;
            }
        }
    }

    fn scanned(&self) -> Msg {
        Msg::Scanned { files: self.files, bytes: self.bytes, storable: self.storable }
    }
}
