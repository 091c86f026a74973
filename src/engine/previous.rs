//! The newest complete set, which unchanged files are linked from, and its manifest read
//! alongside the walk.

use super::manifest::{self, Entry, Kind, Mtime, Reader};
use super::scan::Prior;
use super::sets::SetInfo;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::PathBuf;

/// The set unchanged files are linked from.
#[derive(Debug, Clone)]
pub struct PreviousSet {
    pub path: PathBuf,
    pub name: String,
    /// A file whose modified time falls in this span (the previous run's start to its end, widened
    /// by the source clock's granularity) may have changed again within the same tick after that
    /// run read it: it is not taken as unchanged. The span is in the previous run's clock: where
    /// that was wrong, it misses (the change time and file id still tell, where the platform has
    /// them), rather than making every file look changed.
    pub racy: (Mtime, Mtime),
}

/// Time stamps on FAT drives and SMB shares are exact to 2 seconds.
const SOURCE_TIME_GRANULARITY: i64 = 2;

/// The newest complete set, whose unchanged files are linked instead of copied. Its manifest is
/// read alongside the walk (both are in path order), so it is never held in memory whole; one from
/// an earlier version, in another order, is read into a map once instead. The manifest is opened
/// when the walk first asks (after any older sets were removed to make room).
pub struct Previous {
    pub set: PreviousSet,
    in_path_order: bool,
    opened: bool,
    reader: Option<Reader>,
    next: Option<Entry>,
    map: Option<HashMap<String, Prior>>,
    /// Its files by ending, counted as its manifest is read (for the ransomware guard).
    endings: HashMap<String, super::guard::Seen>,
    /// The manifest was read to its end, count and checksum checked.
    complete: bool,
    /// Its files that the walk found, and those it did not (for the loss guard).
    losses: super::guard::Losses,
}

impl Previous {
    /// The set, whose manifest must have been checked whole already. `scope` is what the run backs
    /// up (see `Losses::new`).
    pub fn open(info: &SetInfo, in_path_order: bool, scope: Vec<(String, bool)>) -> Previous {
        let (started, finished) = (info.header.started.timestamp(), info.header.finished.timestamp());
        let racy = (
            Mtime { secs: started - SOURCE_TIME_GRANULARITY, nanos: 0 },
            Mtime { secs: finished + SOURCE_TIME_GRANULARITY + 1, nanos: 0 },
        );
        let set = PreviousSet { path: info.path.clone(), name: info.name.clone(), racy };
        let endings = HashMap::new();
        Previous {
            set,
            in_path_order,
            opened: false,
            reader: None,
            next: None,
            map: None,
            endings,
            complete: false,
            losses: super::guard::Losses::new(scope, info.path.clone()),
        }
    }

    /// Opens the manifest, the first time it is needed.
    fn start(&mut self) {
        if std::mem::replace(&mut self.opened, true) {
            return;
        }
        self.reader = Reader::open(&self.set.path.join(manifest::FILE_NAME)).ok().map(|(_, r)| r);
        if self.in_path_order {
            self.advance();
            return;
        }
        let mut map = HashMap::new();
        while let Some(e) = self.read() {
            self.count_ending(&e);
            if let Kind::File { size, hash } = e.kind {
                map.insert(e.path, Prior { size, mtime: e.mtime, hash, stamp: e.stamp, look: e.look });
            }
        }
        self.map = Some(map);
    }

    /// The next entry; at the end (or on an error) the reader is closed.
    fn read(&mut self) -> Option<Entry> {
        let next = self.reader.as_mut().map(Reader::next_entry);
        match next {
            Some(Ok(Some(e))) => return Some(e),
            Some(Ok(None)) => self.complete = true,
            _ => {}
        }
        self.reader = None;
        None
    }

    fn advance(&mut self) {
        let next = self.read();
        if let Some(e) = &next {
            self.count_ending(e);
        }
        self.next = next;
    }

    fn count_ending(&mut self, e: &Entry) {
        // A hostile manifest cannot grow this beyond a few thousand endings.
        const CAP: usize = 4096;
        if !matches!(e.kind, Kind::File { .. }) {
            return;
        }
        let ext = super::guard::ending(e.path.rsplit('/').next().unwrap_or_default());
        if self.endings.len() < CAP || self.endings.contains_key(&ext) {
            self.endings.entry(ext).or_default().add(e.look);
        }
    }

    /// Reads the rest of the manifest (once the walk is over) and gives its files' endings and
    /// what of it the walk did not find, or `None` when it could not be read to its end.
    pub fn endings(mut self) -> Option<(HashMap<String, super::guard::Seen>, super::guard::Losses)> {
        self.start();
        while self.next.is_some() {
            self.pass();
        }
        for (key, prior) in self.map.take().unwrap_or_default() {
            self.losses.file(&key, prior.size, prior.hash, prior.look, false);
        }
        self.complete.then_some((self.endings, self.losses))
    }

    /// A file or folder (path in the set) the walk could not read: what it holds is not gone.
    pub fn unreadable(&mut self, key: String) {
        self.losses.unreadable(key);
    }

    /// Goes past the next entry, which the walk did not find.
    fn pass(&mut self) {
        if let Some(Entry { path, kind: Kind::File { size, hash }, look, .. }) = &self.next {
            self.losses.file(path, *size, *hash, *look, false);
        }
        self.advance();
    }

    /// The file at `key` in this set. Keys must be asked for in path order; anything the set holds
    /// before `key` is passed over for good.
    pub fn find(&mut self, key: &str) -> Option<Prior> {
        self.start();
        if let Some(map) = &mut self.map {
            let found = map.remove(key);
            if let Some(p) = found {
                self.losses.file(key, p.size, p.hash, p.look, true);
            }
            return found;
        }
        while let Some(e) = &self.next {
            match manifest::path_order(&e.path, key) {
                Ordering::Less => self.pass(),
                Ordering::Equal => {
                    let found = match e.kind {
                        Kind::File { size, hash } => {
                            self.losses.file(key, size, hash, e.look, true);
                            Some(Prior { size, mtime: e.mtime, hash, stamp: e.stamp, look: e.look })
                        }
                        _ => None,
                    };
                    self.advance();
                    return found;
                }
                Ordering::Greater => return None,
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_of_an_earlier_version_in_string_order_still_finds_every_file() {
        use crate::engine::manifest::{self, Entry, Header, Kind, Manifest};
        let d = tempfile::tempdir().unwrap();
        let file = |path: &str, n: u8| Entry {
            path: path.into(),
            kind: Kind::File { size: 1, hash: blake3::hash(&[n]) },
            mtime: Mtime { secs: 1, nanos: 0 },
            stamp: None,
            look: None,
        };
        // Plain string order: ' ' and '.' sort before '/'.
        let entries = vec![file("data/X-rays 2/b", 1), file("data/X-rays.idx", 2), file("data/X-rays/a", 3)];
        let header = Header {
            set: "s".into(),
            computer: "c".into(),
            user: "u".into(),
            started: chrono::DateTime::UNIX_EPOCH,
            finished: chrono::DateTime::UNIX_EPOCH,
            result: "SUCCESS".into(),
            sequence: 0,
            verified: true,
            sources: vec![],
            database: None,
            suspect: None,
            changes: None,
            earlier: Vec::new(),
            since: None,
        };
        manifest::write(&d.path().join(manifest::FILE_NAME), &Manifest { header, entries }).unwrap();
        let summary = manifest::check(&d.path().join(manifest::FILE_NAME)).unwrap();
        assert!(!summary.in_path_order);
        let info = crate::engine::sets::SetInfo {
            name: "s".into(),
            path: d.path().to_path_buf(),
            time: chrono::NaiveDateTime::default(),
            header: summary.header.clone(),
            confirmed: None,
        };
        let mut prev = Previous::open(&info, summary.in_path_order, vec![("data".into(), true)]);
        // Asked for in the walk's order.
        let found: Vec<_> = ["data/X-rays/a", "data/X-rays 2/b", "data/X-rays.idx"]
            .iter()
            .map(|k| prev.find(k).map(|p| p.hash))
            .collect();
        assert_eq!(found, [Some(blake3::hash(&[3])), Some(blake3::hash(&[1])), Some(blake3::hash(&[2]))]);
    }
}
