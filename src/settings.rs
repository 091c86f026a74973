//! The saved settings (`settings.ron`): what to back up, where to, and how many sets to keep.

use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// File name of the settings file in every settings folder.
pub const FILE_NAME: &str = "settings.ron";

/// What the practice chose. Field names are the file format: never rename one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// EXACT's data folder, usually a share such as `\\server\EXACTData`.
    pub data_folder: PathBuf,
    /// Where backup sets are written: a workstation folder or an external drive.
    pub destination: PathBuf,
    /// Also back up the data folder's sub-directories (X-rays, documents, forms...).
    pub include_subdirectories: bool,
    /// Folders outside the data folder, such as X-rays kept elsewhere.
    pub extra_folders: Vec<PathBuf>,
    pub keep_last: u32,
    pub keep_daily: u32,
    pub keep_weekly: u32,
    pub keep_monthly: u32,
    /// Re-read every copied file after the backup and compare it with the source's hash.
    pub verify_after_backup: bool,
    /// Ask to start a backup when EXACT exits.
    pub prompt_on_exit: bool,
    /// Offer a restore test when the last passed one is older than this many days.
    pub restore_test_days: u32,
    /// The prompt says in red when the practice's newest good backup is older than this many days.
    pub overdue_after_days: u32,
    /// Keep `latest` in the backup folder: the newest backup's data at a path that never changes,
    /// brought up to date in place, for the practice's cloud backup to follow.
    pub cloud_folder: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            data_folder: PathBuf::new(),
            destination: PathBuf::new(),
            include_subdirectories: true,
            extra_folders: Vec::new(),
            keep_last: 3,
            keep_daily: 14,
            keep_weekly: 8,
            keep_monthly: 12,
            verify_after_backup: true,
            prompt_on_exit: true,
            restore_test_days: 30,
            overdue_after_days: 2,
            cloud_folder: true,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read the settings file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("the settings file {path} is damaged at line {line}, column {column}: {message}")]
    Corrupt { path: PathBuf, line: usize, column: usize, message: String },
    #[error("cannot save the settings file {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

impl Settings {
    /// Reads a settings file. Missing fields take their defaults, so older files keep working.
    pub fn load(path: &Path) -> Result<Settings, SettingsError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| SettingsError::Read { path: path.to_path_buf(), source })?;
        ron::from_str(&text).map_err(|e| SettingsError::Corrupt {
            path: path.to_path_buf(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        })
    }

    /// Writes the settings atomically: a temporary file beside the target, then a rename.
    pub fn save(&self, path: &Path) -> Result<(), SettingsError> {
        let err = |source| SettingsError::Write { path: path.to_path_buf(), source };
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .map_err(|e| err(std::io::Error::other(e)))?;
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
        let dir = dir.unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(err)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
        tmp.write_all(text.as_bytes()).map_err(err)?;
        tmp.as_file().sync_all().map_err(err)?;
        tmp.persist(path).map_err(|e| err(e.error))?;
        Ok(())
    }
}

/// The per-user settings file: `%APPDATA%\logoff-backup\settings.ron` on Windows,
/// `~/.config/logoff-backup/settings.ron` elsewhere. (Tests, in debug builds only, put the folder
/// that holds `logoff-backup` in `LOGOFF_BACKUP_CONFIG_DIR`: Windows finds `%APPDATA%` without
/// reading the environment.)
pub fn user_path() -> Option<PathBuf> {
    let base = crate::platform::test_override("LOGOFF_BACKUP_CONFIG_DIR").map(PathBuf::from);
    base.or_else(dirs::config_dir).map(|d| d.join("logoff-backup").join(FILE_NAME))
}

/// The machine-wide settings file shared by every user of this computer. (Tests, in debug builds
/// only, put the folder that holds `logoff-backup` in `LOGOFF_BACKUP_MACHINE_CONFIG_DIR`.)
pub fn machine_path() -> PathBuf {
    if let Some(base) = crate::platform::test_override("LOGOFF_BACKUP_MACHINE_CONFIG_DIR") {
        return PathBuf::from(base).join("logoff-backup").join(FILE_NAME);
    }
    #[cfg(windows)]
    {
        let base = std::env::var_os("ProgramData").unwrap_or_else(|| "C:\\ProgramData".into());
        PathBuf::from(base).join("logoff-backup").join(FILE_NAME)
    }
    #[cfg(not(windows))]
    {
        PathBuf::from("/etc/logoff-backup").join(FILE_NAME)
    }
}

/// Where settings files live: an explicit `--config` file, the per-user file, the machine-wide file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locations {
    pub explicit: Option<PathBuf>,
    pub user: Option<PathBuf>,
    pub machine: PathBuf,
}

impl Locations {
    /// This computer's places, with `--config` if given.
    pub fn system(explicit: Option<&Path>) -> Locations {
        Locations { explicit: explicit.map(Path::to_path_buf), user: user_path(), machine: machine_path() }
    }

    /// Which settings file applies: `--config` if given, else the per-user file if it exists, else
    /// the machine-wide file if it exists. `None` means this computer has no settings yet.
    pub fn find(&self) -> Option<PathBuf> {
        if let Some(p) = &self.explicit {
            return Some(p.clone());
        }
        self.user
            .clone()
            .filter(|p| p.is_file())
            .or_else(|| Some(self.machine.clone()).filter(|p| p.is_file()))
    }

    /// Where Save writes by default: `--config`, else the per-user file.
    pub fn save_target(&self) -> PathBuf {
        self.explicit.clone().or_else(|| self.user.clone()).unwrap_or_else(|| self.machine.clone())
    }
}

/// Which settings file applies on this computer (see `Locations::find`).
pub fn find(explicit: Option<&Path>) -> Option<PathBuf> {
    Locations::system(explicit).find()
}

impl Settings {
    /// Settings for a computer that has none yet: EXACT's usual local data folder if it exists here,
    /// and the vendor's usual backup folder.
    pub fn first_run() -> Settings {
        #[cfg(windows)]
        {
            let usual = ["C:\\EXACTData", "D:\\EXACTData", "C:\\EXACT\\Data"];
            let data_folder = usual.iter().map(PathBuf::from).find(|p| p.is_dir()).unwrap_or_default();
            Settings { data_folder, destination: PathBuf::from("C:\\DataBkup"), ..Settings::default() }
        }
        #[cfg(not(windows))]
        Settings::default()
    }
}
