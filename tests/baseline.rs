//! Adopting aiguard on an existing codebase: `--write-baseline` / `--baseline`, `--since REF` and
//! `--add-ignore[=REASON]`, end to end with the real binary.

mod common;

use common::{aiguard, project, run};
use serde_json::Value;
use std::path::Path;

/// The concise report's `path:line` of each finding.
fn places(out: &str) -> Vec<String> {
    out.lines()
        .map(|l| {
            let mut parts = l.splitn(3, ':');
            format!(
                "{}:{}",
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default()
            )
        })
        .collect()
}

const APP: &str = concat!(
    "import torch\n",
    "\n",
    "def load(path):\n",
    "    return torch.load(path)\n",
    "\n",
    "state = torch.load('a.pt')\n",
);

#[test]
fn baselined_findings_survive_line_moves_and_only_new_ones_are_reported() {
    let dir = project(&[("app.py", APP)]);
    let (code, out, _) = run(dir.path(), &["scan", "--format", "concise"]);
    assert_eq!(code, 1);
    assert_eq!(places(&out), ["app.py:4", "app.py:6"]);

    let (code, out, err) = run(
        dir.path(),
        &["scan", "--format", "concise", "--write-baseline", "b.json"],
    );
    assert_eq!(code, 0, "writing a baseline accepts every finding: {err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("2 baselined"), "{err}");
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("b.json")).expect("read"))
            .expect("baseline is JSON");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["findings"].as_array().map(Vec::len), Some(2));

    // Lines inserted above both findings, an unrelated edit, and a new bug in a new function.
    let edited = format!(
        "import os\nimport json\n\nCONFIG = json.loads(os.environ.get('C', '{{}}'))\n{APP}\n\
         def other(p):\n    return torch.load(p)\n"
    );
    std::fs::write(dir.path().join("app.py"), edited).expect("write");
    let (code, out, err) = run(
        dir.path(),
        &["scan", "--format", "concise", "--baseline", "b.json"],
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(places(&out), ["app.py:13"], "only the new bug: {out}");
    assert!(err.contains("; 2 baselined"), "{err}");

    // The baselined findings were fixed: nothing is reported, whatever the baseline still holds.
    std::fs::write(
        dir.path().join("app.py"),
        "import torch\nx = torch.load('a.pt', weights_only=True)\n",
    )
    .expect("write");
    let (code, out, _) = run(
        dir.path(),
        &["scan", "--format", "concise", "--baseline", "b.json"],
    );
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn baseline_matching_counts_occurrences() {
    let two = "import torch\na = torch.load('m.pt')\nb = torch.load('m.pt')\n";
    let dir = project(&[("app.py", two)]);
    let (code, _, _) = run(dir.path(), &["scan", "--write-baseline", "b.json", "-q"]);
    assert_eq!(code, 0);
    // A third identical call: the baseline holds two, so exactly one is reported.
    std::fs::write(
        dir.path().join("app.py"),
        format!("{two}c = torch.load('m.pt')\n"),
    )
    .expect("write");
    let (code, out, err) = run(
        dir.path(),
        &["scan", "--format", "concise", "--baseline", "b.json"],
    );
    assert_eq!(code, 1);
    assert_eq!(places(&out), ["app.py:4"], "{out}");
    assert!(err.contains("2 baselined"), "{err}");
    // One removed: the remaining two are both still covered.
    std::fs::write(dir.path().join("app.py"), two).expect("write");
    assert_eq!(
        run(dir.path(), &["scan", "--baseline", "b.json", "-q"]).0,
        0
    );
}

#[test]
fn baseline_holds_no_code_or_secret() {
    let key = "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";
    let dir = project(&[(
        "app.py",
        &format!("from openai import OpenAI\nclient = OpenAI(api_key=\"{key}\")\n"),
    )]);
    let (code, _, err) = run(dir.path(), &["scan", "--write-baseline", "b.json"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(dir.path().join("b.json")).expect("read");
    assert!(text.contains("AIG101"), "{text}");
    for needle in [key, &key[key.len() - 12..], "OpenAI", "api_key", "client"] {
        assert!(!text.contains(needle), "baseline leaks {needle:?}: {text}");
    }
    let doc: Value = serde_json::from_str(&text).expect("JSON");
    for f in doc["findings"].as_array().expect("findings") {
        let keys: Vec<&String> = f.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["hash", "path", "rule"], "{f}");
    }
    assert_eq!(
        run(dir.path(), &["scan", "--baseline", "b.json", "-q"]).0,
        0
    );
}

#[test]
fn baseline_paths_do_not_depend_on_the_working_directory() {
    let dir = project(&[("src/app.py", APP), ("src/sub/.keep", "")]);
    // A repository root, so paths are recorded relative to it.
    std::fs::create_dir(dir.path().join(".git")).expect("mkdir");
    let (code, _, _) = run(dir.path(), &["scan", "--write-baseline", "b.json", "-q"]);
    assert_eq!(code, 0);
    let text = std::fs::read_to_string(dir.path().join("b.json")).expect("read");
    assert!(text.contains("\"path\": \"src/app.py\""), "{text}");
    let (code, out, err) = run(
        &dir.path().join("src/sub"),
        &[
            "scan",
            "..",
            "--format",
            "concise",
            "--baseline",
            "../../b.json",
        ],
    );
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(err.contains("2 baselined"), "{err}");
}

#[test]
fn baseline_in_config_and_in_machine_formats() {
    let dir = project(&[("app.py", APP)]);
    assert_eq!(
        run(dir.path(), &["scan", "--write-baseline", "base.json", "-q"]).0,
        0
    );
    std::fs::write(
        dir.path().join("aiguard.toml"),
        "baseline = \"base.json\"\n",
    )
    .expect("write");
    let (code, out, _) = run(dir.path(), &["scan", "--format", "concise"]);
    assert_eq!((code, out.as_str()), (0, ""));
    // Baselined findings are left out of SARIF and counted in JSON.
    let (code, out, _) = run(dir.path(), &["scan", "--format", "sarif"]);
    assert_eq!(code, 0);
    let sarif: Value = serde_json::from_str(&out).expect("SARIF");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(0)
    );
    let (_, out, _) = run(dir.path(), &["scan", "--format", "json"]);
    let json: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(json["summary"]["baselined"], 2);
    // --isolated drops the config, and so the baseline.
    assert_eq!(run(dir.path(), &["scan", "--isolated", "-q"]).0, 1);
}

#[test]
fn bad_baselines_are_fatal() {
    let dir = project(&[
        ("app.py", APP),
        (
            "old.json",
            "{\"version\": 99, \"tool\": \"aiguard\", \"findings\": []}",
        ),
        ("junk.json", "[1, 2]"),
    ]);
    for (file, says) in [
        ("missing.json", "cannot read baseline"),
        ("old.json", "version 99"),
        ("junk.json", "not an aiguard baseline"),
    ] {
        let (code, out, err) = run(dir.path(), &["scan", "--baseline", file]);
        assert_eq!(code, 2, "{file}: {err}");
        assert!(out.is_empty());
        assert!(err.contains(says), "{file}: {err}");
    }
    let (code, _, err) = run(
        dir.path(),
        &["scan", "--write-baseline", "b.json", "--since", "HEAD"],
    );
    assert_eq!(code, 2, "{err}");
}

/// Runs git in `dir`; `None` (with a note) when git is not installed.
fn git(dir: &Path, args: &[&str]) -> Option<()> {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(())
}

fn have_git() -> bool {
    let ok = std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        println!("note: git is not installed; skipping the --since test");
    }
    ok
}

#[test]
fn since_reports_only_changed_lines() {
    if !have_git() {
        return;
    }
    let dir = project(&[("pkg/app.py", APP), ("pkg/old.py", APP)]);
    let root = dir.path();
    git(root, &["init", "-q"]).expect("git");
    git(root, &["add", "."]).expect("git");
    git(root, &["commit", "-q", "-m", "base"]).expect("git");
    git(root, &["checkout", "-q", "-b", "feature"]).expect("git");
    // A committed change on the branch: lines inserted above, one new bug at the end.
    std::fs::write(
        root.join("pkg/app.py"),
        format!("import os\n\n{APP}x = torch.load(os.environ['P'])\n"),
    )
    .expect("write");
    git(root, &["commit", "-q", "-am", "feature"]).expect("git");
    // An uncommitted edit and an untracked file count too.
    std::fs::write(
        root.join("pkg/old.py"),
        APP.replace("torch.load(path)", "torch.load(path or 'b.pt')"),
    )
    .expect("write");
    std::fs::write(
        root.join("pkg/new.py"),
        "import torch\ny = torch.load('n.pt')\n",
    )
    .expect("write");

    let (code, out, err) = run(root, &["scan", "--format", "concise", "--since", "main"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        places(&out),
        ["pkg/app.py:9", "pkg/new.py:2", "pkg/old.py:4"],
        "{err}"
    );
    assert!(err.contains("3 on unchanged lines"), "{err}");

    // From a subdirectory: git's root-relative paths are mapped to display paths.
    let (code, out, _) = run(
        &root.join("pkg"),
        &["scan", "--format", "concise", "--since", "main"],
    );
    assert_eq!(code, 1);
    assert_eq!(places(&out), ["app.py:9", "new.py:2", "old.py:4"]);

    // Since HEAD: only the working-tree changes.
    let (_, out, _) = run(root, &["scan", "--format", "concise", "--since", "HEAD"]);
    assert_eq!(places(&out), ["pkg/new.py:2", "pkg/old.py:4"]);

    // Nothing changed since the branch point on a clean branch: exit 0.
    git(root, &["checkout", "-q", "--", "pkg/old.py"]).expect("git");
    std::fs::remove_file(root.join("pkg/new.py")).expect("rm");
    let (code, out, _) = run(root, &["scan", "--format", "concise", "--since", "feature"]);
    assert_eq!((code, out.as_str()), (0, ""));

    // An unknown revision, or no repository: exit 2, never an unfiltered scan.
    let (code, out, err) = run(root, &["scan", "--since", "no-such-branch"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("unknown git revision \"no-such-branch\""),
        "{err}"
    );
    let plain = project(&[("app.py", APP)]);
    let (code, out, err) = run(plain.path(), &["scan", "--since", "main"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("not in a git repository"), "{err}");
}

#[test]
fn since_without_git_is_fatal() {
    let dir = project(&[("app.py", APP)]);
    let out = aiguard()
        .current_dir(dir.path())
        .env("PATH", dir.path().join("no-bin"))
        .args(["scan", "--since", "main"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--since needs git"));
}

#[test]
fn add_ignore_writes_merges_and_is_idempotent() {
    let py = concat!(
    "import torch\n",
    "from transformers import AutoModel\n",
    "\n",
    "class Loader:\n",
    "    def load(self, p):\n",
    "        m = AutoModel.from_pretrained(\n",
    "            'org/m',\n",
    "            revision='0e9e39f249a16976918f6564b8830bc894c89659',\n",
    "            trust_remote_code=True,\n",
    "        )\n",
    "        # aiguard: ignore[AIG602] our own model\n",
    "        n = AutoModel.from_pretrained('org/n', revision='0e9e39f249a16976918f6564b8830bc894c89659', trust_remote_code=True)\n",
    "        return torch.load(p)\n",
    "\n",
    "state = torch.load('a.pt')  # aiguard: ignore[AIG602] unrelated\n",
);
    let dir = project(&[("app.py", py)]);
    let (code, out, _) = run(dir.path(), &["scan", "--format", "concise"]);
    assert_eq!(code, 1);
    assert_eq!(
        places(&out),
        ["app.py:9", "app.py:13", "app.py:15"],
        "the multi-line statement is reported on its third line"
    );

    let (code, out, err) = run(
        dir.path(),
        &[
            "scan",
            "--format",
            "concise",
            "--add-ignore=reviewed in #12",
        ],
    );
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(
        err.contains("added 3 suppression comment(s) in 1 file(s)"),
        "{err}"
    );
    let text = std::fs::read_to_string(dir.path().join("app.py")).expect("read");
    let expected = py
        .replace(
            "        m = AutoModel",
            "        # aiguard: ignore[AIG602] reviewed in #12\n        m = AutoModel",
        )
        .replace(
            "        return torch.load(p)",
            "        # aiguard: ignore[AIG601] reviewed in #12\n        return torch.load(p)",
        )
        .replace(
            "ignore[AIG602] unrelated",
            "ignore[AIG602, AIG601] unrelated",
        );
    assert_eq!(text, expected);

    // A re-scan reports nothing, and a second run adds nothing.
    let (code, out, err) = run(dir.path(), &["scan", "--format", "concise"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    let (code, _, err) = run(dir.path(), &["scan", "--add-ignore"]);
    assert_eq!(code, 0);
    assert!(err.contains("added 0 suppression comment(s)"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("app.py")).expect("read"),
        expected
    );
}

#[test]
fn add_ignore_merges_with_a_comment_above_and_uses_slashes_in_typescript() {
    let py = concat!(
        "import torch\n",
        "from transformers import AutoModel\n",
        "def f(p):\n",
        "    # aiguard: ignore[AIG602]\n",
        "    return AutoModel.from_pretrained(p, trust_remote_code=True), torch.load(p)\n",
    );
    let ts = concat!(
    "import { OpenAI } from \"openai\";\n",
    "\n",
    "export function make() {\n",
    "  return new OpenAI({ apiKey: \"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\" });\n",
    "}\n",
);
    let dir = project(&[("app.py", py), ("client.ts", ts)]);
    let (code, _, err) = run(dir.path(), &["scan", "--add-ignore", "-q"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(dir.path().join("app.py")).expect("read");
    assert_eq!(
        text,
        py.replace("ignore[AIG602]", "ignore[AIG602, AIG601, AIG603]"),
        "merged, not a second comment"
    );
    let text = std::fs::read_to_string(dir.path().join("client.ts")).expect("read");
    assert!(
        text.contains("\n  // aiguard: ignore[AIG101]\n  return new OpenAI("),
        "{text}"
    );
    let (code, out, _) = run(dir.path(), &["scan", "--format", "concise"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn add_ignore_skips_notebooks_and_says_so() {
    let nb = r#"{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null,
 "source": ["import torch\n", "state = torch.load('m.pt')\n"]}],
 "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"#;
    let dir = project(&[("nb.ipynb", nb)]);
    let (code, out, err) = run(dir.path(), &["scan", "--format", "concise", "--add-ignore"]);
    assert_eq!(code, 1, "the notebook's finding is still reported: {err}");
    assert_eq!(places(&out).len(), 1, "{out}");
    assert!(
        err.contains("nb.ipynb: notebooks are not supported"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("nb.ipynb")).expect("read"),
        nb
    );
}

/// A repository whose own settings try every way git has of running a program: `--since` must
/// run none of them, and still report only the changed lines.
#[test]
fn since_runs_nothing_the_repository_configures() {
    if !have_git() {
        return;
    }
    let dir = project(&[
        ("app.py", APP),
        (".gitattributes", "* diff=evil filter=evil merge=evil\n"),
    ]);
    let root = dir.path();
    git(root, &["init", "-q"]).expect("git");
    git(root, &["add", "."]).expect("git");
    git(root, &["commit", "-q", "-m", "base"]).expect("git");
    // Every program writes its name into the marker file.
    let marker = root.join("ran.txt");
    let evil = root.join("evil.sh");
    std::fs::write(
        &evil,
        format!("#!/bin/sh\necho \"$0 $*\" >> '{}'\ncat\n", marker.display()),
    )
    .expect("write");
    let hooks = root.join("hooks");
    std::fs::create_dir(&hooks).expect("mkdir");
    use std::os::unix::fs::PermissionsExt;
    let exec = std::fs::Permissions::from_mode(0o755);
    std::fs::set_permissions(&evil, exec.clone()).expect("chmod");
    for hook in [
        "post-index-change",
        "reference-transaction",
        "post-checkout",
        "pre-commit",
        "post-rewrite",
        "fsmonitor-watchman",
    ] {
        let h = hooks.join(hook);
        std::fs::copy(&evil, &h).expect("copy");
        std::fs::set_permissions(&h, exec.clone()).expect("chmod");
    }
    let e = evil.display().to_string();
    for (key, value) in [
        ("core.fsmonitor", e.clone()),
        ("core.hooksPath", hooks.display().to_string()),
        ("core.pager", e.clone()),
        ("pager.diff", e.clone()),
        ("pager.ls-tree", e.clone()),
        ("diff.external", e.clone()),
        ("diff.evil.command", e.clone()),
        ("diff.evil.textconv", e.clone()),
        ("filter.evil.clean", e.clone()),
        ("filter.evil.smudge", e.clone()),
        ("filter.evil.process", e.clone()),
        ("filter.evil.required", "false".into()),
        ("credential.helper", format!("!{e}")),
        ("core.sshCommand", e.clone()),
        ("core.gitProxy", e.clone()),
        ("core.askPass", e.clone()),
        ("core.alternateRefsCommand", e.clone()),
        ("gpg.program", e.clone()),
        ("log.showSignature", "true".into()),
        ("core.editor", e.clone()),
        ("sequence.editor", e.clone()),
    ] {
        git(root, &["config", key, &value]).expect("git config");
    }
    // An uncommitted change on a line with a finding, and a new file.
    std::fs::write(
        root.join("app.py"),
        APP.replace("torch.load('a.pt')", "torch.load('b.pt')"),
    )
    .expect("write");
    std::fs::write(
        root.join("new.py"),
        "import torch\ny = torch.load('n.pt')\n",
    )
    .expect("write");
    let (code, out, err) = run(root, &["scan", "--format", "concise", "--since", "HEAD"]);
    let ran = std::fs::read_to_string(&marker).unwrap_or_default();
    assert!(
        ran.is_empty(),
        "--since ran the repository's programs:\n{ran}"
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(places(&out), ["app.py:6", "new.py:2"], "{err}");
}
