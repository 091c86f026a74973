//! `manifest.tsv`: what a set holds. A header of `key<TAB>value` lines, one line per entry sorted by
//! path (`<blake3><TAB><size><TAB><modified UTC><TAB><path>`), and a last line
//! `end<TAB><count><TAB><blake3 of every byte above>` so a cut or edited manifest is detected.
//! Directories have `-` and `dir` in the first two columns; symbolic links the BLAKE3 of their
//! target and `symlink`.

pub use super::mtime::Mtime;
use chrono::{DateTime, NaiveDateTime, Utc};
use std::io::Write as _;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "manifest.tsv";
const MAGIC: &str = "logoff-backup manifest";
const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    File { size: u64, hash: blake3::Hash },
    Dir,
    Symlink { target_hash: blake3::Hash },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Path inside the set, encoded by `pathcode`.
    pub path: String,
    pub kind: Kind,
    pub mtime: Mtime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub set: String,
    pub computer: String,
    pub user: String,
    pub started: DateTime<Utc>,
    pub finished: DateTime<Utc>,
    /// `SUCCESS` or `COMPLETED WITH ERRORS`.
    pub result: String,
    pub verified: bool,
    /// Where each part of the set came from: (`data` or `extra/<name>`, original folder).
    pub sources: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub header: Header,
    /// Sorted by path.
    pub entries: Vec<Entry>,
}

impl Manifest {
    pub fn file_count(&self) -> u64 {
        self.entries.iter().filter(|e| matches!(e.kind, Kind::File { .. })).count() as u64
    }

    pub fn total_bytes(&self) -> u64 {
        self.entries
            .iter()
            .map(|e| match e.kind {
                Kind::File { size, .. } => size,
                _ => 0,
            })
            .sum()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path} is damaged at line {line}: {why}")]
    Damaged { path: PathBuf, line: usize, why: String },
}

fn tsv(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

/// Writes the manifest to `path` and flushes it to disk. `entries` must be sorted by path.
pub fn write(path: &Path, m: &Manifest) -> std::io::Result<()> {
    let h = &m.header;
    let file = std::fs::File::create(path)?;
    // Streamed through the checksum, so a manifest of a million files never sits in memory whole.
    let mut out =
        Hashing { inner: std::io::BufWriter::with_capacity(1 << 16, file), hasher: blake3::Hasher::new() };
    let time = |t: &DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    writeln!(out, "{MAGIC}\t{FORMAT}")?;
    writeln!(out, "set\t{}", tsv(&h.set))?;
    writeln!(out, "computer\t{}", tsv(&h.computer))?;
    writeln!(out, "user\t{}", tsv(&h.user))?;
    writeln!(out, "started\t{}", time(&h.started))?;
    writeln!(out, "finished\t{}", time(&h.finished))?;
    writeln!(out, "result\t{}", tsv(&h.result))?;
    writeln!(out, "verified\t{}", if h.verified { "yes" } else { "no" })?;
    for (dir, from) in &h.sources {
        writeln!(out, "source\t{}\t{}", tsv(dir), tsv(from))?;
    }
    writeln!(out, "files\t{}\t{}", m.file_count(), m.total_bytes())?;
    out.write_all(b"#blake3\tsize\tmodified\tpath\n")?;
    for e in &m.entries {
        match &e.kind {
            Kind::File { size, hash } => write!(out, "{}\t{size}", hash.to_hex())?,
            Kind::Dir => out.write_all(b"-\tdir")?,
            Kind::Symlink { target_hash } => write!(out, "{}\tsymlink", target_hash.to_hex())?,
        }
        writeln!(out, "\t{}\t{}", e.mtime.to_text(), e.path)?;
    }
    let sum = out.hasher.finalize();
    let mut inner = out.inner;
    writeln!(inner, "end\t{}\t{}", m.entries.len(), sum.to_hex())?;
    let file = inner.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()
}

/// A writer that hashes every byte it passes on.
struct Hashing<W: std::io::Write> {
    inner: W,
    hasher: blake3::Hasher,
}

impl<W: std::io::Write> std::io::Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Reads and checks a manifest: its format, every line, the count and the checksum.
pub fn read(path: &Path) -> Result<Manifest, ManifestError> {
    let text = std::fs::read(path).map_err(|source| ManifestError::Io { path: path.into(), source })?;
    parse(&text).map_err(|(line, why)| ManifestError::Damaged { path: path.into(), line, why })
}

/// Reads only the header, checking nothing beyond it: for listing many sets quickly.
pub fn read_header(path: &Path) -> Result<Header, ManifestError> {
    use std::io::BufRead;
    let f = std::fs::File::open(path).map_err(|source| ManifestError::Io { path: path.into(), source })?;
    let mut head = Vec::new();
    for line in std::io::BufReader::new(f).split(b'\n') {
        let line = line.map_err(|source| ManifestError::Io { path: path.into(), source })?;
        let stop = line.starts_with(b"#");
        head.extend_from_slice(&line);
        head.push(b'\n');
        if stop || head.len() > 1 << 20 {
            break;
        }
    }
    parse_header(&head).map(|(h, _)| h).map_err(|(line, why)| ManifestError::Damaged {
        path: path.into(),
        line,
        why,
    })
}

type ParseError = (usize, String);

fn parse(bytes: &[u8]) -> Result<Manifest, ParseError> {
    let (header, body_start) = parse_header(bytes)?;
    let text = std::str::from_utf8(bytes).map_err(|e| (0, format!("not text: {e}")))?;
    let end_at = text[..text.len().saturating_sub(1)].rfind('\n').map_or(0, |i| i + 1);
    let last = text[end_at..].trim_end_matches('\n');
    let mut f = last.split('\t');
    let (Some("end"), Some(count), Some(sum), None) = (f.next(), f.next(), f.next(), f.next()) else {
        return Err((text.lines().count(), "the last line is missing: the manifest was cut short".into()));
    };
    if blake3::hash(&bytes[..end_at]).to_hex().as_str() != sum {
        return Err((text.lines().count(), "the checksum does not match: the manifest was changed".into()));
    }
    let first_line = text[..body_start].lines().count() + 1;
    let mut entries = Vec::new();
    for (i, line) in text[body_start..end_at].lines().enumerate() {
        entries.push(parse_entry(line).ok_or_else(|| (first_line + i, format!("bad entry {line:?}")))?);
    }
    if count.parse::<usize>().ok() != Some(entries.len()) {
        return Err((text.lines().count(), "the entry count does not match".into()));
    }
    Ok(Manifest { header, entries })
}

fn parse_entry(line: &str) -> Option<Entry> {
    let mut f = line.splitn(4, '\t');
    let (hash, size, mtime, path) = (f.next()?, f.next()?, f.next()?, f.next()?);
    let hash_of = |h: &str| blake3::Hash::from_hex(h).ok();
    let kind = match size {
        "dir" => Kind::Dir,
        "symlink" => Kind::Symlink { target_hash: hash_of(hash)? },
        n => Kind::File { size: n.parse().ok()?, hash: hash_of(hash)? },
    };
    super::pathcode::decode(path).ok()?;
    Some(Entry { path: path.to_string(), kind, mtime: Mtime::parse(mtime)? })
}

/// Parses the header; returns it and the byte offset where the entries begin.
fn parse_header(bytes: &[u8]) -> Result<(Header, usize), ParseError> {
    let mut h = Header {
        set: String::new(),
        computer: String::new(),
        user: String::new(),
        started: DateTime::<Utc>::MIN_UTC,
        finished: DateTime::<Utc>::MIN_UTC,
        result: String::new(),
        verified: false,
        sources: Vec::new(),
    };
    let mut offset = 0;
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let line = String::from_utf8_lossy(raw);
        offset += raw.len() + 1;
        let mut f = line.split('\t');
        let key = f.next().unwrap_or_default();
        let value = f.next().unwrap_or_default().to_string();
        let time = |v: &str| {
            NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%SZ")
                .map(|t| t.and_utc())
                .map_err(|e| (i + 1, e.to_string()))
        };
        match key {
            MAGIC if i == 0 && value != FORMAT.to_string() => {
                return Err((1, format!("manifest format {value} is newer than this program")));
            }
            MAGIC if i == 0 => {}
            _ if i == 0 => return Err((1, "this is not a logoff-backup manifest".into())),
            "set" => h.set = value,
            "computer" => h.computer = value,
            "user" => h.user = value,
            "started" => h.started = time(&value)?,
            "finished" => h.finished = time(&value)?,
            "result" => h.result = value,
            "verified" => h.verified = value == "yes",
            "source" => h.sources.push((value, f.next().unwrap_or_default().to_string())),
            "files" => {}
            k if k.starts_with('#') => return Ok((h, offset)),
            _ => {}
        }
    }
    Err((1, "the header never ends: the manifest was cut short".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        let t = DateTime::from_timestamp(1_764_178_205, 0).unwrap();
        Manifest {
            header: Header {
                set: "2026-11-26_173005_RECEPTION1".into(),
                computer: "RECEPTION1".into(),
                user: "jane".into(),
                started: t,
                finished: t,
                result: "SUCCESS".into(),
                verified: true,
                sources: vec![("data".into(), "\\\\server\\EXACTData".into())],
            },
            entries: vec![
                Entry { path: "data".into(), kind: Kind::Dir, mtime: Mtime { secs: 5, nanos: 0 } },
                Entry {
                    path: "data/Practice.db".into(),
                    kind: Kind::File { size: 3, hash: blake3::hash(b"abc") },
                    mtime: Mtime { secs: -3, nanos: 123_456_789 },
                },
            ],
        }
    }

    #[test]
    fn round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        write(&p, &sample()).unwrap();
        assert_eq!(read(&p).unwrap(), sample());
        assert_eq!(read_header(&p).unwrap(), sample().header);
    }

    #[test]
    fn cut_or_edited_manifest_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        write(&p, &sample()).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, text.replace("\t3\t", "\t4\t")).unwrap();
        assert!(matches!(read(&p), Err(ManifestError::Damaged { .. })));
        std::fs::write(&p, &text[..text.len() - 20]).unwrap();
        assert!(matches!(read(&p), Err(ManifestError::Damaged { .. })));
    }
}
