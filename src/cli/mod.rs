//! The command line: headless runs for scheduled tasks, `verify`, and exit codes.

use crate::settings;
use crate::terminal::{errln, outln};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

pub mod args;
pub mod restore;
pub mod run;

pub use args::{EXIT_INVALID_SETTINGS, RunArgs, StatusArgs};

#[derive(Parser)]
#[command(name = "logoff-backup", version, about = "Network backup of an EXACT practice's data folder")]
#[command(
    after_help = "Exit codes: 0 SUCCESS, 1 COMPLETED WITH ERRORS, 2 FAILED, 3 invalid settings, 4 CANCELLED, 5 SUSPECT (the files look encrypted, maybe ransomware, or many are gone)."
)]
pub struct Cli {
    /// Settings file to use instead of the per-user or machine-wide one.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Ask whether to start the network backup (what EXACT's exit or a logoff script runs).
    Prompt,
    /// Start a program (EXACT), wait for it to close, then ask whether to back up.
    After {
        /// Once the program has closed, how long to wait for what it started (Windows) before
        /// asking anyway.
        #[arg(long, value_name = "SECONDS", default_value_t = crate::after::OTHERS_MAX.as_secs())]
        others_timeout: u64,
        /// The program and its arguments, after `--`.
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
        program: Vec<std::ffi::OsString>,
    },
    /// Back up now, without a window (for a scheduled task).
    Run(RunArgs),
    /// Re-read a backup set and compare every file with its manifest (exit 0 match, 1 mismatch, 2 unreadable).
    Verify {
        /// The set's folder, e.g. E:\DataBkup\2026-11-26_173005_RECEPTION1, or the cloud copy
        /// E:\DataBkup\latest
        set: PathBuf,
    },
    /// The backups in the backup folder and the chart of the last ones, to restore from.
    History,
    /// Open the settings dialog.
    Settings,
    /// List the complete backups in the backup folder.
    List {
        /// The backup folder (default: from the settings).
        #[arg(long, value_name = "PATH")]
        destination: Option<PathBuf>,
    },
    /// Copy a backup (or one folder or file of it) into a new or empty folder, checking every file.
    Restore {
        /// The backup's folder, e.g. E:\DataBkup\2026-11-26_173005_RECEPTION1
        set: PathBuf,
        /// A new or empty folder to restore into (never the live data folder).
        #[arg(long, value_name = "FOLDER")]
        to: PathBuf,
        /// Only this folder or file of the backup, as `list`ed in its manifest (e.g. data/X-rays).
        #[arg(long, value_name = "PATH")]
        only: Option<String>,
    },
    /// Test a restore of the newest backup: database files and a random sample, compared byte for byte.
    Drill {
        /// Makes the random sample repeatable.
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
        /// The backup folder (default: from the settings).
        #[arg(long, value_name = "PATH")]
        destination: Option<PathBuf>,
        /// Write the result here instead of <data folder>/logfiles/backup.log.
        #[arg(long, value_name = "PATH")]
        log_file: Option<PathBuf>,
    },
    /// How the practice's backups stand, for monitoring (exit 0 fresh, 1 stale, 2 no good backup or the last one failed, 5 an unconfirmed SUSPECT backup).
    Status {
        /// Print JSON (its fields are described in the README).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        folders: StatusArgs,
    },
    /// Clear a backup's SUSPECT mark when the change it found was expected (a new X-ray import, say).
    Confirm {
        /// The backup's folder, e.g. E:\DataBkup\2026-11-26_173005_RECEPTION1
        set: PathBuf,
        /// Write the confirmation here instead of <data folder>/logfiles/backup.log.
        #[arg(long, value_name = "PATH")]
        log_file: Option<PathBuf>,
    },
    /// Make a sample practice (data folder, backup folder, settings) and open the prompt on it.
    Demo {
        /// Where to put the sample practice (default: a folder in your local data folder).
        #[arg(long, value_name = "PATH")]
        dir: Option<PathBuf>,
    },
}

impl Command {
    /// The commands that print and end with an exit code. The windows (`prompt`, `after`,
    /// `settings`, `demo`) never attach to a console: a Ctrl-C there, or closing that console
    /// window, would end them mid-backup without a word in the log.
    pub fn uses_console(&self) -> bool {
        matches!(
            self,
            Command::Run(_)
                | Command::Verify { .. }
                | Command::List { .. }
                | Command::Restore { .. }
                | Command::Drill { .. }
                | Command::Status { .. }
                | Command::Confirm { .. }
        )
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help, the version, or a mistake on the command line: said on the console. A mistake
            // exits 3, "invalid settings", as a scheduler should read it (clap's own 2 is FAILED).
            crate::platform::attach_parent_console();
            let _ = e.print();
            return match e.use_stderr() {
                true => ExitCode::from(EXIT_INVALID_SETTINGS),
                false => ExitCode::SUCCESS,
            };
        }
    };
    if cli.command.as_ref().is_some_and(Command::uses_console) {
        crate::platform::attach_parent_console();
    }
    let locations = || settings::Locations::system(cli.config.as_deref());
    match cli.command {
        None | Some(Command::Prompt) => crate::gui::app::run(locations(), false),
        Some(Command::After { ref program, others_timeout }) => {
            crate::after::then_prompt(program, Duration::from_secs(others_timeout), locations())
        }
        Some(Command::Run(args)) => run::run(cli.config, args),
        Some(Command::Verify { set }) => restore::verify(&set),
        Some(Command::Demo { dir }) => demo(dir),
        Some(Command::Settings) => crate::gui::settings_app::run(locations()),
        Some(Command::History) => crate::gui::app::run(locations(), true),
        Some(Command::List { ref destination }) => restore::list(cli.config.as_deref(), destination.clone()),
        Some(Command::Restore { ref set, ref to, ref only }) => {
            restore::restore(cli.config.as_deref(), set, to, only.as_deref())
        }
        Some(Command::Status { json, ref folders }) => {
            crate::practice_status::command(cli.config.as_deref(), json, folders)
        }
        Some(Command::Confirm { ref set, ref log_file }) => {
            restore::confirm(cli.config.as_deref(), set, log_file.clone())
        }
        Some(Command::Drill { seed, ref destination, ref log_file }) => {
            restore::drill(cli.config.as_deref(), seed, destination.clone(), log_file.clone())
        }
    }
}

fn demo(dir: Option<PathBuf>) -> ExitCode {
    let dir = dir.unwrap_or_else(crate::demo::default_dir);
    let demo = match crate::demo::prepare(&dir) {
        Ok(d) => d,
        Err(e) => {
            errln!("logoff-backup: cannot make the sample practice in {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    };
    outln!("Sample practice: {}", demo.settings.data_folder.display());
    outln!("Backups go to:   {}", demo.settings.destination.display());
    outln!("Settings:        {}", demo.settings_file.display());
    crate::gui::app::run(settings::Locations::system(Some(&demo.settings_file)), false)
}
