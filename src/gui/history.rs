//! History: the complete backups at the destination, and restoring one (or part of one) into a new
//! or empty folder. Listing and restoring run off the UI thread.

use super::history_chart::{Measure, chart_ui, last_backups};
use super::services::Services;
use super::widgets;
use crate::format;
use crate::format::display;
use crate::restore::{self, Restored, SetRow};
use crate::status::LoggedRun;
use crossbeam_channel::Receiver;
use egui::RichText;
use std::path::PathBuf;

/// The sets in the backup folder (or why not), and the last backups in backup.log.
type Listed = (Result<Vec<SetRow>, String>, Vec<LoggedRun>);

pub struct HistoryScreen {
    dest: PathBuf,
    live: Vec<PathBuf>,
    rows: Option<Result<Vec<SetRow>, String>>,
    rows_rx: Option<Receiver<Listed>>,
    /// The last backups in backup.log, for the chart.
    runs: Vec<LoggedRun>,
    measure: Measure,
    pub selected: Option<usize>,
    pub target: String,
    pub only: String,
    job: Option<Receiver<Result<Restored, String>>>,
    pub result: Option<Result<Restored, String>>,
    log: PathBuf,
    /// The SUSPECT backup (by name) whose "This change was expected" was clicked once: asks again.
    pub confirming: Option<String>,
    /// The backup last confirmed (by name), and what confirming said (or why it could not).
    pub confirmed: Option<super::alert::Confirmed>,
}

impl HistoryScreen {
    pub fn open(dest: PathBuf, live: Vec<PathBuf>, log: PathBuf, ctx: &egui::Context) -> HistoryScreen {
        HistoryScreen {
            rows_rx: Some(Self::read(&dest, &log, ctx)),
            dest,
            live,
            log,
            confirming: None,
            confirmed: None,
            rows: None,
            runs: Vec::new(),
            measure: Measure::default(),
            selected: None,
            target: String::new(),
            only: String::new(),
            job: None,
            result: None,
        }
    }

    /// Lists the backup folder and reads the log's tail off the UI thread.
    fn read(dest: &std::path::Path, log: &std::path::Path, ctx: &egui::Context) -> Receiver<Listed> {
        let (tx, rx) = crossbeam_channel::bounded(1);
        let (d, log, ctx) = (dest.to_path_buf(), log.to_path_buf(), ctx.clone());
        std::thread::spawn(move || {
            let rows = restore::list(&d).map_err(|e| format!("Cannot read {}: {e}", display(&d)));
            let _ = tx.send((rows, last_backups(&crate::status::read_log_tail(&log))));
            ctx.request_repaint();
        });
        rx
    }

    /// Clears the chosen backup's SUSPECT mark (a person said the change was expected).
    pub fn confirm_selected(&mut self, ctx: &egui::Context) {
        let Some(Ok(rows)) = &self.rows else { return };
        let Some(row) = self.selected.and_then(|i| rows.get(i)) else { return };
        let result = crate::confirm::confirm(&row.path, Some(&self.log)).map(|c| match c {
            crate::confirm::Confirmed::Now(line) | crate::confirm::Confirmed::Already(line) => line,
        });
        (self.confirmed, self.confirming) = (Some((row.name.clone(), result)), None);
        self.rows_rx = Some(Self::read(&self.dest, &self.log, ctx));
    }

    fn start_restore(&mut self, ctx: &egui::Context) {
        let Some(Ok(rows)) = &self.rows else { return };
        let Some(row) = self.selected.and_then(|i| rows.get(i)) else { return };
        let (set, to, live) = (row.path.clone(), PathBuf::from(self.target.trim()), self.live.clone());
        let only = Some(self.only.trim().to_string()).filter(|o| !o.is_empty());
        let (tx, rx) = crossbeam_channel::bounded(1);
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let r = restore::restore(&set, &to, only.as_deref(), &live, &mut |_, _| {});
            let _ = tx.send(r.map_err(|e| e.to_string()));
            ctx.request_repaint();
        });
        self.job = Some(rx);
        self.result = None;
    }

    /// Draws the screen. Returns true when the user goes back.
    pub fn ui(&mut self, ui: &mut egui::Ui, services: &mut Services) -> bool {
        if let Some((rows, runs)) = self.rows_rx.as_ref().and_then(|rx| rx.try_recv().ok()) {
            (self.rows, self.runs) = (Some(rows), runs);
            self.rows_rx = None;
        }
        if let Some(result) = self.job.as_ref().and_then(|rx| rx.try_recv().ok()) {
            self.result = Some(result);
            self.job = None;
        }
        let mut back = false;
        ui.horizontal(|ui| {
            ui.heading(format!("Backups in {}", display(&self.dest)));
            back = ui.button("Back").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape));
        });
        ui.add_space(6.0);
        if self.rows.is_some() {
            chart_ui(ui, &self.runs, &mut self.measure);
            ui.add_space(6.0);
        }
        match &self.rows {
            None => {
                ui.weak("Reading the backup folder…");
            }
            Some(Err(e)) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            Some(Ok(rows)) if rows.is_empty() => {
                ui.colored_label(ui.visuals().warn_fg_color, "No backup yet");
            }
            Some(Ok(rows)) => {
                let rows = rows.clone();
                self.table_ui(ui, &rows);
                if let Some(row) = self.selected.and_then(|i| rows.get(i)) {
                    let state = (&mut self.confirming, self.confirmed.as_ref());
                    if super::alert::suspect_row_ui(state, ui, row) {
                        self.confirm_selected(ui.ctx());
                    }
                }
                ui.separator();
                self.restore_ui(ui, services);
            }
        }
        back
    }

    fn table_ui(&mut self, ui: &mut egui::Ui, rows: &[SetRow]) {
        // Scrolls sideways too, so a wide table (long results) never widens the screen.
        egui::ScrollArea::both().max_height(180.0).show(ui, |ui| {
            egui::Grid::new("history").striped(true).num_columns(7).spacing([14.0, 4.0]).show(ui, |ui| {
                for h in ["Backup", "Computer", "Result", "Files", "Size", "Read back", "Database at"] {
                    ui.label(RichText::new(h).strong());
                }
                ui.end_row();
                for (i, r) in rows.iter().enumerate() {
                    let mut when = r.when.format("%a %-d %b %Y %H:%M").to_string();
                    if r.future {
                        when.push_str(" (future date: wrong clock)");
                    }
                    ui.radio_value(&mut self.selected, Some(i), when);
                    ui.label(&r.computer);
                    let color = match (r.suspect, r.result == "SUCCESS") {
                        (true, _) => ui.visuals().error_fg_color,
                        (false, true) => ui.visuals().text_color(),
                        (false, false) => ui.visuals().warn_fg_color,
                    };
                    ui.colored_label(color, &r.result);
                    ui.label(format::count(r.files));
                    ui.label(format::bytes(r.bytes));
                    ui.label(if r.verified { "yes" } else { "no" });
                    ui.label(r.database_words());
                    ui.end_row();
                }
            });
        });
    }

    fn restore_ui(&mut self, ui: &mut egui::Ui, services: &mut Services) {
        ui.label(RichText::new("Get files back from the chosen backup").strong());
        widgets::folder_row(ui, "Into folder", &mut self.target, &mut services.pick_folder, None, None);
        ui.horizontal(|ui| {
            let l = ui.label("Only (optional)");
            ui.add_space((130.0 - l.rect.width()).max(0.0));
            ui.add(
                egui::TextEdit::singleline(&mut self.only).hint_text("e.g. data/X-rays").desired_width(260.0),
            )
            .labelled_by(l.id);
        });
        ui.weak(
            "The folder must be new or empty. Restoring the live database is a job for EXACT's support desk.",
        );
        let ready = self.selected.is_some() && !self.target.trim().is_empty() && self.job.is_none();
        if ui.add_enabled(ready, egui::Button::new("Restore").min_size(egui::vec2(110.0, 28.0))).clicked() {
            self.start_restore(ui.ctx());
        }
        if self.job.is_some() {
            ui.weak("Restoring and checking every file…");
        }
        match &self.result {
            Some(Ok(r)) if r.bad.is_empty() => {
                ui.colored_label(
                    egui::Color32::from_rgb(0x2e, 0x9d, 0x4f),
                    format!(
                        "Restored {} files ({}), every one checked against the backup's manifest.",
                        format::count(r.files),
                        format::bytes(r.bytes)
                    ),
                );
            }
            Some(Ok(r)) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!("{} files could not be restored:", r.bad.len()),
                );
                for (p, why) in &r.bad {
                    ui.label(format!("{p}: {why}"));
                }
            }
            Some(Err(e)) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            None => {}
        }
    }
}
