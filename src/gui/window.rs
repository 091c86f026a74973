//! Opening a window: with OpenGL (glow) where the computer has OpenGL 2 or later, else on Windows
//! with Direct3D 12 (wgpu, which uses Windows' own software renderer, WARP, where there is no
//! graphics driver: Remote Desktop, virtual machines). Where no window can open, the user is told
//! in a message box and the cause is written to backup.log: never a silent failure.

use crate::engine::backup_log;
use crate::terminal::errln;
use std::cell::{Cell, RefCell};
use std::path::Path;
use std::process::ExitCode;
use std::rc::Rc;

/// The renderers tried, in order: OpenGL, then on Windows Direct3D 12. `LOGOFF_BACKUP_RENDERER`
/// (`opengl` or `direct3d`) makes it one of them only, for a computer where OpenGL starts but
/// shows nothing or garbage (an old graphics driver over Remote Desktop).
fn renderers() -> Vec<eframe::Renderer> {
    let all = vec![
        eframe::Renderer::Glow,
        #[cfg(windows)]
        eframe::Renderer::Wgpu,
    ];
    let only = match std::env::var("LOGOFF_BACKUP_RENDERER").as_deref() {
        Ok("opengl") => Some("glow"),
        Ok("direct3d") => Some("wgpu"),
        _ => None,
    };
    let chosen: Vec<_> =
        all.iter().copied().filter(|r| only.is_none_or(|name| r.to_string() == name)).collect();
    if chosen.is_empty() { all } else { chosen }
}

/// What a window leaves of the screen for its title bar and borders and the Windows taskbar.
const FRAME: egui::Vec2 = egui::vec2(16.0, 80.0);
/// The smallest a window is made, however small the screen.
const SMALLEST: egui::Vec2 = egui::vec2(420.0, 300.0);
/// Where the taskbar most often is: along the bottom of the screen.
const TASKBAR: f32 = 48.0;

/// The inner size a window asks for: `wanted`, made smaller to fit the screen (`monitor`, in points)
/// with its title bar and the taskbar.
pub fn fitted(wanted: [f32; 2], monitor: Option<egui::Vec2>) -> egui::Vec2 {
    let wanted = egui::Vec2::from(wanted);
    monitor.map_or(wanted, |m| wanted.min((m - FRAME).max(SMALLEST)))
}

/// Gives the window a new inner size that fits the screen, and keeps its centre where it was but
/// all of it on the screen (above the taskbar). The screen's corner is known only for a screen
/// whose corner is (0, 0) (one screen, or the main one); on another the window is only resized.
pub fn resize(ui: &egui::Ui, wanted: [f32; 2]) {
    let (monitor, outer, inner) = ui.input(|i| {
        let v = i.viewport();
        (v.monitor_size, v.outer_rect, v.inner_rect)
    });
    let size = fitted(wanted, monitor);
    ui.send_viewport_cmd(egui::ViewportCommand::InnerSize(size));
    let (Some(monitor), Some(outer), Some(inner)) = (monitor, outer, inner) else { return };
    let screen = egui::Rect::from_min_max(egui::Pos2::ZERO, (monitor - egui::vec2(0.0, TASKBAR)).to_pos2());
    if !screen.contains(outer.center()) {
        return;
    }
    let whole = size + (outer.size() - inner.size());
    let corner = (outer.center() - whole / 2.0).clamp(screen.min, (screen.max - whole).max(screen.min));
    ui.send_viewport_cmd(egui::ViewportCommand::OuterPosition(corner));
}

/// The program's icon (title bar, taskbar, Alt-Tab), drawn in `assets/icon.svg`.
const ICON_PNG: &[u8] = include_bytes!("../../assets/icon-256.png");

fn icon() -> egui::IconData {
    eframe::icon_data::from_png_bytes(ICON_PNG).unwrap_or_default()
}

/// Window options: a small centred window with this title.
fn native_options(title: &str, size: [f32; 2], renderer: eframe::Renderer) -> eframe::NativeOptions {
    eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(title)
            .with_app_id("logoff-backup")
            .with_inner_size(size)
            .with_min_inner_size([420.0, 300.0])
            .with_icon(std::sync::Arc::new(icon())),
        centered: true,
        renderer,
        ..Default::default()
    }
}

/// Opens a window and returns the exit code the app leaves in `code` when it closes. Where it
/// cannot open, the cause goes to `log` (this computer's own log when `None`) and a message box,
/// and the exit code is 2.
pub fn run_window<A: eframe::App + 'static>(
    title: &str,
    size: [f32; 2],
    code: Rc<Cell<u8>>,
    log: Option<&Path>,
    make: impl FnOnce(&eframe::CreationContext<'_>) -> A + 'static,
) -> ExitCode {
    // Taken by the first renderer that gets as far as making the app: a renderer that fails after
    // that has shown the window (and maybe started a backup), so no other is tried.
    let make = Rc::new(RefCell::new(Some(make)));
    let mut failures = Vec::new();
    for renderer in renderers() {
        let slot = make.clone();
        let result = eframe::run_native(
            title,
            native_options(title, size, renderer),
            Box::new(move |cc| {
                let make = slot.borrow_mut().take().ok_or("the window was already made")?;
                cc.egui_ctx.set_theme(egui::ThemePreference::System);
                Ok(Box::new(make(cc)))
            }),
        );
        match result {
            Ok(()) => return ExitCode::from(code.get()),
            Err(e) => failures.push(format!("{renderer}: {e}")),
        }
        if make.borrow().is_none() {
            break;
        }
    }
    cannot_open(title, &failures.join("; "), log);
    ExitCode::from(2)
}

/// Tells the user and the log that the window could not open.
fn cannot_open(title: &str, cause: &str, log: Option<&Path>) {
    let log = log.map_or_else(backup_log::fallback_path, Path::to_path_buf);
    let block = format!(
        "===== Window could not open =====\nStarted:         {}\nComputer:        {}\nUser:            {}\n\
         Window:          {title}\nResult:          FAILED\nCause:           {cause}\n\n",
        crate::clock::now().format("%Y-%m-%d %H:%M:%S %:z"),
        crate::platform::computer_name(),
        crate::platform::user_name(),
    );
    let logged = backup_log::write_block(&log, &block);
    let cause = cause.trim_end_matches('.');
    errln!("logoff-backup: the window \"{title}\" could not open: {cause}. Log: {}", logged.path.display());
    rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title(title)
        .set_description(format!(
            "The {title} window could not open on this computer. No backup was started from it.\n\n\
             Tell your IT contact. The details are in {}",
            logged.path.display()
        ))
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_icon_is_a_256_pixel_picture() {
        let icon = super::icon();
        assert_eq!((icon.width, icon.height), (256, 256));
        assert_eq!(icon.rgba.len(), 256 * 256 * 4);
        assert!(icon.rgba.chunks(4).any(|p| p[3] == 0) && icon.rgba.chunks(4).any(|p| p[3] == 255));
    }
}
