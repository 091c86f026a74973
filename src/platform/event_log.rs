//! One entry per run in the system's own log, where the IT contact's monitoring (RMM tools)
//! already looks: the Windows Event Log (Application, source `logoff-backup`), or syslog
//! elsewhere. The text is the run's block from backup.log. A system log that cannot take the entry
//! does not change the run's result: backup.log has it all.

use crate::engine::Outcome;

/// The event source, as the installer registers it.
pub const SOURCE: &str = "logoff-backup";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    BackupSucceeded = 1000,
    BackupCompletedWithErrors = 1001,
    BackupFailed = 1002,
    BackupCancelled = 1003,
    RestoreTestPassed = 1010,
    RestoreTestFailed = 1011,
    /// A backup made, but of files that look encrypted: maybe ransomware.
    BackupSuspect = 1020,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Information,
    Warning,
    Error,
}

impl Entry {
    pub fn of_backup(outcome: Outcome) -> Entry {
        match outcome {
            Outcome::Success => Entry::BackupSucceeded,
            Outcome::CompletedWithErrors => Entry::BackupCompletedWithErrors,
            Outcome::Failed => Entry::BackupFailed,
            Outcome::Cancelled => Entry::BackupCancelled,
            Outcome::Suspect => Entry::BackupSuspect,
        }
    }

    pub fn of_restore_test(passed: bool) -> Entry {
        if passed { Entry::RestoreTestPassed } else { Entry::RestoreTestFailed }
    }

    pub fn id(self) -> u32 {
        self as u32
    }

    pub fn severity(self) -> Severity {
        match self {
            Entry::BackupSucceeded | Entry::RestoreTestPassed => Severity::Information,
            Entry::BackupCompletedWithErrors | Entry::BackupCancelled => Severity::Warning,
            Entry::BackupFailed | Entry::RestoreTestFailed | Entry::BackupSuspect => Severity::Error,
        }
    }
}

/// Writes the entry; `Err` says why the system log did not take it.
pub fn report(entry: Entry, text: &str) -> Result<(), String> {
    #[cfg(windows)]
    return windows::report(entry, text);
    #[cfg(unix)]
    return syslog::report(entry, text);
    #[cfg(not(any(windows, unix)))]
    Err(format!("no system log here for event {}", entry.id()))
}

#[cfg(unix)]
mod syslog {
    use super::{Entry, SOURCE, Severity};

    /// The message in syslog's own form (RFC 3164, facility user), one line.
    pub fn message(entry: Entry, text: &str) -> String {
        let severity = match entry.severity() {
            Severity::Information => 6,
            Severity::Warning => 4,
            Severity::Error => 3,
        };
        let lines: Vec<&str> =
            text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("=====")).collect();
        format!(
            "<{}>{SOURCE}[{}]: event {}: {}",
            8 + severity,
            std::process::id(),
            entry.id(),
            lines.join("; ")
        )
    }

    pub fn report(entry: Entry, text: &str) -> Result<(), String> {
        let socket =
            crate::platform::test_override("LOGOFF_BACKUP_SYSLOG").unwrap_or_else(|| "/dev/log".into());
        let sender = std::os::unix::net::UnixDatagram::unbound().map_err(|e| e.to_string())?;
        sender.send_to(message(entry, text).as_bytes(), &socket).map_err(|e| format!("{socket}: {e}"))?;
        Ok(())
    }
}

#[cfg(windows)]
mod windows {
    use super::{Entry, SOURCE, Severity};
    use windows_sys::Win32::System::EventLog::{
        DeregisterEventSource, EVENTLOG_ERROR_TYPE, EVENTLOG_INFORMATION_TYPE, EVENTLOG_WARNING_TYPE,
        RegisterEventSourceW, ReportEventW,
    };

    fn wide(s: &str) -> Vec<u16> {
        s.encode_utf16().chain([0]).collect()
    }

    pub fn report(entry: Entry, text: &str) -> Result<(), String> {
        let kind = match entry.severity() {
            Severity::Information => EVENTLOG_INFORMATION_TYPE,
            Severity::Warning => EVENTLOG_WARNING_TYPE,
            Severity::Error => EVENTLOG_ERROR_TYPE,
        };
        let (source, text) = (wide(SOURCE), wide(&text.replace('\n', "\r\n")));
        let strings = [text.as_ptr()];
        // SAFETY: the strings are NUL-terminated and outlive the calls; the handle is closed.
        unsafe {
            let log = RegisterEventSourceW(std::ptr::null(), source.as_ptr());
            if log.is_null() {
                return Err(std::io::Error::last_os_error().to_string());
            }
            let ok = ReportEventW(
                log,
                kind,
                0,
                entry.id(),
                std::ptr::null_mut(),
                1,
                0,
                strings.as_ptr(),
                std::ptr::null(),
            );
            let err = std::io::Error::last_os_error();
            DeregisterEventSource(log);
            if ok == 0 { Err(err.to_string()) } else { Ok(()) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_result_has_its_documented_event_id_and_severity() {
        let ids: Vec<u32> = [
            Outcome::Success,
            Outcome::CompletedWithErrors,
            Outcome::Failed,
            Outcome::Cancelled,
            Outcome::Suspect,
        ]
        .map(|o| Entry::of_backup(o).id())
        .to_vec();
        assert_eq!(ids, [1000, 1001, 1002, 1003, 1020]);
        assert_eq!(Entry::BackupSuspect.severity(), Severity::Error);
        assert_eq!((Entry::of_restore_test(true).id(), Entry::of_restore_test(false).id()), (1010, 1011));
        assert_eq!(Entry::BackupFailed.severity(), Severity::Error);
        assert_eq!(Entry::BackupCancelled.severity(), Severity::Warning);
    }
}
