//! The loss guard: files of the set a run compares with that the data folder no longer holds. A
//! backup must never agree with a loss: a set is marked SUSPECT, like an encrypted one, when
//! - at least `MIN_GONE` files are gone and they are more than a quarter of that set's files or of
//!   its bytes; or
//! - any database file (the data folder's top-level files) is gone.
//!
//! Files the run could not look for (their folder could not be read, or the file itself could not
//! be) are not gone: they are counted apart and named as FAILED. Deleting old X-rays on purpose
//! is then confirmed, as an import is.

use super::suspicion::{Kind, Suspicion};
use super::tally::Base;
use crate::format::{bytes, count};
use std::collections::{BTreeSet, HashMap};

/// Fewer files gone than this are never called a loss by their share (a database file still is).
pub const MIN_GONE: u64 = 10;
/// More than one in `QUARTER` of the files or bytes gone crosses the line.
const QUARTER: u64 = 4;
/// Folders kept count of, at most (a hostile manifest cannot grow memory); the rest are summed.
const CAP: usize = 4096;
const EXAMPLES: usize = super::tally::EXAMPLES;
/// Folders named one by one in the evidence.
const FOLDERS_SHOWN: usize = 5;

#[derive(Debug, Default, Clone, Copy)]
struct Count {
    files: u64,
    bytes: u64,
    gone: u64,
    gone_bytes: u64,
}

/// The earlier set's files as the walk passed them: how many, and how many are gone, by folder.
#[derive(Debug, Default)]
pub struct Losses {
    all: Count,
    folders: HashMap<String, Count>,
    /// Database files gone (path in the set, size), the first `EXAMPLES`, and how many in all.
    database: Vec<(String, u64)>,
    database_gone: u64,
    examples: Vec<String>,
    /// Files not looked for because the run could not read them or their folder.
    unread: u64,
    /// Paths in the set (files or folders) the run could not read.
    unreadable: BTreeSet<String>,
}

/// The folder a file is counted under: `data/X-rays` for `data/X-rays/2024/1.dcm`, `extra/Xrays`
/// for an extra folder's files; `None` for the data folder's top-level files (the database).
fn folder_of(key: &str) -> Option<&str> {
    let mut slashes = key.match_indices('/').map(|(i, _)| i);
    let first = slashes.next()?;
    match (&key[..first], slashes.next()) {
        ("data", None) => None,
        (_, Some(second)) => Some(&key[..second]),
        (_, None) => Some(key),
    }
}

/// A folder as people call it: `X-rays`, or `Xrays (extra folder)`.
fn folder_words(folder: &str) -> String {
    match folder.split_once('/') {
        Some(("data", name)) => name.to_string(),
        Some((_, name)) => format!("{name} (extra folder)"),
        None => folder.to_string(),
    }
}

impl Losses {
    /// A file or folder (path in the set) this run could not read: what it holds is not gone.
    pub fn unreadable(&mut self, key: String) {
        if self.unreadable.len() < CAP * 16 {
            self.unreadable.insert(key);
        }
    }

    fn is_unread(&self, key: &str) -> bool {
        self.unreadable.contains(key)
            || key.match_indices('/').any(|(i, _)| self.unreadable.contains(&key[..i]))
    }

    /// A file of the earlier set, `found` or not by this run's walk.
    pub fn file(&mut self, key: &str, size: u64, found: bool) {
        if !found && self.is_unread(key) {
            self.unread += 1;
            return;
        }
        let gone = u64::from(!found);
        let add = |c: &mut Count| {
            (c.files, c.bytes) = (c.files + 1, c.bytes + size);
            (c.gone, c.gone_bytes) = (c.gone + gone, c.gone_bytes + gone * size);
        };
        add(&mut self.all);
        match folder_of(key) {
            None if !found => {
                self.database_gone += 1;
                if self.database.len() < EXAMPLES {
                    self.database.push((key.to_string(), size));
                }
            }
            None => {}
            Some(folder) => {
                let room = self.folders.len() < CAP;
                match self.folders.get_mut(folder) {
                    Some(c) => add(c),
                    None if room => add(self.folders.entry(folder.to_string()).or_default()),
                    None => {} // counted in `all` only
                }
            }
        }
        if !found && self.examples.len() < EXAMPLES {
            self.examples.push(format!("{key}: gone (was {})", bytes(size)));
        }
    }

    /// Whether what is gone crosses the line (see the module's words), against `base`.
    pub fn judge(&self, base: &Base) -> Option<Suspicion> {
        let a = self.all;
        let by_share = a.gone >= MIN_GONE && (a.gone * QUARTER > a.files || a.gone_bytes * QUARTER > a.bytes);
        if !by_share && self.database_gone == 0 {
            return None;
        }
        let since = base.started.map(|t| format!(" since {}", t.format("%a %-d %b"))).unwrap_or_default();
        let mut evidence = vec![format!(
            "{} of the {} files ({}) in {} are not in the data folder any more, {} of its {} ({})",
            count(a.gone),
            count(a.files),
            percent(a.gone, a.files),
            base.name,
            bytes(a.gone_bytes),
            bytes(a.bytes),
            percent(a.gone_bytes, a.bytes),
        )];
        let names: Vec<String> =
            self.database.iter().map(|(k, size)| format!("{} ({})", name(k), bytes(*size))).collect();
        match self.database_gone {
            0 => {}
            1 => evidence.push(format!("The database file {} is gone{since}", names.join(", "))),
            n => evidence.push(format!("{} database files are gone{since}: {}", count(n), names.join(", "))),
        }
        let mut folders: Vec<(&String, &Count)> = self.folders.iter().filter(|(_, c)| c.gone > 0).collect();
        folders.sort_by(|a, b| b.1.gone.cmp(&a.1.gone).then(a.0.cmp(b.0)));
        for (folder, c) in folders.iter().take(FOLDERS_SHOWN) {
            evidence.push(format!(
                "{}: {} of {} files gone{since}",
                folder_words(folder),
                count(c.gone),
                count(c.files)
            ));
        }
        if folders.len() > FOLDERS_SHOWN {
            evidence.push(format!(
                "and files gone from {} more folders",
                count((folders.len() - FOLDERS_SHOWN) as u64)
            ));
        }
        if self.unread > 0 {
            evidence.push(format!(
                "{} more files of {} were not looked for (they or their folders could not be read, named as FAILED below) and are not counted as gone",
                count(self.unread),
                base.name
            ));
        }
        let headline = match (by_share, self.database_gone) {
            (_, 1) => format!("The database file {} is gone from the data folder", name(&self.database[0].0)),
            (_, n) if n > 1 => format!("{} database files are gone from the data folder", count(n)),
            _ if a.gone * QUARTER > a.files => format!(
                "{} of the {} files in the last good backup are gone from the data folder",
                count(a.gone),
                count(a.files)
            ),
            _ => format!(
                "Files holding {} of the last good backup's data are gone from the data folder",
                percent(a.gone_bytes, a.bytes)
            ),
        };
        let mut examples: Vec<String> = self
            .database
            .iter()
            .map(|(k, size)| format!("{k}: database file, gone (was {})", bytes(*size)))
            .collect();
        examples.extend(
            self.examples
                .iter()
                .filter(|e| !self.database.iter().any(|(k, _)| e.starts_with(&format!("{k}:"))))
                .cloned(),
        );
        examples.truncate(EXAMPLES);
        Some(Suspicion {
            kind: Kind::Loss,
            base: base.name.clone(),
            base_started: base.started,
            headline,
            evidence,
            examples,
        })
    }
}

/// `29%`, or `under 1%` for a part too small to show as a whole percent.
fn percent(part: u64, whole: u64) -> String {
    match crate::format::percent(part, whole) {
        p if p == "0%" && part > 0 => "under 1%".into(),
        p => p,
    }
}

/// A database file's name (`Practice.db` of `data/Practice.db`).
fn name(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Base {
        Base { name: "2026-12-01_183000_RECEPTION1".into(), ..Base::default() }
    }

    /// 400 X-rays and 100 letters of 1 kB, and a database file, with `gone` X-rays gone.
    fn practice(gone: u64, database_found: bool) -> Losses {
        let mut l = Losses::default();
        l.file("data/Practice.db", 5000, database_found);
        for i in 0..400 {
            l.file(&format!("data/X-rays/{i}.dcm"), 1000, i >= gone);
        }
        for i in 0..100 {
            l.file(&format!("data/Letters/{i}.rtf"), 1000, true);
        }
        l
    }

    #[test]
    fn most_x_rays_gone_is_a_loss_named_by_folder() {
        let s = practice(380, true).judge(&base()).expect("380 of 501 files gone");
        assert_eq!(s.kind, Kind::Loss);
        assert!(s.evidence.iter().any(|e| e == "X-rays: 380 of 400 files gone"), "{:?}", s.evidence);
        assert!(!s.evidence.iter().any(|e| e.starts_with("Letters")), "{:?}", s.evidence);
        assert_eq!(s.examples.len(), EXAMPLES);
        assert!(s.headline.starts_with("380 of the 501 files"), "{}", s.headline);
    }

    #[test]
    fn a_quarter_of_the_files_is_the_line_and_ten_files_the_least() {
        assert!(practice(125, true).judge(&base()).is_none(), "125 of 501: under a quarter");
        assert!(practice(126, true).judge(&base()).is_some(), "126 of 501: over a quarter");
        let mut few = Losses::default();
        for i in 0..12 {
            few.file(&format!("data/Letters/{i}.rtf"), 10, i >= 9);
        }
        assert!(few.judge(&base()).is_none(), "3 of 12 files gone: too few to judge by share");
    }

    #[test]
    fn a_quarter_of_the_bytes_is_a_loss_too() {
        let mut l = practice(0, true);
        for i in 0..20 {
            l.file(&format!("data/Video/{i}.mp4"), 20_000, false);
        }
        let s = l.judge(&base()).expect("400 kB of 906 kB gone");
        assert!(s.headline.starts_with("Files holding 44%"), "{}", s.headline);
    }

    #[test]
    fn any_database_file_gone_is_a_loss() {
        let s = practice(0, false).judge(&base()).expect("the database file is gone");
        assert_eq!(s.headline, "The database file Practice.db is gone from the data folder");
        assert_eq!(s.examples[0], "data/Practice.db: database file, gone (was 5.0 kB)");
    }

    #[test]
    fn files_in_folders_that_could_not_be_read_are_not_gone() {
        let mut l = Losses::default();
        l.unreadable("data/X-rays".into());
        l.unreadable("data/Practice.db".into());
        l.file("data/Practice.db", 5000, false);
        for i in 0..400 {
            l.file(&format!("data/X-rays/{i}.dcm"), 1000, false);
        }
        l.file("data/X-rays2/a.dcm", 1000, true);
        assert!(l.judge(&base()).is_none());
        assert_eq!(l.unread, 401);
    }

    #[test]
    fn nothing_gone_is_nothing() {
        assert!(practice(0, true).judge(&base()).is_none());
        assert!(Losses::default().judge(&base()).is_none());
    }
}
