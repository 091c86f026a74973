//! The prompt's screens: Ask, Running and Finished. Each draws itself and acts on what was clicked.

use super::progress;
use super::prompt::PromptApp;
use super::widgets::path_label;
use crate::engine::{Outcome, ProblemKind, Report};
use crate::format;
use crate::format::display;
use egui::{Color32, RichText};

const GREEN: Color32 = Color32::from_rgb(0x2e, 0x9d, 0x4f);
const BUTTON: egui::Vec2 = egui::vec2(120.0, 32.0);

fn big_button(ui: &mut egui::Ui, enabled: bool, text: &str, strong: bool) -> egui::Response {
    let mut t = RichText::new(text).size(15.0);
    let mut button = egui::Button::new(t.clone()).min_size(BUTTON);
    if strong {
        // The one obvious button: filled with the accent colour.
        t = t.strong().color(ui.visuals().selection.stroke.color);
        button = egui::Button::new(t).min_size(BUTTON).fill(ui.visuals().selection.bg_fill);
    }
    ui.add_enabled(enabled, button)
}

pub fn ask_ui(app: &mut PromptApp, ui: &mut egui::Ui) {
    super::status_lines::overdue_ui(app, ui);
    ui.heading(RichText::new("Start the network backup now?").size(22.0));
    ui.add_space(8.0);
    let problem = app
        .plan_problem
        .clone()
        .or_else(|| app.status.as_ref().and_then(|s| s.ready.as_ref().err()).map(|f| f.message.clone()));
    if let Some(plan) = &app.plan {
        // One folder a line, each shortened to the window's width: nothing runs past its edge.
        egui::Grid::new("ask-what").num_columns(2).spacing([12.0, 4.0]).show(ui, |ui| {
            ui.label("Backs up:");
            ui.vertical(|ui| {
                path_label(ui, &plan.data_folder);
                ui.weak(if plan.include_subdirectories {
                    "with its sub-directories"
                } else {
                    "database files only"
                });
                for extra in &plan.extra_folders {
                    path_label(ui, extra);
                }
            });
            ui.end_row();
            ui.label("To:");
            path_label(ui, &plan.destination);
            ui.end_row();
        });
    }
    ui.add_space(6.0);
    let test_due = super::status_lines::status_ui(app, ui);
    if let Some(p) = &problem {
        ui.add_space(6.0);
        ui.colored_label(ui.visuals().error_fg_color, RichText::new(p).strong());
    }
    ui.add_space(8.0);
    ui.weak("A backup slows down anyone still working in EXACT: lunchtime or the end of the day is best.");
    ui.add_space(10.0);
    let can_start = app.plan.is_some() && problem.is_none();
    let keys = (super::widgets::enter_for_default(ui), ui.input(|i| i.key_pressed(egui::Key::Escape)));
    ui.horizontal(|ui| {
        if big_button(ui, can_start, "Start backup", true).clicked() || (keys.0 && can_start) {
            app.start_backup(ui.ctx());
        }
        if big_button(ui, true, "Not now", false).clicked() || keys.1 {
            app.close(ui, 0);
        }
        let settings = big_button(ui, true, "Settings…", problem.is_some());
        if problem.is_some() {
            ui.painter().rect_stroke(
                settings.rect,
                4.0,
                (2.0, ui.visuals().warn_fg_color),
                egui::StrokeKind::Outside,
            );
        }
        if settings.clicked() {
            app.open_settings();
        }
    });
    ui.horizontal(|ui| {
        let can_test = can_start && app.status.as_ref().is_some_and(|s| s.last_good.is_some());
        if test_due && can_test && big_button(ui, true, "Test now", false).clicked() {
            app.start_restore_test(ui.ctx());
        }
        if big_button(ui, app.plan.is_some(), "History…", false).clicked() {
            app.open_history(ui.ctx());
        }
        if !test_due && can_test && ui.link("Test a restore").clicked() {
            app.start_restore_test(ui.ctx());
        }
    });
}

pub fn running_ui(app: &mut PromptApp, ui: &mut egui::Ui, now: f64) {
    progress::progress_ui(ui, &app.progress, now);
    ui.add_space(12.0);
    if app.confirm_cancel {
        ui.label(
            RichText::new("Stop the backup? Nothing is lost: the previous backup stays as it is.").strong(),
        );
        ui.horizontal(|ui| {
            if big_button(ui, true, "Stop backup", true).clicked() {
                app.cancel_backup();
            }
            if big_button(ui, true, "Keep going", false).clicked() {
                app.confirm_cancel = false;
            }
        });
    } else if big_button(ui, true, "Cancel", false).clicked()
        || ui.input(|i| i.key_pressed(egui::Key::Escape))
    {
        app.confirm_cancel = true;
    }
}

pub fn finished_ui(app: &mut PromptApp, ui: &mut egui::Ui, now: f64) {
    let Some(report) = app.progress.report.clone() else { return };
    let changing = report.database.as_ref().is_some_and(|g| !g.quiet);
    let (color, title) = match report.outcome {
        Outcome::Success => (GREEN, "Backup complete"),
        Outcome::CompletedWithErrors if !report.counts.missing_any() && changing => {
            (ui.visuals().warn_fg_color, "Backup finished, but the database was in use")
        }
        Outcome::CompletedWithErrors if !report.counts.missing_any() && !changing => {
            (ui.visuals().warn_fg_color, "Backup complete, but the cloud copy is behind")
        }
        Outcome::CompletedWithErrors => {
            (ui.visuals().warn_fg_color, "Backup finished, but some files are missing")
        }
        Outcome::Failed => (ui.visuals().error_fg_color, "Backup failed"),
        Outcome::Cancelled => (ui.visuals().warn_fg_color, "Backup cancelled"),
        Outcome::Suspect => match report.suspect.as_ref().map(|s| s.kind) {
            Some(crate::engine::guard::Kind::Loss) => {
                (ui.visuals().error_fg_color, "Warning: files are gone from the data folder")
            }
            _ => (ui.visuals().error_fg_color, "Warning: your files look encrypted"),
        },
    };
    ui.heading(RichText::new(title).color(color).size(22.0).strong());
    ui.add_space(6.0);
    let keys = (super::widgets::enter_for_default(ui), ui.input(|i| i.key_pressed(egui::Key::Escape)));
    let mut close = keys.1;
    // The buttons stay in view at the bottom however much there is to say; the rest scrolls.
    let footer = super::widgets::Footer::begin(ui, "finished-buttons");
    egui::ScrollArea::vertical().max_height(footer.body_height).auto_shrink([false, false]).show(ui, |ui| {
        summary_ui(ui, &report);
        if let Some(note) = &app.log_note {
            ui.colored_label(ui.visuals().warn_fg_color, note);
        } else if report.outcome != Outcome::Success
            && let Some(log) = &report.log_file
        {
            ui.weak(format!("Details: {}", display(log)));
        }
    });
    close |= footer.show(ui, |ui| {
        ui.add_space(4.0);
        finish_buttons(app, ui, &report, keys.0, now)
    });
    if close {
        let code = report.outcome.exit_code();
        app.close(ui, code);
    }
}

/// Open log, Retry (or Start again) and Close, and the countdown; returns whether to close.
fn finish_buttons(app: &mut PromptApp, ui: &mut egui::Ui, report: &Report, enter: bool, now: f64) -> bool {
    let mut close = false;
    ui.horizontal(|ui| {
        if report.outcome != Outcome::Success
            && report.outcome != Outcome::Cancelled
            && big_button(ui, true, "Open log", false).clicked()
        {
            app.open_log();
        }
        // Backing up encrypted files again helps no one: the IT contact is what is needed.
        if !matches!(report.outcome, Outcome::Success | Outcome::Suspect) {
            let again = if report.outcome == Outcome::Cancelled { "Start again" } else { "Retry" };
            if big_button(ui, true, again, false).clicked() {
                app.start_backup(ui.ctx());
            }
        }
        close |= big_button(ui, true, "Close", report.outcome == Outcome::Success).clicked() || enter;
    });
    if let Some(at) = app.closes_at {
        let left = (at - now).ceil().max(0.0);
        ui.weak(format!("This window closes in {left:.0} s."));
        ui.ctx().request_repaint_after(std::time::Duration::from_millis(250));
        close |= now >= at;
    }
    close
}

fn summary_ui(ui: &mut egui::Ui, r: &Report) {
    let c = &r.counts;
    let took = format::duration((r.finished - r.started).to_std().unwrap_or_default());
    if let Some(s) = &r.suspect {
        super::alert::show(ui, s);
    }
    match r.outcome {
        Outcome::Success | Outcome::CompletedWithErrors | Outcome::Suspect => {
            ui.label(format!(
                "{} files backed up ({} copied, {} unchanged) · {} · {took}",
                format::count(c.files_copied + c.files_linked),
                format::count(c.files_copied),
                format::count(c.files_linked),
                format::bytes(c.bytes_copied + c.bytes_linked),
            ));
            if let Some(set) = &r.set {
                ui.horizontal(|ui| {
                    ui.label("Saved in");
                    path_label(ui, set);
                });
            }
            if r.set.is_some() {
                let checked = c.checked(r.verified, r.linked_from.as_deref());
                ui.label(format!("Checked: {checked}."));
                if let Some(g) = &r.database {
                    ui.label(format!("Database: {}.", crate::engine::database::words(g)));
                }
                if let Some(u) = &r.latest {
                    ui.label(format!("Cloud copy: {}", u.words()));
                }
            }
        }
        Outcome::Failed | Outcome::Cancelled => {}
    }
    if let Some(f) = &r.failure {
        ui.label(RichText::new(&f.message).strong());
    }
    if let Some(g) = r.database.as_ref().filter(|g| !g.quiet && r.set.is_some()) {
        ui.label(RichText::new(crate::engine::database::changing_words(g)).strong());
    }
    if r.outcome == Outcome::CompletedWithErrors && r.counts.missing_any() {
        ui.label(RichText::new("The files below are NOT in this backup.").strong());
        for advice in crate::engine::advice::for_problems(&r.problems) {
            ui.label(advice);
        }
    }
    for note in &r.notes {
        ui.label(format!("Note: {note}"));
    }
    let problems: Vec<_> = r
        .problems
        .iter()
        .filter(|p| p.kind != ProblemKind::Vanished || r.outcome != Outcome::Success)
        .collect();
    if problems.is_empty() {
        return;
    }
    ui.add_space(4.0);
    egui::ScrollArea::vertical().max_height(140.0).show(ui, |ui| {
        for p in problems.iter().rev() {
            ui.label(
                RichText::new(format!("{}  {}: {}", p.kind.label(), display(&p.path), p.reason))
                    .monospace()
                    .size(12.0),
            );
        }
    });
}
