//! The quick way, after a finished update whose folders nobody has touched since: the manifest of
//! `latest` (what the last update left in it) and the new set's are read side by side, and only
//! the paths where they differ are touched. Nothing else in `latest` is even looked at.

use super::super::copy::{self, Shared};
use super::super::manifest::{Entry, Kind, Mtime, Reader};
use super::super::pathcode;
use super::bring::{self, CLOSE, Spot};
use super::{Keep, Stops, Update, cursor, cursor::Cursor, prune};
use std::cmp::Ordering;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

fn open(path: &Path) -> Result<Cursor, String> {
    let reader = Reader::open(path)
        .map(|(_, r)| r)
        .map_err(|e| format!("Reading a manifest failed: {e}. The next good backup tries again."))?;
    Cursor::new(Some(reader))
}

/// Whether every folder the manifest of `latest` lists is still a real folder with the time the
/// last update gave it (adding, removing or renaming anything in a folder changes its time), and
/// `latest` itself and `latest/extra`, which have no entries of their own, hold only what it
/// lists. Otherwise the manifest is not taken at its word.
pub(super) fn untouched(folder: &Path, manifest: &Path) -> Result<bool, String> {
    let mut old = open(manifest)?;
    let (mut top, mut extra) = (HashSet::new(), HashSet::new());
    while let Some(e) = old.take()? {
        match e.path.split_once('/') {
            None => drop(top.insert(e.path.clone())),
            Some(("extra", name)) if !name.contains('/') => {
                top.insert("extra".to_string());
                extra.insert(name.to_string());
            }
            _ => {}
        }
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
    let holds_only = |dir: &Path, names: &HashSet<String>| {
        std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
            && std::fs::read_dir(dir).is_ok_and(|d| {
                d.flatten().all(|e| names.contains(&pathcode::encode(Path::new(&e.file_name()))))
            })
    };
    let extra_ok = extra.is_empty() && std::fs::symlink_metadata(folder.join("extra")).is_err()
        || holds_only(&folder.join("extra"), &extra);
    Ok(holds_only(folder, &top) && extra_ok)
}

/// Whether a folder's time on the drive is the one the update gave it: exactly, or as a drive that
/// keeps coarser times (exFAT: 10 ms; FAT: 2 s) stores it. A change made since leaves a finer time.
fn as_set(disk: Mtime, given: Mtime) -> bool {
    disk == given || disk.nanos.is_multiple_of(10_000_000) && (disk.secs - given.secs).abs() <= CLOSE
}

const LINKED: &str = "a link to somewhere else is in the way: left alone";

/// Whether a folder on the way to `rel` in `latest` is a link: nothing is ever removed or made
/// through one. (`rel` itself may be one: removing or renaming over a link never follows it.)
fn linked(folder: &Path, rel: &Path) -> bool {
    super::super::verify::link_on_the_way(folder, rel).is_some()
}

fn same_kind(a: &Kind, b: &Kind) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn parent(rel: &Path) -> PathBuf {
    rel.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Brings `latest` from what `old` lists to what `new` lists. Returns the entries kept although
/// the new set lacks them. Both manifests are read once, side by side: what goes is removed on the
/// way, what is new or changed is noted and made afterwards (removals first, as in `prune`).
pub(super) fn apply(
    spot: &Spot,
    (old, new): (&Path, &Path),
    keep: &Keep,
    stops: &Stops,
    out: &mut Update,
) -> Result<Vec<Entry>, String> {
    let (abort, bytes) = (AtomicBool::new(false), copy::Tally::default());
    let shared = Shared { cancel: stops.cancel, abort: &abort, bytes: &bytes };
    let mut kept = Vec::new();
    // Folders whose entries changed: they get the set's time again at the end.
    let mut touched: HashSet<PathBuf> = HashSet::new();
    // Each folder of the set with its time, and whether that differs from the old one.
    let mut folders: Vec<(String, Mtime, bool)> = Vec::new();
    let mut todo: Vec<Entry> = Vec::new();
    let (mut was, mut will) = (open(old)?, open(new)?);
    let mut gone: Option<String> = None;
    loop {
        stops.check()?;
        let side = match (was.peek(), will.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(o), Some(n)) => cursor::order(&o.path, &n.path),
        };
        let before = if side.is_gt() { None } else { was.take()? };
        let after = if side.is_lt() { None } else { will.take()? };
        if let Some(n) = &after {
            if n.kind == Kind::Dir {
                folders.push((n.path.clone(), n.mtime, before.as_ref().is_none_or(|b| b.mtime != n.mtime)));
            }
            let same = before
                .as_ref()
                .is_some_and(|b| b.kind == n.kind && (b.mtime == n.mtime || b.kind == Kind::Dir));
            if !same && !spot.keep.shadows(&n.path) {
                todo.push(n.clone());
            }
        }
        let Some(e) = before else { continue };
        let below_gone = gone
            .as_ref()
            .is_some_and(|g| e.path.strip_prefix(g.as_str()).is_some_and(|r| r.starts_with('/')));
        if below_gone || after.as_ref().is_some_and(|n| same_kind(&n.kind, &e.kind)) {
            continue;
        }
        if (after.is_none() || keep.shadows(&e.path)) && keep.covers(&e.path) {
            out.kept += u64::from(matches!(e.kind, Kind::File { .. }));
            kept.push(e);
            continue;
        }
        let Ok(rel) = pathcode::decode(&e.path) else { continue };
        if linked(spot.folder, &rel) {
            out.problems.push((e.path.clone(), LINKED.into()));
            continue;
        }
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

    let mut buf = vec![0; copy::BUFFER];
    for (made, e) in todo.into_iter().enumerate() {
        stops.check()?;
        let Ok(rel) = pathcode::decode(&e.path) else {
            out.problems.push((e.path.clone(), "bad path in the set's manifest".into()));
            continue;
        };
        if linked(spot.folder, &rel) {
            out.problems.push((e.path.clone(), LINKED.into()));
            continue;
        }
        let target = spot.folder.join(&rel);
        let staged = spot.staging.join(made.to_string());
        let result = match e.kind {
            Kind::Dir => std::fs::create_dir_all(&target).map(|()| false).map_err(|e| copy::describe(&e)),
            Kind::File { size, .. }
                if std::fs::symlink_metadata(&target).is_err()
                    && bring::linked_in_place(spot, &rel, &target) =>
            {
                out.bytes_changed += size;
                Ok(true)
            }
            Kind::File { size, hash } => bring::file(spot, &rel, &staged, (size, hash), &mut buf, &shared)
                .and_then(|()| bring::put(&staged, &target, &shared))
                .map(|()| {
                    out.bytes_changed += size;
                    true
                }),
            Kind::Symlink { .. } => copy::copy_symlink(&spot.set.join(&rel), &staged)
                .and_then(|_| bring::put(&staged, &target, &shared))
                .map(|()| true),
        };
        match result {
            Ok(changed) => {
                out.changed += u64::from(changed);
                touched.insert(parent(&rel));
            }
            Err(why) => out.problems.push((e.path.clone(), why)),
        }
    }
    // `extra` when the last extra folder has gone from the settings (only if empty).
    let _ = std::fs::remove_dir(spot.folder.join("extra"));
    for (path, mtime, retimed) in folders.iter().rev() {
        let Ok(rel) = pathcode::decode(path) else { continue };
        if *retimed || touched.contains(&rel) {
            let _ = filetime::set_file_mtime(spot.folder.join(rel), mtime.to_file_time());
        }
    }
    Ok(kept)
}
