//! Driving a window in tests: step it in real time until something shows.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// Steps the window (a quarter of a second of its time each) until a label containing `what`
/// is on screen; the engine and the checks run on their own threads in real time.
pub fn wait_for<S>(h: &mut Harness<'_, S>, what: &str) {
    for _ in 0..2000 {
        h.step();
        if h.query_by_label_contains(what).is_some() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("never showed {what:?}");
}

/// The logoff prompt on a practice whose settings are in `config/settings.ron`, in a window of
/// `size`, with no folder picker and a system viewer that opens nothing.
pub fn prompt_window(
    env: &super::TestEnv,
    size: egui::Vec2,
) -> Harness<'static, logoff_backup::gui::app::PromptApp> {
    use logoff_backup::gui::app::PromptApp;
    let locations = logoff_backup::settings::Locations {
        explicit: None,
        user: Some(env.path("config/settings.ron")),
        machine: env.path("none.ron"),
    };
    let services = logoff_backup::gui::services::Services {
        pick_folder: Box::new(|_| None),
        open: Box::new(|_| Ok(())),
    };
    Harness::builder()
        .with_size(size)
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut PromptApp| app.show(ui), PromptApp::new(locations, services))
}
