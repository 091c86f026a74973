//! `after -- PROGRAM`: start EXACT, wait until it has closed, then prompt. On Windows the wait
//! covers every process EXACT started too (a job object), so the prompt never comes while a part of
//! it still holds the database open.

use std::ffi::OsString;
use std::process::Command;

/// Runs the program and waits until it (and on Windows each process it started) has exited.
pub fn run_and_wait(program: &[OsString]) -> std::io::Result<()> {
    let Some((exe, args)) = program.split_first() else { return Ok(()) };
    let mut child = Command::new(exe).args(args).spawn()?;
    #[cfg(windows)]
    let job = job::Job::holding(&child);
    child.wait()?;
    #[cfg(windows)]
    if let Some(job) = job {
        job.wait_until_empty();
    }
    Ok(())
}

#[cfg(windows)]
mod job {
    use std::os::windows::io::AsRawHandle;
    use windows_sys::Win32::Foundation::{CloseHandle, HANDLE};
    use windows_sys::Win32::System::JobObjects::{
        AssignProcessToJobObject, CreateJobObjectW, JOBOBJECT_BASIC_ACCOUNTING_INFORMATION,
        JobObjectBasicAccountingInformation, QueryInformationJobObject,
    };

    /// A job holding the program and, from then on, every process it starts.
    pub struct Job(HANDLE);

    impl Job {
        /// `None` where the process cannot be put in a job (then only the process itself is awaited).
        pub fn holding(child: &std::process::Child) -> Option<Job> {
            // SAFETY: an unnamed job with default security; the result is checked.
            let handle = unsafe { CreateJobObjectW(std::ptr::null(), std::ptr::null()) };
            if handle.is_null() {
                return None;
            }
            let job = Job(handle);
            // SAFETY: both handles are valid for the duration of the call.
            let ok = unsafe { AssignProcessToJobObject(job.0, child.as_raw_handle() as HANDLE) };
            (ok != 0).then_some(job)
        }

        /// Waits until no process in the job is running.
        pub fn wait_until_empty(&self) {
            loop {
                let mut info = JOBOBJECT_BASIC_ACCOUNTING_INFORMATION::default();
                // SAFETY: `info` is a valid, writable buffer of the size given.
                let ok = unsafe {
                    QueryInformationJobObject(
                        self.0,
                        JobObjectBasicAccountingInformation,
                        (&mut info as *mut JOBOBJECT_BASIC_ACCOUNTING_INFORMATION).cast(),
                        std::mem::size_of::<JOBOBJECT_BASIC_ACCOUNTING_INFORMATION>() as u32,
                        std::ptr::null_mut(),
                    )
                };
                if ok == 0 || info.ActiveProcesses == 0 {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(500));
            }
        }
    }

    impl Drop for Job {
        fn drop(&mut self) {
            // SAFETY: the handle came from CreateJobObjectW and is closed once.
            unsafe { CloseHandle(self.0) };
        }
    }
}
