//! The second pass: every folder, file and link of the new set into `latest`. A file already there
//! as the set has it is left untouched (same file, same times); any other is made in the staging
//! folder, linked from the set or copied from it, and renamed into place.

use super::super::copy::{self, Shared};
use super::super::manifest::{Entry, Kind, Mtime, Reader};
use super::super::{pathcode, readonly, retry};
use super::{Stops, Update, cursor::Cursor};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// Where things are.
pub(super) struct Spot<'a> {
    pub folder: &'a Path,
    pub set: &'a Path,
    pub staging: &'a Path,
    pub hard_links: bool,
    /// What `latest` keeps whatever the new set holds there.
    pub keep: &'a super::Keep,
}

/// A modified time on the backup drive may be kept less finely than the source's (whole seconds,
/// or 2 s on FAT): times this close are the same.
pub(super) const CLOSE: i64 = 2;

pub(super) fn bring(
    spot: &Spot,
    wanted: &mut Cursor,
    old: Option<Reader>,
    stops: &Stops,
    out: &mut Update,
) -> Result<(), String> {
    let mut old = Cursor::new(old)?;
    let (abort, bytes) = (AtomicBool::new(false), copy::Tally::default());
    let shared = Shared { cancel: stops.cancel, abort: &abort, bytes: &bytes };
    let mut buf = vec![0; copy::BUFFER];
    let mut folders: Vec<(PathBuf, Mtime)> = Vec::new();
    let mut made = 0u64;
    // Folders of `latest` known to be real folders (not links), as relative paths.
    let mut real: HashSet<PathBuf> = HashSet::from([PathBuf::new()]);
    while let Some(e) = wanted.take()? {
        stops.check()?;
        let Ok(rel) = pathcode::decode(&e.path) else {
            out.problems.push((e.path.clone(), "bad path in the set's manifest".into()));
            continue;
        };
        if spot.keep.shadows(&e.path) {
            continue;
        }
        let target = spot.folder.join(&rel);
        let was = std::fs::symlink_metadata(&target).ok();
        // Nothing is ever made or replaced through a link someone put in `latest` (and the first
        // pass could not remove): it would land outside the backup folder.
        let parent = rel.parent().unwrap_or(Path::new(""));
        let safe =
            real.contains(parent) || super::super::verify::link_on_the_way(spot.folder, &rel).is_none();
        let linked = was.as_ref().is_some_and(|m| m.is_symlink()) && !matches!(e.kind, Kind::Symlink { .. });
        if !safe || linked {
            out.problems.push((e.path.clone(), "a link to somewhere else is in the way: left alone".into()));
            continue;
        }
        let result = match e.kind {
            Kind::Dir => {
                let made = match was {
                    Some(m) if m.is_dir() => Ok(false),
                    // `extra`, above each extra folder, has no entry of its own.
                    _ => std::fs::create_dir_all(&target).map(|()| false).map_err(|e| copy::describe(&e)),
                };
                if made.is_ok() {
                    folders.push((target.clone(), e.mtime));
                    real.insert(rel.clone());
                }
                made
            }
            Kind::File { size, hash } => {
                let before = old.find(&e.path)?;
                if was.as_ref().is_some_and(|m| {
                    m.is_file() && current(spot, &rel, &target, (m, &e), before, &mut buf, &shared)
                }) {
                    Ok(false)
                } else if was.is_none() && linked_in_place(spot, &rel, &target) {
                    // Nothing there yet: a link to the set's whole copy appears whole at once.
                    out.bytes_changed += size;
                    Ok(true)
                } else {
                    made += 1;
                    let staged = spot.staging.join(made.to_string());
                    file(spot, &rel, &staged, (size, hash), &mut buf, &shared)
                        .and_then(|()| put(&staged, &target, &shared))
                        .map(|()| {
                            out.bytes_changed += size;
                            true
                        })
                }
            }
            Kind::Symlink { target_hash } => {
                let same = std::fs::read_link(&target)
                    .is_ok_and(|t| blake3::hash(t.as_os_str().as_encoded_bytes()) == target_hash);
                if same {
                    Ok(false)
                } else {
                    made += 1;
                    let staged = spot.staging.join(made.to_string());
                    copy::copy_symlink(&spot.set.join(&rel), &staged)
                        .and_then(|_| put(&staged, &target, &shared))
                        .map(|()| true)
                }
            }
        };
        match result {
            Ok(changed) => out.changed += u64::from(changed && !matches!(e.kind, Kind::Dir)),
            Err(why) => out.problems.push((e.path.clone(), why)),
        }
    }
    // Adding to a folder changes its modified time: each gets the set's last, deepest first.
    for (dir, mtime) in folders.iter().rev() {
        let now =
            std::fs::symlink_metadata(dir).ok().and_then(|m| m.modified().ok()).map(Mtime::from_system_time);
        if now != Some(*mtime) {
            let _ = filetime::set_file_mtime(dir, mtime.to_file_time());
        }
    }
    Ok(())
}

/// Links a file new to `latest` straight into its place from the set (drives with hard links), in
/// one step and without a rename.
pub(super) fn linked_in_place(spot: &Spot, rel: &Path, target: &Path) -> bool {
    if !spot.hard_links {
        return false;
    }
    crate::fault::before_latest(rel);
    std::fs::hard_link(spot.set.join(rel), target).is_ok()
}

/// Whether the file at `target` already holds what the set has at `rel`. With the manifest of the
/// last finished update, that manifest tells what it holds; after an interrupted one, only the file
/// itself does: the set's own copy (the same file, where linked), or its bytes.
fn current(
    spot: &Spot,
    rel: &Path,
    target: &Path,
    (meta, e): (&std::fs::Metadata, &Entry),
    before: Option<&Entry>,
    buf: &mut [u8],
    shared: &Shared,
) -> bool {
    let Kind::File { size, hash } = e.kind else { return false };
    let close =
        meta.modified().is_ok_and(|t| (Mtime::from_system_time(t).secs - e.mtime.secs).abs() <= CLOSE);
    if meta.len() != size || !close {
        return false;
    }
    if let Some(before) = before {
        return before.kind == e.kind;
    }
    if spot.hard_links && same_file::is_same_file(spot.set.join(rel), target).unwrap_or(false) {
        return true;
    }
    copy::hash_file(target, buf, shared).is_ok_and(|(h, n)| h == hash && n == size)
}

/// Makes the new copy of one file in the staging folder: a link to the set's copy, or a copy of it
/// whose bytes must hash as the set's manifest says.
pub(super) fn file(
    spot: &Spot,
    rel: &Path,
    staged: &Path,
    (size, hash): (u64, blake3::Hash),
    buf: &mut [u8],
    shared: &Shared,
) -> Result<(), String> {
    let from = spot.set.join(rel);
    if spot.hard_links && std::fs::hard_link(&from, staged).is_ok() {
        crate::fault::before_latest(rel);
        return Ok(());
    }
    match copy::copy_file(&from, staged, buf, (None, false), shared) {
        Ok(c) if c.hash == hash && c.size == size => {
            readonly::mark(staged);
            crate::fault::before_latest(rel);
            Ok(())
        }
        Ok(_) => {
            let _ = std::fs::remove_file(staged);
            Err("the copy in the new backup no longer matches its manifest: run verify on that backup".into())
        }
        Err(e) => Err(format!("cannot be copied from the new backup: {}", copy_words(e))),
    }
}

fn copy_words(e: copy::CopyError) -> String {
    use copy::CopyError as E;
    match e {
        E::Source(e) | E::Destination(e) | E::ReadBack(e) => copy::describe(&e),
        E::Missing(_) => "its copy in the new backup is gone".into(),
        E::Cancelled => "stopped".into(),
        E::Changed | E::Taken | E::Mismatch => format!("{e:?}"),
    }
}

/// Renames the staged copy into place, waiting a little for a program (the cloud client itself)
/// that holds the old one open.
pub(super) fn put(staged: &Path, target: &Path, shared: &Shared) -> Result<(), String> {
    if let Some(parent) = target.parent().filter(|p| !p.is_dir()) {
        std::fs::create_dir_all(parent).map_err(|e| copy::describe(&e))?;
    }
    for attempt in 0.. {
        match readonly::replace(staged, target) {
            Ok(()) => return Ok(()),
            Err(e)
                if copy::is_in_use(&e) && retry::wait(retry::Trouble::InUse, attempt, shared).is_some() => {}
            Err(e) => {
                let _ = readonly::remove_file(staged);
                return Err(format!("cannot be replaced: {}", copy::describe(&e)));
            }
        }
    }
    unreachable!("the retry loop ends by returning")
}
