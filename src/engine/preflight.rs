//! Checks before a byte is copied: sources reachable, destination writable (with a real test file),
//! hard links possible, no folder inside another, and room for the estimate.

use super::advice::Cause;
use super::names::{self, Fold};
use super::{Failure, sets};
use crate::format;
use crate::plan::Plan;
use std::path::{Path, PathBuf};

/// What the checks found out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The destination can hold hard links (false on FAT/exFAT drives).
    pub hard_links: bool,
    /// Size of the newest set, if there is one: the estimate of the next backup.
    pub estimate: Option<Estimate>,
    /// Free space at the destination, where the system says.
    pub free: Option<u64>,
    /// Names the backup drive takes to be the same (capitals, accents) that a source keeps apart.
    pub fold: Fold,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    pub files: u64,
    pub bytes: u64,
    /// What a new set needs on the drive (less than `bytes` when unchanged files are linked).
    pub needs: u64,
}

pub fn check(plan: &Plan) -> Result<Checked, Failure> {
    check_source(&plan.data_folder, "the data folder")?;
    for extra in &plan.extra_folders {
        check_source(extra, "the extra folder")?;
    }
    let dest = &plan.destination;
    for source in std::iter::once(&plan.data_folder).chain(&plan.extra_folders) {
        check_not_nested(source, dest)?;
    }
    // Only the backup folder itself is ever created: a missing parent means a missing drive, and
    // a backup must not land on the computer's own disk instead.
    let made = match std::fs::create_dir(dest) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dest.is_dir() => Ok(()),
        other => other,
    };
    made.map_err(|e| {
        Failure::new(
            format!("{} Or choose another folder in Settings.", Cause::DriveMissing.what_to_do(dest)),
            e,
        )
    })?;
    let hard_links = test_write(dest)?;
    let mut source_fold = Fold { case: true, unicode: true };
    for s in &plan.sources {
        let f = names::probe_source(&s.root);
        source_fold = Fold { case: source_fold.case && f.case, unicode: source_fold.unicode && f.unicode };
    }
    let fold = names::probe(dest).beyond(source_fold);
    let free = crate::platform::free_space(dest);
    let estimate = estimate(dest, hard_links);
    // Without hard links, older sets may be removed to make room (see `room::make_room`).
    let room = free.map(|f| if hard_links { f } else { f + crate::engine::room::reclaimable(dest) });
    if let (Some(room), Some(est)) = (room, estimate)
        && room < est.needs
    {
        return Err(not_enough_space(dest, room, est.needs));
    }
    Ok(Checked { hard_links, estimate, free, fold })
}

pub fn not_enough_space(dest: &Path, free: u64, needs: u64) -> Failure {
    Failure::new(
        format!(
            "The backup drive has {} free but this backup needs about {}. {}",
            format::bytes(free),
            format::bytes(needs),
            Cause::DriveFull.what_to_do(dest)
        ),
        format!("available {free} bytes, needed {needs} bytes"),
    )
}

fn check_source(folder: &Path, what: &str) -> Result<(), Failure> {
    match std::fs::read_dir(folder) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Failure::new(
            format!("{} Or correct {what} in Settings.", Cause::ServerUnreachable.what_to_do(folder)),
            e,
        )),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            Err(Failure::new(format!("{} ({what})", Cause::AccessDenied.what_to_do(folder)), e))
        }
        Err(e) => Err(Failure::new(
            format!("Cannot open {what} {}. Check the folder in Settings.", folder.display()),
            e,
        )),
    }
}

/// Refuses a destination inside a source (each backup would contain the previous ones) and a
/// source inside the destination.
fn check_not_nested(source: &Path, dest: &Path) -> Result<(), Failure> {
    if is_within(dest, source) {
        return Err(Failure::new(
            format!(
                "The backup folder {} is inside {}. Choose a backup folder outside the data being backed up.",
                dest.display(),
                source.display()
            ),
            "destination inside source",
        ));
    }
    if is_within(source, dest) {
        return Err(Failure::new(
            format!(
                "The folder to back up {} is inside the backup folder {}. Choose a separate backup folder.",
                source.display(),
                dest.display()
            ),
            "source inside destination",
        ));
    }
    Ok(())
}

/// Whether `inner` is `outer` or inside it: by path (links resolved; case-insensitive on Windows),
/// or by identity, where the same folder is reached by another path (a bind mount; on Windows a
/// second drive letter mapped to the same share, or a junction): `outer` is the very folder of
/// `inner` or of one of its parents (device and file id; volume serial and file index on Windows).
pub fn is_within(inner: &Path, outer: &Path) -> bool {
    if comparable(inner).starts_with(comparable(outer)) {
        return true;
    }
    let Ok(outer) = same_file::Handle::from_path(outer) else { return false };
    inner.ancestors().any(|a| same_file::Handle::from_path(a).is_ok_and(|h| h == outer))
}

/// A path for comparison: its longest existing part resolved (links, `..`), the rest appended,
/// and case-folded on Windows.
fn comparable(p: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut existing = p;
    let resolved = loop {
        if let Ok(r) = std::fs::canonicalize(existing) {
            break r;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => break p.to_path_buf(),
        }
    };
    let full = rest.iter().rev().fold(resolved, |acc, n| acc.join(n));
    if cfg!(windows) { PathBuf::from(full.to_string_lossy().to_lowercase()) } else { full }
}

/// Writes a real test file and tries to hard-link it. Returns whether hard links work.
fn test_write(dest: &Path) -> Result<bool, Failure> {
    let file = dest.join(format!(".write-test-{}", std::process::id()));
    let link = dest.join(format!(".write-test-{}-link", std::process::id()));
    std::fs::write(&file, b"logoff-backup write test").map_err(|e| {
        Failure::new(
            format!(
                "Cannot write to the backup folder {0}. Every Windows user needs Full control of {0} (right-click it, Properties, Security).",
                dest.display()
            ),
            e,
        )
    })?;
    let linked = std::fs::hard_link(&file, &link).is_ok();
    let _ = std::fs::remove_file(&link);
    let _ = std::fs::remove_file(&file);
    Ok(linked)
}

/// The next backup's size, from the newest set's manifest: with hard links, a new set needs room
/// for the database files plus a day's changes (taken as 5% of the rest); without, all of it.
pub fn estimate(dest: &Path, hard_links: bool) -> Option<Estimate> {
    let sets = sets::list(dest).ok()?;
    let (_, m) = sets::newest_checked(&sets)?;
    let (files, bytes) = (m.files, m.bytes);
    let needs = if hard_links {
        m.database_bytes.saturating_add(bytes.saturating_sub(m.database_bytes) / 20)
    } else {
        bytes
    };
    Some(Estimate { files, bytes, needs })
}
