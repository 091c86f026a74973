//! `manifest.tsv`: what a set holds. A header of `key<TAB>value` lines, one line per entry
//! (`<blake3><TAB><size><TAB><modified UTC><TAB><source stamp><TAB><path>`; format 1, of earlier
//! versions, has no stamp column) in path order (each folder before what it
//! holds, names compared byte by byte: see [`path_order`]), and a last line
//! `end<TAB><count><TAB><blake3 of every byte above>` so a cut or edited manifest is detected.
//! Directories have `-` and `dir` in the first two columns; symbolic links the BLAKE3 of their
//! target and `symlink`. Both reading and writing stream, one line at a time, so a manifest of a
//! million files never sits in memory whole.

mod entry;
mod read;
mod write;

pub use super::guard::Look;
pub use super::mtime::{Mtime, Stamp};
use chrono::{DateTime, Utc};
pub use read::{Reader, Summary, check, read, read_header};
use std::path::PathBuf;
pub use write::{EntryWriter, create_fresh, write};

pub const FILE_NAME: &str = "manifest.tsv";
const MAGIC: &str = "logoff-backup manifest";
/// Format 2 added the source stamp column, format 3 the look column (the file's sampled
/// randomness, for the ransomware guard); earlier formats are still read.
const FORMAT: u32 = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    File { size: u64, hash: blake3::Hash },
    Dir,
    Symlink { target_hash: blake3::Hash },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Path inside the set, encoded by `pathcode`.
    pub path: String,
    pub kind: Kind,
    pub mtime: Mtime,
    /// The source file's change time and id when it was backed up (files only, where known).
    pub stamp: Option<Stamp>,
    /// How random its content looked where sampled (files copied since format 3).
    pub look: Option<Look>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub set: String,
    pub computer: String,
    pub user: String,
    pub started: DateTime<Utc>,
    pub finished: DateTime<Utc>,
    /// `SUCCESS` or `COMPLETED WITH ERRORS`.
    pub result: String,
    /// The set's place in the order sets were made in this backup folder (1, 2, ...): one more
    /// than the highest there when it was made, so a computer whose clock is wrong cannot make a
    /// set look newer or older than it is. 0 in sets of earlier versions.
    pub sequence: u64,
    pub verified: bool,
    /// Where each part of the set came from: (`data` or `extra/<name>`, original folder).
    pub sources: Vec<(String, String)>,
    /// How the database files (the data folder's top-level files) were copied, where they were.
    pub database: Option<DatabaseMark>,
    /// Marked SUSPECT by the ransomware guard (`result` is then `SUSPECT`).
    pub suspect: Option<SuspectMark>,
    /// The change guard's count against the set the run compared with: files changed or new, and
    /// of them those that looked encrypted (summed over days by the next runs).
    pub changes: Option<(u64, u64)>,
    /// The sets whose counts the run added to its own, newest first: kept here so the next run
    /// can add them up though retention has removed the sets themselves.
    pub earlier: Vec<Counted>,
    /// The set its sum started after (the newest of `earlier` was compared with it, or with a set
    /// after it), and when that was started.
    pub since: Option<(String, DateTime<Utc>)>,
}

/// A set whose change count a run added up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub name: String,
    pub started: DateTime<Utc>,
    pub touched: u64,
    pub looks: u64,
}

/// `earlier` lines kept, at most (a hostile header cannot grow memory).
pub const MAX_EARLIER: usize = 256;

/// Why a set was marked SUSPECT, as its manifest keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuspectMark {
    /// The result the run had apart from the mark (`SUCCESS` or `COMPLETED WITH ERRORS`): the
    /// set's result once a person confirms the change was expected.
    pub result: String,
    /// The counts and example files, one per line.
    pub evidence: Vec<String>,
}

/// The database files as one group: copied back to back, then checked unchanged together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatabaseMark {
    /// Members in the set.
    pub files: u64,
    /// Members the data folder had (more than `files` when some could not be copied).
    pub listed: u64,
    /// When the check found every file of the group as it was when the group began (or, when it
    /// never did, when the last attempt ended).
    pub moment: DateTime<Utc>,
    /// False: the files kept changing, attempt after attempt ("copied while changing").
    pub quiet: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub header: Header,
    /// In path order.
    pub entries: Vec<Entry>,
}

impl Manifest {
    pub fn file_count(&self) -> u64 {
        self.entries.iter().filter(|e| matches!(e.kind, Kind::File { .. })).count() as u64
    }

    pub fn total_bytes(&self) -> u64 {
        self.entries
            .iter()
            .map(|e| match e.kind {
                Kind::File { size, .. } => size,
                _ => 0,
            })
            .fold(0u64, u64::saturating_add)
    }
}

/// The order of entries: folder by folder, each folder before what it holds, names within a
/// folder compared byte by byte (`data` < `data/X-rays` < `data/X-rays 2`). This is the order of
/// the walk too, except around names with escaped characters (tabs, bytes that are not UTF-8),
/// where a file may then be copied rather than linked: never wrongly linked.
pub fn path_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.split('/').cmp(b.split('/'))
}

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path} is damaged at line {line}: {why}")]
    Damaged { path: PathBuf, line: usize, why: String },
    #[error(
        "{path} is being brought up to date, or its last update was interrupted: the next good backup finishes it. Verify the newest dated backup meanwhile."
    )]
    Unfinished { path: PathBuf },
}

#[cfg(test)]
#[path = "manifest_tests.rs"]
mod tests;
