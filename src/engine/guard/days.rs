//! The change guard over days: an attack cut short at logoff and finished the next day, or spread
//! thin over several, stays under the line each day. Each set's manifest keeps its run's count
//! (files changed or new, and of them those that looked encrypted); a run adds up the counts of
//! the sets since the newest good set at least `DAYS` days older than it, or the newest confirmed
//! one, and judges the sum against the same line.

use super::super::sets::SetInfo;
use chrono::{DateTime, Local, Utc};

/// How far back the counts are added up.
pub const DAYS: i64 = 3;
/// Sets added up, at most (many computers back up several times a day).
const MAX_SETS: usize = 200;

/// The counts of the sets before a run, since the anchor, summed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Earlier {
    /// Sets whose counts were added.
    pub sets: u32,
    pub touched: u64,
    pub looks: u64,
    /// The set the sum starts after, and when it was started (`None`: more sets than are added up).
    pub since: Option<(String, DateTime<Local>)>,
}

/// The sets whose counts a run started at `now` adds up, newest first: from the set it compares
/// with (`base`) back to the anchor: a good set started `DAYS` days before `now`, a confirmed
/// one, or one without a count (the first backup, or one made by an earlier version). Unconfirmed
/// SUSPECT sets already raised their alarm and are passed over.
fn window<'s>(
    sets: &'s [SetInfo],
    base: &str,
    now: DateTime<Utc>,
) -> (Vec<&'s SetInfo>, Option<&'s SetInfo>) {
    let mut counted = Vec::new();
    let older = sets.iter().rev().skip_while(|s| s.name != base).filter(|s| !s.is_suspect());
    for s in older.take(MAX_SETS) {
        let old_enough = s.header.started <= now - chrono::TimeDelta::days(DAYS);
        if s.confirmed.is_some() || (s.is_success() && old_enough) || s.header.changes.is_none() {
            return (counted, Some(s));
        }
        counted.push(s);
    }
    (counted, None)
}

/// The counts a run started at `now`, comparing with the set named `base`, adds to its own.
pub fn earlier(sets: &[SetInfo], base: &str, now: DateTime<Utc>) -> Earlier {
    let (counted, anchor) = window(sets, base, now);
    let (touched, looks) =
        counted.iter().filter_map(|s| s.header.changes).fold((0, 0), |(t, l), (ct, cl)| (t + ct, l + cl));
    Earlier {
        sets: counted.len() as u32,
        touched,
        looks,
        since: anchor.map(|a| (a.name.clone(), a.header.started.with_timezone(&Local))),
    }
}

/// The recent backups in which files looked encrypted though the backup stayed under the line,
/// newest first, for `status`: those the next run would add up, were it started as the newest
/// backup was (so the clock `status` runs by does not matter).
pub fn warnings(sets: &[SetInfo]) -> Vec<String> {
    let Some(newest) = sets.iter().rev().find(|s| !s.is_suspect()) else { return Vec::new() };
    let (counted, _) = window(sets, &newest.name, newest.header.started);
    counted
        .iter()
        .filter_map(|s| s.header.changes.filter(|(_, looks)| *looks > 0).map(|c| (s, c)))
        .map(|(s, (touched, looks))| {
            format!(
                "{}: {} of the {} files that changed or were new looked encrypted (under the line for SUSPECT)",
                s.name,
                crate::format::count(looks),
                crate::format::count(touched)
            )
        })
        .collect()
}
