//! The restore test from the prompt: runs `drill` off the UI thread and shows what it found.

use super::services::Services;
use crate::drill::{self, Drill};
use crate::format;
use crate::format::display;
use crate::plan::Plan;
use crossbeam_channel::Receiver;
use egui::RichText;

pub struct RestoreTestScreen {
    rx: Option<Receiver<Drill>>,
    pub result: Option<Drill>,
    pub log_note: Option<String>,
}

impl RestoreTestScreen {
    pub fn start(plan: &Plan, ctx: &egui::Context) -> RestoreTestScreen {
        let (tx, rx) = crossbeam_channel::bounded(1);
        let plan = plan.clone();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(drill::run(&plan.destination, None, &plan.log_file, &plan.computer, &plan.user));
            ctx.request_repaint();
        });
        RestoreTestScreen { rx: Some(rx), result: None, log_note: None }
    }

    /// Draws the screen. Returns true when the user is done with it.
    pub fn ui(&mut self, ui: &mut egui::Ui, services: &mut Services) -> bool {
        if let Some(d) = self.rx.as_ref().and_then(|rx| rx.try_recv().ok()) {
            self.rx = None;
            if !d.passed()
                && let Some(log) = &d.log_file
                && let Err(e) = (services.open)(log)
            {
                self.log_note = Some(format!("The log could not be opened ({e}). It is at {}", display(log)));
            }
            self.result = Some(d);
        }
        let Some(d) = &self.result else {
            ui.heading("Testing a restore…");
            ui.label("Restoring the database files and a sample of the other files from the newest backup, and checking every byte.");
            return false;
        };
        if d.passed() {
            ui.heading(
                RichText::new("Restore test passed")
                    .color(egui::Color32::from_rgb(0x2e, 0x9d, 0x4f))
                    .strong(),
            );
        } else {
            ui.heading(RichText::new("Restore test FAILED").color(ui.visuals().error_fg_color).strong());
        }
        if let Some(set) = &d.set {
            ui.label(format!(
                "{} files ({}) restored from {} and compared with what was backed up.",
                format::count(d.files),
                format::bytes(d.bytes),
                display(set)
            ));
        }
        if let Some(e) = &d.error {
            ui.label(RichText::new(e).strong());
        }
        if let Some(why) = &d.database {
            ui.label(
                RichText::new(format!(
                    "Every file matched, but {why}. Close EXACT on every computer, run a new backup, then test again."
                ))
                .strong(),
            );
        }
        if !d.bad.is_empty() {
            ui.label(RichText::new("These files in the backup are damaged. Run a new backup now, and ask your IT contact to check the backup drive:").strong());
            egui::ScrollArea::vertical().max_height(120.0).show(ui, |ui| {
                for (p, why) in &d.bad {
                    ui.label(RichText::new(format!("{p}: {why}")).monospace().size(12.0));
                }
            });
        }
        if let Some(note) = &self.log_note {
            ui.colored_label(ui.visuals().warn_fg_color, note);
        }
        ui.add_space(8.0);
        ui.add(egui::Button::new("Back").min_size(egui::vec2(110.0, 30.0))).clicked()
            || ui.input(|i| i.key_pressed(egui::Key::Escape))
            || super::widgets::enter_for_default(ui)
    }
}
