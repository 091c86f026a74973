//! The change guard over days: an attack cut short at logoff and finished the next day, or spread
//! thin over several, stays under the line each day. Each set's manifest keeps its run's count
//! (files changed or new, and of them those that looked encrypted) and the counts it added up; a
//! run adds up the counts of the set it compares with and of those before it made on the last
//! `DAYS` days on which backups were made (a weekend is not a gap), back to a confirmed set, and
//! judges the sum against the same line.
//!
//! Days go by when the sets were started, but a set never counts as newer than one made after it
//! (a computer whose clock was ahead, or a time made up, cannot keep the window open), and the
//! counts are carried in each manifest, so retention removing sets does not lose them.

use super::super::manifest::Counted;
use super::super::sets::SetInfo;
use chrono::{DateTime, Local, NaiveDate, Utc};
use std::collections::BTreeSet;

/// The days with backups whose counts are added up, today's included.
pub const DAYS: usize = 3;
/// Sets added up, at most (many computers back up several times a day).
const MAX_SETS: usize = super::super::manifest::MAX_EARLIER;

/// The counts of the sets before a run, summed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Earlier {
    /// The sets whose counts were added, newest first (kept in the run's own manifest).
    pub counted: Vec<Counted>,
    pub touched: u64,
    pub looks: u64,
    /// The set the sum starts after, and when it was started (`None`: not known, the counts kept
    /// reached their limit).
    pub since: Option<(String, DateTime<Local>)>,
}

impl Earlier {
    pub fn sets(&self) -> u64 {
        self.counted.len() as u64
    }
}

/// The set `newest` and the sets its run added up, newest first: the sets a run comparing with it
/// may add up. A set without a count (the first backup, one of an earlier version) has none.
fn chain(newest: &SetInfo) -> Vec<Counted> {
    let Some((touched, looks)) = newest.header.changes else { return Vec::new() };
    let own = Counted { name: newest.name.clone(), started: newest.header.started, touched, looks };
    std::iter::once(own).chain(newest.header.earlier.iter().cloned()).collect()
}

/// Of `chain` (newest first), those a run started at `now` adds up, and the set it stops at.
fn window(chain: Vec<Counted>, sets: &[SetInfo], now: DateTime<Utc>) -> (Vec<Counted>, Option<Counted>) {
    // A set is taken as started no later than any set made after it: a clock that was ahead
    // (or a time made up) cannot hold the sets after it in one day.
    let mut ceiling = chain.first().map_or(now, |c| c.started.max(now));
    let at: Vec<DateTime<Utc>> = chain
        .iter()
        .map(|c| {
            ceiling = c.started.min(ceiling);
            ceiling
        })
        .collect();
    let day = |t: DateTime<Utc>| -> NaiveDate { t.with_timezone(&Local).date_naive() };
    let today = day(at.first().copied().unwrap_or(now).max(now));
    let confirmed = |name: &str| sets.iter().any(|s| s.name == name && s.confirmed.is_some());
    let mut days: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut counted = Vec::new();
    for (c, t) in chain.into_iter().zip(at).take(MAX_SETS) {
        let d = day(t);
        let new_day = d != today && !days.contains(&d);
        if confirmed(&c.name) || (new_day && days.len() + 1 >= DAYS) {
            return (counted, Some(c));
        }
        if d != today {
            days.insert(d);
        }
        counted.push(c);
    }
    (counted, None)
}

/// What a run started at `now` that compares with `base` adds to its own count. A base without a
/// count (the first backup, one made by an earlier version) is where the sum starts.
pub fn earlier(sets: &[SetInfo], base: &SetInfo, now: DateTime<Utc>) -> Earlier {
    if base.header.changes.is_none() {
        let since = Some((base.name.clone(), base.header.started.with_timezone(&Local)));
        return Earlier { since, ..Earlier::default() };
    }
    let chain = chain(base);
    let whole = chain.len() <= MAX_SETS;
    let (counted, anchor) = window(chain, sets, now);
    // Every set the base added up is added here too: the sum starts where the base's did.
    let anchor = anchor.map(|a| (a.name, a.started)).or_else(|| base.header.since.clone().filter(|_| whole));
    let sum = |f: fn(&Counted) -> u64| counted.iter().map(f).fold(0u64, u64::saturating_add);
    Earlier {
        touched: sum(|c| c.touched),
        looks: sum(|c| c.looks),
        since: anchor.map(|(name, started)| (name, started.with_timezone(&Local))),
        counted,
    }
}

/// The recent backups in which files looked encrypted though the backup stayed under the line,
/// newest first, for `status`: those the next run would add up, were it started as the newest
/// backup was (so the clock `status` runs by does not matter).
pub fn warnings(sets: &[SetInfo]) -> Vec<String> {
    /// Warnings named one by one, at most.
    const SHOWN: usize = 5;
    let Some(newest) = sets.iter().rev().find(|s| !s.is_suspect()) else { return Vec::new() };
    let (counted, _) = window(chain(newest), sets, newest.header.started);
    let warned: Vec<&Counted> = counted.iter().filter(|c| c.looks > 0).collect();
    let more = warned.len().saturating_sub(SHOWN);
    let mut lines: Vec<String> = warned
        .iter()
        .take(SHOWN)
        .map(|c| {
            format!(
                "{}: {} of the {} files that changed or were new looked encrypted (under the line for SUSPECT)",
                c.name,
                crate::format::count(c.looks),
                crate::format::count(c.touched)
            )
        })
        .collect();
    if more > 0 {
        lines.push(format!(
            "and {} more recent backups in which files looked encrypted",
            crate::format::count(more as u64)
        ));
    }
    lines
}
