//! `--fix` and `--fix --diff`: mechanical edits, applied or shown, never where the author chose.

mod common;

use assert_cmd::Command;
use common::project;

const MODEL: &str = "import torch\nstate = torch.load(\"model.pt\")\nmulti = torch.load(\n    path,\n    map_location=\"cpu\",\n)\nchosen = torch.load(path, weights_only=False)\n";

fn aiguard(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("aiguard")
        .expect("binary")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run")
}

#[test]
fn fix_adds_weights_only_and_leaves_explicit_choices() {
    let dir = project(&[("m.py", MODEL)]);
    let out = aiguard(
        dir.path(),
        &["scan", "m.py", "--fix", "--format", "concise"],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the explicit choice is still reported"
    );
    let text = std::fs::read_to_string(dir.path().join("m.py")).unwrap();
    assert!(
        text.contains("torch.load(\"model.pt\", weights_only=True)"),
        "{text}"
    );
    assert!(
        text.contains("map_location=\"cpu\", weights_only=True,"),
        "{text}"
    );
    assert!(text.contains("weights_only=False)"), "{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("fixed 2 finding(s) in 1 file(s)"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("m.py:7:"), "{stdout}");
    assert!(!stdout.contains("[*]"), "{stdout}");
    // A second run has nothing left to fix.
    let again = aiguard(dir.path(), &["scan", "m.py", "--fix"]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("fixed 0 finding(s)"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("m.py")).unwrap(),
        text
    );
}

#[test]
fn diff_shows_the_change_without_writing_it() {
    let dir = project(&[("m.py", MODEL)]);
    let out = aiguard(dir.path(), &["scan", "m.py", "--fix", "--diff"]);
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(diff.contains("--- a/m.py\n+++ b/m.py\n"), "{diff}");
    assert!(diff.contains("-state = torch.load(\"model.pt\")\n+state = torch.load(\"model.pt\", weights_only=True)\n"), "{diff}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("m.py")).unwrap(),
        MODEL
    );
    let clean = project(&[(
        "ok.py",
        "import torch\nx = torch.load('m.pt', weights_only=True)\n",
    )]);
    let out = aiguard(clean.path(), &["scan", "ok.py", "--fix", "--diff"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn concise_output_marks_fixable_findings() {
    let dir = project(&[("m.py", MODEL)]);
    let out = aiguard(dir.path(), &["scan", "m.py", "--format", "concise"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("m.py:2:9: AIG601 [*]"), "{stdout}");
    assert!(!stdout.contains("m.py:7:12: AIG601 [*]"), "{stdout}");
}

#[test]
fn yaml_loads_of_model_output_become_safe_load() {
    let app = "import yaml\nimport yaml as y\nfrom openai import OpenAI\nclient = OpenAI(timeout=10)\nanswer = client.chat.completions.create(model=\"gpt-4o\", messages=[], max_tokens=100).choices[0].message.content\ncfg = yaml.load(answer, Loader=yaml.Loader)\nother = y.unsafe_load(answer)\ndocs = yaml.load_all(answer, Loader=yaml.FullLoader)\n";
    let dir = project(&[("y.py", app)]);
    let out = aiguard(
        dir.path(),
        &["scan", "y.py", "--fix", "--format", "concise"],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = std::fs::read_to_string(dir.path().join("y.py")).unwrap();
    assert!(text.contains("cfg = yaml.safe_load(answer)\n"), "{text}");
    assert!(text.contains("other = y.safe_load(answer)\n"), "{text}");
    assert!(
        text.contains("docs = yaml.safe_load_all(answer)\n"),
        "{text}"
    );
}
