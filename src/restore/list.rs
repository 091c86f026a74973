//! The complete sets at a destination, as `list` and the History screen show them.

use crate::engine::manifest;
use crate::format;
use std::path::{Path, PathBuf};

/// One line per complete set, for `list` and the History screen.
#[derive(Debug, Clone)]
pub struct SetRow {
    pub name: String,
    pub path: PathBuf,
    pub when: chrono::NaiveDateTime,
    pub computer: String,
    pub result: String,
    pub files: u64,
    pub bytes: u64,
    pub verified: bool,
    /// Its recorded start is in the future by this computer's clock (a computer's clock was wrong).
    pub future: bool,
    /// How its database files were copied.
    pub database: Option<manifest::DatabaseMark>,
    /// Marked SUSPECT by the ransomware guard and not confirmed: shown in red.
    pub suspect: bool,
    /// The SUSPECT mark's evidence, and its confirmation once a person gave one.
    pub evidence: Vec<String>,
    pub confirmed: Option<String>,
}

impl SetRow {
    /// "17:04:05" (the moment the database held still), "CHANGING", or "-" (sets without the mark).
    pub fn database_words(&self) -> String {
        match self.database {
            Some(d) if d.quiet => d.moment.with_timezone(&chrono::Local).format("%H:%M:%S").to_string(),
            Some(_) => "CHANGING".into(),
            None => "-".into(),
        }
    }
}

/// The complete sets at a destination, newest first, in the order they were made (partial sets
/// are never listed).
pub fn list(dest: &Path) -> std::io::Result<Vec<SetRow>> {
    let now = crate::clock::now().to_utc();
    let mut rows: Vec<SetRow> = crate::engine::sets::list(dest)?
        .into_iter()
        .map(|s| {
            let (future, suspect) = (s.is_future(now), s.is_suspect());
            let evidence = s.header.suspect.as_ref().map(|m| m.evidence.clone()).unwrap_or_default();
            let result = match (&s.header.suspect, &s.confirmed) {
                (Some(m), Some(_)) => format!("{} (confirmed)", m.result),
                _ => s.header.result,
            };
            let (files, bytes) = files_line(&s.path).unwrap_or((0, 0));
            SetRow {
                name: s.name,
                path: s.path,
                when: s.time,
                computer: s.header.computer,
                result,
                files,
                bytes,
                verified: s.header.verified,
                future,
                database: s.header.database,
                suspect,
                evidence,
                confirmed: s.confirmed,
            }
        })
        .collect();
    rows.reverse();
    Ok(rows)
}

/// The `files <count> <bytes>` header line, read without reading the whole manifest.
fn files_line(set: &Path) -> Option<(u64, u64)> {
    use std::io::BufRead;
    let f = std::fs::File::open(set.join(manifest::FILE_NAME)).ok()?;
    for line in std::io::BufReader::new(f).lines().take(64) {
        let line = line.ok()?;
        if let Some(rest) = line.strip_prefix("files\t") {
            let (n, b) = rest.split_once('\t')?;
            return Some((n.parse().ok()?, b.parse().ok()?));
        }
    }
    None
}

/// The `list` table; with `color`, SUSPECT rows are red (for a terminal).
pub fn table(rows: &[SetRow], color: bool) -> String {
    let mut s = format!(
        "{:<16}  {:<12}  {:<21}  {:>9}  {:>8}  {:<9}  {:<8}  {}\n",
        "DATE", "COMPUTER", "RESULT", "FILES", "SIZE", "READ BACK", "DATABASE", "NAME"
    );
    for r in rows {
        let (red, plain) = if color && r.suspect { ("\x1b[31m", "\x1b[0m") } else { ("", "") };
        s.push_str(red);
        s.push_str(&format!(
            "{:<16}  {:<12}  {:<21}  {:>9}  {:>8}  {:<9}  {:<8}  {}\n",
            r.when.format("%Y-%m-%d %H:%M"),
            r.computer,
            r.result,
            format::count(r.files),
            format::bytes(r.bytes),
            if r.verified { "yes" } else { "no" },
            r.database_words(),
            r.name
        ));
        if r.suspect {
            s.push_str("  ^ SUSPECT: its files looked encrypted (maybe ransomware), or many were gone. Nothing older is removed until it is confirmed: logoff-backup confirm <its folder>\n");
        }
        s.push_str(plain);
        if let Some(line) = &r.confirmed {
            s.push_str(&format!("  ^ was SUSPECT. {line}\n"));
        }
        if r.future {
            s.push_str("  ^ dated in the future: the clock of the computer that made it was wrong\n");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suspect_rows_are_red_on_a_console_and_say_what_to_do_and_confirmed_ones_who_confirmed() {
        let row = |name: &str, suspect: bool, confirmed: Option<&str>| SetRow {
            name: name.into(),
            path: PathBuf::from(name),
            when: chrono::NaiveDateTime::default(),
            computer: "RECEPTION1".into(),
            result: if suspect { "SUSPECT".into() } else { "SUCCESS".into() },
            files: 1,
            bytes: 1,
            verified: true,
            future: false,
            database: None,
            suspect,
            evidence: Vec::new(),
            confirmed: confirmed.map(String::from),
        };
        let rows = [row("b", true, None), row("a", false, Some("Confirmed by jane on RECEPTION1."))];
        let plain = table(&rows, false);
        assert!(!plain.contains('\x1b'), "no colour codes into a file or a pipe");
        assert!(plain.contains("  ^ SUSPECT: its files looked encrypted"), "{plain}");
        assert!(plain.contains("  ^ was SUSPECT. Confirmed by jane on RECEPTION1."), "{plain}");
        let coloured = table(&rows, true);
        let red = coloured.split("\x1b[31m").nth(1).expect("a red row").split("\x1b[0m").next().unwrap();
        assert!(red.contains("SUSPECT") && red.contains("  b\n"), "the SUSPECT row and its line: {red}");
        assert_eq!(coloured.matches("\x1b[31m").count(), 1, "only that row");
    }
}
