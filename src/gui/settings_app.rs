//! `logoff-backup settings`: the settings dialog in a window of its own.

use super::services::Services;
use super::settings_dialog::{DialogResult, SettingsDialog};
use crate::settings::Locations;

/// Fits a 1280x720 screen with the title bar and the taskbar (see `gui::fitted`).
pub const SETTINGS_SIZE: [f32; 2] = [660.0, 640.0];

pub struct SettingsApp {
    pub dialog: SettingsDialog,
    pub services: Services,
    pub result: Option<DialogResult>,
    /// Made to fit the screen on the first frame (the screen's size is known from then).
    fitted: bool,
}

impl SettingsApp {
    pub fn new(locations: Locations, services: Services) -> SettingsApp {
        SettingsApp { dialog: SettingsDialog::open(locations), services, result: None, fitted: false }
    }

    pub fn show(&mut self, ui: &mut egui::Ui) {
        if !std::mem::replace(&mut self.fitted, true) {
            super::resize(ui, SETTINGS_SIZE);
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some(r) = self.dialog.ui(ui, &mut self.services) {
                self.result = Some(r);
                ui.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        });
    }
}

impl eframe::App for SettingsApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}

/// Opens the settings window; returns when it closes.
pub fn run(locations: Locations) -> std::process::ExitCode {
    let code = std::rc::Rc::new(std::cell::Cell::new(0));
    super::run_window("Network backup settings", SETTINGS_SIZE, code, None, move |_| {
        SettingsApp::new(locations, Services::system())
    })
}
