//! The windows: the logoff prompt and the settings dialog (egui, through eframe).

mod alert;
pub mod app;
pub mod checker;
pub mod history;
mod history_chart;
pub mod progress;
mod prompt;
pub mod restore_test;
mod screens;
pub mod services;
mod session;
pub mod settings_app;
pub mod settings_dialog;
mod status_lines;
mod widgets;
mod window;

pub use window::{fitted, resize, run_window};
