//! Checks of settings as they are edited, in plain words next to each field. `quick` needs no
//! disk access; `check` and `estimate` touch the disk (and the network) and run off the UI thread.

use crate::format::{self, display};
use crate::settings::Settings;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Blocks Save.
    Error,
    /// Worth knowing; Save is allowed.
    Warning,
    Info,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    DataFolder,
    Destination,
    Extra(usize),
    Retention,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub field: Field,
    pub severity: Severity,
    pub text: String,
}

fn msg(field: Field, severity: Severity, text: impl Into<String>) -> Message {
    Message { field, severity, text: text.into() }
}

/// Checks that need no disk access.
pub fn quick(s: &Settings) -> Vec<Message> {
    let mut out = Vec::new();
    if s.data_folder.as_os_str().is_empty() {
        out.push(msg(
            Field::DataFolder,
            Severity::Error,
            "Choose EXACT's data folder (for example \\\\server\\EXACTData).",
        ));
    }
    if s.destination.as_os_str().is_empty() {
        out.push(msg(
            Field::Destination,
            Severity::Error,
            "Choose where backups go (a folder on this computer or a backup drive).",
        ));
    }
    for (i, e) in s.extra_folders.iter().enumerate() {
        if e.as_os_str().is_empty() {
            out.push(msg(Field::Extra(i), Severity::Error, "Choose a folder, or remove this line."));
        }
    }
    if s.keep_last + s.keep_daily + s.keep_weekly + s.keep_monthly == 0 {
        out.push(msg(Field::Retention, Severity::Error, "Keep at least one backup."));
    }
    out
}

/// Checks that look at the folders: they exist, can be read, can be written, are not inside each
/// other, and the backup drive has room.
pub fn check(s: &Settings, estimate: Option<(u64, u64)>) -> Vec<Message> {
    let mut out = Vec::new();
    if !s.data_folder.as_os_str().is_empty() {
        out.extend(source_problem(&s.data_folder).map(|t| msg(Field::DataFolder, Severity::Error, t)));
    }
    for (i, e) in s.extra_folders.iter().enumerate().filter(|(_, e)| !e.as_os_str().is_empty()) {
        out.extend(source_problem(e).map(|t| msg(Field::Extra(i), Severity::Error, t)));
    }
    let dest = &s.destination;
    if dest.as_os_str().is_empty() {
        return out;
    }
    let sources =
        std::iter::once(&s.data_folder).chain(&s.extra_folders).filter(|p| !p.as_os_str().is_empty());
    for source in sources {
        if crate::engine::preflight::is_within(dest, source) {
            out.push(msg(
                Field::Destination,
                Severity::Error,
                format!(
                    "This is inside {}: choose a folder outside the data being backed up.",
                    display(source)
                ),
            ));
        } else if crate::engine::preflight::is_within(source, dest) {
            out.push(msg(
                Field::Destination,
                Severity::Error,
                format!("{} is inside this folder: choose a separate backup folder.", display(source)),
            ));
        }
    }
    if !dest.is_dir() {
        let parent_exists = dest.parent().is_some_and(|p| p.is_dir());
        out.push(if parent_exists {
            msg(Field::Destination, Severity::Info, "This folder will be created at the first backup.")
        } else {
            msg(
                Field::Destination,
                Severity::Warning,
                "This folder cannot be reached now. Is the backup drive plugged in?",
            )
        });
        return out;
    }
    let Some(hard_links) = write_test(dest) else {
        out.push(msg(
            Field::Destination,
            Severity::Error,
            format!(
                "This Windows user cannot write here. Every Windows user needs Full control of {} (right-click it, Properties, Security).",
                display(dest)
            ),
        ));
        return out;
    };
    let free = crate::platform::free_space(dest);
    if let Some(free) = free {
        out.push(msg(
            Field::Destination,
            Severity::Info,
            format!("{} free on this drive.", format::bytes(free)),
        ));
    }
    if let (Some(free), Some((_, bytes))) = (free, estimate) {
        if !hard_links {
            let fit = free / bytes.max(1);
            out.push(msg(
                Field::Destination,
                Severity::Warning,
                format!(
                    "This drive cannot share unchanged files between backups (FAT/exFAT), so every backup takes the full {}: about {fit} fit in the free space.",
                    format::bytes(bytes)
                ),
            ));
        } else if free < bytes {
            out.push(msg(
                Field::Destination,
                Severity::Warning,
                format!(
                    "Only {} free: the first backup needs about {}.",
                    format::bytes(free),
                    format::bytes(bytes)
                ),
            ));
        }
    } else if !hard_links {
        out.push(msg(
            Field::Destination,
            Severity::Warning,
            "This drive cannot share unchanged files between backups (FAT/exFAT), so every backup takes the full size.",
        ));
    }
    out
}

fn source_problem(folder: &Path) -> Option<String> {
    match std::fs::read_dir(folder) {
        Ok(_) => None,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Some("This folder does not exist, or the server cannot be reached.".into())
        }
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            Some("This Windows user may not read this folder.".into())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            Some("This is a file, not a folder.".into())
        }
        Err(e) => Some(format!("This folder cannot be opened: {e}.")),
    }
}

/// Writes and hard-links a test file. `None`: cannot write; `Some(links work)`.
fn write_test(dest: &Path) -> Option<bool> {
    let file = dest.join(format!(".settings-test-{}", std::process::id()));
    let link = dest.join(format!(".settings-test-{}-link", std::process::id()));
    std::fs::write(&file, b"test").ok()?;
    let linked = std::fs::hard_link(&file, &link).is_ok();
    let _ = std::fs::remove_file(&link);
    let _ = std::fs::remove_file(&file);
    Some(linked)
}

/// Files and bytes one backup would copy, by walking the sources. Gives up (None) when `cancel` is set.
pub fn estimate(s: &Settings, cancel: &AtomicBool) -> Option<(u64, u64)> {
    let (mut files, mut bytes) = (0, 0);
    let data_depth = if s.include_subdirectories { usize::MAX } else { 1 };
    let roots =
        std::iter::once((&s.data_folder, data_depth)).chain(s.extra_folders.iter().map(|e| (e, usize::MAX)));
    for (root, depth) in roots.filter(|(r, _)| !r.as_os_str().is_empty()) {
        for entry in walkdir::WalkDir::new(root).max_depth(depth).into_iter().flatten() {
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            if entry.file_type().is_file() {
                files += 1;
                bytes += entry.metadata().map(|m| m.len()).unwrap_or(0);
            }
        }
    }
    Some((files, bytes))
}

/// "keeps the last 3, one a day for 14 days, one a week for 8 weeks, one a month for a year"
pub fn retention_summary(last: u32, daily: u32, weekly: u32, monthly: u32) -> String {
    let plural = |n: u32, one: &str, many: &str| if n == 1 { one.to_string() } else { format!("{n} {many}") };
    let mut parts = Vec::new();
    if last > 0 {
        parts.push(if last == 1 { "the newest backup".to_string() } else { format!("the last {last}") });
    }
    if daily > 0 {
        parts.push(format!("one a day for {}", plural(daily, "a day", "days")));
    }
    if weekly > 0 {
        parts.push(format!("one a week for {}", plural(weekly, "a week", "weeks")));
    }
    if monthly > 0 {
        let span = match monthly {
            12 => "a year".to_string(),
            24 => "two years".to_string(),
            n => plural(n, "a month", "months"),
        };
        parts.push(format!("one a month for {span}"));
    }
    match parts.len() {
        0 => "Keeps nothing.".to_string(),
        _ => {
            let last = parts.pop().unwrap_or_default();
            let head = parts.join(", ");
            if head.is_empty() { format!("Keeps {last}.") } else { format!("Keeps {head} and {last}.") }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_reads_as_a_sentence() {
        assert_eq!(
            retention_summary(3, 14, 8, 12),
            "Keeps the last 3, one a day for 14 days, one a week for 8 weeks and one a month for a year."
        );
        assert_eq!(retention_summary(1, 0, 0, 0), "Keeps the newest backup.");
        assert_eq!(retention_summary(0, 1, 0, 3), "Keeps one a day for a day and one a month for 3 months.");
    }

    #[test]
    fn empty_fields_and_no_retention_are_errors() {
        let s =
            Settings { keep_last: 0, keep_daily: 0, keep_weekly: 0, keep_monthly: 0, ..Settings::default() };
        let fields: Vec<Field> = quick(&s).iter().map(|m| m.field).collect();
        assert_eq!(fields, [Field::DataFolder, Field::Destination, Field::Retention]);
    }

    #[test]
    fn a_destination_inside_the_data_folder_is_an_error() {
        let d = tempfile::tempdir().unwrap();
        let s = Settings {
            data_folder: d.path().to_path_buf(),
            destination: d.path().join("Backups"),
            ..Settings::default()
        };
        let m = check(&s, None);
        assert!(m.iter().any(|m| m.field == Field::Destination && m.severity == Severity::Error), "{m:?}");
    }
}
