//! No secret is ever printed: every fixture under `fixtures/secrets/` is scanned with the real
//! binary in every output format (and `-v`), by path and through standard input, and no key found
//! in the fixtures may appear in stdout or stderr, whole or as its last 12 characters.

mod common;

use aiguard::scan;
use aiguard::source::{Language, Source};
use aiguard::spec::registry::Registry;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/secrets");
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fixtures/secrets")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) != Some("expect"))
        .collect();
    out.sort();
    out
}

/// Every key-shaped string of the fixtures (the detectors' regexes, unfiltered) and every value
/// the library reports, all as they appear in the files.
fn keys() -> BTreeSet<String> {
    let registry = Registry::builtin();
    let opts = scan::ScanOptions {
        enabled: registry.rules.iter().map(|r| r.id).collect(),
        threads: 1,
        // Secrets in test fixtures' test files count too.
        include_tests: true,
        ..scan::ScanOptions::default()
    };
    let mut keys = BTreeSet::new();
    for path in fixtures() {
        let text = std::fs::read_to_string(&path).expect("read");
        keys.extend(
            registry
                .secrets
                .raw_matches(&text)
                .into_iter()
                .map(str::to_string),
        );
        // Values AIG103 reports are not regex shapes: take them from the findings. (Notebooks
        // are scanned here as text, where offsets are the file's.)
        let lang = match Language::from_path(&path) {
            Language::Notebook => Language::Text,
            l => l,
        };
        let source = Source::new(path.display().to_string(), lang, text.clone());
        for f in scan::run_file(&source, registry, &opts).findings {
            // Only secret findings span a secret; others span code around one.
            if !f.rule_id.starts_with("AIG10") {
                continue;
            }
            if let Some(v) = text.get(f.location.start_byte..f.location.end_byte) {
                if !v.starts_with("-----BEGIN") {
                    keys.insert(v.to_string());
                }
            }
        }
    }
    keys.retain(|k| k.len() >= 16);
    keys
}

fn assert_no_key(out: &[u8], keys: &BTreeSet<String>, what: &str) {
    let out = String::from_utf8_lossy(out);
    for k in keys {
        let tail = &k[k.len() - 12..];
        assert!(
            !out.contains(k.as_str()) && !out.contains(tail),
            "{what} printed a secret ending in {} chars: …{}",
            k.len(),
            &tail[..4]
        );
    }
}

#[test]
fn the_fixtures_hold_keys() {
    let keys = keys();
    assert!(
        keys.len() >= 60,
        "expected the fixtures' keys, found {}",
        keys.len()
    );
}

#[test]
fn no_output_format_prints_a_secret() {
    let keys = keys();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/secrets");
    for format in ["full", "concise", "json", "sarif", "github"] {
        for verbose in [false, true] {
            let mut args = vec![
                "scan",
                "--format",
                format,
                "--exit-zero",
                "--color",
                "never",
            ];
            if verbose {
                args.push("-v");
            }
            let out = common::aiguard()
                .args(&args)
                .arg(&dir)
                .output()
                .expect("run");
            assert_no_key(&out.stdout, &keys, &format!("--format {format} (dir)"));
            assert_no_key(
                &out.stderr,
                &keys,
                &format!("--format {format} (dir, stderr)"),
            );
            for file in fixtures() {
                let name = file
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned();
                let out = common::aiguard()
                    .args(&args)
                    .args(["--stdin-filename", &name, "-"])
                    .write_stdin(std::fs::read(&file).expect("read"))
                    .output()
                    .expect("run");
                let what = format!("--format {format} (stdin {name})");
                assert_no_key(&out.stdout, &keys, &what);
                assert_no_key(&out.stderr, &keys, &what);
            }
        }
    }
}

/// The check itself can fail: the raw fixture text contains the keys it looks for.
#[test]
fn the_check_catches_a_printed_key() {
    let keys = keys();
    let text = fixtures()
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("read"))
        .collect::<String>();
    let caught = std::panic::catch_unwind(|| assert_no_key(text.as_bytes(), &keys, "raw text"));
    assert!(caught.is_err());
}

/// Keys are masked in the snippets of every finding, not only their own: a `--strict` problem
/// on the key's line, and another rule's finding beside a key when the secret rules are off.
#[test]
fn keys_are_masked_in_other_findings_snippets() {
    let key = "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";
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("app.py"),
        format!(
            "import torch\nGROQ_API_KEY = \"{key}\"  # aiguard: ignore[AIG101]\nstate = torch.load(\"m.pt\")\n"
        ),
    )
    .expect("write");
    let keys: BTreeSet<String> = [key.to_string()].into();
    for args in [
        &["--strict"][..],
        &["--select", "AIG601"][..],
        &["--select", "AIG601", "--strict"][..],
    ] {
        let out = common::aiguard()
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .args(["scan", "app.py", "--format", "full"])
            .args(args)
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("AIG"), "{args:?} reported nothing: {text}");
        assert_no_key(&out.stdout, &keys, &format!("full {args:?}"));
    }
}

/// A project that shows a key outside its own snippet: as context of a fix in a diff, as a
/// model id in the inventory, and in a git URL beside another finding.
fn leaky_project() -> (tempfile::TempDir, String) {
    let key = "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";
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("leak.py"),
        format!(
            "import torch\nfrom openai import OpenAI\nKEY = \"{key}\"\nm = torch.load(\"x.pt\")\n\
             client = OpenAI(api_key=KEY)\n\
             r = client.chat.completions.create(model=\"{key}\", messages=[])\n"
        ),
    )
    .expect("write");
    (dir, key.to_string())
}

#[test]
fn fix_diffs_never_print_a_key() {
    let (dir, key) = leaky_project();
    let out = common::aiguard()
        .current_dir(dir.path())
        .args(["scan", "leak.py", "--fix", "--diff"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("weights_only=True"), "no diff: {text}");
    assert_no_key(&out.stdout, &[key].into(), "--fix --diff");
}

#[test]
fn inventories_never_print_a_key() {
    let (dir, key) = leaky_project();
    for format in ["table", "json", "cyclonedx"] {
        let out = common::aiguard()
            .current_dir(dir.path())
            .args(["inventory", ".", "--format", format])
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("leak.py"),
            "{format}: empty inventory: {text}"
        );
        assert_no_key(
            &out.stdout,
            &[key.clone()].into(),
            &format!("inventory {format}"),
        );
    }
}

/// Errors quote what the scanned tree wrote (a bad config value): a key there is masked too.
#[test]
fn error_messages_never_print_a_key() {
    let key = "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";
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("pyproject.toml"),
        format!("[tool.aiguard]\nselect = [\"{key}\"]\n"),
    )
    .expect("write");
    let out = common::aiguard()
        .current_dir(dir.path())
        .args(["scan", "."])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rule selector"));
    assert_no_key(&out.stderr, &[key.to_string()].into(), "config error");
}

/// Two secrets on one line, the later one found first (a provider key, then a generic
/// assignment before it): both are masked in every snippet of the line. Found by the fuzzer, the
/// masks were applied in detector order and the second one fell off the shortened line.
#[test]
fn two_secrets_on_one_line_are_both_masked() {
    let key = "pypi-AgEIcHlwaS5vcmcFsRhl03SUSD3TN_RH1tNmsxBkixfneD_nPO3ZzxsMW1Ix9bz5LK0X1i1wqZ8";
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join(".env"),
        format!("GITLAB_TOKEN=glpat-n57vD4I4IP3XnYm TOKEN={key}\n"),
    )
    .expect("write");
    let keys: BTreeSet<String> = [key.to_string(), "glpat-n57vD4I4IP3XnYm".to_string()].into();
    let out = common::aiguard()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["scan", ".env", "--format", "full", "--select", "ALL"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("AIG102"), "{text}");
    assert!(text.contains("AIG103"), "{text}");
    assert_no_key(&out.stdout, &keys, "full");
}

/// Found by the fuzzer: keys quoted in messages (a key lowered into a call's name, a logged value
/// in a flow label) and a key repeated where no detector looks, in another finding's snippet.
#[test]
fn keys_in_messages_and_repeated_values_are_masked() {
    let ghp = "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";
    let other = "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";
    let value = "C26oYU6HBKTtWvUwE85ymy5Y";
    let dir = tempfile::tempdir().expect("tempdir");
    let files = [
        (
            "a.ts",
            format!(
                "import OpenAI from \"{ghp}\"; const client = new OpenAI();\n\
                 await client.chat.completions.create({{model: \"gpt-4o\", messages: []}});\n"
            ),
        ),
        (
            "b.py",
            format!(
                "import logging\nlogger = logging.getLogger()\nfrom x import settings\n\
                 logger.info(\"secret: %s\", getattr(settings, \"{other}\" \"SECRET_KEY\"))\n"
            ),
        ),
        (
            "c.py",
            format!(
                "import openai\nclient = openai.OpenAI(base_url=\"http://x\",\n    \
                 note=\"WEBHOOK_SECRET = {value}\")\nWEBHOOK_SECRET = \"{value}\"\n"
            ),
        ),
    ];
    for (name, text) in &files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let keys: BTreeSet<String> = [ghp, other, value].map(String::from).into();
    for format in ["full", "concise", "json", "sarif", "github"] {
        let out = common::aiguard()
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .args(["scan", ".", "--select", "ALL", "--format", format])
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("AIG402") && text.contains("AIG501"),
            "{format}: {text}"
        );
        assert_no_key(&out.stdout, &keys, format);
    }
}
