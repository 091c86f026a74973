//! Advice follows the cause, in the window and in backup.log alike: one file per cause in a
//! folder of its own, and each cause's words (from the one table) naming that folder in both.
//! (A test binary of its own: it sets the process-wide fault hook for the window's engine.)

mod common;
use common::ui::{prompt_window, wait_for};
use common::*;
use egui_kittest::kittest::Queryable;
use logoff_backup::engine::advice::Cause;
use logoff_backup::settings::Settings;

/// Each file-level cause, the file that gets it and the fault that makes it happen.
const CASES: [(Cause, &str, &str); 6] = [
    (Cause::AccessDenied, "Private/denied.doc", "open:denied.doc=13"),
    (Cause::InUse, "Letters/open in EXACT.doc", "open:open in EXACT.doc=16"),
    (Cause::Changing, "Scans/growing.pdf", "grow:growing.pdf"),
    (Cause::ServerUnreachable, "Remote/far.doc", "open:far.doc=101"),
    (Cause::DriveFailing, "Forms/badcopy.xml", "corrupt:badcopy.xml"),
    (Cause::Other, "Misc/odd.doc", "open:odd.doc=5"),
];

#[test]
fn each_cause_gets_its_own_advice_naming_its_folder_in_the_window_and_the_log() {
    let env = TestEnv::with_practice();
    let settings =
        Settings { data_folder: env.data.clone(), destination: env.dest.clone(), ..Settings::default() };
    settings.save(&env.path("config/settings.ron")).unwrap();
    // An older backup whose copy was opened and saved from the backup drive.
    assert_eq!(code(&env.backup(&[])), 0);
    let damaged = env.newest_set().join("data").join("Forms").join("Clinipad").join("form 1.xml");
    let mut perms = std::fs::metadata(&damaged).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&damaged, perms).unwrap();
    std::fs::write(&damaged, b"saved over").unwrap();
    for (_, file, _) in CASES {
        env.write(file, b"patient letter"); // new since that backup: copied, not linked
    }
    let faults: Vec<&str> = CASES.iter().map(|c| c.2).collect();
    // SAFETY: this test binary has one test, and no other thread reads the environment yet.
    unsafe {
        std::env::set_var("LOGOFF_BACKUP_FAULTS", faults.join(";"));
        std::env::set_var("LOGOFF_BACKUP_RETRY_SCALE", "0.001");
    }
    let mut h = prompt_window(&env, egui::vec2(900.0, 900.0));
    wait_for(&mut h, "Last good backup");
    h.get_by_label("Start backup").click();
    for _ in 0..600 {
        if env.log().matches("Result:").count() == 2 {
            break;
        }
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    h.run_steps(5);
    assert!(h.query_by_label("The files below are NOT in this backup.").is_some(), "{}", env.log());
    let log = env.log();
    let last = log.rsplit("===== Network backup =====").next().unwrap();
    for (cause, file, _) in CASES {
        let folder = env.data.join(file).parent().unwrap().to_path_buf();
        let words = cause.what_to_do(&folder);
        assert!(h.query_by_label(&words).is_some(), "the window advises on {cause:?}: {words}");
        assert!(last.contains(&words), "the log advises on {cause:?}: {words}\n{last}");
    }
    assert_eq!(
        last.matches("Close EXACT").count(),
        1,
        "only the file in use is advised to close EXACT:\n{last}"
    );
    let older = env.sets()[0].file_name().unwrap().to_string_lossy().into_owned();
    let words = Cause::DamagedPrevious.what_to_do(std::path::Path::new(&older));
    assert!(last.contains(&words), "{last}");
    let notes = h.state().progress.report.as_ref().map(|r| r.notes.clone());
    assert!(
        h.query_by_label_contains(&words).is_some(),
        "the window names the damaged older backup: {words}\n{notes:?}"
    );
    // However much there is to say, the buttons stay on a small screen's window.
    let size =
        logoff_backup::gui::fitted(logoff_backup::gui::app::PROMPT_SIZE, Some(egui::vec2(1280.0, 720.0)));
    h.set_size(size);
    h.run_steps(3);
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, size);
    for b in ["Open log", "Retry", "Close"] {
        let rect = h.get_by_label(b).rect();
        assert!(window.contains_rect(rect), "{b:?} at {rect:?} is not inside the {size:?} window");
    }
}
