//! History's picture: the last 60 backups in backup.log as bars (time taken or size), coloured by
//! result, so growth and the failed days are seen at a glance.

use crate::format;
use crate::status::{LoggedRun, RunKind};
use egui::Color32;
use egui_plot::{Bar, BarChart, Plot};

/// How many runs the chart shows.
pub const RUNS: usize = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Measure {
    #[default]
    Minutes,
    Size,
}

/// The bar colour for a run's result.
pub fn colour(result: &str) -> Color32 {
    match result {
        "SUCCESS" => Color32::from_rgb(46, 160, 67),
        "COMPLETED WITH ERRORS" => Color32::from_rgb(230, 140, 20),
        "FAILED" => Color32::from_rgb(210, 50, 50),
        "SUSPECT" => Color32::from_rgb(140, 0, 40),
        _ => Color32::GRAY,
    }
}

/// The newest `RUNS` backups of the log, oldest first.
pub fn last_backups(runs: &[LoggedRun]) -> Vec<LoggedRun> {
    let backups: Vec<_> = runs.iter().filter(|r| r.kind == RunKind::Backup).cloned().collect();
    backups[backups.len().saturating_sub(RUNS)..].to_vec()
}

/// Draws the chart with its Time taken / Size switch.
pub fn chart_ui(ui: &mut egui::Ui, runs: &[LoggedRun], measure: &mut Measure) {
    if runs.is_empty() {
        ui.weak("No backups in the log yet.");
        return;
    }
    ui.horizontal(|ui| {
        ui.label(format!("The last {} backups in the log:", runs.len()));
        ui.selectable_value(measure, Measure::Minutes, "Time taken");
        ui.selectable_value(measure, Measure::Size, "Size");
    });
    let m = *measure;
    let value = |r: &LoggedRun| match m {
        Measure::Minutes => r.seconds.unwrap_or(0) as f64 / 60.0,
        Measure::Size => r.bytes.unwrap_or(0) as f64 / 1e6,
    };
    // The scale starts at 0 and reaches the tallest bar (at least 1 minute or 1 MB). Every run is
    // a coloured mark, even one that took under a second or wrote nothing (a failed day must be
    // seen): at least a fiftieth of the scale. The tooltip says the real figure.
    let top = runs.iter().map(value).fold(1.0, f64::max) * 1.1;
    let least = top / 50.0;
    let bars: Vec<Bar> = runs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let took = r.seconds.map_or("time unknown".into(), |s| {
                format::duration(std::time::Duration::from_secs(s as u64))
            });
            let size = r.bytes.map_or("size unknown".into(), format::bytes);
            let name = format!(
                "{}, {}: {}, {took}, {size}",
                r.started.format("%a %-d %b %H:%M"),
                r.computer,
                r.result
            );
            Bar::new(i as f64, value(r).max(least)).width(0.8).fill(colour(&r.result)).name(name)
        })
        .collect();
    let chart = BarChart::new("backups", bars).element_formatter(Box::new(|bar, _| bar.name.clone()));
    let dates: Vec<String> = runs.iter().map(|r| r.started.format("%-d %b").to_string()).collect();
    let unit = if m == Measure::Minutes { "minutes" } else { "MB" };
    // One per measure: each keeps its own scale.
    Plot::new(("history-chart", m))
        .height(150.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_crosshair(false)
        .show_grid([false, true])
        .default_x_bounds(-0.5, runs.len() as f64 - 0.5)
        .default_y_bounds(0.0, top)
        .y_axis_label(unit)
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() > 1e-6 || i < 0.0 {
                return String::new();
            }
            dates.get(i as usize).cloned().unwrap_or_default()
        })
        .label_formatter(|_| None)
        .show(ui, |p| p.bar_chart(chart))
        .response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Figure, true, spoken(runs)));
}

/// What a screen reader says for the chart: how many backups it shows and how they ended.
pub fn spoken(runs: &[LoggedRun]) -> String {
    let count = |result: &str| runs.iter().filter(|r| r.result == result).count();
    format!(
        "Chart of the last {} backups: {} succeeded, {} completed with errors, {} failed, {} cancelled, {} suspect (files looked encrypted or were gone)",
        runs.len(),
        count("SUCCESS"),
        count("COMPLETED WITH ERRORS"),
        count("FAILED"),
        count("CANCELLED"),
        count("SUSPECT")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_result_has_its_colour_and_only_the_last_60_backups_show() {
        let colours: Vec<_> =
            ["SUCCESS", "COMPLETED WITH ERRORS", "FAILED", "CANCELLED", "SUSPECT"].map(colour).into();
        for (i, c) in colours.iter().enumerate() {
            assert!(!colours[..i].contains(c), "{c:?} is a colour of its own");
        }
        let run = |kind| LoggedRun {
            kind,
            started: chrono::DateTime::parse_from_rfc3339("2026-11-26T17:30:05+11:00").unwrap(),
            computer: "RECEPTION1".into(),
            result: "SUCCESS".into(),
            cause: None,
            seconds: Some(60),
            bytes: Some(1),
            location: None,
        };
        let mut runs = vec![run(RunKind::RestoreTest)];
        runs.extend((0..70).map(|_| run(RunKind::Backup)));
        let shown = last_backups(&runs);
        assert_eq!(shown.len(), RUNS);
        assert!(shown.iter().all(|r| r.kind == RunKind::Backup));
    }
}
