//! The backup sets in a destination folder: their names, which are complete, and leftovers.

use super::manifest::{self, Header};
use chrono::{DateTime, Local, NaiveDateTime, Utc};
use std::path::{Path, PathBuf};

/// A run in progress writes here; only the final rename makes it a set.
pub const PARTIAL_PREFIX: &str = ".partial-";
/// Retention renames a set to this before deleting it, so a half-deleted set never looks complete.
pub const DELETING_PREFIX: &str = ".deleting-";

/// Written into a SUSPECT set by `confirm`: who said the change was expected, and when.
pub const CONFIRMED_FILE: &str = "confirmed.txt";

/// A complete set: a folder with a dated name and a manifest whose header reads.
#[derive(Debug, Clone)]
pub struct SetInfo {
    pub name: String,
    pub path: PathBuf,
    /// Local start time, from the folder's name.
    pub time: NaiveDateTime,
    pub header: Header,
    /// A SUSPECT set's confirmation (the first line of its `confirmed.txt`), once a person gave it.
    pub confirmed: Option<String>,
}

impl SetInfo {
    /// A SUCCESS set, or a SUSPECT one confirmed whose run was otherwise a SUCCESS.
    pub fn is_success(&self) -> bool {
        let success = super::Outcome::Success.label();
        match (&self.header.suspect, &self.confirmed) {
            (None, _) => self.header.result == success,
            (Some(mark), Some(_)) => mark.result == success,
            (Some(_), None) => false,
        }
    }

    /// Marked SUSPECT by the ransomware guard and not confirmed by a person: nothing older is
    /// removed, and it is never linked from.
    pub fn is_suspect(&self) -> bool {
        self.header.suspect.is_some() && self.confirmed.is_none()
    }

    /// Whether the set says it was started later than `now` allows: the clock of the computer that
    /// made it was ahead (or this computer's is behind).
    pub fn is_future(&self, now: DateTime<Utc>) -> bool {
        self.header.started > now + FUTURE_TOLERANCE
    }
}

/// How far ahead of this computer's clock a set's start may be before it is called "dated in the
/// future": clocks of a practice's computers differ by minutes, not hours.
pub const FUTURE_TOLERANCE: chrono::TimeDelta = chrono::TimeDelta::minutes(15);

/// The sequence number for the next set made in a folder holding `sets`.
pub fn next_sequence(sets: &[SetInfo]) -> u64 {
    sets.iter().map(|s| s.header.sequence).max().unwrap_or(0).saturating_add(1)
}

/// Notes on sets dated in the future, for the log: such a set is not taken as newer than one made
/// now (sets are ordered by when they were made in this folder, not by the times they record).
pub fn future_notes(sets: &[SetInfo], now: DateTime<Utc>) -> Vec<String> {
    sets.iter()
        .filter(|s| s.is_future(now))
        .map(|s| {
            format!(
                "the backup {} says it was started {}, which is in the future by this computer's clock: the clock of {} (or of this computer) was wrong. It is kept, and not taken as newer than backups made after it.",
                s.name,
                s.header.started.with_timezone(&Local).format("%Y-%m-%d %H:%M"),
                s.header.computer
            )
        })
        .collect()
}

/// `2026-11-26_173005_RECEPTION1`
pub fn base_name(start: DateTime<Local>, computer: &str) -> String {
    let computer: String =
        computer.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    format!("{}_{computer}", start.format("%Y-%m-%d_%H%M%S"))
}

/// The time in a set's name, or `None` if the folder is not named like a set.
pub fn parse_name(name: &str) -> Option<NaiveDateTime> {
    let stamp = name.get(..17)?;
    if name.as_bytes().get(17) != Some(&b'_') {
        return None;
    }
    NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d_%H%M%S").ok()
}

/// `base` if free in `dest`, else `base-2`, `base-3`...
pub fn free_name(dest: &Path, base: &str) -> String {
    std::iter::once(base.to_string())
        .chain((2..).map(|i| format!("{base}-{i}")))
        .find(|n| std::fs::symlink_metadata(dest.join(n)).is_err())
        .expect("an unused name")
}

/// Every complete set in `dest`, in the order they were made: by sequence number (which no clock
/// can disturb), then, among sets of earlier versions (sequence 0), by recorded start time.
pub fn list(dest: &Path) -> std::io::Result<Vec<SetInfo>> {
    let mut sets = Vec::new();
    for entry in std::fs::read_dir(dest)? {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else { continue };
        let Some(time) = parse_name(&name) else { continue };
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let path = entry.path();
        if let Ok(header) = manifest::read_header(&path.join(manifest::FILE_NAME)) {
            let confirmed = header.suspect.as_ref().and_then(|_| confirmation(&path));
            sets.push(SetInfo { name, path, time, header, confirmed });
        }
    }
    sets.sort_by(|a, b| {
        (a.header.sequence, a.header.started, &a.name).cmp(&(b.header.sequence, b.header.started, &b.name))
    });
    Ok(sets)
}

/// The first line of a set's confirmation, if it has one (a file, not anything else by that name).
pub fn confirmation(set: &Path) -> Option<String> {
    use std::io::{BufRead, BufReader, Read};
    let f = std::fs::File::open(set.join(CONFIRMED_FILE))
        .ok()
        .filter(|f| f.metadata().is_ok_and(|m| m.is_file()))?;
    let mut line = String::new();
    BufReader::new(f.take(1024)).read_line(&mut line).ok()?;
    Some(line.trim().to_string())
}

/// The newest set whose whole manifest checks out and that is not an unconfirmed SUSPECT set,
/// with what it adds up to: the set a run compares with and links from.
pub fn newest_checked(sets: &[SetInfo]) -> Option<(&SetInfo, manifest::Summary)> {
    sets.iter()
        .rev()
        .filter(|s| !s.is_suspect())
        .find_map(|s| manifest::check(&s.path.join(manifest::FILE_NAME)).ok().map(|m| (s, m)))
}

/// The newest SUCCESS set, or confirmed SUSPECT one (a person accepted what it lacks), whose
/// manifest checks out whole.
pub fn newest_good(sets: &[SetInfo]) -> Option<(&SetInfo, manifest::Summary)> {
    sets.iter()
        .rev()
        .filter(|s| s.is_success() || s.confirmed.is_some())
        .find_map(|s| manifest::check(&s.path.join(manifest::FILE_NAME)).ok().map(|m| (s, m)))
}

/// Removes what killed or failed runs left behind (`.partial-*`, `.deleting-*`). Returns a note for
/// each leftover that could not be removed.
pub fn clean_leftovers(dest: &Path) -> Vec<String> {
    let mut notes = Vec::new();
    let Ok(entries) = std::fs::read_dir(dest) else { return notes };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let leftover = name.starts_with(PARTIAL_PREFIX) || name.starts_with(DELETING_PREFIX);
        if leftover && let Err(e) = super::readonly::remove_tree(&entry.path()) {
            notes.push(format!("could not remove the unfinished folder {}: {e}", entry.path().display()));
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn names_sort_by_time_and_parse_back() {
        let t = Local.with_ymd_and_hms(2026, 11, 26, 17, 30, 5).unwrap();
        let name = base_name(t, "RECEPTION 1");
        assert_eq!(name, "2026-11-26_173005_RECEPTION_1");
        assert_eq!(parse_name(&name), Some(t.naive_local()));
        assert_eq!(parse_name(".partial-1"), None);
        assert_eq!(parse_name("2026-11-26_173005"), None);
    }

    #[test]
    fn taken_names_get_a_suffix() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("x")).unwrap();
        std::fs::create_dir(d.path().join("x-2")).unwrap();
        assert_eq!(free_name(d.path(), "x"), "x-3");
        assert_eq!(free_name(d.path(), "y"), "y");
    }
}
