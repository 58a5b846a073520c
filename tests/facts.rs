//! Project facts: a rule with `requires_facts` / `unless_facts` is decided over the whole scan
//! (the union of every file's facts), and a file analysed alone over its own facts.

mod common;

use aiguard::scan::{self, ScanOptions};
use aiguard::spec::facts::allowed;
use aiguard::spec::registry::Registry;
use std::collections::BTreeSet;
use std::path::Path;

const LLM: &str = "from openai import OpenAI\n\nclient = OpenAI()\n";
const SHARE: &str = "import gradio as gr\n\ndemo = gr.Interface(fn=f, inputs=\"text\", outputs=\"text\")\ndemo.launch(share=True)\n";

fn scan_dir(dir: &Path, enabled: &[&'static str]) -> Vec<(String, &'static str)> {
    common::scan_dir(dir, Registry::builtin(), enabled.iter().copied())
        .iter()
        .map(|f| {
            let name = Path::new(&f.location.path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, f.rule_id)
        })
        .collect()
}

#[test]
fn a_fact_from_one_file_holds_for_the_whole_scan() {
    let dir = common::project(&[("app/llm.py", LLM), ("app/ui.py", SHARE)]);
    assert_eq!(
        scan_dir(dir.path(), &["AIG803"]),
        vec![("ui.py".to_string(), "AIG803")]
    );
}

#[test]
fn without_the_fact_the_rule_stays_quiet() {
    let dir = common::project(&[("app/ui.py", SHARE), ("app/util.py", "import json\n")]);
    assert_eq!(scan_dir(dir.path(), &["AIG803"]), vec![]);
}

#[test]
fn a_file_analysed_alone_uses_its_own_facts() {
    let registry = Registry::builtin();
    let opts = ScanOptions {
        enabled: ["AIG803"].into_iter().collect(),
        threads: 1,
        ..ScanOptions::default()
    };
    let alone = aiguard::source::Source::new(
        "ui.py".into(),
        aiguard::source::Language::Python,
        SHARE.into(),
    );
    assert!(scan::run_file(&alone, registry, &opts).findings.is_empty());
    let with_llm = aiguard::source::Source::new(
        "ui.py".into(),
        aiguard::source::Language::Python,
        format!("{LLM}{SHARE}"),
    );
    let fr = scan::run_file(&with_llm, registry, &opts);
    assert_eq!(fr.findings.len(), 1);
    assert!(fr.facts.contains("llm-app"));
}

#[test]
fn files_report_the_facts_they_establish() {
    let registry = Registry::builtin();
    let opts = ScanOptions::default();
    let facts = |path: &str, lang, text: &str| {
        let src = aiguard::source::Source::new(path.into(), lang, text.into());
        scan::run_file(&src, registry, &opts).facts
    };
    use aiguard::source::Language::{JavaScript, Python, TypeScript};
    assert!(facts("a.py", Python, "import langchain_core.messages\n").contains("llm-app"));
    assert!(facts("a.py", Python, "from google import genai\n").contains("llm-app"));
    assert!(
        facts("a.ts", TypeScript, "import { generateText } from \"ai\";\n").contains("llm-app")
    );
    assert!(facts(
        "a.ts",
        TypeScript,
        "import { openai } from \"@ai-sdk/openai\";\n"
    )
    .contains("llm-app"));
    // `agents` alone is too generic a module name: the SDK's calls establish it.
    assert!(!facts("a.py", Python, "from agents import helpers\n").contains("llm-app"));
    assert!(facts(
        "a.py",
        Python,
        "from agents import Agent, Runner\nRunner.run_sync(agent, \"hi\")\n"
    )
    .contains("llm-app"));
    assert!(facts("a.py", Python, "from slowapi import Limiter\n").contains("rate-limiter"));
    assert!(facts(
        "settings.py",
        Python,
        "REST_FRAMEWORK = {\"DEFAULT_THROTTLE_RATES\": {\"user\": \"100/day\"}}\n"
    )
    .contains("rate-limiter"));
    assert!(facts(
        "a.js",
        JavaScript,
        "const rateLimit = require(\"express-rate-limit\");\n"
    )
    .contains("rate-limiter"));
    // A Python module named like an npm package does not count.
    assert!(facts("a.py", Python, "import ai\n").is_empty());
    // Relative imports are the project's own modules.
    assert!(facts("a.py", Python, "from .openai import helpers\n").is_empty());
}

#[test]
fn fact_conditions() {
    let facts: BTreeSet<&str> = ["llm-app"].into_iter().collect();
    assert!(allowed(&["llm-app"], &[], &facts));
    assert!(!allowed(&["llm-app", "rate-limiter"], &[], &facts));
    assert!(allowed(&["llm-app"], &["rate-limiter"], &facts));
    assert!(!allowed(&[], &["llm-app"], &facts));
    assert!(allowed(&[], &[], &BTreeSet::new()));
}

/// `requires_facts` + `unless_facts` on any rule (the shape AIG505 uses): a pack of its own.
#[test]
fn unless_facts_drops_findings_when_any_file_has_the_fact() {
    let pack = r###"
[[rule]]
id = "AIG999"
name = "test-endpoint-without-limit"
category = "test"
severity = "low"
confidence = "low"
cwe = []
owasp = []
languages = ["python"]
requires_facts = ["llm-app"]
unless_facts = ["rate-limiter"]
summary = "test"
docs = "## What it does\n## Why is this bad?\n## Example\n## Use instead\n## References\n"

[[pattern]]
rule = "AIG999"
calls = ["flask.Flask().route"]
message = "route"
"###;
    let mut packs: Vec<(&str, &str)> = aiguard::spec::registry::BUILTIN_PACKS.to_vec();
    packs.push(("test.toml", pack));
    let registry = aiguard::spec::registry::load(&packs).expect("packs load");
    let scan = |files: &[(&str, &str)]| {
        let dir = common::project(files);
        common::scan_dir(dir.path(), &registry, ["AIG999"]).len()
    };
    let routes = "from flask import Flask\napp = Flask(__name__)\n@app.route(\"/chat\")\ndef chat():\n    return ''\n";
    assert_eq!(scan(&[("routes.py", routes), ("llm.py", LLM)]), 1);
    assert_eq!(scan(&[("routes.py", routes)]), 0);
    assert_eq!(
        scan(&[
            ("routes.py", routes),
            ("llm.py", LLM),
            ("limits.py", "from flask_limiter import Limiter\n")
        ]),
        0
    );
    // An undeclared fact is a pack error.
    let bad = pack.replace(
        "unless_facts = [\"rate-limiter\"]",
        "unless_facts = [\"nope\"]",
    );
    let mut packs: Vec<(&str, &str)> = aiguard::spec::registry::BUILTIN_PACKS.to_vec();
    packs.push(("test.toml", &bad));
    assert!(aiguard::spec::registry::load(&packs)
        .unwrap_err()
        .contains("no [[fact]] declares"));
}
