//! Driving a window in tests: step it in real time until something shows.

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

/// Steps the window (a quarter of a second of its time each) until a label containing `what`
/// is on screen, for up to a minute; the engine and the checks run on their own threads in real
/// time, slower when the whole suite runs at once.
pub fn wait_for<S>(h: &mut Harness<'_, S>, what: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        h.step();
        if h.query_by_label_contains(what).is_some() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let shown: Vec<String> =
        h.query_all_by_label_contains("").filter_map(|n| n.accesskit_node().label()).collect();
    panic!("never showed {what:?}; the window shows: {shown:?}");
}

/// Steps the window until its Start button can be clicked: the checks of the folders run first,
/// on their own thread, and Start waits for them (a click before then does nothing).
pub fn wait_until_start_is_enabled<S>(h: &mut Harness<'_, S>) {
    wait_for(h, "Start backup");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        if !h.get_by_label("Start backup").accesskit_node().is_disabled() {
            return;
        }
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("Start backup never became enabled");
}

/// The logoff prompt on a practice whose settings are in `config/settings.ron`, in a window of
/// `size`, with no folder picker and a system viewer that opens nothing.
pub fn prompt_window(
    env: &super::TestEnv,
    size: egui::Vec2,
) -> Harness<'static, logoff_backup::gui::app::PromptApp> {
    recording_prompt(env, size).0
}

/// The logoff prompt as `prompt_window` makes it, with the paths its system viewer was asked to
/// open.
pub fn recording_prompt(
    env: &super::TestEnv,
    size: egui::Vec2,
) -> (
    Harness<'static, logoff_backup::gui::app::PromptApp>,
    std::rc::Rc<std::cell::RefCell<Vec<std::path::PathBuf>>>,
) {
    use logoff_backup::gui::app::PromptApp;
    let opened = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let o = opened.clone();
    let locations = logoff_backup::settings::Locations {
        explicit: None,
        user: Some(env.path("config/settings.ron")),
        machine: env.path("none.ron"),
    };
    let services = logoff_backup::gui::services::Services {
        pick_folder: Box::new(|_| None),
        open: Box::new(move |p| {
            o.borrow_mut().push(p.to_path_buf());
            Ok(())
        }),
    };
    let h = Harness::builder()
        .with_size(size)
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut PromptApp| app.show(ui), PromptApp::new(locations, services));
    (h, opened)
}

/// Settings for the test practice with the backup folder `destination`.
pub fn settings(env: &super::TestEnv, destination: &std::path::Path) {
    let s = logoff_backup::settings::Settings {
        data_folder: env.data.clone(),
        destination: destination.into(),
        ..logoff_backup::settings::Settings::default()
    };
    s.save(&env.path("config/settings.ron")).unwrap();
}

/// Starts a backup from the prompt (after `meanwhile`, done once the window is up) and waits for
/// its end, `title`; the words of `cause` for `folder` are then in the window and in the log.
pub fn advised(
    env: &super::TestEnv,
    meanwhile: impl FnOnce(),
    title: &str,
    cause: logoff_backup::engine::advice::Cause,
    folder: &std::path::Path,
) {
    let mut h = prompt_window(env, egui::vec2(660.0, 560.0));
    wait_until_start_is_enabled(&mut h);
    meanwhile();
    h.get_by_label("Start backup").click();
    wait_for(&mut h, title);
    let words = cause.what_to_do(folder);
    assert!(h.query_by_label_contains(&words).is_some(), "the window advises on {cause:?}: {words}");
    let log = env.log();
    let last = log.rsplit("===== Network backup =====").next().unwrap();
    assert!(last.contains(&words), "the log advises on {cause:?}: {words}\n{last}");
}

/// Makes the window's runs wait before copying a file whose path ends with `file`, until the test
/// resumes them (`TestEnv::resume`). Sets the process-wide fault hook: only for test binaries of
/// one test, before the window starts.
pub fn pause_runs_before(env: &super::TestEnv, file: &str) {
    std::fs::create_dir_all(env.path("pause")).unwrap();
    // SAFETY: the binary has one test, and no other thread reads the environment yet.
    unsafe {
        std::env::set_var("LOGOFF_BACKUP_FAULTS", format!("pause:copy:{file}"));
        std::env::set_var("LOGOFF_BACKUP_PAUSE_DIR", env.path("pause"));
    }
}
