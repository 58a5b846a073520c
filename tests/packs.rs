//! Invariants of the built-in rule packs.

use aiguard::spec::registry::Registry;
use aiguard::spec::registry::{self as pack, BUILTIN_PACKS};
use aiguard::spec::rule::REQUIRED_DOC_SECTIONS;
use std::collections::BTreeSet;

#[test]
fn every_pack_file_is_compiled_in() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let on_disk: BTreeSet<String> = std::fs::read_dir(dir)
        .expect("rules dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    let listed: BTreeSet<String> = BUILTIN_PACKS.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(on_disk, listed, "rules/*.toml and BUILTIN_PACKS differ");
}

#[test]
fn rules_are_well_formed() {
    let registry = Registry::builtin();
    assert!(registry.rules.len() >= 4);
    let mut ids = BTreeSet::new();
    let mut names = BTreeSet::new();
    for r in &registry.rules {
        assert!(ids.insert(r.id), "duplicate id {}", r.id);
        assert!(names.insert(r.name), "duplicate name {}", r.name);
        assert!(
            r.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{}: name {} is not kebab-case",
            r.id,
            r.name
        );
        for s in REQUIRED_DOC_SECTIONS {
            assert!(r.docs.contains(s), "{} docs lack {s}", r.id);
        }
        if r.category != "meta" {
            assert!(!r.cwe.is_empty(), "{} has no CWE", r.id);
            assert!(
                r.owasp
                    .iter()
                    .all(|o| o.starts_with("LLM") && o.ends_with(":2025")),
                "{} OWASP ids must be versioned (LLM05:2025)",
                r.id
            );
            assert!(!r.owasp.is_empty(), "{} has no OWASP id", r.id);
        }
        assert!(r.tags.contains(&"security"));
        assert!(r.tags.len() <= 20, "{}: GitHub reads at most 20 tags", r.id);
    }
}

#[test]
fn invalid_packs_are_rejected_with_the_file_name() {
    let bad = [
        ("x.toml", "[[rule]]\nid = \"BAD1\"\n"),
        (
            "y.toml",
            "[[pattern]]\nrule = \"AIG999\"\ncalls = [\"a\"]\nmessage = \"m\"\n",
        ),
        ("z.toml", "unknown = 1\n"),
    ];
    for (name, text) in bad {
        let err = pack::load(&[(name, text)]).expect_err("must be rejected");
        assert!(err.contains(name), "error {err:?} does not name {name}");
    }
}

#[test]
fn a_misspelt_key_names_its_pack_table_and_line() {
    let mut packs: Vec<(&str, String)> = BUILTIN_PACKS
        .iter()
        .map(|(n, t)| (*n, t.to_string()))
        .collect();
    let (_, limits) = packs.iter_mut().find(|(n, _)| *n == "limits.toml").unwrap();
    *limits = limits.replacen("unless_uses", "unles_uses", 1);
    let packs: Vec<(&str, &str)> = packs.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let err = pack::load(&packs).unwrap_err();
    let line = BUILTIN_PACKS
        .iter()
        .find(|(n, _)| *n == "limits.toml")
        .unwrap()
        .1
        .lines()
        .position(|l| l.trim_start().starts_with("unless_uses"))
        .unwrap();
    assert!(
        err.starts_with(&format!("limits.toml: line {}: ", line + 1)),
        "{err}"
    );
    assert!(err.contains("unknown field `unles_uses`"), "{err}");
}

#[test]
fn every_table_rejects_an_unknown_language() {
    for table in [
        "[[source]]\nkind = \"user-input\"\nlanguages = [\"pyhton\"]\ncalls = [\"a\"]\n",
        "[[sink.calls]]\nkind = \"shell\"\nlanguages = [\"pyhton\"]\ncalls = [\"a\"]\n",
        "[[sanitizer]]\nlanguages = [\"pyhton\"]\ncalls = [\"a\"]\nsinks = [\"shell\"]\n",
        "[[propagator]]\nlanguages = [\"pyhton\"]\ncalls = [\"a\"]\nto = \"result\"\n",
        "[[fact]]\nname = \"llm-app\"\nlanguages = [\"pyhton\"]\nimports = [\"a\"]\n",
    ] {
        let mut packs: Vec<(&str, &str)> = BUILTIN_PACKS.to_vec();
        packs.push(("test.toml", table));
        let err = pack::load(&packs).expect_err(table);
        assert!(
            err.contains("unknown language \"pyhton\""),
            "{table}: {err}"
        );
    }
}

#[test]
fn requires_kinds_must_name_a_kind_some_unconditional_source_gives() {
    for (table, wanted) in [
        (
            "[[source]]\nkind = \"console\"\nrequires_kinds = [\"requests\"]\ncalls = [\"input\"]\n",
            "no source without `requires_kinds` produces",
        ),
        (
            "[[source]]\nkind = \"console\"\nrequires_kinds = [\"user-input\"]\nhardcoded_secrets = true\n",
            "does not apply to `hardcoded_secrets`",
        ),
    ] {
        let mut packs: Vec<(&str, &str)> = BUILTIN_PACKS.to_vec();
        packs.push(("test.toml", table));
        let err = pack::load(&packs).expect_err(table);
        assert!(err.contains(wanted), "{table}: {err}");
    }
}
