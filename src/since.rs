//! `--since REF`: keep only findings on lines added or changed since `git merge-base HEAD REF`.
//!
//! aiguard never runs what it scans, and a repository's own settings can make git run commands:
//! `core.fsmonitor` on any command that looks at the working tree, clean filters and textconv
//! drivers named in `.gitattributes`, external diff programs, pagers, hooks. So git is asked only
//! what it answers from its object store, with the settings that run programs switched off on the
//! command line (see [`git`]): the root (`rev-parse`), the merge base (`merge-base`), the base
//! commit's files (`ls-tree`), its committed renames (`diff --name-status` between two commits) and
//! the old contents of the files that have findings (`cat-file --batch`, which applies no filter).
//! The working tree is then read and compared with those contents here, so uncommitted edits count;
//! a file the base does not hold (untracked, or added since) counts as new in full. Paths are
//! relative to the root; aiguard's display paths are relative to the working directory, and are
//! mapped before comparing.

use crate::finding::Finding;
use crate::finding::RepoPaths;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    /// The base commit's files: root-relative path -> blob id.
    base_blobs: HashMap<String, String>,
    /// Renames committed since the base: new path -> old path.
    renamed_from: HashMap<String, String>,
    /// What changed, for the files [`Changes::compare`] was asked about.
    pub files: HashMap<String, Change>,
}

/// Settings that would let the repository run a program, each switched off. `-c` on the command
/// line overrides the repository's own config.
const NO_PROGRAMS: &[&str] = &[
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.sshCommand=false",
    "core.askPass=",
    "core.editor=false",
    "core.quotePath=false",
    "credential.helper=",
    "diff.external=",
    "protocol.allow=never",
    "sequence.editor=false",
    "gpg.program=false",
];

/// Runs git with arguments (no shell), [`NO_PROGRAMS`] and no pager, prompt or optional lock; a
/// git that cannot be started is reported at once (exit 2), whatever the caller adds.
fn git_command(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("--no-pager").arg("-C").arg(dir);
    for setting in NO_PROGRAMS {
        cmd.args(["-c", setting]);
    }
    // Environment a parent process may have set that names programs or other repositories.
    for var in [
        "GIT_EXTERNAL_DIFF",
        "GIT_PAGER",
        "GIT_ASKPASS",
        "GIT_SSH",
        "GIT_SSH_COMMAND",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_PAGER", "cat");
    cmd
}

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = git_command(dir)
        .args(args)
        .stdin(Stdio::null())
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

/// How long one file's line comparison may take before it settles for a coarser answer (more
/// lines counted as changed, never fewer).
const DIFF_DEADLINE: Duration = Duration::from_millis(500);

impl Changes {
    /// Ask git for the merge base of HEAD and `reference`, in the repository holding `dir`, and
    /// for what the base holds.
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
        let tree = git(&root, &["ls-tree", "-r", "-z", "--full-tree", &base])
            .map_err(|e| format!("--since: git ls-tree failed: {e}"))?;
        let renames = git(
            &root,
            &[
                "diff",
                "--name-status",
                "-z",
                "--no-ext-diff",
                "--no-textconv",
                "--find-renames",
                &base,
                "HEAD",
                "--",
            ],
        )
        .map_err(|e| format!("--since: git diff failed: {e}"))?;
        Ok(Changes {
            root,
            base,
            base_blobs: parse_ls_tree(&tree),
            renamed_from: parse_renames(&renames),
            files: HashMap::new(),
        })
    }

    /// Compare the working tree's copies of `paths` (root-relative) with the base.
    pub fn compare<'a>(&mut self, paths: impl IntoIterator<Item = &'a str>) -> Result<(), String> {
        let mut wanted: Vec<(String, String)> = Vec::new();
        for path in paths {
            if self.files.contains_key(path) || wanted.iter().any(|(p, _)| p == path) {
                continue;
            }
            let old = self.renamed_from.get(path).map_or(path, String::as_str);
            match self.base_blobs.get(old) {
                Some(blob) => wanted.push((path.to_string(), blob.clone())),
                None => {
                    self.files.insert(path.to_string(), Change::All);
                }
            }
        }
        if wanted.is_empty() {
            return Ok(());
        }
        let blobs: Vec<&str> = wanted.iter().map(|(_, b)| b.as_str()).collect();
        let old = read_blobs(&self.root, &blobs)
            .map_err(|e| format!("--since: git cat-file failed: {e}"))?;
        for ((path, _), old) in wanted.into_iter().zip(old) {
            let new = std::fs::read(self.root.join(&path)).unwrap_or_default();
            let change = changed_lines(
                &String::from_utf8_lossy(&old),
                &String::from_utf8_lossy(&new),
            );
            self.files.insert(path, change);
        }
        Ok(())
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

/// The contents of `blobs`, in order, from one `git cat-file --batch` (no filters, no textconv).
fn read_blobs(root: &Path, blobs: &[&str]) -> Result<Vec<Vec<u8>>, String> {
    let mut child = git_command(root)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{GIT_MISSING}: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let request: String = blobs.iter().map(|b| format!("{b}\n")).collect();
    // Written from a thread: git answers while it reads, and both pipes can fill.
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let mut out = BufReader::new(child.stdout.take().ok_or("no stdout")?);
    let mut contents = Vec::with_capacity(blobs.len());
    for _ in blobs {
        let mut header = String::new();
        out.read_line(&mut header).map_err(|e| e.to_string())?;
        // `<oid> blob <size>`, or `<oid> missing`.
        let size = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse::<usize>().ok());
        let Some(size) = size else {
            contents.push(Vec::new());
            continue;
        };
        let mut body = vec![0; size + 1];
        out.read_exact(&mut body).map_err(|e| e.to_string())?;
        body.truncate(size);
        contents.push(body);
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(contents)
}

/// `<mode> <type> <oid>\t<path>` records, NUL-terminated: blobs by path.
fn parse_ls_tree(out: &str) -> HashMap<String, String> {
    out.split('\0')
        .filter_map(|rec| {
            let (meta, path) = rec.split_once('\t')?;
            let mut it = meta.split(' ');
            let (_, kind, oid) = (it.next()?, it.next()?, it.next()?);
            (kind == "blob").then(|| (path.to_string(), oid.to_string()))
        })
        .collect()
}

/// `diff --name-status -z` output: `R<score>\0old\0new\0` records give new path -> old path.
fn parse_renames(out: &str) -> HashMap<String, String> {
    let mut renames = HashMap::new();
    let mut fields = out.split('\0');
    while let Some(status) = fields.next() {
        if status.is_empty() {
            continue;
        }
        if status.starts_with('R') || status.starts_with('C') {
            if let (Some(old), Some(new)) = (fields.next(), fields.next()) {
                if status.starts_with('R') {
                    renames.insert(new.to_string(), old.to_string());
                }
            }
        } else {
            fields.next();
        }
    }
    renames
}

/// The lines of `new` that are not in `old`, as 1-based inclusive ranges. Line ends are
/// compared without `\r`, so a checkout's line-ending conversion changes nothing.
pub fn changed_lines(old: &str, new: &str) -> Change {
    let split = |t: &str| -> Vec<String> {
        t.lines()
            .map(|l| l.trim_end_matches('\r').to_string())
            .collect()
    };
    let (a, b) = (split(old), split(new));
    let ops = similar::capture_diff_slices_deadline(
        similar::Algorithm::Myers,
        &a,
        &b,
        Some(Instant::now() + DIFF_DEADLINE),
    );
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for op in ops {
        let (start, len) = match op {
            similar::DiffOp::Insert {
                new_index, new_len, ..
            }
            | similar::DiffOp::Replace {
                new_index, new_len, ..
            } => (new_index, new_len),
            _ => continue,
        };
        if len > 0 {
            ranges.push((start as u32 + 1, (start + len) as u32));
        }
    }
    Change::Lines(ranges)
}

#[cfg(test)]
mod tests;
