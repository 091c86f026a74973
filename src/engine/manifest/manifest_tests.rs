//! Tests of the manifest: round trips, checks, and what a damaged one says.

use super::*;

fn sample() -> Manifest {
    let t = DateTime::from_timestamp(1_764_178_205, 0).unwrap();
    Manifest {
        header: Header {
            set: "2026-11-26_173005_RECEPTION1".into(),
            computer: "RECEPTION1".into(),
            user: "jane".into(),
            started: t,
            finished: t,
            result: "SUCCESS".into(),
            sequence: 7,
            verified: true,
            sources: vec![("data".into(), "\\\\server\\EXACTData".into())],
            database: None,
            suspect: None,
            changes: Some((1, 0)),
            since: Some(("2026-11-27_173000_RECEPTION1".into(), chrono::DateTime::UNIX_EPOCH)),
            earlier: vec![super::Counted {
                name: "2026-11-28_173000_RECEPTION1".into(),
                started: chrono::DateTime::from_timestamp(1_764_351_000, 0).unwrap(),
                touched: 1,
                looks: 1,
            }],
        },
        entries: vec![
            Entry {
                path: "data".into(),
                kind: Kind::Dir,
                mtime: Mtime { secs: 5, nanos: 0 },
                stamp: None,
                look: None,
            },
            Entry {
                path: "data/Practice.db".into(),
                kind: Kind::File { size: 3, hash: blake3::hash(b"abc") },
                mtime: Mtime { secs: -3, nanos: 123_456_789 },
                stamp: Some(Stamp { change: Mtime { secs: 9, nanos: 1 }, id: 42 }),
                look: Some(Look { blocks: 5, random: 1, bits10: 52 }),
            },
        ],
    }
}

#[test]
fn round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(FILE_NAME);
    write(&p, &sample()).unwrap();
    assert_eq!(read(&p).unwrap(), sample());
    assert_eq!(read_header(&p).unwrap(), sample().header);
    let summary = check(&p).unwrap();
    assert_eq!((summary.files, summary.bytes, summary.database_bytes), (1, 3, 3));
    assert!(summary.in_path_order);
    let mut old = sample();
    old.entries.push(Entry {
        path: "Data".into(),
        kind: Kind::Dir,
        mtime: Mtime { secs: 1, nanos: 0 },
        stamp: None,
        look: None,
    });
    write(&p, &old).unwrap();
    assert!(!check(&p).unwrap().in_path_order, "as an earlier version's manifest might be");
}

#[test]
fn a_manifest_of_format_1_without_the_source_column_still_reads() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(FILE_NAME);
    let hash = blake3::hash(b"abc").to_hex();
    let body = format!(
        "logoff-backup manifest\t1\nset\ts\nstarted\t2026-11-26T06:30:05Z\nresult\tSUCCESS\n#blake3\tsize\tmodified\tpath\n-\tdir\t2026-11-26T06:30:05.000000000Z\tdata\n{hash}\t3\t2026-11-26T06:30:05.000000000Z\tdata/Practice.db\n"
    );
    std::fs::write(&p, format!("{body}end\t2\t{}\n", blake3::hash(body.as_bytes()).to_hex())).unwrap();
    let m = read(&p).unwrap();
    assert_eq!(m.header.sequence, 0, "sets of earlier versions come first");
    assert_eq!(m.entries[1].path, "data/Practice.db");
    assert_eq!(m.entries[1].kind, Kind::File { size: 3, hash: blake3::hash(b"abc") });
    assert_eq!(m.entries[1].stamp, None);
    assert_eq!(check(&p).unwrap().files, 1);
}

#[test]
fn entries_written_one_by_one_make_the_same_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let (p, q) = (dir.path().join("a.tsv"), dir.path().join("b.tsv"));
    write(&p, &sample()).unwrap();
    let mut w = EntryWriter::create(&dir.path().join("entries")).unwrap();
    for e in &sample().entries {
        w.push(e).unwrap();
    }
    let mut seen = Vec::new();
    w.finish(&q, &sample().header, |e| seen.push(e.path.clone())).unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), std::fs::read(&q).unwrap());
    assert_eq!(seen, ["data"], "only folders");
    assert!(!dir.path().join("entries").exists(), "the entries file is gone");
}

#[test]
fn folders_come_before_what_they_hold() {
    let mut v = ["data/X-rays 2", "data/X-rays/a", "data", "data/X-rays", "extra/Xrays", "data/Practice.db"];
    v.sort_by(|a, b| path_order(a, b));
    assert_eq!(
        v,
        ["data", "data/Practice.db", "data/X-rays", "data/X-rays/a", "data/X-rays 2", "extra/Xrays"]
    );
}

#[test]
fn cut_or_edited_manifest_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(FILE_NAME);
    write(&p, &sample()).unwrap();
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replace("\t3\t", "\t4\t")).unwrap();
    assert!(matches!(read(&p), Err(ManifestError::Damaged { .. })));
    assert!(matches!(check(&p), Err(ManifestError::Damaged { .. })));
    std::fs::write(&p, &text[..text.len() - 20]).unwrap();
    assert!(matches!(read(&p), Err(ManifestError::Damaged { .. })));
    assert!(matches!(check(&p), Err(ManifestError::Damaged { .. })));
    std::fs::write(&p, format!("{text}more\n")).unwrap();
    assert!(matches!(read(&p), Err(ManifestError::Damaged { .. })), "nothing after the end line");
}

fn entry(path: &str, kind: Kind) -> Entry {
    Entry { path: path.into(), kind, mtime: Mtime { secs: 5, nanos: 0 }, stamp: None, look: None }
}

/// Writes `sample()` with `extra` entries (a valid checksum, as anyone can write) and returns why
/// each way of reading it refuses it, or `None` if they all read it.
fn refusal(extra: Vec<Entry>) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(FILE_NAME);
    let mut m = sample();
    m.entries.extend(extra);
    write(&p, &m).unwrap();
    let (read, check) = (read(&p).map(|_| ()), check(&p).map(|_| ()));
    assert_eq!(read.is_err(), check.is_err());
    match read.err()? {
        ManifestError::Damaged { why, .. } => Some(why),
        other => panic!("{other}"),
    }
}

#[test]
fn an_entry_inside_a_symbolic_link_is_refused() {
    let link = || entry("data/evil", Kind::Symlink { target_hash: blake3::hash(b"../../outside") });
    let file = |path: &str| entry(path, Kind::File { size: 3, hash: blake3::hash(b"abc") });
    for inside in [file("data/evil/planted.txt"), entry("data/evil/sub", Kind::Dir), file("data/evil/sub/x")]
    {
        let why = refusal(vec![link(), inside.clone()]).expect("refused");
        assert!(
            why.contains(&format!("{} is listed inside the symbolic link data/evil", inside.path)),
            "{why}"
        );
        assert!(why.contains("the manifest was changed"), "{why}");
    }
    let beside = vec![link(), file("data/evil 2/x"), file("data/evil.txt"), file("data/evilx/y")];
    assert_eq!(refusal(beside), None, "names that only start with the link's name are not inside it");
    assert_eq!(refusal(vec![entry("data/a", Kind::Symlink { target_hash: blake3::hash(b"b") })]), None);
}

#[test]
fn a_path_leaving_the_set_is_refused() {
    for path in
        ["data/../../outside", "/etc/cron.d/x", "data/./x", "data//x", "data/x/", "..", "data/a\\x2f.."]
    {
        let why = refusal(vec![entry(path, Kind::File { size: 3, hash: blake3::hash(b"abc") })])
            .unwrap_or_else(|| panic!("{path} read"));
        assert!(why.contains("is not a path inside the set"), "{path}: {why}");
    }
}

#[test]
fn sizes_no_file_can_have_are_added_up_without_overflowing() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(FILE_NAME);
    let mut m = sample();
    for name in ["data/a", "data/b", "data/X-rays/c"] {
        m.entries.push(entry(name, Kind::File { size: u64::MAX, hash: blake3::hash(b"x") }));
    }
    m.entries.sort_by(|a, b| path_order(&a.path, &b.path));
    write(&p, &m).unwrap();
    let summary = check(&p).unwrap();
    assert_eq!((summary.bytes, summary.database_bytes), (u64::MAX, u64::MAX));
}
