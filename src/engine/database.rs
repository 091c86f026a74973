//! The database files (the data folder's top-level files) as one group. Every workstation with
//! EXACT open reads and writes them, so each file can copy cleanly and still not fit the others (an
//! index from 17:02 beside a database from 17:04). They are copied first, all at once, and then
//! checked together: each must still have the size, modified time (and, where the system gives
//! them, change time and file id) it had when the group began. If any changed, the whole group is
//! copied again, up to `PASSES` times with waits between them; a group that never holds still is
//! kept from its last pass and marked "copied while changing".

use super::manifest::{self, Entry, Kind, Mtime, Stamp};
use super::names::{self, Fold};
use super::scan::{Item, ItemKind, Prior};
use super::work::{self, Context, Done};
use super::{copy, parallel};
use crate::plan::Source;
use chrono::{DateTime, Local};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Attempts at a quiet copy of the whole group.
pub const PASSES: usize = 4;
/// The waits before the second, third and fourth attempts (about 7 s in all).
const WAITS: [Duration; PASSES - 1] =
    [Duration::from_secs(1), Duration::from_secs(2), Duration::from_secs(4)];

/// How the group went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Members that are in the set (copied or linked).
    pub files: u64,
    /// Members found at the top of the data folder.
    pub listed: u64,
    /// When the check after the last attempt was made.
    pub moment: DateTime<Local>,
    /// Every file held still over the last attempt.
    pub quiet: bool,
    /// Attempts made (1 when the database was quiet at once).
    pub passes: usize,
    /// From the first attempt's start to the last one's end.
    pub took: Duration,
}

/// What a source file looks like now, to tell whether it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Look {
    size: u64,
    mtime: Mtime,
    stamp: Option<Stamp>,
}

/// Unlike the walk, this reads the change time and file id on Windows too: the group is a few files.
fn look(path: &Path) -> Option<Look> {
    let m = std::fs::symlink_metadata(path).ok()?;
    let mtime = m.modified().map(Mtime::from_system_time).ok()?;
    let stamp = crate::platform::change_and_id(path)
        .map(|((secs, nanos), id)| Stamp { change: Mtime { secs, nanos }, id });
    Some(Look { size: m.len(), mtime, stamp })
}

/// The data folder's top-level files, in the walk's order, with what the previous set holds of them.
fn members(source: usize, sources: &[Source], previous: &HashMap<String, Prior>) -> Vec<Item> {
    let root = &sources[source].root;
    let mut names: Vec<_> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name())
        .collect();
    names.sort();
    names
        .into_iter()
        .filter_map(|name| {
            let l = look(&root.join(&name))?;
            let mut item = Item {
                source,
                rel: PathBuf::from(name),
                kind: ItemKind::File,
                size: l.size,
                mtime: l.mtime,
                database: true,
                prior: None,
                good: None,
                stamp: l.stamp,
            };
            item.prior = previous.get(&item.key(sources)).copied();
            Some(item)
        })
        .collect()
}

/// The previous set's database entries, by their path in the set.
pub fn priors(entries: &[Entry]) -> HashMap<String, Prior> {
    let prior = |e: &Entry| match e.kind {
        Kind::File { size, hash } => {
            Some((e.path.clone(), Prior { size, mtime: e.mtime, hash, stamp: e.stamp, look: e.look }))
        }
        _ => None,
    };
    entries.iter().filter_map(prior).collect()
}

/// Copies the group into the partial set until it holds still (or the attempts run out). Returns
/// each member with its result, in the manifest's path order, and how the group went; `None` where
/// there is no data folder among the sources or it has no files at its top. Names that collide on
/// the drive (`fold`) are left to the walk, which names them.
pub fn copy(
    cx: &Context,
    excluded: &[PathBuf],
    fold: Fold,
    previous: &HashMap<String, Prior>,
    started: impl FnOnce(u64),
) -> Option<(Vec<(Item, Done)>, Group)> {
    let source = cx.sources.iter().position(|s| s.is_data_folder)?;
    let root = cx.sources[source].root.clone();
    let clashing = if fold.any() { names::collisions(&root, fold, false) } else { HashMap::new() };
    // The members as the folder holds them now (read again after each attempt: a file that
    // appears or goes during an attempt is a change too).
    let list = || {
        let mut items = members(source, cx.sources, previous);
        items.retain(|i| {
            !excluded.contains(&i.source_path(cx.sources)) && !clashing.contains_key(i.rel.as_os_str())
        });
        items
    };
    let mut items = list();
    if items.is_empty() {
        return None;
    }
    started(items.len() as u64);
    let began = Instant::now();
    let before = cx.shared.bytes.now();
    let mut results: Vec<Option<Done>>;
    let mut passes = 0;
    let quiet = loop {
        passes += 1;
        // Each attempt counts in the progress once, not once per attempt.
        cx.shared.bytes.reset_to(before);
        let before: Vec<_> = items.iter().map(|i| look(&i.source_path(cx.sources))).collect();
        for (item, l) in items.iter_mut().zip(&before) {
            if let Some(l) = l {
                (item.size, item.mtime, item.stamp) = (l.size, l.mtime, l.stamp);
            }
        }
        // All members at once (a big database file alongside its small indexes).
        results = (0..items.len()).map(|_| None).collect();
        let jobs: Vec<usize> = (0..items.len()).collect();
        let copy_one = |i: usize, buf: &mut [u8]| {
            crate::fault::database_read(&items[i].source_path(cx.sources));
            work::process(&items[i], cx, buf)
        };
        let keep = |i: usize, done| results[i] = Some(done);
        parallel::for_each(&jobs, 2 * copy::BUFFER, copy_one, keep, || {}, Duration::from_millis(200));
        crate::fault::database_pass(&root);
        let after: Vec<_> = items.iter().map(|i| look(&i.source_path(cx.sources))).collect();
        let now = list();
        let held = before == after && now.iter().map(|i| &i.rel).eq(items.iter().map(|i| &i.rel));
        if held || cx.shared.stopped() {
            break held;
        }
        let Some(wait) = WAITS.get(passes - 1) else { break false };
        if !super::retry::sleep(*wait, &cx.shared) {
            break false;
        }
        // This attempt's copies go before the next; one that cannot be removed (held by another
        // program) stays, with this attempt's results, and no further attempt is made.
        let cleared =
            items.iter().all(|i| match super::readonly::remove_file(&i.set_path(cx.partial, cx.sources)) {
                Err(e) => e.kind() == std::io::ErrorKind::NotFound,
                Ok(()) => true,
            });
        if !cleared {
            break false;
        }
        items = now;
    };
    let mut members: Vec<(Item, Done)> =
        items.into_iter().zip(results).map(|(item, done)| (item, done.unwrap_or(Done::Cancelled))).collect();
    let made = members.iter().filter(|(_, d)| matches!(d, Done::Copied(_) | Done::Linked(_))).count() as u64;
    members.sort_by(|a, b| manifest::path_order(&a.0.key(cx.sources), &b.0.key(cx.sources)));
    let group = Group {
        files: made,
        listed: members.len() as u64,
        moment: crate::clock::now(),
        quiet,
        passes,
        took: began.elapsed(),
    };
    Some((members, group))
}

/// The group in one line, for the log and the window.
pub fn words(g: &Group) -> String {
    if g.files < g.listed {
        return format!(
            "only {} of its {} files copied: the others could not be (named below), so this backup's database is not whole",
            g.files, g.listed
        );
    }
    let files = crate::format::files(g.files);
    match g.quiet {
        true => format!(
            "{files} copied together and checked unchanged at {}{}",
            g.moment.format("%H:%M:%S"),
            if g.passes > 1 {
                format!(" (after {} attempts: it was in use)", g.passes)
            } else {
                String::new()
            }
        ),
        false => format!("{files} copied WHILE CHANGING (EXACT was in use)"),
    }
}

/// The plain words for a group that never held still, for the log and the window.
pub fn changing_words(g: &Group) -> String {
    format!(
        "The database was in use and kept changing during the backup: its files were copied {} times over {} and never all held still, so in this backup they may not fit together. The backup was made anyway. Close EXACT on every computer (this program cannot see where it is open) and run the backup again; lunchtime or the end of the day is best.",
        g.passes,
        crate::format::duration(g.took)
    )
}

/// Why a set's database cannot be trusted to fit together, from its manifest: copied while EXACT
/// kept changing it, or fewer of its files in the set than its group copied.
pub fn problem(m: &manifest::Manifest) -> Option<String> {
    let mark = m.header.database?;
    let is_member = |e: &&Entry| {
        matches!(e.kind, Kind::File { .. }) && e.path.strip_prefix("data/").is_some_and(|r| !r.contains('/'))
    };
    let held = m.entries.iter().filter(is_member).count() as u64;
    if mark.listed > mark.files {
        return Some(format!(
            "it holds only {} of the {} database files the data folder had: the others could not be copied (their names are in backup.log)",
            mark.files, mark.listed
        ));
    }
    if !mark.quiet {
        return Some(format!(
            "its {} database files were copied while EXACT kept changing them, so they may not fit together",
            mark.files
        ));
    }
    (held != mark.files)
        .then(|| format!("it holds {held} database files where its database group copied {}", mark.files))
}
