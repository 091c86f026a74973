//! A window that cannot open is never a silent failure: the cause goes to backup.log and to the
//! console, and the exit code is 2. (On Linux a missing display makes it fail; on Windows, where
//! OpenGL can be missing, the same path is taken once Direct3D has failed too.)
#![cfg(all(unix, not(target_os = "macos")))]

mod common;
use common::*;

#[test]
fn a_prompt_that_cannot_open_says_so_in_the_practices_log() {
    let env = TestEnv::with_practice();
    let settings = env.path("settings.ron");
    let ron = format!("(data_folder: {:?}, destination: {:?})", env.data, env.dest);
    std::fs::write(&settings, ron).unwrap();
    let out = env
        .command()
        .arg("--config")
        .arg(&settings)
        .arg("prompt")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WAYLAND_SOCKET")
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    let log = env.log();
    assert!(
        log.contains("===== Window could not open =====") && log.contains("Window:          Network backup"),
        "{log}"
    );
    assert!(log.contains("Cause:           glow: ") && log.contains("DISPLAY"), "names what failed: {log}");
    assert!(
        text(&out).contains(&env.data.join("logfiles").join("backup.log").display().to_string()),
        "{}",
        text(&out)
    );
    assert!(!env.dest.exists(), "no backup was started");
}
