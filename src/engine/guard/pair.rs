//! Replacements: a new file standing where a file of the earlier set is gone is paired with it
//! and judged as that file changed. Ransomware that renames what it encrypts (`Practice.db` →
//! `Practice.db.locked`, `letter.rtf` → `letter.rtf.zip`, or a random name) leaves a file that
//! is new by name but is the old file's content, encrypted.

use super::loss::Gone;
use super::{Head, Look};
use std::collections::{BTreeSet, HashMap};

/// A new file, kept until the end of the run to be paired.
#[derive(Debug)]
pub(super) struct NewFile {
    pub path: String,
    pub size: u64,
    pub head: Option<Head>,
    pub look: Option<Look>,
}

/// Sizes within this many bytes, and one part in `SIZE_SHARE`, count as about the same:
/// ransomware adds a header or a footer of its own (a key, the original name) of a few hundred
/// bytes to a few kB, and pads to its cipher's block.
const SIZE_SLACK: u64 = 16 * 1024;
const SIZE_SHARE: u64 = 100;

/// For each new file, the gone file it replaced, if any (an index into `gone`; each gone file is
/// paired once):
/// - by name: the gone file's path plus one or more endings (`letter.rtf.id-5F2A.locked`);
/// - else, for a new file that looks encrypted on its own (random bytes of no known kind, or an
///   archive that hides what it holds), by size: the gone file of the nearest size, about the
///   same, in the same folder.
pub(super) fn pair(new: &[NewFile], gone: &[Gone]) -> Vec<Option<usize>> {
    let by_key: HashMap<&str, usize> = gone.iter().enumerate().map(|(i, g)| (g.key.as_str(), i)).collect();
    let mut taken = vec![false; gone.len()];
    let mut pairs: Vec<Option<usize>> = new
        .iter()
        .map(|n| {
            let mut stem = n.path.as_str();
            while let Some((shorter, ext)) = stem.rsplit_once('.') {
                if ext.contains('/') || shorter.is_empty() || shorter.ends_with('/') {
                    return None;
                }
                if let Some(&g) = by_key.get(shorter)
                    && !std::mem::replace(&mut taken[g], true)
                {
                    return Some(g);
                }
                stem = shorter;
            }
            None
        })
        .collect();
    let mut by_folder: HashMap<&str, BTreeSet<(u64, usize)>> = HashMap::new();
    for (i, g) in gone.iter().enumerate().filter(|(i, _)| !taken[*i]) {
        by_folder.entry(folder(&g.key)).or_default().insert((g.size, i));
    }
    for (n, pair) in new.iter().zip(&mut pairs).filter(|(_, p)| p.is_none()) {
        let hides = n.head.is_some_and(|h| h.unknown_random() || h.sealed || h.packed);
        let Some(sizes) = by_folder.get_mut(folder(&n.path)).filter(|_| hides) else { continue };
        let slack = SIZE_SLACK + n.size / SIZE_SHARE;
        let below = sizes.range(..(n.size, usize::MAX)).next_back().copied();
        let above = sizes.range((n.size, 0)..).next().copied();
        let nearest = [below, above].into_iter().flatten().min_by_key(|(size, _)| size.abs_diff(n.size));
        if let Some((size, g)) = nearest.filter(|(size, _)| size.abs_diff(n.size) <= slack) {
            sizes.remove(&(size, g));
            *pair = Some(g);
        }
    }
    pairs
}

/// How a new file (`n`) looks against the gone file it replaced (`g`, whose copy is in the set
/// folder `set`), if it looks encrypted: as that file changed. A zip or gzip without a password
/// that names the gone file inside is that file compressed, not encrypted (one that does not is
/// judged as any change: two bytes of a gzip's header before random bytes are no archive); a
/// 7-Zip archive whose header is packed cannot be told from a password-protected one and counts.
pub(super) fn judge(n: &NewFile, g: &Gone, set: &std::path::Path) -> Option<super::Sign> {
    let before = crate::engine::pathcode::decode(&g.key).ok().and_then(|p| Head::read(&set.join(p)));
    if let Some(now) = n.head {
        if now.packed && !before.is_some_and(|b| b.packed || b.sealed) {
            return Some(super::Sign::Packed);
        }
        let name = super::loss_keys::name(&g.key);
        if !now.sealed && now.inner_name == Some(super::sealed::name_hash(name.as_bytes())) {
            return None;
        }
    }
    super::changed((before, n.head), (g.look, n.look), g.database)
}

/// The folder part of a path in a set (`data/X-rays` of `data/X-rays/1.dcm`).
fn folder(key: &str) -> &str {
    key.rsplit_once('/').map_or("", |(folder, _)| folder)
}

#[cfg(test)]
mod tests {
    use super::super::tests::random;
    use super::*;

    fn gone(key: &str, size: u64) -> Gone {
        Gone { key: key.into(), size, hash: blake3::hash(key.as_bytes()), look: None, database: false }
    }

    fn new(path: &str, size: u64, bytes: &[u8]) -> NewFile {
        NewFile { path: path.into(), size, head: Some(Head::of(bytes)), look: None }
    }

    #[test]
    fn a_new_file_is_paired_by_the_gone_name_it_extends_or_by_size_in_its_folder() {
        let noise = random(4096, 1);
        let gone = [
            gone("data/Practice.db", 80_000),
            gone("data/Letters/a.rtf", 5_000),
            gone("data/Letters/b.rtf", 9_000),
            gone("data/X-rays/1.dcm", 500_000),
            gone("data/X-rays/2.dcm", 510_000),
        ];
        let new = [
            new("data/Practice.db.id-5F2A.[mail].locked", 80_512, &noise),
            new("data/Letters/a.rtf.zip", 5_300, b"PK\x03\x04\x14\x00\x01\x00"),
            // A random name of about the same size, in the folder where 2.dcm is gone.
            new("data/X-rays/QJX7Y2KF", 510_400, &noise),
            // A random name in a folder where nothing of its size is gone.
            new("data/Letters/ZZZZ", 400_000, &noise),
            // A new picture of a known kind is never paired by size.
            new("data/X-rays/3.jpg", 500_100, b"\xFF\xD8\xFF\xE0"),
            // An ending on a folder's name does not pair a file inside it.
            new("data/Practice.db.old/x", 80_000, &noise),
        ];
        assert_eq!(pair(&new, &gone), [Some(0), Some(1), Some(4), None, None, None]);
    }
}
