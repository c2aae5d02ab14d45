//! The shape of the source tree, as limits that hold after every change: no
//! file under `src/` over 700 lines, and no circle of imports between
//! modules (a module may use the modules below it, never one that uses it
//! back, however long the way round).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 700;

/// A module's path inside the crate (`["store", "roster"]`).
type Module = Vec<String>;

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The module a file is (`src/store/roster/mod.rs` is `store::roster`).
fn module_of(file: &Path) -> Module {
    let rel = file.strip_prefix(src()).unwrap().with_extension("");
    let mut parts: Module = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// The code of a file without its comments and its unit tests (a test may
/// reach anywhere).
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The paths `text` names from `crate`, `super` or `self`, with `{a, b}`
/// groups opened (one level is all this code base uses).
fn named_paths(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for head in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(head) {
            let start = from + i;
            from = start + head.len();
            if text[..start].chars().next_back().is_some_and(ident) {
                continue;
            }
            let root = head.trim_end_matches("::").to_string();
            let mut path = vec![root];
            let rest = &text[from..];
            let chain: String = rest.chars().take_while(|&c| ident(c) || c == ':').collect();
            path.extend(
                chain
                    .split("::")
                    .filter(|p| !p.is_empty())
                    .map(str::to_string),
            );
            let after = &rest[chain.len()..];
            if (chain.is_empty() || chain.ends_with("::")) && after.starts_with('{') {
                let group = &after[1..after.find('}').unwrap_or(after.len())];
                for item in group.split(',') {
                    let mut p = path.clone();
                    p.extend(
                        item.trim()
                            .split("::")
                            .map(|s| s.trim().to_string())
                            .filter(|s| !s.is_empty() && s.chars().all(ident)),
                    );
                    out.push(p);
                }
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// The module file a path leads to, from the module `at` (a directory
/// module's `super` is its parent, as for any other file).
fn resolve(at: &Module, path: &[String], modules: &BTreeSet<Module>) -> Option<Module> {
    let mut base: Module = at.clone();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        _ => {
            while rest.first().is_some_and(|p| p == "super") {
                base.pop();
                rest = &rest[1..];
            }
        }
    }
    let mut full = base;
    full.extend(rest.iter().cloned());
    (1..=full.len())
        .rev()
        .map(|n| full[..n].to_vec())
        .find(|m| modules.contains(m))
}

fn imports() -> BTreeMap<Module, BTreeSet<Module>> {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    let files: Vec<(Module, PathBuf)> = files
        .into_iter()
        .filter(|f| {
            f.file_name()
                .is_some_and(|n| n != "main.rs" && n != "tests.rs")
        })
        .map(|f| (module_of(&f), f))
        .collect();
    let modules: BTreeSet<Module> = files.iter().map(|(m, _)| m.clone()).collect();
    let mut edges = BTreeMap::new();
    for (module, file) in &files {
        let text = code(&std::fs::read_to_string(file).unwrap());
        let deps: BTreeSet<Module> = named_paths(&text)
            .iter()
            .filter_map(|p| resolve(module, p, &modules))
            // A module and what it holds, or what holds it, are one place.
            .filter(|d| !d.starts_with(module) && !module.starts_with(d))
            .collect();
        edges.insert(module.clone(), deps);
    }
    edges
}

/// A circle in `edges`, as the modules along it, if there is one.
fn circle(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    fn visit(
        at: &Module,
        edges: &BTreeMap<Module, BTreeSet<Module>>,
        done: &mut BTreeSet<Module>,
        way: &mut Vec<Module>,
    ) -> Option<Vec<Module>> {
        if let Some(i) = way.iter().position(|m| m == at) {
            let mut found = way[i..].to_vec();
            found.push(at.clone());
            return Some(found);
        }
        if done.contains(at) {
            return None;
        }
        way.push(at.clone());
        for next in edges.get(at).into_iter().flatten() {
            if let Some(found) = visit(next, edges, done, way) {
                return Some(found);
            }
        }
        way.pop();
        done.insert(at.clone());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|m| visit(m, edges, &mut done, &mut Vec::new()))
}

fn shown(way: &[Module]) -> String {
    way.iter()
        .map(|m| m.join("::"))
        .collect::<Vec<_>>()
        .join(" -> ")
}

#[test]
fn no_source_file_is_over_700_lines() {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > MAX_LINES).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(files.len() > 50, "read {} files", files.len());
    assert!(
        long.is_empty(),
        "over {MAX_LINES} lines (split by responsibility): {long:?}"
    );
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let edges = imports();
    // The reader sees the uses it must: a check that finds nothing proves
    // nothing.
    let cli = &edges[&vec!["cli".to_string()]];
    assert!(cli.contains(&vec!["paths".to_string()]), "{cli:?}");
    let session = &edges[&vec!["serve".to_string(), "session".to_string()]];
    assert!(session.contains(&vec!["tui".to_string(), "app".to_string()]));
    if let Some(way) = circle(&edges) {
        panic!("an import circle: {}", shown(&way));
    }
    // Between the top-level modules too: `export` using `serve` while
    // `serve` uses `tui` and `tui` uses `export` is a circle of layers even
    // when no two files name each other.
    let mut layers: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (from, deps) in &edges {
        for to in deps {
            if from[0] != to[0] {
                layers
                    .entry(vec![from[0].clone()])
                    .or_default()
                    .insert(vec![to[0].clone()]);
            }
        }
    }
    if let Some(way) = circle(&layers) {
        panic!("a circle of top-level modules: {}", shown(&way));
    }
}

#[test]
fn the_circle_finder_finds_a_circle_and_reads_grouped_imports() {
    let m = |s: &str| -> Module { s.split("::").map(str::to_string).collect() };
    let mut edges = BTreeMap::new();
    edges.insert(m("a"), BTreeSet::from([m("b")]));
    edges.insert(m("b"), BTreeSet::from([m("c")]));
    edges.insert(m("c"), BTreeSet::new());
    assert_eq!(circle(&edges), None);
    edges.get_mut(&m("c")).unwrap().insert(m("a"));
    assert_eq!(shown(&circle(&edges).unwrap()), "a -> b -> c -> a");

    let modules = BTreeSet::from([m("tui"), m("tui::app"), m("tui::roster"), m("store")]);
    let paths = named_paths("use super::{app::App, roster};\nuse crate::store::Store;");
    let found: BTreeSet<Module> = paths
        .iter()
        .filter_map(|p| resolve(&m("tui::roster"), p, &modules))
        .collect();
    assert_eq!(
        found,
        BTreeSet::from([m("tui::app"), m("tui::roster"), m("store")])
    );
}
