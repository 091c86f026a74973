//! Walks the sources (never following links) into the list of things a set will hold.

use super::advice::Cause;
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

fn join_rel(base: &Path, rel: &Path) -> PathBuf {
    if rel.as_os_str().is_empty() { base.to_path_buf() } else { base.join(rel) }
}

/// What the walk finds: something to back up, or something it cannot.
pub enum Found {
    Item(Item),
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
/// slow share is still being listed). Stops early when `stop` says so.
pub fn walk(plan: &Plan, stop: impl Fn() -> bool, mut found: impl FnMut(Found)) {
    let excluded = excluded(plan);
    let mut order: Vec<usize> = (0..plan.sources.len()).collect();
    order.sort_by(|&a, &b| manifest::path_order(&plan.sources[a].set_dir, &plan.sources[b].set_dir));
    for index in order {
        let source = &plan.sources[index];
        let mut walk = walkdir::WalkDir::new(&source.root).follow_links(false).sort_by_file_name();
        if !source.recursive {
            walk = walk.max_depth(1);
        }
        for entry in walk {
            if stop() {
                return;
            }
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e.path().unwrap_or(&source.root).to_path_buf();
                    let reason = e.io_error().map_or_else(|| e.to_string(), super::copy::describe);
                    let cause = Some(e.io_error().map_or(Cause::Other, Cause::of_source_error));
                    found(Found::Problem(FileProblem { path, kind: ProblemKind::Failed, reason, cause }));
                    continue;
                }
            };
            let path = entry.path();
            let rel = path.strip_prefix(&source.root).unwrap_or(path).to_path_buf();
            let file_type = entry.file_type();
            let kind = if file_type.is_symlink() {
                ItemKind::Symlink
            } else if file_type.is_dir() {
                if !source.recursive && entry.depth() > 0 {
                    continue;
                }
                ItemKind::Dir
            } else if file_type.is_file() {
                ItemKind::File
            } else {
                // Not EXACT data and not something a copy can hold: noted, not an error (as rsync
                // and robocopy do).
                let reason = "not a regular file (device, pipe or socket), not backed up".to_string();
                let (kind, cause) = (ProblemKind::NotAFile, None);
                found(Found::Problem(FileProblem { path: path.into(), kind, reason, cause }));
                continue;
            };
            let ignore_case = crate::platform::NAMES_IGNORE_CASE;
            if kind == ItemKind::File
                && excluded.iter().any(|x| crate::platform::same_path(x, path, ignore_case))
            {
                continue;
            }
            let meta = match entry.metadata() {
                Ok(m) => m,
                Err(e) => {
                    let (kind, cause, reason) = match e.io_error() {
                        Some(io) if io.kind() == std::io::ErrorKind::NotFound => {
                            (ProblemKind::Vanished, None, "deleted during the backup".to_string())
                        }
                        Some(io) => {
                            (ProblemKind::Failed, Some(Cause::of_source_error(io)), super::copy::describe(io))
                        }
                        None => (ProblemKind::Failed, Some(Cause::Other), e.to_string()),
                    };
                    found(Found::Problem(FileProblem { path: path.into(), kind, reason, cause }));
                    continue;
                }
            };
            let size = if kind == ItemKind::File { meta.len() } else { 0 };
            let mtime = meta.modified().map(Mtime::from_system_time).unwrap_or(Mtime { secs: 0, nanos: 0 });
            let database = source.is_data_folder && entry.depth() == 1 && kind == ItemKind::File;
            let stamp = if kind == ItemKind::File { Stamp::of(&meta) } else { None };
            found(Found::Item(Item { source: index, rel, kind, size, mtime, database, prior: None, stamp }));
        }
    }
}
