//! `backup.log`: one block per run, appended in one write to `<data folder>/logfiles/backup.log`,
//! readable by a person and by grep. Rotates at 5 MB to `backup.log.1`.

use super::{Outcome, Report};
use crate::format;
use crate::plan::Plan;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The log is moved to `backup.log.1` once it passes this size.
pub const ROTATE_AT: u64 = 5_000_000;

/// Where a block was written, and why there if not where it was meant to go.
#[derive(Debug, Clone)]
pub struct Logged {
    pub path: PathBuf,
    pub note: Option<String>,
}

/// `backup.log` → `backup.log.1`
pub fn rotated(log: &Path) -> PathBuf {
    let mut name = log.file_name().unwrap_or_default().to_os_string();
    name.push(".1");
    log.with_file_name(name)
}

/// This computer's own log, used when the shared one cannot be written. (Tests, in debug builds
/// only, put the folder that holds `logoff-backup` in `LOGOFF_BACKUP_LOCAL_DIR`: Windows finds
/// `%LOCALAPPDATA%` without reading the environment.)
pub fn fallback_path() -> PathBuf {
    let base = crate::platform::test_override("LOGOFF_BACKUP_LOCAL_DIR").map(PathBuf::from);
    base.or_else(dirs::data_local_dir)
        .unwrap_or_else(std::env::temp_dir)
        .join("logoff-backup")
        .join("backup.log")
}

/// A run's block: appended to `log` (see [`write_block`]) and sent to the system's log as `entry`
/// (which may not take it: `backup.log` has it all).
pub fn record(log: &Path, block: &str, entry: crate::platform::event_log::Entry) -> Logged {
    let logged = write_block(log, block);
    let _ = crate::platform::event_log::report(entry, block);
    logged
}

/// Appends `block` to `log`, or to the fallback log if that fails (saying so in the block).
pub fn write_block(log: &Path, block: &str) -> Logged {
    match append_text(log, block, false) {
        Ok(()) => Logged { path: log.to_path_buf(), note: None },
        Err(e) => {
            let fallback = fallback_path();
            let why = format!(
                "The log {} could not be written ({e}), so this entry went to {} instead.",
                log.display(),
                fallback.display()
            );
            let block = format!("{block}Note:            {why}\n\n");
            match append_text(&fallback, &block, true) {
                Ok(()) => Logged { path: fallback, note: Some(why) },
                Err(e2) => {
                    Logged { path: fallback.clone(), note: Some(format!("{why} That failed too: {e2}.")) }
                }
            }
        }
    }
}

/// Appends in one write. Creates the log's own folder (`logfiles`) if needed, but never the folder
/// above it unless `create_parents`: a vanished data folder must not be recreated by its log, nor
/// an empty one written into (a share's bare mount point: the entry would hide under the share).
fn append_text(log: &Path, text: &str, create_parents: bool) -> std::io::Result<()> {
    if let Some(dir) = log.parent().filter(|d| !d.as_os_str().is_empty()) {
        let above_empty =
            || dir.parent().and_then(|p| std::fs::read_dir(p).ok()).is_some_and(|mut d| d.next().is_none());
        if !create_parents && !dir.exists() && above_empty() {
            return Err(std::io::Error::other(
                "its folder is empty: the server's share may not be connected",
            ));
        }
        let made = if create_parents { std::fs::create_dir_all(dir) } else { std::fs::create_dir(dir) };
        match made {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
    }
    if std::fs::metadata(log).is_ok_and(|m| m.len() + text.len() as u64 > ROTATE_AT) {
        std::fs::rename(log, rotated(log))?;
    }
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(log)?;
    f.write_all(text.as_bytes())
}

/// The text of one run's block.
pub fn block(plan: &Plan, r: &Report) -> String {
    let mut s = String::new();
    let time = |t: &chrono::DateTime<chrono::Local>| t.format("%Y-%m-%d %H:%M:%S %:z").to_string();
    let took = (r.finished - r.started).to_std().unwrap_or_default();
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let c = &r.counts;
    let _ = writeln!(s, "===== Network backup =====");
    let _ = writeln!(s, "Started:         {}", time(&r.started));
    let _ = writeln!(s, "Finished:        {} ({})", time(&r.finished), format::duration(took));
    let _ = writeln!(s, "Computer:        {}", plan.computer);
    let _ = writeln!(s, "User:            {}", plan.user);
    let _ = writeln!(s, "Data folder:     {}", plan.data_folder.display());
    let _ = writeln!(s, "Sub-directories: {}", yes_no(plan.include_subdirectories));
    for (folder, source) in plan.extra_folders.iter().zip(plan.sources.iter().skip(1)) {
        let _ = writeln!(s, "Extra folder:    {} (as {})", folder.display(), source.set_dir);
    }
    match &r.set {
        Some(set) => writeln!(s, "Backup location: {}", set.display()),
        None => writeln!(s, "Backup location: {} (no new backup made)", plan.destination.display()),
    }
    .ok();
    if r.set.is_some() {
        let _ = writeln!(s, "Checked:         {}", c.checked(r.verified, r.linked_from.as_deref()));
        if let Some(g) = &r.database {
            let _ = writeln!(s, "Database:        {}", super::database::words(g));
        }
        if let Some(u) = &r.latest {
            let _ = writeln!(s, "Cloud copy:      {}", u.words());
        }
    }
    let scanned = c.files_total > 0 || r.set.is_some();
    if scanned {
        let _ = writeln!(s, "Files:           {}", c.summary());
        let _ = writeln!(
            s,
            "Size:            {} ({} copied, {} bytes)",
            format::bytes(c.bytes_total),
            format::bytes(c.bytes_copied),
            c.bytes_total
        );
    }
    let _ = writeln!(s, "Result:          {}", r.outcome.label());
    if let Some(f) = &r.failure {
        let _ = writeln!(s, "Cause:           {}", f.message);
        let _ = writeln!(s, "Detail:          {}", f.detail);
    }
    if let Some(sus) = &r.suspect {
        suspect_lines(&mut s, sus, r.set.as_deref());
    }
    if let Some(g) = r.database.as_ref().filter(|g| !g.quiet && r.set.is_some()) {
        let _ = writeln!(s, "What to do:      {}", super::database::changing_words(g));
    }
    if r.outcome == Outcome::CompletedWithErrors && c.missing_any() {
        let _ = writeln!(s, "What to do:      The files below are NOT in this backup.");
        for advice in super::advice::for_problems(&r.problems) {
            let _ = writeln!(s, "                 {advice}");
        }
    }
    if !r.problems.is_empty() {
        let _ = writeln!(s, "Files not backed up or changed ({}):", r.problems.len());
        for p in &r.problems {
            let _ = writeln!(s, "  {:<9} {}: {}", p.kind.label(), p.path.display(), p.reason);
        }
    }
    if let Some(u) = r.latest.as_ref().filter(|u| !u.problems.is_empty()) {
        let _ = writeln!(s, "Not brought up to date in the cloud copy ({}):", u.problems.len());
        for (path, why) in &u.problems {
            let _ = writeln!(s, "  LATEST    {path}: {why}");
        }
    }
    if !r.removed_sets.is_empty() {
        let _ = writeln!(s, "Removed old backups (retention): {}", r.removed_sets.join(", "));
    }
    if !r.hard_links && r.outcome != Outcome::Failed {
        let _ = writeln!(
            s,
            "Note:            the backup drive has no hard links (FAT/exFAT), so every backup is a full copy"
        );
    }
    for n in &r.notes {
        let _ = writeln!(s, "Note:            {n}");
    }
    s.push('\n');
    s
}

/// The ransomware guard's alert and its evidence.
fn suspect_lines(s: &mut String, sus: &super::guard::Suspicion, set: Option<&Path>) {
    let _ = writeln!(s, "Warning:         {}", sus.alert());
    let _ = writeln!(s, "Compared with:   {}", sus.base);
    for line in &sus.evidence {
        let _ = writeln!(s, "Evidence:        {line}");
    }
    let _ = writeln!(s, "Examples ({}):", sus.examples.len());
    for e in &sus.examples {
        let _ = writeln!(s, "  SUSPECT   {e}");
    }
    if let Some(set) = set {
        let _ = writeln!(s, "What to do:      {}", sus.confirm_words(set));
    }
}
