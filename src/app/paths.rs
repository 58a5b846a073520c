//! Paths as the user named them: how they relate to the working directory and the repository.

use std::path::{Path, PathBuf};

/// What went wrong, as `ls` says it: `permission denied`, `not a directory`, without Rust's
/// `(os error N)`.
pub(super) fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text);
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "cannot be read".into(),
    }
}

pub(super) fn relative_to_cwd(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let rel = abs.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(abs);
    rel.to_string_lossy()
        .replace('\\', "/")
        .trim_start_matches("./")
        .to_string()
}

/// The root SARIF URIs and fingerprints are relative to (`%SRCROOT%`): the repository holding
/// what is scanned (the nearest ancestor with `.git`), else the working directory when the path is
/// inside it, else the scanned directory itself. Several
/// paths in different places share their closest common ancestor. So a scan of a tree outside the
/// working directory still gives relative URIs and the same fingerprints from anywhere.
pub(super) fn scan_root(cwd: &Path, paths: &[PathBuf], stdin_filename: Option<&Path>) -> PathBuf {
    let named: Vec<&Path> = paths
        .iter()
        .map(PathBuf::as_path)
        .filter(|p| p.as_os_str() != "-")
        .chain(stdin_filename)
        .collect();
    let named = if named.is_empty() {
        vec![Path::new(".")]
    } else {
        named
    };
    let roots: Vec<PathBuf> = named
        .iter()
        .map(|p| {
            let abs = lexical(&cwd.join(p));
            let dir = if abs.is_dir() {
                abs
            } else {
                abs.parent().map_or(abs.clone(), Path::to_path_buf)
            };
            let outside = if dir.starts_with(cwd) { cwd } else { &dir };
            dir.ancestors()
                .find(|d| d.join(".git").exists())
                .unwrap_or(outside)
                .to_path_buf()
        })
        .collect();
    let mut common = roots[0].clone();
    for r in &roots[1..] {
        while !r.starts_with(&common) {
            if !common.pop() {
                break;
            }
        }
    }
    common
}

/// `.` and `..` resolved without touching the file system.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
