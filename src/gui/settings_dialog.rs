//! The settings dialog: edits a draft of the settings; Save writes them atomically, Cancel discards.
//! Folder checks run off the UI thread (see `checker`).

mod form;

use super::checker::{Checker, Update};
use super::services::Services;
use super::widgets;
use crate::settings::{Locations, Settings, SettingsError};
use crate::validate::{self, Message, Severity};
use egui::RichText;
use std::path::{Path, PathBuf};

/// Checks wait this long after the last keystroke, so a half-typed network path is not probed.
const SETTLE_SECONDS: f64 = 0.4;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialogResult {
    Saved(PathBuf),
    Cancelled,
}

pub struct SettingsDialog {
    pub draft: Settings,
    data_text: String,
    dest_text: String,
    extra_texts: Vec<String>,
    locations: Locations,
    /// Offer "for every user of this computer" (the machine-wide file is writable).
    machine_writable: bool,
    for_everyone: bool,
    /// The settings file that could not be read, and why.
    damaged: Option<(PathBuf, String)>,
    quick: Vec<Message>,
    checked: Vec<Message>,
    checks_current: bool,
    estimate: Option<Option<(u64, u64)>>,
    checker: Checker,
    edited_at: Option<f64>,
    save_error: Option<String>,
}

impl SettingsDialog {
    /// Opens over the settings that apply (or first-run defaults, or defaults over a damaged file).
    pub fn open(locations: Locations) -> SettingsDialog {
        let (draft, damaged) = match locations.find().map(|p| (Settings::load(&p), p)) {
            None => (Settings::first_run(), None),
            Some((Ok(s), _)) => (s, None),
            Some((Err(e @ SettingsError::Corrupt { .. }), p)) => {
                (Settings::default(), Some((p, e.to_string())))
            }
            Some((Err(e), p)) if p.exists() => (Settings::default(), Some((p, e.to_string()))),
            Some((Err(_), _)) => (Settings::first_run(), None),
        };
        let machine_writable = locations.explicit.is_none() && widgets::writable(&locations.machine);
        let for_everyone = machine_writable && locations.find().as_ref() == Some(&locations.machine);
        let mut dialog = SettingsDialog {
            data_text: text_of(&draft.data_folder),
            dest_text: text_of(&draft.destination),
            extra_texts: draft.extra_folders.iter().map(|p| text_of(p)).collect(),
            draft,
            locations,
            machine_writable,
            for_everyone,
            damaged,
            quick: Vec::new(),
            checked: Vec::new(),
            checks_current: false,
            estimate: None,
            checker: Checker::default(),
            edited_at: Some(f64::NEG_INFINITY),
            save_error: None,
        };
        dialog.quick = validate::quick(&dialog.draft);
        dialog
    }

    /// The file Save writes.
    pub fn target(&self) -> PathBuf {
        if self.for_everyone { self.locations.machine.clone() } else { self.locations.save_target() }
    }

    fn messages(&self) -> impl Iterator<Item = &Message> {
        self.quick.iter().chain(&self.checked)
    }

    fn can_save(&self) -> bool {
        self.checks_current && !self.messages().any(|m| m.severity == Severity::Error)
    }

    fn edited(&mut self, now: f64) {
        self.draft.data_folder = PathBuf::from(self.data_text.trim());
        self.draft.destination = PathBuf::from(self.dest_text.trim());
        self.draft.extra_folders = self.extra_texts.iter().map(|t| PathBuf::from(t.trim())).collect();
        self.quick = validate::quick(&self.draft);
        self.checks_current = false;
        self.save_error = None;
        self.edited_at = Some(now);
    }

    /// Starts the folder checks once typing has settled; takes in their answers.
    fn run_checks(&mut self, ctx: &egui::Context, now: f64) {
        if let Some(at) = self.edited_at {
            if now - at >= SETTLE_SECONDS {
                self.edited_at = None;
                self.checked.clear();
                self.estimate = None;
                let ctx = ctx.clone();
                self.checker.restart(self.draft.clone(), move || ctx.request_repaint());
            } else {
                ctx.request_repaint_after(std::time::Duration::from_secs_f64(SETTLE_SECONDS - (now - at)));
            }
        }
        for update in self.checker.poll() {
            match update {
                Update::Checked(m) => (self.checked, self.checks_current) = (m, true),
                Update::Estimated(e) => self.estimate = Some(e),
            }
        }
    }

    fn save(&mut self) -> Result<PathBuf, String> {
        let target = self.target();
        if let Some((bad, _)) = &self.damaged {
            let mut copy = bad.clone().into_os_string();
            copy.push(".bad");
            std::fs::copy(bad, &copy).map_err(|e| format!("Cannot keep a copy of the damaged file: {e}"))?;
        }
        self.draft.save(&target).map_err(|e| e.to_string())?;
        self.damaged = None;
        Ok(target)
    }

    /// Draws the dialog: the form scrolls, the buttons stay in view at the bottom.
    pub fn ui(&mut self, ui: &mut egui::Ui, services: &mut Services) -> Option<DialogResult> {
        let now = ui.input(|i| i.time);
        self.run_checks(ui.ctx(), now);
        let footer = super::widgets::Footer::begin(ui, "settings-buttons");
        let changed = egui::ScrollArea::vertical()
            .max_height(footer.body_height)
            .auto_shrink([false, false])
            .show(ui, |ui| self.form_ui(ui, services))
            .inner;
        if changed {
            self.edited(now);
        }
        footer.show(ui, |ui| {
            ui.separator();
            self.places_ui(ui, services);
            self.buttons_ui(ui)
        })
    }

    fn places_ui(&mut self, ui: &mut egui::Ui, services: &Services) {
        let target = self.target();
        let log = (!self.draft.data_folder.as_os_str().is_empty())
            .then(|| crate::plan::default_log_file(&self.draft.data_folder));
        for (what, path) in [("Settings file", Some(target)), ("Backup log", log)] {
            let Some(path) = path else { continue };
            ui.horizontal(|ui| {
                ui.label(format!("{what}: {}", crate::format::display(&path)));
                let open = egui::Button::new(format!("Open {}", what.to_lowercase()));
                if ui.add_enabled(path.exists(), open).clicked()
                    && let Err(e) = (services.open)(&path)
                {
                    self.save_error = Some(format!("Cannot open {}: {e}", crate::format::display(&path)));
                }
            });
        }
    }

    fn buttons_ui(&mut self, ui: &mut egui::Ui) -> Option<DialogResult> {
        if let Some(e) = &self.save_error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        let mut result = None;
        ui.horizontal(|ui| {
            let can_save = self.can_save();
            let save = egui::Button::new(RichText::new("Save").strong()).min_size(egui::vec2(90.0, 28.0));
            let save = ui.add_enabled(can_save, save);
            if save.clicked() {
                match self.save() {
                    Ok(path) => result = Some(DialogResult::Saved(path)),
                    Err(e) => self.save_error = Some(e),
                }
            }
            let cancel = egui::Button::new("Cancel").min_size(egui::vec2(90.0, 28.0));
            if ui.add(cancel).clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                result = Some(DialogResult::Cancelled);
            }
            if !self.checks_current {
                ui.weak("Checking the folders…");
            }
        });
        result
    }
}

fn text_of(p: &Path) -> String {
    crate::format::display(p)
}
