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
    if ask { crate::gui::app::run(locations) } else { ExitCode::SUCCESS }
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
    use std::os::windows::io::AsRawHandle;
    use std::os::windows::process::CommandExt;
    use std::process::{Child, Command};
    use std::time::{Duration, Instant};
    use windows_sys::Win32::Foundation::{CloseHandle, HANDLE, INVALID_HANDLE_VALUE};
    use windows_sys::Win32::System::Diagnostics::ToolHelp::{
        CreateToolhelp32Snapshot, TH32CS_SNAPTHREAD, THREADENTRY32, Thread32First, Thread32Next,
    };
    use windows_sys::Win32::System::JobObjects::{
        AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_BREAKAWAY_OK,
        JOBOBJECT_BASIC_ACCOUNTING_INFORMATION, JOBOBJECT_EXTENDED_LIMIT_INFORMATION,
        JobObjectBasicAccountingInformation, JobObjectExtendedLimitInformation, QueryInformationJobObject,
        SetInformationJobObject,
    };
    use windows_sys::Win32::System::Threading::{
        CREATE_SUSPENDED, OpenThread, ResumeThread, THREAD_SUSPEND_RESUME,
    };

    /// Starts the program suspended, puts it in a job before it can start anything, lets it run,
    /// and waits. Where that cannot be done, the program is started plainly and only it is awaited.
    pub fn run(mut command: Command, others_max: Duration) -> std::io::Result<Waited> {
        let (mut child, job) = match Job::new() {
            Some(job) => match start_in(&job, &mut command) {
                Some(child) => (child, Some(job)),
                None => (command.creation_flags(0).spawn()?, None),
            },
            None => (command.spawn()?, None),
        };
        child.wait()?;
        Ok(match job {
            Some(job) if !job.wait_until_empty(others_max) => Waited::OthersStillRunning,
            _ => Waited::AllClosed,
        })
    }

    /// The child, running inside the job; `None` (and no process left behind) where it could not
    /// be started suspended, put in the job or resumed.
    fn start_in(job: &Job, command: &mut Command) -> Option<Child> {
        let mut child = command.creation_flags(CREATE_SUSPENDED).spawn().ok()?;
        // SAFETY: both handles are valid for the duration of the call.
        let held = unsafe { AssignProcessToJobObject(job.0, child.as_raw_handle() as HANDLE) } != 0;
        if held && resume(child.id()) {
            return Some(child);
        }
        // Never run outside the job nor stay suspended: it is started again without either.
        let _ = child.kill();
        let _ = child.wait();
        None
    }

    /// Resumes the threads of a process started suspended (it has one: its first).
    fn resume(pid: u32) -> bool {
        // SAFETY: a snapshot of every thread; the handle is checked and closed below.
        let snapshot = unsafe { CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0) };
        if snapshot == INVALID_HANDLE_VALUE {
            return false;
        }
        let mut entry =
            THREADENTRY32 { dwSize: std::mem::size_of::<THREADENTRY32>() as u32, ..Default::default() };
        let mut resumed = false;
        // SAFETY: `entry` is a valid THREADENTRY32 with its size set, as both calls require.
        let mut more = unsafe { Thread32First(snapshot, &mut entry) } != 0;
        while more {
            if entry.th32OwnerProcessID == pid {
                // SAFETY: the thread handle is checked, used once and closed.
                unsafe {
                    let thread = OpenThread(THREAD_SUSPEND_RESUME, 0, entry.th32ThreadID);
                    if !thread.is_null() {
                        resumed |= ResumeThread(thread) != u32::MAX;
                        CloseHandle(thread);
                    }
                }
            }
            // SAFETY: as above.
            more = unsafe { Thread32Next(snapshot, &mut entry) } != 0;
        }
        // SAFETY: the snapshot handle is closed once.
        unsafe { CloseHandle(snapshot) };
        resumed
    }

    /// A job holding the program and every process it starts, except those that ask to break away
    /// (allowed, so a program that starts a helper that way still works as without this wrapper).
    /// Closing it does not end them.
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

        /// Waits until no process in the job is running (true), or `max` has passed (false).
        fn wait_until_empty(&self, max: Duration) -> bool {
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
                if ok == 0 || info.ActiveProcesses == 0 {
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
