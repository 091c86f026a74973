//! Every window fits the small screens of a reception desk: 1366x768 at 100%, and 1920x1080 at
//! 150% (1280x720 in points). At the size the window takes there (`gui::fitted`, which leaves room
//! for the title bar and the taskbar), the buttons that finish it are wholly inside it.

mod common;
use common::ui::wait_for;
use common::*;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use logoff_backup::gui::app::{PROMPT_SIZE, PromptApp, SETTINGS_SIZE};
use logoff_backup::gui::fitted;
use logoff_backup::gui::services::Services;
use logoff_backup::gui::settings_app::SettingsApp;
use logoff_backup::settings::{Locations, Settings};

const SCREENS: [[f32; 2]; 2] = [[1366.0, 768.0], [1280.0, 720.0]];

fn locations(env: &TestEnv) -> Locations {
    Locations {
        explicit: None,
        user: Some(env.path("config/settings.ron")),
        machine: env.path("nowhere/settings.ron"),
    }
}

fn services() -> Services {
    Services { pick_folder: Box::new(|_| None), open: Box::new(|_| Ok(())) }
}

/// Asserts that each button is wholly inside the window.
fn inside<S>(h: &Harness<'_, S>, size: egui::Vec2, buttons: &[&str]) {
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, size);
    for b in buttons {
        let rect = h.get_by_label(b).rect();
        assert!(window.contains_rect(rect), "{b:?} at {rect:?} is not inside the {size:?} window");
    }
}

fn prompt(env: &TestEnv, size: egui::Vec2) -> Harness<'static, PromptApp> {
    common::ui::prompt_window(env, size)
}

/// A practice with settings, and a long path to show.
fn practice() -> TestEnv {
    let env = TestEnv::with_practice();
    let s = Settings {
        data_folder: env.data.clone(),
        destination: env.dest.clone(),
        extra_folders: (1..=6)
            .map(|i| env.path(&format!("X-ray archive {i} of the practice on the old server")))
            .collect(),
        ..Settings::default()
    };
    for f in &s.extra_folders {
        std::fs::create_dir_all(f).unwrap();
    }
    s.save(&env.path("config/settings.ron")).unwrap();
    env
}

#[test]
fn the_sizes_asked_for_fit_the_small_screens() {
    for screen in SCREENS {
        let m = egui::Vec2::from(screen);
        for wanted in [PROMPT_SIZE, SETTINGS_SIZE] {
            let got = fitted(wanted, Some(m));
            // A Windows 10/11 title bar is about 31 points high, the taskbar 40 to 48.
            assert!(got.y + 31.0 + 48.0 <= m.y, "{got:?} with a title bar and taskbar fits {m:?}");
        }
    }
    assert_eq!(fitted([660.0, 640.0], Some(egui::vec2(800.0, 600.0))), egui::vec2(660.0, 520.0));
}

#[test]
fn the_prompt_and_its_settings_keep_their_buttons_on_screen() {
    let env = practice();
    for screen in SCREENS {
        let size = fitted(PROMPT_SIZE, Some(screen.into()));
        let mut h = prompt(&env, size);
        wait_for(&mut h, "No backup yet");
        inside(&h, size, &["Start backup", "Not now", "Settings…", "History…"]);
        let size = fitted(SETTINGS_SIZE, Some(screen.into()));
        h.set_size(size);
        h.get_by_label("Settings…").click();
        h.run_steps(3);
        inside(&h, size, &["Save", "Cancel"]);
    }
}

#[test]
fn the_settings_window_keeps_save_and_cancel_on_screen() {
    let env = practice();
    for screen in SCREENS {
        let size = fitted(SETTINGS_SIZE, Some(screen.into()));
        let app = SettingsApp::new(locations(&env), services());
        let mut h = Harness::builder()
            .with_size(size)
            .allow_missing_glyphs()
            .build_ui_state(|ui, app: &mut SettingsApp| app.show(ui), app);
        h.run_steps(3);
        inside(&h, size, &["Save", "Cancel"]);
    }
}

#[test]
fn a_failed_backup_keeps_retry_and_close_on_screen() {
    let env = practice();
    for screen in SCREENS {
        let size = fitted(PROMPT_SIZE, Some(screen.into()));
        let mut h = prompt(&env, size);
        wait_for(&mut h, "No backup yet");
        std::fs::remove_dir_all(&env.dest).ok();
        std::fs::write(&env.dest, b"not a folder").unwrap();
        h.get_by_label("Start backup").click();
        wait_for(&mut h, "Backup failed");
        h.run_steps(2); // the button panel takes its height from the frame before
        inside(&h, size, &["Open log", "Retry", "Close"]);
        std::fs::remove_file(&env.dest).unwrap();
    }
}

#[test]
fn a_good_backup_keeps_close_on_screen_and_history_keeps_back_and_restore() {
    let env = practice();
    for (i, screen) in SCREENS.into_iter().enumerate() {
        let size = fitted(PROMPT_SIZE, Some(screen.into()));
        let mut h = prompt(&env, size);
        // The status comes in on its own thread and adds lines to the window. Clicking before it
        // had come left the window asking, 1 run in 3 after the fault tests (cause not found), so
        // it is waited for first, as the other prompt tests do.
        wait_for(&mut h, if i == 0 { "No backup yet" } else { "Last good backup" });
        common::ui::wait_until_start_is_enabled(&mut h);
        h.get_by_label("Start backup").click();
        wait_for(&mut h, "Backup complete");
        h.run_steps(2); // the buttons take their height from the frame before
        inside(&h, size, &["Close"]);

        let mut h = prompt(&env, size);
        wait_for(&mut h, "Last good backup");
        let size = fitted(SETTINGS_SIZE, Some(screen.into()));
        h.set_size(size);
        h.get_by_label("History…").click();
        wait_for(&mut h, "Read back");
        h.run_steps(2);
        inside(&h, size, &["Back", "Restore"]);
    }
}
