//! New files, counted by ending (ransomware renames what it encrypts to an ending of its own, or
//! to random names without one) and, for `.txt`/`.html` names, by the folders they appear in (its
//! ransom notes).

use super::Head;
use crate::format::count;
use std::collections::HashMap;

/// The same new `.txt`/`.html` name in at least this many folders is named in the evidence.
const NOTE_FOLDERS: u64 = 5;
/// Different endings and names kept count of, at most (a hostile folder cannot grow memory).
const CAP: usize = 4096;

/// The files of one ending in the earlier set, as its manifest gives them.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub files: u64,
    /// Of them, those with a sample (`look`), and those whose sampled blocks were mostly random.
    pub sampled: u64,
    pub random: u64,
}

impl Seen {
    /// Adds a file whose content looked as `look` shows (`None`: not sampled).
    pub fn add(&mut self, look: Option<super::Look>) {
        self.files += 1;
        if let Some(l) = look {
            self.sampled += 1;
            self.random += u64::from(l.random_percent() >= 50);
        }
    }

    /// Files of this ending were not random: of 5 or more sampled, under one in ten.
    fn plain(&self) -> bool {
        self.sampled >= 5 && self.random * 10 < self.sampled
    }
}

/// New files of one ending.
#[derive(Debug, Default)]
pub(super) struct NewEnding {
    pub files: u64,
    /// Of them, near-random of no known kind.
    pub random: u64,
    pub examples: Vec<String>,
}

#[derive(Debug, Default)]
pub(super) struct News {
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
pub(super) fn ending_words(ext: &str, one: bool) -> String {
    match (ext.is_empty(), one) {
        (true, true) => "has no ending".into(),
        (true, false) => "have no ending".into(),
        (false, true) => format!("ends in .{ext}"),
        (false, false) => format!("end in .{ext}"),
    }
}

impl News {
    /// A new file (`path` as the set's manifest gives it), whose copy starts as `head` shows.
    pub fn add(&mut self, path: &str, head: Option<Head>) {
        let name = super::loss_keys::name(path);
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
        if head.is_some_and(|h| h.unknown_random()) {
            e.random += 1;
            if e.examples.len() < super::tally::EXAMPLES {
                e.examples.push(path.to_string());
            }
        }
    }

    /// The new files whose random bytes are out of place: under endings no file had in the
    /// earlier set (`known`: its files by ending), or whose files there were not random (a random
    /// new `.txt`), most random first. Random names without an ending count even where a file
    /// without one (a README) was.
    pub fn fresh(&mut self, known: Option<&HashMap<String, Seen>>) -> Vec<(String, NewEnding)> {
        let out_of_place = |ext: &String, e: &NewEnding| match known.and_then(|k| k.get(ext)) {
            _ if ext.is_empty() => true,
            Some(seen) => e.random > 0 && seen.plain(),
            None => known.is_some(),
        };
        let mut fresh: Vec<(String, NewEnding)> =
            self.endings.drain().filter(|(ext, e)| out_of_place(ext, e)).collect();
        fresh.sort_by(|a, b| b.1.random.cmp(&a.1.random).then(a.0.cmp(&b.0)));
        fresh
    }

    /// The new `.txt`/`.html` names that appeared in many folders, as ransom notes do.
    pub fn notes(&mut self) -> Vec<String> {
        let mut notes: Vec<_> = self.notes.drain().filter(|(_, n)| n.0 >= NOTE_FOLDERS).collect();
        notes.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
        notes
            .into_iter()
            .take(3)
            .map(|(name, (folders, path))| {
                format!(
                    "a new file named {name} appeared in {} folders, as ransom notes do (e.g. {path})",
                    count(folders)
                )
            })
            .collect()
    }
}
