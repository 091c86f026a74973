//! What a run did: its outcome, counts, and every file that did not make it.

use chrono::{DateTime, Local};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    CompletedWithErrors,
    Failed,
    Cancelled,
}

impl Outcome {
    /// The words written in backup.log and the manifest.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Success => "SUCCESS",
            Outcome::CompletedWithErrors => "COMPLETED WITH ERRORS",
            Outcome::Failed => "FAILED",
            Outcome::Cancelled => "CANCELLED",
        }
    }

    /// The process exit code for a scheduled task.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::CompletedWithErrors => 1,
            Outcome::Failed => 2,
            Outcome::Cancelled => 4,
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
}

impl ProblemKind {
    pub fn label(self) -> &'static str {
        match self {
            ProblemKind::Failed => "FAILED",
            ProblemKind::Skipped => "SKIPPED",
            ProblemKind::Vanished => "VANISHED",
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
}

impl Counts {
    /// "2,977 found: 112 copied, 2,865 unchanged (linked), 0 skipped, 0 failed, 0 vanished"
    pub fn summary(&self) -> String {
        use crate::format::count;
        format!(
            "{} found: {} copied, {} unchanged (linked), {} skipped, {} failed, {} vanished",
            count(self.files_total),
            count(self.files_copied),
            count(self.files_linked),
            count(self.skipped),
            count(self.failed),
            count(self.vanished),
        )
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
    /// Whether this run re-read its copies and compared them with the source.
    pub verified: bool,
    /// Whether the destination can hold hard links (false on FAT/exFAT drives).
    pub hard_links: bool,
    /// Sets removed by retention.
    pub removed_sets: Vec<String>,
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
            hard_links: false,
            removed_sets: Vec::new(),
            notes: Vec::new(),
            log_file: None,
        }
    }
}
