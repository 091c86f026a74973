//! The smallest eframe window: the yardstick for how fast the prompt appears (`bench/run window`).

struct Bare;

impl eframe::App for Bare {
    fn ui(&mut self, ui: &mut egui::Ui, _: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| ui.label("Hello"));
    }
}

fn main() -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default().with_title("Bare window").with_inner_size([560.0, 400.0]),
        centered: true,
        ..Default::default()
    };
    eframe::run_native("Bare window", options, Box::new(|_| Ok(Box::new(Bare))))
}
