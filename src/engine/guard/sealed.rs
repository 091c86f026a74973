//! Password-protected archives, known by their first bytes: a zip whose first entry is encrypted
//! (bit 0 of its general purpose flags), and a RAR 5 archive whose headers are encrypted (an
//! archive encryption header first). Ransomware that puts each file into an archive of its own
//! with a password (Qlocker did so to NAS shares with 7-Zip) leaves files of a known kind that
//! nobody can open.

/// Whether `start` (a file's first bytes) is a password-protected zip or RAR 5 archive.
pub fn sealed(start: &[u8]) -> bool {
    zip(start) || rar5(start)
}

fn zip(b: &[u8]) -> bool {
    b.starts_with(b"PK\x03\x04") && b.get(6).is_some_and(|flags| flags & 1 == 1)
}

fn rar5(b: &[u8]) -> bool {
    let Some(rest) = b.strip_prefix(b"Rar!\x1A\x07\x01\x00") else { return false };
    // The first header: its CRC32 (4 bytes), its size and its type, each a variable-length number.
    let Some(after_crc) = rest.get(4..) else { return false };
    let Some((_, n)) = vint(after_crc) else { return false };
    matches!(after_crc.get(n..).and_then(vint), Some((4, _)))
}

/// A RAR 5 variable-length number (7 bits a byte, low first) and the bytes it took.
fn vint(b: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, byte) in b.iter().take(10).enumerate() {
        value |= u64::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypted_zips_and_rar5_archives_are_known_and_plain_ones_are_not() {
        let mut zip_header = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
        assert!(!sealed(&zip_header), "a plain zip (a .docx is one)");
        zip_header[6] |= 1;
        assert!(sealed(&zip_header), "its first entry encrypted");
        let rar = |kind: u8| [b"Rar!\x1A\x07\x01\x00".as_slice(), &[1, 2, 3, 4, 0x0C, kind, 0]].concat();
        assert!(sealed(&rar(4)), "an archive encryption header first");
        assert!(!sealed(&rar(1)), "a main archive header first: headers not encrypted");
        assert!(!sealed(b"Rar!\x1A\x07\x01\x00\x01"), "cut short");
        assert!(!sealed(b"PK\x03"), "cut short");
    }
}
