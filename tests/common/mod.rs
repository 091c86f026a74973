//! A practice in a temp folder: a data folder, a backup folder, its own config and data homes,
//! and the real binary to run against them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod clinic;
pub mod scenario;
#[cfg(target_os = "linux")]
pub mod share;
pub mod ui;

pub struct TestEnv {
    pub root: tempfile::TempDir,
    pub data: PathBuf,
    pub dest: PathBuf,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("EXACTData");
        let dest = root.path().join("DataBkup");
        std::fs::create_dir_all(&data).unwrap();
        TestEnv { root, data, dest }
    }

    /// A practice-like tree: database files, nested and empty folders, odd names, empty and big files.
    pub fn with_practice() -> TestEnv {
        let env = TestEnv::new();
        env.write("Practice.db", &pseudo_random(1, 300_000));
        env.write("Practice.idx", b"index");
        env.write("X-rays/2024/Jane Smith.dcm", &pseudo_random(2, 3 * 1024 * 1024 + 7));
        env.write("X-rays/2025/Ünïcödé 名前.dcm", &pseudo_random(3, 4096));
        env.write("Documents/Scanned docs/empty.pdf", b"");
        env.write("Forms/Clinipad/form 1.xml", b"<form/>");
        std::fs::create_dir_all(env.data.join("Letters/Empty folder")).unwrap();
        env
    }

    /// Writes a file in the data folder (see `write_aged`).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let p = self.data.join(rel);
        write_aged(&p, bytes);
        p
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.path().join(rel)
    }

    pub fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_logoff-backup"));
        // Windows finds its settings and local folders without the environment: the debug
        // build's own overrides name them there (and here, alike).
        c.env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_DATA_HOME", self.path("local"))
            .env("HOME", self.path("home"))
            .env("LOGOFF_BACKUP_CONFIG_DIR", self.path("config"))
            .env("LOGOFF_BACKUP_MACHINE_CONFIG_DIR", self.path("machine-config"))
            .env("LOGOFF_BACKUP_LOCAL_DIR", self.path("local"))
            .env("LOGOFF_BACKUP_COMPUTER", "RECEPTION1")
            .env_remove("LOGOFF_BACKUP_NOW");
        set_user(&mut c, "jane");
        c
    }

    /// Adds `run --data-folder DATA --destination DEST` to a command.
    pub fn run_args<'c>(&self, c: &'c mut Command) -> &'c mut Command {
        c.arg("run").arg("--data-folder").arg(&self.data).arg("--destination").arg(&self.dest)
    }

    /// `logoff-backup run --data-folder DATA --destination DEST <extra>`
    pub fn backup(&self, extra: &[&str]) -> Output {
        let mut c = self.command();
        self.run_args(&mut c).args(extra).output().unwrap()
    }

    pub fn backup_at(&self, now: &str, extra: &[&str]) -> Output {
        let mut c = self.command();
        c.env("LOGOFF_BACKUP_NOW", now);
        self.run_args(&mut c).args(extra).output().unwrap()
    }

    /// Complete sets at the destination, oldest first (by name): not `latest`.
    pub fn sets(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&self.dest)
            .map(|rd| rd.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        v.retain(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            p.is_dir() && !name.starts_with('.') && name != "latest"
        });
        v.sort();
        v
    }

    pub fn newest_set(&self) -> PathBuf {
        self.sets().pop().expect("a complete set")
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.data.join("logfiles").join("backup.log")).unwrap_or_default()
    }

    /// The last run's block in the shared log.
    pub fn last_block(&self) -> String {
        self.log().rsplit("===== Network backup =====").next().unwrap_or_default().to_string()
    }
}

/// Writes a file modified 10 seconds ago: a file modified within 2 seconds of the end of a backup
/// is copied again by the next backup rather than linked (its time alone cannot tell whether it
/// changed again within that tick), which tests of linking do not want by chance.
pub fn write_aged(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
    let before = std::time::SystemTime::now() - std::time::Duration::from_secs(10);
    filetime::set_file_mtime(path, filetime::FileTime::from_system_time(before)).unwrap();
}

/// Who runs the program: `USER` on Unix, `USERNAME` on Windows.
pub fn set_user(c: &mut Command, name: &str) {
    c.env("USER", name).env("USERNAME", name);
}

pub fn pseudo_random(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E3779B97F4A7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

pub fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

pub fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Every file, folder and link below `root` with what it holds, except `skip` names at the top.
pub fn tree(root: &Path, skip: &[&str]) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(root).min_depth(1).sort_by_file_name() {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(root).unwrap().to_path_buf();
        if skip.iter().any(|s| rel.starts_with(s)) {
            continue;
        }
        let m = std::fs::symlink_metadata(e.path()).unwrap();
        let what = if m.is_symlink() {
            format!("link -> {}", std::fs::read_link(e.path()).unwrap().display())
        } else if m.is_dir() {
            "dir".to_string()
        } else {
            let mtime = filetime::FileTime::from_last_modification_time(&m);
            let hash = blake3::hash(&std::fs::read(e.path()).unwrap());
            format!("file {} {} {}", m.len(), hash.to_hex(), mtime)
        };
        out.push((rel, what));
    }
    out
}

/// As `tree`, without modified times.
pub fn contents(root: &Path, skip: &[&str]) -> Vec<(PathBuf, String)> {
    tree(root, skip)
        .into_iter()
        .map(|(p, w)| (p, w.rsplitn(2, ' ').last().unwrap_or_default().to_string()))
        .collect()
}

/// Hashes of every file in a set, to prove it did not change.
pub fn fingerprint(set: &Path) -> Vec<(PathBuf, String)> {
    tree(set, &[])
}

/// Rewrites `set`'s manifest as anyone who can write to the backup folder could, its checksum
/// valid: adds the link `data/evil` to `../../../plant` (made for real in the set) and, listed
/// inside it, `data/evil/planted.txt`. From the set the link leads to `<set>/../../plant`, where
/// the planted file is made; from a folder restored into as `<root>/x/y/<name>` it leads to
/// `<root>/x/plant`, the folder this returns, made empty. With `link_first` false the planted file
/// is listed before the link, out of the manifest's order.
#[cfg(unix)]
pub fn plant_link_in_manifest(set: &Path, link_first: bool) -> PathBuf {
    use logoff_backup::engine::manifest::{self, Entry, Kind};
    let (target, planted) = ("../../../plant", b"planted by whoever rewrote the manifest\n");
    std::os::unix::fs::symlink(target, set.join("data/evil")).unwrap();
    let root = set.parent().unwrap().parent().unwrap();
    std::fs::create_dir_all(root.join("plant")).unwrap();
    std::fs::write(root.join("plant/planted.txt"), planted).unwrap();
    let outside = root.join("x/plant");
    std::fs::create_dir_all(&outside).unwrap();
    let path = set.join(manifest::FILE_NAME);
    let mut m = manifest::read(&path).unwrap();
    let mtime = m.entries[0].mtime;
    m.entries.push(Entry {
        path: "data/evil".into(),
        kind: Kind::Symlink { target_hash: blake3::hash(target.as_bytes()) },
        mtime,
        stamp: None,
        look: None,
    });
    let kind = Kind::File { size: planted.len() as u64, hash: blake3::hash(planted) };
    m.entries.push(Entry { path: "data/evil/planted.txt".into(), kind, mtime, stamp: None, look: None });
    m.entries.sort_by(|a, b| manifest::path_order(&a.path, &b.path));
    if !link_first {
        let at = m.entries.iter().position(|e| e.path == "data/evil").unwrap();
        m.entries.swap(at, at + 1);
    }
    manifest::write(&path, &m).unwrap();
    outside
}

/// A file's id on its drive (its inode on Unix, its file index on Windows): the same id is the
/// same file, left untouched or hard-linked; a new id is a new copy.
#[cfg(unix)]
pub fn inode(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).unwrap().ino()
}

#[cfg(windows)]
pub fn inode(p: &Path) -> u64 {
    use std::os::windows::io::AsRawHandle;
    use windows_sys::Win32::Storage::FileSystem::{BY_HANDLE_FILE_INFORMATION, GetFileInformationByHandle};
    let f = std::fs::File::open(p).unwrap();
    let mut info = BY_HANDLE_FILE_INFORMATION::default();
    // SAFETY: the handle is open for the call, and `info` is the structure it fills.
    let ok = unsafe { GetFileInformationByHandle(f.as_raw_handle(), &mut info) };
    assert_ne!(ok, 0, "file id of {}", p.display());
    (u64::from(info.nFileIndexHigh) << 32) | u64::from(info.nFileIndexLow)
}

/// Whether a copy is read-only: no write bit on Unix, the read-only attribute on Windows.
pub fn read_only(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode() & 0o222 == 0
    }
    #[cfg(not(unix))]
    std::fs::metadata(p).unwrap().permissions().readonly()
}

impl TestEnv {
    /// Starts `run` with fault rules (see `src/fault.rs`) and short retry waits.
    pub fn spawn_with_faults(&self, faults: &str, extra: &[&str]) -> std::process::Child {
        let pause = self.path("pause");
        std::fs::create_dir_all(&pause).unwrap();
        let mut c = self.command();
        c.env("LOGOFF_BACKUP_FAULTS", faults)
            .env("LOGOFF_BACKUP_PAUSE_DIR", &pause)
            .env("LOGOFF_BACKUP_RETRY_SCALE", "0.01");
        self.run_args(&mut c)
            .args(extra)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        c.spawn().unwrap()
    }

    pub fn backup_with_faults(&self, faults: &str, extra: &[&str]) -> Output {
        self.spawn_with_faults(faults, extra).wait_with_output().unwrap()
    }

    /// Waits (up to a minute) until the engine reaches a `pause:` point.
    pub fn wait_for_pause(&self, point: &str) {
        let marker = self.path("pause").join(format!("{}.reached", point.replace([':', '/'], "_")));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !marker.exists() {
            assert!(std::time::Instant::now() < deadline, "the run never reached {point}");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    pub fn resume(&self, point: &str) {
        let name = point.replace([':', '/'], "_");
        std::fs::write(self.path("pause").join(format!("{name}.continue")), b"").unwrap();
    }
}

#[cfg(unix)]
pub fn signal(child: &std::process::Child, sig: i32) {
    // SAFETY: sends a signal to our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
}
