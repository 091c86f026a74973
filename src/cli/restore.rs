//! The command line's checks and way back: `verify`, `list`, `restore` and `drill`.

use crate::settings::{self, Settings};
use crate::terminal::{errln, outln};
use crate::{drill, engine, format, restore};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The settings if there are any (these commands also work with flags alone).
fn settings(config: Option<&Path>) -> Option<Settings> {
    settings::find(config).and_then(|p| Settings::load(&p).ok())
}

fn destination(config: Option<&Path>, flag: Option<PathBuf>) -> Result<PathBuf, ExitCode> {
    flag.or_else(|| settings(config).map(|s| s.destination).filter(|d| !d.as_os_str().is_empty())).ok_or_else(
        || {
            errln!("logoff-backup: no backup folder: give --destination, or set one in Settings.");
            ExitCode::from(super::args::EXIT_INVALID_SETTINGS)
        },
    )
}

pub fn list(config: Option<&Path>, flag: Option<PathBuf>) -> ExitCode {
    let dest = match destination(config, flag) {
        Ok(d) => d,
        Err(code) => return code,
    };
    match restore::list(&dest) {
        Ok(rows) if rows.is_empty() => {
            outln!("No complete backups in {}.", dest.display());
            ExitCode::SUCCESS
        }
        Ok(rows) => {
            outln!("{}", restore::table(&rows, crate::platform::console_colors()).trim_end());
            ExitCode::SUCCESS
        }
        Err(e) => {
            errln!("logoff-backup: cannot read {}: {e}", dest.display());
            ExitCode::from(2)
        }
    }
}

/// `confirm`: clears a SUSPECT set's mark (see `crate::confirm`).
pub fn confirm(config: Option<&Path>, set: &Path, log_file: Option<PathBuf>) -> ExitCode {
    let log = log_file.or_else(|| settings(config).map(|s| crate::plan::default_log_file(&s.data_folder)));
    match crate::confirm::confirm(set, log.as_deref()) {
        Ok(crate::confirm::Confirmed::Now(line)) => {
            outln!("{line}");
            let others: Vec<_> = set
                .parent()
                .and_then(|dest| crate::engine::sets::list(dest).ok())
                .unwrap_or_default()
                .into_iter()
                .filter(|s| s.is_suspect())
                .collect();
            match others.last() {
                None => outln!(
                    "The SUSPECT mark is cleared: the next backup is compared with this one, and older backups are removed by the retention rules again."
                ),
                Some(last) => {
                    let names: Vec<&str> = others.iter().map(|s| s.name.as_str()).collect();
                    outln!(
                        "The SUSPECT mark is cleared. Still marked SUSPECT: {}. Until each is confirmed, no backup older than {} is removed. If their change was expected too, confirm each: logoff-backup confirm \"{}\"",
                        names.join(", "),
                        last.name,
                        crate::format::display(&last.path)
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Ok(crate::confirm::Confirmed::Already(line)) => {
            outln!("Already confirmed. {line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            errln!("logoff-backup: {e}");
            ExitCode::from(2)
        }
    }
}

pub fn restore(config: Option<&Path>, set: &Path, to: &Path, only: Option<&str>) -> ExitCode {
    let live: Vec<PathBuf> = settings(config).map(|s| s.data_folder).into_iter().collect();
    let mut last_print = 0;
    let mut progress = |files: u64, bytes: u64| {
        if files >= last_print + 1000 {
            last_print = files;
            errln!("{} files, {} restored…", format::count(files), format::bytes(bytes));
        }
    };
    match restore::restore(set, to, only, &live, &mut progress) {
        Err(e) => {
            errln!("logoff-backup: {e}");
            ExitCode::from(2)
        }
        Ok(r) => {
            for (path, why) in &r.bad {
                outln!("NOT RESTORED  {path}: {why}");
            }
            outln!(
                "{}: {} files, {} restored into {} and checked against the manifest",
                if r.bad.is_empty() { "RESTORED" } else { "RESTORED WITH ERRORS" },
                format::count(r.files),
                format::bytes(r.bytes),
                to.display()
            );
            ExitCode::from(if r.bad.is_empty() { 0 } else { 1 })
        }
    }
}

pub fn drill(
    config: Option<&Path>,
    seed: Option<u64>,
    dest: Option<PathBuf>,
    log: Option<PathBuf>,
) -> ExitCode {
    let s = settings(config);
    let dest = match destination(config, dest) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let log = log
        .or_else(|| s.as_ref().map(|s| crate::plan::default_log_file(&s.data_folder)))
        .unwrap_or_else(crate::engine::backup_log::fallback_path);
    let d = drill::run(&dest, seed, &log, &crate::platform::computer_name(), &crate::platform::user_name());
    if let Some(e) = &d.error {
        outln!("COULD NOT TEST: {e}");
    }
    for (path, why) in &d.bad {
        outln!("BAD  {path}: {why}");
    }
    if let Some(why) = &d.database {
        outln!("DATABASE  {why}: close EXACT on every computer, back up again, then test again");
    }
    if let Some(set) = &d.set {
        outln!(
            "{}: {} files, {} of {} restored and compared (seed {})",
            if d.passed() { "PASSED" } else { "FAILED" },
            format::count(d.files),
            format::bytes(d.bytes),
            set.display(),
            d.seed
        );
    }
    if let Some(log) = &d.log_file {
        outln!("Log: {}", log.display());
    }
    ExitCode::from(d.exit_code())
}

/// `verify`: every file of a set (or of `latest`) re-read and compared with its manifest.
pub fn verify(set: &std::path::Path) -> ExitCode {
    match engine::verify::verify(set) {
        Err(e) => {
            outln!("UNREADABLE: {e}");
            ExitCode::from(2)
        }
        Ok(v) => {
            for (path, why) in &v.mismatched {
                outln!("MISMATCH  {path}: {why}");
            }
            for path in &v.missing {
                outln!("MISSING   {path}");
            }
            for path in &v.extra {
                outln!("EXTRA     {path}");
            }
            let changing = v.database_problem.is_some();
            match (&v.database_problem, v.database) {
                (Some(why), _) => outln!("DATABASE  {why}"),
                (None, Some(d)) => outln!(
                    "DATABASE  {} files copied together, unchanged at {}",
                    d.files,
                    d.moment.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S")
                ),
                (None, None) => {}
            }
            let verdict = match (v.is_match(), changing) {
                (true, false) => "OK",
                (true, true) => "OK BUT THE DATABASE CANNOT BE TRUSTED",
                (false, _) => "DOES NOT MATCH",
            };
            outln!(
                "{verdict}: {} files, {} checked against the manifest",
                format::count(v.files),
                format::bytes(v.bytes)
            );
            ExitCode::from(if v.is_match() && !changing { 0 } else { 1 })
        }
    }
}
