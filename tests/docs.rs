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
