//! Drives without hard links (FAT/exFAT USB drives) hold a full copy in every set. When the next set
//! will not fit, older sets are removed first, oldest first, never the newest SUCCESS set nor the
//! set the run compares with (the newest not marked SUSPECT: the guards are blind without it). This
//! is the one exception to "retention only after the new set is complete".

use super::sets::{self, SetInfo};
use std::path::Path;

/// The sets that may go to make room, oldest first: all but the newest SUCCESS set (or, with no
/// SUCCESS set at all, the newest set) and the newest set not marked SUSPECT (the one the run
/// compares with), and none up to an unconfirmed SUSPECT set.
fn prunable(all: &[SetInfo]) -> Vec<&SetInfo> {
    let keep = all.iter().rposition(SetInfo::is_success).or(all.len().checked_sub(1));
    let compared = all.iter().rposition(|s| !s.is_suspect());
    let kept = super::retention::kept_for_suspect(all);
    let spared = |i: usize| Some(i) == keep || Some(i) == compared || i < kept;
    all.iter().enumerate().filter(|(i, _)| !spared(*i)).map(|(_, s)| s).collect()
}

fn size_of(set: &SetInfo) -> u64 {
    super::manifest::check(&set.path.join(super::manifest::FILE_NAME)).map_or(0, |m| m.bytes)
}

/// Bytes that removing every prunable set would free.
pub fn reclaimable(dest: &Path) -> u64 {
    sets::list(dest)
        .map(|all| prunable(&all).into_iter().map(size_of).fold(0u64, u64::saturating_add))
        .unwrap_or(0)
}

/// Removes prunable sets, oldest first, until `needed` bytes are free. Returns the names removed
/// and notes on any that could not be.
pub fn make_room(dest: &Path, needed: u64) -> (Vec<String>, Vec<String>) {
    let (mut removed, mut notes) = (Vec::new(), Vec::new());
    let Ok(all) = sets::list(dest) else { return (removed, notes) };
    let candidates = prunable(&all);
    for set in candidates {
        if crate::platform::free_space(dest).is_none_or(|free| free >= needed) {
            break;
        }
        let index = all.iter().position(|s| s.path == set.path).expect("listed");
        let (r, n) = super::retention::remove(&all, &[index]);
        removed.extend(r);
        notes.extend(n);
    }
    (removed, notes)
}
