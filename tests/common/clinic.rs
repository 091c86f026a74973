//! A practice whose files start as real ones do (JPEG and DICOM X-rays, PDF and Word documents,
//! letters, a database with its own header), and what ransomware does to it.

use super::{TestEnv, pseudo_random, write_aged};

/// The start of a JPEG, then coded (near-random) data.
pub fn jpeg(seed: u64, len: usize) -> Vec<u8> {
    let mut b = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00".to_vec();
    b.extend(pseudo_random(seed, len - b.len()));
    b
}

/// A DICOM file: the 128-byte preamble, "DICM", then tags as text-like bytes and pixel data.
pub fn dicom(seed: u64, len: usize) -> Vec<u8> {
    let mut b = vec![0u8; 128];
    b.extend(b"DICM\x02\x00\x00\x00UL\x04\x00\xC8\x00\x00\x00");
    b.extend(b"PatientName=SMITH^JANE;Modality=IO;".iter().cycle().take(2000));
    b.extend(pseudo_random(seed, len - b.len()));
    b
}

pub fn pdf(n: u64, len: usize) -> Vec<u8> {
    let mut b = format!("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj % scan {n}\n").into_bytes();
    b.extend(b"BT /F1 12 Tf (Referral letter for the patient) Tj ET\n".iter().cycle().take(len - b.len()));
    b
}

pub fn docx(seed: u64, len: usize) -> Vec<u8> {
    let mut b = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml".to_vec();
    b.extend(pseudo_random(seed, len - b.len()));
    b
}

pub fn letter(n: u64, len: usize) -> Vec<u8> {
    let line = format!("Dear patient {n}, your next check-up is due soon. Please call us to book.\r\n");
    line.bytes().cycle().take(len).collect()
}

/// A database file: its own 8-byte header, then records.
pub fn database(day: u64, len: usize) -> Vec<u8> {
    let mut b = b"EXACTDB\x01".to_vec();
    b.extend(format!("RECORD day={day} patient=SMITH JANE balance=0.00;").bytes().cycle().take(len - 8));
    b
}

/// The practice: 2 database files, 12 patients with 4 JPEG and 2 DICOM X-rays and 3 documents
/// each, and 20 letters: 130 files in 26 folders.
pub fn practice() -> TestEnv {
    let env = TestEnv::new();
    env.write("Practice.db", &database(0, 64 * 1024));
    env.write("Practice.idx", &database(0, 8 * 1024));
    for p in 0..12u64 {
        for i in 0..4 {
            env.write(&format!("X-rays/Patient {p:02}/bitewing {i}.jpg"), &jpeg(p * 10 + i, 20_000));
        }
        for i in 0..2 {
            env.write(&format!("X-rays/Patient {p:02}/pano {i}.dcm"), &dicom(p * 10 + i, 30_000));
        }
        env.write(&format!("Documents/Patient {p:02}/referral.pdf"), &pdf(p, 12_000));
        env.write(&format!("Documents/Patient {p:02}/consent.pdf"), &pdf(p + 100, 9_000));
        env.write(&format!("Documents/Patient {p:02}/plan.docx"), &docx(p, 15_000));
    }
    for n in 0..20 {
        env.write(&format!("Letters/recall {n:02}.txt"), &letter(n, 6_000));
    }
    env
}

/// Every file below `root`, in name order.
pub fn files(root: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = walkdir::WalkDir::new(root)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && !e.path().components().any(|c| c.as_os_str() == "logfiles"))
        .map(|e| e.into_path())
        .collect();
    v.sort();
    v
}

/// What ransomware does: random bytes over 4 in 5 files (the database too), half of those renamed
/// to `<name>.locked`, and a ransom note in every folder.
pub fn encrypt(env: &TestEnv) {
    for (i, f) in files(&env.data).iter().enumerate() {
        if i % 5 == 4 {
            continue;
        }
        let len = std::fs::metadata(f).unwrap().len() as usize;
        let noise = pseudo_random(1000 + i as u64, len);
        if i % 2 == 0 {
            write_aged(f, &noise);
        } else {
            let mut locked = f.clone().into_os_string();
            locked.push(".locked");
            write_aged(std::path::Path::new(&locked), &noise);
            std::fs::remove_file(f).unwrap();
        }
    }
    for dir in walkdir::WalkDir::new(&env.data).into_iter().flatten().filter(|e| e.file_type().is_dir()) {
        if dir.path().ends_with("logfiles") {
            continue;
        }
        write_aged(
            &dir.path().join("HOW_TO_DECRYPT.txt"),
            b"Your files are encrypted. Pay 2 BTC to get them back.",
        );
    }
}

/// A working day, as `mutate-dataset` makes one: the database rewritten in places and grown, 50
/// new X-rays, 50 new forms, 5 new scans, 4 documents and a letter rewritten, 3 files deleted and
/// an X-ray moved to another patient's folder.
pub fn working_day(env: &TestEnv, day: u64) {
    env.write("Practice.db", &database(day, 64 * 1024 + 512));
    env.write("Practice.idx", &database(day, 8 * 1024));
    for i in 0..50 {
        env.write(&format!("X-rays/Patient {:02}/day{day} {i}.jpg", i % 12), &jpeg(day * 1000 + i, 18_000));
    }
    for i in 0..50 {
        env.write(&format!("Forms/Clinipad/day{day}/form {i}.pdf"), &pdf(day * 1000 + i, 5_000));
    }
    for i in 0..5 {
        env.write(&format!("Documents/Patient 0{i}/scan day{day}.pdf"), &pdf(day * 100 + i, 40_000));
    }
    for p in 0..4 {
        env.write(&format!("Documents/Patient {p:02}/plan.docx"), &docx(day * 100 + p, 16_000));
    }
    env.write("Letters/recall 00.txt", &letter(day, 6_500));
    for gone in ["Letters/recall 19.txt", "Documents/Patient 11/consent.pdf", "X-rays/Patient 11/pano 1.dcm"]
    {
        let _ = std::fs::remove_file(env.data.join(gone));
    }
    let (from, to) =
        (env.data.join("X-rays/Patient 10/bitewing 3.jpg"), env.data.join("X-rays/Patient 09/moved.jpg"));
    if from.exists() {
        std::fs::rename(from, to).unwrap();
    }
}

/// The practice with 170 more letters (`Letters/old NNN.txt`): 300 files.
pub fn three_hundred() -> TestEnv {
    let env = practice();
    for n in 0..170 {
        env.write(&format!("Letters/old {n:03}.txt"), &letter(100 + n, 6_000));
    }
    env
}

/// Encrypts old letters `from..to` of `three_hundred`: renamed to `<name>.locked`, or in place.
pub fn encrypt_letters(env: &TestEnv, (from, to): (u64, u64), renamed: bool) {
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
