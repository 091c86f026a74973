//! What to do, by cause: one table, in plain words, used by the window and backup.log alike.

use super::{FileProblem, ProblemKind};
use std::io;
use std::path::Path;

/// Why something is not in a backup, as far as what to do about it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cause {
    /// This Windows user may not read (or write) it.
    AccessDenied,
    /// Another program holds it open (EXACT on another computer).
    InUse,
    /// It kept changing while it was copied.
    Changing,
    /// The server (or the folder on it) could not be reached.
    ServerUnreachable,
    /// The backup drive or folder could not be reached.
    DriveMissing,
    /// The backup drive is full.
    DriveFull,
    /// The backup drive gave back something other than what was written.
    DriveFailing,
    /// The backup drive cannot hold the name or the size.
    NotAllowedOnDrive,
    /// An older backup's copies no longer match its manifest.
    DamagedPrevious,
    /// A link (a shortcut, a junction) to a folder or file outside the folders backed up.
    LinkedElsewhere,
    /// The backup folder is inside the data, reached through another path.
    Nested,
    /// Anything else: the log has the system's words.
    Other,
}

/// Each cause's advice. `{folder}` is the folder it happened in.
const TABLE: [(Cause, &str); 12] = [
    (
        Cause::AccessDenied,
        "This Windows user may not open {folder}. Ask your IT contact to give this user read access to it (and Full control of the backup folder), then back up again.",
    ),
    (
        Cause::InUse,
        "Files in {folder} were in use by another program. Close EXACT on every computer, then back up again.",
    ),
    (
        Cause::Changing,
        "Files in {folder} kept changing while they were copied. Back up again when nobody is working in EXACT: lunchtime or the end of the day is best.",
    ),
    (
        Cause::ServerUnreachable,
        "The server could not be reached for {folder}. Check that the server is on and this computer is connected to the network, then back up again.",
    ),
    (
        Cause::DriveMissing,
        "The backup drive could not be reached at {folder}. Check that it is plugged in and switched on, then back up again.",
    ),
    (
        Cause::DriveFull,
        "The backup drive holding {folder} is full. Move other files off the drive (leave the backups in {folder} alone: old ones are removed by the program as Settings says), or choose a bigger drive in Settings, then back up again.",
    ),
    (
        Cause::DriveFailing,
        "The backup drive did not give back what was written to {folder}: it may be failing. Ask your IT contact to check or replace it.",
    ),
    (
        Cause::NotAllowedOnDrive,
        "The backup drive cannot hold some names or sizes in {folder}. Ask your IT contact to format the drive as NTFS, or rename the files.",
    ),
    (
        Cause::DamagedPrevious,
        "An older backup in {folder} is damaged. Ask your IT contact to check the backup drive; the files were copied afresh into this backup.",
    ),
    (
        Cause::LinkedElsewhere,
        "Some items in {folder} are links to folders or files elsewhere, and what they point to is not backed up. Ask your IT contact to add those folders as extra folders in Settings (backup.log names each one).",
    ),
    (
        Cause::Nested,
        "The backup folder is inside {folder}, reached through another path (a second drive letter, a junction or a mount), so it was left out. Ask your IT contact to choose a backup folder outside the data being backed up.",
    ),
    (
        Cause::Other,
        "Files in {folder} could not be backed up. If it happens again, call your IT contact: backup.log has the details.",
    ),
];

/// What to do about the files that are not in a backup: one line per cause, in the table's order,
/// each naming the folder of the first file it happened to.
pub fn for_problems(problems: &[FileProblem]) -> Vec<String> {
    Cause::ALL
        .iter()
        .filter_map(|&cause| {
            let p = problems.iter().find(|p| p.cause == Some(cause))?;
            let folder = match p.kind {
                ProblemKind::FolderFailed => p.path.as_path(),
                _ => p.path.parent().unwrap_or(&p.path),
            };
            Some(cause.what_to_do(folder))
        })
        .collect()
}

impl Cause {
    pub const ALL: [Cause; 12] = [
        Cause::AccessDenied,
        Cause::InUse,
        Cause::Changing,
        Cause::ServerUnreachable,
        Cause::DriveMissing,
        Cause::DriveFull,
        Cause::DriveFailing,
        Cause::NotAllowedOnDrive,
        Cause::DamagedPrevious,
        Cause::LinkedElsewhere,
        Cause::Nested,
        Cause::Other,
    ];

    /// What to do, naming the folder it happened in.
    pub fn what_to_do(self, folder: &Path) -> String {
        let words = TABLE.iter().find(|(c, _)| *c == self).map_or("", |(_, w)| w);
        words.replace("{folder}", &crate::format::display(folder))
    }

    /// The cause of a failed read of a source file or folder.
    pub fn of_source_error(e: &io::Error) -> Cause {
        match e.kind() {
            _ if crate::platform::network_error(e) => Cause::ServerUnreachable,
            io::ErrorKind::PermissionDenied => Cause::AccessDenied,
            _ if super::copy::is_in_use(e) => Cause::InUse,
            io::ErrorKind::NotFound
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::NetworkDown
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::TimedOut => Cause::ServerUnreachable,
            _ => Cause::Other,
        }
    }

    /// The cause of a failed write to the backup drive.
    pub fn of_drive_error(e: &io::Error) -> Cause {
        match e.kind() {
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => Cause::DriveFull,
            io::ErrorKind::PermissionDenied => Cause::AccessDenied,
            io::ErrorKind::NotFound => Cause::DriveMissing,
            io::ErrorKind::InvalidFilename | io::ErrorKind::FileTooLarge => Cause::NotAllowedOnDrive,
            _ => Cause::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cause_has_its_own_words_naming_the_folder() {
        let folder = Path::new("EXACTData").join("X-rays");
        let mut seen = std::collections::HashSet::new();
        for cause in Cause::ALL {
            let words = cause.what_to_do(&folder);
            assert!(words.contains(&crate::format::display(&folder)), "{cause:?}: {words}");
            assert!(words.ends_with('.') && !words.contains('{'), "{cause:?}: {words}");
            assert!(seen.insert(words), "{cause:?} has words of its own");
        }
        assert_eq!(TABLE.map(|(c, _)| c), Cause::ALL, "the table holds each cause once, in order");
    }

    #[test]
    fn access_denied_is_not_advised_as_a_file_in_use() {
        let denied = Cause::of_source_error(&io::Error::from(io::ErrorKind::PermissionDenied));
        assert_eq!(denied, Cause::AccessDenied);
        let words = denied.what_to_do(Path::new("X-rays"));
        assert!(words.contains("read access") && !words.contains("Close EXACT"), "{words}");
        let full = Cause::of_drive_error(&io::Error::from(io::ErrorKind::StorageFull));
        assert_eq!(full, Cause::DriveFull);
    }
}
