//! What the ransomware guard costs per file, on this machine: looking at a copy's first block
//! (`Head::of`), and adding a file to the run's tally. `cargo bench --bench guard`.
//! Multiplied by the files a backup copies and holds, this bounds the guard's share of a run.

use logoff_backup::engine::guard::{Change, Head, Sampler, Tally};
use std::hint::black_box;
use std::time::Instant;

fn per_call(what: &str, n: u32, mut f: impl FnMut(u32)) {
    let start = Instant::now();
    for i in 0..n {
        f(i);
    }
    let ns = start.elapsed().as_nanos() as f64 / f64::from(n);
    println!("{what:<48} {ns:>9.0} ns per file");
}

fn main() {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let random: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let text: Vec<u8> = b"Dear patient, your check-up is due. ".iter().copied().cycle().take(4096).collect();
    per_call("Head::of, 4,096 random bytes", 200_000, |_| {
        black_box(Head::of(black_box(&random)));
    });
    per_call("Head::of, 4,096 bytes of text", 200_000, |_| {
        black_box(Head::of(black_box(&text)));
    });
    // The whole-file sample taken while copying: every 4 KiB block of the first 16 KiB, then 8
    // along the rest.
    let letter: Vec<u8> = text.iter().copied().cycle().take(20_000).collect();
    per_call("Sampler::feed, a 20 kB letter (4 blocks)", 20_000, |_| {
        let mut s = Sampler::new(letter.len() as u64);
        s.feed(black_box(&letter));
        black_box(s.look());
    });
    let big: Vec<u8> = random.iter().copied().cycle().take(1 << 20).collect();
    per_call("Sampler::feed, a 1 MiB X-ray (12 blocks)", 2_000, |_| {
        let mut s = Sampler::new(big.len() as u64);
        s.feed(black_box(&big));
        black_box(s.look());
    });
    let (noise, plain) = (Some(Head::of(&random)), Some(Head::of(&text)));
    let paths: Vec<String> =
        (0..100_000).map(|i| format!("data/XRays/2024/Patient {i}/pano {i}.dcm")).collect();
    let mut t = Tally::default();
    per_call("Tally::add, an unchanged file", 100_000, |i| {
        t.add(&paths[i as usize], 100_000, Change::Same, false);
    });
    per_call("Tally::add, a new file", 100_000, |i| {
        t.add(&paths[i as usize], 100_000, Change::New { now: noise, is: None }, false);
    });
    per_call("Tally::add, a changed file that looks encrypted", 100_000, |i| {
        t.add(
            &paths[i as usize],
            100_000,
            Change::Changed { before: plain, now: noise, was: None, is: None },
            false,
        );
    });
    black_box(t);
}
