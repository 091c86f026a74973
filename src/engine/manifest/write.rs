//! Writing a manifest: whole (from memory), or entry by entry as a run makes them.

use super::{Entry, FORMAT, Header, Kind, MAGIC, Manifest, Stamp};
use chrono::{DateTime, Utc};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes the manifest to `path` and flushes it to disk. `entries` must be in path order.
pub fn write(path: &Path, m: &Manifest) -> io::Result<()> {
    let mut out = Hashing::create(path)?;
    write_header(&mut out, &m.header, m.file_count(), m.total_bytes())?;
    for e in &m.entries {
        write_entry(&mut out, e)?;
    }
    out.finish(m.entries.len() as u64)
}

/// The entries of a set being made, kept in a file beside it until the header can be written (the
/// header holds the result, known only at the end).
pub struct EntryWriter {
    out: BufWriter<File>,
    path: PathBuf,
    count: u64,
    files: u64,
    bytes: u64,
}

impl EntryWriter {
    pub fn create(path: &Path) -> io::Result<EntryWriter> {
        let out = BufWriter::with_capacity(1 << 16, create_fresh(path)?);
        Ok(EntryWriter { out, path: path.to_path_buf(), count: 0, files: 0, bytes: 0 })
    }

    /// Adds the next entry; entries must come in path order.
    pub fn push(&mut self, e: &Entry) -> io::Result<()> {
        write_entry(&mut self.out, e)?;
        self.count += 1;
        if let Kind::File { size, .. } = e.kind {
            (self.files, self.bytes) = (self.files + 1, self.bytes + size);
        }
        Ok(())
    }

    /// Writes the manifest to `path` (header, the entries, the end line), flushes it to disk and
    /// removes the entries file. `each_folder` sees every folder's entry on the way.
    pub fn finish(self, path: &Path, header: &Header, mut each_folder: impl FnMut(&Entry)) -> io::Result<()> {
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        drop(file);
        let mut out = Hashing::create(path)?;
        write_header(&mut out, header, self.files, self.bytes)?;
        let mut lines = BufReader::with_capacity(1 << 16, File::open(&self.path)?);
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line)? == 0 {
                break;
            }
            out.write_all(line.as_bytes())?;
            if line.starts_with("-\tdir\t")
                && let Ok(entry) = super::read::parse_entry(line.trim_end_matches('\n'), FORMAT)
            {
                each_folder(&entry);
            }
        }
        out.finish(self.count)?;
        std::fs::remove_file(&self.path)
    }
}

/// Creates `path` anew: whatever is there goes first, so a link planted at that name in the
/// backup folder (which every user may write to) is replaced, never written through.
pub fn create_fresh(path: &Path) -> io::Result<File> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    std::fs::OpenOptions::new().write(true).create_new(true).open(path)
}

fn tsv(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

fn write_header(out: &mut impl Write, h: &Header, files: u64, bytes: u64) -> io::Result<()> {
    let time = |t: &DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    writeln!(out, "{MAGIC}\t{FORMAT}")?;
    writeln!(out, "set\t{}", tsv(&h.set))?;
    writeln!(out, "computer\t{}", tsv(&h.computer))?;
    writeln!(out, "user\t{}", tsv(&h.user))?;
    writeln!(out, "started\t{}", time(&h.started))?;
    writeln!(out, "finished\t{}", time(&h.finished))?;
    writeln!(out, "result\t{}", tsv(&h.result))?;
    writeln!(out, "sequence\t{}", h.sequence)?;
    writeln!(out, "verified\t{}", if h.verified { "yes" } else { "no" })?;
    for (dir, from) in &h.sources {
        writeln!(out, "source\t{}\t{}", tsv(dir), tsv(from))?;
    }
    if let Some(d) = &h.database {
        let how = if d.quiet { "quiet" } else { "changing" };
        writeln!(out, "database\t{}\t{how}\t{}\t{}", time(&d.moment), d.files, d.listed)?;
    }
    if let Some(mark) = &h.suspect {
        writeln!(out, "suspect-result\t{}", tsv(&mark.result))?;
        for line in &mark.evidence {
            writeln!(out, "suspect\t{}", tsv(line))?;
        }
    }
    if let Some((touched, looks)) = h.changes {
        writeln!(out, "changes\t{touched}\t{looks}")?;
    }
    if let Some((name, started)) = &h.since {
        writeln!(out, "since\t{}\t{}", tsv(name), time(started))?;
    }
    for c in h.earlier.iter().take(super::MAX_EARLIER) {
        writeln!(out, "earlier\t{}\t{}\t{}\t{}", tsv(&c.name), time(&c.started), c.touched, c.looks)?;
    }
    writeln!(out, "files\t{files}\t{bytes}")?;
    out.write_all(b"#blake3\tsize\tmodified\tsource\tlook\tpath\n")
}

fn write_entry(out: &mut impl Write, e: &Entry) -> io::Result<()> {
    match &e.kind {
        Kind::File { size, hash } => write!(out, "{}\t{size}", hash.to_hex())?,
        Kind::Dir => out.write_all(b"-\tdir")?,
        Kind::Symlink { target_hash } => write!(out, "{}\tsymlink", target_hash.to_hex())?,
    }
    let stamp = e.stamp.map_or_else(|| "-".to_string(), Stamp::to_text);
    let look = e.look.map_or_else(|| "-".to_string(), super::Look::to_text);
    writeln!(out, "\t{}\t{stamp}\t{look}\t{}", e.mtime.to_text(), e.path)
}

/// A buffered file writer that hashes every byte it passes on, for the end line.
struct Hashing {
    inner: BufWriter<File>,
    hasher: blake3::Hasher,
}

impl Hashing {
    fn create(path: &Path) -> io::Result<Hashing> {
        Ok(Hashing {
            inner: BufWriter::with_capacity(1 << 16, create_fresh(path)?),
            hasher: blake3::Hasher::new(),
        })
    }

    /// Writes the end line and flushes the file to disk.
    fn finish(self, count: u64) -> io::Result<()> {
        let sum = self.hasher.finalize();
        let mut inner = self.inner;
        writeln!(inner, "end\t{count}\t{}", sum.to_hex())?;
        inner.into_inner().map_err(|e| e.into_error())?.sync_all()
    }
}

impl Write for Hashing {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
