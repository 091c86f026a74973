//! Small pieces shared by the screens.

use super::services::Picker;
use std::path::Path;

/// A labelled folder field with a Browse… button. Returns whether the text changed.
pub fn folder_row(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    pick: &mut Picker,
    start: Option<&Path>,
) -> bool {
    let mut changed = false;
    ui.horizontal(|ui| {
        let l = ui.label(label);
        ui.add_space((130.0 - l.rect.width()).max(0.0));
        let width = (ui.available_width() - 90.0).max(120.0);
        changed |= ui
            .add(egui::TextEdit::singleline(text).id_salt(("folder field", label)).desired_width(width))
            .labelled_by(l.id)
            .changed();
        let browse = ui.button("Browse…").on_hover_text(format!("Choose the {}", label.to_lowercase()));
        if browse.clicked()
            && let Some(p) = pick(start)
        {
            *text = crate::validate::display(&p);
            changed = true;
        }
    });
    changed
}
