//! The quick way, after a finished update whose folders nobody has touched since: the manifest of
//! `latest` (what the last update left in it) and the new set's are read side by side, and only
//! the paths where they differ are touched. Nothing else in `latest` is even looked at.

use super::super::copy::{self, Shared};
use super::super::manifest::{Entry, Kind, Mtime, Reader};
use super::super::pathcode;
use super::bring::{self, CLOSE, Spot};
use super::{Keep, Stops, Update, cursor::Cursor, prune};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64};

fn open(path: &Path) -> Result<Cursor, String> {
    let reader = Reader::open(path).map(|(_, r)| r).map_err(|e| format!("Cannot read {e}."))?;
    Cursor::new(Some(reader))
}

/// Whether every folder the manifest of `latest` lists is still a real folder with the time the
/// last update gave it. Adding, removing or renaming anything in a folder changes its time, so
/// then the manifest is not taken at its word.
pub(super) fn untouched(folder: &Path, manifest: &Path) -> Result<bool, String> {
    let mut old = open(manifest)?;
    while let Some(e) = old.take()? {
        if e.kind != Kind::Dir {
            continue;
        }
        let Ok(rel) = pathcode::decode(&e.path) else { return Ok(false) };
        let m = std::fs::symlink_metadata(folder.join(rel));
        let same = m.is_ok_and(|m| {
            m.is_dir() && m.modified().is_ok_and(|t| as_set(Mtime::from_system_time(t), e.mtime))
        });
        if !same {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether a folder's time on the drive is the one the update gave it: exactly, or as a drive that
/// keeps coarser times (exFAT: 10 ms; FAT: 2 s) stores it. A change made since leaves a finer time.
fn as_set(disk: Mtime, given: Mtime) -> bool {
    disk == given || disk.nanos.is_multiple_of(10_000_000) && (disk.secs - given.secs).abs() <= CLOSE
}

fn same_kind(a: &Kind, b: &Kind) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn parent(rel: &Path) -> PathBuf {
    rel.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Brings `latest` from what `old` lists to what `new` lists. Returns the entries kept although
/// the new set lacks them. Removals come first, as in the walk (see `prune`).
pub(super) fn apply(
    spot: &Spot,
    (old, new): (&Path, &Path),
    keep: &Keep,
    stops: &Stops,
    out: &mut Update,
) -> Result<Vec<Entry>, String> {
    let (abort, bytes) = (AtomicBool::new(false), AtomicU64::new(0));
    let shared = Shared { cancel: stops.cancel, abort: &abort, bytes_done: &bytes };
    let mut kept = Vec::new();
    // Folders whose entries changed: they get the set's time again at the end.
    let mut touched: HashSet<PathBuf> = HashSet::new();
    let (mut was, mut will) = (open(old)?, open(new)?);
    let mut gone: Option<String> = None;
    while let Some(e) = was.take()? {
        stops.check()?;
        if gone.as_ref().is_some_and(|g| e.path.strip_prefix(g.as_str()).is_some_and(|r| r.starts_with('/')))
        {
            continue;
        }
        let want = will.find(&e.path)?;
        if want.is_some_and(|w| same_kind(&w.kind, &e.kind)) {
            continue;
        }
        if want.is_none() && keep.covers(&e.path) {
            out.kept += u64::from(matches!(e.kind, Kind::File { .. }));
            kept.push(e);
            continue;
        }
        let Ok(rel) = pathcode::decode(&e.path) else { continue };
        let dir = e.kind == Kind::Dir;
        match prune::remove(&spot.folder.join(&rel), dir, &shared) {
            Ok(n) => out.removed += n,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => {
                out.problems.push((e.path.clone(), format!("cannot be removed: {}", copy::describe(&err))))
            }
        }
        if dir {
            gone = Some(e.path.clone());
        }
        touched.insert(parent(&rel));
    }

    crate::fault::pause("latest-pruned");
    let (mut was, mut will) = (open(old)?, open(new)?);
    let mut buf = vec![0; copy::BUFFER];
    let mut folders: Vec<(PathBuf, Mtime, bool)> = Vec::new();
    let mut made = 0u64;
    while let Some(e) = will.take()? {
        stops.check()?;
        let before = was.find(&e.path)?;
        let same_dir = before.is_some_and(|b| b.kind == Kind::Dir) && e.kind == Kind::Dir;
        let same = before.is_some_and(|b| b.kind == e.kind && b.mtime == e.mtime);
        let retimed = before.is_none_or(|b| b.mtime != e.mtime);
        if same && !same_dir {
            continue;
        }
        let Ok(rel) = pathcode::decode(&e.path) else {
            out.problems.push((e.path.clone(), "bad path in the set's manifest".into()));
            continue;
        };
        let target = spot.folder.join(&rel);
        let result = match e.kind {
            Kind::Dir if same_dir => Ok(false),
            Kind::Dir => std::fs::create_dir_all(&target).map(|()| false).map_err(|e| copy::describe(&e)),
            Kind::File { size, hash } => {
                made += 1;
                let staged = spot.staging.join(made.to_string());
                bring::file(spot, &rel, &staged, (size, hash), &mut buf, &shared)
                    .and_then(|()| bring::put(&staged, &target, &shared))
                    .map(|()| {
                        out.bytes_changed += size;
                        true
                    })
            }
            Kind::Symlink { .. } => {
                made += 1;
                let staged = spot.staging.join(made.to_string());
                copy::copy_symlink(&spot.set.join(&rel), &staged)
                    .and_then(|_| bring::put(&staged, &target, &shared))
                    .map(|()| true)
            }
        };
        match result {
            Ok(changed) => {
                out.changed += u64::from(changed);
                if e.kind == Kind::Dir {
                    folders.push((rel.clone(), e.mtime, retimed));
                }
                if !same_dir {
                    touched.insert(parent(&rel));
                }
            }
            Err(why) => out.problems.push((e.path.clone(), why)),
        }
    }
    for (rel, mtime, retimed) in folders.iter().rev() {
        if *retimed || touched.contains(rel) {
            let _ = filetime::set_file_mtime(spot.folder.join(rel), mtime.to_file_time());
        }
    }
    Ok(kept)
}
