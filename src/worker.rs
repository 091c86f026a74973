//! Runs the engine on its own thread. The caller gets the events, a cancel flag, and the report
//! when the thread ends; a waker runs after every event (the window passes `request_repaint`).

use crate::engine::{self, Report};
use crate::plan::Plan;
use crate::progress::{Event, Progress};
use crossbeam_channel::{Receiver, Sender};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

pub struct WorkerHandle {
    /// Closes (disconnects) when the run has ended; the last event is `Finished`.
    pub events: Receiver<Event>,
    pub cancel: Arc<AtomicBool>,
    /// Set once the run has ended and been logged.
    pub finished: Arc<AtomicBool>,
    join: JoinHandle<Report>,
}

impl WorkerHandle {
    /// Asks the run to stop; it removes its partial set and reports CANCELLED.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_finished(&self) -> bool {
        self.join.is_finished()
    }

    /// Waits for the run to end and returns its report.
    pub fn join(self) -> Report {
        self.join.join().expect("the backup thread panicked")
    }
}

struct Sink {
    tx: Sender<Event>,
    waker: Box<dyn Fn() + Send + Sync>,
}

impl Progress for Sink {
    fn event(&self, event: Event) {
        let _ = self.tx.send(event);
        (self.waker)();
    }
}

/// Starts a backup of `plan` on a new thread.
pub fn start(plan: Plan, waker: impl Fn() + Send + Sync + 'static) -> WorkerHandle {
    start_with_cancel(plan, Arc::new(AtomicBool::new(false)), waker)
}

/// As `start`, with a cancel flag the caller already holds (e.g. one a Ctrl-C handler sets).
pub fn start_with_cancel(
    plan: Plan,
    cancel: Arc<AtomicBool>,
    waker: impl Fn() + Send + Sync + 'static,
) -> WorkerHandle {
    let (tx, events) = crossbeam_channel::unbounded();
    let (flag, finished) = (cancel.clone(), Arc::new(AtomicBool::new(false)));
    let done = finished.clone();
    let join = std::thread::Builder::new()
        .name("backup".into())
        .spawn(move || {
            let sink = Sink { tx, waker: Box::new(waker) };
            let report = engine::run(&plan, &sink, &flag);
            done.store(true, Ordering::Relaxed);
            report
        })
        .expect("start the backup thread");
    WorkerHandle { events, cancel, finished, join }
}
