//! Which files to scan, in which language, and which are skipped and why.

use crate::finding::Skipped;
use crate::source::Source;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub paths: Vec<PathBuf>,
    /// Gitignore-style globs excluded in addition to the defaults.
    pub exclude: Vec<String>,
    /// Apply excludes to paths named on the command line too.
    pub force_exclude: bool,
    pub max_filesize: u64,
    pub threads: usize,
    /// Honour `.gitignore`, `.ignore`, `.aiguardignore`.
    pub respect_ignore_files: bool,
}

/// A file the walk found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub path: PathBuf,
    /// Path as reported: relative to the working directory where possible, `/` separators.
    pub display: String,
    /// Named on the command line.
    pub explicit: bool,
}

/// Walk the paths. Returns candidates and files skipped during the walk, both sorted by path.
pub fn walk(_opts: &WalkOptions) -> (Vec<Candidate>, Vec<Skipped>) {
    (Vec::new(), Vec::new())
}

/// What reading a candidate gave: a source to analyse and/or a note on why it was skipped or
/// analysed only in part.
#[derive(Debug, Default)]
pub struct Loaded {
    pub source: Option<Source>,
    pub note: Option<Skipped>,
}

/// Read, decode and classify one file (binary, too large, minified, notebook extraction).
pub fn load(_candidate: &Candidate, _max_filesize: u64) -> Loaded {
    Loaded::default()
}
