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

/// The practice with 170 more letters: 300 files.
fn three_hundred() -> TestEnv {
    let env = practice();
    for n in 0..170 {
        env.write(&format!("Letters/old {n:03}.txt"), &clinic::letter(100 + n, 6_000));
    }
    env
}

/// Encrypts letters `from..to` of the 170 old ones: renamed to `.locked`, or in place.
fn encrypt_letters(env: &TestEnv, (from, to): (u64, u64), renamed: bool) {
    for n in from..to {
        let f = env.data.join(format!("Letters/old {n:03}.txt"));
        let noise = pseudo_random(20_000 + n, 6_016);
        match renamed {
            true => {
                write_aged(&env.data.join(format!("Letters/old {n:03}.txt.locked")), &noise);
                std::fs::remove_file(f).unwrap();
            }
            false => write_aged(&f, &noise),
        }
    }
}

#[test]
fn an_attack_cut_short_at_logoff_and_finished_the_next_day_is_suspect() {
    let env = three_hundred();
    assert_eq!(code(&env.backup_at("2026-11-27T17:30:00", &[])), 0);
    // Day 1: 20 of 300 files encrypted and renamed, under the 50-file line.
    encrypt_letters(&env, (0, 20), true);
    let out = env.backup_at("2026-11-28T17:30:00", &[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let block = env.last_block();
    assert!(block.contains("20 of the 20 files that changed or are new since"), "{block}");
    assert!(block.contains("under the line for a SUSPECT backup"), "{block}");
    let status = env
        .command()
        .args(["status", "--data-folder"])
        .arg(&env.data)
        .arg("--destination")
        .arg(&env.dest)
        .output()
        .unwrap();
    assert!(
        text(&status).contains("20 of the 20 files that changed or were new looked encrypted"),
        "{}",
        text(&status)
    );
    // Day 2: 60 more, when `.locked` is no longer a new ending (and 60 of 300 gone is under the
    // loss guard's quarter).
    encrypt_letters(&env, (20, 80), true);
    let out = env.backup_at("2026-11-29T17:30:00", &[]);
    assert_eq!(code(&out), 5, "{}", text(&out));
    let block = env.last_block();
    assert!(
        block
            .contains("60 of the 60 files that changed or are new since the last good backup look encrypted"),
        "{block}"
    );
    assert!(
        block.contains("Letters/old 020.txt.locked (in place of data/Letters/old 020.txt, gone): its"),
        "{block}"
    );
    assert!(env.dest.join("latest/data/Letters/old 079.txt").is_file(), "latest keeps the letters");
}

#[test]
fn an_attack_spread_thin_over_days_crosses_the_line_summed() {
    let env = three_hundred();
    assert_eq!(code(&env.backup_at("2026-11-27T17:30:00", &[])), 0);
    // 30 files a day encrypted in place: under the 50-file line each day.
    encrypt_letters(&env, (0, 30), false);
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    encrypt_letters(&env, (30, 60), false);
    let out = env.backup_at("2026-11-29T17:30:00", &[]);
    assert_eq!(code(&out), 5, "{}", text(&out));
    let block = env.last_block();
    assert!(
        block.contains("60 of the 60 files that changed or are new over the last 2 backups look encrypted"),
        "{block}"
    );
    assert!(block.contains("The backups up to"), "{block}");
    assert_eq!(env.sets().len(), 3, "the first backup, before the attack, is kept");
}

#[test]
fn files_put_into_7z_archives_in_their_place_are_suspect() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    // Each file into a 7-Zip archive of its own, its header packed (7-Zip's default), the original
    // deleted.
    for (i, f) in attacked(&env).iter().enumerate() {
        let len = std::fs::metadata(f).unwrap().len() as usize;
        let header = [0x17, 0x06, 0x24, 0x01, 0x21, 0x03, 0x01, 0x01, 0x05, 0x5D, 0x00];
        let mut archive = b"7z\xBC\xAF\x27\x1C\x00\x04\x00\x00\x00\x00".to_vec();
        archive.extend((len as u64).to_le_bytes());
        archive.extend((header.len() as u64).to_le_bytes());
        archive.extend([0; 4]);
        archive.extend(pseudo_random(8500 + i as u64, len));
        archive.extend(header);
        let mut name = f.clone().into_os_string();
        name.push(".7z");
        write_aged(std::path::Path::new(&name), &archive);
        std::fs::remove_file(f).unwrap();
    }
    let out = env.backup_at("2026-11-29T17:30:00", &[]);
    assert_eq!(code(&out), 5, "{}", text(&out));
    let block = env.last_block();
    assert!(block.contains(".7z (in place of data/"), "{block}");
    assert!(block.contains("it is now a password-protected archive, where it was not"), "{block}");
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
