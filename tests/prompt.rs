//! The logoff prompt, driven through its accessibility tree with the real engine on temp trees.

mod common;
use common::ui::wait_for;
use common::*;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use logoff_backup::gui::app::PromptApp;
use logoff_backup::gui::services::Services;
use logoff_backup::settings::{Locations, Settings};
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

type H = Harness<'static, PromptApp>;

fn locations(env: &TestEnv) -> Locations {
    Locations {
        explicit: None,
        user: Some(env.path("config/settings.ron")),
        machine: env.path("nowhere/settings.ron"),
    }
}

fn save_settings(env: &TestEnv) {
    let s = Settings { data_folder: env.data.clone(), destination: env.dest.clone(), ..Settings::default() };
    s.save(&env.path("config/settings.ron")).unwrap();
}

/// A prompt whose "system viewer" records what it was asked to open.
fn prompt(env: &TestEnv) -> (H, Rc<RefCell<Vec<PathBuf>>>) {
    let opened = Rc::new(RefCell::new(Vec::new()));
    let o = opened.clone();
    let services = Services {
        pick_folder: Box::new(|_| None),
        open: Box::new(move |p| {
            o.borrow_mut().push(p.to_path_buf());
            Ok(())
        }),
    };
    let app = PromptApp::new(locations(env), services);
    let h = Harness::builder()
        .with_size(egui::vec2(600.0, 520.0))
        .allow_missing_glyphs() // file names in any script; the window shows boxes where no font has them
        .build_ui_state(|ui, app: &mut PromptApp| app.show(ui), app);
    (h, opened)
}

fn enabled(h: &H, label: &str) -> bool {
    !h.get_by_label(label).accesskit_node().is_disabled()
}

#[test]
fn ask_start_running_done_and_the_countdown_closes_the_window() {
    let env = TestEnv::with_practice();
    save_settings(&env);
    let (mut h, opened) = prompt(&env);
    h.step();
    assert!(h.query_by_label("Start the network backup now?").is_some());
    wait_for(&mut h, "No backup yet");
    h.get_by_label("Start backup").click();
    wait_for(&mut h, "Backup complete");
    assert!(h.query_by_label_contains("6 files backed up (6 copied, 0 unchanged)").is_some());
    let latest = format!("Cloud copy: {}: 6 files changed", env.dest.join("latest").display());
    assert!(
        h.query_by_label_contains(&latest).is_some(),
        "the Done screen names latest and what changed in it"
    );
    assert_eq!(env.sets().len(), 1);
    assert!(opened.borrow().is_empty(), "a good backup opens no log");
    wait_for(&mut h, "This window closes in");
    for _ in 0..60 {
        h.step(); // a quarter of a second each
    }
    assert!(h.state().closing, "closes by itself after 10 s");
    assert_eq!(h.state().exit_code.get(), 0);
}

#[test]
fn the_next_prompt_shows_the_last_good_backup() {
    let env = TestEnv::with_practice();
    save_settings(&env);
    assert_eq!(code(&env.backup(&[])), 0);
    let (mut h, _) = prompt(&env);
    wait_for(&mut h, "Last good backup of the practice: today");
    assert!(h.query_by_label_contains("from RECEPTION1").is_some());
    assert!(h.query_by_label_contains("About 3.4 MB in 6 files.").is_some(), "estimate from the manifest");
}

#[test]
fn a_failed_run_shows_why_opens_the_log_and_exits_2() {
    let env = TestEnv::with_practice();
    save_settings(&env);
    let (mut h, opened) = prompt(&env);
    wait_for(&mut h, "No backup yet");
    // The backup drive goes away between the check and the click.
    std::fs::remove_dir_all(&env.dest).unwrap();
    std::fs::write(&env.dest, b"not a folder").unwrap();
    h.get_by_label("Start backup").click();
    wait_for(&mut h, "Backup failed");
    h.run_steps(2); // the button panel's first frame only sizes it
    assert!(h.query_by_label_contains("The backup drive could not be reached at").is_some());
    assert_eq!(*opened.borrow(), [env.data.join("logfiles").join("backup.log")]);
    assert!(env.log().contains("Result:          FAILED"));
    h.get_by_label("Open log").click();
    h.step();
    assert_eq!(opened.borrow().len(), 2, "Open log opens it again");
    h.get_by_label("Close").click();
    h.step();
    assert_eq!(h.state().exit_code.get(), 2);
}

#[test]
fn preflight_problems_are_shown_before_the_click_and_disable_start() {
    let env = TestEnv::with_practice();
    save_settings(&env);
    std::fs::rename(&env.data, env.path("moved")).unwrap();
    let (mut h, _) = prompt(&env);
    wait_for(&mut h, "The server could not be reached for");
    assert!(!enabled(&h, "Start backup"));
    assert!(enabled(&h, "Settings…"));
    h.key_press(egui::Key::Enter);
    h.step();
    assert!(h.query_by_label("Copying…").is_none(), "Enter does nothing while Start is disabled");
}

#[test]
fn enter_starts_and_escape_means_not_now() {
    let env = TestEnv::with_practice();
    save_settings(&env);
    let (mut h, _) = prompt(&env);
    wait_for(&mut h, "No backup yet");
    h.key_press(egui::Key::Escape);
    h.step();
    assert!(h.state().closing);
    assert_eq!(h.state().exit_code.get(), 0, "Not now is exit 0");
    assert!(env.sets().is_empty());

    let (mut h, _) = prompt(&env);
    wait_for(&mut h, "No backup yet");
    h.key_press(egui::Key::Enter);
    wait_for(&mut h, "Backup complete");
}

#[test]
fn enter_on_a_button_reached_with_tab_presses_that_button_not_start() {
    let env = TestEnv::with_practice();
    save_settings(&env);
    let (mut h, _) = prompt(&env);
    wait_for(&mut h, "No backup yet");
    h.key_press(egui::Key::Tab); // Start backup
    h.key_press(egui::Key::Tab); // Not now
    h.run_steps(2);
    h.key_press(egui::Key::Enter);
    for _ in 0..40 {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    assert!(h.state().closing, "Not now closes the window");
    assert_eq!(h.state().exit_code.get(), 0, "Not now is exit 0");
    assert!(env.sets().is_empty(), "no backup was started");
    assert!(!env.log().contains("Network backup"), "nothing was logged: {}", env.log());
}

#[test]
fn with_no_settings_the_prompt_opens_settings() {
    let env = TestEnv::with_practice();
    let (mut h, _) = prompt(&env);
    h.step();
    assert!(h.query_by_label("Network backup settings").is_some());
    assert!(h.query_by_label("Start the network backup now?").is_none());
}

#[test]
fn settings_from_the_prompt_come_back_to_the_prompt() {
    let env = TestEnv::with_practice();
    save_settings(&env);
    let (mut h, _) = prompt(&env);
    wait_for(&mut h, "No backup yet");
    h.get_by_label("Settings…").click();
    h.step();
    h.step();
    assert!(h.query_by_label("Network backup settings").is_some());
    h.run_steps(2); // the window grows to fit the dialog
    h.get_by_label("Cancel").click();
    wait_for(&mut h, "Start the network backup now?");
}

#[test]
fn a_last_good_backup_older_than_the_setting_is_said_in_red_at_the_top() {
    let env = TestEnv::with_practice();
    save_settings(&env);
    let then = chrono::Local::now() - chrono::Duration::days(5);
    let out = env.backup_at(&then.format("%Y-%m-%dT%H:%M:%S").to_string(), &[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let (mut h, _) = prompt(&env);
    wait_for(&mut h, "The last good backup of the practice was 5 days ago");
    let warning = h.get_by_label_contains("was 5 days ago");
    assert!(h.query_by_label_contains(", from RECEPTION1. Back up today.").is_some(), "names the computer");
    let heading = h.get_by_label("Start the network backup now?");
    assert!(warning.rect().top() < heading.rect().top(), "above everything else");
    // After today's backup it goes.
    assert_eq!(code(&env.backup(&[])), 0);
    let (mut h, _) = prompt(&env);
    wait_for(&mut h, "Last good backup of the practice: today");
    assert!(h.query_by_label_contains("The last good backup of the practice was").is_none());
}
