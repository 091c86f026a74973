//! Which old sets to remove, like restic's `forget`: keep the union of the newest `last`, the
//! newest set of each of the last `daily` days, `weekly` weeks and `monthly` months that have one.
//! Only SUCCESS sets count; the newest SUCCESS set, the set the run has just made, and every set
//! newer than the newest SUCCESS one are always kept. "Newer" is the order sets were made in (see
//! `sets::list`), so a computer whose clock is wrong cannot make a fresh set look old; the rules'
//! days, weeks and months are each set's own recorded date.

use super::manifest;
use super::sets::{DELETING_PREFIX, SetInfo};
use crate::plan::Retention;
use chrono::{Datelike, NaiveDateTime};

/// Indexes (into `sets`, oldest first) of the sets the rules let go; never the set named `made_now`,
/// and never an unconfirmed SUSPECT set or any set older than one (see `kept_for_suspect`).
pub fn select(sets: &[SetInfo], rules: Retention, made_now: &str) -> Vec<usize> {
    let entries: Vec<(NaiveDateTime, bool)> = sets.iter().map(|s| (s.time, s.is_success())).collect();
    let kept = kept_for_suspect(sets);
    select_times(&entries, rules).into_iter().filter(|&i| sets[i].name != made_now && i >= kept).collect()
}

/// How many of the oldest sets stay whatever the rules say: up to and including the newest
/// unconfirmed SUSPECT set. The sets from before an attack are the ones a practice restores from.
pub fn kept_for_suspect(sets: &[SetInfo]) -> usize {
    sets.iter().rposition(SetInfo::is_suspect).map_or(0, |i| i + 1)
}

/// The rules on (time, success) pairs, oldest first.
pub fn select_times(sets: &[(NaiveDateTime, bool)], rules: Retention) -> Vec<usize> {
    let newest_success = sets.iter().rposition(|s| s.1);
    let mut keep = vec![false; sets.len()];
    if let Some(last) = keep.last_mut() {
        *last = true;
    }
    // Sets newer than the newest SUCCESS (runs with errors since) are thinned among themselves.
    let newer: Vec<usize> = (newest_success.map_or(0, |i| i + 1)..sets.len()).collect();
    let success: Vec<usize> = (0..sets.len()).filter(|&i| sets[i].1).collect();
    for group in [newer, success] {
        for i in keep_by_rules(&group, sets, rules) {
            keep[i] = true;
        }
    }
    if let Some(i) = newest_success {
        keep[i] = true;
    }
    (0..sets.len()).filter(|&i| !keep[i]).collect()
}

fn keep_by_rules(group: &[usize], sets: &[(NaiveDateTime, bool)], rules: Retention) -> Vec<usize> {
    type Bucket = fn(&NaiveDateTime) -> i64;
    let buckets: [(u32, Bucket); 3] = [
        (rules.daily, |t| t.date().num_days_from_ce() as i64),
        (rules.weekly, |t| {
            let w = t.iso_week();
            w.year() as i64 * 100 + w.week() as i64
        }),
        (rules.monthly, |t| t.year() as i64 * 100 + t.month() as i64),
    ];
    let mut kept = Vec::new();
    let newest_first = group.iter().rev();
    kept.extend(newest_first.clone().take(rules.last as usize));
    for (count, bucket) in buckets {
        // The newest set of each day (week, month), newest first; dates need not rise with the
        // order sets were made in when a computer's clock was wrong, so each period counts once.
        let mut seen = std::collections::HashSet::new();
        for &i in newest_first.clone() {
            if seen.len() == count as usize {
                break;
            }
            if seen.insert(bucket(&sets[i].0)) {
                kept.push(i);
            }
        }
    }
    kept
}

/// Removes the selected sets: each is checked to hold a valid manifest of ours, renamed to
/// `.deleting-<name>` (so a half-removed set never looks complete), then deleted.
/// Returns the names removed and a note for each that could not be.
pub fn remove(sets: &[SetInfo], which: &[usize]) -> (Vec<String>, Vec<String>) {
    let (mut removed, mut notes) = (Vec::new(), Vec::new());
    for &i in which {
        let set = &sets[i];
        if let Err(e) = manifest::check(&set.path.join(manifest::FILE_NAME)) {
            notes.push(format!("kept old backup {} because its manifest is not valid: {e}", set.name));
            continue;
        }
        let doomed = set.path.with_file_name(format!("{DELETING_PREFIX}{}", set.name));
        let result = std::fs::rename(&set.path, &doomed).and_then(|_| super::readonly::remove_tree(&doomed));
        match result {
            Ok(()) => removed.push(set.name.clone()),
            Err(e) => notes.push(format!("could not remove old backup {}: {e}", set.name)),
        }
    }
    (removed, notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, NaiveDate};

    fn day(n: i64) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(18, 0, 0).unwrap() + Duration::days(n)
    }

    fn rules(last: u32, daily: u32, weekly: u32, monthly: u32) -> Retention {
        Retention { last, daily, weekly, monthly }
    }

    #[test]
    fn keep_last_only() {
        let sets: Vec<_> = (0..6).map(|d| (day(d), true)).collect();
        assert_eq!(select_times(&sets, rules(3, 0, 0, 0)), [0, 1, 2]);
    }

    #[test]
    fn daily_keeps_the_newest_of_each_day() {
        // Two sets a day for 4 days (lunch and evening), keep 2 days.
        let sets: Vec<_> =
            (0..4).flat_map(|d| [(day(d) - Duration::hours(5), true), (day(d), true)]).collect();
        assert_eq!(select_times(&sets, rules(0, 2, 0, 0)), [0, 1, 2, 3, 4, 6]);
    }

    #[test]
    fn weekly_and_monthly_reach_back() {
        // One set a day for 70 days: keep 2 days, 2 weeks, 3 months.
        let sets: Vec<_> = (0..70).map(|d| (day(d), true)).collect();
        let removed = select_times(&sets, rules(0, 2, 2, 3));
        let kept: Vec<usize> = (0..70).filter(|i| !removed.contains(i)).collect();
        // Day 69 is Wed 2026-03-11. Daily: days 69, 68. Weekly: the weeks of Mon 9 March (69)
        // and Mon 2 March (its Sunday, day 66). Monthly: March (69), Feb 28 (58), Jan 31 (30).
        assert_eq!(kept, [30, 58, 66, 68, 69]);
    }

    #[test]
    fn a_set_from_a_clock_a_year_behind_counts_as_the_newest_and_its_own_day() {
        // Made in order: days 0..5, then a set whose computer's clock was a year behind.
        let mut sets: Vec<_> = (0..5).map(|d| (day(d), true)).collect();
        sets.push((day(-365), true));
        // Keep the newest 2: that is the last two made, whatever their dates say.
        assert_eq!(select_times(&sets, rules(2, 0, 0, 0)), [0, 1, 2, 3]);
        // Keep 3 days: the newest set of each of the 3 newest-made days, counting the odd one.
        assert_eq!(select_times(&sets, rules(0, 3, 0, 0)), [0, 1, 2]);
    }

    #[test]
    fn only_success_counts_and_the_newest_success_is_never_removed() {
        // Old failures, a success, then newer runs with errors.
        let sets = vec![(day(0), false), (day(1), true), (day(2), false), (day(3), false), (day(4), false)];
        let removed = select_times(&sets, rules(1, 0, 0, 0));
        assert_eq!(removed, [0, 2, 3], "keeps the newest success (1) and the newest set (4)");
    }
}
