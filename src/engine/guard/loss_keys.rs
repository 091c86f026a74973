//! How the loss guard names what it counts: the folder and the folder backed up a file is
//! counted under, which top-level files are database files, and the words for them.

/// The folder a file is counted under: `data/X-rays` for `data/X-rays/2024/1.dcm`, `extra/Xrays`
/// for an extra folder's files, `data` for the data folder's top-level files.
pub(super) fn folder_of(key: &str) -> &str {
    let mut slashes = key.match_indices('/').map(|(i, _)| i);
    match (slashes.next(), slashes.next()) {
        (Some(first), None) if &key[..first] == "data" => "data",
        (_, Some(second)) => &key[..second],
        _ => key,
    }
}

/// The folder backed up a file belongs to: `data`, or `extra/Xrays`.
pub(super) fn source_of(key: &str) -> &str {
    match key.strip_prefix("extra/") {
        Some(rest) => &key[.."extra/".len() + rest.find('/').unwrap_or(rest.len())],
        None => key.split('/').next().unwrap_or(key),
    }
}

/// A folder as people call it: `X-rays`, `Xrays (extra folder)`, or the data folder itself.
pub(super) fn folder_words(folder: &str) -> String {
    match folder.split_once('/') {
        Some(("data", name)) => name.to_string(),
        Some((_, name)) => format!("{name} (extra folder)"),
        None if folder == "data" => "The data folder's own files".to_string(),
        None => folder.to_string(),
    }
}

/// A top-level file of the data folder that is a database file (see `is_database_name`).
pub(super) fn is_database(key: &str) -> bool {
    key.strip_prefix("data/").filter(|n| !n.contains('/')).is_some_and(is_database_name)
}

/// Whether a file at the top of the data folder is a database file: not a lock or temporary file,
/// which come and go (`EXACT.lck`, `~tmp1.tmp`, `Practice.ldb`), nor what Windows, people and
/// programs leave beside them (`desktop.ini`, `Thumbs.db`, `EXACT_Error.log`, `Export.csv`).
pub fn is_database_name(name: &str) -> bool {
    let clutter = ["lck", "lock", "tmp", "temp", "ldb", "laccdb", "swp", "log", "bak", "csv", "txt", "ini"];
    let lower = name.to_ascii_lowercase();
    !name.starts_with(['~', '.']) && lower != "thumbs.db" && !clutter.contains(&super::ending(name).as_str())
}

/// `29%`, or `under 1%` for a part too small to show as a whole percent.
pub(super) fn percent(part: u64, whole: u64) -> String {
    match crate::format::percent(part, whole) {
        p if p == "0%" && part > 0 => "under 1%".into(),
        p => p,
    }
}

/// A file's name, without its folders (`Practice.db` of `data/Practice.db`).
pub(super) fn name(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}
