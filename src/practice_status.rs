//! `status`: how the practice's backups stand, for the IT contact's monitoring (an RMM script):
//! each computer's newest good backup and last run, the last restore test, and an exit code to
//! alert on (0 fresh, 1 stale, 2 no good backup or the last run failed, 5 a SUSPECT backup not yet
//! confirmed). From the shared log's tail and this computer's backup folder.

use crate::engine::{Outcome, sets};
use crate::status::{LoggedRun, RunKind};
use chrono::{DateTime, FixedOffset, Local, TimeZone};
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// The newest good backup is younger than the setting.
    Fresh,
    /// The newest good backup is older than the setting.
    Stale,
    /// No good backup anywhere this computer can see.
    NoBackup,
    /// The practice's last backup failed.
    Failing,
    /// This backup folder holds a backup marked SUSPECT (its files looked encrypted, or files were
    /// gone) that no one
    /// has confirmed.
    Suspect,
}

impl State {
    pub fn exit_code(self) -> u8 {
        match self {
            State::Fresh => 0,
            State::Stale => 1,
            State::NoBackup | State::Failing => 2,
            State::Suspect => 5,
        }
    }
}

/// One run, as the log or the backup folder has it.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub computer: String,
    /// RFC 3339, with the offset the computer that ran it had.
    pub started: String,
    /// Hours from its start to now (0 when that computer's clock was ahead).
    pub age_hours: f64,
    pub result: String,
    pub cause: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Computer {
    pub computer: String,
    pub newest_good: Option<Run>,
    pub last_run: Option<Run>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub state: State,
    pub exit_code: u8,
    pub overdue_after_days: u32,
    pub now: String,
    pub log_file: String,
    pub backup_folder: String,
    /// The practice's newest good (SUCCESS) backup, from any computer.
    pub newest_good: Option<Run>,
    /// The practice's last backup, in the order the log was written.
    pub last_run: Option<Run>,
    /// Each computer seen, in the order of its last backup, newest first.
    pub computers: Vec<Computer>,
    pub last_restore_test: Option<Run>,
    /// Backups marked SUSPECT and not confirmed: in this backup folder (by name, oldest first),
    /// then other computers' last backups as the log has them (by location).
    pub suspect_sets: Vec<String>,
    /// Recent backups in this backup folder in which files looked encrypted though the backup
    /// stayed under the line for SUSPECT (an attack cut short, or spread over days), newest first.
    pub warnings: Vec<String>,
}

/// Looks at the log and the backup folder now.
pub fn look(log_file: &Path, backup_folder: &Path, overdue_after_days: u32) -> Report {
    let runs = crate::status::read_log_tail(log_file);
    let sets = sets::list(backup_folder).unwrap_or_default();
    let good_sets: Vec<(DateTime<FixedOffset>, String)> = sets
        .iter()
        .filter(|s| s.is_success())
        .filter_map(|s| {
            Some((Local.from_local_datetime(&s.time).earliest()?.fixed_offset(), s.header.computer.clone()))
        })
        .collect();
    let mut r = report(
        &runs,
        &good_sets,
        overdue_after_days,
        crate::clock::now().fixed_offset(),
        (log_file, backup_folder),
    );
    // Other computers back up to folders of their own: their SUSPECT runs are seen in the log (a
    // set in this folder is judged by the folder, which also knows a confirmation made offline).
    let local: Vec<&str> = sets.iter().map(|s| s.name.as_str()).collect();
    let logged = logged_suspects(&runs).into_iter().filter(|l| !local.iter().any(|n| l.ends_with(n)));
    r.suspect_sets = sets.iter().filter(|s| s.is_suspect()).map(|s| s.name.clone()).chain(logged).collect();
    if !r.suspect_sets.is_empty() {
        (r.state, r.exit_code) = (State::Suspect, State::Suspect.exit_code());
    }
    r.warnings = crate::engine::guard::warnings(&sets);
    r
}

fn report(
    runs: &[LoggedRun],
    good_sets: &[(DateTime<FixedOffset>, String)],
    overdue_after_days: u32,
    now: DateTime<FixedOffset>,
    (log_file, backup_folder): (&Path, &Path),
) -> Report {
    let success = Outcome::Success.label();
    let run = |r: &LoggedRun| Run {
        computer: r.computer.clone(),
        started: r.started.to_rfc3339(),
        age_hours: hours(now, r.started),
        result: r.result.clone(),
        cause: r.cause.clone(),
    };
    let set = |(t, computer): &(DateTime<FixedOffset>, String)| Run {
        computer: computer.clone(),
        started: t.to_rfc3339(),
        age_hours: hours(now, *t),
        result: success.to_string(),
        cause: None,
    };
    let backups: Vec<&LoggedRun> = runs.iter().filter(|r| r.kind == RunKind::Backup).collect();
    // Every good backup seen: (start, its description).
    let goods: Vec<(DateTime<FixedOffset>, Run)> = backups
        .iter()
        .filter(|r| r.result == success)
        .map(|r| (r.started, run(r)))
        .chain(good_sets.iter().map(|s| (s.0, set(s))))
        .collect();
    let newest_good_of = |computer: Option<&str>| {
        goods
            .iter()
            .filter(|(_, g)| computer.is_none_or(|c| g.computer == c))
            .max_by_key(|(t, _)| *t)
            .map(|(_, g)| g.clone())
    };
    let computers = crate::status::practice(runs)
        .iter()
        .map(|r| r.computer.clone())
        .chain(good_sets.iter().map(|s| s.1.clone()))
        .fold(Vec::<String>::new(), |mut seen, c| {
            if !seen.contains(&c) {
                seen.push(c);
            }
            seen
        })
        .into_iter()
        .map(|c| Computer {
            newest_good: newest_good_of(Some(&c)),
            last_run: backups.iter().rev().find(|r| r.computer == c).map(|r| run(r)),
            computer: c,
        })
        .collect();
    let newest_good = newest_good_of(None);
    let last_run = backups.last().map(|r| run(r));
    let state = match (&newest_good, &last_run) {
        (None, _) => State::NoBackup,
        (_, Some(last)) if last.result == Outcome::Failed.label() => State::Failing,
        (Some(g), _) if g.age_hours > f64::from(overdue_after_days) * 24.0 => State::Stale,
        _ => State::Fresh,
    };
    Report {
        state,
        exit_code: state.exit_code(),
        overdue_after_days,
        now: now.to_rfc3339(),
        log_file: crate::format::display(log_file),
        backup_folder: crate::format::display(backup_folder),
        newest_good,
        last_run,
        computers,
        last_restore_test: runs.iter().rev().find(|r| r.kind == RunKind::RestoreTest).map(run),
        suspect_sets: Vec::new(),
        warnings: Vec::new(),
    }
}

/// The backup locations of each computer's last backup where that was SUSPECT and no one has
/// confirmed it, as the log has them.
fn logged_suspects(runs: &[LoggedRun]) -> Vec<String> {
    let suspect = Outcome::Suspect.label();
    let mut out: Vec<String> = Vec::new();
    for r in crate::status::practice(runs).iter().filter(|r| r.result == suspect) {
        let Some(location) = &r.location else { continue };
        // A set's location names it alone, and it can be confirmed only once it exists: no clocks
        // need comparing.
        let confirmed =
            runs.iter().any(|c| c.kind == RunKind::Confirmed && c.location.as_ref() == Some(location));
        if !confirmed {
            out.push(location.clone());
        }
    }
    out
}

fn hours(now: DateTime<FixedOffset>, then: DateTime<FixedOffset>) -> f64 {
    let h = (now - then).num_seconds() as f64 / 3600.0;
    (h.max(0.0) * 10.0).round() / 10.0
}

impl Report {
    /// The report in words, one fact per line.
    pub fn text(&self) -> String {
        let words = match self.state {
            State::Fresh => "fresh",
            State::Stale => "STALE: the newest good backup is older than the setting",
            State::NoBackup => "NO GOOD BACKUP",
            State::Failing => "FAILING: the last backup failed",
            State::Suspect => {
                "SUSPECT: a backup's files looked encrypted (maybe ransomware) or many were gone; confirm it if the change was expected"
            }
        };
        let describe = |r: &Option<Run>| match r {
            Some(r) => {
                let cause = r.cause.as_ref().map(|c| format!(" ({c})")).unwrap_or_default();
                format!("{} from {}, {} h ago: {}{cause}", r.started, r.computer, r.age_hours, r.result)
            }
            None => "none".to_string(),
        };
        let mut s = String::new();
        s += &format!("Practice:          {words} (exit {})\n", self.exit_code);
        for set in &self.suspect_sets {
            s += &format!(
                "SUSPECT backup:    {set} (logoff-backup confirm <its folder> once the change is known to be expected)\n"
            );
        }
        for warning in &self.warnings {
            s += &format!("Warning:           {warning}; if not expected, call your IT contact\n");
        }
        s += &format!("Newest good:       {}\n", describe(&self.newest_good));
        s += &format!("Last backup:       {}\n", describe(&self.last_run));
        s += &format!("Last restore test: {}\n", describe(&self.last_restore_test));
        s += &format!("Stale after:       {} days\n", self.overdue_after_days);
        s += &format!("Log:               {}\n", self.log_file);
        s += &format!("Backup folder:     {}\n", self.backup_folder);
        for c in &self.computers {
            s += &format!("Computer {}:\n", c.computer);
            s += &format!("  newest good:     {}\n", describe(&c.newest_good));
            s += &format!("  last backup:     {}\n", describe(&c.last_run));
        }
        s
    }
}

/// `logoff-backup status`: the folders from the settings, or the flags.
pub fn command(
    config: Option<&Path>,
    json: bool,
    flags: &crate::cli::args::StatusArgs,
) -> std::process::ExitCode {
    use std::process::ExitCode;
    let settings = match crate::settings::find(config).map(|p| crate::settings::Settings::load(&p)) {
        Some(Err(e)) => {
            // A damaged settings file is said as such (file, line and column), not taken for none.
            crate::terminal::errln!("logoff-backup: {e}");
            return ExitCode::from(crate::cli::args::EXIT_INVALID_SETTINGS);
        }
        found => found.and_then(Result::ok),
    };
    let data = flags.data_folder.clone().or_else(|| settings.as_ref().map(|s| s.data_folder.clone()));
    let log = flags.log_file.clone().or_else(|| data.as_deref().map(crate::plan::default_log_file));
    let dest = flags.destination.clone().or_else(|| settings.as_ref().map(|s| s.destination.clone()));
    let (Some(log), Some(dest)) = (log, dest) else {
        crate::terminal::errln!(
            "logoff-backup: there are no settings on this computer yet. Open logoff-backup's Settings, or give --data-folder (or --log-file) and --destination."
        );
        return ExitCode::from(crate::cli::args::EXIT_INVALID_SETTINGS);
    };
    let days =
        settings.map_or(crate::settings::Settings::default().overdue_after_days, |s| s.overdue_after_days);
    let report = look(&log, &dest, days);
    let out =
        if json { serde_json::to_string_pretty(&report).unwrap_or_default() + "\n" } else { report.text() };
    crate::terminal::outln!("{}", out.trim_end());
    ExitCode::from(report.exit_code)
}
