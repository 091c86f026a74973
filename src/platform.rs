//! The little that differs between Windows and the rest: names, flushing, process checks.

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
    #[cfg(not(unix))]
    {
        let _ = pid;
        None
    }
}

/// Flushes everything written under `dir` to the disk. On Linux one `syncfs` covers the whole
/// file system; elsewhere files are flushed one by one as they are written (see `flush_each_file`).
pub fn flush_tree(dir: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let f = std::fs::File::open(dir)?;
        // SAFETY: the descriptor is valid for the duration of the call.
        if unsafe { libc::syncfs(f.as_raw_fd()) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        let _ = dir;
        // SAFETY: sync takes no arguments and cannot fail.
        unsafe { libc::sync() };
        Ok(())
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Whether each copied file must be flushed on its own (no whole-tree flush on this platform).
pub const FLUSH_EACH_FILE: bool = cfg!(not(unix));

/// Flushes a directory's entries (a rename inside it) to disk where the platform allows.
pub fn flush_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
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

/// Test-only overrides, read from the environment in debug builds only.
pub fn test_override(name: &str) -> Option<String> {
    if cfg!(debug_assertions) { std::env::var(name).ok().filter(|v| !v.is_empty()) } else { None }
}
