//! The worker reports a run as ordered, throttled events, ending with the report.

mod common;
use common::*;
use logoff_backup::engine::Outcome;
use logoff_backup::plan::Plan;
use logoff_backup::progress::{Event, Phase};
use logoff_backup::settings::Settings;
use logoff_backup::worker;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

fn plan(env: &TestEnv) -> Plan {
    let s = Settings { data_folder: env.data.clone(), destination: env.dest.clone(), ..Settings::default() };
    Plan::from_settings(&s, Some(env.path("backup.log"))).unwrap()
}

#[test]
fn events_arrive_in_order_and_totals_match() {
    let env = TestEnv::with_practice();
    let wakes = Arc::new(AtomicUsize::new(0));
    let w = wakes.clone();
    let handle = worker::start(plan(&env), move || {
        w.fetch_add(1, Ordering::Relaxed);
    });
    let events: Vec<Event> = handle.events.iter().collect();
    let report = handle.join();
    let phases: Vec<Phase> =
        events.iter().filter_map(|e| if let Event::Phase(p) = e { Some(*p) } else { None }).collect();
    // The database (the two top-level files) first, as its own phase, then the rest.
    let copying = [Phase::Checking, Phase::Database { files: 2 }, Phase::Copying, Phase::Flushing];
    assert_eq!(phases, [&copying[..], &[Phase::Finishing, Phase::CloudCopy]].concat());
    let scanned = events.iter().find_map(|e| match e {
        Event::Scanned { files, bytes } => Some((*files, *bytes)),
        _ => None,
    });
    let bytes: u64 = 300_000 + 5 + 3 * 1024 * 1024 + 7 + 4096 + 7;
    assert_eq!(scanned, Some((6, bytes)));
    let mut last = (0, 0);
    for e in &events {
        if let Event::Progress { files_done, bytes, .. } = e {
            assert!((*files_done, bytes.done()) >= last, "progress never goes back");
            assert!(bytes.checked <= bytes.copied, "only copies are read back");
            last = (*files_done, bytes.done());
        }
    }
    assert_eq!(last, (6, bytes), "the last progress event says all is done");
    let Some(Event::Finished(finished)) = events.last() else { panic!("Finished comes last") };
    assert_eq!(finished.outcome, Outcome::Success);
    assert_eq!((finished.counts.files_total, finished.counts.files_copied), (6, 6));
    assert_eq!(report.set, finished.set);
    assert!(wakes.load(Ordering::Relaxed) >= events.len(), "the waker runs after every event");
}

#[test]
fn progress_is_throttled_on_many_small_files() {
    let env = TestEnv::new();
    for d in 0..20 {
        for f in 0..1000 {
            env.write(&format!("Forms/{d:02}/form{f:04}.xml"), b"<form/>");
        }
    }
    let started = std::time::Instant::now();
    let handle = worker::start(plan(&env), || {});
    let events: Vec<Event> = handle.events.iter().collect();
    let took = started.elapsed().as_secs_f64();
    let report = handle.join();
    assert_eq!(report.outcome, Outcome::Success);
    assert_eq!(report.counts.files_copied, 20_000);
    let progress = events.iter().filter(|e| matches!(e, Event::Progress { .. })).count();
    // A few updates per second at most (every 200 ms, plus the final one), whatever the file count.
    assert!(progress as f64 <= took * 5.0 + 3.0, "{progress} progress events in {took:.1} s");
    assert!(events.len() < progress + 20, "{} events in all", events.len());
    // More files than the copy walk runs ahead of the copies: the totals still arrive, once.
    let scanned: Vec<_> = events
        .iter()
        .filter_map(|e| if let Event::Scanned { files, bytes } = e { Some((*files, *bytes)) } else { None })
        .collect();
    assert_eq!(scanned, [(20_000, 20_000 * 7)]);
}

#[test]
fn cancelling_through_the_handle_reports_cancelled_and_leaves_no_set() {
    let env = TestEnv::with_practice();
    let handle = worker::start(plan(&env), || {});
    handle.cancel();
    let report = handle.join();
    assert_eq!(report.outcome, Outcome::Cancelled);
    assert!(env.sets().is_empty());
    assert_eq!(std::fs::read_dir(&env.dest).map(|d| d.count()).unwrap_or(0), 0, "nothing left behind");
}

#[test]
fn on_a_second_run_unchanged_files_fill_the_bar_without_being_copied() {
    let env = TestEnv::with_practice();
    assert_eq!(worker::start(plan(&env), || {}).join().outcome, Outcome::Success);
    env.write("Letters/new letter.doc", b"dear patient");
    let handle = worker::start(plan(&env), || {});
    let events: Vec<Event> = handle.events.iter().collect();
    assert_eq!(handle.join().outcome, Outcome::Success);
    let total = events.iter().find_map(|e| match e {
        Event::Scanned { bytes, .. } => Some(*bytes),
        _ => None,
    });
    let last = events.iter().rev().find_map(|e| match e {
        Event::Progress { bytes, .. } => Some(*bytes),
        _ => None,
    });
    let last = last.expect("progress was reported");
    assert_eq!(Some(last.done()), total, "the bar ends full: {last:?}");
    assert_eq!(last.copied, 12, "only the new letter is copied");
    assert_eq!(last.checked, 12, "and read back");
}
