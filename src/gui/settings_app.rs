//! `logoff-backup settings`: the settings dialog in a window of its own.

use super::services::Services;
use super::settings_dialog::{DialogResult, SettingsDialog};
use crate::settings::Locations;

pub struct SettingsApp {
    pub dialog: SettingsDialog,
    pub services: Services,
    pub result: Option<DialogResult>,
}

impl SettingsApp {
    pub fn new(locations: Locations, services: Services) -> SettingsApp {
        SettingsApp { dialog: SettingsDialog::open(locations), services, result: None }
    }

    pub fn show(&mut self, ui: &mut egui::Ui) {
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
    super::run_window("Network backup settings", [640.0, 720.0], code, None, move |_| {
        SettingsApp::new(locations, Services::system())
    })
}
