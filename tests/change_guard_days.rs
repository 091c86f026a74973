//! The change guard over days, with the real binary: an attack cut short at logoff and finished
//! the next day, spread over days or a weekend, or over many backups a day; computers whose clocks
//! disagree; counts in a manifest that were made up.

mod common;
use common::clinic::{encrypt_letters, three_hundred};
use common::*;

fn status(env: &TestEnv) -> std::process::Output {
    env.command()
        .args(["status", "--data-folder"])
        .arg(&env.data)
        .arg("--destination")
        .arg(&env.dest)
        .output()
        .unwrap()
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
    let status = status(&env);
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
fn three_backup_days_over_a_weekend_are_summed() {
    let env = three_hundred();
    assert_eq!(code(&env.backup_at("2026-11-26T17:30:00", &[])), 0);
    // 20 files on each of Friday, Monday and Tuesday: the weekend is no gap.
    for (d, day) in ["2026-11-27T17:30:00", "2026-11-30T17:30:00", "2026-12-01T17:30:00"].iter().enumerate() {
        encrypt_letters(&env, (d as u64 * 20, d as u64 * 20 + 20), false);
        let out = env.backup_at(day, &[]);
        assert_eq!(code(&out), if d < 2 { 0 } else { 5 }, "{day}: {}", text(&out));
    }
    assert!(env.last_block().contains("60 of the 60 files that changed or are new over the last 3 backups"));
}

#[test]
fn many_backups_a_day_are_summed_though_retention_removed_their_sets() {
    let env = three_hundred();
    assert_eq!(code(&env.backup_at("2026-11-28T08:00:00", &[])), 0);
    // A backup at each logoff, 5 files encrypted before each; retention keeps 3 sets a day.
    let mut codes = Vec::new();
    for r in 0..12u64 {
        encrypt_letters(&env, (r * 5, r * 5 + 5), false);
        codes.push(code(&env.backup_at(&format!("2026-11-28T{:02}:30:00", 9 + r), &[])));
        if codes.last() == Some(&5) {
            break;
        }
    }
    assert_eq!(codes.last(), Some(&5), "{codes:?}: {}", env.last_block());
    assert!(env.sets().len() < codes.len(), "retention removed sets whose counts were added up");
}

#[test]
fn a_computer_whose_clock_is_behind_does_not_make_yesterday_look_old() {
    let env = three_hundred();
    assert_eq!(code(&env.backup_at("2026-11-27T17:30:00", &[])), 0);
    encrypt_letters(&env, (0, 40), false);
    // Its clock says 23 November, four days before the backup made before it.
    assert_eq!(code(&env.backup_at("2026-11-23T17:30:00", &[])), 0);
    encrypt_letters(&env, (40, 80), false);
    let out = env.backup_at("2026-11-29T17:30:00", &[]);
    assert_eq!(code(&out), 5, "{}", text(&out));
}

/// Rewrites the header of a set's manifest with `edit`, and its closing checksum, as anyone who
/// can write the backup folder can.
fn forge(set: &std::path::Path, edit: impl Fn(&str) -> String) {
    let m = set.join("manifest.tsv");
    let text = std::fs::read_to_string(&m).unwrap();
    let (body, end) = text.trim_end().rsplit_once('\n').unwrap();
    let body = edit(&format!("{body}\n"));
    let count = end.split('\t').nth(1).unwrap();
    std::fs::write(&m, format!("{body}end\t{count}\t{}\n", blake3::hash(body.as_bytes()).to_hex())).unwrap();
}

#[test]
fn counts_made_up_in_a_manifest_neither_crash_a_run_nor_decide_it() {
    let env = three_hundred();
    assert_eq!(code(&env.backup_at("2026-11-27T17:30:00", &[])), 0);
    encrypt_letters(&env, (0, 1), false);
    assert_eq!(code(&env.backup_at("2026-11-28T17:30:00", &[])), 0);
    let max = u64::MAX;
    forge(&env.newest_set(), |h| {
        let lines: String =
            (0..300).map(|i| format!("earlier\tX{i}\t2099-01-01T00:00:00Z\t{max}\t{max}\n")).collect();
        h.replace("\nchanges\t", &format!("\nsince\tY\tnot a time\n{lines}changes\t{max}\t{max}\nx\t"))
    });
    encrypt_letters(&env, (1, 2), false);
    let out = env.backup_at("2026-11-29T17:30:00", &[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let block = env.last_block();
    assert!(
        block.contains("1 of the 1 files that changed or are new since 2026-11-28_173000"),
        "still read: {block}"
    );
    assert!(!block.contains("backups before it"), "no made-up count is added: {block}");
    assert!(!text(&status(&env)).contains("18,446,744"), "a count larger than the set is not taken");
}

#[test]
fn a_set_dated_next_year_does_not_hold_the_sum_open() {
    let env = three_hundred();
    assert_eq!(code(&env.backup_at("2026-11-20T17:30:00", &[])), 0);
    // A computer whose clock was a year ahead made one backup.
    assert_eq!(code(&env.backup_at("2027-11-20T17:30:00", &[])), 0);
    // Then, each day, 3 letters edited and 1 encrypted: a quarter, but 12 files in 3 days.
    for day in 0..14u64 {
        for n in 0..3 {
            env.write(
                &format!("Letters/old {:03}.txt", 100 + n),
                format!("day {day} letter {n} ").repeat(300).as_bytes(),
            );
        }
        encrypt_letters(&env, (day, day + 1), false);
        let out = env.backup_at(&format!("2026-11-{:02}T17:30:00", 21 + day), &[]);
        assert_eq!(code(&out), 0, "day {day}: {}", text(&out));
    }
}
