fn main() -> std::process::ExitCode {
    logoff_backup::cli::main()
}
