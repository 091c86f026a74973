//! The architecture's one rule: the files of `src/` import one way, so no file depends on itself
//! through others. The engine's files still form one circle, being taken apart (`KNOWN`): no file
//! may join it and no other circle may appear, and a file that leaves it must leave the list. A file imports another when it names something through that
//! file's module path: `use crate::engine::copy::Copied`, `super::guard::Head::read(..)`, or a
//! path through a module it brought in by `use` (`guard::Head`). Declaring a child (`mod copy;`)
//! is not an import; a `pub use copy::Copied` in the parent is. Unit tests (`mod tests` at a
//! file's end, `*_tests.rs`) may import anything: nothing imports them.

mod circles;
mod imports;

use circles::circles;
use imports::imports;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The files of `src/engine/` still on one import circle (through `engine/mod.rs`, its shared
/// types re-exported beside `run`, and `manifest`, `copy`, `guard`, `report` reaching each other).
const KNOWN: [&str; 36] = [
    "engine/advice.rs",
    "engine/backup_log.rs",
    "engine/copy.rs",
    "engine/database.rs",
    "engine/guard/compare.rs",
    "engine/guard/days.rs",
    "engine/guard/loss.rs",
    "engine/guard/loss_keys.rs",
    "engine/guard/mod.rs",
    "engine/guard/news.rs",
    "engine/guard/pair.rs",
    "engine/guard/sample.rs",
    "engine/guard/suspicion.rs",
    "engine/guard/tally.rs",
    "engine/guard/watch.rs",
    "engine/latest/keep.rs",
    "engine/latest/mod.rs",
    "engine/manifest/entry.rs",
    "engine/manifest/mod.rs",
    "engine/manifest/read.rs",
    "engine/manifest/write.rs",
    "engine/mod.rs",
    "engine/preflight.rs",
    "engine/previous.rs",
    "engine/read_back.rs",
    "engine/report.rs",
    "engine/retention.rs",
    "engine/retry.rs",
    "engine/room.rs",
    "engine/scan.rs",
    "engine/sets.rs",
    "engine/sides.rs",
    "engine/symlink.rs",
    "engine/work.rs",
    "platform/event_log.rs",
    "progress.rs",
];

#[test]
fn no_file_of_src_imports_itself_through_others() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = imports(&src);
    let name = |p: &PathBuf| p.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
    let found = circles(&graph);
    let on: BTreeSet<String> = found.iter().flatten().map(name).collect();
    let new: Vec<String> = found
        .iter()
        .filter(|group| group.iter().any(|f| !KNOWN.contains(&name(f).as_str())))
        .map(|group| {
            let names: Vec<String> = group.iter().map(name).collect();
            format!("{} files: {}", names.len(), names.join(", "))
        })
        .collect();
    assert!(new.is_empty(), "import circles in src/ beyond the engine's known one:\n{}", new.join("\n"));
    let left: Vec<&str> = KNOWN.iter().copied().filter(|k| !on.contains(*k)).collect();
    assert!(left.is_empty(), "no longer on a circle, take them out of KNOWN: {left:?}");
}

#[test]
fn the_check_sees_a_circle_through_a_use_an_inline_path_and_a_re_export() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    let write = |rel: &str, text: &str| {
        let p = src.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("lib.rs", "pub mod a;\npub mod b;\n");
    write("a/mod.rs", "mod inner;\npub use inner::Thing;\n");
    write("a/inner.rs", "pub struct Thing;\nfn f() { crate::b::go(); }\n");
    write("b.rs", "// use crate::a::Thing; in a comment is no import\npub fn go() {}\n");
    assert!(circles(&imports(src)).is_empty(), "a → a/inner → b: one way");
    write("b.rs", "use crate::a;\npub fn go() { let _ = a::Thing; }\n");
    let found = circles(&imports(src));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].len(), 3, "b → a (the re-export) → a/inner → b: {found:?}");
}
