// No console window behind the prompt in release builds on Windows; `run` and friends attach to the
// console they were started from.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    logoff_backup::cli::main()
}
