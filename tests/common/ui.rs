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
