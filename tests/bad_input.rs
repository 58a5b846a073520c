//! The real binary on hostile and malformed inputs: it must never panic, hang or die by a signal,
//! and skipped files must be counted. Skip counts are read from the `-v` stderr lines
//! (`aiguard: skipped <path>: <reason>`), so these tests do not depend on findings or on the
//! report formats.

use assert_cmd::Command;
use std::fs;
use std::path::Path;
use std::time::Duration;

struct Run {
    code: Option<i32>,
    stderr: String,
}

impl Run {
    /// No panic, no signal, no timeout, exit 0 or 1.
    fn ok(self) -> Self {
        assert!(!self.stderr.contains("panicked"), "panic:\n{}", self.stderr);
        assert!(
            matches!(self.code, Some(0 | 1)),
            "exit {:?} (None = signal or timeout):\n{}",
            self.code,
            self.stderr
        );
        self
    }

    /// The `-v` line reporting `path` skipped (or only partly analysed) for `reason`.
    fn skipped(&self, path: &str, reason: &str) -> bool {
        ["skipped", "partly analysed"].iter().any(|verb| {
            let prefix = format!("aiguard: {verb} {path}: {reason}");
            self.stderr.lines().any(|l| l.starts_with(&prefix))
        })
    }

    fn any_skipped(&self, path: &str) -> bool {
        self.skipped(path, "")
    }

    fn assert_skipped(&self, path: &str, reason: &str) {
        assert!(
            self.skipped(path, reason),
            "expected `{path}` skipped as {reason}:\n{}",
            self.stderr
        );
    }

    fn assert_not_skipped(&self, path: &str) {
        assert!(
            !self.any_skipped(path),
            "`{path}` was skipped:\n{}",
            self.stderr
        );
    }
}

/// `aiguard scan -v --isolated --format concise <args>` in `dir`, killed after 60 s.
fn scan(dir: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("aiguard")
        .expect("binary built")
        .current_dir(dir)
        .args(["scan", "-v", "--isolated", "--format", "concise"])
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .expect("binary runs");
    Run {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A temp dir holding one file; scans the directory and the file by name.
fn scan_one(name: &str, bytes: &[u8], extra: &[&str]) -> (Run, Run) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(name), bytes).unwrap();
    let mut args = vec!["."];
    args.extend_from_slice(extra);
    let walked = scan(dir.path(), &args).ok();
    args[0] = name;
    let named = scan(dir.path(), &args).ok();
    (walked, named)
}

fn utf16(text: &str, le: bool) -> Vec<u8> {
    let mut out = if le {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for u in text.encode_utf16() {
        out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

#[test]
fn binary_file_is_skipped_and_counted() {
    let (walked, named) = scan_one("blob.py", b"import os\n\0\x01\x02binary", &[]);
    walked.assert_skipped("blob.py", "binary");
    named.assert_skipped("blob.py", "binary");
}

#[test]
fn invalid_utf8_is_scanned() {
    let (walked, named) = scan_one("bad.py", b"x = '\xff\xfe\xc3'\nprint(x)\n", &[]);
    walked.assert_not_skipped("bad.py");
    named.assert_not_skipped("bad.py");
}

#[test]
fn utf8_bom_is_scanned() {
    let (walked, _) = scan_one("bom.py", b"\xEF\xBB\xBFimport os\nx = 1\n", &[]);
    walked.assert_not_skipped("bom.py");
}

#[test]
fn crlf_is_scanned() {
    let (walked, _) = scan_one("crlf.ts", b"const a = 1;\r\nconst b = a;\r\n", &[]);
    walked.assert_not_skipped("crlf.ts");
}

#[test]
fn utf16_le_with_bom_is_not_binary() {
    let (walked, named) = scan_one("le.py", &utf16("import os\nx = 'é'\n", true), &[]);
    walked.assert_not_skipped("le.py");
    named.assert_not_skipped("le.py");
}

#[test]
fn utf16_be_with_bom_is_not_binary() {
    let (walked, _) = scan_one("be.py", &utf16("import os\nx = 'é'\n", false), &[]);
    walked.assert_not_skipped("be.py");
}

#[test]
fn empty_file() {
    let (walked, named) = scan_one("empty.py", b"", &[]);
    walked.assert_not_skipped("empty.py");
    named.assert_not_skipped("empty.py");
}

#[test]
fn python_syntax_error() {
    scan_one("broken.py", b"def f(:\nx = open('a').read()\n", &[]);
}

/// `-v` says where a file failed to parse and what was still analysed: around a tree-sitter
/// error everything was (a finding below it is still reported); a Rust file syn rejects was only
/// searched for secrets.
#[test]
fn syntax_errors_are_reported_truthfully() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("broken.py"),
        "import torch\ndef f(:\n    pass\nstate = torch.load('m.pt')\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("broken.rs"),
        "fn main() {\n    let x = ;\n}\n",
    )
    .unwrap();
    let out = Command::cargo_bin("aiguard")
        .expect("binary built")
        .current_dir(dir.path())
        .args(["scan", "-v", "--isolated", "--format", "concise", "."])
        .output()
        .expect("binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("broken.py:4:9: AIG601"), "{stdout}");
    assert!(
        stderr.contains(
            "aiguard: partly analysed broken.py: syntax error (the rest of the file was analysed) (line 2)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "aiguard: partly analysed broken.rs: could not be parsed (only secrets were looked for) (line 2)"
        ),
        "{stderr}"
    );
}

#[test]
fn typescript_syntax_error() {
    scan_one(
        "broken.ts",
        b"function f(: {\nconst x: number = ;\nclass {\nexport const y = 1;\n",
        &[],
    );
}

#[test]
fn python_deep_nesting() {
    let text = format!("x = {}{}\n", "(".repeat(100_000), ")".repeat(100_000));
    scan_one("deep.py", text.as_bytes(), &[]);
}

#[test]
fn javascript_deep_nesting() {
    // Line breaks keep it from looking minified, so it is really parsed.
    let open = "[".repeat(100) + "\n";
    let close = "]".repeat(100) + "\n";
    let text = format!("const x = {}{};\n", open.repeat(1000), close.repeat(1000));
    let (walked, _) = scan_one("deep.js", text.as_bytes(), &[]);
    walked.assert_not_skipped("deep.js");
}

#[test]
fn json_deep_nesting() {
    let text = format!("{}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let (walked, _) = scan_one("deep.json", text.as_bytes(), &[]);
    walked.assert_not_skipped("deep.json");
}

#[test]
fn huge_single_line_python_is_scanned() {
    let mut text = String::from("x = [");
    while text.len() < 5_000_000 {
        text.push_str("'aaaaaaaa', ");
    }
    text.push_str("]\n");
    let (walked, _) = scan_one(
        "one_line.py",
        text.as_bytes(),
        &["--max-filesize", "10000000"],
    );
    walked.assert_not_skipped("one_line.py");
}

#[test]
fn minified_javascript_is_skipped() {
    let mut text = String::new();
    while text.len() < 5_000_000 {
        text.push_str("function a(b){return b+1};var c=a(2);");
    }
    let (walked, named) = scan_one("app.js", text.as_bytes(), &["--max-filesize", "10000000"]);
    walked.assert_skipped("app.js", "minified");
    named.assert_skipped("app.js", "minified");
}

#[test]
fn file_over_max_filesize_is_skipped() {
    let text = "x = 1\n".repeat(1000);
    let (walked, named) = scan_one("big.py", text.as_bytes(), &["--max-filesize", "1000"]);
    walked.assert_skipped("big.py", "too large");
    named.assert_skipped("big.py", "too large");
    let (walked, _) = scan_one("big.py", text.as_bytes(), &["--max-filesize", "6000"]);
    walked.assert_not_skipped("big.py");
}

#[cfg(unix)]
#[test]
fn fifo_never_blocks() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.py"), "x = 1\n").unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe.py"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    // In a walk: ignored silently, never opened.
    let walked = scan(dir.path(), &["."]).ok();
    walked.assert_not_skipped("pipe.py");
    // Named: counted as not a regular file.
    let named = scan(dir.path(), &["pipe.py", "a.py"]).ok();
    named.assert_skipped("pipe.py", "not a regular file");
    named.assert_not_skipped("a.py");
}

#[cfg(unix)]
#[test]
fn symlink_loop_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).unwrap();
    fs::write(sub.join("a.py"), "x = 1\n").unwrap();
    std::os::unix::fs::symlink("..", sub.join("up")).unwrap();
    std::os::unix::fs::symlink("self", dir.path().join("self")).unwrap();
    scan(dir.path(), &["."]).ok();
    scan(dir.path(), &["sub"]).ok();
}

#[test]
fn directory_named_like_a_python_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("x.py")).unwrap();
    fs::write(dir.path().join("x.py/inner.py"), "x = 1\n").unwrap();
    for arg in [".", "x.py"] {
        let run = scan(dir.path(), &[arg]).ok();
        run.assert_not_skipped("x.py");
        run.assert_not_skipped("x.py/inner.py");
    }
}

#[test]
fn broken_notebook_is_counted() {
    let (walked, named) = scan_one("nb.ipynb", b"{\"cells\": [ {\"cell_type\": ", &[]);
    walked.assert_skipped("nb.ipynb", "broken notebook");
    named.assert_skipped("nb.ipynb", "broken notebook");
}

#[test]
fn notebook_with_numeric_cell_source() {
    let nb = br#"{"cells": [{"cell_type": "code", "source": 42, "metadata": {}, "outputs": []},
        {"cell_type": "code", "source": ["import os\n", "x = 1\n"], "metadata": {}, "outputs": []}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"#;
    scan_one("num.ipynb", nb, &[]);
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secret.py");
    fs::write(&path, "x = 1\n").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
    // Root (CI containers) reads it anyway: then only "no panic" is checked.
    let readable = fs::read(&path).is_ok();
    let walked = scan(dir.path(), &["."]).ok();
    let named = scan(dir.path(), &["secret.py"]).ok();
    if !readable {
        walked.assert_skipped("secret.py", "unreadable");
        named.assert_skipped("secret.py", "unreadable");
    }
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn path_with_spaces_and_unicode() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("dïr with spaces");
    fs::create_dir(&sub).unwrap();
    fs::write(sub.join("ünï cødé.py"), "import os\n").unwrap();
    // A binary file, so its path shows up intact in a skip line.
    fs::write(sub.join("blöb 1.py"), b"\0\0").unwrap();
    let walked = scan(dir.path(), &["."]).ok();
    walked.assert_skipped("dïr with spaces/blöb 1.py", "binary");
    walked.assert_not_skipped("dïr with spaces/ünï cødé.py");
    let named = scan(
        dir.path(),
        &["dïr with spaces/ünï cødé.py", "./dïr with spaces/blöb 1.py"],
    )
    .ok();
    named.assert_skipped("dïr with spaces/blöb 1.py", "binary");
}

/// A source past the parse limit (a raised `--max-filesize`) is not parsed, so memory stays
/// bounded, but its text is still searched for secrets, and `-v` says so.
#[test]
fn huge_source_is_searched_for_secrets_without_parsing() {
    let key = "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";
    let mut text = format!("GROQ_API_KEY = \"{key}\"\n");
    while text.len() <= aiguard::lang::MAX_PARSE_BYTES {
        text.push_str("result = compute(alpha, beta) + transform(gamma)\n");
    }
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("generated.py"), &text).unwrap();
    let out = Command::cargo_bin("aiguard")
        .expect("binary built")
        .current_dir(dir.path())
        .args(["scan", "-v", "--isolated", "--format", "concise"])
        .args(["--max-filesize", "64MB", "generated.py"])
        .timeout(Duration::from_secs(60))
        .output()
        .expect("binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("generated.py:1:17: AIG101"), "{stdout}");
    assert!(stderr.contains("(over 8 MiB: not parsed)"), "{stderr}");
}
