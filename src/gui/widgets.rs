//! Small pieces shared by the screens.

use super::services::Picker;
use crate::validate::{Field, Message, Severity};
use egui::RichText;
use std::path::Path;

/// A labelled folder field with a Browse… button, which opens at `start` (when not empty), and a
/// Remove button when `remove` is given (set when it is clicked). Returns whether the text changed.
pub fn folder_row(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    pick: &mut Picker,
    start: Option<&Path>,
    remove: Option<&mut bool>,
) -> bool {
    let start = start.filter(|p| !p.as_os_str().is_empty());
    let mut changed = false;
    ui.horizontal(|ui| {
        let l = ui.label(label);
        ui.add_space((130.0 - l.rect.width()).max(0.0));
        // Room for the buttons after the field, so the row never runs past the window.
        let buttons = if remove.is_some() { 170.0 } else { 90.0 };
        let width = (ui.available_width() - buttons).max(120.0);
        changed |= ui
            .add(egui::TextEdit::singleline(text).id_salt(("folder field", label)).desired_width(width))
            .labelled_by(l.id)
            .changed();
        let browse = ui.button("Browse…").on_hover_text(format!("Choose the {}", label.to_lowercase()));
        if browse.clicked()
            && let Some(p) = pick(start)
        {
            *text = crate::format::display(&p);
            changed = true;
        }
        if let Some(remove) = remove {
            *remove |= ui.button("Remove").clicked();
        }
    });
    changed
}

pub fn section(ui: &mut egui::Ui, title: &str) {
    ui.add_space(4.0);
    ui.label(RichText::new(title).strong().size(15.0));
}

pub fn show_messages<'a>(ui: &mut egui::Ui, messages: impl Iterator<Item = &'a Message>, field: Field) {
    for m in messages.filter(|m| m.field == field) {
        let color = match m.severity {
            Severity::Error => ui.visuals().error_fg_color,
            Severity::Warning => ui.visuals().warn_fg_color,
            Severity::Info => ui.visuals().weak_text_color(),
        };
        ui.colored_label(color, &m.text);
    }
}

/// Whether this user may write the file (or create it in its folder).
pub fn writable(p: &Path) -> bool {
    match std::fs::metadata(p) {
        Ok(m) => !m.permissions().readonly() && std::fs::OpenOptions::new().append(true).open(p).is_ok(),
        Err(_) => p.parent().is_some_and(|d| {
            let probe = d.join(format!(".write-test-{}", std::process::id()));
            let ok = std::fs::write(&probe, b"").is_ok();
            let _ = std::fs::remove_file(&probe);
            ok
        }),
    }
}

/// A path on one line, shortened in the middle to the width there is (the share and the file name
/// both show), the whole path on hover; it can be selected and copied (the shortened text; the
/// hover shows it all).
pub fn path_label(ui: &mut egui::Ui, path: &Path) -> egui::Response {
    let full = crate::format::display(path);
    let font = egui::TextStyle::Body.resolve(ui.style());
    let width = ui.available_width();
    let fits = |text: &str| {
        ui.fonts_mut(|f| f.layout_no_wrap(text.to_string(), font.clone(), egui::Color32::WHITE).size().x)
            <= width
    };
    let mut shown = full.clone();
    let mut max = full.chars().count();
    while max > 12 && !fits(&shown) {
        max -= (max / 10).max(1);
        shown = super::progress::shorten_middle(&full, max);
    }
    let label =
        ui.add(egui::Label::new(shown.as_str()).selectable(true).wrap_mode(egui::TextWrapMode::Extend));
    if shown != full { label.on_hover_text(full) } else { label }
}

/// Enter pressed for the window's default button: only while no control has the keyboard, since
/// Enter on a control reached with Tab presses that control.
pub fn enter_for_default(ui: &egui::Ui) -> bool {
    ui.input(|i| i.key_pressed(egui::Key::Enter)) && ui.memory(|m| m.focused().is_none())
}

/// Buttons kept at the bottom of a window under a body that scrolls, drawn after the body so Tab
/// and screen readers meet the body first, in reading order (a bottom panel would come first).
/// The body gets what the footer leaves, as tall as the footer was the frame before.
pub struct Footer {
    id: egui::Id,
    /// The height the body may take.
    pub body_height: f32,
}

impl Footer {
    pub fn begin(ui: &egui::Ui, name: &str) -> Footer {
        let id = ui.scope_id().with(name);
        let footer: f32 = ui.data(|d| d.get_temp(id)).unwrap_or(44.0);
        Footer { id, body_height: (ui.available_height() - footer).max(60.0) }
    }

    /// Draws the footer; a new height is kept for the next frame, which is asked for at once.
    pub fn show<R>(self, ui: &mut egui::Ui, add: impl FnOnce(&mut egui::Ui) -> R) -> R {
        let inner = ui.scope(add);
        let height = inner.response.rect.height() + ui.spacing().item_spacing.y;
        let before: Option<f32> = ui.data(|d| d.get_temp(self.id));
        if before.is_none_or(|b| (b - height).abs() > 0.5) {
            ui.data_mut(|d| d.insert_temp(self.id, height));
            ui.ctx().request_discard("the buttons' height changed");
        }
        inner.inner
    }
}
