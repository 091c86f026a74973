//! The loss guard: files of the last good backup (the newest SUCCESS set) that the data folder no
//! longer holds. A backup must never agree with a loss: a set is marked SUSPECT, like an encrypted
//! one, when
//! - at least `MIN_GONE` files are gone and they are more than a quarter of that set's files or of
//!   its bytes, or more than a quarter of one folder backed up (an extra folder on another server
//!   that is not connected, say); or
//! - any database file (the data folder's top-level files, but for lock and temporary files) is
//!   gone.
//!
//! Not gone: files the run could not look for (their folder could not be read, or the file itself
//! could not be: named as FAILED), files outside what this run backs up (a folder no longer chosen
//! in Settings), and files whose content is in the backup under a new name (moved or renamed).
//! Files deleted while the run copied are gone. Deleting old X-rays on purpose is then confirmed,
//! as an import is.

use super::compare::Base;
use super::loss_keys::{folder_of, folder_words, is_database, name, percent, source_of};
use super::suspicion::{Kind, Suspicion};
use crate::format::{bytes, count};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Fewer files gone than this are never called a loss by their share (a database file still is).
pub const MIN_GONE: u64 = 10;
/// More than one in `QUARTER` of the files or bytes gone crosses the line.
const QUARTER: u64 = 4;
/// Folders kept count of, at most (a hostile manifest cannot grow memory); the rest are summed.
const CAP: usize = 4096;
/// Gone files kept by name, to tell moved ones apart and give examples; beyond this they count.
const GONE_KEPT: usize = 1_000_000;
const EXAMPLES: usize = super::tally::EXAMPLES;
/// Folders named one by one in the evidence.
const FOLDERS_SHOWN: usize = 5;

#[derive(Debug, Default, Clone, Copy)]
struct Count {
    files: u64,
    bytes: u64,
    gone: u64,
    gone_bytes: u64,
}

impl Count {
    fn crosses(&self) -> bool {
        self.gone >= MIN_GONE && (self.gone * QUARTER > self.files || self.gone_bytes * QUARTER > self.bytes)
    }
}

/// A file of the earlier set that this run did not find.
#[derive(Debug)]
pub(super) struct Gone {
    pub key: String,
    pub size: u64,
    pub hash: blake3::Hash,
    /// Its look as the set's manifest gives it.
    pub look: Option<super::Look>,
    pub database: bool,
}

/// The earlier set's files as the walk passed them: how many, and how many are gone, by folder
/// and by folder backed up.
#[derive(Debug, Default)]
pub struct Losses {
    /// What this run backs up: each folder's place in a set, and whether its sub-folders too.
    scope: Vec<(String, bool)>,
    all: Count,
    folders: HashMap<String, Count>,
    sources: HashMap<String, Count>,
    gone: Vec<Gone>,
    database_gone: u64,
    /// Files not looked for because the run could not read them or their folder.
    unread: u64,
    /// Files outside what this run backs up.
    outside: u64,
    /// Files whose content the run found under a new name.
    moved: u64,
    /// Paths in the set (files or folders) the run could not read.
    unreadable: BTreeSet<String>,
    /// The set's folder.
    set: std::path::PathBuf,
}

impl Losses {
    /// Counts the files of the set in the folder `set` against what a run backs up: each folder's
    /// place in a set (`data`, `extra/Xrays`) and whether its sub-folders are backed up too.
    pub fn new(scope: Vec<(String, bool)>, set: std::path::PathBuf) -> Losses {
        Losses { scope, set, ..Losses::default() }
    }

    /// The set's folder, and its files gone (moved ones taken out, once `moved` was called).
    pub(super) fn gone(&self) -> (&std::path::Path, &[Gone]) {
        (&self.set, &self.gone)
    }

    fn in_scope(&self, key: &str) -> bool {
        self.scope.iter().any(|(dir, deep)| {
            let rest = key.strip_prefix(dir.as_str()).and_then(|r| r.strip_prefix('/'));
            rest.is_some_and(|rest| *deep || !rest.contains('/'))
        })
    }

    /// A file or folder (path in the set) this run could not read: what it holds is not gone.
    pub fn unreadable(&mut self, key: String) {
        if self.unreadable.len() < CAP * 16 {
            self.unreadable.insert(key);
        }
    }

    fn is_unread(&self, key: &str) -> bool {
        self.unreadable.contains(key)
            || key.match_indices('/').any(|(i, _)| self.unreadable.contains(&key[..i]))
    }

    /// Adds a file of `size` bytes to each count `key` falls in: to its files (`listed`), to its
    /// files gone (`gone`), or both.
    fn add(&mut self, key: &str, size: u64, listed: bool, gone: bool) {
        let add = |c: &mut Count| {
            if listed {
                (c.files, c.bytes) = (c.files + 1, c.bytes.saturating_add(size));
            }
            if gone {
                (c.gone, c.gone_bytes) = (c.gone + 1, c.gone_bytes.saturating_add(size));
            }
        };
        add(&mut self.all);
        let room = self.folders.len() < CAP;
        match self.folders.get_mut(folder_of(key)) {
            Some(c) => add(c),
            None if room => add(self.folders.entry(folder_of(key).to_string()).or_default()),
            None => {} // counted in `all` only
        }
        add(self.sources.entry(source_of(key).to_string()).or_default());
    }

    /// Takes a gone file back (it was moved): its counts stay, as a file found.
    fn ungo(&mut self, g: &Gone) {
        let take = |c: &mut Count| {
            (c.gone, c.gone_bytes) = (c.gone.saturating_sub(1), c.gone_bytes.saturating_sub(g.size))
        };
        take(&mut self.all);
        if let Some(c) = self.folders.get_mut(folder_of(&g.key)) {
            take(c);
        }
        if let Some(c) = self.sources.get_mut(source_of(&g.key)) {
            take(c);
        }
        self.database_gone -= u64::from(g.database);
    }

    fn went(&mut self, key: &str, size: u64, hash: blake3::Hash, look: Option<super::Look>) {
        let database = is_database(key);
        self.database_gone += u64::from(database);
        if self.gone.len() < GONE_KEPT {
            self.gone.push(Gone { key: key.to_string(), size, hash, look, database });
        }
    }

    /// A file of the earlier set (its look as the set's manifest gives it), `found` or not by
    /// this run's walk.
    pub fn file(&mut self, key: &str, size: u64, hash: blake3::Hash, look: Option<super::Look>, found: bool) {
        if !self.in_scope(key) {
            self.outside += 1;
            return;
        }
        if !found && self.is_unread(key) {
            self.unread += 1;
            return;
        }
        self.add(key, size, true, !found);
        if !found {
            self.went(key, size, hash, look);
        }
    }

    /// A file the walk found that was deleted before it could be copied: gone after all.
    pub fn vanished(&mut self, key: &str, size: u64, hash: blake3::Hash, look: Option<super::Look>) {
        if self.in_scope(key) {
            self.add(key, size, false, true);
            self.went(key, size, hash, look);
        }
    }

    /// Files this run found under new names, by content: those gone with the same content were
    /// moved or renamed, not lost.
    pub fn moved(&mut self, new: &HashSet<blake3::Hash>) {
        let gone = std::mem::take(&mut self.gone);
        let (moved, gone): (Vec<Gone>, Vec<Gone>) = gone.into_iter().partition(|g| new.contains(&g.hash));
        for g in &moved {
            self.ungo(g);
        }
        self.moved += moved.len() as u64;
        self.gone = gone;
    }

    /// Whether what is gone crosses the line (see the module's words), against `base`.
    pub fn judge(&self, base: &Base) -> Option<Suspicion> {
        let a = self.all;
        let mut sources: Vec<(&String, &Count)> = self.sources.iter().filter(|(_, c)| c.crosses()).collect();
        sources.sort_by(|x, y| y.1.gone.cmp(&x.1.gone).then(x.0.cmp(y.0)));
        if !a.crosses() && sources.is_empty() && self.database_gone == 0 {
            return None;
        }
        let since = base.started.map(|t| format!(" since {}", t.format("%a %-d %b"))).unwrap_or_default();
        let are = if a.gone == 1 { "is" } else { "are" };
        let mut evidence = vec![format!(
            "{} of the {} files ({}) in {} {are} not in the folders backed up any more, {} of its {} ({})",
            count(a.gone),
            count(a.files),
            percent(a.gone, a.files),
            base.name,
            bytes(a.gone_bytes),
            bytes(a.bytes),
            percent(a.gone_bytes, a.bytes),
        )];
        let databases: Vec<&Gone> = self.gone.iter().filter(|g| g.database).take(EXAMPLES).collect();
        let names: Vec<String> =
            databases.iter().map(|g| format!("{} ({})", name(&g.key), bytes(g.size))).collect();
        match self.database_gone {
            0 => {}
            1 => evidence.push(format!("The database file {} is gone{since}", names.join(", "))),
            n => evidence.push(format!("{} database files are gone{since}: {}", count(n), names.join(", "))),
        }
        let mut folders: Vec<(&String, &Count)> = self.folders.iter().filter(|(_, c)| c.gone > 0).collect();
        folders.sort_by(|x, y| y.1.gone.cmp(&x.1.gone).then(x.0.cmp(y.0)));
        for (folder, c) in folders.iter().take(FOLDERS_SHOWN) {
            evidence.push(format!(
                "{}: {} of {} files gone{since}",
                folder_words(folder),
                count(c.gone),
                count(c.files)
            ));
        }
        if folders.len() > FOLDERS_SHOWN {
            let more = count((folders.len() - FOLDERS_SHOWN) as u64);
            evidence.push(format!("and files gone from {more} more folders"));
        }
        let apart = [
            (
                self.unread,
                "were not looked for (they or their folders could not be read, named as FAILED below)",
            ),
            (self.moved, "are in this backup under new names (moved or renamed)"),
            (self.outside, "are outside what this backup covers (folders no longer chosen in Settings)"),
        ];
        for (n, why) in apart.into_iter().filter(|(n, _)| *n > 0) {
            evidence.push(format!(
                "{} more files of {} {why}, and are not counted as gone",
                count(n),
                base.name
            ));
        }
        let extra = sources.iter().find(|(s, _)| s.as_str() != "data");
        let place = match self.sources.iter().any(|(s, c)| s != "data" && c.gone > 0) {
            true => "the folders backed up",
            false => "the data folder",
        };
        let headline = match (self.database_gone, extra.or(sources.first())) {
            (1, _) => format!("The database file {} is gone from the data folder", name(&databases[0].key)),
            (n, _) if n > 1 => format!("{} database files are gone from the data folder", count(n)),
            (_, Some((source, c))) if extra.is_some() || !a.crosses() => format!(
                "{} of the {} files in {} are gone since the last good backup",
                count(c.gone),
                count(c.files),
                match source.as_str() {
                    "data" => "the data folder".to_string(),
                    s => format!("the extra folder {}", name(s)),
                }
            ),
            _ if a.gone * QUARTER > a.files => format!(
                "{} of the {} files in the last good backup are gone from {place}",
                count(a.gone),
                count(a.files)
            ),
            _ => format!(
                "Files holding {} of the last good backup's data are gone from {place}",
                percent(a.gone_bytes, a.bytes)
            ),
        };
        let databases =
            databases.iter().map(|g| format!("{}: database file, gone (was {})", g.key, bytes(g.size)));
        let others = self.gone.iter().filter(|g| !g.database);
        let others = others.map(|g| format!("{}: gone (was {})", g.key, bytes(g.size)));
        let examples = databases.chain(others).take(EXAMPLES).collect();
        Some(Suspicion {
            kind: Kind::Loss,
            base: base.name.clone(),
            base_started: base.started,
            headline,
            evidence,
            examples,
        })
    }
}

#[cfg(test)]
#[path = "loss_tests.rs"]
mod tests;
