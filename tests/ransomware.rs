//! The ransomware guard, with the real binary: an encrypted data folder gives a SUSPECT backup
//! (exit 5) and keeps every older one; ordinary days and a mass import of valid X-rays do not;
//! `confirm` clears the mark.

mod common;
use common::clinic::{self, practice};
use common::*;

fn names(env: &TestEnv) -> Vec<String> {
    env.sets().iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect()
}

fn manifest(set: &std::path::Path) -> String {
    std::fs::read_to_string(set.join("manifest.tsv")).unwrap()
}

fn confirm(env: &TestEnv, set: &std::path::Path) -> std::process::Output {
    env.command()
        .arg("confirm")
        .arg(set)
        .arg("--log-file")
        .arg(env.data.join("logfiles/backup.log"))
        .output()
        .unwrap()
}

fn status_of(env: &TestEnv, dest: &std::path::Path) -> std::process::Output {
    env.command()
        .arg("status")
        .arg("--data-folder")
        .arg(&env.data)
        .arg("--destination")
        .arg(dest)
        .output()
        .unwrap()
}

#[test]
fn an_encrypted_data_folder_gives_a_suspect_backup_and_every_older_one_is_kept() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &["--keep", "1"])), 0);
    clinic::encrypt(&env);
    let out = env.backup_at("2026-11-29T17:30:00", &["--keep", "1"]);
    assert_eq!(code(&out), 5, "{}", text(&out));
    assert!(
        text(&out).contains("This may be ransomware. Do not use EXACT; call your IT contact now."),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("The backups up to Sat 28 Nov 2026 17:30 are kept safe"), "{}", text(&out));
    let log = env.log();
    let block = log.rsplit("===== Network backup =====").next().unwrap();
    assert!(block.contains("Result:          SUSPECT"), "{block}");
    assert!(block.contains("Compared with:   2026-11-28_173000_RECEPTION1"), "{block}");
    // 104 of the 130 files were hit: 52 in place, 52 renamed (each paired with the file it
    // replaced, so changed too); 28 notes are new, one per folder.
    let counts = "Evidence:        132 of 158 files (83%) changed or new since 2026-11-28_173000_RECEPTION1: 104 changed, 28 new";
    assert!(block.contains(counts), "{block}");
    assert!(block.contains("Evidence:        104 of them (78%) look encrypted"), "{block}");
    assert!(block.contains("a new file named how_to_decrypt.txt appeared in 28 folders"), "{block}");
    assert!(block.contains("Evidence:        2 database files look encrypted"), "{block}");
    assert!(
        block.contains("  SUSPECT   data/Practice.db: database file: its first bytes changed"),
        "{block}"
    );
    assert!(
        block.contains("data/Practice.idx.locked (in place of data/Practice.idx, gone): database file: its"),
        "{block}"
    );
    assert_eq!(block.matches("\n  SUSPECT   ").count(), 10, "ten examples: {block}");
    assert!(block.contains("was a PDF file, no longer starts like one"), "{block}");
    // The set is made (a true copy of what is there), marked in its manifest; nothing is removed.
    assert_eq!(names(&env), ["2026-11-28_173000_RECEPTION1", "2026-11-29_173000_RECEPTION1"]);
    let m = manifest(&env.newest_set());
    assert!(m.contains("\nresult\tSUSPECT\n") && m.contains("\nsuspect-result\tSUCCESS\n"), "{m}");
    assert!(m.contains("\nsuspect\t104 of them (78%) look encrypted"), "{m}");

    // The next day it is still encrypted: compared with the good set again, still SUSPECT, and
    // still nothing removed with --keep 1.
    let out = env.backup_at("2026-11-30T17:30:00", &["--keep", "1"]);
    assert_eq!(code(&out), 5, "{}", text(&out));
    assert!(
        env.log()
            .rsplit("===== Network backup =====")
            .next()
            .unwrap()
            .contains("Compared with:   2026-11-28_173000_RECEPTION1")
    );
    assert_eq!(names(&env).len(), 3);
    let status = status_of(&env, &env.dest);
    assert_eq!(code(&status), 5, "{}", text(&status));
    assert!(text(&status).contains("SUSPECT backup:    2026-11-29_173000_RECEPTION1"), "{}", text(&status));
    // Another computer, with a backup folder of its own, sees it in the shared log.
    let elsewhere = status_of(&env, &env.path("RECEPTION2-backups"));
    assert_eq!(code(&elsewhere), 5, "{}", text(&elsewhere));
    let newest = env.newest_set().display().to_string();
    assert!(text(&elsewhere).contains(&format!("SUSPECT backup:    {newest}")), "{}", text(&elsewhere));
    let list = env.command().arg("list").arg("--destination").arg(&env.dest).output().unwrap();
    assert_eq!(text(&list).matches("  SUSPECT  ").count(), 2, "{}", text(&list));

    // A person who knows better confirms both; retention then goes by its rules again.
    for set in &env.sets()[1..] {
        let out = confirm(&env, set);
        assert_eq!(code(&out), 0, "{}", text(&out));
        assert!(text(&out).contains("Confirmed by jane on RECEPTION1"), "{}", text(&out));
    }
    assert!(env.log().contains("===== SUSPECT backup confirmed ====="));
    let verify = env.command().arg("verify").arg(env.newest_set()).output().unwrap();
    assert_eq!(code(&verify), 0, "the confirmation is the set's own file: {}", text(&verify));
    let again = confirm(&env, &env.newest_set());
    assert!(text(&again).starts_with("Already confirmed."), "{}", text(&again));
    let status = status_of(&env, &env.dest);
    assert_ne!(code(&status), 5, "{}", text(&status));
    let elsewhere = status_of(&env, &env.path("RECEPTION2-backups"));
    assert_ne!(code(&elsewhere), 5, "the log has the confirmation too: {}", text(&elsewhere));
    let out = env.backup_at("2026-12-01T17:30:00", &["--keep", "1"]);
    assert_eq!(code(&out), 0, "compared with the confirmed set, nothing changed: {}", text(&out));
    assert_eq!(names(&env), ["2026-12-01_173000_RECEPTION1"]);
}

#[test]
fn ordinary_days_and_a_mass_import_of_valid_x_rays_are_not_flagged() {
    let env = practice();
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    for day in 1..=3 {
        clinic::working_day(&env, day);
        let out = env.backup_at(&format!("2026-11-{}T17:30:00", 28 + day), &[]);
        assert_eq!(code(&out), 0, "day {day}: {}", text(&out));
    }
    // 400 new X-rays from a new sensor: JPEG and DICOM (an ending the practice never had), valid
    // files whose pixel data is as random as any compressed picture's.
    for i in 0..200u64 {
        env.write(&format!("X-rays/Import/{i:03}.jpg"), &clinic::jpeg(5000 + i, 25_000));
        env.write(&format!("X-rays/Import/{i:03}.DCM2"), &clinic::dicom(7000 + i, 35_000));
    }
    let out = env.backup_at("2026-12-02T17:30:00", &[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(!env.log().contains("SUSPECT"), "{}", env.log());
    assert!(!env.log().contains("look encrypted"), "not even a warning: {}", env.log());
}

#[test]
fn a_set_that_is_not_suspect_cannot_be_confirmed() {
    let env = practice();
    assert_eq!(code(&env.backup(&[])), 0);
    let out = confirm(&env, &env.newest_set());
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("is not marked SUSPECT: there is nothing to confirm"), "{}", text(&out));
    assert!(!env.newest_set().join("confirmed.txt").exists());
}
