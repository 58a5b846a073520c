//! Configuration: `aiguard.toml`, `.aiguard.toml` or `[tool.aiguard]` in `pyproject.toml`, the
//! nearest one to the scanned path; and rule selection (`select`, `ignore`, `extend-select`).

use crate::finding::Severity;
use crate::rules::Registry;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Settings read from a config file. Every field is optional; the CLI overrides it.
#[derive(Debug, Default, Clone)]
pub struct Config {
    /// The file it was read from.
    pub path: Option<PathBuf>,
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Vec<String>,
    /// Glob (relative to the config file's directory) -> rule selectors ignored there.
    pub per_file_ignores: Vec<(String, Vec<String>)>,
    pub fail_on: Option<Severity>,
    pub max_filesize: Option<u64>,
    /// Rule id -> severity override.
    pub severity: BTreeMap<String, Severity>,
}

/// A config problem: names the file and the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub key: Option<String>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.key {
            Some(k) => write!(f, "{}: `{k}`: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// Find the nearest config file at or above `start` and load it.
pub fn discover(_start: &Path) -> Result<Option<Config>, ConfigError> {
    Ok(None)
}

/// Load one config file (`aiguard.toml`, `.aiguard.toml` or a `pyproject.toml`).
pub fn load_file(path: &Path) -> Result<Config, ConfigError> {
    Ok(Config {
        path: Some(path.to_path_buf()),
        ..Config::default()
    })
}

/// Resolve selectors (codes, prefixes like `AIG3`, names, `ALL`) to the set of enabled rule ids.
pub fn select_rules(
    registry: &Registry,
    _select: Option<&[String]>,
    _extend_select: &[String],
    _ignore: &[String],
) -> Result<BTreeSet<&'static str>, String> {
    Ok(registry
        .rules
        .iter()
        .filter(|r| r.default_enabled)
        .map(|r| r.id)
        .collect())
}

/// The commented default written by `aiguard init`.
pub fn init_template() -> &'static str {
    "# aiguard configuration\n"
}
