//! `verify` finds every way a set can differ from its manifest.

mod common;
use common::*;

fn verify(env: &TestEnv, set: &std::path::Path) -> (i32, String) {
    let out = env.command().arg("verify").arg(set).output().unwrap();
    (code(&out), text(&out))
}

fn backed_up() -> (TestEnv, std::path::PathBuf) {
    let env = TestEnv::with_practice();
    assert_eq!(code(&env.backup(&[])), 0);
    let set = env.newest_set();
    (env, set)
}

#[test]
fn a_good_set_matches() {
    let (env, set) = backed_up();
    let (code, out) = verify(&env, &set);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("OK: 6 files"), "{out}");
}

#[test]
fn a_flipped_byte_is_a_mismatch() {
    let (env, set) = backed_up();
    let f = set.join("data/X-rays/2024/Jane Smith.dcm");
    let mut bytes = std::fs::read(&f).unwrap();
    bytes[2_000_000] ^= 1;
    std::fs::write(&f, bytes).unwrap();
    let (code, out) = verify(&env, &set);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("MISMATCH  data/X-rays/2024/Jane Smith.dcm: content differs"), "{out}");
}

#[test]
fn a_truncated_file_is_a_mismatch() {
    let (env, set) = backed_up();
    let f = std::fs::OpenOptions::new().write(true).open(set.join("data/Practice.db")).unwrap();
    f.set_len(100).unwrap();
    let (code, out) = verify(&env, &set);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("MISMATCH  data/Practice.db: size is 100 bytes"), "{out}");
}

#[test]
fn missing_and_extra_files_are_named() {
    let (env, set) = backed_up();
    std::fs::remove_file(set.join("data/Practice.idx")).unwrap();
    std::fs::write(set.join("data/Forms/stray.txt"), b"?").unwrap();
    let (code, out) = verify(&env, &set);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("MISSING   data/Practice.idx"), "{out}");
    assert!(out.contains("EXTRA     data/Forms/stray.txt"), "{out}");
}

#[test]
fn an_edited_or_missing_manifest_makes_the_set_unreadable() {
    let (env, set) = backed_up();
    let m = set.join("manifest.tsv");
    let text = std::fs::read_to_string(&m).unwrap();
    std::fs::write(&m, text.replacen("\t5\t", "\t6\t", 1)).unwrap();
    let (code, out) = verify(&env, &set);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("the manifest was changed"), "{out}");
    std::fs::remove_file(&m).unwrap();
    assert_eq!(verify(&env, &set).0, 2);
}

#[cfg(unix)]
#[test]
fn a_manifest_listing_a_file_inside_a_link_makes_the_set_unreadable() {
    let (env, set) = backed_up();
    plant_link_in_manifest(&set, true);
    let (code, out) = verify(&env, &set);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("UNREADABLE") && out.contains(&set.display().to_string()), "{out}");
    assert!(out.contains("data/evil/planted.txt is listed inside the symbolic link data/evil"), "{out}");
    assert!(out.contains("the manifest was changed"), "{out}");
}

#[cfg(unix)]
#[test]
fn a_file_listed_before_the_link_it_is_inside_is_a_mismatch() {
    let (env, set) = backed_up();
    plant_link_in_manifest(&set, false);
    let (code, out) = verify(&env, &set);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("MISMATCH  data/evil/planted.txt: inside the symbolic link data/evil"), "{out}");
}
