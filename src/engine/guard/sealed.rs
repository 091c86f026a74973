//! Password-protected archives: a zip whose first entry is encrypted (bit 0 of its general
//! purpose flags) and a RAR 5 archive whose headers are encrypted (an archive encryption header
//! first), known by their first bytes; a 7-Zip archive whose header, at its end, names the AES
//! coder. Ransomware that puts each file into an archive of its own with a password (Qlocker did
//! so to NAS shares with 7-Zip) leaves files of a known kind that nobody can open.

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

/// The name of the file a zip (its first entry) or a gzip (its original name) holds, as the
/// archive's first bytes give it, without any folder; a hash of it, to keep in a `Head`.
pub fn inner_name(start: &[u8]) -> Option<u64> {
    let name = if start.starts_with(b"PK\x03\x04") {
        let len = u16::from_le_bytes([*start.get(26)?, *start.get(27)?]) as usize;
        start.get(30..30 + len)?
    } else if start.starts_with(b"\x1F\x8B") && start.get(3)? & 0x08 != 0 {
        // After the 10-byte header, and the extra field where there is one (flag 0x04).
        let mut at = 10;
        if start[3] & 0x04 != 0 {
            at += 2 + u16::from_le_bytes([*start.get(10)?, *start.get(11)?]) as usize;
        }
        let rest = start.get(at..)?;
        &rest[..rest.iter().position(|b| *b == 0)?]
    } else {
        return None;
    };
    let name = name.rsplit(|b| *b == b'/' || *b == b'\\').next()?;
    (!name.is_empty()).then(|| name_hash(name))
}

/// A hash of a file name, to compare with an archive's `inner_name`.
pub fn name_hash(name: &[u8]) -> u64 {
    let hash = blake3::hash(name);
    u64::from_le_bytes(hash.as_bytes()[..8].try_into().unwrap_or_default())
}

/// Where a 7-Zip archive's header lies (its offset from the file's start, and its length), as
/// the archive's first 32 bytes give it; `None` for anything else.
pub fn seven_zip_header(start: &[u8]) -> Option<(u64, u64)> {
    let b = start.strip_prefix(b"7z\xBC\xAF\x27\x1C")?;
    let number = |at: usize| b.get(at..at + 8).map(|n| u64::from_le_bytes(n.try_into().unwrap_or_default()));
    // After the signature: the version (2 bytes), a CRC (4), the header's offset from byte 32 and
    // its length.
    Some((number(6)?.checked_add(32)?, number(14)?))
}

/// What a 7-Zip archive's header shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SevenZip {
    /// The header names the AES coder: the archive, or its header, has a password.
    Encrypted,
    /// The header is packed (7-Zip's default): what the archive holds cannot be seen without
    /// unpacking it, and whether it has a password cannot be told.
    Packed,
    Plain,
}

/// Reads a 7-Zip archive's header (`header`, its bytes).
pub fn seven_zip(header: &[u8]) -> SevenZip {
    /// The AES-256 coder's id, as 7-Zip writes it in the list of coders.
    const AES: [u8; 4] = [0x06, 0xF1, 0x07, 0x01];
    match header.first() {
        _ if header.windows(4).any(|w| w == AES) => SevenZip::Encrypted,
        // kEncodedHeader
        Some(0x17) => SevenZip::Packed,
        _ => SevenZip::Plain,
    }
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

    #[test]
    fn a_zip_or_gzip_names_the_file_it_holds() {
        let mut zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
        zip.extend([0; 16]);
        zip.extend((16u16).to_le_bytes());
        zip.extend([0, 0]);
        zip.extend(b"Letters/a b.rtf!");
        assert_eq!(inner_name(&zip), Some(name_hash(b"a b.rtf!")));
        let gzip = [b"\x1F\x8B\x08\x08\0\0\0\0\0\x03".as_slice(), b"letter.rtf\0", &[1, 2, 3]].concat();
        assert_eq!(inner_name(&gzip), Some(name_hash(b"letter.rtf")));
        assert_eq!(inner_name(b"\x1F\x8B\x08\x00\0\0\0\0\0\x03random"), None, "a gzip without a name");
        assert_eq!(inner_name(b"\x1F\x8B"), None, "cut short");
    }

    #[test]
    fn a_7z_archives_header_is_found_from_its_start_and_tells_a_password() {
        let mut start = b"7z\xBC\xAF\x27\x1C\x00\x04\x01\x02\x03\x04".to_vec();
        start.extend(1000u64.to_le_bytes());
        start.extend(40u64.to_le_bytes());
        assert_eq!(seven_zip_header(&start), Some((1032, 40)));
        assert_eq!(seven_zip_header(&start[..20]), None, "cut short");
        assert_eq!(seven_zip_header(b"PK\x03\x04"), None);
        // An encoded header whose coders are AES and LZMA (7z a -p -mhe=on).
        assert_eq!(seven_zip(&[0x17, 0x06, 0x24, 0x06, 0xF1, 0x07, 0x01, 0x0A, 0x21]), SevenZip::Encrypted);
        assert_eq!(seven_zip(&[0x17, 0x06, 0x24, 0x01, 0x21, 0x03, 0x01, 0x01]), SevenZip::Packed);
        assert_eq!(seven_zip(&[0x01, 0x04, 0x06, 0x00]), SevenZip::Plain);
    }
}
