//! A whole file's randomness, taken while it is copied (no extra read): 4 KiB blocks sampled along
//! it, each judged near-random or not, and their mean entropy. Kept per file in the manifest, so a
//! changed file is compared with its own earlier self: ransomware that leaves the first block
//! alone (signatures survive) or encrypts every other block still turns blocks further on random.

use super::{BLOCK, MIN_JUDGED, entropy, random_bits};

/// Every block is sampled up to here; after it, `SPREAD` blocks evenly along the rest of the file
/// (every block of a file under 48 KiB), so encryption that spares any fixed start is seen in
/// files of every size. Each sampled block costs about 1.4 µs (its byte counts).
const DENSE: u64 = 16 * 1024;
const SPREAD: u64 = 8;

/// What the sampled blocks of a file showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    /// Blocks sampled.
    pub blocks: u32,
    /// Of them, near-random.
    pub random: u32,
    /// Their mean entropy, in tenths of a bit per byte (51: 5.1 bits/byte).
    pub bits10: u32,
}

impl Look {
    /// `r3/5e62`: 3 of 5 sampled blocks near-random, 6.2 bits per byte on average.
    pub fn to_text(self) -> String {
        format!("r{}/{}e{}", self.random, self.blocks, self.bits10)
    }

    pub fn parse(text: &str) -> Option<Look> {
        let (random, rest) = text.strip_prefix('r')?.split_once('/')?;
        let (blocks, bits10) = rest.split_once('e')?;
        let look =
            Look { blocks: blocks.parse().ok()?, random: random.parse().ok()?, bits10: bits10.parse().ok()? };
        (look.random <= look.blocks && look.bits10 <= 80).then_some(look)
    }

    /// The share of its sampled blocks that are near-random, in percent.
    pub fn random_percent(self) -> u32 {
        (self.random * 100).checked_div(self.blocks).unwrap_or(0)
    }

    /// "5.1 bits/byte, 0 of 5 sampled blocks random"
    pub fn words(self) -> String {
        format!(
            "{}.{} bits/byte, {} of {} sampled blocks random",
            self.bits10 / 10,
            self.bits10 % 10,
            self.random,
            self.blocks
        )
    }
}

/// Takes the sample as the copy reads the file, chunk by chunk. Only whole blocks that one read
/// returned whole are judged (reads are normally large and aligned, so that is nearly all).
#[derive(Debug)]
pub struct Sampler {
    at: u64,
    /// Between sampled blocks after `DENSE`.
    stride: u64,
    blocks: u32,
    random: u32,
    bits: f64,
}

impl Sampler {
    /// For a file of `size` bytes (as its metadata gave it before it is read).
    pub fn new(size: u64) -> Sampler {
        let block = BLOCK as u64;
        let stride = (size.saturating_sub(DENSE).div_ceil(SPREAD).div_ceil(block) * block).max(block);
        Sampler { at: 0, stride, blocks: 0, random: 0, bits: 0.0 }
    }

    /// The first sampled offset at or after `at`.
    fn next_sample(&self, at: u64) -> u64 {
        match at.div_ceil(BLOCK as u64) * BLOCK as u64 {
            dense if dense < DENSE => dense,
            _ => DENSE + (at.max(DENSE) - DENSE).div_ceil(self.stride) * self.stride,
        }
    }

    /// The last sampled offset at or before `at`.
    fn last_sample(&self, at: u64) -> u64 {
        match at < DENSE {
            true => at / BLOCK as u64 * BLOCK as u64,
            false => DENSE + (at - DENSE) / self.stride * self.stride,
        }
    }

    /// The next `chunk` of the file, read from where the last one ended.
    pub fn feed(&mut self, chunk: &[u8]) {
        let (start, end) = (self.at, self.at + chunk.len() as u64);
        let mut next = self.next_sample(start);
        while next + BLOCK as u64 <= end {
            let from = (next - start) as usize;
            let block = &chunk[from..from + BLOCK];
            let bits = entropy(block);
            self.bits += bits;
            self.blocks += 1;
            self.random += u32::from(bits > random_bits(BLOCK));
            next = self.next_sample(next + 1);
        }
        self.at = end;
    }

    /// The file ended with `last`, the chunk fed last: its final part block, if it is long enough
    /// to judge, is sampled too (a 6 kB letter has one whole block and a part).
    pub fn end(&mut self, last: &[u8]) {
        let Some(at) = self.at.checked_sub(1) else { return };
        let from = self.last_sample(at);
        let start = self.at - last.len() as u64;
        let len = (self.at - from) as usize;
        if from >= start && (MIN_JUDGED..BLOCK).contains(&len) {
            let block = &last[(from - start) as usize..];
            let bits = entropy(block);
            self.bits += bits;
            self.blocks += 1;
            self.random += u32::from(bits > random_bits(block.len()));
        }
    }

    /// What the sample showed; `None` for a file too short to judge.
    pub fn look(&self) -> Option<Look> {
        let bits10 = (self.bits * 10.0 / f64::from(self.blocks)).round() as u32;
        (self.blocks > 0).then_some(Look { blocks: self.blocks, random: self.random, bits10: bits10.min(80) })
    }
}

/// Why a changed file looks encrypted by its whole content, against its earlier self: the random
/// share of its sampled blocks rose by a quarter of them or more, and at least two are random now
/// (one, for a file of one or two blocks).
pub fn turned_random(was: Look, now: Look) -> bool {
    now.random >= now.blocks.div_ceil(2).min(2) && now.random_percent() >= was.random_percent() + 25
}

#[cfg(test)]
mod tests {
    use super::super::tests::{random as noise, text};
    use super::*;

    fn look_of(bytes: &[u8], chunk: usize) -> Option<Look> {
        let mut s = Sampler::new(bytes.len() as u64);
        let mut last: &[u8] = &[];
        for c in bytes.chunks(chunk) {
            s.feed(c);
            last = c;
        }
        s.end(last);
        s.look()
    }

    #[test]
    fn every_block_of_the_first_16_kib_is_sampled_then_8_along_the_rest_and_a_long_last_part() {
        assert_eq!(look_of(&text(6_000), 1 << 20).map(|l| l.blocks), Some(2), "a whole block and a part");
        assert_eq!(
            look_of(&text(4_500), 1 << 20).map(|l| l.blocks),
            Some(1),
            "a part under 1 kB is not judged"
        );
        assert_eq!(look_of(&text(900), 1 << 20), None);
        assert_eq!(look_of(&text(1 << 20), 1 << 20).map(|l| l.blocks), Some(4 + 8));
        assert_eq!(look_of(&text(1 << 20), 64 * 1024).map(|l| l.blocks), Some(4 + 8), "read in chunks");
        assert_eq!(look_of(&text(40_000), 1 << 20).map(|l| l.blocks), Some(10), "every block, and a part");
    }

    #[test]
    fn encryption_that_spares_the_start_or_every_other_block_turns_the_sample_random() {
        let letter = text(20_000);
        let was = look_of(&letter, 1 << 20).unwrap();
        assert_eq!((was.random, was.bits10 / 10), (0, 4), "{was:?}");
        // The first 512 bytes kept (a signature survives), the rest encrypted.
        let mut spared = letter.clone();
        spared[512..].copy_from_slice(&noise(20_000 - 512, 1));
        let now = look_of(&spared, 1 << 20).unwrap();
        assert!(turned_random(was, now), "{now:?}");
        // Every other 4 KiB block encrypted.
        let mut striped = letter.clone();
        for b in (0..20_000).step_by(8192) {
            let end = (b + 4096).min(20_000);
            striped[b..end].copy_from_slice(&noise(end - b, b as u64));
        }
        assert!(turned_random(was, look_of(&striped, 1 << 20).unwrap()));
        // Any fixed start spared (16 KiB here) in files of any size.
        for len in [60_000, 100_000, 2_000_000] {
            let letter = text(len);
            let mut spared = letter.clone();
            spared[16_384..].copy_from_slice(&noise(len - 16_384, 5));
            let (was, now) = (look_of(&letter, 1 << 20).unwrap(), look_of(&spared, 1 << 20).unwrap());
            assert!(turned_random(was, now), "{len} bytes: {now:?}");
        }
        // A 6 kB letter with its first 512 bytes kept: one whole block and a part.
        let small = text(6_000);
        let mut spared = small.clone();
        spared[512..].copy_from_slice(&noise(6_000 - 512, 2));
        assert!(turned_random(look_of(&small, 1 << 20).unwrap(), look_of(&spared, 1 << 20).unwrap()));
    }

    #[test]
    fn a_file_random_before_is_judged_by_what_it_was_and_an_edit_is_not_encryption() {
        let jpeg = noise(50_000, 3);
        let resaved = noise(52_000, 4);
        assert!(!turned_random(look_of(&jpeg, 1 << 20).unwrap(), look_of(&resaved, 1 << 20).unwrap()));
        let letter = text(20_000);
        let mut edited = letter.clone();
        edited.extend(text(3_000));
        assert!(!turned_random(look_of(&letter, 1 << 20).unwrap(), look_of(&edited, 1 << 20).unwrap()));
    }

    #[test]
    fn the_manifest_text_reads_back_and_nonsense_does_not() {
        let l = Look { blocks: 31, random: 7, bits10: 63 };
        assert_eq!(l.to_text(), "r7/31e63");
        assert_eq!(Look::parse("r7/31e63"), Some(l));
        for bad in ["r8/7e1", "r1/2e81", "7/31e63", "r/e", "r1/2", "r-1/2e3"] {
            assert_eq!(Look::parse(bad), None, "{bad}");
        }
    }
}
