//! Getting data back: copy a set (or one folder or file of it) into a new or empty folder,
//! checking every file against the manifest as it goes. Never into the live data folder.

use crate::engine::manifest::{self, Entry, Kind, Manifest};
use crate::engine::{copy, pathcode, verify};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

mod list;
pub use list::{SetRow, list, table};

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
/// On Windows names are compared without regard to capitals (`data/x-rays` is `data/X-rays`).
fn selected(path: &str, only: Option<&str>) -> bool {
    selected_as(path, only, crate::platform::NAMES_IGNORE_CASE)
}

fn selected_as(path: &str, only: Option<&str>, ignore_case: bool) -> bool {
    let fold = |s| crate::platform::fold_case(s, ignore_case);
    match only.map(|o| o.trim_matches('/')) {
        None | Some("") => true,
        Some(o) => {
            let (path, o) = (fold(path), fold(o));
            path == o || path.strip_prefix(o.as_ref()).is_some_and(|rest| rest.starts_with('/'))
        }
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
///
/// Nothing is read or written through a symbolic link: each folder on the way to a restored path is
/// made (or found) one level at a time and must be a real folder in `to`, not a link or a file, and
/// the path itself must not be there yet. Links are recreated last, only where the manifest lists
/// them, so a link listed above a file can never take that file out of `to`; a file the backup holds
/// inside a link is not restored either.
pub fn restore_entries(
    set: &Path,
    to: &Path,
    entries: &[&Entry],
    on_progress: &mut dyn FnMut(u64, u64),
) -> Restored {
    let mut out = Restored::default();
    let (cancel, abort, done) = (AtomicBool::new(false), AtomicBool::new(false), copy::Tally::default());
    let shared = copy::Shared { cancel: &cancel, abort: &abort, bytes: &done };
    let mut buf = vec![0u8; copy::BUFFER];
    let (mut dirs, mut links) = (Vec::new(), Vec::new());
    for e in entries {
        let Ok(rel) = pathcode::decode(&e.path) else {
            out.bad.push((e.path.clone(), "bad path in the manifest".into()));
            continue;
        };
        let result = match &e.kind {
            Kind::Dir => real_folder(to, &rel).map(|dir| dirs.push((dir, e.mtime))),
            Kind::Symlink { .. } => {
                links.push((e, rel));
                continue;
            }
            Kind::File { size, hash } => source_and_destination(set, to, &rel).and_then(|(src, dst)| {
                match copy::copy_file(&src, &dst, &mut buf, (None, false), &shared) {
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
                        copy::CopyError::Missing(_) => "missing from the backup".to_string(),
                        copy::CopyError::Source(e) | copy::CopyError::Destination(e) => copy::describe(&e),
                        other => format!("{other:?}"),
                    }),
                }
            }),
        };
        if let Err(why) = result {
            out.bad.push((e.path.clone(), why));
        }
        on_progress(out.files, out.bytes);
    }
    for (e, rel) in links {
        let made =
            source_and_destination(set, to, &rel).and_then(|(src, dst)| copy::copy_symlink(&src, &dst));
        if let Err(why) = made {
            out.bad.push((e.path.clone(), why));
        }
    }
    for (dir, mtime) in dirs.iter().rev() {
        if std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
            let _ = filetime::set_file_mtime(dir, mtime.to_file_time());
        }
    }
    out
}

/// Where the file or link `rel` is read from in `set` and written to in `to`: not from inside a
/// link in the backup, into real folders of `to` (made as needed), and not over anything.
fn source_and_destination(set: &Path, to: &Path, rel: &Path) -> Result<(PathBuf, PathBuf), String> {
    if let Some(link) = verify::link_on_the_way(set, rel) {
        return Err(format!(
            "the backup holds it inside the symbolic link {}, where a backup never holds anything: not restored",
            pathcode::encode(&link)
        ));
    }
    let (Some(folder), Some(name)) = (rel.parent(), rel.file_name()) else {
        return Err("bad path in the manifest".into());
    };
    let dst = real_folder(to, folder)?.join(name);
    match std::fs::symlink_metadata(&dst) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((set.join(rel), dst)),
        Ok(_) => Err(format!("{} is already there: not overwritten", dst.display())),
        Err(e) => Err(copy::describe(&e)),
    }
}

/// Makes the folder `rel` inside `to` one level at a time, or finds it there, and returns it. Each
/// level must be a real folder: a link (or junction) there would lead out of `to`, and is never
/// followed, whether the manifest listed it or something put it there during the restore.
fn real_folder(to: &Path, rel: &Path) -> Result<PathBuf, String> {
    let mut dir = to.to_path_buf();
    for part in rel.components() {
        let std::path::Component::Normal(name) = part else {
            return Err("bad path in the manifest".into());
        };
        dir.push(name);
        match std::fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => {}
            Ok(m) if m.is_symlink() => {
                return Err(format!("{} is a symbolic link: nothing is restored through it", dir.display()));
            }
            Ok(_) => return Err(format!("{} is a file, not a folder", dir.display())),
            // `create_dir` does not follow a link put there meanwhile: it fails.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir(&dir)
                .map_err(|e| format!("cannot create {}: {}", dir.display(), copy::describe(&e)))?,
            Err(e) => return Err(copy::describe(&e)),
        }
    }
    Ok(dir)
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

    #[test]
    fn on_windows_only_matches_whatever_the_capitals() {
        assert!(selected_as("data/X-rays/a.dcm", Some("DATA/x-rays"), true));
        assert!(!selected_as("data/X-rays2/a.dcm", Some("data/x-rays"), true));
        assert!(!selected_as("data/X-rays/a.dcm", Some("DATA/x-rays"), false), "elsewhere capitals count");
    }

    #[cfg(unix)]
    #[test]
    fn nothing_is_restored_through_a_link_in_the_backup_or_in_the_target() {
        use crate::engine::manifest::Mtime;
        let root = tempfile::tempdir().unwrap();
        let at = |rel: &str| root.path().join(rel);
        // The set's link leads to `plant` from the set, and to `x/plant` from the folder restored into.
        let (set, to) = (at("backups/set"), at("x/y/restored"));
        std::fs::create_dir_all(set.join("data")).unwrap();
        std::fs::write(set.join("data/a.txt"), b"abc").unwrap();
        std::os::unix::fs::symlink("../../../plant", set.join("data/evil")).unwrap();
        std::fs::create_dir_all(at("plant")).unwrap();
        std::fs::write(at("plant/planted.txt"), b"abc").unwrap();
        let outside = at("x/plant");
        std::fs::create_dir_all(&outside).unwrap();
        let entry = |path: &str, kind: Kind| Entry {
            path: path.into(),
            kind,
            mtime: Mtime { secs: 5, nanos: 0 },
            stamp: None,
            look: None,
        };
        let file = |path: &str| entry(path, Kind::File { size: 3, hash: blake3::hash(b"abc") });
        let link = entry("data/evil", Kind::Symlink { target_hash: blake3::hash(b"../../../plant") });
        let (data, a, planted) =
            (entry("data", Kind::Dir), file("data/a.txt"), file("data/evil/planted.txt"));
        let bad = |r: &Restored| r.bad.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();

        // A file listed inside a link (which the manifest reader refuses), before or after it.
        for entries in [vec![&data, &a, &link, &planted], vec![&data, &a, &planted, &link]] {
            let _ = std::fs::remove_dir_all(&to);
            std::fs::create_dir_all(&to).unwrap();
            let r = restore_entries(&set, &to, &entries, &mut |_, _| {});
            assert_eq!(
                std::fs::read_dir(&outside).unwrap().count(),
                0,
                "nothing written outside: {:?}",
                r.bad
            );
            assert!(bad(&r).iter().any(|p| p == "data/evil/planted.txt"), "{:?}", r.bad);
            assert_eq!((r.files, std::fs::read(to.join("data/a.txt")).unwrap()), (1, b"abc".to_vec()));
        }

        // A link that appears in the folder restored into, where a folder should be made.
        let to = at("x/y/other");
        std::fs::create_dir_all(&to).unwrap();
        std::os::unix::fs::symlink(&outside, to.join("data")).unwrap();
        let r = restore_entries(&set, &to, &[&data, &a], &mut |_, _| {});
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0, "nothing written outside: {:?}", r.bad);
        assert_eq!(bad(&r), ["data", "data/a.txt"]);
        assert!(r.bad[1].1.contains("is a symbolic link: nothing is restored through it"), "{:?}", r.bad);
    }
}
