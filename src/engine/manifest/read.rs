//! Reading a manifest line by line, checking its format, count and checksum on the way.

use super::{DatabaseMark, Entry, FORMAT, Header, Kind, MAGIC, Manifest, ManifestError, SuspectMark};
use chrono::{DateTime, NaiveDateTime, Utc};
use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// A manifest read one entry at a time. The checksum covers the whole file, so it is known to be
/// intact only once `next_entry` has returned `Ok(None)`.
///
/// The checksum proves only that nothing was cut or damaged by accident: anyone who can write to
/// the backup folder can write a new manifest with a valid one. So every entry is checked to be
/// something a real backup lists: a path inside the set, and nothing inside a symbolic link (links
/// are recreated, never followed, so a real set holds nothing below one). An entry listed inside a
/// link would have `restore` write through it, out of the folder restored into.
pub struct Reader {
    lines: BufReader<File>,
    path: PathBuf,
    hasher: blake3::Hasher,
    line_no: usize,
    count: u64,
    ended: bool,
    line: Vec<u8>,
    format: u32,
    /// The symbolic links listed so far (not the entries: few sets hold links).
    links: HashSet<String>,
}

impl Reader {
    /// Opens a manifest and reads its header.
    pub fn open(path: &Path) -> Result<(Header, Reader), ManifestError> {
        let io = |source| ManifestError::Io { path: path.into(), source };
        let lines = BufReader::with_capacity(1 << 16, File::open(path).map_err(io)?);
        let mut r = Reader {
            lines,
            path: path.into(),
            hasher: blake3::Hasher::new(),
            line_no: 0,
            count: 0,
            ended: false,
            line: Vec::new(),
            format: FORMAT,
            links: HashSet::new(),
        };
        let mut head = Vec::new();
        loop {
            if !r.read_line()? {
                return Err(r.damaged("the header never ends: the manifest was cut short"));
            }
            r.hasher.update(&r.line);
            head.extend_from_slice(&r.line);
            if r.line.starts_with(b"#") {
                break;
            }
            if head.len() > 1 << 20 {
                return Err(r.damaged("the header never ends"));
            }
        }
        let (header, format) = parse_header(&head).map_err(|(line, why)| r.damaged_at(line, why))?;
        r.format = format;
        Ok((header, r))
    }

    /// The next entry; `Ok(None)` once the end line has been read and the count and checksum agree.
    pub fn next_entry(&mut self) -> Result<Option<Entry>, ManifestError> {
        if self.ended {
            return Ok(None);
        }
        if !self.read_line()? {
            return Err(self.damaged("the last line is missing: the manifest was cut short"));
        }
        if let Some(end) = self.line.strip_prefix(b"end\t") {
            let end = String::from_utf8_lossy(end).trim_end_matches('\n').to_string();
            let (count, sum) = end.split_once('\t').unwrap_or_default();
            if self.hasher.finalize().to_hex().as_str() != sum {
                return Err(self.damaged("the checksum does not match: the manifest was changed"));
            }
            if count.parse::<u64>().ok() != Some(self.count) {
                return Err(self.damaged("the entry count does not match"));
            }
            if self.read_line()? {
                return Err(self.damaged("there is more after the last line"));
            }
            self.ended = true;
            return Ok(None);
        }
        self.hasher.update(&self.line);
        let text = std::str::from_utf8(&self.line).map_err(|e| self.damaged(&format!("not text: {e}")))?;
        let line = text.trim_end_matches('\n');
        let entry = parse_entry(line, self.format).map_err(|why| self.damaged(&why))?;
        if let Some(link) = self.link_above(&entry.path) {
            return Err(self.damaged(&format!(
                "{} is listed inside the symbolic link {link}, where a backup never holds anything: the manifest was changed",
                entry.path
            )));
        }
        if matches!(entry.kind, Kind::Symlink { .. }) {
            self.links.insert(entry.path.clone());
        }
        self.count += 1;
        Ok(Some(entry))
    }

    /// The symbolic link listed so far that `path` is inside, if any. Links always come before
    /// what is below them in a manifest's order (path order, or the plain string order of earlier
    /// versions), so a link listed after something inside it is not a real set either: `restore`
    /// and `verify` refuse to go through links on their own for that case.
    fn link_above<'p>(&self, path: &'p str) -> Option<&'p str> {
        if self.links.is_empty() {
            return None;
        }
        path.match_indices('/').map(|(i, _)| &path[..i]).find(|folder| self.links.contains(*folder))
    }

    /// Reads the next line (with its newline) into `self.line`; false at the end of the file.
    fn read_line(&mut self) -> Result<bool, ManifestError> {
        self.line.clear();
        let n = self
            .lines
            .read_until(b'\n', &mut self.line)
            .map_err(|source| ManifestError::Io { path: self.path.clone(), source })?;
        self.line_no += usize::from(n > 0);
        Ok(n > 0)
    }

    fn damaged(&self, why: &str) -> ManifestError {
        self.damaged_at(self.line_no, why.to_string())
    }

    fn damaged_at(&self, line: usize, why: String) -> ManifestError {
        ManifestError::Damaged { path: self.path.clone(), line, why }
    }
}

/// Reads and checks a whole manifest: its format, every line, the count and the checksum.
pub fn read(path: &Path) -> Result<Manifest, ManifestError> {
    let (header, mut r) = Reader::open(path)?;
    let mut entries = Vec::new();
    while let Some(e) = r.next_entry()? {
        entries.push(e);
    }
    Ok(Manifest { header, entries })
}

/// What a manifest adds up to, from one pass that holds no entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub header: Header,
    pub files: u64,
    pub bytes: u64,
    /// Bytes in the data folder's top-level files (the database).
    pub database_bytes: u64,
    /// The data folder's top-level files (the database), as this set holds them.
    pub database: Vec<Entry>,
    /// The entries are in path order (manifests of earlier versions were in plain string order).
    pub in_path_order: bool,
}

/// Checks a manifest as `read` does and adds it up, without keeping its entries.
pub fn check(path: &Path) -> Result<Summary, ManifestError> {
    let (header, mut r) = Reader::open(path)?;
    let mut s =
        Summary { header, files: 0, bytes: 0, database_bytes: 0, database: Vec::new(), in_path_order: true };
    let mut last: Option<String> = None;
    while let Some(e) = r.next_entry()? {
        if let Some(last) = &last
            && super::path_order(last, &e.path).is_gt()
        {
            s.in_path_order = false;
        }
        if let Kind::File { size, .. } = e.kind {
            (s.files, s.bytes) = (s.files + 1, s.bytes.saturating_add(size));
            if e.path.strip_prefix("data/").is_some_and(|rest| !rest.contains('/')) {
                s.database_bytes = s.database_bytes.saturating_add(size);
                s.database.push(e.clone());
            }
        }
        last = Some(e.path);
    }
    Ok(s)
}

/// Reads only the header, checking nothing beyond it: for listing many sets quickly.
pub fn read_header(path: &Path) -> Result<Header, ManifestError> {
    Reader::open(path).map(|(h, _)| h)
}

pub(super) use super::entry::parse_entry;

/// Parses the header lines (up to and including the `#` line), and tells the format.
fn parse_header(bytes: &[u8]) -> Result<(Header, u32), (usize, String)> {
    let mut format = FORMAT;
    let mut files = None;
    let mut h = Header {
        set: String::new(),
        computer: String::new(),
        user: String::new(),
        started: DateTime::<Utc>::MIN_UTC,
        finished: DateTime::<Utc>::MIN_UTC,
        result: String::new(),
        sequence: 0,
        verified: false,
        sources: Vec::new(),
        database: None,
        suspect: None,
        changes: None,
        earlier: Vec::new(),
        since: None,
    };
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let line = String::from_utf8_lossy(raw);
        let mut f = line.split('\t');
        let key = f.next().unwrap_or_default();
        let value = f.next().unwrap_or_default().to_string();
        let time = |v: &str| {
            NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%SZ")
                .map(|t| t.and_utc())
                .map_err(|e| (i + 1, e.to_string()))
        };
        match key {
            MAGIC if i == 0 => match value.parse::<u32>() {
                Ok(n @ 1..=FORMAT) => format = n,
                _ => return Err((1, format!("manifest format {value} is newer than this program"))),
            },
            _ if i == 0 => return Err((1, "this is not a logoff-backup manifest".into())),
            "set" => h.set = value,
            "computer" => h.computer = value,
            "user" => h.user = value,
            "started" => h.started = time(&value)?,
            "finished" => h.finished = time(&value)?,
            "result" => h.result = value,
            "sequence" => {
                h.sequence = value.parse().map_err(|_| (i + 1, format!("bad sequence {value:?}")))?
            }
            "verified" => h.verified = value == "yes",
            "source" => h.sources.push((value, f.next().unwrap_or_default().to_string())),
            "database" => {
                // Anything but "quiet" (a later version's word, say) is not taken for quiet.
                let quiet = f.next() == Some("quiet");
                let files =
                    f.next().and_then(|n| n.parse().ok()).ok_or((i + 1, "bad database file count".into()))?;
                // Sets of earlier versions give only the members copied.
                let listed = f.next().map_or(Ok(files), str::parse);
                let listed = listed.map_err(|_| (i + 1, "bad database member count".to_string()))?;
                h.database = Some(DatabaseMark { files, listed, moment: time(&value)?, quiet });
            }
            // A SUSPECT set without its own result (a damaged or hand-made header) is not taken
            // for a good one once confirmed.
            "suspect-result" | "suspect" => {
                let mark = h.suspect.get_or_insert_with(|| SuspectMark {
                    result: super::super::Outcome::CompletedWithErrors.label().into(),
                    evidence: Vec::new(),
                });
                match key {
                    "suspect-result" => mark.result = value,
                    _ => mark.evidence.push(value),
                }
            }
            // Counts that do not read (a hostile or damaged header) are not summed.
            "changes" => h.changes = counts(&value, f.next()),
            // A line that does not read is left out, not the set.
            "earlier" if h.earlier.len() < super::MAX_EARLIER => {
                let started = f.next().and_then(|t| time(t).ok());
                let counts = counts(f.next().unwrap_or_default(), f.next());
                if let (Some(started), Some((touched, looks))) = (started, counts) {
                    h.earlier.push(super::Counted { name: value, started, touched, looks });
                }
            }
            "since" => h.since = f.next().and_then(|t| time(t).ok()).map(|t| (value, t)),
            "files" => files = value.parse::<u64>().ok(),
            k if k.starts_with('#') => {
                // Counts of more files than the set holds are not taken: no run changes more.
                let most = files.unwrap_or(0);
                h.changes = h.changes.filter(|(touched, _)| *touched <= most);
                h.earlier.retain(|c| c.touched <= most);
                if h.result == super::super::Outcome::Suspect.label() && h.suspect.is_none() {
                    h.suspect = Some(SuspectMark { result: h.result.clone(), evidence: Vec::new() });
                }
                return Ok((h, format));
            }
            _ => {}
        }
    }
    Err((1, "the header never ends: the manifest was cut short".into()))
}

/// A `changes` count: files changed or new, and of them those that looked encrypted.
fn counts(touched: &str, looks: Option<&str>) -> Option<(u64, u64)> {
    let touched = touched.parse::<u64>().ok();
    let looks = looks.and_then(|n| n.parse::<u64>().ok());
    touched.zip(looks).filter(|(t, l)| l <= t)
}
