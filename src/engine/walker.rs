//! The two walks of a run: the one that hands items to the copy threads (in path order, each
//! looked up in the newest set's manifest on the way), and the one that only adds up the totals.

use super::fill::Msg;
use super::scan::{self, Found, Item, ItemKind};
use super::work;
use crate::plan::Plan;
use crossbeam_channel::Sender;

/// The walking thread: numbers each item, looks it up in the newest set, and hands it to the copy
/// threads as it is found. Each item takes a permit, given back once it is in the manifest.
pub(super) struct Walker<'a> {
    pub plan: &'a Plan,
    pub cx: &'a work::Context<'a>,
    pub previous: Option<work::Previous>,
    pub max_file_size: Option<u64>,
    pub jobs: Sender<(u64, Item)>,
    pub msgs: Sender<Msg>,
    pub permits: Sender<()>,
    /// Wakes the counting walk the first time this walk has to wait for the copies (a big tree):
    /// the totals then come from it. Otherwise this walk sends them when it is done.
    pub count_now: Option<Sender<()>>,
}

impl Walker<'_> {
    pub fn run(mut self) {
        let mut seq = 0u64;
        let mut totals = Totals::default();
        let sources = self.plan.sources.as_slice();
        scan::walk(
            self.plan,
            || self.cx.shared.stopped(),
            |found| match found {
                Found::Problem(p) => {
                    let _ = self.msgs.send(Msg::Problem(p));
                }
                Found::Item(mut item) => {
                    totals.add(&item, self.max_file_size);
                    if item.kind == ItemKind::File
                        && let Some(previous) = &mut self.previous
                    {
                        item.prior = previous.find(&item.key(sources));
                    }
                    if self.permits.is_full()
                        && let Some(count_now) = self.count_now.take()
                    {
                        let _ = count_now.send(());
                    }
                    if self.permits.send(()).is_ok() && self.jobs.send((seq, item)).is_ok() {
                        seq += 1;
                    }
                }
            },
        );
        crate::fault::pause("scanned");
        if self.count_now.is_some() && !self.cx.shared.stopped() {
            let _ = self.msgs.send(totals.scanned());
        }
    }
}

/// Walks only to add up the files and bytes to back up. `storable` leaves out files too big for
/// the drive (they are refused one by one).
pub(super) fn count(plan: &Plan, max_file_size: Option<u64>, stop: impl Fn() -> bool) -> Msg {
    let mut totals = Totals::default();
    scan::walk(plan, stop, |found| {
        if let Found::Item(item) = found {
            totals.add(&item, max_file_size);
        }
    });
    totals.scanned()
}

#[derive(Default)]
struct Totals {
    files: u64,
    bytes: u64,
    storable: u64,
}

impl Totals {
    fn add(&mut self, item: &Item, max_file_size: Option<u64>) {
        if item.kind == ItemKind::File {
            (self.files, self.bytes) = (self.files + 1, self.bytes + item.size);
            if max_file_size.is_none_or(|max| item.size <= max) {
                self.storable += item.size;
            }
        }
    }

    fn scanned(&self) -> Msg {
        Msg::Scanned { files: self.files, bytes: self.bytes, storable: self.storable }
    }
}
