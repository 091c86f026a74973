//! One entry line of a manifest: hash, size (or `dir`, `symlink`), modified time, the source's
//! stamp (format 2 on), the content's look (format 3 on) and the path, tab-separated.

use super::{Entry, Kind, Mtime, Stamp};

/// One entry line of a manifest of the given format, or why it is not one.
pub(super) fn parse_entry(line: &str, format: u32) -> Result<Entry, String> {
    let fields = || {
        let mut f = line.splitn(
            if format >= 3 {
                6
            } else if format >= 2 {
                5
            } else {
                4
            },
            '\t',
        );
        let (hash, size, mtime) = (f.next()?, f.next()?, f.next()?);
        let stamp = match format {
            1 => None,
            _ => match f.next()? {
                "-" => None,
                s => Some(Stamp::parse(s)?),
            },
        };
        let look = match format {
            1 | 2 => None,
            _ => match f.next()? {
                "-" => None,
                s => Some(super::Look::parse(s)?),
            },
        };
        let path = f.next()?;
        let hash_of = |h: &str| blake3::Hash::from_hex(h).ok();
        let kind = match size {
            "dir" => Kind::Dir,
            "symlink" => Kind::Symlink { target_hash: hash_of(hash)? },
            n => Kind::File { size: n.parse().ok()?, hash: hash_of(hash)? },
        };
        Some(Entry { path: path.to_string(), kind, mtime: Mtime::parse(mtime)?, stamp, look })
    };
    let entry = fields().ok_or_else(|| format!("bad entry {line:?}"))?;
    // `decode` refuses empty, `.` and `..` parts (so absolute paths too) and separators in names.
    match super::super::pathcode::decode(&entry.path) {
        Ok(_) => Ok(entry),
        Err(_) => Err(format!(
            "{:?} is not a path inside the set (an empty, `.` or `..` part, or a bad escape): the manifest was changed",
            entry.path
        )),
    }
}
