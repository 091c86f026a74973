//! What the Running screen knows about a run, built only from its events (pure), and how it is drawn.

use crate::engine::{FileProblem, Report};
use crate::format;
use crate::progress::{Bytes, Event, Phase};
use std::path::PathBuf;

#[derive(Debug, Default, Clone)]
pub struct ProgressModel {
    pub phase: Option<Phase>,
    pub files_total: u64,
    pub bytes_total: u64,
    pub files_done: u64,
    pub bytes: Bytes,
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
            Event::Progress { files_done, bytes, current } => {
                self.reading_back = bytes.copied == self.bytes.copied && bytes.checked > self.bytes.checked;
                (self.files_done, self.bytes) = (files_done, bytes);
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
mod tests {
    use super::*;

    fn progress(files_done: u64, copied: u64, linked: u64, checked: u64) -> Event {
        Event::Progress { files_done, bytes: Bytes { copied, linked, checked }, current: None }
    }

    #[test]
    fn long_paths_keep_their_start_and_end() {
        let p = "\\\\server\\EXACTData\\X-rays\\2025\\11\\very long folder name\\Smith_Jane_bitewing.dcm";
        let s = shorten_middle(p, 40);
        assert_eq!(s.chars().count(), 40);
        assert!(s.starts_with("\\\\server\\EXAC") && s.ends_with("Jane_bitewing.dcm"), "{s}");
        assert_eq!(shorten_middle("short", 40), "short");
    }

    #[test]
    fn speed_and_time_left_wait_until_they_are_honest() {
        let mut m = ProgressModel::default();
        m.apply(Event::Scanned { files: 10, bytes: 1000 }, 0.0);
        m.apply(Event::Phase(Phase::Copying), 0.0);
        m.apply(progress(1, 10, 0, 0), 1.0);
        assert_eq!((m.rate(1.0), m.remaining(1.0)), (None, None));
        m.apply(progress(5, 500, 0, 0), 4.0);
        assert_eq!(m.rate(4.0), Some(125.0));
        assert_eq!(m.remaining(4.0), Some(4.0));
        assert_eq!(m.fraction(), 0.5);
    }

    #[test]
    fn before_the_walk_ends_no_share_or_time_left_is_guessed() {
        let mut m = ProgressModel::default();
        m.apply(Event::Phase(Phase::Copying), 0.0);
        m.apply(progress(50, 5000, 0, 0), 10.0);
        assert_eq!((m.fraction(), m.remaining(10.0)), (0.0, None));
        assert_eq!(m.rate(10.0), Some(500.0), "the speed is real already");
        m.apply(Event::Scanned { files: 100, bytes: 10_000 }, 10.0);
        assert_eq!(m.fraction(), 0.5);
    }

    #[test]
    fn unchanged_files_count_towards_the_bar_but_not_the_speed() {
        let mut m = ProgressModel::default();
        m.apply(Event::Scanned { files: 10, bytes: 1000 }, 0.0);
        m.apply(Event::Phase(Phase::Copying), 0.0);
        m.apply(progress(9, 100, 800, 100), 4.0);
        assert_eq!(m.fraction(), 0.9, "linked files are done");
        assert_eq!(m.rate(4.0), Some(25.0), "only copied bytes make the speed");
        assert_eq!(m.remaining(4.0), Some(4.0), "the 100 bytes left at 25 bytes/s");
    }

    #[test]
    fn a_long_read_back_is_named_not_left_looking_frozen() {
        let mut m = ProgressModel::default();
        m.apply(Event::Scanned { files: 1, bytes: 1000 }, 0.0);
        m.apply(Event::Phase(Phase::Database { files: 1 }), 0.0);
        m.apply(progress(0, 1000, 0, 0), 1.0);
        assert_eq!(heading(&m), "Copying the database (1 file)…");
        m.apply(progress(0, 1000, 0, 400), 2.0);
        assert_eq!(heading(&m), "Reading the database back from the backup drive…");
        m.apply(Event::Phase(Phase::Copying), 3.0);
        m.apply(progress(1, 1000, 0, 1000), 3.5);
        assert_eq!(heading(&m), "Reading copies back from the backup drive…");
        m.apply(progress(2, 1500, 0, 1000), 4.0);
        assert_eq!(heading(&m), "Copying…", "writing again");
        m.apply(Event::Phase(Phase::Finishing), 5.0);
        assert_eq!(heading(&m), "Finishing: saving the list of files in this backup…");
    }
}
