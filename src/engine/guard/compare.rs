//! What a run's change guard compares with, how each file stands against it, and the verdict.

use super::{Head, Suspicion};
use std::collections::HashMap;

/// The set a run compares with: its name, when it was made, its files and their endings.
#[derive(Debug, Clone, Default)]
pub struct Base {
    pub name: String,
    pub started: Option<chrono::DateTime<chrono::Local>>,
    pub files: u64,
    pub bytes: u64,
    /// Files by lower-case ending (`jpg`), as the earlier set's manifest lists them; `None` until
    /// (or unless) it was read to its end.
    pub endings: Option<HashMap<String, super::Seen>>,
    /// The counts of the sets before it, for the judgement over days.
    pub earlier: super::Earlier,
}

/// What the guards make of a run.
#[derive(Debug, Default)]
pub struct Verdict {
    /// Marked SUSPECT, and why.
    pub suspect: Option<Suspicion>,
    /// A warning, or why nothing could be judged.
    pub note: Option<String>,
    /// Files changed or new, and of them those that looked encrypted (`None`: not judged).
    pub changes: Option<(u64, u64)>,
}

/// How a file in the set stands against the earlier set.
#[derive(Debug, Clone, Copy)]
pub enum Change {
    /// Linked, or copied again with the same content.
    Same,
    /// At the same path in the earlier set, with other content: the first block of its copy there
    /// and now, and its whole content's look as that set's manifest gives it and now.
    Changed { before: Option<Head>, now: Option<Head>, was: Option<super::Look>, is: Option<super::Look> },
    /// Not in the earlier set: the first block of its copy, and its whole content's look.
    New { now: Option<Head>, is: Option<super::Look> },
}
