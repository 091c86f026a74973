//! `demo`: a sample practice (data folder, backup folder, settings) inside one folder, so the whole
//! flow can be seen on a computer without EXACT. Never touches the user's real settings.

use crate::settings::Settings;
use std::path::{Path, PathBuf};

pub struct Demo {
    pub dir: PathBuf,
    pub settings_file: PathBuf,
    pub settings: Settings,
}

/// The default demo folder: in the user's local data folder, or the temp folder.
pub fn default_dir() -> PathBuf {
    dirs::data_local_dir().unwrap_or_else(std::env::temp_dir).join("logoff-backup-demo")
}

/// Creates (or reuses) the sample practice in `dir` and returns its settings.
pub fn prepare(dir: &Path) -> std::io::Result<Demo> {
    let data = dir.join("EXACTData");
    let settings = Settings {
        data_folder: data.clone(),
        destination: dir.join("DataBkup"),
        extra_folders: vec![dir.join("Xrays-elsewhere")],
        ..Settings::default()
    };
    if !data.join("Practice.db").exists() {
        write_sample(dir)?;
    }
    // A little work since the last backup, so a second run shows linking.
    let stamp = chrono::Local::now().format("%Y-%m-%d %H:%M:%S");
    std::fs::write(data.join("Appointments.db"), format!("appointments as of {stamp}\n"))?;
    let settings_file = dir.join("settings.ron");
    settings.save(&settings_file).map_err(std::io::Error::other)?;
    Ok(Demo { dir: dir.to_path_buf(), settings_file, settings })
}

fn write_sample(dir: &Path) -> std::io::Result<()> {
    let data = dir.join("EXACTData");
    let files: &[(&str, usize)] = &[
        ("Practice.db", 2_000_000),
        ("Practice.idx", 300_000),
        ("Patients.db", 600_000),
        ("Patients.idx", 90_000),
        ("X-rays/2025/10/Smith_Jane_bitewing.dcm", 400_000),
        ("X-rays/2025/11/Nguyen_Tom_pano.dcm", 900_000),
        ("X-rays/2025/11/Brown_Ali_periapical.dcm", 250_000),
        ("Scanned Documents/Referral Dr Patel.pdf", 120_000),
        ("Scanned Documents/Medical history Smith.pdf", 80_000),
        ("Imported Documents/Lab report 2025-11-20.pdf", 60_000),
        ("Patient Portal Forms/New patient form 1042.pdf", 40_000),
        ("Clinipad Forms/Consent 1042.pdf", 35_000),
        ("Email Attachments/Treatment plan 1042.pdf", 50_000),
        ("Letter Templates/Recall letter.rtf", 12_000),
        ("Letter Templates/Welcome letter.rtf", 9_000),
    ];
    for (i, (rel, size)) in files.iter().enumerate() {
        write_file(&data.join(rel), i as u64 + 1, *size)?;
    }
    std::fs::create_dir_all(data.join("logfiles"))?;
    write_file(&dir.join("Xrays-elsewhere/2024/Old_pano_0001.dcm"), 99, 700_000)?;
    Ok(())
}

fn write_file(path: &Path, seed: u64, size: usize) -> std::io::Result<()> {
    std::fs::create_dir_all(path.parent().expect("a parent folder"))?;
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let bytes: Vec<u8> = (0..size)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    std::fs::write(path, [kind_start(path), bytes].concat())
}

/// The first bytes a file of its kind starts with, so the sample looks like real files (to the
/// ransomware guard, say): the rest is random, as compressed pictures and scans are.
fn kind_start(path: &Path) -> Vec<u8> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("pdf") => b"%PDF-1.7\n".to_vec(),
        Some("rtf") => b"{\\rtf1\\ansi ".to_vec(),
        Some("dcm") => [&[0u8; 128][..], b"DICM"].concat(),
        _ => Vec::new(),
    }
}
