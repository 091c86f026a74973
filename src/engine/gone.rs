//! Whether a file that could not be opened is gone. "Not found" is no proof: on Windows a dropped
//! connection to the server ("the network path was not found") reads as not found too, and a share
//! may answer so for a moment while the file is still there. A file is gone only when a fresh
//! listing of its folder no longer names it.

use std::path::Path;

/// What a fresh listing of a file's folder says of it.
#[derive(Debug)]
pub enum Listed {
    /// Its folder was listed and the file is not in it.
    Gone,
    /// Its folder still names it: it could not be opened, but it is there.
    Still,
    /// Its folder could not be listed either (the server, most likely).
    FolderUnreadable(std::io::Error),
}

/// Lists the folder of `path` again and looks for its name (ignoring case where the system does).
pub fn listed_again(path: &Path) -> Listed {
    let (Some(folder), Some(name)) = (path.parent(), path.file_name()) else { return Listed::Still };
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) => return Listed::FolderUnreadable(e),
    };
    let ignore_case = crate::platform::NAMES_IGNORE_CASE;
    let wanted = name.to_string_lossy();
    let wanted = crate::platform::fold_case(&wanted, ignore_case);
    for entry in entries {
        match entry {
            Ok(e) if e.file_name() == name => return Listed::Still,
            Ok(e)
                if ignore_case
                    && crate::platform::fold_case(&e.file_name().to_string_lossy(), true) == wanted =>
            {
                return Listed::Still;
            }
            Ok(_) => {}
            // A listing cut short cannot say the file is gone.
            Err(e) => return Listed::FolderUnreadable(e),
        }
    }
    Listed::Gone
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_gone_only_when_its_folder_no_longer_lists_it() {
        let d = tempfile::tempdir().unwrap();
        let file = d.path().join("letter.rtf");
        std::fs::write(&file, b"x").unwrap();
        assert!(matches!(listed_again(&file), Listed::Still));
        std::fs::remove_file(&file).unwrap();
        assert!(matches!(listed_again(&file), Listed::Gone));
        let lost = d.path().join("share").join("letter.rtf");
        assert!(matches!(listed_again(&lost), Listed::FolderUnreadable(_)), "a folder that cannot be listed");
    }
}
