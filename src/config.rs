//! Configuration: `aiguard.toml`, `.aiguard.toml` or `[tool.aiguard]` in `pyproject.toml`, the
//! nearest one to the scanned path; and rule selection (`select`, `ignore`, `extend-select`).
//!
//! The file is parsed to a `toml::Table` and validated by hand, so every error can name the file,
//! the key path (`tool.aiguard.select`) and what was expected.

use crate::finding::{Confidence, Severity};
use crate::spec::registry::Registry;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use toml::{Table, Value};

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
    /// `fail-on = "never"`: findings never make the exit code 1 (`fail_on` is then `None`).
    pub fail_never: bool,
    pub max_filesize: Option<u64>,
    /// Rule id -> severity override (names in the file are resolved to ids).
    pub severity: BTreeMap<String, Severity>,
    /// `baseline = "path"`: the baseline file, resolved against the config file's directory.
    pub baseline: Option<PathBuf>,
    /// `include-tests = true`: report the findings in tests, examples, benchmarks, docs and
    /// scripts too.
    pub include_tests: bool,
    /// `min-confidence = "low"`: the confidence floor of the report (`--min-confidence`).
    pub min_confidence: Option<Confidence>,
    /// `cache = false`: no result cache (`--no-cache`).
    pub no_cache: bool,
    /// `cache-dir = "path"`: the result cache's directory, resolved against the config file's
    /// directory (`--cache-dir`).
    pub cache_dir: Option<PathBuf>,
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

/// File names tried in each directory, in order; `pyproject.toml` counts only with `[tool.aiguard]`.
const CONFIG_FILES: [&str; 2] = ["aiguard.toml", ".aiguard.toml"];
const PYPROJECT: &str = "pyproject.toml";

/// One key of a config table, as the configuration reference documents it.
pub struct KeySpec {
    pub key: &'static str,
    /// What the value may be.
    pub kind: &'static str,
    pub default: &'static str,
    pub meaning: &'static str,
}

/// Every key a config table may hold: the parser, the `aiguard init` template and the reference
/// in docs/configuration.md (generated from this, see `docs::config_keys`) follow it.
pub const SCHEMA: [KeySpec; 14] = [
    KeySpec {
        key: "select",
        kind: "list of selectors",
        default: "every rule that is on by default",
        meaning: "The rules to run. Replaces the default set.",
    },
    KeySpec {
        key: "extend-select",
        kind: "list of selectors",
        default: "`[]`",
        meaning: "Rules to run in addition to `select`.",
    },
    KeySpec {
        key: "ignore",
        kind: "list of selectors",
        default: "`[]`",
        meaning: "Rules never to run. Always wins over `select` and `extend-select`.",
    },
    KeySpec {
        key: "exclude",
        kind: "list of globs",
        default: "`[]`",
        meaning: "Gitignore-style globs of paths not to scan, on top of `.gitignore`, `.ignore`, `.aiguardignore` and the built-in skips (binary, minified and oversized files).",
    },
    KeySpec {
        key: "extend-exclude",
        kind: "list of globs",
        default: "`[]`",
        meaning: "More globs, added to `exclude` (useful to keep a shared `exclude` list and add to it).",
    },
    KeySpec {
        key: "per-file-ignores",
        kind: "table: glob = list of selectors",
        default: "`{}`",
        meaning: "Rules not run on the files a glob matches.",
    },
    KeySpec {
        key: "fail-on",
        kind: "`info`, `low`, `medium`, `high`, `critical` or `never`",
        default: "`info`",
        meaning: "The lowest severity that makes `aiguard scan` exit with 1. `never`: findings never fail the run (like `--exit-zero`).",
    },
    KeySpec {
        key: "max-filesize",
        kind: "integer (bytes) or string with a unit",
        default: "`1048576` (1 MiB)",
        meaning: "Files larger than this are skipped and counted as such.",
    },
    KeySpec {
        key: "baseline",
        kind: "string (path)",
        default: "none",
        meaning: "A baseline written by `aiguard scan --write-baseline FILE`, relative to the config file's directory: the findings it records are not reported. `--baseline FILE` overrides it; see [baselines.md](baselines.md).",
    },
    KeySpec {
        key: "include-tests",
        kind: "bool",
        default: "`false`",
        meaning: "Also report findings in tests, examples, benchmarks, docs and developer scripts (`--include-tests`). By default they are left out and counted in the summary, except keys in a provider's own format; see [file roles](configuration.md#file-roles).",
    },
    KeySpec {
        key: "min-confidence",
        kind: "string",
        default: "`\"medium\"`",
        meaning: "Report findings of at least this confidence: `low`, `medium` or `high` (`--min-confidence`). Findings below it are counted in the summary; see [confidence](configuration.md#confidence).",
    },
    KeySpec {
        key: "severity",
        kind: "table: rule = severity",
        default: "`{}`",
        meaning: "Changes a rule's severity. Keys are rule codes (`AIG601`) or names (`trust-remote-code`); values are `info`, `low`, `medium`, `high` or `critical`.",
    },
    KeySpec {
        key: "cache",
        kind: "bool",
        default: "`true`",
        meaning: "Keep each file's results in the result cache and reuse them while nothing they depend on changed (`false` is `--no-cache`); see [the result cache](configuration.md#the-result-cache).",
    },
    KeySpec {
        key: "cache-dir",
        kind: "string (path)",
        default: "`.aiguard_cache` in the scanned repository's root",
        meaning: "The result cache's directory, relative to the config file's directory (`--cache-dir`, `AIGUARD_CACHE_DIR`).",
    },
];

/// The keys of [`SCHEMA`].
pub fn keys() -> Vec<&'static str> {
    SCHEMA.iter().map(|k| k.key).collect()
}

/// Find the nearest config file at or above `start` (a file counts as its directory) and load it.
/// In each directory `aiguard.toml` beats `.aiguard.toml`, which beats a `pyproject.toml` with a
/// `[tool.aiguard]` table; a `pyproject.toml` without one is passed over.
pub fn discover(start: &Path) -> Result<Option<Config>, ConfigError> {
    let abs = std::fs::canonicalize(start)
        .or_else(|_| std::path::absolute(start))
        .unwrap_or_else(|_| start.to_path_buf());
    let dir = if abs.is_file() {
        abs.parent().unwrap_or(&abs)
    } else {
        &abs
    };
    let registry = Registry::builtin();
    for d in dir.ancestors() {
        for name in CONFIG_FILES {
            let p = d.join(name);
            if p.is_file() {
                return load_file_with(&p, registry).map(Some);
            }
        }
        let p = d.join(PYPROJECT);
        if p.is_file() {
            let text = read(&p)?;
            // Most pyproject files never mention aiguard: don't parse (or fail on) those.
            if !text.contains("aiguard") {
                continue;
            }
            if let Some(cfg) = load_text(&p, &text, registry)? {
                return Ok(Some(cfg));
            }
        }
    }
    Ok(None)
}

/// Load one config file (`aiguard.toml`, `.aiguard.toml` or a `pyproject.toml`), validating rule
/// selectors against the built-in rules.
pub fn load_file(path: &Path) -> Result<Config, ConfigError> {
    load_file_with(path, Registry::builtin())
}

/// [`load_file`] against a given registry. A `pyproject.toml` without `[tool.aiguard]` gives an
/// empty config.
pub fn load_file_with(path: &Path, registry: &Registry) -> Result<Config, ConfigError> {
    let text = read(path)?;
    Ok(load_text(path, &text, registry)?.unwrap_or_else(|| Config {
        path: Some(path.to_path_buf()),
        ..Config::default()
    }))
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: path.to_path_buf(),
        key: None,
        message: format!("cannot read config file: {e}"),
    })
}

/// `None` for a `pyproject.toml` without `[tool.aiguard]`.
fn load_text(path: &Path, text: &str, registry: &Registry) -> Result<Option<Config>, ConfigError> {
    let table: Table = text.parse().map_err(|e: toml::de::Error| {
        let at = match e.span() {
            Some(span) => {
                let (line, col) = crate::source::LineIndex::new(text).line_col(text, span.start);
                format!(" at line {line}, column {col}")
            }
            None => String::new(),
        };
        ConfigError {
            file: path.to_path_buf(),
            key: None,
            message: format!("invalid TOML{at}: {}", e.message().trim()),
        }
    })?;
    let ctx = Ctx {
        file: path,
        registry,
        prefix: "",
    };
    let is_pyproject = path.file_name().is_some_and(|n| n == PYPROJECT);
    if !is_pyproject {
        return ctx.config(&table).map(Some);
    }
    let Some(tool) = table.get("tool").and_then(Value::as_table) else {
        return Ok(None);
    };
    match tool.get("aiguard") {
        None => Ok(None),
        Some(Value::Table(t)) => Ctx {
            prefix: "tool.aiguard.",
            ..ctx
        }
        .config(t)
        .map(Some),
        Some(v) => Err(ctx.err(
            "tool.aiguard",
            format!("expected a table, found {}", type_name(v)),
        )),
    }
}

/// Where values come from, for error messages.
struct Ctx<'a> {
    file: &'a Path,
    registry: &'a Registry,
    /// `tool.aiguard.` in a pyproject.toml, empty otherwise.
    prefix: &'static str,
}

impl Ctx<'_> {
    fn err(&self, key: &str, message: String) -> ConfigError {
        ConfigError {
            file: self.file.to_path_buf(),
            key: Some(format!("{}{key}", self.prefix)),
            message,
        }
    }

    fn config(&self, table: &Table) -> Result<Config, ConfigError> {
        let mut cfg = Config {
            path: Some(self.file.to_path_buf()),
            ..Config::default()
        };
        for (key, value) in table {
            match key.as_str() {
                "select" => cfg.select = Some(self.selectors(key, value)?),
                "extend-select" => cfg.extend_select = self.selectors(key, value)?,
                "ignore" => cfg.ignore = self.selectors(key, value)?,
                "exclude" => cfg.exclude = Some(self.strings(key, value)?),
                "extend-exclude" => cfg.extend_exclude = self.strings(key, value)?,
                "per-file-ignores" => cfg.per_file_ignores = self.per_file_ignores(key, value)?,
                "fail-on" => {
                    let s = self.string(key, value)?;
                    if s.trim().eq_ignore_ascii_case("never") {
                        cfg.fail_never = true;
                    } else {
                        cfg.fail_on = Some(Severity::parse(s).ok_or_else(|| {
                            self.err(
                                key,
                                format!(
                                    "invalid value {s:?}: expected one of info, low, medium, \
                                     high, critical, never"
                                ),
                            )
                        })?);
                    }
                }
                "max-filesize" => cfg.max_filesize = Some(self.size(key, value)?),
                "min-confidence" => {
                    let level = value.as_str().and_then(|s| match s {
                        "low" => Some(Confidence::Low),
                        "medium" => Some(Confidence::Medium),
                        "high" => Some(Confidence::High),
                        _ => None,
                    });
                    cfg.min_confidence = Some(level.ok_or_else(|| {
                        self.err(
                            key,
                            format!("expected \"low\", \"medium\" or \"high\", found {value}"),
                        )
                    })?);
                }
                "include-tests" => {
                    cfg.include_tests = value.as_bool().ok_or_else(|| {
                        self.err(
                            key,
                            format!("expected true or false, found {}", type_name(value)),
                        )
                    })?;
                }
                "severity" => cfg.severity = self.severities(key, value)?,
                "cache" => {
                    let on = value.as_bool().ok_or_else(|| {
                        self.err(
                            key,
                            format!("expected true or false, found {}", type_name(value)),
                        )
                    })?;
                    cfg.no_cache = !on;
                }
                "cache-dir" => {
                    let s = self.string(key, value)?;
                    if s.trim().is_empty() {
                        return Err(self.err(key, "expected a directory, found \"\"".into()));
                    }
                    let dir = self.file.parent().unwrap_or(Path::new("."));
                    cfg.cache_dir = Some(dir.join(s));
                }
                "baseline" => {
                    let s = self.string(key, value)?;
                    if s.trim().is_empty() {
                        return Err(self.err(key, "expected a file path, found \"\"".into()));
                    }
                    let dir = self.file.parent().unwrap_or(Path::new("."));
                    cfg.baseline = Some(dir.join(s));
                }
                _ => return Err(self.err(key, unknown_key_message(key, self.prefix.is_empty()))),
            }
        }
        Ok(cfg)
    }

    fn string<'v>(&self, key: &str, value: &'v Value) -> Result<&'v str, ConfigError> {
        value.as_str().ok_or_else(|| {
            self.err(
                key,
                format!("expected a string, found {}", type_name(value)),
            )
        })
    }

    fn strings(&self, key: &str, value: &Value) -> Result<Vec<String>, ConfigError> {
        let expected = || {
            self.err(
                key,
                format!(
                    "expected a list of strings (like [\"AIG601\"]), found {}",
                    type_name(value)
                ),
            )
        };
        let items = value.as_array().ok_or_else(expected)?;
        items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_str().map(str::to_string).ok_or_else(|| {
                    self.err(
                        &format!("{key}[{i}]"),
                        format!("expected a string, found {}", type_name(v)),
                    )
                })
            })
            .collect()
    }

    fn selectors(&self, key: &str, value: &Value) -> Result<Vec<String>, ConfigError> {
        let list = self.strings(key, value)?;
        for s in &list {
            matching(self.registry, s, false).map_err(|m| self.err(key, m))?;
        }
        Ok(list)
    }

    fn per_file_ignores(
        &self,
        key: &str,
        value: &Value,
    ) -> Result<Vec<(String, Vec<String>)>, ConfigError> {
        let table = value.as_table().ok_or_else(|| {
            self.err(
                key,
                format!(
                    "expected a table of glob = [rules], found {}",
                    type_name(value)
                ),
            )
        })?;
        let mut out = Vec::with_capacity(table.len());
        for (glob, rules) in table {
            let sub = format!("{key}.{}", quote_key(glob));
            if let Err(e) = globset::Glob::new(glob.trim_start_matches("./")) {
                return Err(self.err(&sub, format!("invalid glob {glob:?}: {}", e.kind())));
            }
            out.push((glob.clone(), self.selectors(&sub, rules)?));
        }
        Ok(out)
    }

    fn size(&self, key: &str, value: &Value) -> Result<u64, ConfigError> {
        match value {
            Value::Integer(n) => u64::try_from(*n)
                .map_err(|_| self.err(key, format!("expected a size in bytes, found {n}"))),
            Value::String(s) => parse_size(s).map_err(|m| self.err(key, m)),
            v => Err(self.err(
                key,
                format!(
                    "expected a number of bytes or a size like \"2MB\", found {}",
                    type_name(v)
                ),
            )),
        }
    }

    fn severities(
        &self,
        key: &str,
        value: &Value,
    ) -> Result<BTreeMap<String, Severity>, ConfigError> {
        let table = value.as_table().ok_or_else(|| {
            self.err(
                key,
                format!(
                    "expected a table of rule = \"severity\", found {}",
                    type_name(value)
                ),
            )
        })?;
        let mut out = BTreeMap::new();
        for (rule, sev) in table {
            let sub = format!("{key}.{}", quote_key(rule));
            let meta = self.registry.lookup(rule).ok_or_else(|| {
                self.err(
                    &sub,
                    format!(
                        "unknown rule {rule:?} (use a rule code like \"AIG601\" or a rule name)"
                    ),
                )
            })?;
            let s = self.string(&sub, sev)?;
            let sev = Severity::parse(s).ok_or_else(|| {
                self.err(
                    &sub,
                    format!(
                        "invalid severity {s:?}: expected one of info, low, medium, high, critical"
                    ),
                )
            })?;
            if out.insert(meta.id.to_string(), sev).is_some() {
                return Err(self.err(
                    &sub,
                    format!(
                        "the severity of {} is set twice (by code and by name)",
                        meta.id
                    ),
                ));
            }
        }
        Ok(out)
    }
}

fn unknown_key_message(key: &str, top_level_file: bool) -> String {
    if key == "tool" && top_level_file {
        return "unknown key \"tool\" (in aiguard.toml the settings go at the top level, \
                without [tool.aiguard])"
            .into();
    }
    match closest(key, &keys()) {
        Some(k) => format!("unknown key {key:?} (did you mean {k:?}?)"),
        None => format!("unknown key {key:?} (known keys: {})", keys().join(", ")),
    }
}

/// The known key nearest to a misspelt one, if it is close enough to be a typo.
fn closest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let key = key.to_ascii_lowercase().replace('_', "-");
    known
        .iter()
        .map(|k| (edit_distance(&key, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date-time",
        Value::Array(_) => "a list",
        Value::Table(_) => "a table",
    }
}

/// A key as written in a TOML path: bare when it can be, quoted otherwise.
fn quote_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if bare {
        key.to_string()
    } else {
        format!("{key:?}")
    }
}

/// A size: plain bytes (`"1048576"`) or a number with a unit. Units are binary whatever their
/// spelling (`K`, `KB`, `KiB` = 1024; `M`, `MB`, `MiB` = 1024²; `G`, `GB`, `GiB` = 1024³), as in
/// ripgrep's `--max-filesize`; `B` is bytes.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let (num, unit) = t.split_at(digits);
    let bad = || {
        format!("invalid size {s:?}: expected bytes or a number with a unit (KB, MB, GB, KiB, MiB, GiB)")
    };
    let n: u64 = num.parse().map_err(|_| bad())?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(bad()),
    };
    n.checked_mul(1u64 << shift)
        .ok_or_else(|| format!("size {s:?} is too large"))
}

/// The rules one selector names. A code or name names that rule; `ALL` every rule; a prefix
/// (`AIG6`) the rules whose code starts with it. With `enabling`, a prefix names only the rules
/// that are on by default, so `AIG` never turns on the off-by-default ones; `ALL` and exact codes
/// or names do.
fn matching(
    registry: &Registry,
    selector: &str,
    enabling: bool,
) -> Result<Vec<&'static str>, String> {
    let s = selector.trim();
    if s.is_empty() {
        return Err("empty rule selector".into());
    }
    if s.eq_ignore_ascii_case("ALL") {
        return Ok(registry.rules.iter().map(|r| r.id).collect());
    }
    if let Some(r) = registry.lookup(s) {
        return Ok(vec![r.id]);
    }
    let under: Vec<_> = registry
        .rules
        .iter()
        .filter(|r| {
            r.id.get(..s.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(s))
        })
        .collect();
    if under.is_empty() {
        return Err(format!(
            "unknown rule selector {selector:?} (expected a rule code like AIG601, a code prefix \
             like AIG6, a rule name, or ALL)"
        ));
    }
    Ok(under
        .into_iter()
        .filter(|r| !enabling || r.default_enabled)
        .map(|r| r.id)
        .collect())
}

/// Resolve selectors (codes, prefixes like `AIG3`, names, `ALL`) to the set of enabled rule ids.
///
/// Starts from `select`, or the rules on by default; adds `extend_select`; removes `ignore`, which
/// always wins. In `select`/`extend_select`, `ALL` and an exact code or name enable a rule even when
/// it is off by default, while a prefix enables only the default-on rules under it. In `ignore`
/// every selector removes every rule it names.
pub fn select_rules(
    registry: &Registry,
    select: Option<&[String]>,
    extend_select: &[String],
    ignore: &[String],
) -> Result<BTreeSet<&'static str>, String> {
    let mut enabled = BTreeSet::new();
    match select {
        Some(sels) => {
            for s in sels {
                enabled.extend(matching(registry, s, true)?);
            }
        }
        None => enabled.extend(
            registry
                .rules
                .iter()
                .filter(|r| r.default_enabled)
                .map(|r| r.id),
        ),
    }
    for s in extend_select {
        enabled.extend(matching(registry, s, true)?);
    }
    for s in ignore {
        for id in matching(registry, s, false)? {
            enabled.remove(id);
        }
    }
    Ok(enabled)
}

/// The rules a list of ignore selectors removes (for `per-file-ignores`): like `ignore`, a prefix
/// here covers off-by-default rules too.
pub fn ignored_rules(
    registry: &Registry,
    selectors: &[String],
) -> Result<BTreeSet<&'static str>, String> {
    let mut out = BTreeSet::new();
    for s in selectors {
        out.extend(matching(registry, s, false)?);
    }
    Ok(out)
}

/// The commented default written by `aiguard init`: every key, commented out, with its default,
/// so the file behaves exactly like no config until a line is uncommented.
pub fn init_template() -> &'static str {
    r#"# aiguard configuration. Docs: docs/configuration.md
#
# Every setting is commented out and shows its default, so this file changes nothing until you
# uncomment a line. Command-line flags override it. In a pyproject.toml, put the same keys under
# a [tool.aiguard] table instead. aiguard uses the nearest aiguard.toml, .aiguard.toml or
# pyproject.toml with [tool.aiguard] at or above the scanned path.
#
# Rule selectors are codes ("AIG601"), code prefixes ("AIG6"), rule names ("trust-remote-code")
# or "ALL". A prefix enables only rules that are on by default; a code, a name or "ALL" also
# enables rules that are off by default. `aiguard rules` lists them all.

# Rules to run. Default: every rule that is on by default.
# select = ["AIG"]

# Rules to run in addition to `select`.
# extend-select = []

# Rules never to run. Wins over select and extend-select.
# ignore = []

# Gitignore-style globs of paths not to scan, on top of .gitignore and the built-in skips
# (vendored folders, binary, minified and oversized files).
# exclude = []

# More globs not to scan, added to `exclude`.
# extend-exclude = []

# Lowest severity that makes `aiguard scan` exit with 1: info, low, medium, high, critical or
# never.
# fail-on = "info"

# A baseline file written by `aiguard scan --write-baseline FILE` (relative to this file's
# directory): the findings it records are not reported. Default: none.
# baseline = "aiguard-baseline.json"

# Files larger than this are skipped: bytes, or a size with a unit (KB, MB, GB; all binary).
# max-filesize = "1MiB"

# Also report findings in tests, examples, benchmarks, docs and developer scripts. By default
# only keys in a provider's own format are reported there; the rest are counted in the summary.
# include-tests = false

# Report findings of at least this confidence: "low" shows every finding, "high" only those
# whose source and sink the packs name. Default: "medium".
# min-confidence = "medium"

# Keep each file's results in the result cache, and its directory (relative to this file's
# directory). Default: on, in .aiguard_cache at the root of the scanned repository.
# cache = true
# cache-dir = ".aiguard_cache"

# Rules ignored in the files matching a glob (relative to this file's directory; a glob without
# "/" matches the file name anywhere).
# [per-file-ignores]
# "tests/**" = ["AIG601"]
# "conftest.py" = ["trust-remote-code"]

# Severity overrides, by rule code or name: info, low, medium, high, critical.
# [severity]
# AIG603 = "low"
"#
}

#[cfg(test)]
mod tests;
