//! Cancel on the Running screen asks first, then stops the run and keeps the previous backup.
//! (A test binary of its own: it pauses the engine through the process-wide fault hook.)

mod common;
use common::ui::{pause_runs_before, prompt_window, settings, wait_for};
use common::*;
use egui_kittest::kittest::Queryable;

#[test]
fn cancel_asks_first_and_leaves_the_previous_backup_untouched() {
    let env = TestEnv::with_practice();
    settings(&env, &env.dest);
    assert_eq!(code(&env.backup(&[])), 0);
    let previous = env.newest_set();
    let before = fingerprint(&previous);
    env.write("X-rays/2025/today.dcm", b"new x-ray");
    pause_runs_before(&env, "today.dcm");
    let mut h = prompt_window(&env, egui::vec2(600.0, 520.0));
    wait_for(&mut h, "Last good backup");
    h.get_by_label("Start backup").click();
    h.step();
    env.wait_for_pause("copy:today.dcm");
    wait_for(&mut h, "Copying…");
    h.get_by_label("Cancel").click();
    wait_for(&mut h, "Stop the backup? Nothing is lost");
    h.get_by_label("Stop backup").click();
    h.step();
    env.resume("copy:today.dcm");
    wait_for(&mut h, "Backup cancelled");
    assert!(h.query_by_label_contains("The previous backups are untouched").is_some());
    assert_eq!(env.sets(), std::slice::from_ref(&previous));
    assert_eq!(fingerprint(&previous), before);
    h.get_by_label("Close").click();
    h.step();
    assert_eq!(h.state().exit_code.get(), 4);
}
