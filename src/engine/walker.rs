//! The two walks of a run: the one that hands items to the copy threads (in path order, each
//! looked up in the newest set's manifest on the way), and the one that only adds up the totals.

use super::names::{self, Fold};
use super::scan::{self, Found, Item, ItemKind, Prior};
use super::work::{self, Done};
use super::{FileProblem, ProblemKind};
use super::{database, manifest};
use crate::plan::{Plan, Source};
use crossbeam_channel::Sender;
use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::PathBuf;

/// What the walks and the copy threads tell the run.
pub(super) enum Msg {
    Problem(FileProblem),
    /// The database group (this many files) is being copied.
    DatabaseStarted(u64),
    /// The database group is done (`None`: the data folder has no files at its top).
    DatabaseDone(Option<database::Group>),
    /// An item and what became of it; `u64` is its place in the walk.
    Done(u64, Box<Item>, Done),
    /// The earlier set's files by ending, and the last good set's files the walk did not find,
    /// both read to their ends once the walk is over (`None`: one could not be).
    Endings(Option<(HashMap<String, super::guard::Seen>, super::guard::Losses)>),
    /// The walk is complete. `storable` leaves out files too big for the drive (refused one by one).
    Scanned {
        files: u64,
        bytes: u64,
        storable: u64,
    },
}

/// The walking thread: numbers each item, looks it up in the newest set, and hands it to the copy
/// threads as it is found. Each item takes a permit, given back once it is in the manifest.
pub(super) struct Walker<'a> {
    pub plan: &'a Plan,
    pub cx: &'a work::Context<'a>,
    pub previous: Option<work::Previous>,
    /// The last good set (the newest SUCCESS one), when it is not `previous`: the loss guard's.
    pub good: Option<work::Previous>,
    /// The newest set's database files, for the database group.
    pub database: HashMap<String, Prior>,
    /// Names the backup drive takes to be the same that the sources keep apart.
    pub fold: Fold,
    /// A folder whose name collides with another's, and everything in it: named, not copied.
    pub skipping: Option<(usize, PathBuf, String)>,
    pub max_file_size: Option<u64>,
    pub jobs: Sender<(u64, Item)>,
    pub msgs: Sender<Msg>,
    pub permits: Sender<()>,
    /// Wakes the counting walk the first time this walk has to wait for the copies (a big tree):
    /// the totals then come from it. Otherwise this walk sends them when it is done.
    pub count_now: Option<Sender<()>>,
}

impl Walker<'_> {
    pub fn run(mut self) {
        let mut seq = 0u64;
        let mut totals = Totals::default();
        let sources = self.plan.sources.as_slice();
        // The database first, as one group; its files take their places in the walk below.
        let excluded = scan::excluded(self.plan);
        let started = |files| {
            let _ = self.msgs.send(Msg::DatabaseStarted(files));
        };
        let (members, group) = database::copy(self.cx, &excluded, self.fold, &self.database, started).unzip();
        if self.msgs.send(Msg::DatabaseDone(group)).is_err() {
            return;
        }
        // The group's members, in path order, each sent once at its place among the walk's items:
        // before the first item that sorts after it, or when the data folder's walk is over.
        let members = members.unwrap_or_default();
        let member_paths: HashSet<PathBuf> = members.iter().map(|(i, _)| i.source_path(sources)).collect();
        let mut members = members.into_iter().peekable();
        // Sends the members that sort before `key` (all of them with `None`).
        let mut send_members = |before: Option<&str>, seq: &mut u64| {
            while let Some((m, _)) = members.peek() {
                if before.is_some_and(|k| manifest::path_order(&m.key(sources), k).is_ge()) {
                    break;
                }
                let (m, done) = members.next().expect("peeked");
                if self.permits.send(()).is_err()
                    || self.msgs.send(Msg::Done(*seq, Box::new(m), done)).is_err()
                {
                    return;
                }
                *seq += 1;
            }
        };
        // Folders (source, path below its root) holding names that collide on the drive.
        let mut clashes = Clashes::new();
        scan::walk(
            self.plan,
            || self.cx.shared.stopped(),
            |found| match found {
                Found::Problem(p) => {
                    // What could not be read is not gone, for the loss guard.
                    if matches!(
                        p.kind,
                        ProblemKind::Failed | ProblemKind::FolderFailed | ProblemKind::Skipped
                    ) && let Some((key, ..)) = scan::key_of(&p.path, sources)
                    {
                        self.previous
                            .iter_mut()
                            .chain(&mut self.good)
                            .for_each(|e| e.unreadable(key.clone()));
                    }
                    // The group's own result stands for its members.
                    if !member_paths.contains(&p.path) {
                        let _ = self.msgs.send(Msg::Problem(p));
                    }
                }
                Found::Item(mut item) => {
                    totals.add(&item, self.max_file_size);
                    if item.kind == ItemKind::Dir && self.fold.any() {
                        let files_only = !sources[item.source].recursive;
                        let found = names::collisions(&item.source_path(sources), self.fold, files_only);
                        if !found.is_empty() {
                            clashes.insert((item.source, item.rel.clone()), found);
                        }
                    }
                    if self.permits.is_full()
                        && let Some(count_now) = self.count_now.take()
                    {
                        let _ = count_now.send(());
                    }
                    let key = item.key(sources);
                    send_members(Some(&key), &mut seq);
                    // Found in the earlier set, whatever becomes of it below (for the loss guard).
                    if item.kind == ItemKind::File {
                        item.prior = self.previous.as_mut().and_then(|p| p.find(&key));
                        item.good = match &mut self.good {
                            Some(g) => g.find(&key),
                            None => item.prior,
                        };
                    }
                    if item.database && member_paths.contains(&item.source_path(sources)) {
                        return; // copied with the database group, and sent in its place above
                    }
                    if let Some(why) = clash(&mut self.skipping, sources, &item, &clashes) {
                        // Named in order with the rest, never copied.
                        let kind = if item.kind == ItemKind::Dir {
                            ProblemKind::FolderFailed
                        } else {
                            ProblemKind::Failed
                        };
                        let done = Done::Problem(kind, Some(super::advice::Cause::NotAllowedOnDrive), why);
                        if self.permits.send(()).is_ok() && self.msgs.send(Msg::Done(seq, item, done)).is_ok()
                        {
                            seq += 1;
                        }
                        return;
                    }
                    if self.permits.send(()).is_ok() && self.jobs.send((seq, *item)).is_ok() {
                        seq += 1;
                    }
                }
            },
        );
        send_members(None, &mut seq);
        if let Some(previous) = self.previous.take().filter(|_| !self.cx.shared.stopped()) {
            let mut compared = previous.endings();
            if let Some(good) = self.good.take() {
                let lost = good.endings().map(|(_, losses)| losses);
                compared = compared.zip(lost).map(|((endings, _), losses)| (endings, losses));
            }
            let _ = self.msgs.send(Msg::Endings(compared));
        }
        crate::fault::pause("scanned");
        if self.count_now.is_some() && !self.cx.shared.stopped() {
            let _ = self.msgs.send(totals.scanned());
        }
    }
}

/// Folders (source, path below its root) holding names that collide on the drive, with them.
type Clashes = HashMap<(usize, PathBuf), HashMap<OsString, Vec<OsString>>>;

/// Why `item` cannot go into the set because of a name collision, if it cannot: its own name
/// collides with another in its folder, or it is inside a folder (`skipping`) whose name does.
fn clash(
    skipping: &mut Option<(usize, PathBuf, String)>,
    sources: &[Source],
    item: &Item,
    clashes: &Clashes,
) -> Option<String> {
    if let Some((source, dir, why)) = skipping {
        if item.source == *source && item.rel.starts_with(&*dir) {
            return Some(why.clone());
        }
        *skipping = None;
    }
    let parent = item.rel.parent()?;
    let others = clashes.get(&(item.source, parent.to_path_buf()))?.get(item.rel.file_name()?)?;
    let others: Vec<String> = others.iter().map(|o| o.to_string_lossy().into_owned()).collect();
    let why = format!(
        "its name and {} differ only in capitals or accents, and the backup drive cannot hold both: rename one of them in the data folder",
        others.join(", ")
    );
    if item.kind == ItemKind::Dir {
        let inside = format!(
            "inside the folder {}, which is not backed up: {why}",
            item.source_path(sources).display()
        );
        *skipping = Some((item.source, item.rel.clone(), inside));
    }
    Some(why)
}

/// Walks only to add up the files and bytes to back up. `storable` leaves out files too big for
/// the drive (they are refused one by one).
pub(super) fn count(plan: &Plan, max_file_size: Option<u64>, stop: impl Fn() -> bool) -> Msg {
    let mut totals = Totals::default();
    scan::walk(plan, stop, |found| {
        if let Found::Item(item) = found {
            totals.add(&item, max_file_size);
        }
    });
    crate::fault::pause("counted");
    totals.scanned()
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
