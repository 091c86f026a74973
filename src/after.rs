//! `after -- PROGRAM`: start EXACT, wait until it has closed, then prompt. On Windows the wait
//! covers the processes EXACT started too (a job object), so the prompt does not come while a part
//! of it still holds the database open; but only for `others_max` after EXACT itself has closed, so
//! a helper it leaves running (a tray icon) cannot keep the prompt away for good.

use crate::settings::{self, Settings};
use crate::terminal::errln;
use std::ffi::OsString;
use std::process::{Command, ExitCode};
use std::time::Duration;

/// How long `after` waits, by default, for what EXACT started once EXACT itself has closed.
pub const OTHERS_MAX: Duration = Duration::from_secs(30);

/// How the wait ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Waited {
    /// The program and everything it started (as far as the platform tells) have closed.
    AllClosed,
    /// The program closed; something it started was still running after `others_max`.
    OthersStillRunning,
}

/// Runs the program, waits for it to close, then prompts (unless the settings say not to ask).
pub fn then_prompt(program: &[OsString], others: Duration, locations: settings::Locations) -> ExitCode {
    let name = program.first().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
    match run_and_wait(program, others) {
        Ok(Waited::AllClosed) => {}
        Ok(Waited::OthersStillRunning) => errln!(
            "logoff-backup: {name} has closed; what it started was still running {} s later: asking now",
            others.as_secs()
        ),
        Err(e) => errln!("logoff-backup: cannot start {name}: {e}"),
    }
    let ask = locations.find().and_then(|p| Settings::load(&p).ok()).is_none_or(|s| s.prompt_on_exit);
    if ask { crate::gui::app::run(locations, false) } else { ExitCode::SUCCESS }
}

/// Runs the program and waits until it has exited and, on Windows, each process it started has
/// too, or `others_max` has passed since it exited.
pub fn run_and_wait(program: &[OsString], others_max: Duration) -> std::io::Result<Waited> {
    let Some((exe, args)) = program.split_first() else { return Ok(Waited::AllClosed) };
    let mut command = Command::new(exe);
    command.args(args);
    #[cfg(windows)]
    return job::run(command, others_max);
    #[cfg(not(windows))]
    {
        let _ = others_max;
        command.status().map(|_| Waited::AllClosed)
    }
}

#[cfg(windows)]
mod job {
    use super::Waited;
    use std::process::Command;
    use std::time::{Duration, Instant};
    use windows_sys::Win32::Foundation::{CloseHandle, HANDLE};
    use windows_sys::Win32::System::JobObjects::{
        AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_BREAKAWAY_OK,
        JOBOBJECT_BASIC_ACCOUNTING_INFORMATION, JOBOBJECT_EXTENDED_LIMIT_INFORMATION,
        JobObjectBasicAccountingInformation, JobObjectExtendedLimitInformation, QueryInformationJobObject,
        SetInformationJobObject,
    };
    use windows_sys::Win32::System::Threading::GetCurrentProcess;

    /// Puts this process in a job first, so the program and everything it starts are in it from
    /// their first instruction (a process is created in its parent's job), then runs the program
    /// and waits. Where the job cannot be made, only the program itself is awaited.
    pub fn run(mut command: Command, others_max: Duration) -> std::io::Result<Waited> {
        let job = Job::new().filter(Job::hold_this_process);
        command.spawn()?.wait()?;
        Ok(match job {
            Some(job) if !job.wait_until_only_this_process(others_max) => Waited::OthersStillRunning,
            _ => Waited::AllClosed,
        })
    }

    /// A job holding this process, the program and every process it starts, except those that
    /// ask to break away (allowed, so a program that starts a helper that way still works as
    /// without this wrapper). Closing it ends none of them.
    struct Job(HANDLE);

    impl Job {
        fn new() -> Option<Job> {
            // SAFETY: an unnamed job with default security; the result is checked.
            let handle = unsafe { CreateJobObjectW(std::ptr::null(), std::ptr::null()) };
            if handle.is_null() {
                return None;
            }
            let job = Job(handle);
            let mut limits = JOBOBJECT_EXTENDED_LIMIT_INFORMATION::default();
            limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_BREAKAWAY_OK;
            // SAFETY: `limits` is a valid structure of the size given.
            let ok = unsafe {
                SetInformationJobObject(
                    job.0,
                    JobObjectExtendedLimitInformation,
                    (&limits as *const JOBOBJECT_EXTENDED_LIMIT_INFORMATION).cast(),
                    std::mem::size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32,
                )
            };
            (ok != 0).then_some(job)
        }

        /// Puts this process in the job (false where it cannot be, e.g. a job that forbids it).
        fn hold_this_process(&self) -> bool {
            // SAFETY: the job handle is valid; the pseudo handle of this process needs no closing.
            unsafe { AssignProcessToJobObject(self.0, GetCurrentProcess()) != 0 }
        }

        /// Waits until this process is the only one in the job still running (true), or `max` has
        /// passed (false).
        fn wait_until_only_this_process(&self, max: Duration) -> bool {
            let deadline = Instant::now() + max;
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
                if ok == 0 || info.ActiveProcesses <= 1 {
                    return true;
                }
                if Instant::now() >= deadline {
                    return false;
                }
                std::thread::sleep(Duration::from_millis(250));
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
