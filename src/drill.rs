//! The restore test ("drill"): restore the newest set's database files and a random sample of the
//! rest into a temporary folder, compare every byte with the manifest, remove the copy, and record
//! the result in backup.log. Backups are only as good as the restores they allow.

use crate::engine::backup_log;
use crate::engine::manifest::{self, Entry, Kind};
use crate::engine::sets;
use crate::format;
use crate::restore;
use chrono::{DateTime, Local};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// At least this share of the other files is checked...
const SAMPLE_SHARE: f64 = 0.01;
/// ...and at least this many.
const SAMPLE_MIN: usize = 50;

#[derive(Debug, Clone)]
pub struct Drill {
    pub started: DateTime<Local>,
    pub set: Option<PathBuf>,
    pub seed: u64,
    pub files: u64,
    pub bytes: u64,
    /// (path in the set, what is wrong)
    pub bad: Vec<(String, String)>,
    /// Why the test could not run at all (no backup, unreadable manifest).
    pub error: Option<String>,
    /// Why the backup's database cannot be trusted to fit together, though every file matched.
    pub database: Option<String>,
    /// Newer sets not tested because they are marked SUSPECT and not confirmed.
    pub passed_over: Vec<String>,
    pub log_file: Option<PathBuf>,
}

impl Drill {
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.bad.is_empty() && self.database.is_none()
    }

    /// 0 passed, 1 a file did not match, 2 could not test.
    pub fn exit_code(&self) -> u8 {
        match (&self.error, self.passed()) {
            (Some(_), _) => 2,
            (None, true) => 0,
            (None, false) => 1,
        }
    }
}

/// Tests the newest complete set in `dest`. `seed` makes the sample repeatable.
pub fn run(dest: &Path, seed: Option<u64>, log_file: &Path, computer: &str, user: &str) -> Drill {
    let seed = seed.unwrap_or_else(|| fastrand::u64(..));
    let mut d = Drill {
        started: crate::clock::now(),
        set: None,
        seed,
        files: 0,
        bytes: 0,
        bad: Vec::new(),
        error: None,
        database: None,
        passed_over: Vec::new(),
        log_file: None,
    };
    match test_newest(dest, seed, &mut d) {
        Ok(()) => {}
        Err(e) => d.error = Some(e),
    }
    let text = block(&d, computer, user);
    let entry = crate::platform::event_log::Entry::of_restore_test(d.passed());
    let logged = backup_log::record(log_file, &text, entry);
    d.log_file = Some(logged.path);
    d
}

fn test_newest(dest: &Path, seed: u64, d: &mut Drill) -> Result<(), String> {
    let all =
        sets::list(dest).map_err(|e| format!("Cannot read the backup folder {}: {e}", dest.display()))?;
    // A SUSPECT set (files encrypted or gone) is not the one a practice would restore from.
    let newest = all.iter().rev().find(|s| !s.is_suspect()).ok_or_else(|| match all.len() {
        0 => format!("There is no backup in {} to test yet.", dest.display()),
        _ => format!(
            "Every backup in {} is marked SUSPECT and not confirmed: there is no good backup to test.",
            dest.display()
        ),
    })?;
    d.passed_over = all.iter().rev().take_while(|s| s.is_suspect()).map(|s| s.name.clone()).collect();
    d.set = Some(newest.path.clone());
    let m = manifest::read(&newest.path.join(manifest::FILE_NAME)).map_err(|e| e.to_string())?;
    let chosen = sample(&m.entries, seed);
    let temp = tempfile::Builder::new()
        .prefix("logoff-backup-restore-test-")
        .tempdir()
        .map_err(|e| format!("Cannot make a temporary folder for the test: {e}"))?;
    let restored = restore::restore_entries(&newest.path, temp.path(), &chosen, &mut |_, _| {});
    (d.files, d.bytes, d.bad) = (restored.files, restored.bytes, restored.bad);
    d.database = crate::engine::database::problem(&m);
    Ok(())
}

/// Every database file (the data folder's top-level files) and a random sample of the others.
pub fn sample(entries: &[Entry], seed: u64) -> Vec<&Entry> {
    let is_db = |e: &Entry| e.path.strip_prefix("data/").is_some_and(|rest| !rest.contains('/'));
    let files = entries.iter().filter(|e| matches!(e.kind, Kind::File { .. }));
    let (mut chosen, others): (Vec<&Entry>, Vec<&Entry>) = files.partition(|e| is_db(e));
    let want = ((others.len() as f64 * SAMPLE_SHARE).ceil() as usize).max(SAMPLE_MIN).min(others.len());
    let mut rng = fastrand::Rng::with_seed(seed);
    chosen.extend(rng.choose_multiple(others, want));
    chosen.sort_by(|a, b| a.path.cmp(&b.path));
    chosen
}

fn block(d: &Drill, computer: &str, user: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "===== Restore test =====");
    let _ = writeln!(s, "Started:         {}", d.started.format("%Y-%m-%d %H:%M:%S %:z"));
    let _ = writeln!(s, "Computer:        {computer}");
    let _ = writeln!(s, "User:            {user}");
    if let Some(set) = &d.set {
        let _ = writeln!(s, "Backup tested:   {}", set.display());
    }
    if !d.passed_over.is_empty() {
        let _ = writeln!(
            s,
            "Not tested:      {} (marked SUSPECT, not confirmed): the newest backup not so marked was tested",
            d.passed_over.join(", ")
        );
    }
    let _ = writeln!(s, "Seed:            {}", d.seed);
    let _ = writeln!(
        s,
        "Checked:         {} files, {} restored and compared with the manifest",
        format::count(d.files),
        format::bytes(d.bytes)
    );
    let _ = writeln!(s, "Result:          {}", if d.passed() { "PASSED" } else { "FAILED" });
    if let Some(e) = &d.error {
        let _ = writeln!(s, "Cause:           {e}");
    }
    if let Some(why) = &d.database {
        let _ = writeln!(s, "Cause:           The backup's database cannot be trusted: {why}.");
        let _ = writeln!(
            s,
            "What to do:      Close EXACT on every computer, run a new backup, then test again. The backup drive is not at fault."
        );
    }
    if !d.bad.is_empty() {
        let _ = writeln!(
            s,
            "What to do:      The backup holds damaged files: run a new backup now, and check the backup drive."
        );
        let _ = writeln!(s, "Files that did not match ({}):", d.bad.len());
        for (path, why) in &d.bad {
            let _ = writeln!(s, "  {path}: {why}");
        }
    }
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::manifest::Mtime;

    fn file(path: &str) -> Entry {
        Entry {
            path: path.into(),
            kind: Kind::File { size: 1, hash: blake3::hash(b"x") },
            mtime: Mtime { secs: 0, nanos: 0 },
            stamp: None,
            look: None,
        }
    }

    #[test]
    fn the_sample_holds_every_database_file_and_at_least_50_or_1_percent_of_the_rest() {
        let mut entries = vec![file("data/Practice.db"), file("data/Practice.idx")];
        entries.extend((0..10_000).map(|i| file(&format!("data/X-rays/{i}.dcm"))));
        let s = sample(&entries, 7);
        assert_eq!(s.len(), 2 + 100);
        assert!(
            s.iter().any(|e| e.path == "data/Practice.db") && s.iter().any(|e| e.path == "data/Practice.idx")
        );
        assert_eq!(sample(&entries[..60], 7).len(), 2 + 50, "at least 50 when 1% is fewer");
        assert_eq!(sample(&entries[..12], 7).len(), 12, "all, when there are fewer than 50");
        let paths = |s: Vec<&Entry>| s.into_iter().map(|e| e.path.clone()).collect::<Vec<_>>();
        assert_eq!(paths(sample(&entries, 7)), paths(sample(&entries, 7)), "the same seed, the same sample");
        assert_ne!(paths(sample(&entries, 7)), paths(sample(&entries, 8)));
    }
}
