//! How a run tells the world what it is doing: events into a sink (STYLE 2 and 4).

use crate::engine::{FileProblem, Report};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Checking,
    /// Another run's lock is in the backup folder and its holder is not on this computer: watching
    /// whether it is alive (its heartbeat changes) or dead (no change for 10 minutes).
    WaitingForLock,
    /// The database files (the data folder's top-level files), first, as one group.
    Database {
        files: u64,
    },
    /// Copying while the sources are still being walked; each copy is read back as it is made.
    Copying,
    /// Waiting for the drive to hold everything written (the operating system's flush).
    Flushing,
    /// Writing the set's manifest and making it visible.
    Finishing,
    /// Bringing `latest`, the folder the cloud backup follows, up to date with the new set.
    CloudCopy,
}

/// How far a run's bytes have got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Bytes {
    /// Read from the sources and written to the backup.
    pub copied: u64,
    /// Unchanged files linked from the previous backup (nothing to copy).
    pub linked: u64,
    /// Copies read back from the backup drive and compared with what was read from the source.
    pub checked: u64,
}

impl Bytes {
    /// Dealt with: copied or linked.
    pub fn done(&self) -> u64 {
        self.copied + self.linked
    }
}

/// How long each side of the copying has been busy (wall-clock time while at least one copy
/// was reading the sources, or writing to or reading back from the backup drive).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Busy {
    pub source: std::time::Duration,
    pub drive: std::time::Duration,
}

#[derive(Debug, Clone)]
pub enum Event {
    Phase(Phase),
    /// The walk of the sources is complete (copying has already begun): this many files and bytes
    /// are being backed up.
    Scanned {
        files: u64,
        bytes: u64,
    },
    /// Throttled: a few per second at most.
    Progress {
        files_done: u64,
        bytes: Bytes,
        busy: Busy,
        current: Option<PathBuf>,
    },
    /// A file that did not make it (or vanished).
    Problem(FileProblem),
    /// Why the run is waiting, in plain words (whose backup holds the backup folder, and for how
    /// long this run watches it).
    Waiting(String),
    Finished(Box<Report>),
}

/// Where events go. Must not block the engine for long.
pub trait Progress: Sync {
    fn event(&self, event: Event);
}

/// A sink that drops everything, for quiet runs and tests.
pub struct NoProgress;

impl Progress for NoProgress {
    fn event(&self, _: Event) {}
}

impl Progress for crossbeam_channel::Sender<Event> {
    fn event(&self, event: Event) {
        // A closed receiver means nobody is watching any more; the run goes on.
        let _ = self.send(event);
    }
}
