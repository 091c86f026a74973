//! The ransomware guard against the attacks seen in the field, with the real binary: encryption
//! that spares each file's start, database files encrypted and renamed, files put into
//! password-protected archives, random names without an ending; and the days that must stay
//! SUCCESS (re-saved pictures, EXACT rewriting its own database).

mod common;
use common::clinic::{self, practice};
use common::*;

/// The attacked files: 4 in 5 of the files below the data folder's top (the database is left alone).
fn attacked(env: &TestEnv) -> Vec<std::path::PathBuf> {
    let files = clinic::files(&env.data);
    let below: Vec<_> = files.into_iter().filter(|f| f.parent() != Some(env.data.as_path())).collect();
    below.into_iter().enumerate().filter(|(i, _)| i % 5 != 4).map(|(_, f)| f).collect()
}

#[test]
fn encryption_that_spares_each_files_first_512_bytes_is_suspect() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &["--keep", "1"])), 0);
    // As LockBit and BlackCat do for speed: the start (and so every signature) kept, the rest
    // encrypted in place; no file renamed, no note left.
    for (i, f) in attacked(&env).iter().enumerate() {
        let mut bytes = std::fs::read(f).unwrap();
        let len = bytes.len();
        bytes[512..].copy_from_slice(&pseudo_random(7000 + i as u64, len - 512));
        write_aged(f, &bytes);
    }
    let out = env.backup_at("2026-11-29T17:30:00", &["--keep", "1"]);
    assert_eq!(code(&out), 5, "{}", text(&out));
    let block = env.last_block();
    assert!(block.contains("its content turned to random bytes: was"), "{block}");
    assert!(
        block.contains(
            "Patient 00/referral.pdf: its content turned to random bytes: was 4.1 bits/byte, 0 of 3"
        ),
        "{block}"
    );
    assert_eq!(env.sets().len(), 2, "the good set is kept in spite of --keep 1");
}

#[test]
fn files_put_into_password_protected_archives_are_suspect() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    // Qlocker: each file into a 7-Zip/zip archive of its own with a password, the original deleted.
    for (i, f) in attacked(&env).iter().enumerate() {
        let len = std::fs::metadata(f).unwrap().len() as usize;
        let mut zip = b"PK\x03\x04\x14\x00\x01\x00\x63\x00".to_vec();
        zip.extend(pseudo_random(8000 + i as u64, len));
        let mut name = f.clone().into_os_string();
        name.push(".zip");
        write_aged(std::path::Path::new(&name), &zip);
        std::fs::remove_file(f).unwrap();
    }
    let out = env.backup_at("2026-11-29T17:30:00", &[]);
    assert_eq!(code(&out), 5, "{}", text(&out));
    let block = env.last_block();
    assert!(
        block.contains(".pdf.zip (in place of data/Documents/Patient 00/consent.pdf, gone): it is now a password-protected archive"),
        "{block}"
    );
}

#[test]
fn database_files_encrypted_and_renamed_are_suspect() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    for (i, name) in ["Practice.db", "Practice.idx"].iter().enumerate() {
        let len = std::fs::metadata(env.data.join(name)).unwrap().len() as usize;
        write_aged(&env.data.join(format!("{name}.locked")), &pseudo_random(9000 + i as u64, len));
        std::fs::remove_file(env.data.join(name)).unwrap();
    }
    let out = env.backup_at("2026-11-29T17:30:00", &[]);
    assert_eq!(code(&out), 5, "{}", text(&out));
    // Each renamed file is paired with the database file it replaced: database files changed.
    let block = env.last_block();
    assert!(block.contains("2 database files look encrypted"), "{block}");
    assert!(
        block.contains("Practice.db.locked (in place of data/Practice.db, gone): database file"),
        "{block}"
    );
    assert!(block.contains("2 database files are gone from the data folder"), "{block}");
    assert!(env.dest.join("latest/data/Practice.db").is_file());
    // One renamed, one left: SUSPECT.
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    write_aged(&env.data.join("Practice.db.locked"), &pseudo_random(9100, 64 * 1024));
    std::fs::remove_file(env.data.join("Practice.db")).unwrap();
    let out = env.backup_at("2026-11-29T17:30:00", &[]);
    assert_eq!(code(&out), 5, "{}", text(&out));
    assert!(env.last_block().contains("The database file Practice.db is gone"), "{}", env.last_block());
}

#[test]
fn random_names_without_an_ending_are_counted_though_a_readme_had_none() {
    let env = practice();
    env.write("README", b"How this folder is organised.");
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    // Every attacked file encrypted and renamed to random letters without an ending.
    for (i, f) in attacked(&env).iter().enumerate() {
        let len = std::fs::metadata(f).unwrap().len() as usize;
        let name = format!("{:016x}", 0xA5A5_0000u64 + i as u64 * 7919);
        write_aged(&f.with_file_name(name), &pseudo_random(9500 + i as u64, len));
        std::fs::remove_file(f).unwrap();
    }
    let out = env.backup_at("2026-11-29T17:30:00", &[]);
    assert_eq!(code(&out), 5, "{}", text(&out));
    // Each random name is paired with the file of about its size gone from its folder.
    let block = env.last_block();
    assert!(block.contains(".pdf, gone): was a PDF file, no longer starts like one"), "{block}");
}

#[test]
fn files_put_into_7z_archives_in_their_place_are_suspect() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    // Each file into a 7-Zip archive of its own, its header packed (7-Zip's default), the original
    // deleted.
    for (i, f) in attacked(&env).iter().enumerate() {
        let len = std::fs::metadata(f).unwrap().len() as usize;
        let packed = [0x17, 0x06, 0x24, 0x01, 0x21, 0x03, 0x01, 0x01, 0x05, 0x5D, 0x00];
        let archive = seven_zip(8500 + i as u64, len, &packed);
        let mut name = f.clone().into_os_string();
        name.push(".7z");
        write_aged(std::path::Path::new(&name), &archive);
        std::fs::remove_file(f).unwrap();
    }
    let out = env.backup_at("2026-11-29T17:30:00", &[]);
    assert_eq!(code(&out), 5, "{}", text(&out));
    let block = env.last_block();
    assert!(block.contains(".7z (in place of data/"), "{block}");
    assert!(block.contains("it is now a 7-Zip archive whose contents cannot be seen"), "{block}");
}

#[test]
fn re_saved_pictures_and_exact_rewriting_its_database_stay_success() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    // Every JPEG re-compressed (new random bytes behind the same header), every DICOM re-saved.
    for (i, f) in clinic::files(&env.data.join("X-rays")).iter().enumerate() {
        let len = std::fs::metadata(f).unwrap().len() as usize;
        let fresh = match f.extension().and_then(|e| e.to_str()) {
            Some("jpg") => clinic::jpeg(5000 + i as u64, len - 700),
            _ => clinic::dicom(5000 + i as u64, len + 300),
        };
        write_aged(f, &fresh);
    }
    // An upgrade of EXACT rewrites its database files in a new layout.
    env.write("Practice.db", &clinic::database(40, 80 * 1024));
    env.write("Practice.idx", &clinic::database(40, 9 * 1024));
    let out = env.backup_at("2026-11-29T17:30:00", &[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(!env.log().contains("SUSPECT"), "{}", env.log());
}

#[test]
fn random_files_under_an_ending_whose_files_were_never_random_are_suspect() {
    let env = clinic::three_hundred();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    // 70 letters encrypted into a new sub-folder under their own names (nothing to pair them
    // with; 70 of 300 gone is under the loss guard's quarter).
    for n in 0..70u64 {
        let f = env.data.join(format!("Letters/old {n:03}.txt"));
        write_aged(&env.data.join(format!("Letters/x/old {n:03}.txt")), &pseudo_random(30_000 + n, 6_016));
        std::fs::remove_file(f).unwrap();
    }
    let out = env.backup_at("2026-11-29T17:30:00", &[]);
    assert_eq!(code(&out), 5, "{}", text(&out));
    let block = env.last_block();
    assert!(
        block.contains("70 new files end in .txt, and 70 of them are random bytes, which its files in"),
        "{block}"
    );
}

/// A 7-Zip archive of `len` random bytes whose header (at its end) is `header`.
fn seven_zip(seed: u64, len: usize, header: &[u8]) -> Vec<u8> {
    let mut archive = b"7z\xBC\xAF\x27\x1C\x00\x04\x00\x00\x00\x00".to_vec();
    archive.extend((len as u64).to_le_bytes());
    archive.extend((header.len() as u64).to_le_bytes());
    archive.extend([0; 4]);
    archive.extend(pseudo_random(seed, len));
    archive.extend(header);
    archive
}

#[test]
fn files_renamed_behind_two_bytes_of_an_archive_header_are_suspect() {
    let env = clinic::three_hundred();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    // A gzip's first two bytes before random ones: no archive names the letter it replaced.
    for n in 0..70u64 {
        let f = env.data.join(format!("Letters/old {n:03}.txt"));
        let fake = [b"\x1F\x8B".as_slice(), &pseudo_random(40_000 + n, 6_014)].concat();
        write_aged(&env.data.join(format!("Letters/old {n:03}.txt.locked")), &fake);
        std::fs::remove_file(f).unwrap();
    }
    let out = env.backup_at("2026-11-29T17:30:00", &[]);
    assert_eq!(code(&out), 5, "{}", text(&out));
}

#[test]
fn files_compressed_one_by_one_and_a_password_protected_export_rewritten_daily_stay_success() {
    // Old scans each put into a plain zip or gzip of its own (which names the scan inside), the
    // originals deleted.
    let zip = |name: &str| {
        let mut z = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
        z.extend([0; 16]);
        z.extend((name.len() as u16).to_le_bytes());
        z.extend([0, 0]);
        z.extend(name.as_bytes());
        z
    };
    let gzip = |name: &str| [b"\x1F\x8B\x08\x08\0\0\0\0\0\x03".as_slice(), name.as_bytes(), b"\0"].concat();
    for ending in [".zip", ".gz"] {
        let env = clinic::three_hundred();
        for i in 0..80u64 {
            env.write(&format!("Scans/scan {i:03}.pdf"), &clinic::pdf(i, 12_000));
        }
        assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
        for i in 0..60u64 {
            let f = env.data.join(format!("Scans/scan {i:03}.pdf"));
            let name = format!("scan {i:03}.pdf");
            let start = if ending == ".zip" { zip(&name) } else { gzip(&name) };
            let packed = [start, pseudo_random(i, 1_500)].concat();
            write_aged(&env.data.join(format!("Scans/scan {i:03}.pdf{ending}")), &packed);
            std::fs::remove_file(f).unwrap();
        }
        let out = env.backup_at("2026-11-29T17:30:00", &[]);
        // The loss guard counts the scans gone (60 of 80 in their folder); none looks encrypted.
        assert!(!env.last_block().contains("look encrypted"), "{ending}: {}", text(&out));
    }
    // A password-protected 7-Zip export rewritten every night: it was one already.
    let env = clinic::practice();
    let aes = [0x17, 0x06, 0x24, 0x06, 0xF1, 0x07, 0x01, 0x0A, 0x21, 0x00, 0x00];
    env.write("Exports/nightly.7z", &seven_zip(1, 50_000, &aes));
    assert_eq!(code(&env.backup_at("2026-11-27T17:30:00", &[])), 0);
    for d in 0..3u64 {
        env.write("Exports/nightly.7z", &seven_zip(10 + d, 50_000 + d as usize, &aes));
        assert_eq!(code(&env.backup_at(&format!("2026-11-{:02}T17:30:00", 28 + d), &[])), 0);
        assert!(!env.last_block().contains("look encrypted"), "{}", env.last_block());
    }
}
