//! The way back from the prompt: History with restore, the restore-test reminder, and the
//! practice-wide status read from the shared log.

mod common;
use common::ui::wait_for;
use common::*;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use logoff_backup::gui::app::PromptApp;
use logoff_backup::gui::services::Services;
use logoff_backup::settings::{Locations, Settings};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::rc::Rc;

type H = Harness<'static, PromptApp>;

struct Desk {
    picks: Rc<RefCell<VecDeque<PathBuf>>>,
    opened: Rc<RefCell<Vec<PathBuf>>>,
}

fn prompt(env: &TestEnv) -> (H, Desk) {
    let s = Settings { data_folder: env.data.clone(), destination: env.dest.clone(), ..Settings::default() };
    s.save(&env.path("config/settings.ron")).unwrap();
    let (picks, opened) = (Rc::new(RefCell::new(VecDeque::new())), Rc::new(RefCell::new(Vec::new())));
    let (p, o) = (picks.clone(), opened.clone());
    let services = Services {
        pick_folder: Box::new(move |_| p.borrow_mut().pop_front()),
        open: Box::new(move |path| {
            o.borrow_mut().push(path.to_path_buf());
            Ok(())
        }),
    };
    let locations = Locations {
        explicit: None,
        user: Some(env.path("config/settings.ron")),
        machine: env.path("none.ron"),
    };
    let h = Harness::builder()
        .with_size(egui::vec2(700.0, 760.0))
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut PromptApp| app.show(ui), PromptApp::new(locations, services));
    (h, Desk { picks, opened })
}

#[test]
fn backup_history_from_the_start_menu_opens_on_history() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup_at("2026-11-01T18:00:00", &[])), 0);
    let (mut h, _) = prompt(&env);
    h.state_mut().history_first = true;
    wait_for(&mut h, "Sun 1 Nov 2026 18:00");
    assert!(h.query_by_label("Read back").is_some(), "the table of backups");
    assert!(h.query_by_label("Start backup").is_none(), "not the question");
    h.get_by_label("Back").click();
    wait_for(&mut h, "Start backup");
}

#[test]
fn history_lists_the_sets_and_restores_one_into_a_picked_folder() {
    let env = TestEnv::with_practice();
    for day in 1..=2 {
        assert_eq!(code(&env.backup_at(&format!("2026-11-0{day}T18:00:00"), &[])), 0);
    }
    let (mut h, desk) = prompt(&env);
    wait_for(&mut h, "Last good backup");
    h.get_by_label("History…").click();
    // (The Ask screen names the newest backup too, in its overdue warning: wait for the older.)
    wait_for(&mut h, "Sun 1 Nov 2026 18:00");
    assert!(h.query_by_label("Mon 2 Nov 2026 18:00").is_some());
    assert!(
        h.query_by_label("The last 2 backups in the log:").is_some(),
        "the chart of the runs in backup.log"
    );
    assert!(h.query_by_label("Time taken").is_some(), "the chart shows the time each took, or its size");
    h.get_by_label("Mon 2 Nov 2026 18:00").click();
    h.run_steps(2);
    let target = env.path("Restored");
    desk.picks.borrow_mut().push_back(target.clone());
    h.get_by_label("Browse…").click();
    h.run_steps(2);
    assert!(!h.get_by_label("Restore").accesskit_node().is_disabled());
    h.get_by_label("Restore").click();
    wait_for(&mut h, "Restored 6 files");
    assert_eq!(tree(&target.join("data"), &["logfiles"]), tree(&env.data, &["logfiles"]));
}

#[test]
fn restoring_into_the_live_data_folder_is_refused_on_screen() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup(&[])), 0);
    let (mut h, desk) = prompt(&env);
    wait_for(&mut h, "Last good backup");
    h.get_by_label("History…").click();
    wait_for(&mut h, "Read back"); // the table's last column: the sets are listed
    h.get_all_by_role(egui::accesskit::Role::RadioButton).next().unwrap().click();
    desk.picks.borrow_mut().push_back(env.data.join("Restored"));
    h.get_by_label("Browse…").click();
    h.run_steps(2);
    h.get_by_label("Restore").click();
    wait_for(&mut h, "job for EXACT's support desk: restore into a new, empty folder");
    assert!(!env.data.join("Restored").exists());
}

#[test]
fn a_never_tested_backup_offers_test_now_which_passes_and_is_remembered() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup(&[])), 0);
    let (mut h, desk) = prompt(&env);
    wait_for(&mut h, "Last restore test: never");
    h.get_by_label("Test now").click();
    wait_for(&mut h, "Restore test passed");
    assert!(desk.opened.borrow().is_empty(), "a passed test opens no log");
    assert!(env.log().contains("===== Restore test ====="));
    h.get_by_label("Back").click();
    wait_for(&mut h, "Last restore test: today, passed");
    assert!(h.query_by_label("Test now").is_none(), "not due again for 30 days");
}

#[test]
fn a_failed_restore_test_says_which_file_and_opens_the_log() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup(&[])), 0);
    let db = env.newest_set().join("data/Practice.db");
    let mut b = std::fs::read(&db).unwrap();
    b[0] ^= 1;
    std::fs::write(&db, b).unwrap();
    let (mut h, desk) = prompt(&env);
    wait_for(&mut h, "Last restore test: never");
    h.get_by_label("Test now").click();
    wait_for(&mut h, "Restore test FAILED");
    assert!(h.query_by_label_contains("data/Practice.db: differs from the manifest").is_some());
    assert_eq!(*desk.opened.borrow(), [env.data.join("logfiles/backup.log")]);
}

#[test]
fn two_workstations_in_one_log_both_appear_in_the_practice_status() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup(&[])), 0);
    // Another workstation backs up to its own drive but logs to the same shared log.
    let other = env
        .command()
        .env("LOGOFF_BACKUP_COMPUTER", "RECEPTION2")
        .arg("run")
        .arg("--data-folder")
        .arg(&env.data)
        .arg("--destination")
        .arg(env.path("reception2-drive"))
        .output()
        .unwrap();
    assert_eq!(code(&other), 0, "{}", text(&other));
    let (mut h, _) = prompt(&env);
    wait_for(&mut h, "Last good backup of the practice: today");
    assert!(h.query_by_label_contains("from RECEPTION2").is_some());
    assert!(h.query_by_label_contains("Other computers' last good backups: RECEPTION1 today").is_some());
}
