//! What a run did: its outcome, counts, and every file that did not make it.

use super::advice::Cause;
use chrono::{DateTime, Local};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    CompletedWithErrors,
    Failed,
    Cancelled,
    /// The set was made, but the files look encrypted (see `guard`): it may be ransomware.
    Suspect,
}

impl Outcome {
    /// The words written in backup.log and the manifest.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Success => "SUCCESS",
            Outcome::CompletedWithErrors => "COMPLETED WITH ERRORS",
            Outcome::Failed => "FAILED",
            Outcome::Cancelled => "CANCELLED",
            Outcome::Suspect => "SUSPECT",
        }
    }

    /// The process exit code for a scheduled task.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::CompletedWithErrors => 1,
            Outcome::Failed => 2,
            Outcome::Cancelled => 4,
            Outcome::Suspect => 5,
        }
    }
}

/// Why a whole run failed: plain words with the path and what to do, and the technical detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    pub detail: String,
}

impl Failure {
    pub fn new(message: impl Into<String>, detail: impl ToString) -> Failure {
        Failure { message: message.into(), detail: detail.to_string() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// Not backed up because of an error.
    Failed,
    /// Not backed up on purpose (e.g. a link this platform cannot recreate).
    Skipped,
    /// Deleted between the scan and the copy: not an error.
    Vanished,
    /// A device, pipe or socket: nothing a backup can hold, and not EXACT data. Not an error.
    NotAFile,
    /// A folder not backed up because of an error (its files are named one by one too).
    FolderFailed,
}

impl ProblemKind {
    pub fn label(self) -> &'static str {
        match self {
            ProblemKind::Failed => "FAILED",
            ProblemKind::Skipped => "SKIPPED",
            ProblemKind::Vanished => "VANISHED",
            ProblemKind::NotAFile => "NOT A FILE",
            ProblemKind::FolderFailed => "FAILED",
        }
    }
}

/// One file that did not make it into the set, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    /// The file's path at its source.
    pub path: PathBuf,
    pub kind: ProblemKind,
    pub reason: String,
    /// What to do about it goes by this (`None` for what is not an error: vanished, not a file).
    pub cause: Option<Cause>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Files found by the scan.
    pub files_total: u64,
    pub bytes_total: u64,
    pub files_copied: u64,
    pub bytes_copied: u64,
    /// Unchanged files hard-linked from the previous set.
    pub files_linked: u64,
    pub bytes_linked: u64,
    pub skipped: u64,
    pub failed: u64,
    pub vanished: u64,
    /// Devices, pipes and sockets found and noted (not errors).
    pub not_files: u64,
    /// Folders not backed up (their files are counted in `failed`).
    pub folders_failed: u64,
    /// Copies read back from the drive itself (the others, if checked, through the system cache).
    pub read_back_from_drive: u64,
}

impl Counts {
    /// Whether anything found is not in the set because of an error (vanished files and noted
    /// pipes do not count).
    pub fn missing_any(&self) -> bool {
        self.failed + self.skipped + self.folders_failed > 0
    }

    /// "2,977 found: 112 copied, 2,865 unchanged (linked), 0 skipped, 0 failed, 0 vanished"
    pub fn summary(&self) -> String {
        use crate::format::count;
        let mut not_files = match self.not_files {
            0 => String::new(),
            n => format!(", {} not regular files (noted)", count(n)),
        };
        if self.folders_failed > 0 {
            not_files.push_str(&format!("; {} folders not backed up", count(self.folders_failed)));
        }
        format!(
            "{} found: {} copied, {} unchanged (linked), {} skipped, {} failed, {} vanished{not_files}",
            count(self.files_total),
            count(self.files_copied),
            count(self.files_linked),
            count(self.skipped),
            count(self.failed),
            count(self.vanished),
        )
    }

    /// What was checked, in the words of the log and the Done screen: "12 copies read back from
    /// the drive and compared with the originals; 2,865 unchanged files linked from <set> (checked
    /// by size and time)".
    pub fn checked(&self, read_back: bool, linked_from: Option<&str>) -> String {
        use crate::format::count;
        let copies =
            |n: u64| if n == 1 { "1 new copy".to_string() } else { format!("{} new copies", count(n)) };
        let (n, drive) = (self.files_copied, self.read_back_from_drive);
        let copies = match (n, read_back) {
            (0, _) => "no new copies".to_string(),
            (n, true) if drive == n => {
                format!("{} read back from the backup drive and compared with the originals", copies(n))
            }
            (n, true) => format!(
                "{} read back and compared with the originals ({} of them through the computer's memory: the drive allows no reading around it)",
                copies(n),
                count(n - drive)
            ),
            (n, false) => format!("{} not read back (checking is turned off in Settings)", copies(n)),
        };
        match (self.files_linked, linked_from) {
            (0, _) | (_, None) => copies,
            (1, Some(set)) => {
                format!("{copies}; 1 unchanged file linked from {set} (checked by size and time)")
            }
            (n, Some(set)) => {
                format!("{copies}; {} unchanged files linked from {set} (checked by size and time)", count(n))
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct Report {
    pub outcome: Outcome,
    /// Set for FAILED and CANCELLED runs.
    pub failure: Option<Failure>,
    /// The complete set this run made, if it made one.
    pub set: Option<PathBuf>,
    pub started: DateTime<Local>,
    pub finished: DateTime<Local>,
    pub counts: Counts,
    pub problems: Vec<FileProblem>,
    /// Whether this run read each new copy back from the drive and compared it with the source.
    pub verified: bool,
    /// The set unchanged files were linked from, if any were.
    pub linked_from: Option<String>,
    /// How the database group went, where the data folder has files at its top.
    pub database: Option<super::database::Group>,
    /// Whether the destination can hold hard links (false on FAT/exFAT drives).
    pub hard_links: bool,
    /// Sets removed by retention.
    pub removed_sets: Vec<String>,
    /// How `latest`, the cloud copy, was brought up to date (when the run made a set and keeps it).
    pub latest: Option<super::latest::Update>,
    /// Why the set looks like a copy of encrypted files, when it does (the outcome is `Suspect`).
    pub suspect: Option<super::guard::Suspicion>,
    /// The change guard's count against the set compared with (see `manifest::Header::changes`).
    pub changes: Option<(u64, u64)>,
    /// The sets whose counts it added to its own (see `manifest::Header::earlier`).
    pub earlier: Vec<super::manifest::Counted>,
    /// The set that sum started after.
    pub since: Option<(String, chrono::DateTime<chrono::Utc>)>,
    /// Things worth knowing that did not affect the result (e.g. an old set that could not be removed).
    pub notes: Vec<String>,
    /// Where the log block went; set after logging.
    pub log_file: Option<PathBuf>,
}

impl Report {
    pub fn new(started: DateTime<Local>) -> Report {
        Report {
            outcome: Outcome::Failed,
            failure: None,
            set: None,
            started,
            finished: started,
            counts: Counts::default(),
            problems: Vec::new(),
            verified: false,
            linked_from: None,
            database: None,
            hard_links: false,
            removed_sets: Vec::new(),
            latest: None,
            suspect: None,
            changes: None,
            earlier: Vec::new(),
            since: None,
            notes: Vec::new(),
            log_file: None,
        }
    }

    /// What the guards made of the run, and the counts it added up to its own (kept in its
    /// manifest, for the next run to add up).
    pub fn judged(&mut self, verdict: super::guard::Verdict, earlier: Option<super::guard::Earlier>) {
        (self.suspect, self.changes) = (verdict.suspect, verdict.changes);
        self.notes.extend(verdict.note);
        if let Some(e) = earlier.filter(|_| self.changes.is_some()) {
            self.since = e.since.map(|(name, started)| (name, started.to_utc()));
            self.earlier = e.counted;
        }
    }
}
