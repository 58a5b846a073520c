//! The GitHub Action's scripts (scripts/action/), run as the runner runs them: inputs in
//! `INPUT_*` variables, outputs written to `$GITHUB_OUTPUT`, a summary to `$GITHUB_STEP_SUMMARY`,
//! the binary on `PATH`. So the action cannot rot unseen.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scripts/action")
        .join(name)
}

/// A directory holding the built `aiguard`, for `PATH`.
fn bin_dir() -> PathBuf {
    assert_cmd::cargo::cargo_bin("aiguard")
        .parent()
        .expect("binary directory")
        .to_path_buf()
}

struct Runner {
    dir: TempDir,
}

impl Runner {
    fn new(files: &[(&str, &str)]) -> Runner {
        let dir = TempDir::new().expect("temp dir");
        for (path, text) in files {
            let p = dir.path().join("repo").join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        std::fs::create_dir_all(dir.path().join("repo")).unwrap();
        Runner { dir }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.file(name)).unwrap_or_default()
    }

    /// Run `scan.sh` from the repository root with these inputs.
    fn scan(&self, inputs: &[(&str, &str)]) -> Output {
        let path = format!(
            "{}:{}",
            bin_dir().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut cmd = Command::new("bash");
        cmd.arg(script("scan.sh"))
            .current_dir(self.dir.path().join("repo"))
            .env("PATH", path)
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_OUTPUT", self.file("output"))
            .env("GITHUB_STEP_SUMMARY", self.file("summary"))
            .env("INPUT_SARIF_FILE", self.file("aiguard.sarif"))
            .env_remove("INPUT_ARGS")
            .env_remove("INPUT_SINCE")
            .env_remove("AIGUARD_FORMAT");
        for (k, v) in inputs {
            cmd.env(k, v);
        }
        cmd.output().expect("run scan.sh")
    }
}

const UNSAFE_LOAD: &str = "import torch\nstate = torch.load(\"model.pt\")\n";

#[test]
fn findings_are_annotated_uploaded_summarised_and_fail_only_at_the_end() {
    let r = Runner::new(&[("app.py", UNSAFE_LOAD)]);
    let out = r.scan(&[("INPUT_PATHS", "."), ("INPUT_FAIL_ON", "info")]);
    // The step itself succeeds so the SARIF upload still runs.
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("::error file=app.py,line=2"), "{stdout}");
    let outputs = r.read("output");
    assert!(outputs.contains("exit-code=1"), "{outputs}");
    assert!(outputs.contains("findings=1"), "{outputs}");
    let sarif: serde_json::Value =
        serde_json::from_str(&r.read("aiguard.sarif")).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "AIG601");
    let summary = r.read("summary");
    assert!(
        summary.contains("| AIG601 | unsafe-model-deserialization | high |"),
        "{summary}"
    );
}

#[test]
fn a_clean_tree_reports_nothing_and_passes() {
    let r = Runner::new(&[("app.py", "print('hello')\n")]);
    let out = r.scan(&[("INPUT_PATHS", ".")]);
    assert_eq!(out.status.code(), Some(0));
    assert!(r.read("output").contains("exit-code=0"));
    assert!(r.read("output").contains("findings=0"));
    assert!(r.read("summary").contains("No findings"));
}

#[test]
fn fail_on_above_the_findings_passes() {
    let r = Runner::new(&[("app.py", UNSAFE_LOAD)]);
    r.scan(&[("INPUT_PATHS", "."), ("INPUT_FAIL_ON", "critical")]);
    assert!(
        r.read("output").contains("exit-code=0"),
        "{}",
        r.read("output")
    );
    assert!(r.read("output").contains("findings=1"));
}

#[test]
fn extra_args_are_passed_and_a_usage_error_fails_the_step() {
    let r = Runner::new(&[("app.py", UNSAFE_LOAD)]);
    r.scan(&[("INPUT_PATHS", "."), ("INPUT_ARGS", "--ignore AIG601")]);
    assert!(
        r.read("output").contains("exit-code=0"),
        "{}",
        r.read("output")
    );
    let bad = Runner::new(&[("app.py", UNSAFE_LOAD)]);
    let out = bad.scan(&[("INPUT_PATHS", "."), ("INPUT_ARGS", "--no-such-flag")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(bad.read("output").contains("exit-code=2"));
}

#[test]
fn inputs_are_data_not_shell() {
    let r = Runner::new(&[("app.py", UNSAFE_LOAD)]);
    let marker = r.file("pwned");
    let evil = format!("$(touch {}) `touch {}`", marker.display(), marker.display());
    r.scan(&[("INPUT_PATHS", &evil), ("INPUT_ARGS", &evil)]);
    assert!(!marker.exists(), "an input was executed");
}

#[test]
fn finish_fails_the_job_with_the_scan_code() {
    let run = |code: Option<&str>| {
        let mut cmd = Command::new("bash");
        cmd.arg(script("finish.sh")).env_remove("CODE");
        if let Some(c) = code {
            cmd.env("CODE", c);
        }
        cmd.output().expect("run finish.sh").status.code()
    };
    assert_eq!(run(Some("0")), Some(0));
    assert_eq!(run(Some("1")), Some(1));
    // The scan step never ran (cancelled or broken): fail loudly.
    assert_eq!(run(None), Some(2));
}

#[test]
fn install_uses_a_cached_binary_and_puts_it_on_the_path() {
    let r = Runner::new(&[]);
    let bin = r.file("aiguard-bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::copy(assert_cmd::cargo::cargo_bin("aiguard"), bin.join("aiguard")).unwrap();
    let out = Command::new("bash")
        .arg(script("install.sh"))
        .env("AIGUARD_BIN_DIR", &bin)
        .env("INPUT_VERSION", "source")
        .env("GITHUB_PATH", r.file("path"))
        .output()
        .expect("run install.sh");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("aiguard "));
    assert_eq!(r.read("path").trim(), bin.display().to_string());
}

#[test]
fn scan_finds_the_installed_binary_without_path_and_fails_clearly_without_one() {
    let r = Runner::new(&[("app.py", UNSAFE_LOAD)]);
    let bin = r.file("aiguard-bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::copy(assert_cmd::cargo::cargo_bin("aiguard"), bin.join("aiguard")).unwrap();
    let run = |bin_dir: &std::path::Path| {
        Command::new("bash")
            .arg(script("scan.sh"))
            .current_dir(r.dir.path().join("repo"))
            .env("PATH", "/usr/bin:/bin")
            .env("AIGUARD_BIN_DIR", bin_dir)
            .env("GITHUB_OUTPUT", r.file("output"))
            .env("INPUT_SARIF_FILE", r.file("aiguard.sarif"))
            .env("INPUT_PATHS", ".")
            .output()
            .expect("run scan.sh")
    };
    let out = run(&bin);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(r.read("output").contains("exit-code=1"));
    let missing = run(&r.file("nowhere"));
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stdout).contains("aiguard is not installed"));
}
