//! Tests of the loss guard's line and words.

use super::*;

fn base() -> Base {
    Base { name: "2026-12-01_183000_RECEPTION1".into(), ..Base::default() }
}

fn scope() -> Vec<(String, bool)> {
    vec![("data".into(), true), ("extra/Scans".into(), true)]
}

fn h(key: &str) -> blake3::Hash {
    blake3::hash(key.as_bytes())
}

/// 400 X-rays and 100 letters of 1 kB, and a database file, with `gone` X-rays gone.
fn practice(gone: u64, database_found: bool) -> Losses {
    let mut l = Losses::new(scope(), Default::default());
    l.file("data/Practice.db", 5000, h("db"), None, database_found);
    for i in 0..400 {
        let key = format!("data/X-rays/{i}.dcm");
        l.file(&key, 1000, h(&key), None, i >= gone);
    }
    for i in 0..100 {
        let key = format!("data/Letters/{i}.rtf");
        l.file(&key, 1000, h(&key), None, true);
    }
    l
}

#[test]
fn most_x_rays_gone_is_a_loss_named_by_folder() {
    let s = practice(380, true).judge(&base()).expect("380 of 501 files gone");
    assert_eq!(s.kind, Kind::Loss);
    assert!(s.evidence.iter().any(|e| e == "X-rays: 380 of 400 files gone"), "{:?}", s.evidence);
    assert!(!s.evidence.iter().any(|e| e.starts_with("Letters")), "{:?}", s.evidence);
    assert_eq!(s.examples.len(), EXAMPLES);
    assert!(s.headline.starts_with("380 of the 501 files"), "{}", s.headline);
}

#[test]
fn a_quarter_of_the_files_is_the_line_and_ten_files_the_least() {
    assert!(practice(125, true).judge(&base()).is_none(), "125 of 501: under a quarter");
    assert!(practice(126, true).judge(&base()).is_some(), "126 of 501: over a quarter");
    let mut few = Losses::new(scope(), Default::default());
    for i in 0..12 {
        few.file(&format!("data/Letters/{i}.rtf"), 10, h("x"), None, i >= 9);
    }
    assert!(few.judge(&base()).is_none(), "3 of 12 files gone: too few to judge by share");
}

#[test]
fn a_quarter_of_the_bytes_is_a_loss_too() {
    let mut l = practice(0, true);
    for i in 0..20 {
        l.file(&format!("data/Video/{i}.mp4"), 20_000, h("v"), None, false);
    }
    let s = l.judge(&base()).expect("400 kB of 905 kB gone");
    assert!(s.headline.starts_with("Files holding 44%"), "{}", s.headline);
}

#[test]
fn any_database_file_gone_is_a_loss_but_not_a_lock_or_temporary_file() {
    let s = practice(0, false).judge(&base()).expect("the database file is gone");
    assert_eq!(s.headline, "The database file Practice.db is gone from the data folder");
    assert_eq!(s.examples[0], "data/Practice.db: database file, gone (was 5.0 kB)");
    assert!(s.evidence[0].starts_with("1 of the 501 files (under 1%) in 2026-12-01"), "{}", s.evidence[0]);
    let mut l = practice(0, true);
    for lock in ["data/EXACT.lck", "data/~tmp01.tmp", "data/Practice.ldb", "data/.DS_Store"] {
        l.file(lock, 5, h(lock), None, false);
    }
    assert!(l.judge(&base()).is_none(), "locks and temporary files come and go");
}

#[test]
fn an_extra_folder_that_lost_most_of_its_files_is_a_loss_though_the_whole_is_not() {
    let mut l = practice(0, true);
    for i in 0..60 {
        let key = format!("extra/Scans/{i}.pdf");
        l.file(&key, 100, h(&key), None, i < 10);
    }
    let s = l.judge(&base()).expect("50 of the extra folder's 60 files gone");
    assert_eq!(
        s.headline,
        "50 of the 60 files in the extra folder Scans are gone since the last good backup"
    );
    assert!(s.evidence.iter().any(|e| e == "Scans (extra folder): 50 of 60 files gone"), "{:?}", s.evidence);
}

#[test]
fn files_in_folders_that_could_not_be_read_are_not_gone() {
    let mut l = Losses::new(scope(), Default::default());
    l.unreadable("data/X-rays".into());
    l.unreadable("data/Practice.db".into());
    l.file("data/Practice.db", 5000, h("db"), None, false);
    for i in 0..400 {
        l.file(&format!("data/X-rays/{i}.dcm"), 1000, h("x"), None, false);
    }
    l.file("data/X-rays2/a.dcm", 1000, h("y"), None, true);
    assert!(l.judge(&base()).is_none());
    assert_eq!(l.unread, 401);
}

#[test]
fn files_outside_what_the_run_backs_up_are_not_gone() {
    // Sub-folders no longer backed up, and an extra folder taken out of the settings.
    let mut l = Losses::new(vec![("data".into(), false)], Default::default());
    l.file("data/Practice.db", 5000, h("db"), None, true);
    for i in 0..400 {
        l.file(&format!("data/X-rays/{i}.dcm"), 1000, h("x"), None, false);
        l.file(&format!("extra/Scans/{i}.pdf"), 1000, h("s"), None, false);
    }
    assert!(l.judge(&base()).is_none());
    assert_eq!(l.outside, 800);
}

#[test]
fn files_moved_or_renamed_with_the_same_content_are_not_gone() {
    let mut l = practice(400, true);
    let new: HashSet<blake3::Hash> = (0..380).map(|i| h(&format!("data/X-rays/{i}.dcm"))).collect();
    l.moved(&new);
    assert_eq!(l.moved, 380);
    assert!(l.judge(&base()).is_none(), "20 of 501 gone: under the line");
    let mut l = practice(0, false);
    l.moved(&HashSet::from([h("db")]));
    assert!(l.judge(&base()).is_none(), "the database file renamed, its content unchanged");
}

#[test]
fn files_deleted_while_the_run_copied_are_gone() {
    let mut l = practice(0, true);
    for i in 0..200 {
        let key = format!("data/X-rays/{i}.dcm");
        l.vanished(&key, 1000, h(&key), None);
    }
    let s = l.judge(&base()).expect("200 of 501 vanished during the run");
    assert!(s.evidence.iter().any(|e| e == "X-rays: 200 of 400 files gone"), "{:?}", s.evidence);
}

#[test]
fn nothing_gone_is_nothing() {
    assert!(practice(0, true).judge(&base()).is_none());
    assert!(Losses::new(scope(), Default::default()).judge(&base()).is_none());
}
