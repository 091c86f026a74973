//! A fault scenario: a practice with one good backup, and the checks every fault must pass.

use super::*;
use std::path::{Path, PathBuf};
use std::process::Output;

pub struct Scenario {
    pub env: TestEnv,
    pub previous: PathBuf,
    previous_print: Vec<(PathBuf, String)>,
    data_print: Vec<(PathBuf, String)>,
}

impl Scenario {
    /// A practice, its first good backup, and a day's new X-ray.
    pub fn new() -> Scenario {
        Scenario::changed(TestEnv::with_practice(), &[])
    }

    /// As `new`, in a prepared test folder (e.g. with a drive mounted at its destination).
    pub fn new_in(env: TestEnv) -> Scenario {
        Scenario::changed(env, &[])
    }

    /// As `new`, and these files (relative to the data folder) changed since, so the next run
    /// copies them rather than linking them.
    pub fn changed(env: TestEnv, files: &[&str]) -> Scenario {
        let out = env.backup(&[]);
        assert_eq!(code(&out), 0, "the first backup: {}", text(&out));
        env.write("X-rays/2025/today.dcm", &pseudo_random(7, 200_000));
        for (i, f) in files.iter().enumerate() {
            env.write(f, &pseudo_random(100 + i as u64, 5000));
        }
        let previous = env.newest_set();
        Scenario {
            previous_print: fingerprint(&previous),
            data_print: tree(&env.data, &["logfiles"]),
            previous,
            env,
        }
    }

    /// Every log this run may have written to: the shared one and this computer's own.
    pub fn logs(&self) -> String {
        let local =
            std::fs::read_to_string(self.env.path("local/logoff-backup/backup.log")).unwrap_or_default();
        format!("{}{local}", self.env.log())
    }

    /// The checks every fault must pass: the honest exit code, the log naming the cause, the
    /// previous set byte-identical, no unfinished set left or taken for complete, and the live data
    /// unchanged (but for `touched`, which the fault itself changed).
    pub fn check(&self, out: &Output, expected: i32, log_says: &[&str], touched: &[&str]) {
        assert_eq!(code(out), expected, "{}", text(out));
        let logs = self.logs();
        let last = logs.rsplit("===== Network backup =====").next().unwrap_or_default();
        for needle in log_says {
            assert!(last.contains(needle), "the log should say {needle:?}:\n{last}");
        }
        assert_eq!(fingerprint(&self.previous), self.previous_print, "the previous set is untouched");
        let leftovers: Vec<String> = std::fs::read_dir(&self.env.dest)
            .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        assert!(
            !leftovers.iter().any(|n| n.starts_with(".partial-") || n.starts_with(".deleting-")),
            "{leftovers:?}"
        );
        let now: Vec<_> = tree(&self.env.data, &["logfiles"])
            .into_iter()
            .filter(|(p, _)| !touched.iter().any(|t| p.ends_with(t)))
            .collect();
        let before: Vec<_> = self
            .data_print
            .iter()
            .filter(|(p, _)| !touched.iter().any(|t| p.ends_with(t)))
            .cloned()
            .collect();
        assert_eq!(now, before, "the live data folder is unchanged");
    }

    /// With the fault gone, the next run succeeds, its set holds what the data folder holds, and
    /// `verify` agrees. (Times are left out: FAT drives keep them only to the second.)
    pub fn next_run_succeeds(&self) {
        let out = self.env.backup(&[]);
        assert_eq!(code(&out), 0, "the run after the fault: {}", text(&out));
        let set = self.env.newest_set();
        assert_eq!(contents(&set.join("data"), &["logfiles"]), contents(&self.env.data, &["logfiles"]));
        let verify = self.env.command().arg("verify").arg(&set).output().unwrap();
        assert_eq!(code(&verify), 0, "{}", text(&verify));
    }
}

/// A file system mounted for one test, unmounted when dropped. Mounting needs root (CI runs as
/// root); a test that cannot mount fails rather than skipping.
pub struct Mount(pub PathBuf, Option<String>);

fn run_ok(program: &str, args: &[&std::ffi::OsStr]) -> String {
    let out =
        std::process::Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(out.status.success(), "{program} {args:?} failed (these tests need root): {}", text(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn image(path: &Path, mb: u64) {
    std::fs::File::create(path).unwrap().set_len(mb * 1024 * 1024).unwrap();
}

impl Mount {
    pub fn tmpfs(dir: &Path, size: &str) -> Mount {
        std::fs::create_dir_all(dir).unwrap();
        let opts = format!("size={size}");
        run_ok(
            "mount",
            &[
                "-t".as_ref(),
                "tmpfs".as_ref(),
                "-o".as_ref(),
                opts.as_ref(),
                "tmpfs".as_ref(),
                dir.as_os_str(),
            ],
        );
        Mount(dir.to_path_buf(), None)
    }

    /// An exFAT drive (a USB stick): no hard links. Through FUSE on a loop device, as this
    /// kernel has no FAT drivers of its own.
    pub fn exfat(dir: &Path, img: &Path, mb: u64) -> Mount {
        std::fs::create_dir_all(dir).unwrap();
        image(img, mb);
        run_ok("mkfs.exfat", &[img.as_os_str()]);
        let loop_dev = run_ok("losetup", &["-f".as_ref(), "--show".as_ref(), img.as_os_str()]);
        run_ok("mount.exfat-fuse", &[loop_dev.as_ref(), dir.as_os_str()]);
        Mount(dir.to_path_buf(), Some(loop_dev))
    }

    /// A FAT32 drive (an old USB stick): files up to 4 GiB, no hard links. Through FUSE.
    pub fn fat32(dir: &Path, img: &Path, mb: u64) -> Mount {
        std::fs::create_dir_all(dir).unwrap();
        image(img, mb);
        run_ok("mkfs.fat", &["-F".as_ref(), "32".as_ref(), img.as_os_str()]);
        run_ok("fusefat", &["-o".as_ref(), "rw+".as_ref(), img.as_os_str(), dir.as_os_str()]);
        Mount(dir.to_path_buf(), None)
    }

    /// The folder `from` reached at `dir` too (a second drive letter, a junction, a bind mount).
    pub fn bind(from: &Path, dir: &Path) -> Mount {
        std::fs::create_dir_all(dir).unwrap();
        run_ok("mount", &["--bind".as_ref(), from.as_os_str(), dir.as_os_str()]);
        Mount(dir.to_path_buf(), None)
    }

    pub fn remount_read_only(&self) {
        let out =
            std::process::Command::new("mount").args(["-o", "remount,ro"]).arg(&self.0).output().unwrap();
        assert!(out.status.success(), "remount: {}", text(&out));
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).output();
        if let Some(dev) = &self.1 {
            let _ = std::process::Command::new("losetup").arg("-d").arg(dev).output();
        }
    }
}

/// The real binary without root's power to read and write anything, as a Windows user is.
#[cfg(unix)]
pub fn as_ordinary_user(env: &TestEnv) -> std::process::Command {
    let mut c = if unsafe { libc::geteuid() } == 0 {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--bounding-set=-dac_override,-dac_read_search", "--"]);
        c.arg(env!("CARGO_BIN_EXE_logoff-backup"));
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_logoff-backup"))
    };
    for (k, v) in env.command().get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c.env("LOGOFF_BACKUP_RETRY_SCALE", "0.01");
    c
}
