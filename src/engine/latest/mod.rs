//! `latest`: the data of the newest good set, in a folder whose path never changes, for the
//! practice's cloud backup to follow (most cloud clients do not know hard links, so pointed at the
//! dated sets they would upload every set whole).
//!
//! After each good run `latest` is brought up to date in place: a file that did not change is not
//! touched; a new or changed one is made beside `latest` (linked from the new set, or copied where
//! the drive has no hard links) and renamed into place, so it appears only complete; a file that
//! is no longer in the data folder goes. A file the run could not back up keeps its last good copy.
//! `latest.manifest.tsv` beside it lists what it holds, so `verify latest` can check it.
//! While an update is under way `latest.unfinished` says so: a run that was stopped or killed
//! leaves it, and the next good run checks every file of `latest` again rather than trusting the
//! manifest, and finishes the job.

mod bring;
mod cursor;
mod diff;
mod keep;
mod prune;

pub use keep::Keep;

use super::manifest::{self, Reader};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

pub const FOLDER: &str = "latest";
pub const MANIFEST: &str = "latest.manifest.tsv";
/// Beside `latest` while it is being brought up to date.
pub const UNFINISHED: &str = "latest.unfinished";
/// New copies are made here before they are renamed into `latest`: never inside it, where a cloud
/// client would see them half-made. A partial folder, so the next run's clean-up takes leftovers.
const STAGING: &str = ".partial-latest";

/// What bringing `latest` up to date did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Update {
    pub folder: PathBuf,
    /// Files added or replaced: what the cloud client will upload.
    pub changed: u64,
    pub bytes_changed: u64,
    /// Files removed because they are no longer in the data folder.
    pub removed: u64,
    /// Files this run could not back up, whose last good copy stays in `latest`.
    pub kept: u64,
    /// Files of `latest` that could not be brought up to date: (path in `latest`, why).
    pub problems: Vec<(String, String)>,
    /// Why the update did not run or did not finish, in plain words.
    pub failure: Option<String>,
}

impl Update {
    /// `latest` now holds the new set's data (and the kept files), as its manifest says.
    pub fn is_complete(&self) -> bool {
        self.failure.is_none() && self.problems.is_empty()
    }
}

/// What an update works from.
pub struct Job<'a> {
    /// The backup folder.
    pub dest: &'a Path,
    /// The set just made, which `latest` is to hold.
    pub set: &'a Path,
    pub hard_links: bool,
    pub keep: &'a Keep,
    pub cancel: &'a AtomicBool,
    /// Set once this run's lock has been taken over by another run: then it stops at once.
    pub lost: &'a AtomicBool,
    /// A fresh look at whether the lock is still this run's, before the update is called done.
    pub still_ours: &'a dyn Fn() -> bool,
}

/// Brings `latest` up to date with `job.set`. Never fails the run: what went wrong is in the result.
pub fn update(job: &Job) -> Update {
    let folder = job.dest.join(FOLDER);
    let mut out = Update { folder: folder.clone(), ..Update::default() };
    if let Err(why) = run(job, &folder, &mut out) {
        out.failure = Some(why);
    }
    let _ = super::readonly::remove_tree(&job.dest.join(STAGING));
    out
}

fn run(job: &Job, folder: &Path, out: &mut Update) -> Result<(), String> {
    let dest = job.dest;
    match std::fs::symlink_metadata(folder) {
        Ok(m) if m.is_dir() && !m.is_symlink() => {}
        Ok(_) => {
            return Err("It is not a plain folder (it is a file, or a link to somewhere else), so it was left alone. Ask your IT contact to remove it; the next backup then makes it again.".into());
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir(folder).map_err(|e| cannot("make", folder, &e))?;
        }
        Err(e) => return Err(cannot("read", folder, &e)),
    }
    let set_manifest = job.set.join(manifest::FILE_NAME);
    let open = || {
        Reader::open(&set_manifest).map(|(_, r)| r).map_err(|e| {
            format!("Cannot read the new backup's manifest: {e}. The next good backup tries again.")
        })
    };
    // Trusted only when the last update finished: then its manifest says what `latest` holds.
    let unfinished = dest.join(UNFINISHED);
    let old = dest.join(MANIFEST);
    let finished = std::fs::symlink_metadata(&unfinished).is_err();
    // Reading the whole manifest also checks its checksum.
    // Every 7th set (about once a week) every file is looked at even so: an edit made in place, or
    // a rename on a drive that gives folders no new time for it, shows only then.
    let weekly = manifest::read_header(&set_manifest).is_ok_and(|h| h.sequence % 7 == 0);
    let quick = finished && !weekly && diff::untouched(folder, &old).unwrap_or(false);
    let trusted = quick || finished && manifest::check(&old).is_ok();
    let say = "The cloud copy in the folder latest is being brought up to date. If this file stays, that was interrupted: the next good backup finishes it.\n";
    write_flushed(&unfinished, say.as_bytes()).map_err(|e| cannot("write", &unfinished, &e))?;
    let staging = dest.join(STAGING);
    let _ = super::readonly::remove_tree(&staging);
    std::fs::create_dir(&staging).map_err(|e| cannot("make", &staging, &e))?;
    crate::fault::pause("latest");

    let stops = Stops { cancel: job.cancel, lost: job.lost };
    let spot =
        bring::Spot { folder, set: job.set, staging: &staging, hard_links: job.hard_links, keep: job.keep };
    let kept = if quick {
        // Only what differs between the two manifests is touched.
        diff::apply(&spot, (&old, &set_manifest), job.keep, &stops, out)?
    } else {
        // Every file of `latest` is looked at.
        let kept = prune::prune(folder, &mut cursor::Cursor::new(Some(open()?))?, job.keep, &stops, out)?;
        crate::fault::pause("latest-pruned");
        let old = if trusted { Reader::open(&old).ok().map(|(_, r)| r) } else { None };
        bring::bring(&spot, &mut cursor::Cursor::new(Some(open()?))?, old, &stops, out)?;
        kept
    };
    if !out.problems.is_empty() {
        return Ok(());
    }
    // Every new copy and every rename in `latest` is on the drive before the manifest says so.
    crate::platform::flush_tree(folder).map_err(|e| cannot("write out", folder, &e))?;
    stops.check()?;
    if !(job.still_ours)() {
        job.lost.store(true, std::sync::atomic::Ordering::Relaxed);
        stops.check()?;
    }
    write_manifest(dest, &set_manifest, &kept).map_err(|e| cannot("write", &dest.join(MANIFEST), &e))?;
    crate::platform::flush_dir(dest);
    std::fs::remove_file(&unfinished).map_err(|e| cannot("remove", &unfinished, &e))?;
    crate::platform::flush_dir(dest);
    Ok(())
}

/// What stops an update part-way.
pub(super) struct Stops<'a> {
    pub cancel: &'a AtomicBool,
    pub lost: &'a AtomicBool,
}

impl Stops<'_> {
    /// Fails once the run has been cancelled or its lock taken over by another run.
    pub fn check(&self) -> Result<(), String> {
        if self.lost.load(std::sync::atomic::Ordering::Relaxed) {
            return Err("Another backup took over this one's lock while it was being updated; that backup brings it up to date.".into());
        }
        if self.cancel.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(
                "The backup was stopped while it was being updated. The next good backup finishes it.".into(),
            );
        }
        Ok(())
    }
}

/// Why the update stopped, in a sentence that names the path and what happens next.
fn cannot(what: &str, path: &Path, e: &std::io::Error) -> String {
    let path = crate::format::display(path);
    format!("Cannot {what} {path}: {}. The next good backup tries again.", super::copy::describe(e))
}

/// Writes `latest.manifest.tsv`: the set's own manifest, with the entries of the kept files merged
/// in where there are any. Written beside it and renamed over, so it is always whole.
fn write_manifest(dest: &Path, set_manifest: &Path, kept: &[manifest::Entry]) -> std::io::Result<()> {
    let fresh = dest.join(format!("{MANIFEST}.new"));
    let _ = std::fs::remove_file(&fresh);
    if kept.is_empty() {
        let mut out = manifest::create_fresh(&fresh)?;
        std::io::copy(&mut std::fs::File::open(set_manifest)?, &mut out)?;
        out.sync_all()?;
    } else {
        let (header, mut set) = Reader::open(set_manifest).map_err(std::io::Error::other)?;
        let entries = dest.join(format!("{MANIFEST}.entries"));
        let mut w = manifest::EntryWriter::create(&entries)?;
        let mut kept = kept.iter().peekable();
        while let Some(e) = set.next_entry().map_err(std::io::Error::other)? {
            while let Some(k) = kept.next_if(|k| cursor::order(&k.path, &e.path).is_lt()) {
                w.push(k)?;
            }
            // A kept entry at the set's own path (a folder kept where the set has a link) is what
            // `latest` holds there.
            match kept.next_if(|k| k.path == e.path) {
                Some(k) => w.push(k)?,
                None => w.push(&e)?,
            }
        }
        for k in kept {
            w.push(k)?;
        }
        w.finish(&fresh, &header, |_| {})?;
    }
    std::fs::rename(&fresh, dest.join(MANIFEST))
}

fn write_flushed(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = manifest::create_fresh(path)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    crate::platform::flush_dir(path.parent().unwrap_or(Path::new(".")));
    Ok(())
}

impl Update {
    /// In plain words, for the Done screen, the log and the terminal: what changed in `latest` (what
    /// the cloud backup will upload), or why it is behind.
    pub fn words(&self) -> String {
        use crate::format::{bytes, files};
        let folder = crate::format::display(&self.folder);
        if !self.is_complete() {
            let why = match &self.failure {
                Some(why) => why.clone(),
                None => format!(
                    "{} could not be brought up to date (named in the log). The next good backup tries again.",
                    files(self.problems.len() as u64)
                ),
            };
            return format!("{folder} is NOT up to date. {why}");
        }
        let mut s = match (self.changed, self.removed) {
            (0, 0) => format!("{folder}: nothing changed, so the cloud backup has nothing new to upload"),
            (changed, 0) => format!("{folder}: {} changed ({})", files(changed), bytes(self.bytes_changed)),
            (changed, removed) => format!(
                "{folder}: {} changed ({}), {} removed",
                files(changed),
                bytes(self.bytes_changed),
                files(removed)
            ),
        };
        match self.kept {
            0 => {}
            1 => s.push_str("; 1 file not backed up this time keeps its last good copy"),
            n => s.push_str(&format!("; {} not backed up this time keep their last good copy", files(n))),
        }
        s
    }
}
