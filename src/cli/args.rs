//! The command line's options shared by its commands, and the exit code for unusable settings.

use clap::Args;
use std::path::PathBuf;

/// Exit code for settings that cannot be used.
pub const EXIT_INVALID_SETTINGS: u8 = 3;

#[derive(Args, Default)]
pub struct StatusArgs {
    /// EXACT's data folder, whose logfiles\backup.log is read.
    #[arg(long, value_name = "PATH")]
    pub data_folder: Option<PathBuf>,
    /// This computer's backup folder.
    #[arg(long, value_name = "PATH")]
    pub destination: Option<PathBuf>,
    /// The log to read instead of <data folder>/logfiles/backup.log.
    #[arg(long, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
}

#[derive(Args, Default)]
pub struct RunArgs {
    /// EXACT's data folder (e.g. \\server\EXACTData).
    #[arg(long, value_name = "PATH")]
    pub data_folder: Option<PathBuf>,
    /// Where backup sets go (e.g. E:\DataBkup).
    #[arg(long, value_name = "PATH")]
    pub destination: Option<PathBuf>,
    /// A folder outside the data folder to back up too (repeatable).
    #[arg(long = "extra-folder", value_name = "PATH")]
    pub extra_folders: Vec<PathBuf>,
    /// Back up only the top-level files of the data folder (the database).
    #[arg(long)]
    pub no_subdirectories: bool,
    /// Keep only the newest N backups (instead of the daily/weekly/monthly rules).
    #[arg(long, value_name = "N")]
    pub keep: Option<u32>,
    /// Re-read every copied file and compare it (the default unless the settings say otherwise).
    #[arg(long, overrides_with = "no_verify")]
    pub verify: bool,
    /// Skip re-reading the copies.
    #[arg(long)]
    pub no_verify: bool,
    /// Do not bring `latest`, the folder the cloud backup follows, up to date this time.
    #[arg(long)]
    pub no_cloud_folder: bool,
    /// Write the log here instead of <data folder>/logfiles/backup.log.
    #[arg(long, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
}
