//! What the Running screen knows about a run, built only from its events (pure), and how it is drawn.

use crate::engine::{FileProblem, Report};
use crate::format;
use crate::progress::{Busy, Bytes, Event, Phase};
use std::path::PathBuf;

#[derive(Debug, Default, Clone)]
pub struct ProgressModel {
    pub phase: Option<Phase>,
    pub files_total: u64,
    pub bytes_total: u64,
    pub files_done: u64,
    pub bytes: Bytes,
    pub busy: Busy,
    /// The last report had copies read back and nothing new written: a long read-back (a big
    /// file), not a stall.
    pub reading_back: bool,
    pub current: Option<PathBuf>,
    pub problems: Vec<FileProblem>,
    /// UI time when copying began.
    pub copy_started: Option<f64>,
    pub report: Option<Report>,
    /// The walk of the sources is complete, so the totals are known.
    pub scanned: bool,
    /// Why the run waits for another computer's backup, while it does.
    pub waiting: Option<String>,
}

impl ProgressModel {
    pub fn apply(&mut self, event: Event, now: f64) {
        match event {
            Event::Phase(p) => {
                if p == Phase::Copying {
                    self.copy_started = Some(now);
                }
                self.phase = Some(p);
            }
            Event::Scanned { files, bytes } => {
                (self.files_total, self.bytes_total, self.scanned) = (files, bytes, true)
            }
            Event::Progress { files_done, bytes, busy, current } => {
                self.reading_back = bytes.copied == self.bytes.copied && bytes.checked > self.bytes.checked;
                (self.files_done, self.bytes, self.busy) = (files_done, bytes, busy);
                if current.is_some() {
                    self.current = current;
                }
            }
            Event::Problem(p) => self.problems.push(p),
            Event::Waiting(why) => self.waiting = Some(why),
            Event::Finished(r) => self.report = Some(*r),
        }
    }

    /// Share of the bytes copied (linked files count as they are done); nothing until the totals
    /// are known.
    pub fn fraction(&self) -> f32 {
        if !self.scanned {
            return 0.0;
        }
        if self.bytes_total == 0 {
            if self.files_total == 0 { 0.0 } else { self.files_done as f32 / self.files_total as f32 }
        } else {
            (self.bytes.done() as f64 / self.bytes_total as f64).min(1.0) as f32
        }
    }

    /// Bytes copied per second (linked files are not copied), once two seconds of copying tell it
    /// honestly.
    pub fn rate(&self, now: f64) -> Option<f64> {
        let elapsed = now - self.copy_started?;
        (elapsed >= 2.0 && self.bytes.copied > 0).then(|| self.bytes.copied as f64 / elapsed)
    }

    /// How fast each side went while it was busy, in bytes per second, once it has been busy half
    /// a second: the sources (read), and the backup drive (written, and read back).
    pub fn sides(&self) -> (Option<f64>, Option<f64>) {
        let rate = |bytes: u64, busy: std::time::Duration| {
            (busy.as_secs_f64() >= 0.5 && bytes > 0).then(|| bytes as f64 / busy.as_secs_f64())
        };
        (
            rate(self.bytes.copied, self.busy.source),
            rate(self.bytes.copied + self.bytes.checked, self.busy.drive),
        )
    }

    /// Seconds left, once 5% is done after at least three seconds: what is left to copy at the
    /// speed of copying (unchanged files are linked at once and say nothing about it).
    pub fn remaining(&self, now: f64) -> Option<f64> {
        let elapsed = now - self.copy_started?;
        let f = self.fraction() as f64;
        let rate = self.rate(now)?;
        let left = self.bytes_total.saturating_sub(self.bytes.done()) as f64;
        (elapsed >= 3.0 && (0.05..1.0).contains(&f)).then(|| left / rate)
    }
}

/// Which side is slow, for an IT contact: "Data folder: 45 MB/s read · backup drive: 80 MB/s
/// written and read back". A side busy under half a second while the other was busy longer
/// keeps up with it.
pub fn sides_line(m: &ProgressModel) -> Option<String> {
    let drive_did = if m.bytes.checked > 0 { "written and read back" } else { "written" };
    let rate = |r: f64| format::bytes(r as u64);
    Some(match m.sides() {
        (Some(s), Some(d)) => {
            format!("Data folder: {}/s read · backup drive: {}/s {drive_did}", rate(s), rate(d))
        }
        (Some(s), None) => format!("Data folder: {}/s read · the backup drive keeps up", rate(s)),
        (None, Some(d)) => format!("Backup drive: {}/s {drive_did} · the data folder keeps up", rate(d)),
        (None, None) => return None,
    })
}

/// Cuts the middle out of a long path so its start (the share) and end (the file) both show.
pub fn shorten_middle(text: &str, max_chars: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max_chars || max_chars < 5 {
        return text.to_string();
    }
    let keep = max_chars - 1;
    let head = keep / 3;
    let tail = keep - head;
    let start: String = chars[..head].iter().collect();
    let end: String = chars[chars.len() - tail..].iter().collect();
    format!("{start}…{end}")
}

/// The phase in words, and what is happening inside it when a long read-back would otherwise look
/// like a stall.
pub fn heading(m: &ProgressModel) -> String {
    match m.phase {
        None | Some(Phase::Checking) => "Checking the folders…".into(),
        Some(Phase::WaitingForLock) => "Waiting for another computer's backup to this folder…".into(),
        Some(Phase::Database { .. }) if m.reading_back => {
            "Reading the database back from the backup drive…".into()
        }
        Some(Phase::Database { files }) => format!("Copying the database ({})…", format::files(files)),
        Some(Phase::Copying) if m.reading_back => "Reading copies back from the backup drive…".into(),
        Some(Phase::Copying) => "Copying…".into(),
        Some(Phase::Flushing) => "Writing everything to the backup drive…".into(),
        Some(Phase::CloudCopy) => "Updating the cloud copy (the folder latest)…".into(),
        Some(Phase::Finishing) => "Finishing: saving the list of files in this backup…".into(),
    }
}

pub fn progress_ui(ui: &mut egui::Ui, m: &ProgressModel, now: f64) {
    ui.heading(heading(m));
    ui.add_space(6.0);
    if let (Some(Phase::WaitingForLock), Some(why)) = (m.phase, &m.waiting) {
        ui.label(why);
        return;
    }
    // No animation: the window repaints only when the run reports something.
    let bar = egui::ProgressBar::new(m.fraction()).desired_height(22.0);
    let copying_before_totals = !m.scanned && m.phase == Some(Phase::Copying);
    let database = matches!(m.phase, Some(Phase::Database { .. }));
    ui.add(if database {
        bar.text("the database first, then everything else")
    } else if copying_before_totals {
        bar.text("still counting the files…")
    } else {
        bar.show_percentage()
    });
    let done = m.bytes.done();
    if database {
        ui.label(format!("{} copied so far", format::bytes(m.bytes.copied)));
    } else if copying_before_totals {
        ui.label(format!(
            "{} files · {} so far, still looking for more",
            format::count(m.files_done),
            format::bytes(done)
        ));
    } else if m.files_total > 0 {
        ui.label(format!(
            "{} of {} files · {} of {}",
            format::count(m.files_done),
            format::count(m.files_total),
            format::bytes(done),
            format::bytes(m.bytes_total)
        ));
    }
    if m.bytes.linked > 0 {
        ui.weak(format!(
            "{} unchanged since the last backup, not copied again",
            format::bytes(m.bytes.linked)
        ));
    }
    if m.bytes.checked > 0 {
        ui.weak(format!(
            "{} of the {} copied read back from the backup drive and compared",
            format::bytes(m.bytes.checked),
            format::bytes(m.bytes.copied)
        ));
    }
    let mut timing = Vec::new();
    let copying = m.phase == Some(Phase::Copying);
    if let Some(rate) = m.rate(now).filter(|_| copying) {
        timing.push(format!("{}/s", format::bytes(rate as u64)));
    }
    if let Some(left) = m.remaining(now).filter(|_| copying) {
        timing.push(format!(
            "about {} left",
            format::duration(std::time::Duration::from_secs_f64(left.max(1.0)))
        ));
    }
    if !timing.is_empty() {
        ui.weak(timing.join(" · "));
    }
    if let Some(line) = sides_line(m).filter(|_| copying || database) {
        ui.weak(line);
    }
    if let Some(current) = &m.current {
        ui.weak(shorten_middle(&crate::format::display(current), 70));
    }
    if !m.problems.is_empty() {
        let n = m.problems.len();
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!("{n} file{} could not be backed up so far", if n == 1 { "" } else { "s" }),
        );
    }
}

#[cfg(test)]
#[path = "progress_tests.rs"]
mod tests;
