//! The command line's output: lines that never change a command's exit code, and the progress bar
//! of a headless `run`, drawn from the same events as the window (on a terminal only: a scheduled
//! task's output stays plain).
//!
//! `println!` panics (exit 101) when its stream is gone, as in `logoff-backup run | head -1`. The
//! summary comes after the work (the backup is written and logged by then), so the exit code must
//! be the command's: `outln!` and `errln!` drop what cannot be written. Rust ignores SIGPIPE, so
//! such a write fails rather than killing the process (keep it so: a killed run has no exit code).
//! indicatif already ignores failed draws.

/// `println!` that ignores a closed or broken stdout.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `eprintln!` that ignores a closed or broken stderr.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

pub(crate) use {errln, outln};

use crate::format;
use crate::progress::{Event, Phase};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

pub struct TerminalProgress {
    bar: Option<ProgressBar>,
    files_total: u64,
}

impl TerminalProgress {
    pub fn new() -> TerminalProgress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(4));
            bar.set_style(ProgressStyle::with_template("{spinner} {msg}").expect("template"));
            bar
        });
        TerminalProgress { bar, files_total: 0 }
    }

    pub fn apply(&mut self, event: &Event) {
        let Some(bar) = &self.bar else { return };
        match event {
            Event::Phase(phase) => bar.set_message(match phase {
                Phase::Checking => "Checking the folders…".to_string(),
                Phase::WaitingForLock => "Another computer's backup to this folder may still be running: checking (up to 10 minutes)…".to_string(),
                Phase::Database { files } => format!("Copying the database ({})…", format::files(*files)),
                Phase::Copying => "Copying…".to_string(),
                Phase::Flushing => "Writing everything to the backup drive…".to_string(),
                Phase::Finishing => "Finishing: saving the list of files in this backup…".to_string(),
                Phase::CloudCopy => "Updating the cloud copy (the folder latest)…".to_string(),
            }),
            Event::Scanned { files, bytes } => {
                self.files_total = *files;
                bar.set_length(*bytes);
                let style = ProgressStyle::with_template(
                    "[{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta} left  {msg}",
                )
                .expect("template")
                .progress_chars("=> ");
                bar.set_style(style);
            }
            Event::Progress { files_done, bytes, current, .. } => {
                bar.set_position(bytes.done());
                let name =
                    current.as_ref().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned());
                let of = match self.files_total {
                    0 => format!("{} copied, still looking for files", format::bytes(bytes.done())),
                    total => format!("of {}", format::count(total)),
                };
                bar.set_message(format!(
                    "{} files {of}  {}",
                    format::count(*files_done),
                    name.unwrap_or_default()
                ));
            }
            Event::Problem(p) => {
                bar.println(format!("{:<9} {}: {}", p.kind.label(), p.path.display(), p.reason))
            }
            Event::Waiting(why) => bar.println(why),
            Event::Finished(_) => bar.finish_and_clear(),
        }
    }
}

impl Default for TerminalProgress {
    fn default() -> Self {
        Self::new()
    }
}
