//! The little that differs between Windows and the rest: names, process checks, drives; writing
//! to and reading from the drive is in `disk`.

mod disk;
pub mod event_log;
#[cfg(any(target_os = "linux", test))]
mod mounts;
mod network;
pub use disk::*;
pub use network::{network_error, server_trouble};
use std::path::Path;

/// This computer's name, as Windows shows it (`RECEPTION1`).
pub fn computer_name() -> String {
    if let Some(name) = test_override("LOGOFF_BACKUP_COMPUTER") {
        return name;
    }
    let name = gethostname::gethostname().to_string_lossy().into_owned();
    let short = name.split('.').next().unwrap_or_default().trim().to_string();
    if short.is_empty() { "UNKNOWN".into() } else { short.to_uppercase() }
}

/// The signed-in user's id.
pub fn user_name() -> String {
    let var = if cfg!(windows) { "USERNAME" } else { "USER" };
    std::env::var(var)
        .ok()
        .filter(|u| !u.is_empty())
        .or_else(|| whoami::username().ok())
        .unwrap_or_else(|| "unknown".into())
}

/// Whether a process with this id is running on this computer.
/// `None` where that cannot be told (then only the lock's age decides).
pub fn process_alive(pid: u32) -> Option<bool> {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return Some(false);
        };
        // SAFETY: signal 0 only checks for existence and permission; it sends nothing.
        let rc = unsafe { libc::kill(pid, 0) };
        if rc == 0 {
            return Some(true);
        }
        Some(std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH))
    }
    #[cfg(windows)]
    {
        use windows_sys::Win32::Foundation::{
            CloseHandle, ERROR_ACCESS_DENIED, ERROR_INVALID_PARAMETER, GetLastError, STILL_ACTIVE,
        };
        use windows_sys::Win32::System::Threading::{
            GetExitCodeProcess, OpenProcess, PROCESS_QUERY_LIMITED_INFORMATION,
        };
        // SAFETY: OpenProcess takes no pointers; it returns a handle we own, or null on failure.
        let handle = unsafe { OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) };
        if handle.is_null() {
            // SAFETY: reads this thread's last error, which the failed OpenProcess just set.
            return match unsafe { GetLastError() } {
                ERROR_INVALID_PARAMETER => Some(false), // no process has this id
                ERROR_ACCESS_DENIED => Some(true),      // it exists, but belongs to someone else
                _ => None,
            };
        }
        let mut code = 0u32;
        // SAFETY: the handle is open and ours, `code` outlives the call; the handle is closed once.
        let read = unsafe {
            let read = GetExitCodeProcess(handle, &mut code) != 0;
            CloseHandle(handle);
            read
        };
        // An exited process whose handle someone still holds has its real exit code here. (One
        // that exited with 259 itself looks alive: then the lock's age decides, as before.)
        read.then_some(code == STILL_ACTIVE as u32)
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = pid;
        None
    }
}

/// Windows compares names without regard to capitals (`LogFiles` is `logfiles`); others exactly.
pub const NAMES_IGNORE_CASE: bool = cfg!(windows);

/// A name or `/`-separated path as this system compares it.
pub fn fold_case(s: &str, ignore_case: bool) -> std::borrow::Cow<'_, str> {
    if ignore_case { s.to_uppercase().into() } else { s.into() }
}

/// Whether two paths name the same file as this system compares names.
pub fn same_path(a: &Path, b: &Path, ignore_case: bool) -> bool {
    let parts =
        |p: &Path| p.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>();
    let (a, b) = (parts(a), parts(b));
    a.len() == b.len()
        && a.iter().zip(&b).all(|(x, y)| fold_case(x, ignore_case) == fold_case(y, ignore_case))
}

#[cfg(test)]
mod name_tests {
    use super::*;

    #[test]
    fn a_log_folder_spelt_with_other_capitals_is_the_same_on_windows_only() {
        let (a, b) = (
            Path::new("/srv/EXACTData/LogFiles/backup.log"),
            Path::new("/srv/EXACTData/logfiles/backup.log"),
        );
        assert!(same_path(a, b, true));
        assert!(!same_path(a, b, false));
        assert!(!same_path(a, Path::new("/srv/EXACTData/LogFiles/backup.log.1"), true));
    }
}

/// Keeps the computer from going to sleep while a backup runs (Windows; elsewhere nothing). Set and
/// cleared on the same thread, which must live as long as the run.
pub fn keep_awake(on: bool) {
    #[cfg(windows)]
    {
        use windows_sys::Win32::System::Power::{ES_CONTINUOUS, ES_SYSTEM_REQUIRED, SetThreadExecutionState};
        let flags = if on { ES_CONTINUOUS | ES_SYSTEM_REQUIRED } else { ES_CONTINUOUS };
        // SAFETY: only sets this thread's execution state flags.
        unsafe { SetThreadExecutionState(flags) };
    }
    #[cfg(not(windows))]
    let _ = on;
}

/// When the process with this id started, in the system's own units (clock ticks since boot on
/// Linux, a FILETIME on Windows): a process id reused by another program after a crash has a
/// different start. `None` where that cannot be told.
pub fn process_started(pid: u32) -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // The name in parentheses may hold spaces: fields are counted after its closing one.
        stat.rsplit_once(')')?.1.split_whitespace().nth(19)?.parse().ok()
    }
    #[cfg(windows)]
    {
        use windows_sys::Win32::Foundation::{CloseHandle, FILETIME};
        use windows_sys::Win32::System::Threading::{
            GetProcessTimes, OpenProcess, PROCESS_QUERY_LIMITED_INFORMATION,
        };
        // SAFETY: OpenProcess takes no pointers; it returns a handle we own, or null on failure.
        let handle = unsafe { OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) };
        if handle.is_null() {
            return None;
        }
        let zero = FILETIME { dwLowDateTime: 0, dwHighDateTime: 0 };
        let (mut created, mut exited, mut kernel, mut user) = (zero, zero, zero, zero);
        // SAFETY: the handle is open and ours; the four FILETIMEs outlive the call; closed once.
        let read = unsafe {
            let read = GetProcessTimes(handle, &mut created, &mut exited, &mut kernel, &mut user) != 0;
            CloseHandle(handle);
            read
        };
        read.then(|| (u64::from(created.dwHighDateTime) << 32) | u64::from(created.dwLowDateTime))
    }
    #[cfg(not(any(target_os = "linux", windows)))]
    {
        let _ = pid;
        None
    }
}

/// Lets a windowless (GUI-subsystem) program print to the console it was started from.
pub fn attach_parent_console() {
    #[cfg(windows)]
    // SAFETY: attaching to the parent's console has no preconditions; failure (no console) is fine.
    unsafe {
        windows_sys::Win32::System::Console::AttachConsole(
            windows_sys::Win32::System::Console::ATTACH_PARENT_PROCESS,
        );
    }
}

/// Whether stdout is a console that shows colours (on Windows, once they are turned on for it).
pub fn console_colors() -> bool {
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return false;
    }
    #[cfg(windows)]
    // SAFETY: reads and sets the mode of this process's own console output handle.
    unsafe {
        use windows_sys::Win32::System::Console as c;
        let (out, mut mode) = (c::GetStdHandle(c::STD_OUTPUT_HANDLE), 0);
        c::GetConsoleMode(out, &mut mode) != 0
            && c::SetConsoleMode(out, mode | c::ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0
    }
    #[cfg(not(windows))]
    true
}

/// Free space for this user at `dir`, or `None` where the file system does not say (some network
/// and FUSE file systems report a size of zero).
pub fn free_space(dir: &Path) -> Option<u64> {
    match (fs4::total_space(dir), fs4::available_space(dir)) {
        (Ok(total), Ok(free)) if total > 0 => Some(free),
        _ => None,
    }
}

/// The largest file the file system holding `dir` can store, where it is limited: FAT32 holds
/// files up to 4 GiB - 1 byte.
pub fn max_file_size(dir: &Path) -> Option<u64> {
    const FAT_LIMIT: u64 = u32::MAX as u64;
    #[cfg(target_os = "linux")]
    {
        let dir = std::fs::canonicalize(dir).ok()?;
        let table = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
        mounts::is_fat(mounts::mount_type(&table, &dir)?).then_some(FAT_LIMIT)
    }
    #[cfg(windows)]
    {
        use std::os::windows::ffi::OsStrExt;
        use windows_sys::Win32::Storage::FileSystem::{GetVolumeInformationW, GetVolumePathNameW};
        let wide: Vec<u16> = dir.as_os_str().encode_wide().chain([0]).collect();
        let mut root = [0u16; 261];
        let mut fs_name = [0u16; 64];
        // SAFETY: buffers are valid for the lengths given; strings are NUL-terminated.
        let ok = unsafe {
            GetVolumePathNameW(wide.as_ptr(), root.as_mut_ptr(), root.len() as u32) != 0
                && GetVolumeInformationW(
                    root.as_ptr(),
                    std::ptr::null_mut(),
                    0,
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    fs_name.as_mut_ptr(),
                    fs_name.len() as u32,
                ) != 0
        };
        let end = fs_name.iter().position(|&c| c == 0).unwrap_or(fs_name.len());
        let name = String::from_utf16_lossy(&fs_name[..end]);
        (ok && name.starts_with("FAT")).then_some(FAT_LIMIT)
    }
    #[cfg(not(any(target_os = "linux", windows)))]
    {
        let _ = dir;
        None
    }
}

/// Test-only overrides, read from the environment in debug builds only.
pub fn test_override(name: &str) -> Option<String> {
    if cfg!(debug_assertions) { std::env::var(name).ok().filter(|v| !v.is_empty()) } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_own_process_is_alive_and_a_child_that_has_exited_is_not() {
        assert_eq!(process_alive(std::process::id()), Some(true));
        #[cfg(windows)]
        let mut child = std::process::Command::new("cmd").args(["/c", "exit"]).spawn().unwrap();
        #[cfg(not(windows))]
        let mut child = std::process::Command::new("true").spawn().unwrap();
        assert!(child.wait().unwrap().success());
        // (On Windows `child` still holds a handle, so the id cannot be given to another process.)
        assert_eq!(process_alive(child.id()), Some(false));
    }
}
