//! Settings files: found in order, defaults for missing fields, clear errors, flags alone.

mod common;
use common::*;

fn user_settings(env: &TestEnv, text: &str) -> std::path::PathBuf {
    // Joined a name at a time: spelt with this system's separators, as the program names it.
    let p = env.path("config").join("logoff-backup").join("settings.ron");
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

fn ron_path(p: &std::path::Path) -> String {
    format!("{:?}", p.to_str().unwrap())
}

#[test]
fn the_per_user_settings_file_is_used_and_missing_fields_take_defaults() {
    let env = TestEnv::with_practice();
    let ron = format!("(data_folder: {}, destination: {})", ron_path(&env.data), ron_path(&env.dest));
    let file = user_settings(&env, &ron);
    let out = env.command().arg("run").output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let log = env.log();
    assert!(
        log.contains("Sub-directories: yes")
            && log.contains("new copies read back from the backup drive and compared with the originals"),
        "{log}"
    );
    assert_eq!(std::fs::read_to_string(file).unwrap(), ron, "run never writes the settings file");
}

#[test]
fn a_corrupt_settings_file_exits_3_naming_file_and_line() {
    let env = TestEnv::with_practice();
    let file = user_settings(&env, "(\n    data_folder: \"x\",\n    keep_last: many,\n)\n");
    let out = env.command().arg("run").output().unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out));
    let msg = text(&out);
    assert!(msg.contains(&file.display().to_string()) && msg.contains("line 3"), "{msg}");
    assert!(env.sets().is_empty());
}

#[test]
fn explicit_config_wins_over_the_user_file() {
    let env = TestEnv::with_practice();
    user_settings(&env, "(data_folder: \"/nowhere\", destination: \"/nowhere\")");
    let other = env.path("other.ron");
    let ron = format!("(data_folder: {}, destination: {})", ron_path(&env.data), ron_path(&env.dest));
    std::fs::write(&other, ron).unwrap();
    let out = env.command().arg("--config").arg(&other).arg("run").output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
}

#[test]
fn folder_flags_without_config_ignore_an_existing_settings_file() {
    let env = TestEnv::with_practice();
    let elsewhere = env.path("elsewhere");
    let ron = format!(
        "(data_folder: {}, destination: {}, include_subdirectories: false)",
        ron_path(&env.data),
        ron_path(&elsewhere)
    );
    user_settings(&env, &ron);
    let out = env.backup(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(!elsewhere.exists());
    assert!(env.newest_set().join("data/X-rays").is_dir(), "the file's no-subdirectories was not used");
}

#[test]
fn no_settings_at_all_exits_3_with_what_to_do() {
    let env = TestEnv::new();
    let out = env.command().arg("run").output().unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out));
    assert!(text(&out).contains("no settings"), "{}", text(&out));
}

#[test]
fn settings_pointing_at_missing_folders_fail_before_copying() {
    let env = TestEnv::new();
    let ron = format!("(data_folder: {}, destination: {})", ron_path(&env.path("gone")), ron_path(&env.dest));
    user_settings(&env, &ron);
    let out = env.command().arg("run").output().unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("The server could not be reached for"), "{}", text(&out));
}

#[test]
fn after_runs_the_program_then_respects_prompt_on_exit() {
    let env = TestEnv::with_practice();
    let ron = format!(
        "(data_folder: {}, destination: {}, prompt_on_exit: false)",
        ron_path(&env.data),
        ron_path(&env.dest)
    );
    user_settings(&env, &ron);
    let marker = env.path("exact-ran");
    let mut c = env.command();
    #[cfg(unix)]
    c.args(["after", "--", "sh", "-c"]).arg(format!("sleep 0.2; touch '{}'", marker.display()));
    // On Windows cmd makes the marker, a folder.
    #[cfg(windows)]
    c.args(["after", "--", "cmd", "/c", "mkdir"]).arg(&marker);
    let out = c.output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(marker.exists(), "the program ran to its end first");
    assert!(env.sets().is_empty(), "no prompt, no backup, when the settings say not to ask");
}
