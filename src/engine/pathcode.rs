//! Paths inside a set as they appear in the manifest: `/`-separated, with tab, newline, backslash,
//! control characters and bytes that are not UTF-8 escaped, so every name fits on one line.

use std::ffi::{OsStr, OsString};
use std::path::{Component, Path, PathBuf};

/// Appends one path component to a manifest path (`prefix` is already encoded).
pub fn join(prefix: &str, name: &OsStr) -> String {
    let mut out = String::with_capacity(prefix.len() + name.len() + 1);
    out.push_str(prefix);
    if !prefix.is_empty() {
        out.push('/');
    }
    encode_into(&mut out, name);
    out
}

/// Encodes a relative path of the local platform.
pub fn encode(path: &Path) -> String {
    let mut out = String::new();
    for c in path.components() {
        if let Component::Normal(name) = c {
            out = join(&out, name);
        }
    }
    out
}

fn encode_into(out: &mut String, name: &OsStr) {
    let bytes = name.as_encoded_bytes();
    for chunk in bytes.utf8_chunks() {
        for ch in chunk.valid().chars() {
            match ch {
                '\\' => out.push_str("\\\\"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '/' => out.push_str("\\x2f"),
                c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("bad escape in manifest path {0:?}")]
pub struct DecodeError(pub String);

/// Decodes a manifest path into a relative path of the local platform.
pub fn decode(text: &str) -> Result<PathBuf, DecodeError> {
    let mut path = PathBuf::new();
    for part in text.split('/') {
        let name = decode_component(part).ok_or_else(|| DecodeError(text.to_string()))?;
        if name.is_empty() || name == "." || name == ".." {
            return Err(DecodeError(text.to_string()));
        }
        path.push(name);
    }
    Ok(path)
}

pub fn decode_component(part: &str) -> Option<OsString> {
    let mut bytes = Vec::with_capacity(part.len());
    let mut it = part.bytes();
    while let Some(b) = it.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match it.next()? {
            b'\\' => bytes.push(b'\\'),
            b't' => bytes.push(b'\t'),
            b'n' => bytes.push(b'\n'),
            b'r' => bytes.push(b'\r'),
            b'x' => {
                let hex = [it.next()?, it.next()?];
                let hex = std::str::from_utf8(&hex).ok()?;
                bytes.push(u8::from_str_radix(hex, 16).ok()?);
            }
            _ => return None,
        }
    }
    let separator = |b: &u8| *b == b'/' || (cfg!(windows) && (*b == b'\\' || *b == b':'));
    if bytes.iter().any(separator) {
        return None;
    }
    os_string_from_bytes(bytes)
}

#[cfg(unix)]
fn os_string_from_bytes(bytes: Vec<u8>) -> Option<OsString> {
    use std::os::unix::ffi::OsStringExt;
    Some(OsString::from_vec(bytes))
}

#[cfg(not(unix))]
fn os_string_from_bytes(bytes: Vec<u8>) -> Option<OsString> {
    String::from_utf8(bytes).ok().map(OsString::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_stay_readable() {
        let p = Path::new("data").join("X-rays").join("Jane Smith ü.dcm");
        assert_eq!(encode(&p), "data/X-rays/Jane Smith ü.dcm");
        assert_eq!(decode("data/X-rays/Jane Smith ü.dcm").unwrap(), p);
    }

    #[test]
    fn awkward_names_round_trip() {
        for name in ["tab\there", "new\nline", "back\\slash", "bell\x07", "%41\\x41"] {
            let p = Path::new("data").join(name);
            let text = encode(&p);
            assert!(!text.contains(['\t', '\n']), "{text:?}");
            assert_eq!(decode(&text).unwrap(), p, "{text:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_names_round_trip() {
        use std::os::unix::ffi::OsStrExt;
        let p = Path::new("data").join(OsStr::from_bytes(b"caf\xe9.txt"));
        assert_eq!(encode(&p), "data/caf\\xe9.txt");
        assert_eq!(decode("data/caf\\xe9.txt").unwrap(), p);
    }

    #[test]
    fn escaping_out_of_the_set_is_refused() {
        assert!(decode("data/../../etc").is_err());
        assert!(decode("data//x").is_err());
        assert!(decode("bad\\q").is_err());
        assert!(decode("data/a\\x2f..").is_err());
    }
}
