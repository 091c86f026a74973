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

pub fn backup_started(run: &crate::worker::WorkerHandle) {
    #[cfg(windows)]
    windows::started(run);
    #[cfg(not(windows))]
    let _ = run;
}

pub fn backup_ended() {
    #[cfg(windows)]
    windows::ended();
}

#[cfg(windows)]
mod windows {
    use raw_window_handle::{HasWindowHandle, RawWindowHandle};
    use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicU32, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};
    use windows_sys::Win32::Foundation::{HWND as Hwnd, LPARAM, LRESULT, WPARAM};
    use windows_sys::Win32::System::Shutdown::{ShutdownBlockReasonCreate, ShutdownBlockReasonDestroy};
    use windows_sys::Win32::UI::Shell::{DefSubclassProc, SetWindowSubclass};
    use windows_sys::Win32::UI::WindowsAndMessaging::{WM_ENDSESSION, WM_QUERYENDSESSION};

    static HWND: AtomicIsize = AtomicIsize::new(0);
    /// The running backup's cancel and finished flags.
    static RUN: Mutex<Option<(Arc<AtomicBool>, Arc<AtomicBool>)>> = Mutex::new(None);

    pub fn started(run: &crate::worker::WorkerHandle) {
        if let Ok(mut r) = RUN.lock() {
            *r = Some((run.cancel.clone(), run.finished.clone()));
        }
        keep_awake(true);
    }

    pub fn ended() {
        if let Ok(mut r) = RUN.lock() {
            *r = None;
        }
        keep_awake(false);
        set_progress(None);
    }

    fn running() -> bool {
        RUN.lock()
            .ok()
            .is_some_and(|r| r.as_ref().is_some_and(|(_, finished)| !finished.load(Ordering::Relaxed)))
    }

    /// Windows is ending the session after all: stop the run so it logs CANCELLED with the cause,
    /// within the few seconds Windows waits for this message.
    fn session_ending() {
        let Some((cancel, finished)) = RUN.lock().ok().and_then(|r| r.clone()) else { return };
        crate::engine::set_cancel_cause("Windows was logging off or shutting down");
        cancel.store(true, Ordering::Relaxed);
        let deadline = Instant::now() + Duration::from_secs(4);
        while !finished.load(Ordering::Relaxed) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    unsafe extern "system" fn on_message(
        hwnd: Hwnd,
        msg: u32,
        wparam: WPARAM,
        lparam: LPARAM,
        _id: usize,
        _data: usize,
    ) -> LRESULT {
        // While a backup runs, Windows is asked to wait: it then shows the block reason
        // ("Network backup in progress, 63%") and lets the user choose.
        if msg == WM_QUERYENDSESSION && running() {
            return 0;
        }
        if msg == WM_ENDSESSION && wparam != 0 {
            session_ending();
        }
        // SAFETY: passes the message on to the window's own procedure, as subclassing requires.
        unsafe { DefSubclassProc(hwnd, msg, wparam, lparam) }
    }
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
            // SAFETY: the window belongs to this thread; the procedure lives as long as the program.
            unsafe { SetWindowSubclass(h.hwnd.get() as Hwnd, Some(on_message), 1, 0) };
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

    fn keep_awake(on: bool) {
        crate::platform::keep_awake(on);
    }
}
