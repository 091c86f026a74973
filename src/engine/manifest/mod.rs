//! `manifest.tsv`: what a set holds. A header of `key<TAB>value` lines, one line per entry
//! (`<blake3><TAB><size><TAB><modified UTC><TAB><source stamp><TAB><path>`; format 1, of earlier
//! versions, has no stamp column) in path order (each folder before what it
//! holds, names compared byte by byte: see [`path_order`]), and a last line
//! `end<TAB><count><TAB><blake3 of every byte above>` so a cut or edited manifest is detected.
//! Directories have `-` and `dir` in the first two columns; symbolic links the BLAKE3 of their
//! target and `symlink`. Both reading and writing stream, one line at a time, so a manifest of a
//! million files never sits in memory whole.

mod read;
mod write;

pub use super::mtime::{Mtime, Stamp};
use chrono::{DateTime, Utc};
pub use read::{Reader, Summary, check, read, read_header};
use std::path::PathBuf;
pub use write::{EntryWriter, create_fresh, write};

pub const FILE_NAME: &str = "manifest.tsv";
const MAGIC: &str = "logoff-backup manifest";
/// Format 2 added the source stamp column; format 1 manifests are still read.
const FORMAT: u32 = 2;

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
}

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
            .sum()
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
mod tests {
    use super::*;

    fn sample() -> Manifest {
        let t = DateTime::from_timestamp(1_764_178_205, 0).unwrap();
        Manifest {
            header: Header {
                set: "2026-11-26_173005_RECEPTION1".into(),
                computer: "RECEPTION1".into(),
                user: "jane".into(),
                started: t,
                finished: t,
                result: "SUCCESS".into(),
                sequence: 7,
                verified: true,
                sources: vec![("data".into(), "\\\\server\\EXACTData".into())],
                database: None,
                suspect: None,
            },
            entries: vec![
                Entry {
                    path: "data".into(),
                    kind: Kind::Dir,
                    mtime: Mtime { secs: 5, nanos: 0 },
                    stamp: None,
                },
                Entry {
                    path: "data/Practice.db".into(),
                    kind: Kind::File { size: 3, hash: blake3::hash(b"abc") },
                    mtime: Mtime { secs: -3, nanos: 123_456_789 },
                    stamp: Some(Stamp { change: Mtime { secs: 9, nanos: 1 }, id: 42 }),
                },
            ],
        }
    }

    #[test]
    fn round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        write(&p, &sample()).unwrap();
        assert_eq!(read(&p).unwrap(), sample());
        assert_eq!(read_header(&p).unwrap(), sample().header);
        let summary = check(&p).unwrap();
        assert_eq!((summary.files, summary.bytes, summary.database_bytes), (1, 3, 3));
        assert!(summary.in_path_order);
        let mut old = sample();
        old.entries.push(Entry {
            path: "Data".into(),
            kind: Kind::Dir,
            mtime: Mtime { secs: 1, nanos: 0 },
            stamp: None,
        });
        write(&p, &old).unwrap();
        assert!(!check(&p).unwrap().in_path_order, "as an earlier version's manifest might be");
    }

    #[test]
    fn a_manifest_of_format_1_without_the_source_column_still_reads() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        let hash = blake3::hash(b"abc").to_hex();
        let body = format!(
            "logoff-backup manifest\t1\nset\ts\nstarted\t2026-11-26T06:30:05Z\nresult\tSUCCESS\n#blake3\tsize\tmodified\tpath\n-\tdir\t2026-11-26T06:30:05.000000000Z\tdata\n{hash}\t3\t2026-11-26T06:30:05.000000000Z\tdata/Practice.db\n"
        );
        std::fs::write(&p, format!("{body}end\t2\t{}\n", blake3::hash(body.as_bytes()).to_hex())).unwrap();
        let m = read(&p).unwrap();
        assert_eq!(m.header.sequence, 0, "sets of earlier versions come first");
        assert_eq!(m.entries[1].path, "data/Practice.db");
        assert_eq!(m.entries[1].kind, Kind::File { size: 3, hash: blake3::hash(b"abc") });
        assert_eq!(m.entries[1].stamp, None);
        assert_eq!(check(&p).unwrap().files, 1);
    }

    #[test]
    fn entries_written_one_by_one_make_the_same_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let (p, q) = (dir.path().join("a.tsv"), dir.path().join("b.tsv"));
        write(&p, &sample()).unwrap();
        let mut w = EntryWriter::create(&dir.path().join("entries")).unwrap();
        for e in &sample().entries {
            w.push(e).unwrap();
        }
        let mut seen = Vec::new();
        w.finish(&q, &sample().header, |e| seen.push(e.path.clone())).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), std::fs::read(&q).unwrap());
        assert_eq!(seen, ["data"], "only folders");
        assert!(!dir.path().join("entries").exists(), "the entries file is gone");
    }

    #[test]
    fn folders_come_before_what_they_hold() {
        let mut v =
            ["data/X-rays 2", "data/X-rays/a", "data", "data/X-rays", "extra/Xrays", "data/Practice.db"];
        v.sort_by(|a, b| path_order(a, b));
        assert_eq!(
            v,
            ["data", "data/Practice.db", "data/X-rays", "data/X-rays/a", "data/X-rays 2", "extra/Xrays"]
        );
    }

    #[test]
    fn cut_or_edited_manifest_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        write(&p, &sample()).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, text.replace("\t3\t", "\t4\t")).unwrap();
        assert!(matches!(read(&p), Err(ManifestError::Damaged { .. })));
        assert!(matches!(check(&p), Err(ManifestError::Damaged { .. })));
        std::fs::write(&p, &text[..text.len() - 20]).unwrap();
        assert!(matches!(read(&p), Err(ManifestError::Damaged { .. })));
        assert!(matches!(check(&p), Err(ManifestError::Damaged { .. })));
        std::fs::write(&p, format!("{text}more\n")).unwrap();
        assert!(matches!(read(&p), Err(ManifestError::Damaged { .. })), "nothing after the end line");
    }

    fn entry(path: &str, kind: Kind) -> Entry {
        Entry { path: path.into(), kind, mtime: Mtime { secs: 5, nanos: 0 }, stamp: None }
    }

    /// Writes `sample()` with `extra` entries (a valid checksum, as anyone can write) and returns why
    /// each way of reading it refuses it, or `None` if they all read it.
    fn refusal(extra: Vec<Entry>) -> Option<String> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        let mut m = sample();
        m.entries.extend(extra);
        write(&p, &m).unwrap();
        let (read, check) = (read(&p).map(|_| ()), check(&p).map(|_| ()));
        assert_eq!(read.is_err(), check.is_err());
        match read.err()? {
            ManifestError::Damaged { why, .. } => Some(why),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn an_entry_inside_a_symbolic_link_is_refused() {
        let link = || entry("data/evil", Kind::Symlink { target_hash: blake3::hash(b"../../outside") });
        let file = |path: &str| entry(path, Kind::File { size: 3, hash: blake3::hash(b"abc") });
        for inside in
            [file("data/evil/planted.txt"), entry("data/evil/sub", Kind::Dir), file("data/evil/sub/x")]
        {
            let why = refusal(vec![link(), inside.clone()]).expect("refused");
            assert!(
                why.contains(&format!("{} is listed inside the symbolic link data/evil", inside.path)),
                "{why}"
            );
            assert!(why.contains("the manifest was changed"), "{why}");
        }
        let beside = vec![link(), file("data/evil 2/x"), file("data/evil.txt"), file("data/evilx/y")];
        assert_eq!(refusal(beside), None, "names that only start with the link's name are not inside it");
        assert_eq!(refusal(vec![entry("data/a", Kind::Symlink { target_hash: blake3::hash(b"b") })]), None);
    }

    #[test]
    fn a_path_leaving_the_set_is_refused() {
        for path in
            ["data/../../outside", "/etc/cron.d/x", "data/./x", "data//x", "data/x/", "..", "data/a\\x2f.."]
        {
            let why = refusal(vec![entry(path, Kind::File { size: 3, hash: blake3::hash(b"abc") })])
                .unwrap_or_else(|| panic!("{path} read"));
            assert!(why.contains("is not a path inside the set"), "{path}: {why}");
        }
    }
}
