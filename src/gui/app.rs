//! The logoff prompt: Ask → Running → Finished, with Settings reachable from Ask. The engine runs on
//! the worker thread and reaches the window only through its events and a repaint waker.

use super::history::HistoryScreen;
use super::progress::ProgressModel;
use super::restore_test::RestoreTestScreen;
use super::services::Services;
use super::settings_dialog::{DialogResult, SettingsDialog};
use super::{screens, session};
use crate::engine::Outcome;
use crate::plan::Plan;
use crate::settings::{Locations, Settings};
use crate::worker;
use std::cell::Cell;
use std::rc::Rc;

pub use super::prompt::{PROMPT_SIZE, PromptApp, Screen};
pub use super::settings_app::SETTINGS_SIZE;

impl PromptApp {
    pub fn new(locations: Locations, services: Services) -> PromptApp {
        let mut app = PromptApp {
            screen: Screen::Ask,
            locations,
            plan: None,
            plan_problem: None,
            status: None,
            status_rx: None,
            services,
            exit_code: Rc::new(Cell::new(0)),
            worker: None,
            progress: ProgressModel::default(),
            confirm_cancel: false,
            log_note: None,
            closes_at: None,
            closing: false,
            history_first: false,
            resize: None,
            restore_test_days: Settings::default().restore_test_days,
            overdue_after_days: Settings::default().overdue_after_days,
        };
        match app.locations.find().map(|p| Settings::load(&p)) {
            Some(Ok(settings)) => app.use_settings(&settings),
            // No settings yet, or a damaged file: set them up first.
            _ => app.open_settings(),
        }
        app
    }

    fn use_settings(&mut self, settings: &Settings) {
        self.restore_test_days = settings.restore_test_days;
        self.overdue_after_days = settings.overdue_after_days;
        (self.plan, self.plan_problem) = match Plan::from_settings(settings, None) {
            Ok(p) => (Some(p), None),
            Err(e) => (None, Some(format!("The settings are not complete: {e}."))),
        };
        self.status = None;
        self.status_rx = None;
    }

    pub fn open_settings(&mut self) {
        self.screen = Screen::Settings(Box::new(SettingsDialog::open(self.locations.clone())));
        self.resize = Some(SETTINGS_SIZE);
    }

    /// Looks up whether a backup can run and how the last ones went, off the UI thread.
    fn start_status(&mut self, ctx: &egui::Context) {
        let Some(plan) = self.plan.clone() else { return };
        let (tx, rx) = crossbeam_channel::bounded(1);
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(crate::status::lookup(&plan));
            ctx.request_repaint();
        });
        self.status_rx = Some(rx);
    }

    pub fn start_backup(&mut self, ctx: &egui::Context) {
        let Some(plan) = self.plan.clone() else { return };
        let ctx2 = ctx.clone();
        let handle = worker::start(plan, move || ctx2.request_repaint());
        session::backup_started(&handle);
        self.worker = Some(handle);
        self.progress = ProgressModel::default();
        self.confirm_cancel = false;
        self.log_note = None;
        self.screen = Screen::Running;
    }

    pub fn open_history(&mut self, ctx: &egui::Context) {
        let Some(plan) = &self.plan else { return };
        let live = std::iter::once(plan.data_folder.clone()).chain(plan.extra_folders.clone()).collect();
        let log = plan.log_file.clone();
        self.screen =
            Screen::History(Box::new(HistoryScreen::open(plan.destination.clone(), live, log, ctx)));
        self.resize = Some(SETTINGS_SIZE);
    }

    pub fn start_restore_test(&mut self, ctx: &egui::Context) {
        let Some(plan) = &self.plan else { return };
        self.screen = Screen::RestoreTest(Box::new(RestoreTestScreen::start(plan, ctx)));
    }

    /// Back to the Ask screen, with its status looked up afresh.
    fn back_to_ask(&mut self) {
        self.screen = Screen::Ask;
        self.resize = Some(PROMPT_SIZE);
        self.status = None;
        self.status_rx = None;
    }

    pub fn cancel_backup(&mut self) {
        if let Some(w) = &self.worker {
            w.cancel();
        }
        self.confirm_cancel = false;
    }

    pub fn close(&mut self, ui: &egui::Ui, code: u8) {
        self.exit_code.set(code);
        self.closing = true;
        ui.send_viewport_cmd(egui::ViewportCommand::Close);
    }

    /// Takes in the worker's events; moves to Finished when the report arrives.
    fn poll_worker(&mut self, now: f64) {
        let Some(w) = &self.worker else { return };
        for event in w.events.try_iter() {
            self.progress.apply(event, now);
        }
        let Some(report) = &self.progress.report else { return };
        let outcome = report.outcome;
        if let Some(w) = self.worker.take() {
            w.join();
        }
        session::backup_ended();
        self.exit_code.set(outcome.exit_code());
        self.screen = Screen::Finished;
        self.status = None;
        self.closes_at = (outcome == Outcome::Success).then_some(now + 10.0);
        if matches!(outcome, Outcome::Failed | Outcome::CompletedWithErrors | Outcome::Suspect) {
            self.open_log();
        }
    }

    pub fn open_log(&mut self) {
        let Some(log) = self.progress.report.as_ref().and_then(|r| r.log_file.clone()) else { return };
        if let Err(e) = (self.services.open)(&log) {
            self.log_note =
                Some(format!("The log could not be opened ({e}). It is at {}", crate::format::display(&log)));
        }
    }

    pub fn show(&mut self, ui: &mut egui::Ui) {
        let now = ui.input(|i| i.time);
        if let Some(rx) = &self.status_rx
            && let Ok(status) = rx.try_recv()
        {
            self.status = Some(status);
            self.status_rx = None;
        }
        self.poll_worker(now);
        if self.history_first && self.plan.is_some() {
            self.history_first = false;
            self.open_history(ui.ctx());
        }
        if let Some(size) = self.resize.take() {
            super::resize(ui, size);
        }
        if ui.input(|i| i.viewport().close_requested()) && self.worker.is_some() {
            // Closing the window mid-run asks first, like Cancel.
            ui.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.confirm_cancel = true;
        }
        egui::CentralPanel::default().show(ui, |ui| {
            match &mut self.screen {
                Screen::Settings(dialog) => {
                    if let Some(result) = dialog.ui(ui, &mut self.services) {
                        self.settings_closed(result, ui);
                    }
                    return;
                }
                Screen::History(h) => {
                    if h.ui(ui, &mut self.services) {
                        self.back_to_ask();
                    }
                    return;
                }
                Screen::RestoreTest(t) => {
                    if t.ui(ui, &mut self.services) {
                        self.back_to_ask();
                    }
                    return;
                }
                _ => {}
            }
            match self.screen {
                Screen::Ask => screens::ask_ui(self, ui),
                Screen::Running => screens::running_ui(self, ui, now),
                _ => screens::finished_ui(self, ui, now),
            }
        });
        // After the first frame is on screen: the checks that may touch the network.
        if matches!(self.screen, Screen::Ask) && self.status.is_none() && self.status_rx.is_none() {
            self.start_status(ui.ctx());
        }
    }

    fn settings_closed(&mut self, result: DialogResult, ui: &egui::Ui) {
        self.screen = Screen::Ask;
        self.resize = Some(PROMPT_SIZE);
        match result {
            DialogResult::Saved(path) => match Settings::load(&path) {
                Ok(s) => self.use_settings(&s),
                Err(e) => self.plan_problem = Some(e.to_string()),
            },
            DialogResult::Cancelled if self.plan.is_none() && self.plan_problem.is_none() => {
                // First run, nothing set up: there is nothing to back up.
                self.close(ui, crate::cli::args::EXIT_INVALID_SETTINGS);
            }
            DialogResult::Cancelled => {}
        }
    }
}

impl eframe::App for PromptApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        session::attach(frame);
        session::set_progress(self.worker.as_ref().map(|_| self.progress.fraction()));
        self.show(ui);
    }
}

/// Opens the prompt window (on History with `history`); returns when it closes, with the run's
/// exit code.
pub fn run(locations: Locations, history: bool) -> std::process::ExitCode {
    let code = Rc::new(Cell::new(0));
    let shared = code.clone();
    // Where the practice's log is, for a window that cannot open.
    let settings = locations.find().and_then(|p| crate::settings::Settings::load(&p).ok());
    let data = settings.map(|s| s.data_folder).filter(|d| !d.as_os_str().is_empty());
    let log = data.map(|d| crate::plan::default_log_file(&d));
    super::run_window("Network backup", PROMPT_SIZE, code, log.as_deref(), move |_| {
        let mut app = PromptApp::new(locations, Services::system());
        app.exit_code = shared;
        app.history_first = history;
        app
    })
}
