//! Which files of `src/` each file imports: module paths from file names, and the paths each
//! file names (`use` trees, paths written inline, and paths through a module it brought in).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each file of the library (not `main.rs`, not tests) by its module path.
pub fn modules(src: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut map = BTreeMap::new();
    for entry in walkdir::WalkDir::new(src).into_iter().flatten() {
        let path = entry.path();
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = path.strip_prefix(src).unwrap();
        let name = rel.file_name().unwrap().to_string_lossy();
        if !name.ends_with(".rs") || name.ends_with("_tests.rs") || rel == Path::new("main.rs") {
            continue;
        }
        let mut segments: Vec<String> = rel
            .parent()
            .into_iter()
            .flat_map(|p| p.iter())
            .map(|s| s.to_string_lossy().into_owned())
            .collect();
        let stem = name.trim_end_matches(".rs");
        if stem != "mod" && rel != Path::new("lib.rs") {
            segments.push(stem.to_string());
        }
        map.insert(segments, path.to_path_buf());
    }
    map
}

/// The code without comments, string literals and the unit tests at its end.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                out.push_str("\"\"");
            }
            // A char literal holding a quote ('"') would open a string above.
            '\'' if chars.peek() == Some(&'"') => {
                chars.next();
                out.push_str("' '");
            }
            c => out.push(c),
        }
    }
    out
}

/// The paths a `use` tree names (`a::{b, c::{d, e}}` gives `a::b`, `a::c::d`, `a::c::e`), each
/// with the name it is known by in the file.
fn use_paths(tree: &str) -> Vec<(Vec<String>, String)> {
    fn expand(prefix: &[String], tree: &str, out: &mut Vec<(Vec<String>, String)>) {
        let tree = tree.trim();
        if let Some(open) = tree.find('{') {
            let mut path = prefix.to_vec();
            path.extend(tree[..open].split("::").map(str::trim).filter(|s| !s.is_empty()).map(String::from));
            let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
            let (mut depth, mut start) = (0, 0);
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(&path, &inner[start..i], out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            expand(&path, &inner[start..], out);
            return;
        }
        let (tree, alias) = match tree.split_once(" as ") {
            Some((t, a)) => (t.trim(), Some(a.trim().to_string())),
            None => (tree, None),
        };
        if tree.is_empty() {
            return;
        }
        let mut path = prefix.to_vec();
        path.extend(tree.split("::").map(|s| s.trim().to_string()));
        if path.last().is_some_and(|s| s == "self") {
            path.pop();
        }
        let name = alias.unwrap_or_else(|| path.last().cloned().unwrap_or_default());
        out.push((path, name));
    }
    let mut out = Vec::new();
    expand(&[], tree, &mut out);
    out
}

/// `a::b::c` paths in the code that start with one of `starts`.
fn inline_paths(code: &str, starts: &BTreeSet<String>) -> Vec<Vec<String>> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut found = Vec::new();
    let bytes: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        if ident(bytes[i]) && (i == 0 || !(ident(bytes[i - 1]) || bytes[i - 1] == ':')) {
            let mut path = Vec::new();
            let mut j = i;
            loop {
                let start = j;
                while j < bytes.len() && ident(bytes[j]) {
                    j += 1;
                }
                path.push(bytes[start..j].iter().collect::<String>());
                if bytes.get(j) == Some(&':')
                    && bytes.get(j + 1) == Some(&':')
                    && bytes.get(j + 2).is_some_and(|c| ident(*c))
                {
                    j += 2;
                } else {
                    break;
                }
            }
            if path.len() > 1 && starts.contains(&path[0]) {
                found.push(path);
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    found
}

/// The files each file imports.
pub fn imports(src: &Path) -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let mods = modules(src);
    let mut graph = BTreeMap::new();
    for (me, file) in &mods {
        let code = code(&std::fs::read_to_string(file).unwrap());
        let children: BTreeSet<String> = code
            .lines()
            .filter_map(|l| l.trim().strip_suffix(';'))
            .filter_map(|l| l.split_whitespace().skip_while(|w| *w != "mod").nth(1))
            .map(String::from)
            .collect();
        let absolute = |path: &[String]| -> Option<Vec<String>> {
            let mut at: Vec<String> = me.clone();
            let mut rest = path;
            match rest.first().map(String::as_str) {
                Some("crate") => {
                    at.clear();
                    rest = &rest[1..];
                }
                Some("self") => rest = &rest[1..],
                Some("super") => {
                    while rest.first().map(String::as_str) == Some("super") {
                        at.pop()?;
                        rest = &rest[1..];
                    }
                }
                Some(first) if children.contains(first) => {}
                _ => return None,
            }
            at.extend(rest.iter().cloned());
            Some(at)
        };
        let target = |path: &[String]| -> Option<&PathBuf> {
            (0..=path.len()).rev().find_map(|n| mods.get(&path[..n]))
        };
        let mut edges = BTreeSet::new();
        let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for statement in code.split(';') {
            let words = statement.trim_start();
            let Some(tree) = words
                .strip_prefix("use ")
                .or_else(|| words.strip_prefix("pub use "))
                .or_else(|| words.strip_prefix("pub(crate) use "))
                .or_else(|| words.strip_prefix("pub(super) use "))
            else {
                continue;
            };
            for (path, name) in use_paths(tree) {
                if let Some(abs) = absolute(&path) {
                    if mods.contains_key(&abs) {
                        aliases.insert(name, abs.clone());
                    }
                    edges.extend(target(&abs).cloned());
                }
            }
        }
        let mut starts: BTreeSet<String> = ["crate", "super", "self"].map(String::from).into();
        starts.extend(aliases.keys().cloned());
        for path in inline_paths(&code, &starts) {
            let abs = match aliases.get(&path[0]) {
                Some(module) => module.iter().chain(&path[1..]).cloned().collect(),
                None => match absolute(&path) {
                    Some(abs) => abs,
                    None => continue,
                },
            };
            edges.extend(target(&abs).cloned());
        }
        edges.remove(file);
        graph.insert(file.clone(), edges);
    }
    graph
}
