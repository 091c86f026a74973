//! The database files (the data folder's top-level files) are copied first, as one group, and
//! checked unchanged together, so a set's database comes from one quiet moment.

mod common;
use common::*;

/// A run with these faults, counting each read of a database file for the group in `reads`.
fn run(env: &TestEnv, faults: &str) -> (std::process::Output, Vec<String>) {
    let reads = env.path("reads.log");
    let _ = std::fs::remove_file(&reads);
    let mut c = env.command();
    c.env("LOGOFF_BACKUP_FAULTS", faults)
        .env("LOGOFF_BACKUP_READ_LOG", &reads)
        .env("LOGOFF_BACKUP_RETRY_SCALE", "0.01");
    let out = env.run_args(&mut c).output().unwrap();
    let lines = std::fs::read_to_string(&reads).unwrap_or_default().lines().map(str::to_string).collect();
    (out, lines)
}

fn manifest_database_line(env: &TestEnv) -> String {
    let m = std::fs::read_to_string(env.newest_set().join("manifest.tsv")).unwrap();
    m.lines().find(|l| l.starts_with("database\t")).expect("a database line").to_string()
}

#[test]
fn a_quiet_database_is_copied_once_and_its_moment_recorded() {
    let env = TestEnv::with_practice();
    let (out, reads) = run(&env, "");
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(reads.len(), 2, "each of Practice.db and Practice.idx read once: {reads:?}");
    let last = env.last_block();
    assert!(last.contains("Database:        2 files copied together and checked unchanged at"), "{last}");
    assert!(!last.contains("attempts"), "{last}");
    assert!(manifest_database_line(&env).ends_with("\tquiet\t2\t2"), "{}", manifest_database_line(&env));
    let list = env.command().arg("list").arg("--destination").arg(&env.dest).output().unwrap();
    assert!(text(&list).contains("DATABASE"), "{}", text(&list));
    let verify = env.command().arg("verify").arg(env.newest_set()).output().unwrap();
    assert_eq!(code(&verify), 0, "{}", text(&verify));
    assert!(text(&verify).contains("DATABASE  2 files copied together, unchanged at"), "{}", text(&verify));
}

#[test]
fn a_database_file_that_changes_once_makes_the_whole_group_be_copied_again() {
    let env = TestEnv::with_practice();
    // Practice.idx changes after the group's first pass (Practice.db was copied before it).
    let (out, reads) = run(&env, "db-change:Practice.idx=1");
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(reads.len(), 4, "both files read twice: {reads:?}");
    let set = env.newest_set();
    for f in ["Practice.db", "Practice.idx"] {
        assert_eq!(
            std::fs::read(set.join("data").join(f)).unwrap(),
            std::fs::read(env.data.join(f)).unwrap(),
            "{f}: the second state"
        );
    }
    assert!(
        std::fs::read(set.join("data/Practice.idx")).unwrap().ends_with(b"+0"),
        "the changed index is in the set"
    );
    let last = env.last_block();
    assert!(last.contains("Result:          SUCCESS"), "{last}");
    assert!(last.contains("(after 2 attempts: it was in use)"), "{last}");
    assert!(manifest_database_line(&env).ends_with("\tquiet\t2\t2"));
}

#[test]
fn a_database_that_keeps_changing_is_kept_but_named_and_marked() {
    let env = TestEnv::with_practice();
    let (out, reads) = run(&env, "db-change:Practice.idx=always");
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert_eq!(reads.len(), 8, "four attempts at both files: {reads:?}");
    let last = env.last_block();
    assert!(last.contains("Result:          COMPLETED WITH ERRORS"), "{last}");
    assert!(last.contains("2 files copied WHILE CHANGING (EXACT was in use)"), "{last}");
    assert!(last.contains("The database was in use and kept changing during the backup"), "{last}");
    assert!(last.contains("Close EXACT on every computer"), "{last}");
    assert!(!last.contains("NOT in this backup"), "no file is missing: {last}");
    assert!(manifest_database_line(&env).ends_with("\tchanging\t2\t2"));
    let set = env.newest_set();
    assert!(set.join("data/X-rays/2024/Jane Smith.dcm").is_file(), "the set is still made");
    let verify = env.command().arg("verify").arg(&set).output().unwrap();
    assert_eq!(code(&verify), 1, "{}", text(&verify));
    assert!(text(&verify).contains("copied while EXACT kept changing them"), "{}", text(&verify));
    let drill =
        env.command().args(["drill", "--seed", "1", "--destination"]).arg(&env.dest).output().unwrap();
    assert_eq!(code(&drill), 1, "the restore test does not pass it: {}", text(&drill));
}

/// Each member of the group is written to the manifest at its place, even when the walk reaches
/// that place long after the group and the file is gone from the data folder by then.
#[test]
fn a_database_file_deleted_after_the_group_is_still_in_the_set_and_its_manifest() {
    let env = TestEnv::with_practice();
    for i in 0..8300 {
        env.write(&format!("Forms/Many/f{i:05}.xml"), b"f");
    }
    env.write("Z.db", b"a database file that sorts after every folder");
    let child = env.spawn_with_faults("pause:copy:f00000.xml", &[]);
    env.wait_for_pause("copy:f00000.xml"); // the walk waits behind the copies
    std::fs::remove_file(env.data.join("Z.db")).unwrap();
    env.resume("copy:f00000.xml");
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let set = env.newest_set();
    assert_eq!(
        std::fs::read(set.join("data/Z.db")).unwrap(),
        b"a database file that sorts after every folder"
    );
    let verify = env.command().arg("verify").arg(&set).output().unwrap();
    assert_eq!(code(&verify), 0, "in the manifest too: {}", text(&verify));
    assert!(manifest_database_line(&env).ends_with("\tquiet\t3\t3"), "{}", manifest_database_line(&env));
}

#[test]
fn a_database_file_that_cannot_be_read_is_named_and_the_group_says_how_many_made_it() {
    let env = TestEnv::with_practice();
    let (out, _) = run(&env, "open:Practice.idx=13");
    assert_eq!(code(&out), 1, "{}", text(&out));
    let last = env.last_block();
    assert!(
        last.contains("Database:        only 1 of its 2 files copied: the others could not be (named below)"),
        "{last}"
    );
    assert!(last.contains("FAILED") && last.contains("Practice.idx"), "{last}");
    assert!(manifest_database_line(&env).ends_with("\tquiet\t1\t2"), "{}", manifest_database_line(&env));
}

#[test]
fn a_database_file_that_appears_during_the_group_makes_it_be_copied_again_with_it() {
    let env = TestEnv::with_practice();
    let (out, reads) = run(&env, "db-new:New.db");
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(reads.len(), 2 + 3, "two files, then three: {reads:?}");
    assert_eq!(
        std::fs::read(env.newest_set().join("data/New.db")).unwrap(),
        b"a database file that appeared"
    );
    assert!(env.last_block().contains("(after 2 attempts: it was in use)"), "{}", env.last_block());
    assert!(manifest_database_line(&env).ends_with("\tquiet\t3\t3"), "{}", manifest_database_line(&env));
}
