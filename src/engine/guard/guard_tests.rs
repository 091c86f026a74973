use super::tally::EXAMPLES;
use super::*;

pub(super) fn random(n: usize, seed: u64) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..n).map(|_| rng.u8(..)).collect()
}

/// What a JPEG from an X-ray program starts with: markers, tables, then coded data.
fn jpeg(n: usize) -> Vec<u8> {
    let mut b = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00".to_vec();
    b.extend((0..64u8).cycle().take(600));
    b.extend(random(n.saturating_sub(b.len()), 7));
    b.truncate(n);
    b
}

pub(super) fn text(n: usize) -> Vec<u8> {
    b"Dear Mrs Smith, your next check-up is due on Tuesday at 10:30. "
        .iter()
        .copied()
        .cycle()
        .take(n)
        .collect()
}

#[test]
fn random_bytes_are_near_random_and_a_files_usual_start_is_not() {
    for n in [1024, 2000, 4096, 1 << 20] {
        for seed in 0..20 {
            assert_eq!(Head::of(&random(n, seed)).random, Some(true), "{n} random bytes, seed {seed}");
        }
    }
    assert_eq!(Head::of(&text(4096)).random, Some(false));
    // A JPEG's coded data is near-random too: pictures are judged by their signature instead.
    assert_eq!(Head::of(&random(1000, 1)).random, None, "too short to tell");
}

#[test]
fn kinds_are_known_by_their_first_bytes() {
    assert_eq!(Head::of(&jpeg(4096)).magic, Some(Magic::Jpeg));
    let mut dicom = vec![0u8; 128];
    dicom.extend(b"DICM\x02\x00\x00\x00UL");
    assert_eq!(Head::of(&dicom).magic, Some(Magic::Dicom));
    assert_eq!(Head::of(b"%PDF-1.7\n").magic, Some(Magic::Pdf));
    assert_eq!(Head::of(b"PK\x03\x04\x14\x00").magic, Some(Magic::Zip), "docx and xlsx are zip");
    assert_eq!(Head::of(&random(4096, 3)).magic, None);
    assert!(Head::of(&random(4096, 3)).unknown_random());
}

#[test]
fn a_changed_file_looks_encrypted_when_it_lost_its_signature_or_turned_random() {
    let (pic, txt, noise) = (Head::of(&jpeg(8192)), Head::of(&text(8192)), Head::of(&random(8192, 9)));
    assert_eq!(
        changed((Some(pic), Some(noise)), (None, None), false),
        Some(Sign::LostSignature(Magic::Jpeg))
    );
    assert_eq!(changed((Some(txt), Some(noise)), (None, None), false), Some(Sign::TurnedRandom));
    assert_eq!(changed((Some(txt), Some(noise)), (None, None), true), Some(Sign::DatabaseScrambled));
    assert_eq!(
        changed((Some(pic), Some(Head::of(&jpeg(9000)))), (None, None), false),
        None,
        "an edited picture is still one"
    );
    assert_eq!(
        changed((Some(txt), Some(Head::of(&text(9000)))), (None, None), true),
        None,
        "a database that grew"
    );
    assert_eq!(
        changed((Some(noise), Some(Head::of(&random(8192, 10)))), (None, None), false),
        None,
        "it was random before too"
    );
}

fn base(endings: &[(&str, u64)], files: u64) -> Base {
    Base {
        name: "2026-11-29_173000_RECEPTION1".into(),
        started: None,
        files,
        bytes: files * 8192,
        endings: Some(
            endings
                .iter()
                .map(|(e, n)| (e.to_string(), Seen { files: *n, sampled: *n, random: 0 }))
                .collect(),
        ),
        earlier: Earlier::default(),
    }
}

#[test]
fn more_than_a_fifth_of_fifty_changed_files_looking_encrypted_crosses_the_line() {
    let (txt, noise) = (Some(Head::of(&text(8192))), Some(Head::of(&random(8192, 1))));
    let day = |encrypted: u64, plain: u64| {
        let mut t = Tally::default();
        for i in 0..encrypted {
            t.add(
                &format!("data/Letters/{i}.txt"),
                8192,
                Change::Changed { before: txt, now: noise, was: None, is: None },
                false,
            );
        }
        for i in 0..plain {
            t.add(
                &format!("data/Letters/p{i}.txt"),
                8192,
                Change::Changed { before: txt, now: txt, was: None, is: None },
                false,
            );
        }
        t.judge(&base(&[("txt", 500)], 500)).0
    };
    assert!(day(11, 39).is_ok(), "11 of 50 is 22%");
    let warning = day(10, 40).expect_err("10 of 50 is 20%: not more than a fifth").expect("but named");
    assert!(warning.starts_with("10 of the 50 files that changed or are new since 2026-11-29"), "{warning}");
    assert!(day(40, 0).is_err(), "fewer than 50 changed files are never called an attack by their share");
    assert_eq!(day(0, 60), Err(None), "nothing looks encrypted: nothing said");
    let s = day(50, 50).unwrap();
    assert!(s.evidence[0].starts_with("100 of 100 files (100%) changed or new"), "{:?}", s.evidence);
    assert!(s.evidence[1].starts_with("50 of them (50%) look encrypted"), "{:?}", s.evidence);
    assert_eq!(s.examples.len(), EXAMPLES);
    assert!(s.examples[0].contains("turned") || s.examples[0].contains("random"), "{:?}", s.examples);
}

#[test]
fn new_random_files_count_only_under_an_ending_no_file_had() {
    let noise = Some(Head::of(&random(8192, 2)));
    let import = |ext: &str| {
        let mut t = Tally::default();
        for i in 0..100 {
            t.add(&format!("data/XRays/new_{i}.{ext}"), 8192, Change::New { now: noise, is: None }, false);
        }
        t
    };
    let mut known = base(&[("jpg", 300), ("txt", 300)], 600);
    known.endings.as_mut().unwrap().get_mut("jpg").unwrap().random = 300;
    assert!(import("jpg").judge(&known).0.is_err(), "new pictures of a kind the practice already has");
    let s = import("txt").judge(&known).0.expect("a hundred new random .txt files, where none was random");
    assert!(
        s.evidence
            .iter()
            .any(|e| e
                .contains("100 new files end in .txt, and 100 of them are random bytes, which its files")),
        "{:?}",
        s.evidence
    );
    let s = import("locked").judge(&known).0.expect("a hundred new random .locked files");
    assert!(s.evidence.iter().any(|e| e.starts_with("100 new files end in .locked")), "{:?}", s.evidence);
    assert!(
        s.examples[0].ends_with("new, ends in .locked, random bytes of no known kind"),
        "{:?}",
        s.examples
    );
}

#[test]
fn a_database_file_that_looks_encrypted_crosses_the_line_alone() {
    let mut t = Tally::default();
    let (page, noise) = (Some(Head::of(&text(8192))), Some(Head::of(&random(8192, 4))));
    t.add("data/Practice.db", 8192, Change::Changed { before: page, now: noise, was: None, is: None }, true);
    let s = t.judge(&base(&[("db", 1)], 1)).0.expect("the database scrambled");
    assert_eq!(s.headline, "The database files changed and look encrypted");
    assert!(s.evidence.contains(&"1 database file looks encrypted".to_string()), "{:?}", s.evidence);
}

#[test]
fn the_same_new_note_in_many_folders_is_named() {
    let mut t = Tally::default();
    let noise = Some(Head::of(&random(8192, 5)));
    for i in 0..60 {
        t.add(&format!("data/P{i}/a.jpg.locked"), 8192, Change::New { now: noise, is: None }, false);
        t.add(&format!("data/P{i}/HOW_TO_DECRYPT.txt"), 900, Change::New { now: None, is: None }, false);
    }
    let s = t.judge(&base(&[("jpg", 60)], 60)).0.unwrap();
    assert!(
        s.evidence
            .iter()
            .any(|e| e.starts_with("a new file named how_to_decrypt.txt appeared in 60 folders"))
    );
}

#[test]
fn an_earlier_set_whose_manifest_could_not_be_read_whole_is_not_judged_but_named() {
    let noise = Some(Head::of(&random(8192, 6)));
    let mut t = Tally::default();
    for i in 0..100 {
        t.add(&format!("data/XRays/{i}.jpg"), 8192, Change::New { now: noise, is: None }, false);
    }
    let unread = Base { endings: None, ..base(&[], 100) };
    let verdict = t.verdict(Some(&unread), None);
    assert_eq!(verdict.suspect, None, "every ending would look new");
    let note = verdict.note.unwrap();
    assert!(
        note.starts_with("the ransomware and loss guards could not compare this backup with 2026-11-29"),
        "{note}"
    );
    let first = Tally::default().verdict(None, None);
    assert_eq!((first.suspect, first.note, first.changes), (None, None, None), "the first backup");
}

#[test]
fn an_attack_spread_over_days_crosses_the_line_with_the_counts_of_the_backups_before() {
    let (txt, noise) = (Some(Head::of(&text(8192))), Some(Head::of(&random(8192, 1))));
    let today = |earlier: Earlier| {
        let mut t = Tally::default();
        for i in 0..30 {
            let change = Change::Changed { before: txt, now: noise, was: None, is: None };
            t.add(&format!("data/Letters/{i}.txt"), 8192, change, false);
        }
        t.judge(&Base { earlier, ..base(&[("txt", 500)], 500) })
    };
    let (alone, changes) = today(Earlier::default());
    assert!(alone.expect_err("30 files: under the line alone").is_some(), "but named as a warning");
    assert_eq!(changes, (30, 30), "the count the set's manifest keeps");
    let counted = |touched, looks| crate::engine::manifest::Counted {
        name: "2026-11-28_173000_RECEPTION1".into(),
        started: chrono::DateTime::UNIX_EPOCH,
        touched,
        looks,
    };
    let yesterday = Earlier { counted: vec![counted(30, 30)], touched: 30, looks: 30, since: None };
    let s = today(yesterday).0.expect("30 yesterday and 30 today");
    assert_eq!(
        s.headline,
        "60 of the 60 files that changed or are new over the last 2 backups look encrypted"
    );
    assert_eq!(s.base_started, None, "the backups before today's hold encrypted files too");
    let ordinary = Earlier { counted: vec![counted(200, 0); 3], touched: 600, looks: 0, since: None };
    let hostile = Earlier {
        counted: vec![counted(u64::MAX, u64::MAX)],
        touched: u64::MAX,
        looks: u64::MAX,
        since: None,
    };
    assert!(today(hostile).0.is_ok(), "counts a manifest made up neither overflow nor wrap");
    assert!(today(ordinary).0.is_err(), "days of ordinary changes before add nothing that looks encrypted");
}
