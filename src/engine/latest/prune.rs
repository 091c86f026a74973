//! The first pass over `latest`: whatever the new set no longer holds goes (unless kept), and so
//! does anything of the wrong kind (a folder where a file should be). Every removal comes before
//! any new file arrives: on a drive that ignores capitals, `A.txt` going must not take a new
//! `a.txt` with it.

use super::super::manifest::{Entry, Kind, Mtime};
use super::super::{copy, pathcode, readonly, retry};
use super::{Keep, Stops, Update, cursor::Cursor};
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// Removes what `latest` should no longer hold. Returns the entries of what was kept although the
/// new set lacks it, in path order.
pub(super) fn prune(
    folder: &Path,
    wanted: &mut Cursor,
    keep: &Keep,
    stops: &Stops,
    out: &mut Update,
) -> Result<Vec<Entry>, String> {
    let (abort, bytes) = (AtomicBool::new(false), copy::Tally::default());
    let shared = copy::Shared { cancel: stops.cancel, abort: &abort, bytes: &bytes };
    let mut kept = Vec::new();
    let mut walk =
        walkdir::WalkDir::new(folder).min_depth(1).follow_links(false).sort_by_file_name().into_iter();
    while let Some(item) = walk.next() {
        stops.check()?;
        let entry = match item {
            Ok(e) => e,
            Err(e) => {
                let at = e.path().and_then(|p| p.strip_prefix(folder).ok()).map(pathcode::encode);
                out.problems.push((at.unwrap_or_default(), format!("cannot be read: {e}")));
                continue;
            }
        };
        let rel = entry.path().strip_prefix(folder).unwrap_or(entry.path());
        let key = pathcode::encode(rel);
        let t = entry.file_type();
        let want = wanted.find(&key)?;
        let listed = want.is_some();
        let fits = want.is_some_and(|e| match e.kind {
            Kind::Dir => t.is_dir(),
            Kind::File { .. } => t.is_file(),
            Kind::Symlink { .. } => t.is_symlink(),
        });
        // `extra`, above the extra folders, has no entry of its own.
        let above =
            key == "extra" && t.is_dir() && wanted.peek().is_some_and(|n| n.path.starts_with("extra/"));
        if fits || above {
            continue;
        }
        if (!listed || keep.shadows(&key)) && keep.covers(&key) {
            match describe(entry.path(), &key, t) {
                Ok(e) => kept.push(e),
                Err(why) => out.problems.push((key, why)),
            }
            out.kept += u64::from(t.is_file());
            continue;
        }
        if t.is_dir() {
            walk.skip_current_dir();
        }
        match remove(entry.path(), t.is_dir(), &shared) {
            Ok(n) => out.removed += n,
            Err(e) => out.problems.push((key, format!("cannot be removed: {}", copy::describe(&e)))),
        }
    }
    Ok(kept)
}

/// Removes one thing from `latest`, waiting a little for a program (the cloud client itself) that
/// holds it open. Returns how many files went.
pub(super) fn remove(path: &Path, dir: bool, shared: &copy::Shared) -> std::io::Result<u64> {
    let files = if dir { count_files(path) } else { 1 };
    for attempt in 0.. {
        let result = if dir {
            readonly::remove_tree(path)
        } else {
            // A link to a folder (a junction on Windows) is removed as a folder, not followed.
            readonly::remove_file(path).or_else(|e| std::fs::remove_dir(path).map_err(|_| e))
        };
        match result {
            Err(e)
                if copy::is_in_use(&e) && retry::wait(retry::Trouble::InUse, attempt, shared).is_some() => {}
            other => return other.map(|()| files),
        }
    }
    unreachable!("the retry loop ends by returning")
}

fn count_files(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir).into_iter().flatten().filter(|e| !e.file_type().is_dir()).count() as u64
}

/// The manifest entry for something kept in `latest`, from what is there now.
fn describe(path: &Path, key: &str, t: std::fs::FileType) -> Result<Entry, String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| copy::describe(&e))?;
    let mtime = Mtime::from_system_time(meta.modified().map_err(|e| copy::describe(&e))?);
    let kind = if t.is_dir() {
        Kind::Dir
    } else if t.is_symlink() {
        let target = std::fs::read_link(path).map_err(|e| copy::describe(&e))?;
        Kind::Symlink { target_hash: blake3::hash(target.as_os_str().as_encoded_bytes()) }
    } else {
        let (cancel, abort, bytes) = (AtomicBool::new(false), AtomicBool::new(false), copy::Tally::default());
        let shared = copy::Shared { cancel: &cancel, abort: &abort, bytes: &bytes };
        let (hash, size) =
            copy::hash_file(path, &mut vec![0; copy::BUFFER], &shared).map_err(|e| copy::describe(&e))?;
        Kind::File { size, hash }
    };
    Ok(Entry { path: key.to_string(), kind, mtime, stamp: None, look: None })
}
