//! The layers of docs/architecture.md hold in the code: the module import graph of `src/` has no
//! cycle, and no module imports a layer above its own. Read from the source text (`crate::`,
//! `super::` and child-module paths), test code left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path (`spec::flow`) -> the code of its file, tests removed.
fn modules() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&src, &mut files);
    let mut out = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap().with_extension("");
        let mut parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.last().map(String::as_str) == Some("mod") {
            parts.pop();
        }
        let name = parts.join("::");
        if matches!(name.as_str(), "lib" | "main" | "fuzzing") || name.ends_with("tests") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code: String = text
            .lines()
            .take_while(|l| l.trim() != "#[cfg(test)]")
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        out.insert(name, code);
    }
    out
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The longest module named by a path's leading segments.
fn resolve<'a>(path: &[&str], modules: &'a BTreeMap<String, String>) -> Option<&'a str> {
    (1..=path.len()).rev().find_map(|n| {
        let name = path[..n].join("::");
        modules.get_key_value(&name).map(|(k, _)| k.as_str())
    })
}

/// The paths after each occurrence of `prefix` in `code`, split at `::` (`crate::a::b::{c, d}` ->
/// `[a, b]`; the braces' items as further paths).
fn paths_after<'c>(code: &'c str, prefix: &str) -> Vec<Vec<&'c str>> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices(prefix) {
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let rest = &code[i + prefix.len()..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let head: Vec<&str> = rest[..end].split("::").filter(|s| !s.is_empty()).collect();
        if rest[end..].starts_with('{') {
            let close = rest[end..].find('}').map_or(rest.len(), |j| end + j);
            for item in rest[end + 1..close].split(',') {
                let item = item.trim();
                let mut p = head.clone();
                p.extend(
                    item.split("::")
                        .filter(|s| !s.is_empty() && !s.contains(' ')),
                );
                out.push(p);
            }
        }
        out.push(head);
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, code) in &modules {
        let mut targets = BTreeSet::new();
        for p in paths_after(code, "crate::") {
            targets.extend(resolve(&p, &modules));
        }
        let parent: Vec<&str> = name.split("::").collect();
        let parent = &parent[..parent.len() - 1];
        for p in paths_after(code, "super::") {
            let mut full = parent.to_vec();
            full.extend(p);
            targets.extend(resolve(&full, &modules));
        }
        // A module's own children, named relative to it (`engine::Engine`, `use link::{..}`).
        for child in modules.keys() {
            if let Some(leaf) = child.strip_prefix(&format!("{name}::")) {
                if !leaf.contains("::")
                    && (!paths_after(code, &format!("{leaf}::")).is_empty()
                        || code.contains(&format!("use {leaf};")))
                {
                    targets.insert(child);
                }
            }
        }
        targets.retain(|t| t != name && !name.starts_with(&format!("{t}::")));
        edges.insert(
            name.clone(),
            targets.into_iter().map(str::to_string).collect(),
        );
    }
    edges
}

#[test]
fn the_import_graph_has_no_cycle() {
    let edges = graph();
    assert!(edges.len() > 50, "read {} modules", edges.len());
    // Depth-first search; a back edge is a cycle.
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for t in edges.get(n).into_iter().flatten() {
            match state.get(t.as_str()).copied().unwrap_or(0) {
                0 => {
                    if let Some(c) = visit(t, edges, state, stack) {
                        return Some(c);
                    }
                }
                1 => {
                    let from = stack.iter().position(|s| s == t).unwrap();
                    return Some(stack[from..].to_vec());
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        if state.get(n.as_str()).copied().unwrap_or(0) == 0 {
            if let Some(cycle) = visit(n, &edges, &mut state, &mut Vec::new()) {
                panic!("import cycle: {}", cycle.join(" -> "));
            }
        }
    }
}

/// The layer of a module, low to high, as docs/architecture.md draws them.
fn layer(module: &str) -> u8 {
    let top = module.split("::").next().unwrap();
    match top {
        "ir" | "resolve" | "source" | "finding" | "project" | "nesting" | "timings" => 0,
        "lang" => 1,
        "spec" => 2,
        "rules" | "flow" => 3,
        "scan" | "cache" | "discover" | "config" | "suppress" | "roles" => 4,
        "report" | "inventory" | "docs" | "baseline" | "since" | "add_ignore" | "fix" => 5,
        "app" | "cli" => 6,
        other => panic!("module {other} has no layer: add it to docs/architecture.md and here"),
    }
}

#[test]
fn no_module_imports_a_layer_above_its_own() {
    let mut wrong = Vec::new();
    for (from, targets) in graph() {
        for to in targets {
            let (a, b) = (layer(&from), layer(&to));
            // The front ends sit beside the spec layer: neither imports the other.
            let sideways = (a == 1 && b == 2) || (a == 2 && b == 1);
            let flow_to_rules = from.starts_with("flow") && to.starts_with("rules");
            let filter_to_pipeline = matches!(
                from.split("::").next().unwrap(),
                "baseline" | "since" | "add_ignore" | "fix"
            ) && b == 4;
            let rules_to_lang = (2..=3).contains(&a) && b == 1;
            if b > a || sideways || flow_to_rules || filter_to_pipeline || rules_to_lang {
                wrong.push(format!("{from} -> {to}"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layers: {wrong:#?}");
}

#[test]
fn no_language_name_is_compared_outside_the_front_ends() {
    let mut wrong = Vec::new();
    for (name, code) in modules() {
        if name.starts_with("lang") || name == "source" {
            continue;
        }
        for lang in [
            "python",
            "typescript",
            "javascript",
            "rust",
            "tsx",
            "notebook",
        ] {
            for pattern in [format!("== \"{lang}\""), format!("\"{lang}\" =>")] {
                if code.contains(&pattern) {
                    wrong.push(format!("{name}: {pattern}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "language names compared: {wrong:#?}");
}

/// One test layout: a module's unit tests are in a `tests.rs` beside it, declared last
/// (`#[cfg(test)] mod tests;`), never inline.
#[test]
fn unit_tests_live_in_a_tests_file_beside_their_module() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&src, &mut files);
    let mut wrong = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let name = file.strip_prefix(&src).unwrap().display().to_string();
        for (i, l) in lines.iter().enumerate() {
            let opens_module = l.trim_start().starts_with("mod ") && l.trim_end().ends_with('{');
            if opens_module && i > 0 && lines[i - 1].trim() == "#[cfg(test)]" {
                wrong.push(format!("{name}: inline test module at line {}", i + 1));
            }
            if l.trim() == "#[cfg(test)]" && lines.get(i + 1) == Some(&"mod tests;") {
                let after = lines[i + 2..].iter().any(|l| !l.trim().is_empty());
                if after {
                    wrong.push(format!("{name}: code after `mod tests;`"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
