//! The command line end to end: formats, exit codes, stdin, selection, suppression, determinism.

mod common;

use assert_cmd::Command;
use common::{aiguard, project, run};
use std::path::Path;

const BAD_PY: &str = "import torch\nstate = torch.load('model.pt')\n";
const TWO_RULES_PY: &str = "import torch\nfrom transformers import AutoModel\n\
state = torch.load('model.pt')\n\
m = AutoModel.from_pretrained('org/m', revision='0e9e39f249a16976918f6564b8830bc894c89659', trust_remote_code=True)\n\
n = AutoModel.from_pretrained('org/n')\n";

#[test]
fn finding_exits_1_and_clean_exits_0() {
    let dir = project(&[
        ("app.py", BAD_PY),
        (
            "ok.py",
            "import torch\nx = torch.load('m.pt', weights_only=True)\n",
        ),
    ]);
    let (code, out, err) = run(dir.path(), &["scan", "--format", "concise"]);
    assert_eq!(code, 1, "stderr: {err}");
    assert_eq!(
        out.trim(),
        "app.py:2:9: AIG601 [*] [high] `torch.load` without `weights_only=True` unpickles the file and can run code embedded in it"
    );
    let (code, out, _) = run(dir.path(), &["scan", "ok.py", "--format", "concise"]);
    assert_eq!(code, 0);
    assert!(out.is_empty());
}

#[test]
fn exit_zero_and_fail_on() {
    let dir = project(&[("app.py", TWO_RULES_PY)]);
    assert_eq!(run(dir.path(), &["scan", "--exit-zero", "-q"]).0, 0);
    assert_eq!(run(dir.path(), &["scan", "--fail-on", "never", "-q"]).0, 0);
    // AIG601 and AIG602 are high: failing on critical passes, on high fails.
    assert_eq!(
        run(dir.path(), &["scan", "--fail-on", "critical", "-q"]).0,
        0
    );
    assert_eq!(run(dir.path(), &["scan", "--fail-on", "high", "-q"]).0, 1);
    // Only the medium AIG603 remains: high passes, medium fails.
    assert_eq!(
        run(
            dir.path(),
            &["scan", "--select", "AIG603", "--fail-on", "high", "-q"]
        )
        .0,
        0
    );
    assert_eq!(
        run(
            dir.path(),
            &["scan", "--select", "AIG603", "--fail-on", "medium", "-q"]
        )
        .0,
        1
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = project(&[("app.py", BAD_PY)]);
    assert_eq!(run(dir.path(), &["scan", "--select", "AIG999"]).0, 2);
    assert_eq!(run(dir.path(), &["scan", "--format", "nope"]).0, 2);
    assert_eq!(run(dir.path(), &["scan", "does-not-exist"]).0, 2);
    assert_eq!(run(dir.path(), &["explain", "AIG999"]).0, 2);
    assert_eq!(run(dir.path(), &["frobnicate"]).0, 2);
}

#[test]
fn select_ignore_and_names() {
    let dir = project(&[("app.py", TWO_RULES_PY)]);
    let ids = |args: &[&str]| -> Vec<String> {
        let mut full = vec!["scan", "--format", "concise", "--exit-zero"];
        full.extend_from_slice(args);
        let (_, out, _) = run(dir.path(), &full);
        out.lines()
            .map(|l| l.split_whitespace().nth(1).unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(ids(&[]), ["AIG601", "AIG602", "AIG603"]);
    assert_eq!(ids(&["--select", "AIG601"]), ["AIG601"]);
    assert_eq!(
        ids(&["--select", "AIG60", "--ignore", "AIG603"]),
        ["AIG601", "AIG602"]
    );
    assert_eq!(
        ids(&["--select", "AIG6", "--ignore", "AIG603"]),
        ["AIG601", "AIG602"]
    );
    assert_eq!(ids(&["--select", "trust-remote-code"]), ["AIG602"]);
    assert_eq!(ids(&["--ignore", "AIG601,AIG602"]), ["AIG603"]);
    assert_eq!(
        ids(&["--select", "AIG601", "--extend-select", "AIG603"]),
        ["AIG601", "AIG603"]
    );
    assert_eq!(
        ids(&["--select", "ALL", "--ignore", "unpinned-model-revision"]),
        ["AIG601", "AIG602"]
    );
}

#[test]
fn stdin_with_filename() {
    let dir = project(&[]);
    let out = aiguard()
        .current_dir(dir.path())
        .args([
            "scan",
            "-",
            "--stdin-filename",
            "src/app.py",
            "--format",
            "concise",
        ])
        .write_stdin(BAD_PY)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("src/app.py:2:9: AIG601"), "{stdout}");
    // TypeScript on stdin is parsed as TypeScript.
    let out = aiguard()
        .current_dir(dir.path())
        .args(["scan", "-", "--stdin-filename", "c.ts", "--format", "concise"])
        .write_stdin("import OpenAI from 'openai';\nconst c = new OpenAI({ dangerouslyAllowBrowser: true });\n")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("AIG605"));
}

/// Without `--stdin-filename`, code on stdin is never passed as plain text with nothing found:
/// an interpreter line names the language, anything else is refused with exit 2.
#[test]
fn stdin_without_filename_is_refused_unless_the_content_says() {
    let dir = project(&[]);
    let scan = |text: &str| {
        let out = aiguard()
            .current_dir(dir.path())
            .args(["scan", "-", "--format", "concise"])
            .write_stdin(text.to_string())
            .output()
            .expect("run");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, out, err) = scan(BAD_PY);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(out.is_empty());
    assert!(err.contains("--stdin-filename"), "{err}");
    let (code, out, err) = scan(&format!("#!/usr/bin/env python3\n{BAD_PY}"));
    assert_eq!(code, Some(1), "{err}");
    assert!(out.starts_with("-:3:9: AIG601"), "{out}");
}

#[test]
fn every_format_renders_the_finding() {
    let dir = project(&[("app.py", BAD_PY)]);
    for format in ["full", "concise", "json", "sarif", "github"] {
        let (code, out, err) = run(dir.path(), &["scan", "--format", format]);
        assert_eq!(code, 1, "{format}: {err}");
        assert!(
            out.contains("AIG601"),
            "{format} output lacks the rule id:\n{out}"
        );
        assert!(
            out.contains("app.py"),
            "{format} output lacks the path:\n{out}"
        );
    }
    let (_, json, _) = run(dir.path(), &["scan", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json output parses");
    assert_eq!(v["findings"][0]["location"]["line"], 2);
    let (_, sarif, _) = run(dir.path(), &["scan", "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&sarif).expect("sarif output parses");
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"][0]["results"][0]["ruleId"], "AIG601");
    let (_, gh, _) = run(dir.path(), &["scan", "--format", "github"]);
    assert!(gh.starts_with("::error file=app.py,line=2,"), "{gh}");
}

#[test]
fn output_file_and_sarif_output() {
    let dir = project(&[("app.py", BAD_PY)]);
    let (code, out, _) = run(
        dir.path(),
        &[
            "scan",
            "app.py",
            "--format",
            "concise",
            "-o",
            "report.txt",
            "--sarif-output",
            "r.sarif",
        ],
    );
    assert_eq!(code, 1);
    assert!(out.is_empty(), "report goes to the file, not stdout");
    let report = std::fs::read_to_string(dir.path().join("report.txt")).expect("report written");
    assert!(report.contains("AIG601"));
    let sarif = std::fs::read_to_string(dir.path().join("r.sarif")).expect("sarif written");
    assert!(sarif.contains("\"ruleId\": \"AIG601\"") || sarif.contains("\"ruleId\":\"AIG601\""));
}

#[test]
fn same_output_with_one_and_two_threads() {
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 0..40 {
        files.push((format!("pkg{}/m{i}.py", i % 4), TWO_RULES_PY.to_string()));
        files.push((
            format!("web/c{i}.ts"),
            "import OpenAI from 'openai';\nnew OpenAI({ dangerouslyAllowBrowser: true });\n".into(),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = project(&refs);
    for format in ["concise", "json", "sarif"] {
        let one = run(dir.path(), &["scan", "--format", format, "--threads", "1"]).1;
        let two = run(dir.path(), &["scan", "--format", format, "--threads", "2"]).1;
        assert!(!one.is_empty());
        assert_eq!(one, two, "{format} differs between 1 and 2 threads");
    }
}

#[test]
fn suppression_comment_silences_and_strict_reports() {
    let dir = project(&[(
        "app.py",
        "import torch\nx = torch.load('a.pt')  # aiguard: ignore[AIG601] our own checkpoint\ny = torch.load('b.pt')  # aiguard: ignore[AIG601]\n",
    )]);
    let (code, out, _) = run(dir.path(), &["scan", "--format", "concise"]);
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = run(dir.path(), &["scan", "--format", "concise", "--strict"]);
    assert_eq!(code, 1);
    assert!(out.contains("app.py:3:") && out.contains("AIG002"), "{out}");
}

#[test]
fn statistics_and_verbose_go_to_stderr() {
    let dir = project(&[("app.py", TWO_RULES_PY), ("blob.bin", "\0\0\0binary")]);
    let (_, out, err) = run(
        dir.path(),
        &[
            "scan",
            "--format",
            "json",
            "--statistics",
            "-v",
            "blob.bin",
            "app.py",
        ],
    );
    serde_json::from_str::<serde_json::Value>(&out).expect("stdout is only the JSON document");
    assert!(err.contains("AIG601"), "statistics on stderr: {err}");
    assert!(
        err.contains("blob.bin"),
        "verbose lists the skipped file: {err}"
    );
}

#[test]
fn rules_and_explain() {
    let dir = project(&[]);
    let (code, out, _) = run(dir.path(), &["rules"]);
    assert_eq!(code, 0);
    assert!(out.contains("AIG601") && out.contains("trust-remote-code"));
    let (_, json, _) = run(dir.path(), &["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert!(v.as_array().is_some_and(|a| a.len() >= 4));
    let (_, md, _) = run(dir.path(), &["rules", "--format", "markdown"]);
    assert!(md.contains("| [AIG601]"));
    for key in ["AIG602", "aig602", "trust-remote-code"] {
        let (code, out, _) = run(dir.path(), &["explain", key]);
        assert_eq!(code, 0);
        assert!(out.starts_with("# trust-remote-code (AIG602)"), "{out}");
        assert!(out.contains("## Why is this bad?"));
    }
}

#[test]
fn no_color_means_no_escape_codes() {
    let dir = project(&[("app.py", BAD_PY)]);
    let out = aiguard()
        .current_dir(dir.path())
        .args(["scan", "--format", "full"])
        .output()
        .expect("run");
    assert!(
        !out.stdout.contains(&0x1b),
        "escape codes with NO_COLOR set"
    );
    let out = aiguard()
        .current_dir(dir.path())
        .args(["scan", "--format", "full", "--color", "always"])
        .output()
        .expect("run");
    assert!(out.stdout.contains(&0x1b), "--color always must colour");
}

/// SARIF from scanning every fixture (all rules, notebooks, secrets, suppressions) is valid
/// SARIF 2.1.0 and keeps GitHub's invariants.
#[test]
fn sarif_of_all_fixtures_is_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, out, err) = run(
        root,
        &[
            "scan",
            "fixtures",
            "--select",
            "ALL",
            "--format",
            "sarif",
            "--isolated",
        ],
    );
    assert_eq!(code, 1, "{err}");
    let sarif: serde_json::Value = serde_json::from_str(&out).expect("sarif parses");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("tests/data/sarif-schema-2.1.0.json")).expect("schema"),
    )
    .expect("schema parses");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "invalid SARIF: {errors:#?}");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert!(
        results.len() > 50,
        "expected the fixtures' findings, got {}",
        results.len()
    );
    for r in results {
        let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(loc["region"]["startLine"].as_u64().is_some_and(|l| l >= 1));
        assert!(r["fingerprints"]["aiguard/v1"].is_string());
        assert!(r.get("partialFingerprints").is_none());
    }
    // No key from the secret fixtures is in the document (the full check is tests/secrets.rs).
    assert!(!out.contains("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"));
}

/// A notebook finding's frame is named by cell and points at the column within the cell, while
/// the machine formats point into the .ipynb file itself.
#[test]
fn notebook_findings_point_at_cell_and_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let nb = "fixtures/supply-chain/notebook_loading.ipynb";
    let (_, full, _) = run(root, &["scan", nb, "--format", "full", "--isolated"]);
    assert!(
        full.contains("notebook_loading.ipynb [cell 3]:2:9"),
        "{full}"
    );
    let (_, concise, _) = run(root, &["scan", nb, "--format", "concise", "--isolated"]);
    let first = concise.lines().next().expect("a finding");
    let json_line: usize = first
        .split(':')
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("line");
    let text = std::fs::read_to_string(root.join(nb)).expect("notebook");
    let line = text.lines().nth(json_line - 1).expect("line exists");
    assert!(
        line.contains("torch.load(\\\"model.pt\\\")"),
        "line {json_line} of the file is {line:?}"
    );
    assert!(first.ends_with("(cell 3, line 2)"), "{first}");
}

/// The project around a file: a scanned file and standard input (resolved from the working
/// directory) both see the torch version of the nearest manifest or lockfile.
#[test]
fn project_versions_reach_files_and_stdin() {
    let dir = project(&[
        ("app.py", BAD_PY),
        ("old/app.py", BAD_PY),
        ("old/requirements.txt", "torch==2.5.1\n"),
        ("requirements.txt", "torch==2.6.0\n"),
        (".git/HEAD", "ref: refs/heads/main\n"),
    ]);
    let (code, out, err) = run(dir.path(), &["scan", "--format", "concise"]);
    assert_eq!(code, 1, "stderr: {err}");
    assert!(out.contains("old/app.py:2:"), "{out}");
    assert!(
        !out.contains("\napp.py:") && !out.starts_with("app.py:"),
        "{out}"
    );
    let out = aiguard()
        .current_dir(dir.path())
        .args([
            "scan",
            "-",
            "--stdin-filename",
            "x.py",
            "--format",
            "concise",
        ])
        .write_stdin(BAD_PY)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = aiguard()
        .current_dir(dir.path().join("old"))
        .args([
            "scan",
            "-",
            "--stdin-filename",
            "x.py",
            "--format",
            "concise",
        ])
        .write_stdin(BAD_PY)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = Command::cargo_bin("aiguard")
            .expect("binary")
            .args(["completions", shell])
            .output()
            .expect("run");
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("aiguard") && text.contains("scan"),
            "{shell}: {text}"
        );
    }
}

/// Whatever aiguard writes into the scanned tree (reports in every format, a baseline, an
/// inventory) is never a finding of the next scan: the rule docs in SARIF hold example URLs.
#[test]
fn own_outputs_are_never_findings() {
    let dir = project(&[("app.py", BAD_PY)]);
    let concise = || {
        let (_, out, err) = run(dir.path(), &["scan", ".", "--format", "concise"]);
        (out, err)
    };
    let (before, _) = concise();
    for format in ["sarif", "json", "full", "concise", "github"] {
        let out = format!("report.{format}");
        let (code, _, err) = run(
            dir.path(),
            &[
                "scan", ".", "--select", "ALL", "--format", format, "-o", &out,
            ],
        );
        assert_eq!(code, 1, "{format}: {err}");
    }
    run(
        dir.path(),
        &["scan", ".", "--write-baseline", "baseline.json"],
    );
    for format in ["json", "cyclonedx", "table"] {
        let out = format!("inventory.{format}");
        run(
            dir.path(),
            &["inventory", ".", "--format", format, "-o", &out],
        );
    }
    let (after, err) = concise();
    assert_eq!(after, before, "{err}");
    assert!(err.contains("skipped (5 aiguard output)"), "{err}");
}

/// A tree scanned from outside (`aiguard scan ../other`) keeps relative SARIF URIs under
/// `%SRCROOT%` and the same fingerprints, whatever the working directory.
#[test]
fn sarif_of_a_tree_outside_the_working_directory_stays_relative() {
    let tree = project(&[("proj/app.py", BAD_PY)]);
    let elsewhere = project(&[]);
    let proj = tree.path().join("proj");
    let sarif = |cwd: &Path, target: &Path| -> serde_json::Value {
        let out = aiguard()
            .current_dir(cwd)
            .arg("scan")
            .arg(target)
            .args(["--format", "sarif"])
            .output()
            .expect("run");
        serde_json::from_slice(&out.stdout).expect("SARIF is JSON")
    };
    let from_elsewhere = sarif(elsewhere.path(), &proj);
    let from_inside = sarif(&proj, Path::new("."));
    for doc in [&from_elsewhere, &from_inside] {
        let run = &doc["runs"][0];
        let art = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(art["uri"], "app.py", "{art}");
        assert_eq!(art["uriBaseId"], "%SRCROOT%");
        let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .unwrap();
        assert!(root.ends_with("/proj/"), "{root}");
    }
    assert_eq!(
        from_elsewhere["runs"][0]["results"][0]["fingerprints"],
        from_inside["runs"][0]["results"][0]["fingerprints"]
    );
}

/// `--max-filesize` takes the units the config file takes.
#[test]
fn max_filesize_takes_units() {
    let big = format!("{BAD_PY}{}", "# padding\n".repeat(300));
    let dir = project(&[("app.py", &big)]);
    let (code, _, err) = run(dir.path(), &["scan", ".", "--max-filesize", "2KB", "-v"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("too large (3044 bytes, limit 2048)"), "{err}");
    let (code, _, _) = run(dir.path(), &["scan", ".", "--max-filesize", "1MiB"]);
    assert_eq!(code, 1);
    let (code, _, err) = run(dir.path(), &["scan", ".", "--max-filesize", "10XB"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid size"), "{err}");
}

/// A path that cannot be looked at says why (not a blanket "no such file").
#[test]
fn bad_paths_say_what_is_wrong() {
    let dir = project(&[("app.py", BAD_PY)]);
    let (code, out, err) = run(dir.path(), &["scan", "missing.py"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.contains("missing.py: no such file or directory"),
        "{err}"
    );
    let (code, _, err) = run(dir.path(), &["scan", "app.py/inner.py"]);
    assert_eq!(code, 2);
    assert!(err.contains("app.py/inner.py: not a directory"), "{err}");
}

/// A directory or file the user cannot read stops the scan with exit 2 and says so. Needs
/// another user to test as: run when the tests run as root with `runuser` available.
#[test]
fn unreadable_paths_are_errors_not_empty_scans() {
    use std::os::unix::fs::PermissionsExt;
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let runuser = std::process::Command::new("runuser")
        .arg("--help")
        .output()
        .is_ok();
    if !root || !runuser {
        println!("note: not root or no runuser; skipping the unreadable-path test");
        return;
    }
    let dir = project(&[("locked/app.py", BAD_PY)]);
    let bin = dir.path().join("aiguard");
    std::fs::copy(assert_cmd::cargo::cargo_bin("aiguard"), &bin).expect("copy");
    let mode = |p: &Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod")
    };
    mode(dir.path(), 0o755);
    mode(&bin, 0o755);
    mode(&dir.path().join("locked"), 0o700);
    for target in ["locked", "locked/app.py"] {
        let out = std::process::Command::new("runuser")
            .args(["-u", "nobody", "--"])
            .arg(&bin)
            .args(["scan", target])
            .current_dir(dir.path())
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{target}: {err}");
        assert!(
            err.contains(&format!("{target}: permission denied")),
            "{err}"
        );
    }
}

/// Findings in test code are left out and counted in the summary; `--include-tests` and the
/// config's `include-tests = true` report them, marked with their role. Where the scanned
/// directory sits is no role: a checkout under a `test/` directory is still an application.
#[test]
fn test_files_are_left_out_unless_included() {
    let dir = project(&[
        ("app/main.py", BAD_PY),
        ("app/tests/test_main.py", BAD_PY),
        ("test/checkout/app.py", BAD_PY),
        ("test/checkout/.git/HEAD", "ref: refs/heads/main\n"),
    ]);
    let (code, out, err) = run(dir.path(), &["scan", "app", "--format", "concise"]);
    assert_eq!(code, 1, "stderr: {err}");
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("app/main.py:2:9: AIG601"), "{out}");
    assert!(
        err.contains(
            "1 in tests, examples, benchmarks, docs and scripts not shown \
             (1 test; --include-tests shows them)"
        ),
        "{err}"
    );
    for checkout in ["test/checkout", "test/checkout/app.py"] {
        let (_, out, _) = run(dir.path(), &["scan", checkout, "--format", "concise"]);
        assert!(out.starts_with("test/checkout/app.py:2:9: AIG601"), "{out}");
    }

    let (_, out, _) = run(
        dir.path(),
        &["scan", "app", "--include-tests", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    let roles: Vec<(&str, &str)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let path = f["location"]["path"].as_str().unwrap_or_default();
            (path, f["role"].as_str().unwrap_or_default())
        })
        .collect();
    assert_eq!(
        roles,
        [
            ("app/main.py", "production"),
            ("app/tests/test_main.py", "test")
        ]
    );
    let (_, out, _) = run(dir.path(), &["scan", "app", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(json["summary"]["left_out"]["test"], 1);

    std::fs::write(dir.path().join("aiguard.toml"), "include-tests = true\n").expect("config");
    let (_, out, _) = run(dir.path(), &["scan", "app", "--format", "concise"]);
    assert_eq!(out.lines().count(), 2, "{out}");
}

/// Console input spliced into a prompt, in an app that also serves a route (AIG201 from local
/// input), is of low confidence; the `torch.load` of high. The default report shows medium and
/// up and counts the rest; `--min-confidence` and the config's `min-confidence` move the floor.
const CONFIDENCES_PY: &str = "import torch\nfrom flask import Flask\nfrom openai import OpenAI\n\
app = Flask(__name__)\nclient = OpenAI(timeout=10)\nstate = torch.load('model.pt')\n\
@app.get('/health')\ndef health():\n    return 'ok'\n\
def cli():\n    q = input('> ')\n\
\x20   client.chat.completions.create(model='m', max_tokens=10, messages=[{'role': 'user', 'content': f'Answer: {q}'}])\n";

#[test]
fn findings_below_the_confidence_floor_are_counted_not_shown() {
    let dir = project(&[("app.py", CONFIDENCES_PY)]);
    let rules = |out: &str| -> Vec<String> {
        out.lines()
            .map(|l| {
                l.split(": ")
                    .nth(1)
                    .unwrap_or("")
                    .split(' ')
                    .next()
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    };
    let (_, out, err) = run(dir.path(), &["scan", ".", "--format", "concise"]);
    assert_eq!(rules(&out), ["AIG601"], "{out}");
    assert!(
        err.contains("1 of lower confidence not shown (--min-confidence low shows them)"),
        "{err}"
    );
    let (_, out, _) = run(
        dir.path(),
        &[
            "scan",
            ".",
            "--format",
            "concise",
            "--min-confidence",
            "low",
        ],
    );
    assert_eq!(rules(&out), ["AIG601", "AIG201"], "{out}");
    let (_, out, _) = run(dir.path(), &["scan", ".", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(json["summary"]["below_confidence"], 1);

    std::fs::write(
        dir.path().join("aiguard.toml"),
        "min-confidence = \"low\"\n",
    )
    .expect("config");
    let (_, out, _) = run(dir.path(), &["scan", ".", "--format", "concise"]);
    assert_eq!(rules(&out).len(), 2, "{out}");
    let (_, out, _) = run(
        dir.path(),
        &[
            "scan",
            ".",
            "--format",
            "concise",
            "--min-confidence",
            "high",
        ],
    );
    assert_eq!(rules(&out), ["AIG601"], "{out}");

    std::fs::write(
        dir.path().join("aiguard.toml"),
        "min-confidence = \"some\"\n",
    )
    .expect("config");
    let (code, _, err) = run(dir.path(), &["scan", ".", "--format", "concise"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`min-confidence`"), "{err}");
}
