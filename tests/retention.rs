//! Retention keeps exactly what its rules say, using a clock set per run.

mod common;
use common::*;

fn names(env: &TestEnv) -> Vec<String> {
    env.sets().iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect()
}

#[test]
fn keep_n_keeps_the_newest_n() {
    let env = TestEnv::with_practice();
    for day in 1..=4 {
        let out = env.backup_at(&format!("2026-11-0{day}T17:30:00"), &["--keep", "2"]);
        assert_eq!(code(&out), 0, "{}", text(&out));
    }
    assert_eq!(names(&env), ["2026-11-03_173000_RECEPTION1", "2026-11-04_173000_RECEPTION1"]);
    assert!(
        env.log().contains("Removed old backups (retention): 2026-11-02_173000_RECEPTION1"),
        "{}",
        env.log()
    );
}

#[test]
fn daily_rules_keep_the_newest_backup_of_each_day() {
    let env = TestEnv::with_practice();
    let config = env.path("settings.ron");
    let ron = format!(
        "(data_folder: {:?}, destination: {:?}, keep_last: 1, keep_daily: 2, keep_weekly: 0, keep_monthly: 0)",
        env.data.to_str().unwrap(),
        env.dest.to_str().unwrap()
    );
    std::fs::write(&config, ron).unwrap();
    for now in ["2026-11-01T12:30:00", "2026-11-01T17:30:00", "2026-11-02T17:30:00", "2026-11-03T12:30:00"] {
        let out = env
            .command()
            .env("LOGOFF_BACKUP_NOW", now)
            .arg("--config")
            .arg(&config)
            .arg("run")
            .output()
            .unwrap();
        assert_eq!(code(&out), 0, "{}", text(&out));
    }
    assert_eq!(names(&env), ["2026-11-02_173000_RECEPTION1", "2026-11-03_123000_RECEPTION1"]);
}

#[test]
fn a_second_run_in_the_same_second_gets_a_suffix() {
    let env = TestEnv::with_practice();
    for _ in 0..2 {
        assert_eq!(code(&env.backup_at("2026-11-26T17:30:05", &[])), 0);
    }
    assert_eq!(names(&env), ["2026-11-26_173005_RECEPTION1", "2026-11-26_173005_RECEPTION1-2"]);
}
