//! A set marked SUSPECT, and why: what the alert says, and how a person confirms it.

use super::tally::EXAMPLES;

/// What a SUSPECT set looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Its files look encrypted (and maybe files are gone too).
    Encrypted,
    /// Files of the last good backup are gone from the data folder (see `loss`).
    Loss,
}

/// A set that looks like a copy of encrypted data, or of a data folder that lost many files, and
/// why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspicion {
    pub kind: Kind,
    /// The earlier set compared with, and when it was started.
    pub base: String,
    pub base_started: Option<chrono::DateTime<chrono::Local>>,
    /// What crossed the line, in one plain sentence (no full stop).
    pub headline: String,
    /// The counts, one fact per line.
    pub evidence: Vec<String>,
    /// Up to ten files, each with why it looks encrypted.
    pub examples: Vec<String>,
}

/// One suspicion of both: files that look encrypted, with the losses' evidence and examples after.
pub(super) fn merge(encrypted: Option<Suspicion>, loss: Option<Suspicion>) -> Option<Suspicion> {
    match (encrypted, loss) {
        (Some(mut s), Some(loss)) => {
            s.evidence.push(loss.headline);
            s.evidence.extend(loss.evidence);
            s.examples.truncate(EXAMPLES - loss.examples.len().min(EXAMPLES / 2));
            s.examples.extend(loss.examples);
            s.examples.truncate(EXAMPLES);
            Some(s)
        }
        (encrypted, loss) => encrypted.or(loss),
    }
}

impl Suspicion {
    /// The alert's words: what was seen, what to do, and that the older backups are safe.
    pub fn alert(&self) -> String {
        let kept = match self.base_started {
            Some(t) => format!("The backups up to {} are kept safe", t.format("%a %-d %b %Y %H:%M")),
            None => "The older backups are kept safe".to_string(),
        };
        let what = match self.kind {
            Kind::Encrypted => "This may be ransomware. Do not use EXACT; call your IT contact now.",
            Kind::Loss => {
                "If this was not done on purpose, do not use EXACT; call your IT contact now: files may have been deleted by mistake, by a fault on the server, or by an attack."
            }
        };
        format!(
            "{}. {what} {kept}: none of them is removed until someone confirms this change was expected.",
            self.headline
        )
    }

    /// What to do once the change is known to be expected (`set`: the set's folder).
    pub fn confirm_words(&self, set: &std::path::Path) -> String {
        format!(
            "If the change was expected ({}), confirm it: logoff-backup confirm \"{}\", or in History choose the backup and \"This change was expected\". Until then no backup older than this one is removed, and the next backups are compared with {}.",
            match self.kind {
                Kind::Encrypted => "a new X-ray import, say",
                Kind::Loss => "old X-rays cleared out on purpose, say",
            },
            crate::format::display(set),
            self.base
        )
    }
}
