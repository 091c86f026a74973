//! The window after a backup whose files look encrypted: the red alert, the log opened, exit 5;
//! and History's SUSPECT row, confirmed only when asked twice.

mod common;
use common::clinic::{self, practice};
use common::ui::wait_for;
use common::*;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use logoff_backup::gui::app::PromptApp;
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

/// The prompt on the practice, with a viewer that records what it opens.
fn prompt(env: &TestEnv) -> (Harness<'static, PromptApp>, Rc<RefCell<Vec<PathBuf>>>) {
    common::ui::settings(env, &env.dest);
    common::ui::recording_prompt(env, egui::vec2(700.0, 760.0))
}

#[test]
fn a_backup_of_encrypted_files_shows_the_alert_opens_the_log_and_exits_5() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    clinic::encrypt(&env);
    let (mut h, opened) = prompt(&env);
    wait_for(&mut h, "Last good backup");
    h.get_by_label("Start backup").click();
    wait_for(&mut h, "Warning: your files look encrypted");
    h.run_steps(2);
    let alert = "104 of the 132 files that changed or are new since the last good backup look encrypted. This may be ransomware. Do not use EXACT; call your IT contact now. The backups up to Sat 28 Nov 2026 17:30 are kept safe";
    assert!(h.query_by_label_contains(alert).is_some(), "the alert in plain words");
    assert_eq!(*opened.borrow(), [env.data.join("logfiles").join("backup.log")], "the log opens");
    assert!(h.query_by_label_contains("This window closes in").is_none(), "it stays until closed");
    h.get_by_label("Close").click();
    h.step();
    assert_eq!(h.state().exit_code.get(), 5);
}

#[test]
fn a_backup_that_lost_most_x_rays_says_files_are_gone_opens_the_log_and_exits_5() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    for x in clinic::files(&env.data.join("X-rays")).iter().skip(4) {
        std::fs::remove_file(x).unwrap();
    }
    let (mut h, opened) = prompt(&env);
    wait_for(&mut h, "Last good backup");
    h.get_by_label("Start backup").click();
    wait_for(&mut h, "Warning: files are gone from the data folder");
    h.run_steps(2);
    let alert = "68 of the 130 files in the last good backup are gone from the data folder. If this was not done on purpose, do not use EXACT; call your IT contact now";
    assert!(h.query_by_label_contains(alert).is_some(), "the alert in plain words");
    assert!(h.query_by_label_contains("encrypted").is_none(), "nothing said of encryption");
    assert_eq!(*opened.borrow(), [env.data.join("logfiles").join("backup.log")], "the log opens");
    h.get_by_label("Close").click();
    h.step();
    assert_eq!(h.state().exit_code.get(), 5);
}

#[test]
fn history_shows_the_suspect_backup_and_confirms_it_only_when_asked_twice() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    clinic::encrypt(&env);
    assert_eq!(code(&env.backup_at("2026-11-29T17:30:00", &[])), 5);
    let (mut h, _) = prompt(&env);
    h.state_mut().history_first = true;
    wait_for(&mut h, "Sun 29 Nov 2026 17:30");
    assert!(h.query_by_label("SUSPECT").is_some(), "the result column");
    h.get_by_label("Sun 29 Nov 2026 17:30").click();
    wait_for(&mut h, "This backup is marked SUSPECT: its files looked encrypted, or many were gone.");
    assert!(h.query_by_label_contains("104 of them (78%) look encrypted").is_some(), "its evidence");
    h.get_by_label("This change was expected…").click();
    wait_for(&mut h, "Only confirm if you know why so many files changed");
    let confirmed = env.newest_set().join("confirmed.txt");
    assert!(!confirmed.exists(), "one click is not enough");
    h.get_by_label("Yes, the change was expected").click();
    wait_for(&mut h, "SUSPECT mark cleared. Confirmed by");
    assert!(std::fs::read_to_string(&confirmed).unwrap().starts_with("Confirmed by "));
    wait_for(&mut h, "SUCCESS (confirmed)");
    assert!(h.query_by_label("SUSPECT").is_none(), "listed again as confirmed");
}
