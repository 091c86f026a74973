//! Whole-run failures and warnings in plain words: what happened, to which folder, and what to do.

use super::advice::Cause;
use super::{Failure, Stop, copy, lock};
use crate::plan::Plan;
use std::path::Path;

pub(super) fn lock_failure(dest: &Path, e: lock::LockError) -> Stop {
    let f = match &e {
        lock::LockError::Busy(h) => Failure::new(
            format!(
                "Another backup to {} is already running: started {} by {} on {}. Wait for it to finish and try again.",
                dest.display(),
                h.started,
                h.user,
                h.computer
            ),
            e,
        ),
        lock::LockError::Io { source, .. } => destination_failure(dest, source),
        lock::LockError::Cancelled => return Stop::Cancelled("cancelled by the user".into()),
    };
    Stop::Failed(f)
}

/// This run's lock was taken over or could not be kept: it stopped before touching anything more.
pub(super) fn lock_lost(dest: &Path, why: &str) -> Failure {
    Failure::new(
        format!(
            "This backup stopped because {why}. Nothing was changed in {} after that; the other backup carries on. Check the log of the other computer's backup.",
            dest.display()
        ),
        why,
    )
}

/// A failure to write to the destination, in words.
pub(super) fn destination_failure(dest: &Path, e: &std::io::Error) -> Failure {
    // A write to the backup folder that failed for no reason the system names: most often a drive
    // that went away, which is the advice then.
    let cause = match Cause::of_drive_error(e) {
        Cause::Other => Cause::DriveMissing,
        c => c,
    };
    let advice = cause.what_to_do(dest);
    let message = match e.kind() {
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::NotFound => advice,
        _ => format!("Cannot write to the backup folder {}: {}. {advice}", dest.display(), copy::describe(e)),
    };
    Failure::new(message, e)
}

/// A first backup that filled the drive: the failure saying how much it needs (when that is more
/// than was `free`), from the walk's totals or, if the walk was cut short, from a walk of its own,
/// whose totals (files, bytes) come back too.
pub(super) fn drive_filled(
    plan: &Plan,
    free: u64,
    storable: Option<u64>,
    max_file_size: Option<u64>,
    stop: impl Fn() -> bool,
) -> (Option<Failure>, Option<(u64, u64)>) {
    let (storable, walked) = match storable {
        Some(s) => (s, None),
        None => match super::walker::count(plan, max_file_size, stop) {
            super::walker::Msg::Scanned { files, bytes, storable } => (storable, Some((files, bytes))),
            _ => return (None, None),
        },
    };
    let needs =
        (free < storable).then(|| super::preflight::not_enough_space(&plan.destination, free, storable));
    (needs, walked)
}

/// Whether a write error means the whole destination is unusable (full, or gone).
pub(super) fn destination_gone(dest: &Path, partial: &Path, e: &std::io::Error) -> Option<Failure> {
    if e.kind() == std::io::ErrorKind::StorageFull || !partial.is_dir() {
        return Some(destination_failure(dest, e));
    }
    None
}

/// After several errors in a row: has a source folder or the destination gone away? A data folder
/// that can still be listed but is empty now (a share unmounted under its mount point) has gone too
/// (it was not empty when the run began: `connected` checks that).
pub(super) fn lost_root(plan: &Plan, partial: &Path) -> Option<Failure> {
    for folder in std::iter::once(&plan.data_folder).chain(&plan.extra_folders) {
        let emptied = folder == &plan.data_folder && super::connected::is_empty(folder);
        let listed = std::fs::read_dir(folder).and_then(|_| match emptied {
            true => Err(std::io::Error::other("the data folder is empty now")),
            false => Ok(()),
        });
        if let Err(e) = listed {
            return Some(Failure::new(
                format!(
                    "The connection to the server was lost during the backup. {}",
                    Cause::ServerUnreachable.what_to_do(folder)
                ),
                e,
            ));
        }
    }
    if !partial.is_dir() {
        let e = std::io::Error::from(std::io::ErrorKind::NotFound);
        return Some(destination_failure(&plan.destination, &e));
    }
    None
}

/// Names the previous set as damaged: copies in it no longer match its manifest.
pub(super) fn damaged_note(set: Option<&super::work::PreviousSet>, keys: Vec<String>) -> Option<String> {
    const SHOWN: usize = 20;
    let set = &set.filter(|_| !keys.is_empty())?.name;
    let mut list = keys.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
    if keys.len() > SHOWN {
        list.push_str(&format!(" and {} more", keys.len() - SHOWN));
    }
    Some(format!(
        "the older backup {set} is DAMAGED: {} of its copies no longer have the size and time its manifest gives (opened and saved from the backup, or the drive is failing). {} Check it with: logoff-backup verify {set}. The copies: {list}",
        keys.len(),
        Cause::DamagedPrevious.what_to_do(Path::new(set))
    ))
}

/// Said once when most unchanged files came back with new file ids and their times alone said
/// they were unchanged: the share hands out new ids on each connection.
pub(super) fn new_ids_note(new_ids: u64, linked: u64) -> Option<String> {
    const LEAST: u64 = 10;
    (new_ids >= LEAST && new_ids * 2 > linked).then(|| {
        format!(
            "the data folder's file IDs change between connections (a share that does not keep them, such as a Linux CIFS mount with noserverino, some NAS or FUSE file systems): {} of the {} unchanged files had a new ID and were taken as unchanged by their size, modified time and change time",
            crate::format::count(new_ids),
            crate::format::count(linked)
        )
    })
}
