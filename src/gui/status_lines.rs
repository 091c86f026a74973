//! The Ask screen's account of how backups have gone: this practice's computers, from the shared
//! log, and the last restore test.

use super::prompt::PromptApp;
use crate::engine::Outcome;
use crate::format;
use crate::status::{days_ago, when};

/// At the top of the Ask screen, in red: the practice's newest good backup, when it is older than
/// the setting (`overdue_after_days`).
pub fn overdue_ui(app: &PromptApp, ui: &mut egui::Ui) {
    let Some((t, computer)) = app.status.as_ref().and_then(|s| s.newest_good()) else { return };
    let age = chrono::Local::now().naive_local() - t;
    if age < chrono::Duration::days(i64::from(app.overdue_after_days.max(1))) {
        return;
    }
    let text = format!(
        "The last good backup of the practice was {}: {}, from {computer}. Back up today.",
        days_ago(t),
        t.format("%a %-d %b %Y %H:%M")
    );
    ui.colored_label(ui.visuals().error_fg_color, egui::RichText::new(text).strong().size(16.0));
    ui.add_space(6.0);
}

/// Draws the status lines. Returns whether a restore test is due (never done, failed, or older
/// than the setting).
pub fn status_ui(app: &PromptApp, ui: &mut egui::Ui) -> bool {
    let Some(status) = &app.status else {
        if app.plan.is_some() {
            ui.weak("Checking…");
        }
        return false;
    };
    if let Ok(Some(est)) = status.ready.as_ref().map(|c| c.estimate) {
        ui.label(format!("About {} in {} files.", format::bytes(est.bytes), format::count(est.files)));
    }
    let success = Outcome::Success.label();
    let good = status.practice.iter().find(|r| r.result == success); // newest first, in log order
    match (good, &status.last_good) {
        (Some(r), _) => {
            ui.label(format!(
                "Last good backup of the practice: {} from {}",
                when(r.started.naive_local()),
                r.computer
            ));
        }
        (None, Some((t, computer))) => {
            ui.label(format!("Last good backup: {} from {computer}", when(*t)));
        }
        (None, None) => {
            ui.colored_label(ui.visuals().warn_fg_color, "No backup yet");
        }
    }
    for r in status.practice.iter().filter(|r| r.result != success) {
        let mut text =
            format!("Last backup from {}: {}, {}", r.computer, when(r.started.naive_local()), r.result);
        if let Some(cause) = &r.cause {
            text.push_str(&format!(". {cause}"));
        }
        ui.colored_label(ui.visuals().error_fg_color, text);
    }
    let others: Vec<String> = status
        .practice
        .iter()
        .filter(|r| r.result == success && Some(*r) != good)
        .map(|r| format!("{} {}", r.computer, when(r.started.naive_local())))
        .collect();
    if !others.is_empty() {
        ui.weak(format!("Other computers' last good backups: {}", others.join(", ")));
    }
    match &status.last_drill {
        None => {
            ui.colored_label(ui.visuals().warn_fg_color, "Last restore test: never");
            true
        }
        Some(d) => {
            let age = (chrono::Local::now().naive_local() - d.started.naive_local()).num_days();
            let passed = d.result == "PASSED";
            let text = format!(
                "Last restore test: {}, {}",
                days_ago(d.started.naive_local()),
                if passed { "passed" } else { "FAILED" }
            );
            let due = !passed || age > i64::from(app.restore_test_days);
            let color = match (passed, due) {
                (false, _) => ui.visuals().error_fg_color,
                (true, true) => ui.visuals().warn_fg_color,
                (true, false) => ui.visuals().text_color(),
            };
            ui.colored_label(color, text);
            due
        }
    }
}
