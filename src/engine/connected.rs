//! Before anything is copied: is the practice's data really there? A share that is not connected
//! looks like an empty folder (on Linux the bare mount point; on Windows a drive letter mapped to
//! an empty folder, or a new, empty share after a server move), and backing that up would tell the
//! cloud copy that every file was deleted. An empty data folder, one without any of the database
//! files the last backup had, or an extra folder that is empty where the last backup held files
//! from it, fails the run before it starts.

use super::Failure;
use super::guard::is_database_name;
use super::scan::Prior;
use super::{pathcode, sets::SetInfo};
use crate::format::display;
use crate::plan::Plan;
use std::collections::HashMap;
use std::path::Path;

/// Our own folder inside the data folder (`logfiles/backup.log`): it does not make it non-empty.
const OWN: &str = "logfiles";

/// Fails when the data (or an extra folder) looks disconnected; see the module's words.
pub(super) fn check(
    plan: &Plan,
    newest: Option<&SetInfo>,
    database: &HashMap<String, Prior>,
) -> Result<(), Failure> {
    let data = &plan.data_folder;
    if is_empty(data) {
        return Err(not_connected(data, "is empty", "the data folder"));
    }
    let data_dir = plan.sources.iter().find(|s| s.is_data_folder).map(|s| format!("{}/", s.set_dir));
    let names: Vec<_> = database
        .keys()
        .filter_map(|k| k.strip_prefix(data_dir.as_deref()?))
        .filter(|name| is_database_name(name))
        .filter_map(|name| pathcode::decode(name).ok())
        .collect();
    // Database files renamed or replaced (the loss guard judges those) are database files still:
    // only a data folder without any at its top is taken for one not connected.
    if !names.is_empty() && !has_database(data) {
        let mut shown: Vec<String> = names.iter().map(|n| n.display().to_string()).collect();
        shown.sort();
        let more = if shown.len() > 3 { format!(" and {} more", shown.len() - 3) } else { String::new() };
        shown.truncate(3);
        let what =
            format!("has no database files at its top, where the last backup had {}{more}", shown.join(", "));
        return Err(not_connected(data, &what, "the data folder"));
    }
    let Some(newest) = newest else { return Ok(()) };
    for source in plan.sources.iter().filter(|s| !s.is_data_folder) {
        let mut before = newest.path.clone();
        before.extend(source.set_dir.split('/'));
        if is_empty(&source.root) && !is_empty(&before) {
            let what = format!("is empty, where the backup {} holds files from it", newest.name);
            return Err(not_connected(&source.root, &what, "the extra folder"));
        }
    }
    Ok(())
}

/// Whether a folder that can be listed holds nothing but our own log folder and what Windows
/// leaves in any folder (`desktop.ini`, `Thumbs.db`). A folder that cannot be listed is not
/// called empty here: the checks before this one, and the walk, say why.
pub(super) fn is_empty(folder: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(folder) else { return false };
    let ours =
        |n: &str| [OWN, "desktop.ini", "thumbs.db", ".ds_store"].iter().any(|o| n.eq_ignore_ascii_case(o));
    !entries.flatten().any(|e| !ours(&e.file_name().to_string_lossy()))
}

/// Whether the data folder has a database file at its top.
fn has_database(data: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(data) else { return true };
    entries.flatten().any(|e| {
        e.file_type().is_ok_and(|t| t.is_file()) && is_database_name(&e.file_name().to_string_lossy())
    })
}

fn not_connected(folder: &Path, what: &str, which: &str) -> Failure {
    Failure::new(
        format!(
            "Nothing was backed up: {which} {} {what}. The server may be switched off, or its share not connected to this computer. Check that the server is on and that this computer can open {}, then back up again. If the practice's data has moved, ask your IT contact to correct the folder in Settings. The backups already made are untouched.",
            display(folder),
            display(folder),
        ),
        format!("{} {what}", folder.display()),
    )
}
