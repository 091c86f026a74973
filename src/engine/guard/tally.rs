//! The run's signs added up, and the line they must cross for a set to be marked SUSPECT:
//! - at least `MIN_CHANGED` files changed or new since the earlier set, and more than
//!   `SHARE_PERCENT`% of them look encrypted (a changed file that lost its kind's signature or
//!   turned near-random; a new, near-random file of no known kind whose ending no file had in the
//!   earlier set, such as `.locked`); or
//! - any database file (the data folder's top-level files) looks encrypted.
//!
//! Everything else (the share changed, new endings, ransom-note-like names) is evidence for the
//! person reading the log, not a reason on its own.

use super::Head;
use super::suspicion::{Kind, Suspicion, merge};
use crate::format::{count, percent};
use std::collections::HashMap;

/// Fewer changed or new files than this are never called an attack by their share.
pub const MIN_CHANGED: u64 = 50;
/// More than this share (in percent) of the changed or new files must look encrypted.
pub const SHARE_PERCENT: u64 = 20;
/// Example files kept for the log and the manifest.
pub(super) const EXAMPLES: usize = 10;
/// The same new `.txt`/`.html` name in at least this many folders is named in the evidence.
const NOTE_FOLDERS: u64 = 5;
/// Different endings and names kept count of, at most (a hostile folder cannot grow memory).
const CAP: usize = 4096;

/// The set a run compares with: its name, when it was made, its files and their endings.
#[derive(Debug, Clone, Default)]
pub struct Base {
    pub name: String,
    pub started: Option<chrono::DateTime<chrono::Local>>,
    pub files: u64,
    pub bytes: u64,
    /// Files by lower-case ending (`jpg`), as the earlier set's manifest lists them; `None` until
    /// (or unless) it was read to its end.
    pub endings: Option<HashMap<String, u64>>,
}

/// New files of one ending.
#[derive(Debug, Default)]
struct NewEnding {
    files: u64,
    random: u64,
    examples: Vec<String>,
}

/// What the run has seen so far.
#[derive(Debug, Default)]
pub struct Tally {
    files: u64,
    bytes: u64,
    changed: u64,
    changed_bytes: u64,
    added: u64,
    added_bytes: u64,
    encrypted: u64,
    database: u64,
    /// Examples of database files, and of other changed files, that look encrypted.
    database_examples: Vec<String>,
    examples: Vec<String>,
    endings: HashMap<String, NewEnding>,
    /// New `.txt`/`.html` names (lower case): how many folders, and one path.
    notes: HashMap<String, (u64, String)>,
}

/// The lower-case ending of a file name (`X.JPG` → `jpg`); empty for a name without a short one
/// (ransomware that gives files random names without an ending is counted under "").
pub fn ending(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 16 => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// "ends in .locked" or "has no ending" (for one file); "end in .locked" or "have no ending".
fn ending_words(ext: &str, one: bool) -> String {
    match (ext.is_empty(), one) {
        (true, true) => "has no ending".into(),
        (true, false) => "have no ending".into(),
        (false, true) => format!("ends in .{ext}"),
        (false, false) => format!("end in .{ext}"),
    }
}

impl Tally {
    /// A file now in the set (`path` as its manifest gives it), and how it stands against the
    /// earlier set.
    pub fn add(&mut self, path: &str, size: u64, change: Change, database: bool) {
        (self.files, self.bytes) = (self.files + 1, self.bytes + size);
        match change {
            Change::Same => {}
            Change::Changed { before, now, was, is } => {
                (self.changed, self.changed_bytes) = (self.changed + 1, self.changed_bytes + size);
                let sign = super::changed((before, now), (was, is), database);
                if let Some(sign) = sign {
                    self.encrypted += 1;
                    self.database += u64::from(database);
                    let list = if database { &mut self.database_examples } else { &mut self.examples };
                    if list.len() < EXAMPLES {
                        list.push(format!("{path}: {}", sign.words()));
                    }
                }
            }
            Change::New { now } => {
                (self.added, self.added_bytes) = (self.added + 1, self.added_bytes + size);
                // A password-protected archive looks encrypted whatever its ending.
                if now.is_some_and(|h| h.sealed) {
                    self.encrypted += 1;
                    if self.examples.len() < EXAMPLES {
                        self.examples.push(format!("{path}: new, a password-protected archive"));
                    }
                }
                let name = path.rsplit('/').next().unwrap_or(path);
                let ext = ending(name);
                if matches!(ext.as_str(), "txt" | "html" | "htm" | "hta") {
                    let room = self.notes.len() < CAP;
                    if let Some(n) = self.notes.get_mut(&name.to_lowercase()) {
                        n.0 += 1;
                    } else if room {
                        self.notes.insert(name.to_lowercase(), (1, path.to_string()));
                    }
                }
                let room = self.endings.len() < CAP;
                let Some(e) = (match self.endings.get_mut(&ext) {
                    Some(e) => Some(e),
                    None if room => Some(self.endings.entry(ext).or_default()),
                    None => None,
                }) else {
                    return;
                };
                e.files += 1;
                if now.is_some_and(|h| h.unknown_random()) {
                    e.random += 1;
                    if e.examples.len() < EXAMPLES {
                        e.examples.push(path.to_string());
                    }
                }
            }
        }
    }

    /// Whether the signs cross the line against the earlier set, if there is one; or a note that
    /// its manifest could not be read to its end, so nothing could be judged.
    /// The files gone since the last good set (`losses`, counted as its manifest was read beside
    /// the walk, and that set) are judged too.
    pub fn verdict(
        self,
        base: Option<&Base>,
        losses: Option<(&super::Losses, &Base)>,
    ) -> (Option<Suspicion>, Option<String>) {
        match base {
            Some(b) if b.endings.is_none() || losses.is_none() => (
                None,
                Some(format!(
                    "the ransomware and loss guards could not compare this backup with {}: its manifest could not be read to its end",
                    b.name
                )),
            ),
            Some(b) => {
                let (encrypted, warning) = match self.judge(b) {
                    Ok(s) => (Some(s), None),
                    Err(warning) => (None, warning),
                };
                (merge(encrypted, losses.and_then(|(l, good)| l.judge(good))), warning)
            }
            None => (None, None),
        }
    }

    /// Whether the signs cross the line, against the earlier set `base` (read whole); if not, a
    /// warning when some files look encrypted all the same (an attack spread thin, or cut short).
    pub fn judge(mut self, base: &Base) -> Result<Suspicion, Option<String>> {
        // New endings: no file in the earlier set had them.
        let known = base.endings.as_ref();
        let mut fresh: Vec<(String, NewEnding)> =
            // Random names without an ending count even where a file without one (a README) was.
            self.endings.drain().filter(|(ext, _)| ext.is_empty() || known.is_some_and(|k| !k.contains_key(ext))).collect();
        fresh.sort_by(|a, b| b.1.random.cmp(&a.1.random).then(a.0.cmp(&b.0)));
        let renamed: u64 = fresh.iter().map(|(_, e)| e.random).sum();
        let looks = self.encrypted + renamed;
        let touched = self.changed + self.added;
        let by_share = touched >= MIN_CHANGED && looks * 100 > touched * SHARE_PERCENT;
        if !by_share && self.database == 0 {
            let example = self.examples.first().cloned().or_else(|| {
                fresh.iter().find_map(|(ext, e)| {
                    e.examples.first().map(|p| format!("{p}: new, {}", ending_words(ext, true)))
                })
            });
            return Err(example.filter(|_| looks > 0).map(|example| {
                format!(
                    "{} of the {} files that changed or are new since {} look encrypted (e.g. {example}): under the line for a SUSPECT backup, but if these changes were not expected, call your IT contact",
                    count(looks),
                    count(touched),
                    base.name
                )
            }));
        }
        let mut evidence = vec![
            format!(
                "{} of {} files ({}) changed or new since {}: {} changed, {} new; {} of the set's bytes",
                count(touched),
                count(self.files),
                percent(touched, self.files),
                base.name,
                count(self.changed),
                count(self.added),
                percent(self.changed_bytes + self.added_bytes, self.bytes),
            ),
            format!(
                "{} of them ({}) look encrypted: {} lost their kind's signature, turned to random bytes or are password-protected archives, {} new files are random bytes under an ending no file had",
                count(looks),
                percent(looks, touched),
                count(self.encrypted),
                count(renamed)
            ),
        ];
        if self.database > 0 {
            let (what, verb) = if self.database == 1 { ("file", "looks") } else { ("files", "look") };
            evidence.push(format!("{} database {what} {verb} encrypted", count(self.database)));
        }
        let deleted = base.files.saturating_sub(self.files - self.added);
        for (ext, e) in fresh.iter().filter(|(_, e)| e.random > 0).take(3) {
            let before = match known.is_some_and(|k| k.contains_key(ext)) {
                true => format!("and {} of them are random bytes", count(e.random)),
                false => format!("which no file did in {}", base.name),
            };
            evidence.push(format!(
                "{} new files {}, {before}; {} of its files are not in this backup under their old names",
                count(e.files),
                ending_words(ext, false),
                count(deleted)
            ));
        }
        let mut notes: Vec<_> = self.notes.into_iter().filter(|(_, n)| n.0 >= NOTE_FOLDERS).collect();
        notes.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
        for (name, (folders, path)) in notes.into_iter().take(3) {
            evidence.push(format!(
                "a new file named {name} appeared in {} folders, as ransom notes do (e.g. {path})",
                count(folders)
            ));
        }
        // The database first, then changed and new files in turn, so each kind of sign shows.
        let renamed = fresh.iter().flat_map(|(ext, e)| {
            e.examples.iter().map(move |path| {
                format!("{path}: new, {}, random bytes of no known kind", ending_words(ext, true))
            })
        });
        let (mut changed, mut renamed) = (self.examples.into_iter(), renamed);
        let mut examples = self.database_examples;
        while examples.len() < EXAMPLES {
            let next: Vec<String> = changed.next().into_iter().chain(renamed.next()).collect();
            if next.is_empty() {
                break;
            }
            examples.extend(next);
        }
        examples.truncate(EXAMPLES);
        let headline = match by_share {
            true => format!(
                "{} of the {} files that changed or are new since the last good backup look encrypted",
                count(looks),
                count(touched)
            ),
            false => "The database files changed and look encrypted".to_string(),
        };
        Ok(Suspicion {
            kind: Kind::Encrypted,
            base: base.name.clone(),
            base_started: base.started,
            headline,
            evidence,
            examples,
        })
    }
}

/// How a file in the set stands against the earlier set.
#[derive(Debug, Clone, Copy)]
pub enum Change {
    /// Linked, or copied again with the same content.
    Same,
    /// At the same path in the earlier set, with other content: the first block of its copy there
    /// and now, and its whole content's look as that set's manifest gives it and now.
    Changed { before: Option<Head>, now: Option<Head>, was: Option<super::Look>, is: Option<super::Look> },
    /// Not in the earlier set.
    New { now: Option<Head> },
}
