//! The red alert of a backup marked SUSPECT: its files look encrypted (the ransomware guard), or
//! files of the last good backup are gone (the loss guard).

use crate::engine::guard::Suspicion;
use egui::RichText;

/// The alert, in a red frame.
pub fn show(ui: &mut egui::Ui, s: &Suspicion) {
    let red = ui.visuals().error_fg_color;
    egui::Frame::new().stroke(egui::Stroke::new(2.0, red)).inner_margin(8.0).corner_radius(4.0).show(
        ui,
        |ui| {
            ui.label(RichText::new(s.alert()).color(red).strong().size(16.0));
        },
    );
    ui.add_space(6.0);
}

/// A backup confirmed (by name), and what confirming said (or why it could not).
pub type Confirmed = (String, Result<String, String>);

/// Under History's table, for a chosen SUSPECT backup: its evidence, and "This change was
/// expected", asked twice (`confirming`: the backup asked about once). Shows what confirming said
/// (`confirmed`: the backup last confirmed, and what it said). True when the person confirmed.
pub fn suspect_row_ui(
    (confirming, confirmed): (&mut Option<String>, Option<&Confirmed>),
    ui: &mut egui::Ui,
    row: &crate::restore::SetRow,
) -> bool {
    let red = ui.visuals().error_fg_color;
    if let Some((_, result)) = confirmed.filter(|(name, _)| *name == row.name) {
        match result {
            Ok(line) => ui.label(format!("SUSPECT mark cleared. {line}")),
            Err(e) => ui.colored_label(red, e),
        };
    }
    if !row.suspect {
        return false;
    }
    ui.add_space(4.0);
    ui.colored_label(
        red,
        RichText::new("This backup is marked SUSPECT: its files looked encrypted, or many were gone.")
            .strong(),
    );
    // How many files changed or went, and how many of them look encrypted or which folders lost
    // them (the rest is in the log and `list`).
    for line in row.evidence.iter().take(2) {
        ui.label(line);
    }
    if confirming.as_ref() != Some(&row.name) {
        if ui.button("This change was expected…").clicked() {
            *confirming = Some(row.name.clone());
        }
        return false;
    }
    ui.label(RichText::new(
        "Only confirm if you know why so many files changed (for example, a new X-ray import). If you are not sure, call your IT contact first. Once confirmed, older backups are removed by the usual rules again.",
    ).strong());
    ui.horizontal(|ui| {
        let yes = ui.button("Yes, the change was expected").clicked();
        if ui.button("Cancel").clicked() {
            *confirming = None;
        }
        yes
    })
    .inner
}
