//! How many files are worked on at once, and a small pool for checking a set (`verify`). Small files
//! dominate a practice's data, so per-file latency, not bandwidth, is the limit: several files in
//! flight at once hide it. A backup's own copy threads are in `fill`.

use crossbeam_channel::RecvTimeoutError;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Threads that copy or verify at once.
pub const THREADS: usize = 8;

/// Runs `work` on every job across `THREADS` threads, each with its own buffer. `done` receives
/// each result on the calling thread, in completion order; `tick` runs there at least every
/// `interval` while work goes on, so progress can be reported during large files.
pub fn for_each<R: Send>(
    jobs: &[usize],
    buffer: usize,
    work: impl Fn(usize, &mut [u8]) -> R + Sync,
    mut done: impl FnMut(usize, R),
    mut tick: impl FnMut(),
    interval: Duration,
) {
    let next = AtomicUsize::new(0);
    let (tx, rx) = crossbeam_channel::bounded::<(usize, R)>(1024);
    std::thread::scope(|scope| {
        for _ in 0..THREADS.min(jobs.len()) {
            let tx = tx.clone();
            let (next, work) = (&next, &work);
            scope.spawn(move || {
                let mut buf = vec![0u8; buffer];
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&job) = jobs.get(i) else { break };
                    if tx.send((job, work(job, &mut buf))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        loop {
            match rx.recv_timeout(interval) {
                Ok((job, result)) => done(job, result),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
            tick();
        }
    });
}
