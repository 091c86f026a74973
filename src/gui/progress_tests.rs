//! The Running screen's model: totals, speed, time left, the slow side.

use super::*;
use std::time::Duration;

fn progress(files_done: u64, copied: u64, linked: u64, checked: u64) -> Event {
    Event::Progress {
        files_done,
        bytes: Bytes { copied, linked, checked },
        busy: Busy::default(),
        current: None,
    }
}

#[test]
fn long_paths_keep_their_start_and_end() {
    let p = "\\\\server\\EXACTData\\X-rays\\2025\\11\\very long folder name\\Smith_Jane_bitewing.dcm";
    let s = shorten_middle(p, 40);
    assert_eq!(s.chars().count(), 40);
    assert!(s.starts_with("\\\\server\\EXAC") && s.ends_with("Jane_bitewing.dcm"), "{s}");
    assert_eq!(shorten_middle("short", 40), "short");
}

#[test]
fn speed_and_time_left_wait_until_they_are_honest() {
    let mut m = ProgressModel::default();
    m.apply(Event::Scanned { files: 10, bytes: 1000 }, 0.0);
    m.apply(Event::Phase(Phase::Copying), 0.0);
    m.apply(progress(1, 10, 0, 0), 1.0);
    assert_eq!((m.rate(1.0), m.remaining(1.0)), (None, None));
    m.apply(progress(5, 500, 0, 0), 4.0);
    assert_eq!(m.rate(4.0), Some(125.0));
    assert_eq!(m.remaining(4.0), Some(4.0));
    assert_eq!(m.fraction(), 0.5);
}

#[test]
fn before_the_walk_ends_no_share_or_time_left_is_guessed() {
    let mut m = ProgressModel::default();
    m.apply(Event::Phase(Phase::Copying), 0.0);
    m.apply(progress(50, 5000, 0, 0), 10.0);
    assert_eq!((m.fraction(), m.remaining(10.0)), (0.0, None));
    assert_eq!(m.rate(10.0), Some(500.0), "the speed is real already");
    m.apply(Event::Scanned { files: 100, bytes: 10_000 }, 10.0);
    assert_eq!(m.fraction(), 0.5);
}

#[test]
fn unchanged_files_count_towards_the_bar_but_not_the_speed() {
    let mut m = ProgressModel::default();
    m.apply(Event::Scanned { files: 10, bytes: 1000 }, 0.0);
    m.apply(Event::Phase(Phase::Copying), 0.0);
    m.apply(progress(9, 100, 800, 100), 4.0);
    assert_eq!(m.fraction(), 0.9, "linked files are done");
    assert_eq!(m.rate(4.0), Some(25.0), "only copied bytes make the speed");
    assert_eq!(m.remaining(4.0), Some(4.0), "the 100 bytes left at 25 bytes/s");
}

#[test]
fn the_slow_side_is_named_by_how_fast_each_side_went_while_busy() {
    let mut m = ProgressModel::default();
    m.apply(Event::Phase(Phase::Copying), 0.0);
    let busy =
        |source, drive| Busy { source: Duration::from_millis(source), drive: Duration::from_millis(drive) };
    let at = |copied, checked, busy| Event::Progress {
        files_done: 1,
        bytes: Bytes { copied, linked: 0, checked },
        busy,
        current: None,
    };
    m.apply(at(1_000_000, 0, busy(100, 200)), 0.5);
    assert_eq!(sides_line(&m), None, "not from a tenth of a second");
    // 90 MB read from the share in 2 s of reading; 90 MB written and 90 read back in 3 s.
    m.apply(at(90_000_000, 90_000_000, busy(2000, 3000)), 4.0);
    assert_eq!(
        sides_line(&m).unwrap(),
        "Data folder: 45 MB/s read · backup drive: 60 MB/s written and read back"
    );
    m.apply(at(90_000_000, 0, busy(2000, 1000)), 4.0);
    assert_eq!(sides_line(&m).unwrap(), "Data folder: 45 MB/s read · backup drive: 90 MB/s written");
    m.apply(at(90_000_000, 0, busy(2000, 300)), 4.0);
    assert_eq!(sides_line(&m).unwrap(), "Data folder: 45 MB/s read · the backup drive keeps up");
}

#[test]
fn a_long_read_back_is_named_not_left_looking_frozen() {
    let mut m = ProgressModel::default();
    m.apply(Event::Scanned { files: 1, bytes: 1000 }, 0.0);
    m.apply(Event::Phase(Phase::Database { files: 1 }), 0.0);
    m.apply(progress(0, 1000, 0, 0), 1.0);
    assert_eq!(heading(&m), "Copying the database (1 file)…");
    m.apply(progress(0, 1000, 0, 400), 2.0);
    assert_eq!(heading(&m), "Reading the database back from the backup drive…");
    m.apply(Event::Phase(Phase::Copying), 3.0);
    m.apply(progress(1, 1000, 0, 1000), 3.5);
    assert_eq!(heading(&m), "Reading copies back from the backup drive…");
    m.apply(progress(2, 1500, 0, 1000), 4.0);
    assert_eq!(heading(&m), "Copying…", "writing again");
    m.apply(Event::Phase(Phase::Finishing), 5.0);
    assert_eq!(heading(&m), "Finishing: saving the list of files in this backup…");
}
