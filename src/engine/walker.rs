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
    pub jobs: Sender<(u64, Item)>,
    pub msgs: Sender<Msg>,
    pub permits: Sender<()>,
}

impl Walker<'_> {
    pub fn run(mut self) {
        let mut seq = 0u64;
        let sources = self.plan.sources.as_slice();
        scan::walk(
            self.plan,
            || self.cx.shared.stopped(),
            |found| match found {
                Found::Problem(p) => {
                    let _ = self.msgs.send(Msg::Problem(p));
                }
                Found::Item(mut item) => {
                    if item.kind == ItemKind::File
                        && let Some(previous) = &mut self.previous
                    {
                        item.prior = previous.find(&item.key(sources));
                    }
                    if self.permits.send(()).is_ok() && self.jobs.send((seq, item)).is_ok() {
                        seq += 1;
                    }
                }
            },
        );
        crate::fault::pause("scanned");
    }
}

/// Walks only to add up the files and bytes to back up. `storable` leaves out files too big for
/// the drive (they are refused one by one).
pub(super) fn count(plan: &Plan, max_file_size: Option<u64>, stop: impl Fn() -> bool) -> Msg {
    let (mut files, mut bytes, mut storable) = (0u64, 0u64, 0u64);
    scan::walk(plan, stop, |found| {
        if let Found::Item(item) = found
            && item.kind == ItemKind::File
        {
            (files, bytes) = (files + 1, bytes + item.size);
            if max_file_size.is_none_or(|max| item.size <= max) {
                storable += item.size;
            }
        }
    });
    Msg::Scanned { files, bytes, storable }
}
