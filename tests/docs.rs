//! The rule reference in docs/ is generated from the registry; this fails when it is stale.
//! Regenerate with `AIGUARD_UPDATE_DOCS=1 cargo test --test docs`.

use aiguard::docs;
use aiguard::spec::registry::Registry;
use std::path::Path;

fn check_or_update(path: &Path, expected: &str, stale: &mut Vec<String>) {
    let current = std::fs::read_to_string(path).unwrap_or_default();
    if current.replace("\r\n", "\n") == expected {
        return;
    }
    if std::env::var_os("AIGUARD_UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, expected).expect("write doc");
    } else {
        stale.push(path.display().to_string());
    }
}

#[test]
fn rule_docs_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let registry = Registry::builtin();
    let mut stale = Vec::new();
    check_or_update(
        &root.join("rules.md"),
        &docs::rules_index(registry),
        &mut stale,
    );
    let mut expected_pages = Vec::new();
    for rule in &registry.rules {
        let name = format!("{}.md", rule.id);
        check_or_update(
            &root.join("rules").join(&name),
            &docs::rule_page(rule),
            &mut stale,
        );
        expected_pages.push(name);
    }
    // No page for a rule that no longer exists.
    if let Ok(entries) = std::fs::read_dir(root.join("rules")) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !expected_pages.contains(&name) {
                stale.push(format!("docs/rules/{name} (no such rule)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated docs (run `AIGUARD_UPDATE_DOCS=1 cargo test --test docs`):\n{}",
        stale.join("\n")
    );
}

/// The key table of docs/configuration.md is generated from the config schema.
#[test]
fn config_reference_is_fresh() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/configuration.md");
    let current = std::fs::read_to_string(&path).expect("docs/configuration.md");
    let (start, end) = (
        "<!-- generated from src/config.rs SCHEMA: AIGUARD_UPDATE_DOCS=1 cargo test --test docs -->\n",
        "<!-- end of generated keys -->",
    );
    let a = current.find(start).expect("start marker") + start.len();
    let b = current.find(end).expect("end marker");
    let expected = format!("{}{}{}", &current[..a], docs::config_keys(), &current[b..]);
    let mut stale = Vec::new();
    check_or_update(&path, &expected, &mut stale);
    assert!(
        stale.is_empty(),
        "docs/configuration.md's key table is stale: run `AIGUARD_UPDATE_DOCS=1 cargo test --test docs`"
    );
}

/// The text of each `## ` section of a markdown file, by heading.
fn sections(markdown: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in markdown.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            out.push((heading.trim().to_string(), String::new()));
        } else if let Some((_, text)) = out.last_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    out
}

/// Every key every pack table accepts (read from the loader's own structs) is documented in
/// that table's section of docs/rule-packs.md, as a `` `key` `` at the start of a row or item.
#[test]
fn every_pack_key_is_documented() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rule-packs.md"))
            .expect("docs/rule-packs.md");
    let sections = sections(&doc);
    let section = |title: &str| {
        sections
            .iter()
            .find(|(h, _)| h == title)
            .map(|(_, text)| text.as_str())
    };
    let documents = |text: &str, key: &str| {
        let cell = format!("| `{key}` |");
        let item = format!("- `{key}`");
        text.lines()
            .any(|l| l.trim_start().starts_with(&cell) || l.trim_start().starts_with(&item))
    };
    let mut missing = Vec::new();
    for (table, keys) in aiguard::spec::keys::tables() {
        let title = if table == "conditions" {
            "Conditions".to_string()
        } else {
            format!("`{table}`")
        };
        let Some(own) = section(&title) else {
            missing.push(format!("no section `## {title}`"));
            continue;
        };
        // Keys every sink shape shares are documented once, in the sinks' overview.
        let shared = table
            .starts_with("[[sink.")
            .then(|| section("Sinks: `[[sink.<shape>]]`"))
            .flatten()
            .unwrap_or("");
        for key in keys {
            if !documents(own, key) && !documents(shared, key) {
                missing.push(format!("{table} `{key}`"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/rule-packs.md does not document: {missing:#?}"
    );
}
