//! The settings dialog's fields: what to back up, where to, how many backups to keep, options.

use super::{SettingsDialog, text_of};
use crate::format;
use crate::gui::services::Services;
use crate::gui::widgets;
use crate::validate::{self, Field, Severity};

impl SettingsDialog {
    /// The fields. Returns whether the draft changed.
    pub(super) fn form_ui(&mut self, ui: &mut egui::Ui, services: &mut Services) -> bool {
        let mut changed = false;
        ui.heading("Network backup settings");
        if let Some((_, why)) = &self.damaged {
            ui.colored_label(ui.visuals().error_fg_color, format!("{why}. The defaults are shown; Save replaces the file and keeps the old one as settings.ron.bad."));
        }
        ui.add_space(4.0);
        widgets::section(ui, "What to back up");
        changed |= widgets::folder_row(
            ui,
            "EXACT data folder",
            &mut self.data_text,
            &mut services.pick_folder,
            Some(&self.draft.data_folder),
            None,
        );
        widgets::show_messages(ui, self.messages(), Field::DataFolder);
        changed |= ui
            .checkbox(
                &mut self.draft.include_subdirectories,
                "Back up sub-directories (X-rays, scanned documents, portal and Clinipad forms, email attachments, letter templates)",
            )
            .changed();
        ui.weak(
            "These are usually 75% or more of the data folder's size. Leave this on unless told otherwise.",
        );
        ui.add_space(6.0);

        ui.label("Extra folders (for example X-rays kept outside the data folder):");
        let mut remove = None;
        for i in 0..self.extra_texts.len() {
            let mut clicked = false;
            changed |= widgets::folder_row(
                ui,
                &format!("Extra folder {}", i + 1),
                &mut self.extra_texts[i],
                &mut services.pick_folder,
                Some(&self.draft.extra_folders[i]),
                Some(&mut clicked),
            );
            if clicked {
                remove = Some(i);
            }
            widgets::show_messages(ui, self.messages(), Field::Extra(i));
        }
        if let Some(i) = remove {
            self.extra_texts.remove(i);
            changed = true;
        }
        if ui.button("Add…").clicked() {
            let picked = (services.pick_folder)(None);
            self.extra_texts.push(picked.map(|p| text_of(&p)).unwrap_or_default());
            changed = true;
        }
        let data_ok = !self.messages().any(|m| m.field == Field::DataFolder && m.severity == Severity::Error);
        match self.estimate {
            _ if !data_ok => {}
            None => {
                ui.weak("Estimating the size of one backup…");
            }
            Some(Some((files, bytes))) => {
                ui.label(format!(
                    "One backup: about {} in {} files.",
                    format::bytes(bytes),
                    format::count(files)
                ));
            }
            _ => {}
        }
        ui.add_space(6.0);
        widgets::section(ui, "Where backups go");
        changed |= widgets::folder_row(
            ui,
            "Backup folder",
            &mut self.dest_text,
            &mut services.pick_folder,
            Some(&self.draft.destination),
            None,
        );
        widgets::show_messages(ui, self.messages(), Field::Destination);
        changed |= ui
            .checkbox(
                &mut self.draft.cloud_folder,
                "Keep a cloud copy: the newest backup, always in the same folder",
            )
            .changed();
        if self.draft.cloud_folder && !self.draft.destination.as_os_str().is_empty() {
            let latest = self.draft.destination.join(crate::engine::latest::FOLDER);
            ui.horizontal(|ui| {
                ui.label(format!("Point your cloud backup at this folder: {}", format::display(&latest)));
                if ui.button("Copy").clicked() {
                    ui.ctx().copy_text(text_of(&latest));
                }
            });
        }
        ui.add_space(6.0);

        widgets::section(ui, "How many backups to keep");
        ui.horizontal(|ui| {
            for (label, value) in [
                ("Newest", &mut self.draft.keep_last),
                ("Daily", &mut self.draft.keep_daily),
                ("Weekly", &mut self.draft.keep_weekly),
                ("Monthly", &mut self.draft.keep_monthly),
            ] {
                let l = ui.label(label);
                changed |= ui.add(egui::DragValue::new(value).range(0..=999)).labelled_by(l.id).changed();
            }
        });
        let d = &self.draft;
        ui.weak(validate::retention_summary(d.keep_last, d.keep_daily, d.keep_weekly, d.keep_monthly));
        widgets::show_messages(ui, self.messages(), Field::Retention);
        widgets::section(ui, "Options");
        changed |= ui
            .checkbox(&mut self.draft.verify_after_backup, "Check every copy after the backup (recommended)")
            .changed();
        changed |= ui
            .checkbox(&mut self.draft.prompt_on_exit, "Ask to start the backup when EXACT closes")
            .changed();
        ui.horizontal(|ui| {
            let l = ui.label("Remind to test a restore every");
            let days = egui::DragValue::new(&mut self.draft.restore_test_days).range(1..=365);
            changed |= ui.add(days).labelled_by(l.id).changed();
            ui.label("days");
        });
        ui.horizontal(|ui| {
            let l = ui.label("Warn in red when the last good backup is older than");
            let days = egui::DragValue::new(&mut self.draft.overdue_after_days).range(1..=60);
            changed |= ui.add(days).labelled_by(l.id).changed();
            ui.label("days");
        });
        if self.machine_writable {
            ui.checkbox(&mut self.for_everyone, "Save for every user of this computer");
        }
        changed
    }
}
