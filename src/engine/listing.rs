//! Folders read ahead of the walk, several at once. On a server's share each folder listing and
//! each file's metadata is a round trip, and one after another those, not the bytes, decide how
//! long a backup takes and how long EXACT is slowed for everyone else. A small pool lists each
//! folder as soon as the folder above it has been listed (names sorted, each entry's metadata
//! read, a big folder's by several threads), at most `AHEAD` folders beyond what the walk has
//! taken, so memory stays bounded; the walk takes the listings in path order.

use crossbeam_channel::{Receiver, Sender};
use std::ffi::OsString;
use std::fs::{DirEntry, FileType, Metadata};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Threads listing folders at once.
const LISTERS: usize = 8;
/// Threads reading the metadata of one big folder's entries at once.
const STATTERS: usize = 8;
/// A folder with more entries than this has their metadata read by several threads, when its
/// first entries' took longer than `SLOW` each (a share, not a local disk).
const BIG: usize = 32;
const SLOW: std::time::Duration = std::time::Duration::from_micros(100);
/// Folders listed ahead of the walk, at most, and entries held in them (the walk of a million
/// files in folders of a thousand must not hold them all).
const AHEAD: usize = 256;
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

/// Lists folders for one walk; `Lister::run` gives it its threads.
pub struct Lister {
    jobs: Sender<(PathBuf, Sender<Listing>)>,
    /// Folders asked for ahead and not yet taken, and the entries of the listings made and not
    /// yet taken.
    ahead: AtomicUsize,
    held: Arc<AtomicUsize>,
}

impl Lister {
    /// Runs `walk` with a lister whose threads stop when it returns.
    pub fn run<R>(walk: impl FnOnce(&Lister) -> R) -> R {
        let (jobs, queue) = crossbeam_channel::unbounded::<(PathBuf, Sender<Listing>)>();
        let (done, held) = (AtomicBool::new(false), Arc::new(AtomicUsize::new(0)));
        std::thread::scope(|scope| {
            for _ in 0..LISTERS {
                let (queue, done, held) = (queue.clone(), &done, held.clone());
                scope.spawn(move || {
                    for (dir, reply) in queue {
                        // A walk that has ended (or stopped) wants no more listings.
                        if !done.load(Ordering::Relaxed) {
                            let listing = list(&dir);
                            held.fetch_add(listing.as_ref().map_or(0, Vec::len), Ordering::Relaxed);
                            let _ = reply.send(listing);
                        }
                    }
                });
            }
            let lister = Lister { jobs, ahead: AtomicUsize::new(0), held };
            let out = walk(&lister);
            done.store(true, Ordering::Relaxed);
            drop(lister);
            out
        })
    }

    /// The folder's listing, now (the one asked for ahead, if it was); with `deeper`, its
    /// sub-folders' are asked for ahead.
    pub fn take(&self, dir: &Path, ahead: Option<Pending>, deeper: bool) -> Listing {
        let pending = match ahead {
            Some(p) => {
                self.ahead.fetch_sub(1, Ordering::Relaxed);
                p
            }
            None => self.ask(dir.to_path_buf()),
        };
        let mut listing = match pending.recv() {
            Ok(listing) => {
                self.held.fetch_sub(listing.as_ref().map_or(0, Vec::len), Ordering::Relaxed);
                listing?
            }
            Err(_) => list(dir)?,
        };
        // Its sub-folders, asked for ahead while the walk goes through this one.
        for entry in listing.iter_mut().filter(|_| deeper) {
            if self.ahead.load(Ordering::Relaxed) >= AHEAD || self.held.load(Ordering::Relaxed) >= HELD {
                break;
            }
            if entry.file_type.as_ref().is_ok_and(FileType::is_dir) {
                self.ahead.fetch_add(1, Ordering::Relaxed);
                entry.ahead = Some(self.ask(entry.path.clone()));
            }
        }
        Ok(listing)
    }

    fn ask(&self, dir: PathBuf) -> Pending {
        let (reply, pending) = crossbeam_channel::bounded(1);
        if let Err(e) = self.jobs.send((dir, reply)) {
            let (dir, reply) = e.into_inner();
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
    fn walk(lister: &Lister, dir: &Path, ahead: Option<Pending>, out: &mut Vec<PathBuf>) {
        for mut entry in lister.take(dir, ahead, true).unwrap() {
            assert!(entry.meta.is_ok(), "metadata of {}", entry.path.display());
            out.push(entry.path.clone());
            if entry.file_type.as_ref().unwrap().is_dir() {
                let ahead = entry.ahead();
                walk(lister, &entry.path, ahead, out);
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
        Lister::run(|lister| walk(lister, root.path(), None, &mut seen));
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
        let listing = Lister::run(|lister| lister.take(&gone, None, true));
        assert_eq!(listing.err().map(|e| e.kind()), Some(std::io::ErrorKind::NotFound));
    }
}
