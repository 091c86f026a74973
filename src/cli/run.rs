//! `run`: a backup without a window (a scheduled task), with a progress bar on a terminal.

use super::args::{EXIT_INVALID_SETTINGS, RunArgs};
use crate::engine::{self, Outcome, Report};
use crate::format;
use crate::plan::Plan;
use crate::settings::{self, Settings};
use crate::terminal::{TerminalProgress, errln, outln};
use crate::worker;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The settings for a run: flags alone when both folders are given (and no `--config`),
/// otherwise the settings file with the flags on top.
pub fn run_settings(config: Option<PathBuf>, args: &RunArgs) -> Result<Settings, String> {
    let mut s = if args.data_folder.is_some() && args.destination.is_some() && config.is_none() {
        Settings::default()
    } else {
        let Some(path) = settings::find(config.as_deref()) else {
            return Err(
                "There are no settings on this computer yet. Open logoff-backup's Settings, or give --data-folder and --destination."
                    .into(),
            );
        };
        Settings::load(&path).map_err(|e| e.to_string())?
    };
    if let Some(p) = &args.data_folder {
        s.data_folder = p.clone();
    }
    if let Some(p) = &args.destination {
        s.destination = p.clone();
    }
    if !args.extra_folders.is_empty() {
        s.extra_folders = args.extra_folders.clone();
    }
    if args.no_subdirectories {
        s.include_subdirectories = false;
    }
    if let Some(n) = args.keep {
        (s.keep_last, s.keep_daily, s.keep_weekly, s.keep_monthly) = (n, 0, 0, 0);
    }
    if args.no_cloud_folder {
        s.cloud_folder = false;
    }
    if args.no_verify {
        s.verify_after_backup = false;
    } else if args.verify {
        s.verify_after_backup = true;
    }
    Ok(s)
}

pub fn run(config: Option<PathBuf>, args: RunArgs) -> ExitCode {
    let plan = run_settings(config, &args)
        .and_then(|s| Plan::from_settings(&s, args.log_file.clone()).map_err(|e| e.to_string()));
    let plan = match plan {
        Ok(p) => p,
        Err(e) => {
            errln!("logoff-backup: {e}");
            return ExitCode::from(EXIT_INVALID_SETTINGS);
        }
    };
    run_plan(plan)
}

/// Runs a backup with a terminal progress bar; Ctrl-C cancels.
fn run_plan(plan: Plan) -> ExitCode {
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    // Ctrl-C cancels like the window's Cancel: the partial set goes, earlier sets stay.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed));
    // A scheduled run keeps the computer awake as the window does.
    crate::platform::keep_awake(true);
    let handle = worker::start_with_cancel(plan, cancel, || {});
    let mut bar = TerminalProgress::new();
    for event in handle.events.iter() {
        bar.apply(&event);
    }
    let report = handle.join();
    crate::platform::keep_awake(false);
    print_report(&report);
    ExitCode::from(report.outcome.exit_code())
}

fn print_report(r: &Report) {
    let c = &r.counts;
    outln!("{}", r.outcome.label());
    if let Some(f) = &r.failure {
        outln!("{}", f.message);
    }
    if let Some(set) = &r.set {
        outln!("Backup: {}", set.display());
    }
    if let Some(s) = &r.suspect {
        outln!("{}", s.alert());
        s.evidence.iter().for_each(|e| outln!("  {e}"));
        s.examples.iter().for_each(|e| outln!("  SUSPECT   {e}"));
    }
    if r.outcome != Outcome::Failed {
        outln!("Files: {}. Size: {}", c.summary(), format::bytes(c.bytes_total));
    }
    if let Some(g) = r.database.as_ref().filter(|_| r.set.is_some()) {
        outln!("Database: {}", engine::database::words(g));
        if !g.quiet {
            outln!("{}", engine::database::changing_words(g));
        }
    }
    if let Some(u) = &r.latest {
        outln!("Cloud copy: {}", u.words());
    }
    for p in &r.problems {
        outln!("  {:<9} {}: {}", p.kind.label(), p.path.display(), p.reason);
    }
    for n in &r.notes {
        outln!("Note: {n}");
    }
    if let Some(log) = &r.log_file {
        outln!("Log: {}", log.display());
    }
}
