//! The end of a run: the manifest, the rename that makes the set visible, room on drives without
//! hard links, and retention.

use super::copy::{Shared, Tally};
use super::failures::destination_failure;
use super::manifest::{self, Header};
use super::{Failure, Outcome, ProblemKind, Report, Stop, latest, retention, sets};
use crate::plan::Plan;
use crate::progress::{Event, Phase, Progress};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

/// What the end of a run answers to. `still_ours` fails once the run's lock has been taken over:
/// nothing outside the partial set is touched after that.
pub(super) struct Ends<'a> {
    pub progress: &'a dyn Progress,
    pub cancel: &'a AtomicBool,
    pub still_ours: &'a dyn Fn() -> Result<(), Stop>,
    /// Set by the lock's heartbeat once another run has taken it over (cheap to look at often).
    pub lost: &'a AtomicBool,
}

/// Writes the manifest, makes the set visible, brings `latest` up to date, and applies retention.
pub(super) fn finish(
    plan: &Plan,
    report: &mut Report,
    partial: &Path,
    entries: manifest::EntryWriter,
    sequence: u64,
    ends: &Ends,
) -> Result<(), Stop> {
    ends.progress.event(Event::Phase(Phase::Finishing));
    let still_ours = ends.still_ours;
    let dest = &plan.destination;
    let c = &mut report.counts;
    for p in &report.problems {
        match p.kind {
            ProblemKind::Failed => c.failed += 1,
            ProblemKind::Skipped => c.skipped += 1,
            ProblemKind::Vanished => c.vanished += 1,
            ProblemKind::NotAFile => c.not_files += 1,
            ProblemKind::FolderFailed => c.folders_failed += 1,
        }
    }
    let database_changing = report.database.as_ref().is_some_and(|g| !g.quiet);
    let plain =
        if !c.missing_any() && !database_changing { Outcome::Success } else { Outcome::CompletedWithErrors };
    let outcome = if report.suspect.is_some() { Outcome::Suspect } else { plain };
    let name = sets::free_name(dest, &sets::base_name(report.started, &plan.computer));
    let header = Header {
        set: name.clone(),
        computer: plan.computer.clone(),
        user: plan.user.clone(),
        started: report.started.to_utc(),
        finished: crate::clock::now().to_utc(),
        result: outcome.label().to_string(),
        database: report.database.as_ref().map(|g| manifest::DatabaseMark {
            files: g.files,
            listed: g.listed,
            moment: g.moment.to_utc(),
            quiet: g.quiet,
        }),
        sequence,
        verified: report.verified,
        suspect: report.suspect.as_ref().map(|s| manifest::SuspectMark {
            result: plain.label().to_string(),
            evidence: s.evidence.iter().chain(&s.examples).cloned().collect(),
        }),
        changes: report.changes,
        earlier: report.earlier.clone(),
        since: report.since.clone(),
        sources: plan.sources.iter().map(|s| (s.set_dir.clone(), s.root.display().to_string())).collect(),
    };
    // Copying into a folder changes its modified time, so folders get theirs last.
    let set_folder_time = |e: &manifest::Entry| {
        if e.kind == manifest::Kind::Dir
            && let Ok(rel) = super::pathcode::decode(&e.path)
        {
            let _ = filetime::set_file_mtime(partial.join(rel), e.mtime.to_file_time());
        }
    };
    entries
        .finish(&partial.join(manifest::FILE_NAME), &header, set_folder_time)
        .map_err(|e| destination_failure(dest, &e))?;
    // The manifest's entry in the set's folder reaches the disk before the set becomes visible.
    crate::platform::flush_dir(partial);
    crate::fault::pause("manifest");
    still_ours()?;
    let final_path = dest.join(&name);
    rename_set(partial, &final_path, dest)?;
    crate::platform::flush_dir(dest);
    report.outcome = outcome;
    if let Some(s) = report.suspect.as_ref().filter(|_| plan.cloud_folder) {
        let what = match s.kind {
            super::guard::Kind::Encrypted => "looks like a copy of encrypted files",
            super::guard::Kind::Loss => "lacks files the last good backup had",
        };
        report.notes.push(format!(
            "the cloud copy (latest) was left as it was: this backup {what}, and the cloud backup must not take it in place of the good one. The next backup not marked SUSPECT brings it up to date."
        ));
    } else if let Some(g) = report.database.as_ref().filter(|g| plan.cloud_folder && g.files < g.listed) {
        let missing = match g.files {
            0 => format!("none of the {} database files could be copied", g.listed),
            n => format!("{} of the {} database files could not be copied", g.listed - n, g.listed),
        };
        report.notes.push(format!(
            "the cloud copy (latest) was left as it was: {missing}, and the database files there must stay one whole group from one backup. The next backup that copies them all brings it up to date."
        ));
    } else if plan.cloud_folder {
        cloud_copy(plan, report, &final_path, ends);
    }
    report.set = Some(final_path);

    if let Ok(all) = sets::list(dest) {
        let doomed = retention::select(&all, plan.retention, &name);
        crate::fault::pause("retention");
        if still_ours().is_err() {
            report
                .notes
                .push("old backups were not removed: another backup took over this one's lock".into());
            return Ok(());
        }
        let (removed, notes) = retention::remove(&all, &doomed);
        report.removed_sets.extend(removed);
        report.notes.extend(notes);
    }
    Ok(())
}

/// Brings `latest` up to date with the set just made. A cloud copy left behind makes the run
/// COMPLETED WITH ERRORS: the set itself is whole, but what the cloud backup follows is not.
fn cloud_copy(plan: &Plan, report: &mut Report, set: &Path, ends: &Ends) {
    if (ends.still_ours)().is_err() {
        report
            .notes
            .push("the cloud copy (latest) was not updated: another backup took over this one's lock".into());
        return;
    }
    ends.progress.event(Event::Phase(Phase::CloudCopy));
    let keep = latest::Keep::new(&report.problems, &plan.sources);
    let job = latest::Job {
        dest: &plan.destination,
        set,
        hard_links: report.hard_links,
        keep: &keep,
        cancel: ends.cancel,
        lost: ends.lost,
        still_ours: &|| (ends.still_ours)().is_ok(),
    };
    let update = latest::update(&job);
    if !update.is_complete() {
        report.outcome = Outcome::CompletedWithErrors;
    }
    report.latest = Some(update);
}

/// Makes the set visible. An antivirus or cloud-sync program holding a file inside the partial set
/// blocks the rename for a while: it is retried for about 30 s.
fn rename_set(partial: &Path, final_path: &Path, dest: &Path) -> Result<(), Stop> {
    let (never, abort, bytes) = (AtomicBool::new(false), AtomicBool::new(false), Tally::default());
    let shared = Shared { cancel: &never, abort: &abort, bytes: &bytes };
    let mut waited = Duration::ZERO;
    for attempt in 0.. {
        let result = match crate::fault::rename_error() {
            Some(e) => Err(e),
            None => std::fs::rename(partial, final_path),
        };
        let Err(e) = result else { return Ok(()) };
        match super::retry::wait(super::retry::Trouble::InUse, attempt, &shared) {
            Some(d) => waited += d,
            None => {
                return Err(Failure::new(
                    format!(
                        "The finished backup could not be renamed to {} (tried for {}): another program, usually antivirus or cloud sync, is holding a file in it. Ask your IT contact to exclude {} from scanning, then back up again.",
                        crate::format::display(final_path),
                        crate::format::duration(waited),
                        crate::format::display(&dest.join(".partial-*")),
                    ),
                    e,
                )
                .into());
            }
        }
    }
    unreachable!("the retry loop ends by returning")
}

/// Makes sure a full copy fits on a drive without hard links, removing older sets first when that
/// can make enough room. Runs before anything is copied.
pub(super) fn ensure_room(dest: &Path, report: &mut Report, bytes: u64) -> Result<(), Failure> {
    let free = || crate::platform::free_space(dest).unwrap_or(u64::MAX);
    if free() >= bytes {
        return Ok(());
    }
    // Remove nothing unless removing can make enough room.
    if free().saturating_add(super::room::reclaimable(dest)) >= bytes {
        let (removed, notes) = super::room::make_room(dest, bytes);
        for name in &removed {
            report.notes.push(format!(
                "removed the older backup {name} before copying, to make room (this drive has no hard links, so every backup is a full copy)"
            ));
        }
        report.removed_sets.extend(removed);
        report.notes.extend(notes);
    }
    let free = free();
    if free < bytes {
        return Err(super::preflight::not_enough_space(dest, free, bytes));
    }
    Ok(())
}
