//! The Windows session around a run: keep the computer awake and hold off logoff or shutdown with a
//! reason while a backup is running. Does nothing on other systems.

/// Remembers the window, once it exists.
pub fn attach(frame: &eframe::Frame) {
    #[cfg(windows)]
    windows::attach(frame);
    #[cfg(not(windows))]
    let _ = frame;
}

/// Called once per frame: `Some(fraction)` while a run is going, `None` otherwise.
pub fn set_progress(fraction: Option<f32>) {
    #[cfg(windows)]
    windows::set_progress(fraction);
    #[cfg(not(windows))]
    let _ = fraction;
}

pub fn backup_started() {
    #[cfg(windows)]
    windows::keep_awake(true);
}

pub fn backup_ended() {
    #[cfg(windows)]
    {
        windows::keep_awake(false);
        windows::set_progress(None);
    }
}

#[cfg(windows)]
mod windows {
    use raw_window_handle::{HasWindowHandle, RawWindowHandle};
    use std::sync::atomic::{AtomicIsize, AtomicU32, Ordering};
    use windows_sys::Win32::System::Power::{ES_CONTINUOUS, ES_SYSTEM_REQUIRED, SetThreadExecutionState};
    use windows_sys::Win32::System::Shutdown::{ShutdownBlockReasonCreate, ShutdownBlockReasonDestroy};

    static HWND: AtomicIsize = AtomicIsize::new(0);
    /// The percentage last shown in the block reason, or u32::MAX when no reason is set.
    static SHOWN: AtomicU32 = AtomicU32::new(u32::MAX);

    pub fn attach(frame: &eframe::Frame) {
        if HWND.load(Ordering::Relaxed) != 0 {
            return;
        }
        if let Ok(handle) = frame.window_handle()
            && let RawWindowHandle::Win32(h) = handle.as_raw()
        {
            HWND.store(h.hwnd.get(), Ordering::Relaxed);
        }
    }

    pub fn set_progress(fraction: Option<f32>) {
        let hwnd = HWND.load(Ordering::Relaxed) as windows_sys::Win32::Foundation::HWND;
        if hwnd.is_null() {
            return;
        }
        match fraction {
            Some(f) => {
                let percent = (f * 100.0) as u32;
                if SHOWN.swap(percent, Ordering::Relaxed) != percent {
                    let text: Vec<u16> =
                        format!("Network backup in progress, {percent}%").encode_utf16().chain([0]).collect();
                    // SAFETY: hwnd is this process's window; text is NUL-terminated UTF-16.
                    unsafe { ShutdownBlockReasonCreate(hwnd, text.as_ptr()) };
                }
            }
            None => {
                if SHOWN.swap(u32::MAX, Ordering::Relaxed) != u32::MAX {
                    // SAFETY: hwnd is this process's window.
                    unsafe { ShutdownBlockReasonDestroy(hwnd) };
                }
            }
        }
    }

    pub fn keep_awake(on: bool) {
        let flags = if on { ES_CONTINUOUS | ES_SYSTEM_REQUIRED } else { ES_CONTINUOUS };
        // SAFETY: only sets this thread's execution state flags.
        unsafe { SetThreadExecutionState(flags) };
    }
}
