//! What happens to each scanned item: link it, copy it, or name why not.

use super::copy::{self, Copied, CopyError, Shared};
use super::manifest::{Entry, Kind, Manifest, Mtime};
use super::retry::{self, Trouble};
use super::scan::{Item, ItemKind};
use super::{FileProblem, ProblemKind};
use crate::format;
use crate::plan::Source;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How an item made it into the set, or why it did not.
#[derive(Debug)]
pub enum Done {
    Copied(Copied),
    Linked(Copied),
    Symlink(blake3::Hash, Mtime),
    Problem(ProblemKind, String),
    /// Writing to the destination failed: maybe the whole drive is gone or full.
    DestinationError(std::io::Error),
    Cancelled,
}

/// The newest complete set, whose unchanged files are linked instead of copied.
pub struct Previous<'a> {
    pub path: PathBuf,
    pub files: HashMap<&'a str, (u64, Mtime, blake3::Hash)>,
}

impl<'a> Previous<'a> {
    pub fn new(path: PathBuf, manifest: &'a Manifest) -> Previous<'a> {
        let files = manifest
            .entries
            .iter()
            .filter_map(|e| match e.kind {
                Kind::File { size, hash } => Some((e.path.as_str(), (size, e.mtime, hash))),
                _ => None,
            })
            .collect();
        Previous { path, files }
    }
}

pub struct Context<'a> {
    pub sources: &'a [Source],
    pub partial: &'a Path,
    pub previous: Option<&'a Previous<'a>>,
    pub hard_links: bool,
    /// The largest file the backup drive can hold, where limited (FAT32: 4 GiB).
    pub max_file_size: Option<u64>,
    pub shared: Shared<'a>,
}

pub fn process(item: &Item, cx: &Context, buf: &mut [u8]) -> Done {
    let src = item.source_path(cx.sources);
    let dst = item.set_path(cx.partial, cx.sources);
    if item.kind == ItemKind::Symlink {
        return match copy::copy_symlink(&src, &dst) {
            Ok((hash, mtime)) => Done::Symlink(hash, mtime),
            Err(reason) => Done::Problem(ProblemKind::Skipped, reason),
        };
    }
    if let Some(done) = try_link(item, &src, &dst, cx, buf) {
        return done;
    }
    if cx.max_file_size.is_some_and(|max| item.size > max) {
        let why = "too big for the backup drive: FAT32 drives hold files up to 4 GB. Format the drive as NTFS or exFAT, or use another drive";
        return Done::Problem(ProblemKind::Failed, why.into());
    }
    crate::fault::before_copy(&src);
    let mut waited = Duration::ZERO;
    for attempt in 0.. {
        let e = match copy::copy_file(&src, &dst, buf, &cx.shared) {
            Ok(c) => return Done::Copied(c),
            Err(e) => e,
        };
        let _ = std::fs::remove_file(&dst);
        let (trouble, reason) = match e {
            CopyError::Vanished => {
                return Done::Problem(ProblemKind::Vanished, "deleted during the backup".into());
            }
            CopyError::Destination(e) => return Done::DestinationError(e),
            CopyError::Cancelled => return Done::Cancelled,
            CopyError::Changed => (Trouble::Changed, "changed during backup".to_string()),
            CopyError::Source(e) if copy::is_in_use(&e) => {
                (Trouble::InUse, format!("in use, EXACT may be open on another computer ({e})"))
            }
            CopyError::Source(e) => (Trouble::Unreadable, copy::describe(&e)),
        };
        match retry::wait(trouble, attempt, &cx.shared) {
            Some(d) => waited += d,
            None if cx.shared.stopped() => return Done::Cancelled,
            None => {
                let tries = format!("tried {} times over {}", attempt + 1, format::duration(waited));
                return Done::Problem(ProblemKind::Failed, format!("{reason}; {tries}"));
            }
        }
    }
    unreachable!("the retry loop ends by returning")
}

/// Links an unchanged file from the previous set. Unchanged means the same size and modified time
/// as that set's manifest; a database file must also hash the same, since a file held open on a
/// server may not show a new modified time yet.
fn try_link(item: &Item, src: &Path, dst: &Path, cx: &Context, buf: &mut [u8]) -> Option<Done> {
    let prev = cx.previous.filter(|_| cx.hard_links)?;
    let &(size, mtime, hash) = prev.files.get(item.key(cx.sources).as_str())?;
    if size != item.size || mtime != item.mtime {
        return None;
    }
    if item.database {
        let (now, _) = copy::hash_file(src, buf, &cx.shared).ok()?;
        if now != hash {
            return None;
        }
    }
    std::fs::hard_link(item.set_path(&prev.path, cx.sources), dst).ok()?;
    Some(Done::Linked(Copied { hash, size, mtime }))
}

/// The manifest line for an item that made it.
pub fn entry(item: &Item, sources: &[Source], done: Option<&Done>) -> Option<Entry> {
    let (kind, mtime) = match (item.kind, done) {
        (ItemKind::Dir, _) => (Kind::Dir, item.mtime),
        (_, Some(Done::Copied(c) | Done::Linked(c))) => (Kind::File { size: c.size, hash: c.hash }, c.mtime),
        (_, Some(Done::Symlink(h, m))) => (Kind::Symlink { target_hash: *h }, *m),
        _ => return None,
    };
    Some(Entry { path: item.key(sources), kind, mtime })
}

pub fn problem(item: &Item, sources: &[Source], kind: ProblemKind, reason: String) -> FileProblem {
    FileProblem { path: item.source_path(sources), kind, reason }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::manifest::Mtime;
    use crate::engine::scan::ItemKind;
    use std::sync::atomic::{AtomicBool, AtomicU64};

    #[test]
    fn a_file_over_the_drives_limit_is_refused_by_name_before_copying() {
        let d = tempfile::tempdir().unwrap();
        let (data, partial) = (d.path().join("data"), d.path().join("partial"));
        std::fs::create_dir_all(&data).unwrap();
        std::fs::create_dir_all(partial.join("data")).unwrap();
        std::fs::write(data.join("big.raw"), vec![0u8; 2000]).unwrap();
        let sources = [Source { root: data, set_dir: "data".into(), recursive: true, is_data_folder: true }];
        let (cancel, abort, bytes) = (AtomicBool::new(false), AtomicBool::new(false), AtomicU64::new(0));
        let cx = Context {
            sources: &sources,
            partial: &partial,
            previous: None,
            hard_links: false,
            max_file_size: Some(1000), // as FAT32's 4 GiB, scaled down
            shared: Shared { cancel: &cancel, abort: &abort, bytes_done: &bytes },
        };
        let item = Item {
            source: 0,
            rel: "big.raw".into(),
            kind: ItemKind::File,
            size: 2000,
            mtime: Mtime { secs: 0, nanos: 0 },
            database: false,
        };
        match process(&item, &cx, &mut vec![0; 4096]) {
            Done::Problem(ProblemKind::Failed, why) => {
                assert!(why.contains("Format the drive as NTFS or exFAT"), "{why}")
            }
            other => panic!("{other:?}"),
        }
        assert!(!partial.join("data/big.raw").exists(), "nothing half-written");
        assert_eq!(bytes.into_inner(), 0, "not even read");
    }
}
