//! `--since REF`: keep only findings on lines added or changed since `git merge-base HEAD REF`.
//!
//! git runs as a subprocess with arguments (no shell) from the repository's root. The working
//! tree is compared with the merge base (`git diff --unified=0 BASE`), so uncommitted edits count;
//! untracked files count as new in full. Paths in git's output are relative to the root; aiguard's
//! display paths are relative to the working directory, and are mapped before comparing.

use crate::baseline::RepoPaths;
use crate::finding::Finding;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What changed in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// New (untracked, or added since the base): every line counts.
    All,
    /// Inclusive 1-based ranges of added or changed lines.
    Lines(Vec<(u32, u32)>),
}

/// The changes since the merge base, by root-relative path.
#[derive(Debug)]
pub struct Changes {
    pub root: PathBuf,
    pub base: String,
    pub files: HashMap<String, Change>,
}

/// Runs git; a git that cannot be started is reported at once (exit 2), whatever the caller adds.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "core.quotePath=false"])
        .args(args)
        .output()
        .map_err(|e| format!("{GIT_MISSING}: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(err.trim().to_string());
    }
    String::from_utf8(out.stdout).map_err(|_| format!("git {}: output is not UTF-8", args[0]))
}

const GIT_MISSING: &str = "--since needs git, which could not be run";

/// `context` for a failed git command, or the plain message when git itself is missing.
fn explain(e: String, context: impl FnOnce(String) -> String) -> String {
    if e.starts_with(GIT_MISSING) {
        e
    } else {
        context(e)
    }
}

impl Changes {
    /// Ask git what changed since the merge base of HEAD and `reference`, in the repository
    /// holding `dir`.
    pub fn collect(dir: &Path, reference: &str) -> Result<Changes, String> {
        if reference.starts_with('-') {
            return Err(format!("--since: {reference:?} is not a git revision"));
        }
        let root = git(dir, &["rev-parse", "--show-toplevel"]).map_err(|e| {
            explain(e, |e| {
                format!(
                    "--since: {} is not in a git repository ({e})",
                    dir.display()
                )
            })
        })?;
        let root = PathBuf::from(root.trim_end_matches(['\n', '\r']));
        // `--verify` + `^{commit}`: an unknown REF fails here with a clear message.
        let commit = format!("{reference}^{{commit}}");
        git(&root, &["rev-parse", "--verify", "--quiet", &commit])
            .map_err(|_| format!("--since: unknown git revision {reference:?}"))?;
        let base = git(&root, &["merge-base", "HEAD", reference])
            .map_err(|e| format!("--since: no merge base of HEAD and {reference:?}: {e}"))?;
        let base = base.trim().to_string();
        let diff = git(
            &root,
            &[
                "diff",
                "--unified=0",
                "--no-color",
                "--no-ext-diff",
                "--no-textconv",
                "--find-renames",
                "--src-prefix=a/",
                "--dst-prefix=b/",
                &base,
                "--",
            ],
        )
        .map_err(|e| format!("--since: git diff failed: {e}"))?;
        let mut files = parse_diff(&diff);
        let untracked = git(&root, &["ls-files", "--others", "--exclude-standard", "-z"])
            .map_err(|e| format!("--since: git ls-files failed: {e}"))?;
        for path in untracked.split('\0').filter(|p| !p.is_empty()) {
            files.insert(path.to_string(), Change::All);
        }
        Ok(Changes { root, base, files })
    }

    /// Whether the finding's primary line was added or changed.
    pub fn touches(&self, f: &Finding, paths: &RepoPaths) -> bool {
        let path = paths.to_root(&f.location.path);
        match self.files.get(&path) {
            None => false,
            Some(Change::All) => true,
            Some(Change::Lines(ranges)) => ranges
                .iter()
                .any(|&(a, b)| a <= f.location.line && f.location.line <= b),
        }
    }

    /// The mapping from display paths to the paths in git's output. The working directory is
    /// canonicalised, as git reports the root with symlinks resolved.
    pub fn repo_paths(&self) -> RepoPaths {
        let cwd = std::env::current_dir().unwrap_or_default();
        RepoPaths {
            cwd: std::fs::canonicalize(&cwd).unwrap_or(cwd),
            root: std::fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone()),
        }
    }
}

/// Added-line ranges per new path from `git diff --unified=0` output.
pub fn parse_diff(diff: &str) -> HashMap<String, Change> {
    let mut files: HashMap<String, Change> = HashMap::new();
    let mut current: Option<String> = None;
    let mut new_file = false;
    for line in diff.lines() {
        if line.starts_with("diff --git ") {
            current = None;
            new_file = false;
        } else if line.starts_with("new file mode") {
            new_file = true;
        } else if let Some(rest) = line.strip_prefix("+++ ") {
            current = match rest.trim_end() {
                "/dev/null" => None,
                p => {
                    let p = unquote(p);
                    p.strip_prefix("b/").map(str::to_string)
                }
            };
            if let Some(p) = &current {
                let change = if new_file {
                    Change::All
                } else {
                    Change::Lines(Vec::new())
                };
                files.insert(p.clone(), change);
            }
        } else if let Some(rest) = line.strip_prefix("@@ ") {
            let Some(path) = &current else { continue };
            let Some((start, count)) = new_range(rest) else {
                continue;
            };
            if count == 0 {
                continue;
            }
            if let Some(Change::Lines(ranges)) = files.get_mut(path) {
                ranges.push((start, start + count - 1));
            }
        }
    }
    files
}

/// `+c,d` of a hunk header (`-a,b +c,d @@ ...`); `d` defaults to 1.
fn new_range(header: &str) -> Option<(u32, u32)> {
    let plus = header.split_whitespace().find(|w| w.starts_with('+'))?;
    let plus = plus.trim_start_matches('+');
    let (start, count) = match plus.split_once(',') {
        Some((s, c)) => (s.parse().ok()?, c.parse().ok()?),
        None => (plus.parse().ok()?, 1),
    };
    Some((start, count))
}

/// A path as git prints it: C-quoted (`"b/a\tb.py"`) when it holds unusual characters.
fn unquote(p: &str) -> String {
    let Some(inner) = p.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
        return p.to_string();
    };
    let mut bytes = Vec::new();
    let mut it = inner.bytes().peekable();
    while let Some(b) = it.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match it.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(b'r') => bytes.push(b'\r'),
            Some(b'a') => bytes.push(7),
            Some(b'b') => bytes.push(8),
            Some(b'f') => bytes.push(12),
            Some(b'v') => bytes.push(11),
            Some(d @ b'0'..=b'7') => {
                let mut v = u32::from(d - b'0');
                for _ in 0..2 {
                    match it.peek() {
                        Some(&o @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(o - b'0');
                            it.next();
                        }
                        _ => break,
                    }
                }
                bytes.push(v as u8);
            }
            Some(other) => bytes.push(other),
            None => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_give_added_lines() {
        let diff = "diff --git a/app.py b/app.py\nindex 1..2 100644\n--- a/app.py\n+++ b/app.py\n\
@@ -3,0 +4,2 @@ def f():\n+x\n+y\n@@ -10 +12 @@\n-a\n+b\n@@ -20,3 +21,0 @@\n-c\n\
diff --git a/new.py b/new.py\nnew file mode 100644\n--- /dev/null\n+++ b/new.py\n@@ -0,0 +1,3 @@\n\
diff --git a/gone.py b/gone.py\ndeleted file mode 100644\n--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n\
diff --git \"a/t\\tb.py\" \"b/t\\tb.py\"\n--- \"a/t\\tb.py\"\n+++ \"b/t\\tb.py\"\n@@ -1 +1 @@\n";
        let files = parse_diff(diff);
        assert_eq!(files["app.py"], Change::Lines(vec![(4, 5), (12, 12)]));
        assert_eq!(files["new.py"], Change::All);
        assert!(!files.contains_key("gone.py"));
        assert_eq!(files["t\tb.py"], Change::Lines(vec![(1, 1)]));
    }

    #[test]
    fn quoted_paths() {
        assert_eq!(unquote("\"b/caf\\303\\251.py\""), "b/café.py");
        assert_eq!(unquote("b/plain.py"), "b/plain.py");
    }
}
