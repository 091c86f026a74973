//! A server's share for tests: `bench/slow-share`, a read-only FUSE mirror of a folder, built once
//! (its own target folder) and mounted without delays unless asked. Mounting needs root, as CI
//! runs.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};

/// The slow-share program, built on first use.
fn program() -> &'static Path {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let target = repo.join("target").join("slow-share");
        let out = Command::new(env!("CARGO"))
            .args(["build", "--release", "--quiet", "--locked", "--manifest-path"])
            .arg(repo.join("bench/slow-share/Cargo.toml"))
            .arg("--target-dir")
            .arg(&target)
            .output()
            .expect("cargo");
        assert!(out.status.success(), "building slow-share: {}", String::from_utf8_lossy(&out.stderr));
        target.join("release").join("slow-share")
    })
}

/// `source` mirrored at `at` until dropped.
pub struct Share {
    at: PathBuf,
    child: Child,
}

impl Share {
    /// Mounts with slow-share's own options (`--fail-opens 7`, `--ino-offset N`, ...).
    pub fn mount(source: &Path, at: &Path, options: &[&str]) -> Share {
        std::fs::create_dir_all(at).unwrap();
        let child = Command::new(program())
            .arg(source)
            .arg(at)
            .args(["--delay-ms", "0", "--mbps", "100000"])
            .args(options)
            .spawn()
            .expect("slow-share");
        let share = Share { at: at.to_path_buf(), child };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let at = at.to_string_lossy().replace(' ', "\\040");
        while !std::fs::read_to_string("/proc/self/mountinfo").unwrap().contains(&format!(" {at} ")) {
            assert!(std::time::Instant::now() < deadline, "slow-share never mounted {at}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        share
    }
}

impl Drop for Share {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.at).output();
        let _ = self.child.wait();
    }
}
