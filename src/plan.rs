//! Turns settings into a plan: resolved sources and destination, checked before any I/O.

use crate::settings::Settings;
use std::path::{Path, PathBuf};

/// One folder to back up and where it goes inside a set.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// Where the files are read from.
    pub root: PathBuf,
    /// Where they go inside a set, `/`-separated: `data` or `extra/<name>`.
    pub set_dir: String,
    /// Whole tree (true) or only the top-level files (false).
    pub recursive: bool,
    /// The data folder itself: its top-level files are the database and are always re-read.
    pub is_data_folder: bool,
}

/// How many complete sets retention keeps (restic's `forget` rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub last: u32,
    pub daily: u32,
    pub weekly: u32,
    pub monthly: u32,
}

/// Everything a run needs, resolved and ready.
#[derive(Debug, Clone)]
pub struct Plan {
    pub data_folder: PathBuf,
    pub extra_folders: Vec<PathBuf>,
    pub include_subdirectories: bool,
    pub sources: Vec<Source>,
    pub destination: PathBuf,
    pub retention: Retention,
    pub verify: bool,
    /// Keep `latest`, the folder for the practice's cloud backup to follow.
    pub cloud_folder: bool,
    /// The shared log, normally `<data folder>/logfiles/backup.log`.
    pub log_file: PathBuf,
    pub computer: String,
    pub user: String,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PlanError {
    #[error("no data folder is set: open Settings and choose EXACT's data folder")]
    NoDataFolder,
    #[error("no backup folder is set: open Settings and choose where backups go")]
    NoDestination,
    #[error("retention keeps no backups at all: set \"keep last\" to 1 or more")]
    KeepsNothing,
}

/// The log's usual place inside the data folder.
pub fn default_log_file(data_folder: &Path) -> PathBuf {
    data_folder.join("logfiles").join("backup.log")
}

impl Plan {
    pub fn from_settings(settings: &Settings, log_file: Option<PathBuf>) -> Result<Plan, PlanError> {
        if settings.data_folder.as_os_str().is_empty() {
            return Err(PlanError::NoDataFolder);
        }
        if settings.destination.as_os_str().is_empty() {
            return Err(PlanError::NoDestination);
        }
        let retention = Retention {
            last: settings.keep_last,
            daily: settings.keep_daily,
            weekly: settings.keep_weekly,
            monthly: settings.keep_monthly,
        };
        if retention.last + retention.daily + retention.weekly + retention.monthly == 0 {
            return Err(PlanError::KeepsNothing);
        }
        let data_folder = absolute(&settings.data_folder);
        let mut sources = vec![Source {
            root: data_folder.clone(),
            set_dir: "data".to_string(),
            recursive: settings.include_subdirectories,
            is_data_folder: true,
        }];
        let mut used = Vec::new();
        for (i, folder) in settings.extra_folders.iter().enumerate() {
            let name = unique_name(&extra_name(folder, i), &used);
            used.push(name.clone());
            sources.push(Source {
                root: absolute(folder),
                set_dir: format!("extra/{name}"),
                recursive: true,
                is_data_folder: false,
            });
        }
        Ok(Plan {
            log_file: log_file.unwrap_or_else(|| default_log_file(&data_folder)),
            data_folder,
            extra_folders: settings.extra_folders.iter().map(|p| absolute(p)).collect(),
            include_subdirectories: settings.include_subdirectories,
            sources,
            destination: absolute(&settings.destination),
            retention,
            verify: settings.verify_after_backup,
            cloud_folder: settings.cloud_folder,
            computer: crate::platform::computer_name(),
            user: crate::platform::user_name(),
        })
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// A folder's name for `extra/<name>`: its last component, made safe for any file system.
fn extra_name(folder: &Path, index: usize) -> String {
    let raw = folder
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .next_back()
        .unwrap_or_default();
    let safe: String =
        raw.chars().map(|c| if c.is_alphanumeric() || " -_.".contains(c) { c } else { '_' }).collect();
    let safe = safe.trim().trim_matches('.').to_string();
    if safe.is_empty() { format!("folder{}", index + 1) } else { safe }
}

fn unique_name(name: &str, used: &[String]) -> String {
    // Compared as a drive that ignores capitals would (NTFS, exFAT).
    let taken = |n: &str| used.iter().any(|u| u.to_uppercase() == n.to_uppercase());
    if !taken(name) {
        return name.to_string();
    }
    (2..).map(|i| format!("{name}-{i}")).find(|n| !taken(n)).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(data: &str, dest: &str) -> Settings {
        Settings { data_folder: data.into(), destination: dest.into(), ..Settings::default() }
    }

    #[test]
    fn extra_folders_get_unique_names_under_extra() {
        let mut s = settings("/srv/EXACTData", "/backup");
        s.extra_folders = vec!["/mnt/a/Xrays".into(), "/mnt/b/Xrays".into(), "/".into()];
        let plan = Plan::from_settings(&s, None).unwrap();
        let dirs: Vec<_> = plan.sources.iter().map(|s| s.set_dir.as_str()).collect();
        assert_eq!(dirs, ["data", "extra/Xrays", "extra/Xrays-2", "extra/folder3"]);
    }

    #[test]
    fn missing_folders_and_empty_retention_are_refused() {
        assert_eq!(Plan::from_settings(&settings("", "/b"), None).unwrap_err(), PlanError::NoDataFolder);
        assert_eq!(Plan::from_settings(&settings("/d", ""), None).unwrap_err(), PlanError::NoDestination);
        let mut s = settings("/d", "/b");
        (s.keep_last, s.keep_daily, s.keep_weekly, s.keep_monthly) = (0, 0, 0, 0);
        assert_eq!(Plan::from_settings(&s, None).unwrap_err(), PlanError::KeepsNothing);
    }

    #[test]
    fn log_defaults_to_the_data_folder() {
        let plan = Plan::from_settings(&settings("/srv/EXACTData", "/b"), None).unwrap();
        // On Windows `/srv/EXACTData` is on the current drive: `C:\srv\EXACTData`.
        let data = std::path::absolute("/srv/EXACTData").unwrap();
        assert_eq!(plan.log_file, data.join("logfiles").join("backup.log"));
    }
}
