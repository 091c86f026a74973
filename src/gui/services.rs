//! What the window asks of the desktop: a folder picker and a file viewer. Injected, so tests
//! never open a real dialog or viewer.

use std::path::{Path, PathBuf};

/// Asks the user for a folder, starting at the given one. `None`: cancelled or no picker.
pub type Picker = Box<dyn FnMut(Option<&Path>) -> Option<PathBuf>>;
/// Opens a file or folder with the system's viewer.
pub type Opener = Box<dyn Fn(&Path) -> Result<(), String>>;

pub struct Services {
    pub pick_folder: Picker,
    pub open: Opener,
}

impl Services {
    /// The real desktop: rfd's folder dialog and the system viewer (opener).
    pub fn system() -> Services {
        Services {
            pick_folder: Box::new(|start| {
                let mut dialog = rfd::FileDialog::new();
                if let Some(dir) = start.filter(|d| d.is_dir()) {
                    dialog = dialog.set_directory(dir);
                }
                dialog.pick_folder()
            }),
            open: Box::new(|path| opener::open(path).map_err(|e| e.to_string())),
        }
    }
}
