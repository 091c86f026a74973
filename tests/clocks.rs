//! Computers whose clocks disagree: a set made by a computer whose clock is wrong is never taken for
//! older or newer than it is, so retention never removes the set a run has just made.

mod common;
use common::*;
use std::path::Path;

fn name(set: &Path) -> String {
    set.file_name().unwrap().to_string_lossy().into_owned()
}

/// The sets at the destination, in the order `list` shows them (newest made first).
fn listed(env: &TestEnv) -> String {
    let out = env.command().arg("list").arg("--destination").arg(&env.dest).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_set_made_by_a_computer_whose_clock_is_a_year_behind_is_kept_as_the_newest() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup(&[])), 0);
    let today = env.newest_set();
    // Another computer, its clock a year behind, backs up with "keep only the newest 1".
    let out = env.backup_at("2025-11-30T12:00:00", &["--keep", "1"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let sets = env.sets();
    assert_eq!(sets.len(), 1, "{sets:?}");
    let made = &sets[0];
    assert!(name(made).starts_with("2025-11-30_120000"), "the set just made is kept: {sets:?}");
    assert!(!today.exists(), "the older-made set went by retention");
    let log = env.log();
    let last = log.rsplit("===== Network backup =====").next().unwrap();
    assert!(last.contains("Result:          SUCCESS"), "{last}");
    assert!(!last.contains(&format!("(retention): {}", name(made))), "{last}");
    // It is the base of the next backup, and the newest in `list`.
    assert!(listed(&env).lines().nth(1).unwrap().ends_with(&name(made)));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(code(&env.backup(&[])), 0);
    let log = env.log();
    let last = log.rsplit("===== Network backup =====").next().unwrap();
    assert!(last.contains(&format!("linked from {}", name(made))), "{last}");
}

#[test]
fn a_set_dated_in_the_future_is_named_and_never_counts_as_newer_than_one_made_now() {
    let env = TestEnv::with_practice();
    // A computer whose clock says 2036.
    let out = env.backup_at("2036-01-01T09:00:00", &[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let future = env.newest_set();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    // A correct computer backs up next: its set is the newest, and the 2036 set is named.
    let out = env.backup(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let now_set = env.sets().into_iter().find(|s| *s != future).expect("a set made now");
    let log = env.log();
    let last = log.rsplit("===== Network backup =====").next().unwrap();
    assert!(last.contains(&format!("the backup {} says it was started", name(&future))), "{last}");
    assert!(last.contains("in the future by this computer's clock"), "{last}");
    let list = listed(&env);
    let (first_row, rest) = list.lines().nth(1).zip(list.lines().nth(2)).unwrap();
    assert!(first_row.ends_with(&name(&now_set)), "newest made first:\n{list}");
    assert!(rest.ends_with(&name(&future)), "{list}");
    assert!(list.contains("dated in the future"), "{list}");
    // Keep 1: the set made now stays, the 2036 one goes (it was made before).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let out = env.backup(&["--keep", "1"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let sets = env.sets();
    assert_eq!(sets.len(), 1, "{sets:?}");
    assert!(sets[0] != future && sets[0] != now_set, "only the newest made is kept: {sets:?}");
    let log = env.log();
    let last = log.rsplit("===== Network backup =====").next().unwrap();
    assert!(last.contains(&format!("linked from {}", name(&now_set))), "{last}");
}
