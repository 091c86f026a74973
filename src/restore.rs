//! Getting data back: copy a set (or one folder or file of it) into a new or empty folder,
//! checking every file against the manifest as it goes. Never into the live data folder.

use crate::engine::manifest::{self, Entry, Kind, Manifest};
use crate::engine::{copy, pathcode};
use crate::format;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64};

#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error(
        "{0} is the live data folder (or inside it). Restoring the live database is a job for EXACT's support desk: restore into a new, empty folder and call them."
    )]
    IntoLiveData(PathBuf),
    #[error("{0} is not empty. Restore into a new or empty folder, so nothing there is overwritten.")]
    NotEmpty(PathBuf),
    #[error("cannot create {path}: {source}")]
    Target { path: PathBuf, source: std::io::Error },
    #[error("the backup cannot be read: {0}")]
    Manifest(#[from] manifest::ManifestError),
    #[error("{0} is not in this backup")]
    NothingMatches(String),
}

/// What a restore did.
#[derive(Debug, Default, Clone)]
pub struct Restored {
    pub files: u64,
    pub bytes: u64,
    /// (path in the set, what is wrong): files that could not be restored or did not match.
    pub bad: Vec<(String, String)>,
}

/// Whether a manifest path is `only` or inside it (`only` is `/`-separated, as in the manifest).
fn selected(path: &str, only: Option<&str>) -> bool {
    match only.map(|o| o.trim_matches('/')) {
        None | Some("") => true,
        Some(o) => path == o || path.strip_prefix(o).is_some_and(|rest| rest.starts_with('/')),
    }
}

/// Checks where a restore may go: not the live data folder, and new or empty.
pub fn check_target(to: &Path, live_data: &[PathBuf]) -> Result<(), RestoreError> {
    for live in live_data.iter().filter(|p| !p.as_os_str().is_empty()) {
        if crate::engine::preflight::is_within(to, live) || crate::engine::preflight::is_within(live, to) {
            return Err(RestoreError::IntoLiveData(to.to_path_buf()));
        }
    }
    let empty = std::fs::read_dir(to).map_or(true, |mut entries| entries.next().is_none());
    if empty { Ok(()) } else { Err(RestoreError::NotEmpty(to.to_path_buf())) }
}

/// The folders a set was made from (never to be restored into), from its manifest.
pub fn live_folders(m: &Manifest) -> Vec<PathBuf> {
    m.header.sources.iter().map(|(_, from)| PathBuf::from(from)).collect()
}

/// Restores the entries of `set` selected by `only` into `to`. `on_file` is told the bytes done.
pub fn restore(
    set: &Path,
    to: &Path,
    only: Option<&str>,
    live_data: &[PathBuf],
    on_progress: &mut dyn FnMut(u64, u64),
) -> Result<Restored, RestoreError> {
    let m = manifest::read(&set.join(manifest::FILE_NAME))?;
    let mut live = live_folders(&m);
    live.extend_from_slice(live_data);
    check_target(to, &live)?;
    // On Windows people type `data\X-rays`; the manifest says `data/X-rays`.
    let only = only.map(|o| if cfg!(windows) { o.replace('\\', "/") } else { o.to_string() });
    let only = only.as_deref();
    let entries: Vec<&Entry> = m.entries.iter().filter(|e| selected(&e.path, only)).collect();
    if entries.is_empty() {
        return Err(RestoreError::NothingMatches(only.unwrap_or_default().to_string()));
    }
    std::fs::create_dir_all(to).map_err(|source| RestoreError::Target { path: to.into(), source })?;
    Ok(restore_entries(set, to, &entries, on_progress))
}

/// Copies entries out of a set, hashing each file and comparing it with the manifest.
pub fn restore_entries(
    set: &Path,
    to: &Path,
    entries: &[&Entry],
    on_progress: &mut dyn FnMut(u64, u64),
) -> Restored {
    let mut out = Restored::default();
    let (cancel, abort, done) = (AtomicBool::new(false), AtomicBool::new(false), AtomicU64::new(0));
    let shared = copy::Shared { cancel: &cancel, abort: &abort, bytes_done: &done };
    let mut buf = vec![0u8; copy::BUFFER];
    let mut dirs = Vec::new();
    for e in entries {
        let Ok(rel) = pathcode::decode(&e.path) else {
            out.bad.push((e.path.clone(), "bad path in the manifest".into()));
            continue;
        };
        let (src, dst) = (set.join(&rel), to.join(&rel));
        if let Some(parent) = dst.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let result = match &e.kind {
            Kind::Dir => std::fs::create_dir_all(&dst)
                .map(|_| dirs.push((dst, e.mtime)))
                .map_err(|e| copy::describe(&e)),
            Kind::Symlink { .. } => copy::copy_symlink(&src, &dst).map(|_| ()),
            Kind::File { size, hash } => match copy::copy_file(&src, &dst, &mut buf, None, &shared) {
                Ok(c) if c.hash == *hash && c.size == *size => {
                    out.files += 1;
                    out.bytes += size;
                    Ok(())
                }
                Ok(_) => {
                    let _ = std::fs::remove_file(&dst);
                    Err("differs from the manifest: this copy in the backup is damaged".to_string())
                }
                Err(err) => Err(match err {
                    copy::CopyError::Vanished => "missing from the backup".to_string(),
                    copy::CopyError::Source(e) | copy::CopyError::Destination(e) => copy::describe(&e),
                    other => format!("{other:?}"),
                }),
            },
        };
        if let Err(why) = result {
            out.bad.push((e.path.clone(), why));
        }
        on_progress(out.files, out.bytes);
    }
    for (dir, mtime) in dirs.iter().rev() {
        let _ = filetime::set_file_mtime(dir, mtime.to_file_time());
    }
    out
}

/// One line per complete set, for `list` and the History screen.
#[derive(Debug, Clone)]
pub struct SetRow {
    pub name: String,
    pub path: PathBuf,
    pub when: chrono::NaiveDateTime,
    pub computer: String,
    pub result: String,
    pub files: u64,
    pub bytes: u64,
    pub verified: bool,
    /// Its recorded start is in the future by this computer's clock (a computer's clock was wrong).
    pub future: bool,
}

/// The complete sets at a destination, newest first, in the order they were made (partial sets
/// are never listed).
pub fn list(dest: &Path) -> std::io::Result<Vec<SetRow>> {
    let now = crate::clock::now().to_utc();
    let mut rows: Vec<SetRow> = crate::engine::sets::list(dest)?
        .into_iter()
        .map(|s| {
            let future = s.is_future(now);
            let (files, bytes) = files_line(&s.path).unwrap_or((0, 0));
            SetRow {
                name: s.name,
                path: s.path,
                when: s.time,
                computer: s.header.computer,
                result: s.header.result,
                files,
                bytes,
                verified: s.header.verified,
                future,
            }
        })
        .collect();
    rows.reverse();
    Ok(rows)
}

/// The `files <count> <bytes>` header line, read without reading the whole manifest.
fn files_line(set: &Path) -> Option<(u64, u64)> {
    use std::io::BufRead;
    let f = std::fs::File::open(set.join(manifest::FILE_NAME)).ok()?;
    for line in std::io::BufReader::new(f).lines().take(64) {
        let line = line.ok()?;
        if let Some(rest) = line.strip_prefix("files\t") {
            let (n, b) = rest.split_once('\t')?;
            return Some((n.parse().ok()?, b.parse().ok()?));
        }
    }
    None
}

/// The `list` table.
pub fn table(rows: &[SetRow]) -> String {
    let mut s = format!(
        "{:<16}  {:<12}  {:<21}  {:>9}  {:>8}  {}\n",
        "DATE", "COMPUTER", "RESULT", "FILES", "SIZE", "VERIFIED"
    );
    for r in rows {
        s.push_str(&format!(
            "{:<16}  {:<12}  {:<21}  {:>9}  {:>8}  {}   {}\n",
            r.when.format("%Y-%m-%d %H:%M"),
            r.computer,
            r.result,
            format::count(r.files),
            format::bytes(r.bytes),
            if r.verified { "yes" } else { "no" },
            r.name
        ));
        if r.future {
            s.push_str("  ^ dated in the future: the clock of the computer that made it was wrong\n");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_selects_a_folder_or_a_file_by_whole_names() {
        assert!(selected("data/X-rays/a.dcm", Some("data/X-rays")));
        assert!(selected("data/X-rays", Some("data/X-rays/")));
        assert!(!selected("data/X-rays2/a.dcm", Some("data/X-rays")));
        assert!(selected("anything", None));
        assert!(!selected("data/X-rays2/a.dcm", Some("data/X-rays/")));
    }
}
