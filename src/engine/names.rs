//! Names that a backup drive takes to be the same: `Scan.dcm` and `scan.dcm` on a drive that
//! ignores case (NTFS, exFAT, FAT), `é` written as one character or as `e` plus an accent on one that
//! normalises Unicode. Such a pair in one source folder cannot both be stored. When the drive folds
//! names and the source does not, each folder's names are read once as the walk enters it, so both
//! files of a pair are named as not backed up before either is copied: neither overwrites the
//! other, and two folders are never merged into one.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

/// How a drive compares names (probed with real files, or by looking a name up).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fold {
    pub case: bool,
    pub unicode: bool,
}

impl Fold {
    /// The name as the drive sees it. Names that are not Unicode are kept byte for byte. Capitals
    /// are folded letter by letter to upper case where that is one letter, as NTFS and exFAT do
    /// (so `ς`, `σ` and `Σ` are one letter, and `ß` stays itself).
    pub fn key(self, name: &OsStr) -> OsString {
        let Some(s) = name.to_str() else { return name.to_os_string() };
        let s: String = if self.unicode { s.nfc().collect() } else { s.to_string() };
        if !self.case {
            return s.into();
        }
        let upper = |c: char| {
            let mut u = c.to_uppercase();
            match (u.next(), u.next()) {
                (Some(one), None) => one,
                _ => c,
            }
        };
        s.chars().map(upper).collect::<String>().into()
    }

    /// What `self` folds that `source` keeps apart: the folds that can make two source names one.
    pub fn beyond(self, source: Fold) -> Fold {
        Fold { case: self.case && !source.case, unicode: self.unicode && !source.unicode }
    }

    pub fn any(self) -> bool {
        self.case || self.unicode
    }
}

/// The names in `dir` that collide under `fold`, each with the names it collides with; with
/// `files_only`, among its files alone (a source without its sub-directories).
pub fn collisions(dir: &Path, fold: Fold, files_only: bool) -> HashMap<OsString, Vec<OsString>> {
    let mut groups: HashMap<OsString, Vec<OsString>> = HashMap::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if files_only && !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let name = entry.file_name();
        groups.entry(fold.key(&name)).or_default().push(name);
    }
    let mut out = HashMap::new();
    for names in groups.into_values().filter(|g| g.len() > 1) {
        for name in &names {
            let others = names.iter().filter(|n| *n != name).cloned().collect();
            out.insert(name.clone(), others);
        }
    }
    out
}

/// Probes how the drive holding `dir` compares names, with two real files.
pub fn probe(dir: &Path) -> Fold {
    let base = format!(".name-test-{}", std::process::id());
    let same = |written: &str, looked_up: &str| {
        let (a, b) = (dir.join(format!("{base}-{written}")), dir.join(format!("{base}-{looked_up}")));
        let found = std::fs::write(&a, b"").is_ok() && std::fs::symlink_metadata(&b).is_ok();
        let _ = std::fs::remove_file(&a);
        found
    };
    // "é" as one character, then as "e" and a combining accent.
    Fold { case: same("a", "A"), unicode: same("\u{e9}", "e\u{301}") }
}

/// How a source folder compares names, without writing to it: whether a name in it (or its own
/// name), spelt with other capitals, finds the same thing. A share's root (`\\server\EXACTData`)
/// has no name of its own, so its entries are tried first. Unknown (nothing folded) where no
/// name has letters.
pub fn probe_source(root: &Path) -> Fold {
    let swap = |name: &str| -> Option<String> {
        let s: String = name
            .chars()
            .map(|c| if c.is_ascii_lowercase() { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
            .collect();
        (s != name).then_some(s)
    };
    let entries = std::fs::read_dir(root).into_iter().flatten().flatten().take(16).map(|e| e.path());
    for path in entries.chain(std::iter::once(root.to_path_buf())) {
        let Some(swapped) = path.file_name().and_then(OsStr::to_str).and_then(swap) else { continue };
        let other = path.with_file_name(swapped);
        let same = match (std::fs::canonicalize(&path), std::fs::canonicalize(&other)) {
            (Ok(a), Ok(b)) => a == b || same_file(&path, &other),
            _ => false,
        };
        return Fold { case: same, unicode: false };
    }
    Fold::default()
}

fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => (x.dev(), x.ino()) == (y.dev(), y.ino()),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_differing_in_case_collide_only_under_a_case_fold() {
        let d = tempfile::tempdir().unwrap();
        for n in ["Scan.dcm", "scan.dcm", "SCAN.DCM", "other.dcm"] {
            std::fs::write(d.path().join(n), b"").unwrap();
        }
        let merged = std::fs::read_dir(d.path()).unwrap().count() < 4;
        assert!(
            !merged || crate::platform::NAMES_IGNORE_CASE,
            "only a folder that ignores case (Windows) merges them"
        );
        if merged {
            return;
        }
        let c = collisions(d.path(), Fold { case: true, unicode: false }, false);
        assert_eq!(c.len(), 3, "{c:?}");
        let mut others = c[OsStr::new("scan.dcm")].clone();
        others.sort();
        assert_eq!(others, ["SCAN.DCM", "Scan.dcm"]);
        assert!(collisions(d.path(), Fold::default(), false).is_empty());
        std::fs::create_dir(d.path().join("OTHER.DCM")).unwrap();
        let fold = Fold { case: true, unicode: false };
        assert!(!collisions(d.path(), fold, true).contains_key(OsStr::new("OTHER.DCM")), "files only");
    }

    #[test]
    fn a_case_fold_is_letter_for_letter() {
        let fold = Fold { case: true, unicode: false };
        assert_eq!(fold.key(OsStr::new("\u{3c2}")), fold.key(OsStr::new("\u{3a3}")), "final sigma");
        assert_ne!(fold.key(OsStr::new("\u{df}")), fold.key(OsStr::new("SS")), "no letter becomes two");
    }

    #[test]
    fn composed_and_decomposed_accents_collide_where_the_drive_normalises() {
        let fold = Fold { case: false, unicode: true };
        assert_eq!(fold.key(OsStr::new("Ren\u{e9}e")), fold.key(OsStr::new("Rene\u{301}e")));
        assert_ne!(
            fold.key(OsStr::new("Ren\u{e9}e")),
            fold.key(OsStr::new("ren\u{e9}e")),
            "case still counts"
        );
    }

    #[test]
    fn the_probes_tell_a_linux_file_system_keeps_names_apart() {
        let d = tempfile::tempdir().unwrap();
        let src = d.path().join("EXACTData");
        std::fs::create_dir(&src).unwrap();
        if cfg!(target_os = "linux") {
            assert_eq!(probe(d.path()), Fold::default());
            assert_eq!(probe_source(&src), Fold::default());
        }
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1, "no test files left behind");
        // A folder whose other spelling is a link to it folds case as far as we can tell.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&src, d.path().join("exactdATA")).unwrap();
            assert!(probe_source(&src).case);
        }
    }
}
