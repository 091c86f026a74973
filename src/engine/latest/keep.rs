//! Which files of `latest` keep their last good copy although the new set lacks them: those the
//! run could not back up (in use, unreadable, in a folder that could not be read). A file that was
//! deleted from the data folder is not kept, and neither is a database file: the database files
//! in `latest` are always the new set's, as one group, never a mix of two days.

use super::super::scan::key_of;
use super::super::{FileProblem, ProblemKind};
use crate::plan::Source;
use std::collections::BTreeSet;

#[derive(Debug, Default)]
pub struct Keep {
    files: BTreeSet<String>,
    folders: BTreeSet<String>,
}

impl Keep {
    pub fn new(problems: &[FileProblem], sources: &[Source]) -> Keep {
        let mut keep = Keep::default();
        for p in problems {
            // A folder that could not be read is named as FAILED with the folder's own path. Below
            // the top, a path that cannot be looked at now (a share lost since) or that is a link
            // to a folder is taken as a folder too: keeping what `latest` holds below it costs
            // nothing if it was a file.
            let now = std::fs::metadata(&p.path).ok();
            let folder = match p.kind {
                ProblemKind::Failed | ProblemKind::Skipped => now.as_ref().is_some_and(|m| m.is_dir()),
                ProblemKind::FolderFailed => true,
                ProblemKind::Vanished | ProblemKind::NotAFile => continue,
            };
            let Some((key, source, rel)) = key_of(&p.path, sources) else { continue };
            // A whole source that could not be read keeps nothing: the database would go with it.
            let top = rel.components().count();
            if top == 0 || source.is_data_folder && top == 1 && !folder {
                continue;
            }
            let folder = folder || now.is_none_or(|m| m.is_dir());
            if folder {
                keep.folders.insert(key)
            } else {
                keep.files.insert(key)
            };
        }
        keep
    }

    /// Whether `key` is a kept folder or inside one: what `latest` holds there stays as it is even
    /// where the new set has something else at that path (a link put in the folder's place).
    pub fn shadows(&self, key: &str) -> bool {
        self.folders.contains(key) || key.match_indices('/').any(|(i, _)| self.folders.contains(&key[..i]))
    }

    /// Whether the entry of `latest` at `key` stays although the new set lacks it: a kept file, a
    /// folder on the way to one, or anything in a folder that could not be read.
    pub fn covers(&self, key: &str) -> bool {
        if self.files.contains(key) || self.folders.contains(key) {
            return true;
        }
        let below = format!("{key}/");
        let holds =
            |set: &BTreeSet<String>| set.range(below.clone()..).next().is_some_and(|k| k.starts_with(&below));
        if holds(&self.files) || holds(&self.folders) {
            return true;
        }
        key.match_indices('/').any(|(i, _)| self.folders.contains(&key[..i]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn failed_files_and_folders_are_kept_but_not_vanished_or_database_files() {
        let sources =
            [Source { root: "/d".into(), set_dir: "data".into(), recursive: true, is_data_folder: true }];
        let p = |path: &str, kind| FileProblem {
            path: PathBuf::from(path),
            kind,
            reason: String::new(),
            cause: None,
        };
        let keep = Keep::new(
            &[
                p("/d/Docs/letter.doc", ProblemKind::Failed),
                p("/d/Xrays/2024", ProblemKind::FolderFailed),
                p("/d/Docs/gone.doc", ProblemKind::Vanished),
                p("/d/Practice.db", ProblemKind::Failed),
            ],
            &sources,
        );
        assert!(keep.covers("data/Docs/letter.doc"));
        assert!(keep.covers("data/Docs"), "the folder on the way");
        assert!(keep.covers("data"));
        assert!(keep.covers("data/Xrays/2024/a/b.dcm"));
        assert!(!keep.covers("data/Xrays/2024b"));
        assert!(!keep.covers("data/Docs/gone.doc"));
        assert!(!keep.covers("data/Practice.db"));
    }
}
