//! Getting data back: `restore` round trips, refusals, `list`, and the restore test (`drill`).

mod common;
use common::*;

fn backed_up() -> (TestEnv, std::path::PathBuf) {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup(&[])), 0);
    let set = env.newest_set();
    (env, set)
}

fn restore(
    env: &TestEnv,
    set: &std::path::Path,
    to: &std::path::Path,
    only: Option<&str>,
) -> std::process::Output {
    let mut c = env.command();
    c.arg("restore").arg(set).arg("--to").arg(to);
    if let Some(o) = only {
        c.args(["--only", o]);
    }
    c.output().unwrap()
}

#[test]
fn a_whole_set_restores_byte_identical() {
    let (env, set) = backed_up();
    let to = env.path("restored");
    let out = restore(&env, &set, &to, None);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(text(&out).contains("RESTORED: 6 files"), "{}", text(&out));
    assert_eq!(tree(&to.join("data"), &["logfiles"]), tree(&env.data, &["logfiles"]));
}

#[test]
fn one_folder_or_one_file_restores_alone() {
    let (env, set) = backed_up();
    let to = env.path("xrays");
    assert_eq!(code(&restore(&env, &set, &to, Some("data/X-rays"))), 0);
    assert_eq!(tree(&to.join("data/X-rays"), &[]), tree(&env.data.join("X-rays"), &[]));
    assert_eq!(std::fs::read_dir(to.join("data")).unwrap().count(), 1, "nothing else");
    let to = env.path("one");
    assert_eq!(code(&restore(&env, &set, &to, Some("data/Practice.db"))), 0);
    assert_eq!(
        std::fs::read(to.join("data/Practice.db")).unwrap(),
        std::fs::read(env.data.join("Practice.db")).unwrap()
    );
    let out = restore(&env, &set, &env.path("none"), Some("data/Nothing"));
    assert_eq!(code(&out), 2, "{}", text(&out));
}

#[test]
fn restoring_into_the_live_data_folder_or_a_non_empty_folder_is_refused() {
    let (env, set) = backed_up();
    let out = restore(&env, &set, &env.data.join("Restored"), None);
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("job for EXACT's support desk"), "{}", text(&out));
    assert!(!env.data.join("Restored").exists());
    let busy = env.path("busy");
    std::fs::create_dir_all(&busy).unwrap();
    std::fs::write(busy.join("keep.txt"), b"mine").unwrap();
    let out = restore(&env, &set, &busy, None);
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("is not empty"), "{}", text(&out));
    assert_eq!(std::fs::read_dir(&busy).unwrap().count(), 1);
}

#[test]
fn a_damaged_file_in_the_backup_is_named_when_restoring() {
    let (env, set) = backed_up();
    let x = set.join("data/X-rays/2024/Jane Smith.dcm");
    let mut b = std::fs::read(&x).unwrap();
    b[10] ^= 1;
    std::fs::write(&x, b).unwrap();
    let out = restore(&env, &set, &env.path("r"), None);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        text(&out).contains("NOT RESTORED  data/X-rays/2024/Jane Smith.dcm: differs from the manifest"),
        "{}",
        text(&out)
    );
}

#[cfg(unix)]
#[test]
fn a_manifest_listing_a_file_inside_a_link_is_refused_and_nothing_is_written_outside() {
    let (env, set) = backed_up();
    let outside = plant_link_in_manifest(&set, true);
    let to = env.path("x/y/restored");
    let out = restore(&env, &set, &to, None);
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0, "nothing written outside: {}", text(&out));
    assert_eq!(code(&out), 2, "{}", text(&out));
    let t = text(&out);
    assert!(t.contains(&set.display().to_string()), "names the set: {t}");
    assert!(t.contains("data/evil/planted.txt is listed inside the symbolic link data/evil"), "{t}");
    assert!(t.contains("the manifest was changed"), "{t}");
    let out = restore(&env, &set, &env.path("x/y/evil only"), Some("data/evil"));
    assert_eq!(code(&out), 2, "the whole set is refused, whatever part is asked for: {}", text(&out));
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
}

#[cfg(unix)]
#[test]
fn a_file_listed_before_the_link_it_is_inside_is_not_restored_through_it() {
    let (env, set) = backed_up();
    let outside = plant_link_in_manifest(&set, false);
    let out = restore(&env, &set, &env.path("x/y/restored"), None);
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0, "nothing written outside: {}", text(&out));
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        text(&out).contains(
            "NOT RESTORED  data/evil/planted.txt: the backup holds it inside the symbolic link data/evil"
        ),
        "{}",
        text(&out)
    );
}

#[test]
fn list_shows_every_complete_set_and_no_partial_one() {
    let env = TestEnv::with_practice();
    for day in 1..=2 {
        assert_eq!(code(&env.backup_at(&format!("2026-11-0{day}T18:00:00"), &[])), 0);
    }
    let copy = env.dest.join(".partial-20261103180000-1");
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::copy(env.newest_set().join("manifest.tsv"), copy.join("manifest.tsv")).unwrap();
    let out = env.command().arg("list").arg("--destination").arg(&env.dest).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("2026-11-02 18:00  RECEPTION1    SUCCESS") && t.contains("2026-11-01 18:00"), "{t}");
    assert!(t.contains("3.4 MB") && t.contains("yes"), "{t}");
    assert!(!t.contains("partial"), "{t}");
    assert_eq!(t.lines().count(), 3, "a header and two sets: {t}");
}

fn drill(env: &TestEnv, seed: &str) -> std::process::Output {
    std::fs::create_dir_all(env.path("tmp")).unwrap();
    env.command()
        .env("TMPDIR", env.path("tmp"))
        .args(["drill", "--seed", seed, "--destination"])
        .arg(&env.dest)
        .arg("--log-file")
        .arg(env.data.join("logfiles/backup.log"))
        .output()
        .unwrap()
}

#[test]
fn a_restore_test_of_a_good_backup_passes_and_is_logged_with_its_seed() {
    let (env, _) = backed_up();
    let out = drill(&env, "42");
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(text(&out).contains("PASSED: 6 files"), "{}", text(&out));
    let log = env.log();
    let block = log.rsplit("===== Restore test =====").next().unwrap();
    assert!(block.contains("Seed:            42") && block.contains("Result:          PASSED"), "{block}");
    assert_eq!(std::fs::read_dir(env.path("tmp")).unwrap().count(), 0, "the temporary copy is removed");
}

#[test]
fn a_restore_test_finds_a_flipped_byte_in_a_database_file_or_a_sampled_file() {
    for victim in ["data/Practice.db", "data/X-rays/2025/Ünïcödé 名前.dcm"] {
        let (env, set) = backed_up();
        let f = set.join(victim);
        let mut b = std::fs::read(&f).unwrap();
        b[100] ^= 0x40;
        std::fs::write(&f, b).unwrap();
        let out = drill(&env, "7");
        assert_eq!(code(&out), 1, "{victim}: {}", text(&out));
        assert!(text(&out).contains(&format!("BAD  {victim}")), "{}", text(&out));
        let log = env.log();
        let block = log.rsplit("===== Restore test =====").next().unwrap();
        assert!(block.contains("Result:          FAILED") && block.contains(victim), "{block}");
    }
}

#[test]
fn a_restore_test_with_no_backup_says_so() {
    let env = TestEnv::with_practice();
    std::fs::create_dir_all(&env.dest).unwrap();
    let out = drill(&env, "1");
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("There is no backup"), "{}", text(&out));
}

#[cfg(unix)]
#[test]
fn a_restore_test_refuses_a_manifest_listing_a_file_inside_a_link() {
    let (env, set) = backed_up();
    plant_link_in_manifest(&set, true);
    let out = drill(&env, "3");
    assert_eq!(code(&out), 2, "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("COULD NOT TEST") && t.contains("listed inside the symbolic link data/evil"), "{t}");
    let log = env.log();
    let block = log.rsplit("===== Restore test =====").next().unwrap();
    assert!(
        block.contains("Result:          FAILED") && block.contains("the manifest was changed"),
        "{block}"
    );
}
