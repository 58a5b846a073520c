//! Helpers shared by the integration tests.

// Each test binary compiles this module and uses only some of it.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::Path;
use tempfile::TempDir;

/// A temporary directory holding `files` (relative path, contents).
pub fn project(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

/// The binary, with the environment that would change its output cleared.
pub fn aiguard() -> Command {
    let mut cmd = Command::cargo_bin("aiguard").expect("binary");
    cmd.env_remove("AIGUARD_FORMAT").env("NO_COLOR", "1");
    cmd
}

/// Run the binary in `dir`: (exit code, stdout, stderr).
pub fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = aiguard().current_dir(dir).args(args).output().expect("run");
    (
        out.status.code().expect("exit code, not a signal"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The library's scan of `dir` with `registry`, on one thread, for the rules in `enabled`.
pub fn scan_dir(
    dir: &Path,
    registry: &aiguard::spec::registry::Registry,
    enabled: impl IntoIterator<Item = &'static str>,
) -> Vec<aiguard::finding::Finding> {
    let opts = aiguard::scan::ScanOptions {
        walk: Some(aiguard::discover::WalkOptions {
            paths: vec![dir.to_path_buf()],
            exclude: Vec::new(),
            force_exclude: false,
            max_filesize: 1 << 20,
            threads: 1,
            respect_ignore_files: false,
        }),
        enabled: enabled.into_iter().collect(),
        threads: 1,
        ..aiguard::scan::ScanOptions::default()
    };
    aiguard::scan::scan(&opts, registry).findings
}
