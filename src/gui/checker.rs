//! Runs the settings checks off the UI thread. Each edit starts a new generation; older ones are
//! cancelled and their answers ignored.

use crate::settings::Settings;
use crate::validate::{self, Message};
use crossbeam_channel::{Receiver, Sender};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Clone)]
pub enum Update {
    Checked(Vec<Message>),
    /// Files and bytes of one backup; `None` if the folders could not be walked.
    Estimated(Option<(u64, u64)>),
}

pub struct Checker {
    generation: u64,
    cancel: Arc<AtomicBool>,
    tx: Sender<(u64, Update)>,
    rx: Receiver<(u64, Update)>,
}

impl Default for Checker {
    fn default() -> Self {
        let (tx, rx) = crossbeam_channel::unbounded();
        Checker { generation: 0, cancel: Arc::new(AtomicBool::new(false)), tx, rx }
    }
}

impl Checker {
    /// Checks `settings` on a new thread, cancelling the previous check. `wake` runs after each answer.
    pub fn restart(&mut self, settings: Settings, wake: impl Fn() + Send + 'static) {
        self.cancel.store(true, Ordering::Relaxed);
        self.generation += 1;
        self.cancel = Arc::new(AtomicBool::new(false));
        let (generation, cancel, tx) = (self.generation, self.cancel.clone(), self.tx.clone());
        std::thread::spawn(move || {
            let send = |u| {
                let _ = tx.send((generation, u));
                wake();
            };
            send(Update::Checked(validate::check(&settings, None)));
            let estimate = validate::estimate(&settings, &cancel);
            if cancel.load(Ordering::Relaxed) {
                return;
            }
            send(Update::Estimated(estimate));
            if estimate.is_some() {
                send(Update::Checked(validate::check(&settings, estimate)));
            }
        });
    }

    /// Answers for the newest settings that arrived since the last call.
    pub fn poll(&self) -> Vec<Update> {
        self.rx.try_iter().filter(|(g, _)| *g == self.generation).map(|(_, u)| u).collect()
    }
}

impl Drop for Checker {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}
