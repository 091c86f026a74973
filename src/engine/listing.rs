//! Folders read ahead of the walk, several at once. On a server's share each folder listing and
//! each file's metadata is a round trip, and one after another those, not the bytes, decide how
//! long a backup takes and how long EXACT is slowed for everyone else. A small pool lists the
//! folders the walk will come to next (names sorted, each entry's metadata read, a big folder's by
//! several threads), a few at a time and only while the listings made and not yet walked hold
//! fewer than `HELD` entries, so memory stays bounded however big the tree; the walk takes the
//! listings in path order.

use crossbeam_channel::{Receiver, Sender};
use std::collections::VecDeque;
use std::ffi::OsString;
use std::fs::{DirEntry, FileType, Metadata};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Threads listing folders at once.
const LISTERS: usize = 8;
/// Threads reading the metadata of one big folder's entries at once.
const STATTERS: usize = 8;
/// A folder with more entries than this has their metadata read by several threads, when its
/// first entries' took longer than `SLOW` each (a share, not a local disk).
const BIG: usize = 32;
const SLOW: std::time::Duration = std::time::Duration::from_micros(100);
/// Folders being listed ahead of the walk at once, at most, and entries held in listings made
/// ahead and not yet walked (a million files in folders of a thousand must not all be held).
const IN_FLIGHT: usize = 2 * LISTERS;
const HELD: usize = 16_384;

/// One entry of a folder: its type from the listing, and its metadata (not following links).
pub struct Entry {
    pub name: OsString,
    pub path: PathBuf,
    pub file_type: std::io::Result<FileType>,
    pub meta: std::io::Result<Metadata>,
    /// Its own listing, asked for ahead (folders only).
    ahead: Option<Pending>,
}

/// A folder's entries sorted by name, or why it could not be listed.
pub type Listing = std::io::Result<Vec<Entry>>;
type Pending = Receiver<Listing>;

/// A folder being walked: the entries not walked yet, and how many of them (from the front) have
/// been looked at for listing ahead.
pub struct Level {
    pub rel: PathBuf,
    entries: VecDeque<Entry>,
    looked_at: usize,
    /// Its sub-folders are walked (and so listed ahead).
    deeper: bool,
}

impl Level {
    pub fn new(rel: PathBuf, entries: Vec<Entry>, deeper: bool) -> Level {
        Level { rel, entries: entries.into(), looked_at: 0, deeper }
    }

    pub fn next(&mut self) -> Option<Entry> {
        self.looked_at = self.looked_at.saturating_sub(1);
        self.entries.pop_front()
    }
}

/// Lists folders for one walk; `Lister::run` gives it its threads.
pub struct Lister<'a> {
    jobs: Sender<(PathBuf, Sender<Listing>)>,
    /// Folders asked for ahead and being listed, and entries in listings made and not yet taken.
    in_flight: &'a AtomicUsize,
    held: &'a AtomicUsize,
}

impl Lister<'_> {
    /// Runs `walk` with a lister whose threads stop when it returns.
    pub fn run<R>(walk: impl FnOnce(&Lister) -> R) -> R {
        let (jobs, queue) = crossbeam_channel::unbounded::<(PathBuf, Sender<Listing>)>();
        let (done, in_flight, held) = (AtomicBool::new(false), AtomicUsize::new(0), AtomicUsize::new(0));
        std::thread::scope(|scope| {
            for _ in 0..LISTERS {
                let (queue, done, in_flight, held) = (queue.clone(), &done, &in_flight, &held);
                scope.spawn(move || {
                    for (dir, reply) in queue {
                        // A walk that has ended (or stopped) wants no more listings.
                        if !done.load(Ordering::Relaxed) {
                            let listing = list(&dir);
                            held.fetch_add(listing.as_ref().map_or(0, Vec::len), Ordering::Relaxed);
                            in_flight.fetch_sub(1, Ordering::Relaxed);
                            let _ = reply.send(listing);
                        }
                    }
                });
            }
            let lister = Lister { jobs, in_flight: &in_flight, held: &held };
            let out = walk(&lister);
            done.store(true, Ordering::Relaxed);
            drop(lister);
            out
        })
    }

    /// The folder's listing, now (the one asked for ahead, if it was).
    pub fn take(&self, dir: &Path, ahead: Option<Pending>) -> Listing {
        let pending = ahead.unwrap_or_else(|| self.ask(dir.to_path_buf()));
        match pending.recv() {
            Ok(listing) => {
                self.held.fetch_sub(listing.as_ref().map_or(0, Vec::len), Ordering::Relaxed);
                listing
            }
            Err(_) => list(dir),
        }
    }

    /// Asks for the listings of the next folders the walk will come to (the deepest level's
    /// first), as far as the limits allow.
    pub fn ahead(&self, levels: &mut [Level]) {
        for level in levels.iter_mut().rev().filter(|l| l.deeper) {
            while let Some(entry) = level.entries.get_mut(level.looked_at) {
                if self.in_flight.load(Ordering::Relaxed) >= IN_FLIGHT
                    || self.held.load(Ordering::Relaxed) >= HELD
                {
                    return;
                }
                if entry.file_type.as_ref().is_ok_and(FileType::is_dir) {
                    entry.ahead = Some(self.ask(entry.path.clone()));
                }
                level.looked_at += 1;
            }
        }
    }

    fn ask(&self, dir: PathBuf) -> Pending {
        let (reply, pending) = crossbeam_channel::bounded(1);
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        if let Err(e) = self.jobs.send((dir, reply)) {
            let (dir, reply) = e.into_inner();
            self.in_flight.fetch_sub(1, Ordering::Relaxed);
            let _ = reply.send(list(&dir));
        }
        pending
    }
}

impl Entry {
    /// The listing asked for ahead, to hand to `Lister::take`.
    pub fn ahead(&mut self) -> Option<Pending> {
        self.ahead.take()
    }
}

/// Lists one folder: entries sorted by name, each with its metadata.
fn list(dir: &Path) -> Listing {
    let mut found: Vec<DirEntry> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    found.sort_by_key(DirEntry::file_name);
    let entry = |e: &DirEntry| Entry {
        name: e.file_name(),
        path: e.path(),
        file_type: e.file_type(),
        meta: e.metadata(),
        ahead: None,
    };
    // The first entries one by one: on a local disk that is fastest, and it tells which this is.
    let first = found.len().min(STATTERS);
    let started = std::time::Instant::now();
    let mut entries: Vec<Entry> = found[..first].iter().map(entry).collect();
    let rest = &found[first..];
    if found.len() <= BIG || started.elapsed() < SLOW * first as u32 {
        entries.extend(rest.iter().map(entry));
        return Ok(entries);
    }
    let chunk = rest.len().div_ceil(STATTERS);
    std::thread::scope(|scope| {
        let parts: Vec<_> = rest
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(entry).collect::<Vec<_>>()))
            .collect();
        for part in parts {
            entries.extend(part.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
    });
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Walks `dir` depth first through the lister, as `scan::walk` does.
    fn walk(lister: &Lister, dir: &Path, out: &mut Vec<PathBuf>) {
        let mut levels = vec![Level::new(PathBuf::new(), lister.take(dir, None).unwrap(), true)];
        lister.ahead(&mut levels);
        while let Some(level) = levels.last_mut() {
            let Some(mut entry) = level.next() else {
                levels.pop();
                continue;
            };
            assert!(entry.meta.is_ok(), "metadata of {}", entry.path.display());
            out.push(entry.path.clone());
            if entry.file_type.as_ref().unwrap().is_dir() {
                let ahead = entry.ahead();
                levels.push(Level::new(PathBuf::new(), lister.take(&entry.path, ahead).unwrap(), true));
                lister.ahead(&mut levels);
            }
        }
    }

    #[test]
    fn every_entry_comes_once_in_path_order_from_big_and_deep_folders() {
        let root = tempfile::tempdir().unwrap();
        for (dir, files) in [("a", 300), ("a/deep/deeper", 40), ("b", 5), ("c d", BIG + 1)] {
            let dir = root.path().join(dir);
            std::fs::create_dir_all(&dir).unwrap();
            for i in 0..files {
                std::fs::write(dir.join(format!("f{i:03}")), b"x").unwrap();
            }
        }
        let mut seen = Vec::new();
        Lister::run(|lister| walk(lister, root.path(), &mut seen));
        let expected: Vec<PathBuf> = walkdir::WalkDir::new(root.path())
            .sort_by_file_name()
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .collect();
        assert_eq!(seen.len(), 300 + 40 + 5 + BIG + 1 + 5, "the files and the five folders");
        assert_eq!(seen, expected);
    }

    #[test]
    fn a_folder_that_cannot_be_listed_is_an_error_not_an_empty_folder() {
        let root = tempfile::tempdir().unwrap();
        let gone = root.path().join("gone");
        let listing = Lister::run(|lister| lister.take(&gone, None));
        assert_eq!(listing.err().map(|e| e.kind()), Some(std::io::ErrorKind::NotFound));
    }
}
