//! What a run's copying starts from: where the copies go, the set to link from, the room check,
//! how the drive compares names, and what stops it early.

use super::names::Fold;
use super::work;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// The room check when the walk ends, before anything is copied (`Hold`: older sets may have to
/// go first on a drive without hard links) or while copying (`First`: the first set on a drive
/// with hard links must fit in the space free when the run began).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Room {
    Hold,
    First { free: Option<u64> },
    Estimated,
}

impl Room {
    /// Whether `storable` bytes fit once the walk has added them up (making room first on a drive
    /// without hard links).
    pub(super) fn check(
        self,
        dest: &Path,
        lock: &super::lock::Lock,
        report: &mut super::Report,
        storable: u64,
    ) -> Result<(), super::Failure> {
        match self {
            // Older sets are removed only while the lock is certainly this run's.
            Room::Hold => match lock.lost() {
                Some(why) => Err(super::Failure::new("lock lost", why)),
                None => super::finish::ensure_room(dest, report, storable),
            },
            Room::First { free: Some(free) } if free < storable => {
                Err(super::preflight::not_enough_space(dest, free, storable))
            }
            _ => Ok(()),
        }
    }
}

/// What stops a run early: the user's Cancel, and the run's lock being taken over.
pub(super) struct Stops<'a> {
    pub cancel: &'a AtomicBool,
    pub lock: &'a super::lock::Lock,
}

/// Where a run's copies go and what they start from.
pub(super) struct Start<'a> {
    pub partial: &'a Path,
    pub previous: Option<work::Previous>,
    pub room: Room,
    /// Names the backup drive takes to be the same that the sources keep apart.
    pub fold: Fold,
    /// The newest set's database files (linked when unchanged).
    pub database: HashMap<String, super::scan::Prior>,
    /// The set the ransomware guard compares with (the one `previous` reads).
    pub base: Option<super::guard::Base>,
    /// The last good set (the newest SUCCESS one), when it is not `previous`: the loss guard
    /// counts what is gone since it.
    pub good: Option<(work::Previous, super::guard::Base)>,
    /// Link unchanged files from `previous` (the drive has hard links).
    pub link: bool,
}
