//! Tests of `work`: what happens to one item.

use super::*;
use crate::engine::manifest::Mtime;
use crate::engine::scan::ItemKind;
use std::sync::atomic::{AtomicBool, AtomicU64};

/// A data folder and a partial set in a temp folder, and a copy context over them.
fn with_context(max_file_size: Option<u64>, test: impl FnOnce(&Context, &Path, &Path, &copy::Tally)) {
    let d = tempfile::tempdir().unwrap();
    let (data, partial) = (d.path().join("data"), d.path().join("partial"));
    std::fs::create_dir_all(&data).unwrap();
    std::fs::create_dir_all(partial.join("data")).unwrap();
    let sources =
        [Source { root: data.clone(), set_dir: "data".into(), recursive: true, is_data_folder: true }];
    let (cancel, abort, bytes) = (AtomicBool::new(false), AtomicBool::new(false), copy::Tally::default());
    let cx = Context {
        sources: &sources,
        partial: &partial,
        previous: None,
        link: true,
        damaged: &Mutex::new(Vec::new()),
        new_ids: &AtomicU64::new(0),
        max_file_size,
        verify: true,
        shared: Shared { cancel: &cancel, abort: &abort, bytes: &bytes },
    };
    test(&cx, &data, &partial, &bytes);
}

fn file(rel: &str, size: u64) -> Item {
    Item {
        source: 0,
        rel: rel.into(),
        kind: ItemKind::File,
        size,
        mtime: Mtime { secs: 0, nanos: 0 },
        database: false,
        prior: None,
        good: None,
        stamp: None,
    }
}

#[test]
fn a_file_that_cannot_be_read_never_costs_what_is_already_at_its_place_in_the_set() {
    with_context(None, |cx, _, partial, _| {
        // On a drive that ignores capitals, `scan.dcm`'s place is `Scan.dcm`'s finished copy.
        std::fs::write(partial.join("data/scan.dcm"), b"Scan.dcm's copy").unwrap();
        // Gone from the data folder: it cannot be opened.
        let done = process(&file("scan.dcm", 5), cx, &mut vec![0; 2 * copy::BUFFER]);
        assert!(matches!(done, Done::Problem(..)));
        assert_eq!(std::fs::read(partial.join("data/scan.dcm")).unwrap(), b"Scan.dcm's copy");
    });
}

#[test]
fn a_file_over_the_drives_limit_is_refused_by_name_before_copying() {
    // As FAT32's 4 GiB, scaled down.
    with_context(Some(1000), |cx, data, partial, bytes| {
        std::fs::write(data.join("big.raw"), vec![0u8; 2000]).unwrap();
        match process(&file("big.raw", 2000), cx, &mut vec![0; 2 * copy::BUFFER]) {
            Done::Problem(ProblemKind::Failed, _, why) => {
                assert!(why.contains("Format the drive as NTFS or exFAT"), "{why}")
            }
            other => panic!("{other:?}"),
        }
        assert!(!partial.join("data/big.raw").exists(), "nothing half-written");
        assert_eq!(bytes.copied.load(std::sync::atomic::Ordering::Relaxed), 0, "not even read");
    });
}

#[test]
fn a_file_is_copied_when_its_own_metadata_differs_from_what_the_walk_listed() {
    with_context(None, |cx, data, partial, _| {
        // The previous set's copy, and what a directory listing still said about the file.
        let old_set = partial.parent().unwrap().join("old");
        std::fs::create_dir_all(old_set.join("data")).unwrap();
        std::fs::write(old_set.join("data/chart.doc"), b"old").unwrap();
        let listed = Mtime::from_system_time(
            std::fs::metadata(old_set.join("data/chart.doc")).unwrap().modified().unwrap(),
        );
        // The file itself was saved again since: new size, new time.
        std::fs::write(data.join("chart.doc"), b"new text").unwrap();
        let hash = blake3::hash(b"old");
        let item = Item {
            mtime: listed,
            prior: Some(Prior { size: 3, mtime: listed, hash, stamp: None, look: None }),
            ..file("chart.doc", 3)
        };
        let span = Mtime { secs: 0, nanos: 0 };
        let prev = PreviousSet { path: old_set, name: "old".into(), racy: (span, span) };
        let cx = Context { previous: Some(&prev), damaged: &Mutex::new(Vec::new()), ..*cx };
        let done = process(&item, &cx, &mut vec![0; 2 * copy::BUFFER]);
        assert!(matches!(done, Done::Copied(_)), "{done:?}");
        assert_eq!(std::fs::read(partial.join("data/chart.doc")).unwrap(), b"new text");
    });
}

/// A file linked from `old_set` when its stamp in the previous set's manifest is `was`.
#[cfg(unix)]
fn link_with_stamp(cx: &Context, data: &Path, partial: &Path, was: impl Fn(Stamp) -> Stamp) -> Done {
    let old_set = partial.parent().unwrap().join("old");
    std::fs::create_dir_all(old_set.join("data")).unwrap();
    std::fs::write(data.join("xray.dcm"), b"pixels").unwrap();
    std::fs::copy(data.join("xray.dcm"), old_set.join("data/xray.dcm")).unwrap();
    let meta = std::fs::metadata(data.join("xray.dcm")).unwrap();
    let mtime = Mtime::from_system_time(meta.modified().unwrap());
    filetime::set_file_mtime(old_set.join("data/xray.dcm"), mtime.to_file_time()).unwrap();
    let now = Stamp::of(&meta).unwrap();
    let prior = Prior { size: 6, mtime, hash: blake3::hash(b"pixels"), stamp: Some(was(now)), look: None };
    let item = Item { mtime, stamp: Some(now), prior: Some(prior), ..file("xray.dcm", 6) };
    let far = Mtime { secs: 0, nanos: 0 };
    let prev = PreviousSet { path: old_set, name: "old".into(), racy: (far, far) };
    let cx = Context { previous: Some(&prev), ..*cx };
    process(&item, &cx, &mut vec![0; 2 * copy::BUFFER])
}

#[cfg(unix)]
use crate::engine::manifest::Stamp;

#[cfg(unix)]
#[test]
fn a_new_file_id_with_the_same_times_is_unchanged_and_counted_but_a_new_change_time_is_not() {
    with_context(None, |cx, data, partial, _| {
        let done = link_with_stamp(cx, data, partial, |s| Stamp { id: s.id + 1, ..s });
        assert!(matches!(done, Done::Linked(_)), "only the id differs: {done:?}");
        assert_eq!(cx.new_ids.load(std::sync::atomic::Ordering::Relaxed), 1);
    });
    with_context(None, |cx, data, partial, _| {
        let later = |s: Stamp| Stamp { change: Mtime { secs: s.change.secs + 5, ..s.change }, ..s };
        let done = link_with_stamp(cx, data, partial, later);
        assert!(matches!(done, Done::Copied(_)), "its change time differs: {done:?}");
        assert_eq!(cx.new_ids.load(std::sync::atomic::Ordering::Relaxed), 0);
    });
}
