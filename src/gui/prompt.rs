//! The logoff prompt's state: which screen it shows, and what the screens read and change. Its
//! behaviour is in `app` (the frame and the steps) and `screens` (what each screen draws).

use super::history::HistoryScreen;
use super::progress::ProgressModel;
use super::restore_test::RestoreTestScreen;
use super::services::Services;
use super::settings_dialog::SettingsDialog;
use crate::plan::Plan;
use crate::settings::Locations;
use crate::status::Status;
use crate::worker::WorkerHandle;
use crossbeam_channel::Receiver;
use std::cell::Cell;
use std::rc::Rc;

pub enum Screen {
    Ask,
    Running,
    Finished,
    Settings(Box<SettingsDialog>),
    History(Box<HistoryScreen>),
    RestoreTest(Box<RestoreTestScreen>),
}

pub struct PromptApp {
    pub screen: Screen,
    pub(super) locations: Locations,
    pub plan: Option<Plan>,
    /// Why there is no plan (settings missing fields), in words.
    pub plan_problem: Option<String>,
    pub status: Option<Status>,
    pub(super) status_rx: Option<Receiver<Status>>,
    pub services: Services,
    pub exit_code: Rc<Cell<u8>>,
    pub(super) worker: Option<WorkerHandle>,
    pub progress: ProgressModel,
    pub confirm_cancel: bool,
    /// Set when the log viewer could not be started: where the log is.
    pub log_note: Option<String>,
    /// UI time at which the Done screen closes by itself.
    pub closes_at: Option<f64>,
    /// The window was asked to close (also visible to tests).
    pub closing: bool,
    /// A new window size for the next frame (Settings needs more room than the prompt).
    pub(super) resize: Option<[f32; 2]>,
    /// Offer a restore test when the last passed one is older than this.
    pub restore_test_days: u32,
    /// Say in red when the practice's newest good backup is older than this many days.
    pub overdue_after_days: u32,
    /// Open on History (the Start menu's "Backup history"), once there is a plan.
    pub history_first: bool,
}

pub const PROMPT_SIZE: [f32; 2] = [560.0, 400.0];
