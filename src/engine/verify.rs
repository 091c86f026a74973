//! `verify`: re-reads a set and compares every file with its manifest.

use super::manifest::{self, Kind, ManifestError};
use super::{copy, latest, parallel, pathcode};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

#[derive(Debug, Default)]
pub struct Verified {
    pub files: u64,
    pub bytes: u64,
    /// (path in the set, what is wrong)
    pub mismatched: Vec<(String, String)>,
    pub missing: Vec<String>,
    pub extra: Vec<String>,
    /// How the set's database files were copied, as its manifest records it.
    pub database: Option<manifest::DatabaseMark>,
    /// Why its database cannot be trusted to fit together, if it cannot.
    pub database_problem: Option<String>,
}

impl Verified {
    pub fn is_match(&self) -> bool {
        self.mismatched.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Where the manifest of `folder` is: inside a set; beside `latest`, which holds only the data (a
/// `manifest.tsv` inside `latest` is data, or planted, never its manifest). Windows compares names
/// without regard to capitals, so `Latest` is `latest` there.
fn manifest_of(folder: &Path) -> Result<PathBuf, ManifestError> {
    let is_latest = folder.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        if cfg!(windows) { n.eq_ignore_ascii_case(latest::FOLDER) } else { n == latest::FOLDER }
    });
    let Some(dest) = folder.parent().filter(|_| is_latest) else {
        return Ok(folder.join(manifest::FILE_NAME));
    };
    if dest.join(latest::UNFINISHED).exists() {
        return Err(ManifestError::Unfinished { path: folder.to_path_buf() });
    }
    Ok(dest.join(latest::MANIFEST))
}

/// Checks `set` (or `latest`) against its manifest. Fails only when the manifest cannot be read or
/// is damaged.
pub fn verify(set: &Path) -> Result<Verified, ManifestError> {
    let manifest_path = manifest_of(set)?;
    let m = manifest::read(&manifest_path)?;
    let mut out = Verified {
        database: m.header.database,
        database_problem: super::database::problem(&m),
        ..Verified::default()
    };
    let (cancel, abort, bytes) = (AtomicBool::new(false), AtomicBool::new(false), copy::Tally::default());
    let shared = copy::Shared { cancel: &cancel, abort: &abort, bytes: &bytes };
    let jobs: Vec<usize> = (0..m.entries.len()).collect();
    let mut problems: Vec<(usize, Option<String>)> = Vec::new();
    parallel::for_each(
        &jobs,
        copy::BUFFER,
        |i, buf| {
            let e = &m.entries[i];
            let Ok(rel) = pathcode::decode(&e.path) else { return Some("bad path in manifest".to_string()) };
            if let Some(link) = link_on_the_way(set, &rel) {
                return Some(format!(
                    "inside the symbolic link {}, where a backup never holds anything",
                    pathcode::encode(&link)
                ));
            }
            check_entry(&set.join(rel), &e.kind, buf, &shared).err()
        },
        |i, problem| problems.push((i, problem)),
        || {},
        std::time::Duration::from_millis(200),
    );
    for (i, problem) in problems {
        let e = &m.entries[i];
        match problem {
            None => {
                if let Kind::File { size, .. } = e.kind {
                    out.files += 1;
                    out.bytes += size;
                }
            }
            Some(p) if p == MISSING => out.missing.push(e.path.clone()),
            Some(p) => out.mismatched.push((e.path.clone(), p)),
        }
    }
    let listed: HashSet<&str> = m.entries.iter().map(|e| e.path.as_str()).collect();
    for entry in walkdir::WalkDir::new(set).min_depth(1).into_iter().flatten() {
        let rel = entry.path().strip_prefix(set).unwrap_or(entry.path());
        let key = pathcode::encode(rel);
        // The set's own files: its manifest, and the confirmation of a SUSPECT set.
        let own = entry.path() == manifest_path || entry.path() == set.join(super::sets::CONFIRMED_FILE);
        if !entry.file_type().is_dir() && !own && !listed.contains(key.as_str()) {
            out.extra.push(key);
        }
    }
    out.mismatched.sort();
    out.missing.sort();
    out.extra.sort();
    Ok(out)
}

const MISSING: &str = "missing";

/// The first symbolic link (or junction) among the folders on the way from `root` to `rel`, as a
/// path relative to `root`. Reading `rel` would go through it, out of `root`.
pub fn link_on_the_way(root: &Path, rel: &Path) -> Option<PathBuf> {
    let mut at = PathBuf::new();
    for part in rel.parent()?.components() {
        at.push(part);
        if std::fs::symlink_metadata(root.join(&at)).is_ok_and(|m| m.is_symlink()) {
            return Some(at);
        }
    }
    None
}

fn check_entry(path: &PathBuf, kind: &Kind, buf: &mut [u8], shared: &copy::Shared) -> Result<(), String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound { MISSING.to_string() } else { copy::describe(&e) }
    })?;
    match kind {
        Kind::Dir if meta.is_dir() => Ok(()),
        Kind::Dir => Err("should be a folder".into()),
        Kind::Symlink { target_hash } => {
            let target = std::fs::read_link(path).map_err(|_| "should be a symbolic link".to_string())?;
            if blake3::hash(target.as_os_str().as_encoded_bytes()) == *target_hash {
                Ok(())
            } else {
                Err("the link points elsewhere".into())
            }
        }
        Kind::File { size, hash } => {
            if !meta.is_file() {
                return Err("should be a file".into());
            }
            if meta.len() != *size {
                return Err(format!("size is {} bytes, should be {size}", meta.len()));
            }
            let (got, _) = copy::hash_file(path, buf, shared).map_err(|e| copy::describe(&e))?;
            if got == *hash { Ok(()) } else { Err("content differs (BLAKE3 mismatch)".into()) }
        }
    }
}
