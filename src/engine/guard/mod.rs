//! The ransomware guard: signs, gathered while a run copies, that the data folder has been
//! encrypted. Each copy's first block (already read by the copier) is looked at for its kind's
//! signature and for near-random bytes, and compared with the same file's copy in the set the run
//! compares with; new files are counted by their ending, and new `.txt`/`.html` names by the
//! folders they appear in. See `tally` for what crosses the line.

mod compare;
mod days;
mod loss;
mod loss_keys;
mod news;
mod pair;
mod sample;
mod sealed;
mod suspicion;
mod tally;
mod watch;

pub use compare::{Base, Change, Verdict};
pub use days::{DAYS, Earlier, earlier, warnings};
pub use loss::Losses;
pub use loss_keys::is_database_name;
pub use news::{Seen, ending};
pub use sample::{Look, Sampler};
pub use suspicion::{Kind, Suspicion};
pub use tally::Tally;
pub use watch::Watch;

/// How much of a file's start is looked at.
pub const BLOCK: usize = 4096;
/// A start shorter than this is not judged for randomness (too few bytes to tell).
const MIN_JUDGED: usize = 1024;
/// The entropy above which a 4096-byte block counts as near-random. Random bytes give about 7.95
/// bits per byte over 4096 bytes; text, pictures' headers and database pages give far less.
const RANDOM_BITS: f64 = 7.9;

/// A file kind known by the first bytes it always starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Magic {
    Jpeg,
    Png,
    Gif,
    Tiff,
    Pdf,
    /// Zip, and what is zip inside: .docx, .xlsx, .pptx, .odt.
    Zip,
    /// DICOM: "DICM" at byte 128.
    Dicom,
    /// Older Office files (.doc, .xls) and other compound files.
    Compound,
    Rtf,
    SevenZip,
    Gzip,
    Rar,
    Sqlite,
}

impl Magic {
    pub fn name(self) -> &'static str {
        match self {
            Magic::Jpeg => "JPEG",
            Magic::Png => "PNG",
            Magic::Gif => "GIF",
            Magic::Tiff => "TIFF",
            Magic::Pdf => "PDF",
            Magic::Zip => "zip (Office)",
            Magic::Dicom => "DICOM",
            Magic::Compound => "Office (compound file)",
            Magic::Rtf => "RTF",
            Magic::SevenZip => "7-Zip",
            Magic::Gzip => "gzip",
            Magic::Rar => "RAR",
            Magic::Sqlite => "SQLite",
        }
    }

    fn of(b: &[u8]) -> Option<Magic> {
        const STARTS: [(&[u8], Magic); 13] = [
            (b"\xFF\xD8\xFF", Magic::Jpeg),
            (b"\x89PNG\r\n\x1A\n", Magic::Png),
            (b"GIF8", Magic::Gif),
            (b"II*\0", Magic::Tiff),
            (b"MM\0*", Magic::Tiff),
            (b"%PDF-", Magic::Pdf),
            (b"PK\x03\x04", Magic::Zip),
            (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", Magic::Compound),
            (b"{\\rtf", Magic::Rtf),
            (b"7z\xBC\xAF\x27\x1C", Magic::SevenZip),
            (b"\x1F\x8B", Magic::Gzip),
            (b"Rar!\x1A\x07", Magic::Rar),
            (b"SQLite format 3\0", Magic::Sqlite),
        ];
        if b.get(128..132) == Some(b"DICM") {
            return Some(Magic::Dicom);
        }
        STARTS.iter().find(|(start, _)| b.starts_with(start)).map(|(_, m)| *m)
    }
}

/// What a file's first block shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    pub magic: Option<Magic>,
    /// Near-random bytes; `None` when the file is too short to tell.
    pub random: Option<bool>,
    /// The first 8 bytes (a database file's own signature, whatever its kind).
    pub lead: [u8; 8],
    /// A password-protected zip, RAR 5 or 7-Zip archive: a new one looks encrypted whatever its
    /// ending.
    pub sealed: bool,
    /// A 7-Zip archive with a packed header (see `sealed::SevenZip`): where it replaced a file,
    /// it counts as encrypted.
    pub packed: bool,
    /// Where a 7-Zip archive's header lies (offset, length), to be read at the file's end.
    seven_zip: Option<(u64, u64)>,
    /// A zip's or gzip's name of the file it holds (see `sealed::inner_name`).
    pub inner_name: Option<u64>,
}

impl Head {
    /// Looks at the start of a file (at most `BLOCK` bytes of `bytes` are used).
    pub fn of(bytes: &[u8]) -> Head {
        let block = &bytes[..bytes.len().min(BLOCK)];
        let mut lead = [0u8; 8];
        let n = block.len().min(8);
        lead[..n].copy_from_slice(&block[..n]);
        let random = (block.len() >= MIN_JUDGED).then(|| entropy(block) > random_bits(block.len()));
        let (sealed, seven_zip) = (sealed::sealed(block), sealed::seven_zip_header(block));
        let inner_name = sealed::inner_name(block);
        Head { magic: Magic::of(block), random, lead, sealed, packed: false, seven_zip, inner_name }
    }

    /// The file ended with `last` (its final bytes, up to its `size`): a 7-Zip archive's header,
    /// if it lies there, tells whether the archive has a password.
    pub fn ended(&mut self, last: &[u8], size: u64) {
        let Some((at, len)) = self.seven_zip else { return };
        let from = size - last.len() as u64;
        let Some(end) = at.checked_add(len).filter(|end| at >= from && *end <= size) else { return };
        match sealed::seven_zip(&last[(at - from) as usize..(end - from) as usize]) {
            sealed::SevenZip::Encrypted => self.sealed = true,
            sealed::SevenZip::Packed => self.packed = true,
            sealed::SevenZip::Plain => {}
        }
    }

    /// Reads the start of the file at `path` (the copy in an earlier set), and a 7-Zip
    /// archive's header at its end.
    pub fn read(path: &std::path::Path) -> Option<Head> {
        use std::io::{Read, Seek};
        let mut buf = [0u8; BLOCK];
        let mut f = std::fs::File::open(path).ok()?;
        let mut n = 0;
        while n < BLOCK {
            match f.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
        let mut head = Head::of(&buf[..n]);
        if let Some((at, len)) = head.seven_zip.filter(|(_, len)| *len <= BLOCK as u64) {
            let mut end = vec![0u8; len as usize];
            if f.seek(std::io::SeekFrom::Start(at)).is_ok() && f.read_exact(&mut end).is_ok() {
                head.ended(&end, at + len);
            }
        }
        Some(head)
    }

    /// A new file that looks encrypted if its ending is new too: near-random, of no known kind.
    pub fn unknown_random(&self) -> bool {
        self.random == Some(true) && self.magic.is_none()
    }
}

/// Shannon entropy of the bytes, in bits per byte: log2(n) - (1/n) sum(c log2 c) over the counts c
/// of each byte value, with c log2 c looked up for blocks of up to `BLOCK` bytes (every sampled
/// block of every copy is judged: a table is several times faster than 256 logarithms).
fn entropy(bytes: &[u8]) -> f64 {
    static C_LOG_C: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    let table = C_LOG_C.get_or_init(|| {
        (0..=BLOCK).map(|c| if c == 0 { 0.0 } else { c as f64 * (c as f64).log2() }).collect()
    });
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let n = bytes.len() as f64;
    if n == 0.0 {
        return 0.0;
    }
    let sum: f64 = match bytes.len() <= BLOCK {
        true => counts.iter().map(|&c| table[c as usize]).sum(),
        false => counts.iter().filter(|&&c| c > 0).map(|&c| f64::from(c) * f64::from(c).log2()).sum(),
    };
    n.log2() - sum / n
}

/// The line for a block of `len` bytes: 7.9 at 4096 bytes, lower for shorter blocks. A block of n
/// random bytes cannot show all 256 values evenly, so its entropy falls short of 8 bits by about
/// 255 / (2 n ln 2), and varies more: the line is lowered by twice the extra shortfall (7.63 at
/// 1024 bytes, where random blocks measure 7.74 to 7.88 and text about 4.5).
fn random_bits(len: usize) -> f64 {
    let short = |n: usize| 255.0 / (2.0 * n as f64 * std::f64::consts::LN_2);
    RANDOM_BITS - 2.0 * (short(len) - short(BLOCK))
}

/// Why a changed file looks encrypted, compared with its copy in the earlier set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    /// Its earlier copy started like a file of this kind; now it does not.
    LostSignature(Magic),
    /// A database file whose first bytes changed and are now near-random.
    DatabaseScrambled,
    /// Its first block is now near-random where its earlier copy's was not.
    TurnedRandom,
    /// Blocks further into it turned near-random (its start may be as it was): its whole content,
    /// sampled, against its earlier self.
    ContentRandom(Look, Look),
    /// It is now a password-protected archive, where it was not.
    Sealed,
    /// It is now a 7-Zip archive whose header is packed, in place of a file that was not: what it
    /// holds, and whether it has a password, cannot be seen.
    Packed,
}

impl Sign {
    pub fn words(self) -> String {
        match self {
            Sign::LostSignature(m) => format!("was a {} file, no longer starts like one", m.name()),
            Sign::DatabaseScrambled => "database file: its first bytes changed and are now random".into(),
            Sign::TurnedRandom => "its start is now random bytes, where it was not".into(),
            Sign::Sealed => "it is now a password-protected archive, where it was not".into(),
            Sign::Packed => {
                "it is now a 7-Zip archive whose contents cannot be seen (as ransomware's password-protected ones)".into()
            }
            Sign::ContentRandom(was, now) => {
                format!("its content turned to random bytes: was {}, now {}", was.words(), now.words())
            }
        }
    }
}

/// How a file that changed since the earlier set looks, if it looks encrypted: by its first block
/// (`before`, `now`) and by its whole content sampled (`was`, `is`: its looks in the earlier set's
/// manifest and now).
pub fn changed(
    (before, now): (Option<Head>, Option<Head>),
    (was, is): (Option<Look>, Option<Look>),
    database: bool,
) -> Option<Sign> {
    let by_start = before.zip(now).and_then(|(b, n)| by_start(&b, &n, database));
    let by_content = was.zip(is).filter(|(w, i)| sample::turned_random(*w, *i));
    by_start.or(by_content.map(|(w, i)| Sign::ContentRandom(w, i)))
}

/// How a changed file's first block compares with its earlier copy's, if it looks encrypted.
fn by_start(before: &Head, now: &Head, database: bool) -> Option<Sign> {
    if now.sealed && !before.sealed {
        return Some(Sign::Sealed);
    }
    if let Some(m) = before.magic
        && now.magic != Some(m)
    {
        return Some(Sign::LostSignature(m));
    }
    if before.random == Some(false) && now.random == Some(true) {
        let scrambled = database && before.lead != now.lead;
        return Some(if scrambled { Sign::DatabaseScrambled } else { Sign::TurnedRandom });
    }
    None
}

#[cfg(test)]
#[path = "guard_tests.rs"]
mod tests;
