//! What a run's guards gather while it copies, and their verdict at the end: the ransomware
//! guard's signs (`Tally`), and for the loss guard the content of new files (a file gone under its
//! old name whose content came back under a new one was moved, not lost) and the files deleted
//! while the run copied.

use super::{Base, Change, Losses, Tally};
use std::collections::HashSet;

/// New files' contents and vanished files kept, at most (a hostile folder cannot grow memory).
const CAP: usize = 1_000_000;

#[derive(Debug, Default)]
pub struct Watch {
    tally: Tally,
    new: HashSet<blake3::Hash>,
    vanished: Vec<(String, u64, blake3::Hash, Option<super::Look>)>,
}

impl Watch {
    /// A file now in the set (`path` as its manifest gives it, `hash` its content), how it stands
    /// against the earlier set, and whether the last good set had it (`known`).
    pub fn add(
        &mut self,
        path: &str,
        (size, hash): (u64, blake3::Hash),
        change: Change,
        database: bool,
        known: bool,
    ) {
        if !known && self.new.len() < CAP {
            self.new.insert(hash);
        }
        self.tally.add(path, size, change, database);
    }

    /// A file of the earlier set (`key`, as its manifest gives it) that the walk found but that
    /// was deleted before it could be copied.
    pub fn vanished(&mut self, key: String, size: u64, hash: blake3::Hash, look: Option<super::Look>) {
        if self.vanished.len() < CAP {
            self.vanished.push((key, size, hash, look));
        }
    }

    /// Whether the set is SUSPECT: its changes against `base` (the set compared with), and what
    /// is gone since `good` (the last good set, whose files the walk counted in `losses`).
    pub fn verdict(self, base: Option<&Base>, losses: Option<(Losses, &Base)>) -> super::compare::Verdict {
        let losses = losses.map(|(mut losses, good)| {
            for (key, size, hash, look) in &self.vanished {
                losses.vanished(key, *size, *hash, *look);
            }
            losses.moved(&self.new);
            (losses, good)
        });
        self.tally.verdict(base, losses.as_ref().map(|(l, good)| (l, *good)))
    }
}
