//! slow-share: mirrors a folder read-only through FUSE, as a practice's server share behaves: each
//! lookup, getattr, readlink, opendir, readdir, open and read request waits a round trip first
//! (`--delay-ms`), reads share one wire (`--mbps`), and requests are answered by a pool of threads
//! so a delayed one holds up no other (as an SMB server answers many at once). The kernel keeps
//! what it was told for `--ttl-ms` (a Linux SMB client's attribute cache is 1 s).
//!
//! On exit (`fusermount -u MOUNTPOINT`) it prints how many requests of each kind it answered, so a
//! run can be explained by its round trips, and writes them to `--counts FILE` as `name=value`.

use clap::Parser;
use fuser::{
    FileAttr, FileType, Filesystem, MountOption, ReplyAttr, ReplyData, ReplyDirectory, ReplyEmpty, ReplyEntry,
    ReplyOpen, Request,
};
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::os::unix::fs::{DirEntryExt, FileExt, MetadataExt};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

#[derive(Parser)]
struct Args {
    /// The folder to mirror.
    source: PathBuf,
    /// Where to mount it.
    mountpoint: PathBuf,
    /// Round trip added to each request, in milliseconds.
    #[arg(long, default_value_t = 0.5)]
    delay_ms: f64,
    /// The wire's bandwidth for reads, in MB/s (10^6 bytes).
    #[arg(long, default_value_t = 110.0)]
    mbps: f64,
    /// How long the kernel may keep names and attributes, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    ttl_ms: u64,
    /// Requests answered at once.
    #[arg(long, default_value_t = 64)]
    threads: usize,
    /// Also write the counts here.
    #[arg(long)]
    counts: Option<PathBuf>,
    /// Every Nth open of a file answers "not found" although its folder lists it, as a share
    /// whose connection drops now and then does (0: never). A file's open after one that failed
    /// always succeeds, however many other opens ran meanwhile, so a retry is never unlucky.
    #[arg(long, default_value_t = 0)]
    fail_opens: u64,
    /// Added to every inode number: a share that hands out new file ids on each connection (a
    /// Linux CIFS mount with `noserverino`, some NAS) is a mount with another offset.
    #[arg(long, default_value_t = 0)]
    ino_offset: u64,
}

const KINDS: [&str; 11] =
    ["lookup", "getattr", "readlink", "opendir", "readdir", "open", "read", "read_bytes", "flush", "release", "releasedir"];
const LOOKUP: usize = 0;
const GETATTR: usize = 1;
const READLINK: usize = 2;
const OPENDIR: usize = 3;
const READDIR: usize = 4;
const OPEN: usize = 5;
const READ: usize = 6;
const READ_BYTES: usize = 7;
const FLUSH: usize = 8;
const RELEASE: usize = 9;
const RELEASEDIR: usize = 10;

enum Handle {
    File(Arc<File>),
    Dir(Arc<Vec<(u64, FileType, OsString)>>),
}

struct Shared {
    /// Each inode's path: the source's own inode numbers (stable from mount to mount, as an SMB
    /// server's file ids are), but 1 for the source itself.
    paths: Mutex<HashMap<u64, PathBuf>>,
    root_ino: u64,
    handles: Mutex<(u64, HashMap<u64, Handle>)>,
    counts: [AtomicU64; KINDS.len()],
    delay: Duration,
    ttl: Duration,
    bytes_per_sec: f64,
    /// When the wire is free again.
    wire: Mutex<Instant>,
    fail_opens: u64,
    /// Files whose last open failed.
    failed: Mutex<std::collections::HashSet<u64>>,
    ino_offset: u64,
}

impl Shared {
    fn count(&self, kind: usize, n: u64) {
        self.counts[kind].fetch_add(n, Ordering::Relaxed);
    }

    fn path(&self, ino: u64) -> Option<PathBuf> {
        self.paths.lock().unwrap().get(&ino).cloned()
    }

    /// The inode the kernel is told for `path`, whose own is `own`.
    fn ino(&self, path: PathBuf, own: u64) -> u64 {
        let ino = if own == self.root_ino { 1 } else { own + self.ino_offset };
        self.paths.lock().unwrap().insert(ino, path);
        ino
    }

    fn attr(&self, ino: u64, path: &std::path::Path) -> std::io::Result<FileAttr> {
        let m = std::fs::symlink_metadata(path)?;
        let time = |s: i64, ns: i64| {
            let d = Duration::new(s.unsigned_abs(), ns as u32);
            if s >= 0 { SystemTime::UNIX_EPOCH + d } else { SystemTime::UNIX_EPOCH - d }
        };
        Ok(FileAttr {
            ino: if ino == 0 { self.ino(path.to_path_buf(), m.ino()) } else { ino },
            size: m.len(),
            blocks: m.blocks(),
            atime: time(m.atime(), m.atime_nsec()),
            mtime: time(m.mtime(), m.mtime_nsec()),
            ctime: time(m.ctime(), m.ctime_nsec()),
            crtime: SystemTime::UNIX_EPOCH,
            kind: kind(m.file_type()),
            perm: (m.mode() & 0o7777) as u16,
            nlink: m.nlink() as u32,
            uid: m.uid(),
            gid: m.gid(),
            rdev: m.rdev() as u32,
            blksize: m.blksize() as u32,
            flags: 0,
        })
    }

    fn keep(&self, handle: Handle) -> u64 {
        let mut handles = self.handles.lock().unwrap();
        handles.0 += 1;
        let fh = handles.0;
        handles.1.insert(fh, handle);
        fh
    }

    /// Waits for the wire to carry `bytes` (after the round trip, whichever ends later).
    fn carry(&self, started: Instant, bytes: usize) {
        let transfer = Duration::from_secs_f64(bytes as f64 / self.bytes_per_sec);
        let done = {
            let mut wire = self.wire.lock().unwrap();
            *wire = (*wire).max(started) + transfer;
            *wire
        };
        let done = done.max(started + self.delay);
        if let Some(left) = done.checked_duration_since(Instant::now()) {
            std::thread::sleep(left);
        }
    }
}

fn kind(t: std::fs::FileType) -> FileType {
    if t.is_dir() {
        FileType::Directory
    } else if t.is_symlink() {
        FileType::Symlink
    } else {
        FileType::RegularFile
    }
}

fn errno(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(libc::EIO)
}

/// Work done on the pool, after the share's delay.
type Job = Box<dyn FnOnce(&Shared) + Send>;

struct SlowShare {
    shared: Arc<Shared>,
    pool: crossbeam_channel::Sender<Job>,
}

impl SlowShare {
    /// Answers a request on the pool after a round trip.
    fn later(&self, kind: usize, work: impl FnOnce(&Shared) + Send + 'static) {
        self.shared.count(kind, 1);
        let delay = self.shared.delay;
        let _ = self.pool.send(Box::new(move |shared| {
            std::thread::sleep(delay);
            work(shared)
        }));
    }
}

impl Filesystem for SlowShare {
    fn lookup(&mut self, _req: &Request<'_>, parent: u64, name: &OsStr, reply: ReplyEntry) {
        let name = name.to_os_string();
        self.later(LOOKUP, move |s| {
            let Some(path) = s.path(parent).map(|p| p.join(&name)) else { return reply.error(libc::ENOENT) };
            match s.attr(0, &path) {
                Ok(attr) => reply.entry(&s.ttl, &attr, 0),
                Err(e) => reply.error(errno(&e)),
            }
        });
    }

    fn getattr(&mut self, _req: &Request<'_>, ino: u64, _fh: Option<u64>, reply: ReplyAttr) {
        self.later(GETATTR, move |s| match s.path(ino).map(|p| s.attr(ino, &p)) {
            Some(Ok(attr)) => reply.attr(&s.ttl, &attr),
            Some(Err(e)) => reply.error(errno(&e)),
            None => reply.error(libc::ENOENT),
        });
    }

    fn readlink(&mut self, _req: &Request<'_>, ino: u64, reply: ReplyData) {
        self.later(READLINK, move |s| match s.path(ino).map(std::fs::read_link) {
            Some(Ok(target)) => reply.data(target.as_os_str().as_encoded_bytes()),
            Some(Err(e)) => reply.error(errno(&e)),
            None => reply.error(libc::ENOENT),
        });
    }

    fn opendir(&mut self, _req: &Request<'_>, ino: u64, _flags: i32, reply: ReplyOpen) {
        self.later(OPENDIR, move |s| {
            let Some(path) = s.path(ino) else { return reply.error(libc::ENOENT) };
            let entries = match std::fs::read_dir(&path) {
                Ok(rd) => rd.filter_map(Result::ok),
                Err(e) => return reply.error(errno(&e)),
            };
            let mut list = vec![(ino, FileType::Directory, ".".into()), (1, FileType::Directory, "..".into())];
            for e in entries {
                let t = e.file_type().map(kind).unwrap_or(FileType::RegularFile);
                let own = if e.ino() == s.root_ino { 1 } else { e.ino() + s.ino_offset };
                list.push((own, t, e.file_name()));
            }
            reply.opened(s.keep(Handle::Dir(Arc::new(list))), 0);
        });
    }

    fn readdir(&mut self, _req: &Request<'_>, _ino: u64, fh: u64, offset: i64, mut reply: ReplyDirectory) {
        self.later(READDIR, move |s| {
            let list = match s.handles.lock().unwrap().1.get(&fh) {
                Some(Handle::Dir(list)) => list.clone(),
                _ => return reply.error(libc::EBADF),
            };
            for (i, (ino, t, name)) in list.iter().enumerate().skip(offset as usize) {
                if reply.add(*ino, i as i64 + 1, *t, name) {
                    break;
                }
            }
            reply.ok();
        });
    }

    fn releasedir(&mut self, _req: &Request<'_>, _ino: u64, fh: u64, _flags: i32, reply: ReplyEmpty) {
        self.shared.count(RELEASEDIR, 1);
        self.shared.handles.lock().unwrap().1.remove(&fh);
        reply.ok();
    }

    fn open(&mut self, _req: &Request<'_>, ino: u64, _flags: i32, reply: ReplyOpen) {
        let nth = self.shared.counts[OPEN].load(Ordering::Relaxed) + 1;
        let retry = self.shared.failed.lock().unwrap().remove(&ino);
        if self.shared.fail_opens > 0 && nth.is_multiple_of(self.shared.fail_opens) && !retry {
            self.shared.failed.lock().unwrap().insert(ino);
            self.shared.count(OPEN, 1);
            return reply.error(libc::ENOENT);
        }
        self.later(OPEN, move |s| match s.path(ino).map(File::open) {
            Some(Ok(file)) => reply.opened(s.keep(Handle::File(Arc::new(file))), 0),
            Some(Err(e)) => reply.error(errno(&e)),
            None => reply.error(libc::ENOENT),
        });
    }

    fn read(
        &mut self,
        _req: &Request<'_>,
        _ino: u64,
        fh: u64,
        offset: i64,
        size: u32,
        _flags: i32,
        _lock: Option<u64>,
        reply: ReplyData,
    ) {
        self.shared.count(READ, 1);
        let started = Instant::now();
        let _ = self.pool.send(Box::new(move |s| {
            let file = match s.handles.lock().unwrap().1.get(&fh) {
                Some(Handle::File(f)) => f.clone(),
                _ => return reply.error(libc::EBADF),
            };
            let mut buf = vec![0u8; size as usize];
            match file.read_at(&mut buf, offset as u64) {
                Ok(n) => {
                    s.count(READ_BYTES, n as u64);
                    s.carry(started, n);
                    reply.data(&buf[..n])
                }
                Err(e) => reply.error(errno(&e)),
            }
        }));
    }

    fn flush(&mut self, _req: &Request<'_>, _ino: u64, _fh: u64, _lock: u64, reply: ReplyEmpty) {
        self.shared.count(FLUSH, 1);
        reply.ok();
    }

    fn release(
        &mut self,
        _req: &Request<'_>,
        _ino: u64,
        fh: u64,
        _flags: i32,
        _lock: Option<u64>,
        _flush: bool,
        reply: ReplyEmpty,
    ) {
        self.shared.count(RELEASE, 1);
        self.shared.handles.lock().unwrap().1.remove(&fh);
        reply.ok();
    }
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let root = std::fs::canonicalize(&args.source)?;
    let shared = Arc::new(Shared {
        root_ino: std::fs::metadata(&root)?.ino(),
        paths: Mutex::new(HashMap::from([(1, root)])),
        handles: Mutex::new((0, HashMap::new())),
        counts: Default::default(),
        delay: Duration::from_secs_f64(args.delay_ms / 1000.0),
        ttl: Duration::from_millis(args.ttl_ms),
        bytes_per_sec: args.mbps * 1e6,
        wire: Mutex::new(Instant::now()),
        fail_opens: args.fail_opens,
        failed: Mutex::default(),
        ino_offset: args.ino_offset,
    });
    let (pool, jobs) = crossbeam_channel::unbounded::<Box<dyn FnOnce(&Shared) + Send>>();
    for _ in 0..args.threads.max(1) {
        let (jobs, shared) = (jobs.clone(), shared.clone());
        std::thread::spawn(move || {
            for job in jobs {
                job(&shared);
            }
        });
    }
    let fs = SlowShare { shared: shared.clone(), pool };
    let options = [MountOption::RO, MountOption::FSName("slow-share".into()), MountOption::DefaultPermissions];
    let started = Instant::now();
    fuser::mount2(fs, &args.mountpoint, &options)?;
    let counts: Vec<String> =
        KINDS.iter().zip(&shared.counts).map(|(k, c)| format!("{k}={}", c.load(Ordering::Relaxed))).collect();
    eprintln!("slow-share: {} (mounted {:.1} s)", counts.join(" "), started.elapsed().as_secs_f64());
    if let Some(file) = args.counts {
        std::fs::write(file, counts.join("\n") + "\n")?;
    }
    Ok(())
}
