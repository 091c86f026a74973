//! Keyboard and screen readers: on every screen of the prompt, every control has a name a screen
//! reader says (its AccessKit label), and Tab reaches every control that can be used, in reading
//! order: down the window, and left to right along a row.
//! (A test binary of its own: it sets the process-wide fault hook to hold a run at one file.)

mod common;
use common::ui::{pause_runs_before, prompt_window, settings, wait_for};
use common::*;
use egui::Rect;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

/// What Tab stops at: the controls, and History's chart, which says how the backups ended.
const CONTROLS: [Role; 10] = [
    Role::Button,
    Role::CheckBox,
    Role::TextInput,
    Role::MultilineTextInput,
    Role::ComboBox,
    Role::RadioButton,
    Role::Slider,
    Role::SpinButton,
    Role::Link,
    Role::Figure,
];

/// The controls that can be used now, in the tree's order, with their names ("" when unnamed).
fn controls<S>(h: &Harness<'_, S>) -> Vec<(String, Rect)> {
    h.query_all_by(|n| CONTROLS.contains(&n.role()) && !n.is_disabled() && !n.is_hidden())
        .map(|n| (n.accesskit_node().label().unwrap_or_default(), n.rect()))
        .collect()
}

/// Presses Tab until the focus comes round again: the controls it lands on, in order, starting
/// from the first control of the window.
fn tab_round<S>(h: &mut Harness<'_, S>, first: &(String, Rect)) -> Vec<(String, Rect)> {
    let mut seen: Vec<(String, Rect)> = Vec::new();
    for _ in 0..80 {
        h.key_press(egui::Key::Tab);
        h.run_steps(2);
        let Some(n) = h.query_by(|n| n.is_focused()) else { continue };
        let at = (n.accesskit_node().label().unwrap_or_default(), n.rect());
        if seen.first() == Some(&at) {
            break;
        }
        seen.push(at);
    }
    // Tab goes round: start where the window starts.
    let start = seen.iter().position(|c| c.0 == first.0).unwrap_or(0);
    seen.rotate_left(start);
    seen
}

/// `b` comes after `a` in reading order: further along the same row, or on a row below.
fn reads_after(a: &Rect, b: &Rect) -> bool {
    let same_row = b.top() < a.bottom() - 1.0 && a.top() < b.bottom() - 1.0;
    if same_row { b.left() > a.left() } else { b.top() >= a.bottom() - 1.0 }
}

/// Every control of the screen named, reached by Tab, in reading order.
fn check<S>(h: &mut Harness<'_, S>, screen: &str) {
    h.run_steps(3);
    let controls = controls(h);
    assert!(!controls.is_empty(), "{screen}: no controls found");
    for (name, rect) in &controls {
        assert!(!name.trim().is_empty(), "{screen}: the control at {rect:?} has no name");
    }
    let round = tab_round(h, &controls[0]);
    let names = |v: &[(String, Rect)]| {
        let mut n: Vec<String> = v.iter().map(|c| c.0.clone()).collect();
        n.sort();
        n
    };
    assert_eq!(names(&round), names(&controls), "{screen}: Tab reaches every control, once");
    for pair in round.windows(2) {
        let ((a, ra), (b, rb)) = (&pair[0], &pair[1]);
        assert!(reads_after(ra, rb), "{screen}: Tab goes from {a:?} {ra:?} back to {b:?} {rb:?}");
    }
}

#[test]
fn every_screen_is_named_for_screen_readers_and_tabs_in_reading_order() {
    let env = TestEnv::with_practice();
    settings(&env, &env.dest);
    assert_eq!(code(&env.backup(&[])), 0);
    env.write("X-rays/today.dcm", b"a new x-ray");
    pause_runs_before(&env, "today.dcm");
    let mut h = prompt_window(&env, egui::vec2(700.0, 640.0));
    wait_for(&mut h, "Last good backup");
    check(&mut h, "Ask");

    h.get_by_label("Settings…").click();
    wait_for(&mut h, "Backup folder");
    check(&mut h, "Settings");
    h.get_by_label("Cancel").click();

    wait_for(&mut h, "Last good backup");
    h.get_by_label("History…").click();
    wait_for(&mut h, "Read back");
    check(&mut h, "History");
    h.get_by_label("Back").click();

    wait_for(&mut h, "Last good backup");
    h.get_by_label("Start backup").click();
    h.step();
    env.wait_for_pause("copy:today.dcm");
    wait_for(&mut h, "Copying…");
    check(&mut h, "Running");
    env.resume("copy:today.dcm");
    wait_for(&mut h, "Backup complete");
    check(&mut h, "Done");

    let mut h = prompt_window(&env, egui::vec2(700.0, 640.0));
    wait_for(&mut h, "Last good backup");
    std::fs::remove_dir_all(&env.dest).unwrap();
    std::fs::write(&env.dest, b"not a folder").unwrap();
    h.get_by_label("Start backup").click();
    wait_for(&mut h, "Backup failed");
    check(&mut h, "Failed");
}
