//! What happens to each scanned item: link it, copy it, or name why not.

use super::advice::Cause;
use super::copy::{self, Copied, CopyError, Shared};
use super::gone::Listed;
use super::manifest::{Entry, Kind, Mtime};
pub use super::previous::{Previous, PreviousSet};
use super::retry::{self, Trouble};
use super::scan::{Item, ItemKind, Prior};
use super::{FileProblem, ProblemKind};
use crate::format;
use crate::plan::Source;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How an item made it into the set, or why it did not.
#[derive(Debug)]
pub enum Done {
    /// A folder made in the set.
    Dir,
    Copied(Copied),
    Linked(Copied),
    Symlink(blake3::Hash, Mtime),
    Problem(ProblemKind, Option<Cause>, String),
    /// Writing to the destination failed: maybe the whole drive is gone or full.
    DestinationError(std::io::Error),
    Cancelled,
}

pub struct Context<'a> {
    pub sources: &'a [Source],
    pub partial: &'a Path,
    /// The set the run compares with: the newest complete set not marked SUSPECT. Its files are
    /// linked where `link` says so; changed files' copies in it are looked at by the guard.
    pub previous: Option<&'a PreviousSet>,
    /// Link unchanged files from `previous` (the drive has hard links).
    pub link: bool,
    /// Files whose copy in the previous set no longer matches its manifest (set path, in the set).
    pub damaged: &'a Mutex<Vec<String>>,
    /// Unchanged files whose file id alone differs from the previous set's (see `try_link`).
    pub new_ids: &'a AtomicU64,
    /// The largest file the backup drive can hold, where limited (FAT32: 4 GiB).
    pub max_file_size: Option<u64>,
    /// Read each piece of a copy back and compare it with what was read from the source.
    pub verify: bool,
    pub shared: Shared<'a>,
}

/// Backs up one item. `buf` holds two copy buffers (`2 * copy::BUFFER`): what is read, and what is
/// read back.
pub fn process(item: &Item, cx: &Context, buf: &mut [u8]) -> Done {
    let src = item.source_path(cx.sources);
    let dst = item.set_path(cx.partial, cx.sources);
    if item.kind == ItemKind::Dir {
        return match make_dirs(cx.partial, &dst) {
            Ok(()) => Done::Dir,
            Err(e) => Done::DestinationError(e),
        };
    }
    // Folders are made by other threads at the same time: a file may get there first.
    if let Some(parent) = dst.parent()
        && !parent.exists()
        && let Err(e) = make_dirs(cx.partial, parent)
    {
        return Done::DestinationError(e);
    }
    if item.kind == ItemKind::Symlink {
        return match copy::copy_symlink(&src, &dst) {
            Ok((hash, mtime)) => Done::Symlink(hash, mtime),
            Err(reason) => Done::Problem(ProblemKind::Skipped, None, reason),
        };
    }
    if let Some(done) = try_link(item, &src, &dst, cx, buf) {
        return done;
    }
    if cx.max_file_size.is_some_and(|max| item.size > max) {
        let why = "too big for the backup drive: FAT32 drives hold files up to 4 GB. Format the drive as NTFS or exFAT, or use another drive";
        return Done::Problem(ProblemKind::Failed, Some(Cause::NotAllowedOnDrive), why.into());
    }
    crate::fault::before_copy(&src);
    let (buf, check) = buf.split_at_mut(copy::BUFFER);
    let mut waited = Duration::ZERO;
    for attempt in 0.. {
        let check = cx.verify.then_some(&mut *check);
        let e = match copy::copy_file(&src, &dst, buf, (check, cx.previous.is_some()), &cx.shared) {
            Ok(c) => {
                super::readonly::mark(&dst);
                return Done::Copied(with_before(item, cx, c));
            }
            Err(e) => e,
        };
        let (trouble, cause, reason) = match e {
            CopyError::Mismatch => {
                let why = "the copy on the backup drive differs from the original: the drive may be failing";
                return Done::Problem(ProblemKind::Failed, Some(Cause::DriveFailing), why.into());
            }
            CopyError::ReadBack(e) => {
                let why = format!("the copy on the backup drive cannot be read back: {}", copy::describe(&e));
                return Done::Problem(ProblemKind::Failed, Some(Cause::DriveFailing), why);
            }
            CopyError::Missing(e) => match super::gone::listed_again(&src) {
                Listed::Gone => {
                    return Done::Problem(ProblemKind::Vanished, None, "deleted during the backup".into());
                }
                Listed::Still => (
                    Trouble::Unreadable,
                    Cause::ServerUnreachable,
                    format!(
                        "could not be opened, although its folder still lists it: {}",
                        copy::describe(&e)
                    ),
                ),
                Listed::FolderUnreadable(f) => (
                    Trouble::Unreadable,
                    Cause::ServerUnreachable,
                    format!("could not be opened, nor its folder listed again: {}", copy::describe(&f)),
                ),
            },
            CopyError::Destination(e) => return Done::DestinationError(e),
            CopyError::Taken => {
                let why = "another file with the same name apart from capitals or accents is already in the backup, and the backup drive cannot hold both: rename one of them in the data folder";
                return Done::Problem(ProblemKind::Failed, Some(Cause::NotAllowedOnDrive), why.into());
            }
            CopyError::Cancelled => return Done::Cancelled,
            CopyError::Changed => (Trouble::Changed, Cause::Changing, "changed during backup".to_string()),
            CopyError::Source(e) if copy::is_in_use(&e) => {
                (Trouble::InUse, Cause::InUse, format!("in use, EXACT may be open on another computer ({e})"))
            }
            CopyError::Source(e) if crate::platform::server_trouble(&e, &src) => (
                Trouble::Unreadable,
                Cause::ServerUnreachable,
                format!("the server could not be reached ({e})"),
            ),
            CopyError::Source(e) => (Trouble::Unreadable, Cause::of_source_error(&e), copy::describe(&e)),
        };
        match retry::wait(trouble, attempt, &cx.shared) {
            Some(d) => waited += d,
            None if cx.shared.stopped() => return Done::Cancelled,
            None => {
                let tries = format!("tried {} times over {}", attempt + 1, format::duration(waited));
                return Done::Problem(ProblemKind::Failed, Some(cause), format!("{reason}; {tries}"));
            }
        }
    }
    unreachable!("the retry loop ends by returning")
}

/// `process`, but a bug in one file's copy (a panic) names that file rather than stopping the run;
/// whatever it left of its copy goes, so that only what made it stays in the set.
pub fn process_guarded(item: &Item, cx: &Context, buf: &mut [u8]) -> Done {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| process(item, cx, buf))).unwrap_or_else(|_| {
        let _ = super::readonly::remove_file(&item.set_path(cx.partial, cx.sources));
        Done::Problem(ProblemKind::Failed, Some(Cause::Other), "not copied: internal error".into())
    })
}

/// Makes `dir` and any missing folders above it, but only inside the partial set: if the set's own
/// folder has gone (drive unplugged), nothing is made on the computer's disk in its place.
fn make_dirs(partial: &Path, dir: &Path) -> std::io::Result<()> {
    let Ok(below) = dir.strip_prefix(partial) else { return Ok(()) };
    let mut path = partial.to_path_buf();
    for part in below.components() {
        path.push(part);
        match std::fs::create_dir(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && path.is_dir() => {}
            other => other?,
        }
    }
    Ok(())
}

/// How far apart, in seconds, a copy's modified time on the backup drive may be from the source's.
const DRIVE_TIME_GRANULARITY: i64 = 2;

/// Links an unchanged file from the previous set. Unchanged means the same size, modified time and
/// (where the platform tells) change time as that set's manifest (a new file id alone is counted
/// in `new_ids`, not taken for a change), in the walk and in
/// the file's own metadata read just before, and a modified time outside that run's span (see
/// `PreviousSet::racy`); a database file must also hash the same, since a file held open on a
/// server may not show a new modified time yet.
/// The previous copy itself must still have the size and time its manifest gives (a copy opened
/// and saved from the backup, or damaged by the drive, is not linked into another set).
fn try_link(item: &Item, src: &Path, dst: &Path, cx: &Context, buf: &mut [u8]) -> Option<Done> {
    let prev = cx.previous.filter(|_| cx.link)?;
    let Prior { size, mtime, hash, stamp, look } = item.prior?;
    let (racy_from, racy_to) = prev.racy;
    if size != item.size || mtime != item.mtime || (racy_from..racy_to).contains(&item.mtime) {
        return None;
    }
    // A new file id with the same change time is the share's doing, not the file's: some (a Linux
    // CIFS mount with `noserverino`, FUSE, some NAS) hand out new ids on each connection.
    let new_id = match (stamp, item.stamp) {
        (Some(was), Some(now)) if was.change != now.change => return None,
        (Some(was), Some(now)) => was.id != now.id,
        _ => false,
    };
    // The walk's size and time may be what a directory listing held (on Windows, NTFS and the SMB
    // client can still list the old ones just after EXACT closed a file), and the file may have
    // changed since the walk: its own are read before it is taken as unchanged.
    let own = std::fs::metadata(src).ok()?;
    if own.len() != size || own.modified().map(Mtime::from_system_time).ok()? != mtime {
        return None;
    }
    if item.database {
        let (now, _) = copy::hash_file(src, buf, &cx.shared).ok()?;
        if now != hash {
            return None;
        }
    }
    let old = item.set_path(&prev.path, cx.sources);
    // The drive may keep times less finely than the source (whole seconds, or 2 s on FAT).
    let close = |t: Mtime| (t.secs - mtime.secs).abs() <= DRIVE_TIME_GRANULARITY;
    let intact = std::fs::symlink_metadata(&old).is_ok_and(|m| {
        m.is_file() && m.len() == size && m.modified().is_ok_and(|t| close(Mtime::from_system_time(t)))
    });
    if !intact {
        cx.damaged.lock().unwrap_or_else(|e| e.into_inner()).push(item.key(cx.sources));
        return None;
    }
    std::fs::hard_link(old, dst).ok()?;
    cx.shared.bytes.linked.fetch_add(size, Ordering::Relaxed);
    cx.new_ids.fetch_add(u64::from(new_id), Ordering::Relaxed);
    Some(Done::Linked(Copied { hash, size, mtime, read_from_drive: false, head: None, before: None, look }))
}

/// A copy whose content changed since the earlier set gets the head of its copy there, for the
/// ransomware guard: a small read on the backup drive, never a second read of the source.
fn with_before(item: &Item, cx: &Context, mut c: Copied) -> Copied {
    if let (Some(prior), Some(prev)) = (item.prior, cx.previous)
        && prior.hash != c.hash
    {
        c.before = super::guard::Head::read(&item.set_path(&prev.path, cx.sources));
    }
    c
}

/// The manifest line for an item that made it.
pub fn entry(item: &Item, sources: &[Source], done: &Done) -> Option<Entry> {
    let (kind, mtime, look) = match (item.kind, done) {
        (ItemKind::Dir, Done::Dir) => (Kind::Dir, item.mtime, None),
        (_, Done::Copied(c) | Done::Linked(c)) => {
            (Kind::File { size: c.size, hash: c.hash }, c.mtime, c.look)
        }
        (_, Done::Symlink(h, m)) => (Kind::Symlink { target_hash: *h }, *m, None),
        _ => return None,
    };
    Some(Entry { path: item.key(sources), kind, mtime, stamp: item.stamp, look })
}

/// How a file that made it into the set stands against the earlier set, for the guard.
pub fn change(item: &Item, done: &Done) -> Option<super::guard::Change> {
    use super::guard::Change;
    match done {
        Done::Linked(_) => Some(Change::Same),
        Done::Copied(c) => Some(match item.prior {
            Some(p) if p.hash == c.hash => Change::Same,
            Some(p) => Change::Changed { before: c.before, now: c.head, was: p.look, is: c.look },
            None => Change::New { now: c.head, is: c.look },
        }),
        _ => None,
    }
}

/// A file the backup drive would not take (the drive itself is still there).
pub fn drive_problem(item: &Item, sources: &[Source], e: &std::io::Error) -> FileProblem {
    let cause = Some(Cause::of_drive_error(e));
    problem(item, sources, ProblemKind::Failed, cause, copy::describe(e))
}

pub fn problem(
    item: &Item,
    sources: &[Source],
    kind: ProblemKind,
    cause: Option<Cause>,
    reason: String,
) -> FileProblem {
    FileProblem { path: item.source_path(sources), kind, reason, cause }
}

/// Adds an item that came back to the run's counts.
pub fn count(c: &mut super::Counts, item: &Item, done: &Done) {
    if item.kind == ItemKind::File {
        (c.files_total, c.bytes_total) = (c.files_total + 1, c.bytes_total + item.size);
    }
    match done {
        Done::Copied(f) => {
            (c.files_copied, c.bytes_copied) = (c.files_copied + 1, c.bytes_copied + f.size);
            c.read_back_from_drive += u64::from(f.read_from_drive);
        }
        Done::Linked(f) => (c.files_linked, c.bytes_linked) = (c.files_linked + 1, c.bytes_linked + f.size),
        _ => {}
    }
}

#[cfg(test)]
#[path = "work_tests.rs"]
mod tests;
