//! Numbers and paths for people: sizes, counts, durations, folders.

use std::path::Path;
use std::time::Duration;

/// `218 MB`, `1.2 GB`, `512 bytes` (decimal units, as Windows Explorer's size column is read aloud).
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "kB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    match unit {
        0 => format!("{n} bytes"),
        _ if value < 10.0 => format!("{value:.1} {}", UNITS[unit]),
        _ => format!("{value:.0} {}", UNITS[unit]),
    }
}

/// `1,234,567`
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `2.4 s`, `3 min 05 s`, `1 h 02 min`
pub fn duration(d: Duration) -> String {
    let s = d.as_secs();
    if d.as_millis() < 100 {
        "under 0.1 s".to_string()
    } else if s < 60 {
        format!("{:.1} s", d.as_secs_f64())
    } else if s < 3600 {
        format!("{} min {:02} s", s / 60, s % 60)
    } else {
        format!("{} h {:02} min", s / 3600, s % 3600 / 60)
    }
}

/// "1 file", "2,977 files".
pub fn files(n: u64) -> String {
    if n == 1 { "1 file".into() } else { format!("{} files", count(n)) }
}

/// `84%`: `part` of `whole`, rounded down (so 99.6% is not called 100%); `0%` of nothing.
pub fn percent(part: u64, whole: u64) -> String {
    let p = if whole == 0 { 0 } else { u128::from(part) * 100 / u128::from(whole) };
    format!("{p}%")
}

/// A path as people know it: without Windows' `\\?\` prefix.
pub fn display(p: &Path) -> String {
    dunce::simplified(p).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_explorer() {
        assert_eq!(bytes(512), "512 bytes");
        assert_eq!(bytes(218_000_000), "218 MB");
        assert_eq!(bytes(1_234_000_000), "1.2 GB");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(999), "999");
        assert_eq!(duration(Duration::from_millis(2_400)), "2.4 s");
        assert_eq!(duration(Duration::from_secs(185)), "3 min 05 s");
    }
}
