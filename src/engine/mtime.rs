//! Modified times as the manifest keeps them: exact to the nanosecond, in UTC.

use chrono::{DateTime, SecondsFormat, Utc};
use std::time::{SystemTime, UNIX_EPOCH};

/// A modified time, exact to the nanosecond, as the source's file system reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mtime {
    pub secs: i64,
    pub nanos: u32,
}

impl Mtime {
    pub fn from_system_time(t: SystemTime) -> Mtime {
        // Worked out in i128 and held to i64's range: a file system may hold any time at all.
        let nanos = match t.duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_nanos() as i128,
            Err(e) => -(e.duration().as_nanos() as i128),
        };
        let secs = nanos.div_euclid(1_000_000_000).clamp(i64::MIN as i128, i64::MAX as i128) as i64;
        Mtime { secs, nanos: nanos.rem_euclid(1_000_000_000) as u32 }
    }

    /// The time to give a copy. The very first second an i64 can hold is given as the next one:
    /// filetime's conversion to the system's time overflows (and panics) there.
    pub fn to_file_time(self) -> filetime::FileTime {
        filetime::FileTime::from_unix_time(self.secs.max(i64::MIN + 1), self.nanos)
    }

    /// `2026-11-26T17:30:05.123456789Z` (RFC 3339, which reads and writes many times faster than
    /// a format string: a manifest holds two per file). A time beyond what a date can say (before
    /// year -262143 or after 262142: tmpfs and btrfs hold any 64-bit time) is written as seconds
    /// since 1970, `@99999999999999.000000000`, which `parse` reads back as well.
    pub fn to_text(self) -> String {
        match DateTime::<Utc>::from_timestamp(self.secs, self.nanos) {
            Some(t) => t.to_rfc3339_opts(SecondsFormat::Nanos, true),
            None => format!("@{}.{:09}", self.secs, self.nanos),
        }
    }

    pub fn parse(text: &str) -> Option<Mtime> {
        if let Some(raw) = text.strip_prefix('@') {
            let (secs, nanos) = raw.split_once('.')?;
            let nanos: u32 = nanos.parse().ok().filter(|n| *n < 1_000_000_000 && nanos.len() == 9)?;
            return Some(Mtime { secs: secs.parse().ok()?, nanos });
        }
        let t = DateTime::parse_from_rfc3339(text).ok()?.to_utc();
        Some(Mtime { secs: t.timestamp(), nanos: t.timestamp_subsec_nanos() })
    }
}

/// What else tells a changed source file apart, where the platform gives it from the walk: the
/// change time (which no program can set back, unlike the modified time) and the file's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub change: Mtime,
    pub id: u64,
}

impl Stamp {
    /// The stamp of a file as its metadata gives it (Unix); `None` where the platform's directory
    /// listing does not carry it (Windows: reading it would mean opening every file on the share).
    pub fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(Stamp {
                change: Mtime { secs: meta.ctime(), nanos: meta.ctime_nsec() as u32 },
                id: meta.ino(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }

    /// `2026-11-26T17:30:05.123456789Z/1234567`
    pub fn to_text(self) -> String {
        format!("{}/{}", self.change.to_text(), self.id)
    }

    pub fn parse(text: &str) -> Option<Stamp> {
        let (change, id) = text.rsplit_once('/')?;
        Some(Stamp { change: Mtime::parse(change)?, id: id.parse().ok()? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mtimes_before_1970_keep_their_order() {
        let before = Mtime::from_system_time(UNIX_EPOCH - std::time::Duration::from_millis(1500));
        assert_eq!(before, Mtime { secs: -2, nanos: 500_000_000 });
        assert_eq!(Mtime::parse(&before.to_text()), Some(before));
    }

    #[test]
    fn every_time_a_file_system_can_hold_reads_back_from_its_text() {
        let times = [
            Mtime { secs: -1, nanos: 999_999_999 },
            Mtime { secs: -86_400 * 365 * 100, nanos: 1 },
            // 2446-05-10: the end of ext4's range.
            Mtime { secs: 15_032_385_535, nanos: 123_456_789 },
            Mtime { secs: 99_999_999_999_999, nanos: 0 },
            Mtime { secs: i64::MAX, nanos: 999_999_999 },
            Mtime { secs: i64::MIN, nanos: 0 },
            Mtime { secs: i64::MIN, nanos: 7 },
            Mtime { secs: 1_764_178_205, nanos: 1 },
        ];
        for t in times {
            assert_eq!(Mtime::parse(&t.to_text()), Some(t), "{}", t.to_text());
            let stamp = Stamp { change: t, id: u64::MAX };
            assert_eq!(Stamp::parse(&stamp.to_text()), Some(stamp));
        }
        assert_eq!(Mtime { secs: 99_999_999_999_999, nanos: 0 }.to_text(), "@99999999999999.000000000");
        for bad in ["@", "@1", "@1.5", "@x.000000000", "@1.1000000000", "@1.-00000001"] {
            assert_eq!(Mtime::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_system_time_far_from_1970_is_held_not_wrapped() {
        // Windows' system time ends in year 60056: there the farthest time tried is the last.
        for secs in [99_999_999_999_999, 1_000_000_000_000] {
            if let Some(far) = UNIX_EPOCH.checked_add(std::time::Duration::from_secs(secs)) {
                assert_eq!(Mtime::from_system_time(far), Mtime { secs: secs as i64, nanos: 0 });
            }
        }
        // Windows keeps times to 100 ns.
        let before = UNIX_EPOCH - std::time::Duration::new(5, 100);
        assert_eq!(Mtime::from_system_time(before), Mtime { secs: -6, nanos: 999_999_900 });
    }

    #[test]
    fn the_text_is_the_manifests_own_and_reads_back() {
        let t = Mtime { secs: 1_764_178_205, nanos: 123_456_789 };
        assert_eq!(t.to_text(), "2025-11-26T17:30:05.123456789Z");
        assert_eq!(Mtime::parse("2025-11-26T17:30:05.123456789Z"), Some(t));
        assert_eq!(Mtime::parse("2025-11-26T17:30:05.1Z"), Some(Mtime { nanos: 100_000_000, ..t }));
        assert_eq!(Mtime::parse("2025-11-26T17:30:05Z"), Some(Mtime { nanos: 0, ..t }));
    }
}
