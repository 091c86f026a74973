//! The current time. Debug builds accept `LOGOFF_BACKUP_NOW` (e.g. `2026-11-26T17:30:05`, local
//! time) so tests can make backup sets on chosen dates.

use chrono::{DateTime, Local, NaiveDateTime, TimeZone};

pub fn now() -> DateTime<Local> {
    crate::platform::test_override("LOGOFF_BACKUP_NOW")
        .and_then(|s| NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S").ok())
        .and_then(|t| Local.from_local_datetime(&t).earliest())
        .unwrap_or_else(Local::now)
}
