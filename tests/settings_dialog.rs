//! The settings dialog, driven through its accessibility tree as a person would.

mod common;
use common::*;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use logoff_backup::gui::services::Services;
use logoff_backup::gui::settings_app::SettingsApp;
use logoff_backup::gui::settings_dialog::DialogResult;
use logoff_backup::settings::{Locations, Settings};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::rc::Rc;

struct Desk {
    picks: Rc<RefCell<VecDeque<PathBuf>>>,
    opened: Rc<RefCell<Vec<PathBuf>>>,
}

fn services() -> (Services, Desk) {
    let picks = Rc::new(RefCell::new(VecDeque::new()));
    let opened = Rc::new(RefCell::new(Vec::new()));
    let (p, o) = (picks.clone(), opened.clone());
    let s = Services {
        pick_folder: Box::new(move |_| p.borrow_mut().pop_front()),
        open: Box::new(move |path| {
            o.borrow_mut().push(path.to_path_buf());
            Ok(())
        }),
    };
    (s, Desk { picks, opened })
}

fn locations(env: &TestEnv) -> Locations {
    Locations {
        explicit: None,
        user: Some(env.path("config/settings.ron")),
        machine: env.path("nowhere/settings.ron"),
    }
}

fn harness(env: &TestEnv) -> (Harness<'static, SettingsApp>, Desk) {
    let (s, desk) = services();
    let app = SettingsApp::new(locations(env), s);
    let h = Harness::builder()
        .with_size(egui::vec2(700.0, 1000.0))
        .build_ui_state(|ui, app: &mut SettingsApp| app.show(ui), app);
    (h, desk)
}

/// Steps the window in real time until `done` holds (checks run on another thread).
fn wait_until(
    h: &mut Harness<'static, SettingsApp>,
    what: &str,
    done: impl Fn(&Harness<'static, SettingsApp>) -> bool,
) {
    for _ in 0..1000 {
        h.step();
        if done(h) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("never: {what}");
}

fn shows(h: &Harness<'static, SettingsApp>, text: &str) -> bool {
    h.query_by_label_contains(text).is_some()
}

fn save_enabled(h: &Harness<'static, SettingsApp>) -> bool {
    !h.get_by_label("Save").accesskit_node().is_disabled()
}

/// Replaces what a field holds (on Windows the backup folder starts as `C:\DataBkup`) as a person
/// would: select all of it, then type.
fn type_into(h: &mut Harness<'static, SettingsApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.step();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.step();
    h.get_by_label(label).type_text(text);
    h.step();
    assert_eq!(h.get_by_label(label).value().as_deref(), Some(text), "typed into {label}");
}

/// Fills both folders by typing and waits until Save is possible and the background checks have
/// all answered (their messages move the fields below them).
fn fill_in(h: &mut Harness<'static, SettingsApp>, env: &TestEnv) {
    type_into(h, "EXACT data folder", env.data.to_str().unwrap());
    type_into(h, "Backup folder", env.dest.to_str().unwrap());
    wait_until(h, "Save enabled and the size estimated", |h| {
        save_enabled(h) && shows(h, "One backup: about")
    });
    for _ in 0..5 {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn typing_a_path_shows_and_clears_the_validation_message() {
    let env = TestEnv::with_practice();
    let (mut h, _) = harness(&env);
    type_into(&mut h, "EXACT data folder", &format!("{}X", env.data.display()));
    wait_until(&mut h, "missing-folder message", |h| shows(h, "This folder does not exist"));
    h.key_press(egui::Key::Backspace);
    wait_until(&mut h, "message gone", |h| {
        !shows(h, "This folder does not exist") && h.state().dialog.draft.data_folder == env.data
    });
    wait_until(&mut h, "estimate", |h| shows(h, "One backup: about 3.4 MB in 6 files."));
}

#[test]
fn save_writes_settings_that_load_back_equal() {
    let env = TestEnv::with_practice();
    let (mut h, _) = harness(&env);
    fill_in(&mut h, &env);
    h.get_by_label("Check every copy after the backup (recommended)").click();
    h.step();
    wait_until(&mut h, "Save enabled", save_enabled);
    h.get_by_label("Save").click();
    h.step();
    let file = env.path("config/settings.ron");
    assert_eq!(h.state().result, Some(DialogResult::Saved(file.clone())));
    let saved = Settings::load(&file).unwrap();
    assert_eq!(saved, h.state().dialog.draft);
    assert_eq!(
        (saved.data_folder, saved.destination, saved.verify_after_backup),
        (env.data.clone(), env.dest.clone(), false)
    );
}

#[test]
fn cancel_writes_nothing() {
    let env = TestEnv::with_practice();
    let (mut h, _) = harness(&env);
    fill_in(&mut h, &env);
    h.get_by_label("Cancel").click();
    h.step();
    assert_eq!(h.state().result, Some(DialogResult::Cancelled));
    assert!(!env.path("config").exists());
}

#[test]
fn browse_fills_the_field_from_the_picker() {
    let env = TestEnv::with_practice();
    let (mut h, desk) = harness(&env);
    desk.picks.borrow_mut().push_back(env.data.clone());
    h.get_all_by_label("Browse…").next().unwrap().click();
    h.step();
    h.step();
    assert_eq!(h.get_by_label("EXACT data folder").value().as_deref(), env.data.to_str());
    assert_eq!(h.state().dialog.draft.data_folder, env.data);
}

#[test]
fn a_destination_inside_the_data_folder_blocks_save() {
    let env = TestEnv::with_practice();
    let (mut h, _) = harness(&env);
    type_into(&mut h, "EXACT data folder", env.data.to_str().unwrap());
    type_into(&mut h, "Backup folder", env.data.join("Backups").to_str().unwrap());
    wait_until(&mut h, "nesting error", |h| shows(h, "choose a folder outside the data being backed up"));
    assert!(!save_enabled(&h));
}

#[test]
fn a_damaged_file_is_named_with_its_line_and_kept_as_bad_on_save() {
    let env = TestEnv::with_practice();
    let file = env.path("config/settings.ron");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "(\n  keep_last: 3,\n  keep_daily: lots,\n)\n").unwrap();
    let (mut h, _) = harness(&env);
    h.step();
    assert!(shows(&h, "line 3"), "the message names the line");
    fill_in(&mut h, &env);
    h.get_by_label("Save").click();
    h.step();
    let bad = std::fs::read_to_string(env.path("config/settings.ron.bad")).unwrap();
    assert!(bad.contains("lots"));
    assert_eq!(Settings::load(&file).unwrap().data_folder, env.data);
}

#[test]
fn the_log_and_settings_file_open_in_the_system_viewer() {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup(&[])), 0, "makes the log");
    let (mut h, desk) = harness(&env);
    fill_in(&mut h, &env);
    h.get_by_label("Open backup log").click();
    h.step();
    assert_eq!(*desk.opened.borrow(), [env.data.join("logfiles/backup.log")]);
}

#[test]
fn where_the_machine_wide_file_is_writable_save_can_write_it_for_every_user() {
    let env = TestEnv::with_practice();
    let machine = env.path("machine/settings.ron");
    std::fs::create_dir_all(machine.parent().unwrap()).unwrap();
    let (s, _) = services();
    let locations =
        Locations { explicit: None, user: Some(env.path("config/settings.ron")), machine: machine.clone() };
    let app = SettingsApp::new(locations, s);
    let mut h = Harness::builder()
        .with_size(egui::vec2(700.0, 1000.0))
        .build_ui_state(|ui, app: &mut SettingsApp| app.show(ui), app);
    fill_in(&mut h, &env);
    h.get_by_label("Save for every user of this computer").click();
    h.step();
    h.get_by_label("Save").click();
    h.step();
    assert_eq!(h.state().result, Some(DialogResult::Saved(machine.clone())));
    assert_eq!(Settings::load(&machine).unwrap().destination, env.dest);
    assert!(!env.path("config/settings.ron").exists());
}

#[test]
fn an_extra_folder_row_fits_the_window_and_remove_takes_it_out() {
    let env = TestEnv::with_practice();
    let (mut h, desk) = harness(&env);
    let xrays = env.path("Xrays elsewhere");
    std::fs::create_dir_all(&xrays).unwrap();
    desk.picks.borrow_mut().push_back(xrays.clone());
    h.get_by_label("Add…").click();
    h.step();
    h.step();
    assert_eq!(h.get_by_label("Extra folder 1").value().as_deref(), xrays.to_str());
    assert_eq!(h.state().dialog.draft.extra_folders, [xrays]);
    for label in ["Remove", "Backup folder"] {
        let right = h.get_by_label(label).rect().right();
        assert!(right <= 700.0, "{label} ends at {right}, past the 700-point window");
    }
    h.get_by_label("Remove").click();
    h.step();
    h.step();
    assert!(h.query_by_label("Extra folder 1").is_none());
    assert!(h.state().dialog.draft.extra_folders.is_empty());
}

#[test]
fn the_dialog_says_where_to_point_the_cloud_backup_and_copies_it() {
    let env = TestEnv::with_practice();
    let (mut h, _) = harness(&env);
    fill_in(&mut h, &env);
    let latest = env.dest.join("latest");
    assert!(shows(&h, &format!("Point your cloud backup at this folder: {}", latest.display())));
    h.get_by_label("Copy").click();
    h.step();
    let copied = h
        .output()
        .platform_output
        .commands
        .iter()
        .any(|c| matches!(c, egui::OutputCommand::CopyText(t) if std::path::Path::new(t) == latest));
    assert!(copied, "{:?}", h.output().platform_output.commands);
    h.get_by_label("Keep a cloud copy: the newest backup, always in the same folder").click();
    h.step();
    assert!(!shows(&h, "Point your cloud backup"));
    wait_until(&mut h, "Save enabled", save_enabled);
    h.get_by_label("Save").click();
    h.step();
    assert!(!Settings::load(&env.path("config/settings.ron")).unwrap().cloud_folder);
}
