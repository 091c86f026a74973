//! Walks the sources (never following links) into the list of things a set will hold.

use super::advice::Cause;
use super::listing::{Entry, Level, Lister};
use super::manifest::{self, Mtime, Stamp};
use super::pathcode;
use super::{FileProblem, ProblemKind};
use crate::plan::{Plan, Source};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    File,
    Dir,
    Symlink,
}

/// One thing found by the scan.
#[derive(Debug, Clone)]
pub struct Item {
    /// Index into `plan.sources`.
    pub source: usize,
    /// Path below the source's root ("" for the root itself).
    pub rel: PathBuf,
    pub kind: ItemKind,
    pub size: u64,
    pub mtime: Mtime,
    /// A top-level file of the data folder: the database, always re-read.
    pub database: bool,
    /// The same path in the newest complete set, if it was a file there.
    pub prior: Option<Prior>,
    /// The same in the last good set, when that is another (the loss guard's; else `prior`).
    pub good: Option<Prior>,
    /// Change time and file id, where the platform gives them (files only).
    pub stamp: Option<Stamp>,
}

/// A file as the newest complete set's manifest has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prior {
    pub size: u64,
    pub mtime: Mtime,
    pub hash: blake3::Hash,
    pub stamp: Option<Stamp>,
    /// How random its content looked (see `guard::Look`), where that set recorded it.
    pub look: Option<manifest::Look>,
}

impl Item {
    /// Path inside the set as written in the manifest (`data/X-rays/1.dcm`). Made when needed
    /// rather than kept, to keep the scan small.
    pub fn key(&self, sources: &[Source]) -> String {
        self.rel
            .components()
            .fold(sources[self.source].set_dir.clone(), |key, c| pathcode::join(&key, c.as_os_str()))
    }

    pub fn source_path(&self, sources: &[Source]) -> PathBuf {
        join_rel(&sources[self.source].root, &self.rel)
    }

    /// Where it lives inside a set folder.
    pub fn set_path(&self, set: &Path, sources: &[Source]) -> PathBuf {
        let mut p = set.to_path_buf();
        p.extend(sources[self.source].set_dir.split('/'));
        join_rel(&p, &self.rel)
    }
}

/// The path in a set (`data/X-rays/1.dcm`) of `path`, found under one of the sources, with that
/// source and the path below its root.
pub fn key_of<'a>(path: &'a Path, sources: &'a [Source]) -> Option<(String, &'a Source, &'a Path)> {
    sources.iter().find_map(|s| {
        let rel = path.strip_prefix(&s.root).ok()?;
        let key = pathcode::encode(rel);
        Some((if key.is_empty() { s.set_dir.clone() } else { format!("{}/{key}", s.set_dir) }, s, rel))
    })
}

fn join_rel(base: &Path, rel: &Path) -> PathBuf {
    if rel.as_os_str().is_empty() { base.to_path_buf() } else { base.join(rel) }
}

/// What the walk finds: something to back up, or something it cannot.
pub enum Found {
    Item(Box<Item>),
    Problem(FileProblem),
}

/// Files that belong to logoff-backup itself and are never copied into a set.
pub(super) fn excluded(plan: &Plan) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for log in [crate::plan::default_log_file(&plan.data_folder), plan.log_file.clone()] {
        out.push(super::backup_log::rotated(&log));
        out.push(log);
    }
    out
}

/// Walks every source in turn, in the manifest's path order (each folder before what it holds,
/// names sorted), handing each find to `found` as soon as it is made (so copying can start while a
/// slow share is still being listed). Folders are listed ahead by several threads (see
/// `listing`). Stops early when `stop` says so.
pub fn walk(plan: &Plan, stop: impl Fn() -> bool, mut found: impl FnMut(Found)) {
    let excluded = excluded(plan);
    let destination = std::fs::metadata(&plan.destination).ok().and_then(|m| crate::platform::folder_id(&m));
    let mut order: Vec<usize> = (0..plan.sources.len()).collect();
    order.sort_by(|&a, &b| manifest::path_order(&plan.sources[a].set_dir, &plan.sources[b].set_dir));
    Lister::run(|lister| {
        for index in order {
            let walk = SourceWalk { plan, index, excluded: &excluded, lister, destination };
            if !walk.run(&stop, &mut found) {
                return;
            }
        }
    });
}

struct SourceWalk<'a> {
    plan: &'a Plan,
    index: usize,
    excluded: &'a [PathBuf],
    lister: &'a Lister<'a>,
    /// Where the backup folder lives, to know it inside a source reached through another path.
    destination: Option<(u64, u64)>,
}

impl SourceWalk<'_> {
    /// Walks the source; false when stopped.
    fn run(&self, stop: &impl Fn() -> bool, found: &mut impl FnMut(Found)) -> bool {
        let source = &self.plan.sources[self.index];
        let root = &source.root;
        // The root itself, following a link (the data folder may be reached through one).
        match std::fs::metadata(root) {
            Ok(meta) if meta.is_dir() => {
                found(Found::Item(Box::new(self.item(PathBuf::new(), ItemKind::Dir, &meta, false))))
            }
            Ok(_) => {
                let reason = "not a folder".to_string();
                let (kind, cause) = (ProblemKind::Failed, Some(Cause::Other));
                found(Found::Problem(FileProblem { path: root.clone(), kind, reason, cause }));
                return true;
            }
            Err(e) => {
                found(Found::Problem(unreadable(root, &e)));
                return true;
            }
        }
        let mut stack = match self.lister.take(root, None) {
            Ok(entries) => vec![Level::new(PathBuf::new(), entries, source.recursive)],
            Err(e) => {
                found(Found::Problem(unreadable(root, &e)));
                return true;
            }
        };
        self.lister.ahead(&mut stack);
        loop {
            let depth = stack.len();
            let Some(level) = stack.last_mut() else { return true };
            let Some(mut entry) = level.next() else {
                stack.pop();
                continue;
            };
            if stop() {
                return false;
            }
            let rel = level.rel.join(&entry.name);
            let Some(kind) = self.kind(&entry, depth, found) else { continue };
            let meta = match &entry.meta {
                Ok(m) => m,
                Err(e) => {
                    found(Found::Problem(vanished_or_unreadable(&entry.path, e)));
                    continue;
                }
            };
            let database = source.is_data_folder && depth == 1 && kind == ItemKind::File;
            found(Found::Item(Box::new(self.item(rel.clone(), kind, meta, database))));
            if kind == ItemKind::Dir {
                let ahead = entry.ahead();
                match self.lister.take(&entry.path, ahead) {
                    Ok(entries) => stack.push(Level::new(rel, entries, true)),
                    Err(e) => found(Found::Problem(unreadable(&entry.path, &e))),
                }
                self.lister.ahead(&mut stack);
            }
        }
    }

    /// What the entry is, or `None` (said to `found` if it matters) when it is not walked.
    fn kind(&self, entry: &Entry, depth: usize, found: &mut impl FnMut(Found)) -> Option<ItemKind> {
        let file_type = match &entry.file_type {
            Ok(t) => t,
            Err(e) => {
                found(Found::Problem(vanished_or_unreadable(&entry.path, e)));
                return None;
            }
        };
        let kind = if file_type.is_symlink() {
            if let Some(problem) = self.linked_elsewhere(&entry.path) {
                found(Found::Problem(problem));
                // Windows cannot recreate it without special rights: named once, here.
                if cfg!(windows) {
                    return None;
                }
            }
            ItemKind::Symlink
        } else if file_type.is_dir() {
            if !self.plan.sources[self.index].recursive && depth > 0 {
                return None;
            }
            let here = entry.meta.as_ref().ok().and_then(crate::platform::folder_id);
            if self.destination.is_some() && here == self.destination {
                // A backup that held itself would grow with every set.
                let reason =
                    "this folder is the backup folder itself, reached through another path: not backed up"
                        .into();
                let (kind, cause) = (ProblemKind::Failed, Some(Cause::Nested));
                found(Found::Problem(FileProblem { path: entry.path.clone(), kind, reason, cause }));
                return None;
            }
            ItemKind::Dir
        } else if file_type.is_file() {
            ItemKind::File
        } else {
            // Not EXACT data and not something a copy can hold: noted, not an error (as rsync
            // and robocopy do).
            let reason = "not a regular file (device, pipe or socket), not backed up".to_string();
            let (kind, cause) = (ProblemKind::NotAFile, None);
            found(Found::Problem(FileProblem { path: entry.path.clone(), kind, reason, cause }));
            return None;
        };
        let ignore_case = crate::platform::NAMES_IGNORE_CASE;
        if kind == ItemKind::File
            && self.excluded.iter().any(|x| crate::platform::same_path(x, &entry.path, ignore_case))
        {
            return None;
        }
        Some(kind)
    }

    /// A link whose target is outside every folder backed up: named with its target, since what
    /// it points to (X-rays on another disk, say) is not in the backup, only the link.
    fn linked_elsewhere(&self, link: &Path) -> Option<FileProblem> {
        let target = std::fs::canonicalize(link).ok()?;
        if self.plan.sources.iter().any(|s| super::preflight::is_within(&target, &s.root)) {
            return None;
        }
        let shown = crate::format::display(&target);
        let reason = match target.is_dir() {
            true => format!(
                "a link to the folder {shown}, which is not backed up (only the link is): add {shown} as an extra folder in Settings to back it up"
            ),
            false => format!(
                "a link to {shown}, outside the folders backed up: only the link is in the backup, not the file"
            ),
        };
        let (kind, cause) = (ProblemKind::Skipped, Some(Cause::LinkedElsewhere));
        Some(FileProblem { path: link.to_path_buf(), kind, reason, cause })
    }

    fn item(&self, rel: PathBuf, kind: ItemKind, meta: &std::fs::Metadata, database: bool) -> Item {
        let size = if kind == ItemKind::File { meta.len() } else { 0 };
        let mtime = meta.modified().map(Mtime::from_system_time).unwrap_or(Mtime { secs: 0, nanos: 0 });
        let stamp = if kind == ItemKind::File { Stamp::of(meta) } else { None };
        Item { source: self.index, rel, kind, size, mtime, database, prior: None, good: None, stamp }
    }
}

/// A folder that cannot be read.
fn unreadable(path: &Path, e: &std::io::Error) -> FileProblem {
    let (reason, cause) = (super::copy::describe(e), Some(Cause::of_source_error(e)));
    FileProblem { path: path.to_path_buf(), kind: ProblemKind::Failed, reason, cause }
}

/// An entry whose metadata cannot be read: gone since it was listed (its folder, listed again, no
/// longer names it), or unreadable.
fn vanished_or_unreadable(path: &Path, e: &std::io::Error) -> FileProblem {
    if e.kind() == std::io::ErrorKind::NotFound
        && matches!(super::gone::listed_again(path), super::gone::Listed::Gone)
    {
        let reason = "deleted during the backup".to_string();
        return FileProblem { path: path.to_path_buf(), kind: ProblemKind::Vanished, reason, cause: None };
    }
    unreadable(path, e)
}
