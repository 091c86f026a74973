//! The run's signs added up, and the line they must cross for a set to be marked SUSPECT:
//! - at least `MIN_CHANGED` files changed or new since the earlier set, and more than
//!   `SHARE_PERCENT`% of them look encrypted (a changed file that lost its kind's signature or
//!   turned near-random; a new, near-random file of no known kind whose ending no file had in the
//!   earlier set, such as `.locked`); or
//! - any database file (the data folder's top-level files) looks encrypted.
//!
//! Everything else (the share changed, new endings, ransom-note-like names) is evidence for the
//! person reading the log, not a reason on its own.

use super::compare::{Base, Change, Verdict};
use super::news::{News, ending_words};
use super::pair::NewFile;
use super::suspicion::{Kind, Suspicion, merge};
use crate::format::{count, percent};

/// Fewer changed or new files than this are never called an attack by their share.
pub const MIN_CHANGED: u64 = 50;
/// More than this share (in percent) of the changed or new files must look encrypted.
pub const SHARE_PERCENT: u64 = 20;
/// Example files kept for the log and the manifest.
pub(super) const EXAMPLES: usize = 10;
/// New files kept to be paired, at most (about 100 bytes each); later ones count as new at once.
const PENDING: usize = 200_000;

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
    /// New files by ending, and new `.txt`/`.html` names.
    news: News,
    /// New files, kept to be paired with the files they replaced before they are counted.
    pending: Vec<NewFile>,
}

impl Tally {
    /// A file now in the set (`path` as its manifest gives it), and how it stands against the
    /// earlier set.
    pub fn add(&mut self, path: &str, size: u64, change: Change, database: bool) {
        (self.files, self.bytes) = (self.files + 1, self.bytes + size);
        match change {
            Change::Same => {}
            Change::Changed { before, now, was, is } => {
                self.add_changed(path, size, super::changed((before, now), (was, is), database), database)
            }
            Change::New { now, is } => {
                let new = NewFile { path: path.to_string(), size, head: now, look: is };
                match self.pending.len() < PENDING {
                    true => self.pending.push(new),
                    false => self.add_new(&new),
                }
            }
        }
    }

    /// Adds a file that changed in the earlier set's place, judged as it is now and as it was.
    fn add_changed(&mut self, path: &str, size: u64, sign: Option<super::Sign>, database: bool) {
        (self.changed, self.changed_bytes) = (self.changed + 1, self.changed_bytes + size);
        if let Some(sign) = sign {
            self.encrypted += 1;
            self.database += u64::from(database);
            let list = if database { &mut self.database_examples } else { &mut self.examples };
            if list.len() < EXAMPLES {
                list.push(format!("{path}: {}", sign.words()));
            }
        }
    }

    /// Pairs the new files with the files of the earlier set gone (`losses`) that they replaced,
    /// and adds each: as that file changed, or as new.
    fn settle(&mut self, losses: Option<&super::Losses>) {
        let pending = std::mem::take(&mut self.pending);
        let Some((set, gone)) = losses.map(super::Losses::gone) else {
            return pending.iter().for_each(|n| self.add_new(n));
        };
        for (n, g) in pending.iter().zip(super::pair::pair(&pending, gone)) {
            let Some(g) = g.map(|g| &gone[g]) else {
                self.add_new(n);
                continue;
            };
            let sign = super::pair::judge(n, g, set);
            let path = format!("{} (in place of {}, gone)", n.path, g.key);
            self.add_changed(&path, n.size, sign, g.database);
        }
    }

    /// Adds a new file: a password-protected archive looks encrypted whatever its ending; new
    /// endings, and new `.txt`/`.html` names, are counted.
    fn add_new(&mut self, n: &NewFile) {
        let (path, size, now) = (n.path.as_str(), n.size, n.head);
        (self.added, self.added_bytes) = (self.added + 1, self.added_bytes + size);
        if now.is_some_and(|h| h.sealed) {
            self.encrypted += 1;
            if self.examples.len() < EXAMPLES {
                self.examples.push(format!("{path}: new, a password-protected archive"));
            }
        }
        self.news.add(path, now);
    }

    /// Whether the signs cross the line against the earlier set, if there is one; or a note that
    /// its manifest could not be read to its end, so nothing could be judged.
    /// The files gone since the last good set (`losses`, counted as its manifest was read beside
    /// the walk, and that set) are judged too.
    pub fn verdict(mut self, base: Option<&Base>, losses: Option<(&super::Losses, &Base)>) -> Verdict {
        match base {
            Some(b) if b.endings.is_none() || losses.is_none() => Verdict {
                note: Some(format!(
                    "the ransomware and loss guards could not compare this backup with {}: its manifest could not be read to its end",
                    b.name
                )),
                ..Verdict::default()
            },
            Some(b) => {
                self.settle(losses.map(|(l, _)| l));
                let (judged, changes) = self.judge(b);
                let (encrypted, note) = match judged {
                    Ok(s) => (Some(s), None),
                    Err(warning) => (None, warning),
                };
                let suspect = merge(encrypted, losses.and_then(|(l, good)| l.judge(good)));
                Verdict { suspect, note, changes: Some(changes) }
            }
            None => Verdict::default(),
        }
    }

    /// Whether the signs cross the line, against the earlier set `base` (read whole); if not, a
    /// warning when some files look encrypted all the same (an attack spread thin, or cut short).
    /// Gives too the run's count: files changed or new, and of them those that look encrypted.
    pub fn judge(mut self, base: &Base) -> (Result<Suspicion, Option<String>>, (u64, u64)) {
        self.settle(None);
        // New endings: no file in the earlier set had them.
        let known = base.endings.as_ref();
        let fresh = self.news.fresh(known);
        let renamed: u64 = fresh.iter().map(|(_, e)| e.random).sum();
        let looks = self.encrypted + renamed;
        let touched = self.changed + self.added;
        // Counts from earlier manifests may be anything: no sum or product can overflow.
        let crosses = |touched: u64, looks: u64| {
            touched >= MIN_CHANGED
                && u128::from(looks) * 100 > u128::from(touched) * u128::from(SHARE_PERCENT)
        };
        let by_share = crosses(touched, looks);
        // Over days: this run's count and those of the sets before it, since the anchor.
        let e = &base.earlier;
        let (all_touched, all_looks) = (touched.saturating_add(e.touched), looks.saturating_add(e.looks));
        let by_days = !by_share && e.looks > 0 && crosses(all_touched, all_looks);
        let since = match &e.since {
            Some((name, _)) => format!(" since {name}"),
            None => String::new(),
        };
        if !by_share && !by_days && self.database == 0 {
            let example = self.examples.first().cloned().or_else(|| {
                fresh.iter().find_map(|(ext, e)| {
                    e.examples.first().map(|p| format!("{p}: new, {}", ending_words(ext, true)))
                })
            });
            let before = match e.looks {
                0 => String::new(),
                _ => format!(
                    "; with the {} backups before it{since}, {} of {}",
                    count(e.sets()),
                    count(all_looks),
                    count(all_touched)
                ),
            };
            let warning = example.filter(|_| looks > 0).map(|example| {
                format!(
                    "{} of the {} files that changed or are new since {} look encrypted (e.g. {example}){before}: under the line for a SUSPECT backup, but if these changes were not expected, call your IT contact",
                    count(looks),
                    count(touched),
                    base.name
                )
            });
            return (Err(warning), (touched, looks));
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
        if by_days {
            evidence.push(format!(
                "over this backup and the {} before it{since}: {} of {} files changed or new look encrypted ({}), over the line for a SUSPECT backup: an attack spread over days looks so",
                count(e.sets()),
                count(all_looks),
                count(all_touched),
                percent(all_looks, all_touched)
            ));
        }
        if self.database > 0 {
            let (what, verb) = if self.database == 1 { ("file", "looks") } else { ("files", "look") };
            evidence.push(format!("{} database {what} {verb} encrypted", count(self.database)));
        }
        let deleted = base.files.saturating_sub(self.files - self.added);
        for (ext, e) in fresh.iter().filter(|(_, e)| e.random > 0).take(3) {
            let before = match known.is_some_and(|k| k.contains_key(ext)) {
                true => format!(
                    "and {} of them are random bytes, which its files in {} were not",
                    count(e.random),
                    base.name
                ),
                false => format!("which no file did in {}", base.name),
            };
            evidence.push(format!(
                "{} new files {}, {before}; {} of its files are not in this backup under their old names",
                count(e.files),
                ending_words(ext, false),
                count(deleted)
            ));
        }
        evidence.extend(self.news.notes());
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
        let headline = match (by_share, by_days) {
            (true, _) => format!(
                "{} of the {} files that changed or are new since the last good backup look encrypted",
                count(looks),
                count(touched)
            ),
            (_, true) => format!(
                "{} of the {} files that changed or are new over the last {} backups look encrypted",
                count(all_looks),
                count(all_touched),
                count(e.sets() + 1)
            ),
            _ => "The database files changed and look encrypted".to_string(),
        };
        // Over days, the backups since the anchor hold encrypted files too: the anchor is safe.
        let base_started = match (by_share || self.database > 0, &e.since) {
            (false, Some((_, started))) => Some(*started),
            (false, None) => None,
            (true, _) => base.started,
        };
        let s = Suspicion {
            kind: Kind::Encrypted,
            base: base.name.clone(),
            base_started,
            headline,
            evidence,
            examples,
        };
        (Ok(s), (touched, looks))
    }
}
