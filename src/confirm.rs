//! `confirm`: a person who knows the change a SUSPECT backup found was expected (a new X-ray
//! import, say) clears its mark. The manifest keeps the evidence as it was made; the confirmation
//! is a file of its own in the set (who, where, when), and a block in backup.log. From then on the
//! set counts as the result its run had apart from the mark: it is linked from, and retention
//! removes older backups by its rules again.

use crate::engine::{backup_log, manifest, sets};
use crate::format::display;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// What `confirm` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmed {
    /// Confirmed now: the line written.
    Now(String),
    /// Someone already had: their line.
    Already(String),
}

/// Confirms the SUSPECT set at `set`, and says so in `log` when given.
pub fn confirm(set: &Path, log: Option<&Path>) -> Result<Confirmed, String> {
    let name = set.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let header = manifest::read_header(&set.join(manifest::FILE_NAME))
        .ok()
        .filter(|_| sets::parse_name(&name).is_some())
        .ok_or_else(|| {
            format!("{} is not a complete backup (a dated folder with a manifest).", display(set))
        })?;
    if header.suspect.is_none() {
        return Err(format!("The backup {name} is not marked SUSPECT: there is nothing to confirm."));
    }
    if let Some(line) = sets::confirmation(set) {
        return Ok(Confirmed::Already(line));
    }
    let (computer, user) = (crate::platform::computer_name(), crate::platform::user_name());
    let now = crate::clock::now();
    let line = format!(
        "Confirmed by {user} on {computer} at {}: the change this backup found was expected.",
        now.format("%Y-%m-%d %H:%M:%S %:z")
    );
    let write = || -> std::io::Result<()> {
        let mut f =
            std::fs::OpenOptions::new().write(true).create_new(true).open(set.join(sets::CONFIRMED_FILE))?;
        f.write_all(format!("{line}\n").as_bytes())?;
        f.sync_all()
    };
    write().map_err(|e| {
        format!(
            "The confirmation could not be written into {}: {}",
            display(set),
            crate::engine::copy::describe(&e)
        )
    })?;
    if let Some(log) = log {
        let mut block = String::new();
        let _ = writeln!(block, "===== SUSPECT backup confirmed =====");
        let _ = writeln!(block, "Started:         {}", now.format("%Y-%m-%d %H:%M:%S %:z"));
        let _ = writeln!(block, "Computer:        {computer}");
        let _ = writeln!(block, "User:            {user}");
        let _ = writeln!(block, "Backup location: {}", display(set));
        let _ = writeln!(
            block,
            "Result:          CONFIRMED (the change was expected; the SUSPECT mark is cleared)\n"
        );
        backup_log::write_block(log, &block);
    }
    Ok(Confirmed::Now(line))
}
