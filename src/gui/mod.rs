//! The windows: the logoff prompt and the settings dialog (egui, through eframe).

pub mod app;
pub mod checker;
pub mod history;
pub mod progress;
pub mod restore_test;
mod screens;
pub mod services;
mod session;
pub mod settings_app;
pub mod settings_dialog;
mod status_lines;
mod widgets;

use crate::terminal::errln;
use std::process::ExitCode;

/// Window options: a small centred window with this title.
pub fn native_options(title: &str, size: [f32; 2]) -> eframe::NativeOptions {
    eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(title)
            .with_app_id("logoff-backup")
            .with_inner_size(size)
            .with_min_inner_size([420.0, 300.0]),
        centered: true,
        ..Default::default()
    }
}

/// Opens a window and returns the exit code the app leaves in `code` when it closes.
pub fn run_window<A: eframe::App + 'static>(
    title: &str,
    size: [f32; 2],
    code: std::rc::Rc<std::cell::Cell<u8>>,
    make: impl FnOnce(&eframe::CreationContext<'_>) -> A + 'static,
) -> ExitCode {
    let result = eframe::run_native(
        title,
        native_options(title, size),
        Box::new(move |cc| {
            cc.egui_ctx.set_theme(egui::ThemePreference::System);
            Ok(Box::new(make(cc)))
        }),
    );
    match result {
        Ok(()) => ExitCode::from(code.get()),
        Err(e) => {
            errln!("logoff-backup: cannot open a window: {e}");
            ExitCode::from(2)
        }
    }
}
