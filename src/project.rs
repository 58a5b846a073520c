//! The project around a source file: which versions of which packages it uses.
//!
//! For a file, its directory and each ancestor (up to and including the one holding `.git`, or
//! the filesystem root) are read for lockfiles (`uv.lock`, `poetry.lock`, `package-lock.json`,
//! `npm-shrinkwrap.json`, `pnpm-lock.yaml`, `yarn.lock`, `Cargo.lock`) and manifests
//! (`requirements*.txt`, `requirements/*.txt`, `pyproject.toml`, `package.json`, `Cargo.toml`). Each directory is parsed once per
//! process (a cache shared by the scan's threads); files over [`MAX_FILE_BYTES`] are skipped and
//! malformed ones give what could be read, never an error.
//!
//! What a project uses of a package: the nearest directory that mentions it decides; within a
//! directory a lockfile's exact version wins, then an exact manifest pin, then the lowest version a
//! range allows (so "at least" questions can be answered). Unpinned, `*`, URL, git, path and
//! workspace references give no version.
//!
//! Lockfiles are left out of scanning by `discover`; they are read here only for versions.

use crate::source::Family;
use std::cell::OnceCell;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};

/// Files larger than this are not read.
pub const MAX_FILE_BYTES: u64 = 20 << 20;

/// A package registry: which names a file's imports refer to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ecosystem {
    /// PyPI: names normalised per PEP 503.
    Python,
    /// npm: names as written (`@scope/name`).
    Npm,
    /// crates.io: lower-case, `_` and `-` the same (`async_openai` is `async-openai`).
    Cargo,
}

impl Ecosystem {
    /// The ecosystem of a language family.
    pub fn of_family(family: Family) -> Option<Ecosystem> {
        match family {
            Family::Python => Some(Ecosystem::Python),
            Family::TypeScript | Family::JavaScript => Some(Ecosystem::Npm),
            Family::Rust => Some(Ecosystem::Cargo),
            Family::Text => None,
        }
    }

    /// A package name as this registry compares it.
    pub fn normalise(self, name: &str) -> String {
        match self {
            Ecosystem::Python => normalise_python(name),
            Ecosystem::Npm => name.trim().to_string(),
            Ecosystem::Cargo => name.trim().to_ascii_lowercase().replace('_', "-"),
        }
    }
}

/// PEP 503: lowercase, runs of `-`, `_` and `.` become one `-`.
pub fn normalise_python(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
            continue;
        }
        if sep && !out.is_empty() {
            out.push('-');
        }
        sep = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// A release version: numeric segments (`2.6` equals `2.6.0`), an optional pre-release tag that
/// sorts before the release (`dev` < `a`/`alpha` < `b`/`beta` < `rc`), an optional post-release.
/// Local versions (`+cu121`) and epochs are ignored.
#[derive(Clone, Debug)]
pub struct Version {
    release: Vec<u64>,
    /// (rank, number): dev 0, alpha and unknown tags 1, beta 2, rc 3.
    pre: Option<(u8, u64)>,
    post: u64,
}

impl Version {
    /// `2.6`, `v5.0.1`, `1.0.0-beta.2`, `2.6.0rc1`, `1.2.post3`. `None` when it does not start
    /// with a number. Parsing stops at a wildcard segment (`5.x` is `5`).
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.trim();
        let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
        // An epoch (`1!2.0`) is ignored.
        let s = match s.split_once('!') {
            Some((e, rest)) if e.bytes().all(|b| b.is_ascii_digit()) => rest,
            _ => s,
        };
        let s = s.split('+').next().unwrap_or("");
        let bytes = s.as_bytes();
        let mut release = Vec::new();
        let mut i = 0;
        loop {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i == start {
                break;
            }
            release.push(s[start..i].parse::<u64>().ok()?);
            if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
                i += 1;
            } else {
                break;
            }
        }
        if release.is_empty() {
            return None;
        }
        let mut v = Version {
            release,
            pre: None,
            post: 0,
        };
        let rest = s[i..].trim_start_matches(['.', '-', '_']);
        if rest.starts_with(['x', 'X', '*']) {
            return Some(v);
        }
        let tag_len = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        let tag = rest[..tag_len].to_ascii_lowercase();
        let num: String = rest[tag_len..]
            .trim_start_matches(['.', '-', '_'])
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let n = num.parse::<u64>().unwrap_or(0);
        match tag.as_str() {
            "" if rest.is_empty() => {}
            "post" | "r" | "rev" => v.post = n,
            "dev" => v.pre = Some((0, n)),
            "a" | "alpha" => v.pre = Some((1, n)),
            "b" | "beta" => v.pre = Some((2, n)),
            "rc" | "c" | "pre" | "preview" => v.pre = Some((3, n)),
            // Any other tag (`canary`, `next`, `-0`): a pre-release.
            _ => v.pre = Some((1, n)),
        }
        Some(v)
    }

    /// The numeric release segments.
    pub fn release(&self) -> &[u64] {
        &self.release
    }

    /// Whether this is a pre-release.
    pub fn is_pre(&self) -> bool {
        self.pre.is_some()
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.release.len().max(other.release.len());
        for i in 0..n {
            let a = self.release.get(i).copied().unwrap_or(0);
            let b = other.release.get(i).copied().unwrap_or(0);
            match a.cmp(&b) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        let pre = match (self.pre, other.pre) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(a), Some(b)) => a.cmp(&b),
        };
        pre.then(self.post.cmp(&other.post))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.release.iter().map(u64::to_string).collect();
        write!(f, "{}", parts.join("."))?;
        if let Some((rank, n)) = self.pre {
            let tag = ["dev", "a", "b", "rc"][rank as usize];
            write!(f, "{tag}{n}")?;
        }
        if self.post > 0 {
            write!(f, ".post{}", self.post)?;
        }
        Ok(())
    }
}

/// What a project says about one package.
#[derive(Clone, Debug, PartialEq)]
pub enum Requirement {
    /// A lockfile's resolved version.
    Locked(Version),
    /// An exact pin in a manifest (`==2.6.0`, npm `"4.2.1"`).
    Pinned(Version),
    /// A range: the lowest version it allows (`>=2.6`, `^5.0.1`, `5.x`).
    AtLeast(Version),
    /// No lower bound: a bare name, `*`, `latest`, `<3`, a dist-tag.
    Any,
    /// Not from the registry: a path, URL, git or workspace reference.
    Elsewhere,
}

impl Requirement {
    /// The version the project uses, or the lowest it allows; `None` when unknown.
    pub fn version(&self) -> Option<&Version> {
        match self {
            Requirement::Locked(v) | Requirement::Pinned(v) | Requirement::AtLeast(v) => Some(v),
            Requirement::Any | Requirement::Elsewhere => None,
        }
    }

    /// Exactly one version: locked or pinned.
    pub fn is_exact(&self) -> bool {
        matches!(self, Requirement::Locked(_) | Requirement::Pinned(_))
    }

    fn rank(&self) -> u8 {
        match self {
            Requirement::Locked(_) => 4,
            Requirement::Pinned(_) => 3,
            Requirement::AtLeast(_) => 2,
            Requirement::Any | Requirement::Elsewhere => 1,
        }
    }

    /// A version specifier, PEP 440 or npm/Poetry range syntax, without the package name:
    /// `==2.6.0`, `>=2.6,<3`, `~=2.6`, `^5.0.1`, `~5.1`, `5.x`, `1.2 - 2`, `>=1 <2 || ^3`,
    /// npm/Poetry `4.2.1` (exact). Not-a-registry references (`file:`, `git+`, URLs,
    /// `workspace:`, `user/repo`) are [`Requirement::Elsewhere`].
    pub fn parse(spec: &str) -> Requirement {
        let s = spec.trim();
        let s = s
            .strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .unwrap_or(s)
            .trim();
        let lower = s.to_ascii_lowercase();
        const ELSEWHERE: &[&str] = &[
            "file:",
            "link:",
            "workspace:",
            "portal:",
            "git",
            "github:",
            "gitlab:",
            "bitbucket:",
            "http:",
            "https:",
            "npm:",
            "catalog:",
            "patch:",
            "exec:",
        ];
        if ELSEWHERE.iter().any(|p| lower.starts_with(p)) || s.contains('/') || s.contains('@') {
            return Requirement::Elsewhere;
        }
        let mut bounds: Vec<Option<Version>> = Vec::new();
        let mut exact = None;
        let alternatives: Vec<&str> = s.split("||").collect();
        for alt in &alternatives {
            let (bound, ex) = alternative_bound(alt.trim());
            if alternatives.len() == 1 {
                exact = ex;
            }
            bounds.push(bound);
        }
        if let Some(v) = exact {
            return Requirement::Pinned(v);
        }
        if bounds.iter().any(Option::is_none) {
            return Requirement::Any;
        }
        match bounds.into_iter().flatten().min() {
            Some(v) => Requirement::AtLeast(v),
            None => Requirement::Any,
        }
    }
}

const OPERATORS: &[&str] = &[
    "===", "==", "~=", "!=", "<=", ">=", "~>", "^", "~", "=", "<", ">",
];

/// One `||` alternative: (its lowest allowed version, the version when it is one exact pin).
fn alternative_bound(alt: &str) -> (Option<Version>, Option<Version>) {
    if let Some((low, _)) = alt.split_once(" - ") {
        return (Version::parse(low.trim()), None);
    }
    // Clauses split on commas and spaces; an operator standing alone joins the next token.
    let mut clauses: Vec<String> = Vec::new();
    let mut glue = String::new();
    for tok in alt.split([',', ' ', '\t']).filter(|t| !t.is_empty()) {
        if OPERATORS.contains(&tok) {
            glue.push_str(tok);
            continue;
        }
        clauses.push(format!("{glue}{tok}"));
        glue.clear();
    }
    let mut lower: Option<Version> = None;
    let mut single_exact = None;
    let n = clauses.len();
    for clause in &clauses {
        let op = OPERATORS
            .iter()
            .find(|o| clause.starts_with(**o))
            .copied()
            .unwrap_or("");
        let text = clause[op.len()..].trim();
        let wildcard = text
            .split('.')
            .any(|seg| matches!(seg, "x" | "X" | "*" | ""));
        let bound = match op {
            "<" | "<=" | "!=" => continue,
            "===" | "==" | "=" | "" if !wildcard => {
                let Some(v) = Version::parse(text) else {
                    // A dist-tag (`latest`, `next`) or something unreadable.
                    return (None, None);
                };
                if n == 1 {
                    single_exact = Some(v.clone());
                }
                Some(v)
            }
            _ => Version::parse(text),
        };
        if let Some(b) = bound {
            if lower.as_ref().is_none_or(|l| b > *l) {
                lower = Some(b);
            }
        }
    }
    (lower, single_exact)
}

/// Which manifest a file is, by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ManifestKind {
    /// `requirements*.txt`, or any `.txt` in a `requirements/` directory.
    Requirements,
    PyProject,
    PackageJson,
    /// `Cargo.toml`.
    CargoToml,
}

impl ManifestKind {
    /// The manifest kind of a path (`/` or `\` separated), if it is one.
    pub fn of_path(path: &str) -> Option<ManifestKind> {
        let mut parts = path.rsplit(['/', '\\']);
        let name = parts.next().unwrap_or("");
        let parent = parts.next().unwrap_or("");
        let lower = name.to_ascii_lowercase();
        match lower.as_str() {
            "pyproject.toml" => Some(ManifestKind::PyProject),
            "package.json" => Some(ManifestKind::PackageJson),
            "cargo.toml" => Some(ManifestKind::CargoToml),
            _ if lower.ends_with(".txt")
                && (lower.starts_with("requirements")
                    || parent.eq_ignore_ascii_case("requirements")) =>
            {
                Some(ManifestKind::Requirements)
            }
            _ => None,
        }
    }

    pub fn ecosystem(self) -> Ecosystem {
        match self {
            ManifestKind::Requirements | ManifestKind::PyProject => Ecosystem::Python,
            ManifestKind::PackageJson => Ecosystem::Npm,
            ManifestKind::CargoToml => Ecosystem::Cargo,
        }
    }
}

/// A dependency as a manifest declares it.
#[derive(Clone, Debug, PartialEq)]
pub struct Declared {
    /// Normalised for its ecosystem.
    pub name: String,
    /// The declaration as written, for messages: `openai>=1.0`, `"openai": "^4.0.0"`.
    pub spec: String,
    /// Byte range of the declaration in the manifest's text.
    pub span: Range<usize>,
    pub requirement: Requirement,
    /// A dependency the application runs with: not a development group, a peer or an extra.
    pub runtime: bool,
    /// Cargo `name = { workspace = true }`: the workspace root's `[workspace.dependencies]`
    /// entry of that key says which version (see [`Project::cargo_workspace_dep`]);
    /// `requirement` is [`Requirement::Elsewhere`] until then.
    pub inherited: bool,
}

/// A parsed manifest.
#[derive(Clone, Debug, Default)]
pub struct Manifest {
    /// The package this manifest publishes (`name` of package.json, `[project]` or
    /// `[tool.poetry]`, `[package]`), as written.
    pub name: Option<String>,
    pub deps: Vec<Declared>,
    /// A publishable library (see [`parse_pyproject`], [`parse_package_json`] and
    /// [`parse_cargo_toml`]): its ranges are for its users' resolvers, not what one application
    /// runs.
    pub library: bool,
    /// Cargo: a package with automatic binary discovery (no `autobins = false`), so that a
    /// `src/main.rs` or `src/bin/` beside the manifest makes it an application (see
    /// [`cargo_auto_bin`]).
    pub auto_bins: bool,
    /// Cargo: the `[workspace.dependencies]` entries, by normalised key (the name a member's
    /// `key = { workspace = true }` uses); each one's `name` is the package (`package = ...`).
    pub workspace_deps: Option<HashMap<String, Declared>>,
}

/// Parse a manifest's text. Never fails: malformed input gives what could be read.
pub fn parse_manifest(kind: ManifestKind, text: &str) -> Manifest {
    match kind {
        ManifestKind::Requirements => Manifest {
            deps: parse_requirements_txt(text),
            ..Manifest::default()
        },
        ManifestKind::PyProject => parse_pyproject(text),
        ManifestKind::PackageJson => parse_package_json(text),
        ManifestKind::CargoToml => parse_cargo_toml(text),
    }
}

/// One PEP 508 requirement (`name[extra] >=1.0 ; markers`, `name @ url`): (name as written,
/// requirement).
pub fn parse_pep508(s: &str) -> Option<(&str, Requirement)> {
    let s = s.trim();
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(s.len());
    let name = &s[..end];
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    let mut rest = s[end..].trim_start();
    if rest.starts_with('[') {
        rest = rest
            .split_once(']')
            .map(|(_, r)| r)
            .unwrap_or("")
            .trim_start();
    }
    if rest.starts_with('@') {
        return Some((name, Requirement::Elsewhere));
    }
    let spec = rest.split(';').next().unwrap_or("").trim();
    if spec.is_empty() {
        return Some((name, Requirement::Any));
    }
    if !spec.starts_with(['=', '<', '>', '~', '!', '(']) {
        // Not a PEP 440 specifier: not a requirement aiguard understands.
        return None;
    }
    Some((name, Requirement::parse(spec)))
}

/// `requirements.txt`: one requirement a line, `#` comments, `\` continuations; option lines
/// (`-r`, `-e`, `--index-url`), paths and URLs are skipped, per-requirement options (`--hash`)
/// are dropped.
pub fn parse_requirements_txt(text: &str) -> Vec<Declared> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut logical = String::new();
    let mut start: Option<usize> = None;
    for raw in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        // A comment starts at `#` at the line start or after whitespace.
        let code = match line
            .char_indices()
            .find(|&(i, c)| c == '#' && (i == 0 || line[..i].ends_with([' ', '\t'])))
        {
            Some((i, _)) => &line[..i],
            None => line,
        };
        let first = start.get_or_insert(line_start + (code.len() - code.trim_start().len()));
        let first = *first;
        if let Some(cont) = code.trim_end().strip_suffix('\\') {
            logical.push_str(cont);
            logical.push(' ');
            continue;
        }
        logical.push_str(code);
        let req_text = logical.trim().to_string();
        logical.clear();
        start = None;
        if req_text.is_empty() || req_text.starts_with('-') {
            continue;
        }
        // Options after the requirement: `--hash=...`.
        let req = match req_text.find(" --") {
            Some(i) => req_text[..i].trim_end(),
            None => req_text.as_str(),
        };
        let Some((name, requirement)) = parse_pep508(req) else {
            continue;
        };
        // The span: the requirement on its first line.
        let first_line_end = line_start + code.trim_end().len();
        let span_end = if first < line_start {
            text[first..]
                .find('\n')
                .map(|i| first + i)
                .unwrap_or(text.len())
        } else {
            first_line_end
        };
        let spec = req.split(';').next().unwrap_or(req).trim().to_string();
        out.push(Declared {
            name: normalise_python(name),
            spec,
            span: first..span_end.max(first),
            requirement,
            runtime: true,
            inherited: false,
        });
    }
    out
}

type DeTable<'i> = toml::de::DeTable<'i>;
type DeValue<'i> = toml::de::DeValue<'i>;

fn de_get<'a, 'i>(t: &'a DeTable<'i>, key: &str) -> Option<&'a toml::Spanned<DeValue<'i>>> {
    t.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
}

fn de_str(t: &DeTable<'_>, key: &str) -> Option<String> {
    match de_get(t, key)?.get_ref() {
        DeValue::String(s) => Some(s.to_string()),
        _ => None,
    }
}

fn de_table<'a, 'i>(t: &'a DeTable<'i>, key: &str) -> Option<&'a DeTable<'i>> {
    match de_get(t, key)?.get_ref() {
        DeValue::Table(t) => Some(t),
        _ => None,
    }
}

/// `pyproject.toml`: PEP 621 `[project].dependencies` and `optional-dependencies`, PEP 735
/// `[dependency-groups]`, Poetry `[tool.poetry.dependencies]` (also groups and
/// `dev-dependencies`). A library is a file with `[build-system]` and a `[project]` or
/// `[tool.poetry]` that is not `package-mode = false`.
pub fn parse_pyproject(text: &str) -> Manifest {
    let mut m = Manifest::default();
    let doc = match toml::de::DeTable::parse(text) {
        Ok(d) => d,
        Err(_) => return m,
    };
    let doc = doc.get_ref();
    let pep508_list = |v: &toml::Spanned<DeValue>, runtime: bool, out: &mut Vec<Declared>| {
        let DeValue::Array(items) = v.get_ref() else {
            return;
        };
        for item in items.iter() {
            let DeValue::String(s) = item.get_ref() else {
                continue;
            };
            if let Some((name, requirement)) = parse_pep508(s) {
                out.push(Declared {
                    name: normalise_python(name),
                    spec: s.split(';').next().unwrap_or(s).trim().to_string(),
                    span: item.span(),
                    requirement,
                    runtime,
                    inherited: false,
                });
            }
        }
    };
    let project = de_table(doc, "project");
    let poetry = de_table(doc, "tool").and_then(|t| de_table(t, "poetry"));
    m.name = [project, poetry]
        .into_iter()
        .flatten()
        .find_map(|t| de_str(t, "name"));
    if let Some(p) = project {
        if let Some(d) = de_get(p, "dependencies") {
            pep508_list(d, true, &mut m.deps);
        }
        if let Some(extras) = de_table(p, "optional-dependencies") {
            for (_, list) in extras.iter() {
                pep508_list(list, false, &mut m.deps);
            }
        }
    }
    if let Some(groups) = de_table(doc, "dependency-groups") {
        for (_, list) in groups.iter() {
            pep508_list(list, false, &mut m.deps);
        }
    }
    if let Some(p) = poetry {
        let mut tables: Vec<(&DeTable, bool)> = Vec::new();
        if let Some(d) = de_table(p, "dependencies") {
            tables.push((d, true));
        }
        if let Some(d) = de_table(p, "dev-dependencies") {
            tables.push((d, false));
        }
        if let Some(groups) = de_table(p, "group") {
            for (_, g) in groups.iter() {
                if let DeValue::Table(g) = g.get_ref() {
                    if let Some(d) = de_table(g, "dependencies") {
                        tables.push((d, false));
                    }
                }
            }
        }
        for (table, runtime) in tables {
            for (k, v) in table.iter() {
                let name = k.get_ref().as_ref();
                if name.eq_ignore_ascii_case("python") {
                    continue;
                }
                let (requirement, spec) = poetry_requirement(v.get_ref());
                let span = k.span().start..v.span().end;
                m.deps.push(Declared {
                    name: normalise_python(name),
                    spec: format!("{name} = {spec}"),
                    span,
                    requirement,
                    runtime,
                    inherited: false,
                });
            }
        }
    }
    let build_system = de_get(doc, "build-system").is_some();
    let package_mode_off = poetry
        .and_then(|p| de_get(p, "package-mode"))
        .is_some_and(|v| matches!(v.get_ref(), DeValue::Boolean(false)));
    m.library = build_system && (project.is_some() || poetry.is_some()) && !package_mode_off;
    m
}

/// A Poetry dependency value: `"^1.2"`, `{ version = "^1.2", extras = [...] }`, `{ path = ... }`.
fn poetry_requirement(v: &DeValue) -> (Requirement, String) {
    match v {
        DeValue::String(s) => (Requirement::parse(s), format!("\"{s}\"")),
        DeValue::Table(t) => {
            if ["path", "git", "url"]
                .iter()
                .any(|k| de_get(t, k).is_some())
            {
                return (Requirement::Elsewhere, "{ ... }".into());
            }
            match de_get(t, "version").map(|v| v.get_ref()) {
                Some(DeValue::String(s)) => (
                    Requirement::parse(s),
                    format!("{{ version = \"{s}\", ... }}"),
                ),
                _ => (Requirement::Any, "{ ... }".into()),
            }
        }
        // Several constraints by marker: not one answer.
        _ => (Requirement::Any, "[ ... ]".into()),
    }
}

/// A Cargo version requirement: `0.28` and `^0.28` (caret), `~0.28`, `>=0.28, <0.30`, `0.*`
/// give their lowest version; only `=` with a full `major.minor.patch` version is one version
/// (`=0.28` allows every `0.28.x`); `*` and upper bounds alone give [`Requirement::Any`].
pub fn parse_cargo_requirement(spec: &str) -> Requirement {
    let clauses: Vec<&str> = spec
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let mut lower: Option<Version> = None;
    for clause in &clauses {
        let op = [">=", "<=", ">", "<", "=", "^", "~"]
            .into_iter()
            .find(|o| clause.starts_with(*o))
            .unwrap_or("");
        let text = clause[op.len()..].trim();
        if matches!(op, "<" | "<=") {
            continue;
        }
        let Some(v) = Version::parse(text) else {
            continue;
        };
        let full = text
            .split(['-', '+'])
            .next()
            .is_some_and(|core| core.split('.').count() == 3 && !core.contains(['*', 'x', 'X']));
        if op == "=" && full && clauses.len() == 1 {
            return Requirement::Pinned(v);
        }
        if lower.as_ref().is_none_or(|l| v > *l) {
            lower = Some(v);
        }
    }
    lower.map_or(Requirement::Any, Requirement::AtLeast)
}

/// Whether a git reference pins one commit: `rev` holding a commit hash (7 to 40 hex digits) or
/// a `tag` (a release name, not moved in practice).
fn cargo_git_pinned(t: &DeTable) -> bool {
    let s = |k: &str| match de_get(t, k).map(|v| v.get_ref()) {
        Some(DeValue::String(s)) => Some(s.to_string()),
        _ => None,
    };
    let rev_is_hash = s("rev")
        .is_some_and(|r| (7..=40).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_hexdigit()));
    rev_is_hash || s("tag").is_some()
}

/// One Cargo dependency entry: (package name as written, requirement, spec for messages,
/// inherited from the workspace).
fn cargo_dependency(key: &str, v: &DeValue) -> (String, Requirement, String, bool) {
    match v {
        DeValue::String(s) => (
            key.to_string(),
            parse_cargo_requirement(s),
            format!("{key} = \"{s}\""),
            false,
        ),
        DeValue::Table(t) => {
            let name = match de_get(t, "package").map(|v| v.get_ref()) {
                Some(DeValue::String(p)) => p.to_string(),
                _ => key.to_string(),
            };
            if matches!(
                de_get(t, "workspace").map(|v| v.get_ref()),
                Some(DeValue::Boolean(true))
            ) {
                let spec = format!("{key} = {{ workspace = true }}");
                return (name, Requirement::Elsewhere, spec, true);
            }
            if de_get(t, "path").is_some() {
                return (
                    name,
                    Requirement::Elsewhere,
                    format!("{key} = {{ path = ... }}"),
                    false,
                );
            }
            if let Some(url) = de_get(t, "git") {
                if cargo_git_pinned(t) {
                    return (
                        name,
                        Requirement::Elsewhere,
                        format!("{key} = {{ git = ... }}"),
                        false,
                    );
                }
                let url = match url.get_ref() {
                    DeValue::String(u) => u.to_string(),
                    _ => "...".into(),
                };
                let branch = match de_get(t, "branch").map(|v| v.get_ref()) {
                    Some(DeValue::String(b)) => format!(", branch = \"{b}\""),
                    _ => String::new(),
                };
                return (
                    name,
                    Requirement::Any,
                    format!("{key} = {{ git = \"{url}\"{branch} }}"),
                    false,
                );
            }
            match de_get(t, "version").map(|v| v.get_ref()) {
                Some(DeValue::String(s)) => (
                    name,
                    parse_cargo_requirement(s),
                    format!("{key} = {{ version = \"{s}\", ... }}"),
                    false,
                ),
                _ => (name, Requirement::Any, format!("{key} = {{ ... }}"), false),
            }
        }
        _ => (
            key.to_string(),
            Requirement::Any,
            format!("{key} = ..."),
            false,
        ),
    }
}

/// `Cargo.toml`: `[dependencies]` and `[target.'cfg(..)'.dependencies]` (runtime, unless
/// `optional = true`: a feature's, like an extra), `[dev-dependencies]` and
/// `[build-dependencies]` (not), and `[workspace.dependencies]` (kept in
/// [`Manifest::workspace_deps`] for members that inherit them). Renamed dependencies
/// (`openai = { package = "async-openai", ... }`) are named by their package.
///
/// A package is a library unless it declares a `[[bin]]` target (a `src/main.rs` or `src/bin/`
/// found on disk makes it an application too: [`cargo_auto_bin`]); Cargo uses a library's
/// lockfile for nothing but its own tests. A virtual workspace manifest (no `[package]`) has no
/// dependencies of its own.
pub fn parse_cargo_toml(text: &str) -> Manifest {
    let mut m = Manifest::default();
    let doc = match toml::de::DeTable::parse(text) {
        Ok(d) => d,
        Err(_) => return m,
    };
    let doc = doc.get_ref();
    let mut tables: Vec<(&DeTable, bool)> = Vec::new();
    for (section, runtime) in [
        ("dependencies", true),
        ("dev-dependencies", false),
        ("dev_dependencies", false),
        ("build-dependencies", false),
        ("build_dependencies", false),
    ] {
        if let Some(t) = de_table(doc, section) {
            tables.push((t, runtime));
        }
        if let Some(targets) = de_table(doc, "target") {
            for (_, target) in targets.iter() {
                if let DeValue::Table(target) = target.get_ref() {
                    if let Some(t) = de_table(target, section) {
                        tables.push((t, runtime));
                    }
                }
            }
        }
    }
    // A header table (`[dependencies.x]`) spans its whole body: report on its first line.
    let one_line = |r: Range<usize>| -> Range<usize> {
        let end = text
            .get(r.clone())
            .and_then(|s| s.find('\n'))
            .map_or(r.end, |i| r.start + i);
        r.start..end.max(r.start)
    };
    for (table, runtime) in tables {
        for (k, v) in table.iter() {
            let key = k.get_ref().as_ref();
            let (name, requirement, spec, inherited) = cargo_dependency(key, v.get_ref());
            // An optional dependency is a feature's, like an extra.
            let optional = matches!(v.get_ref(), DeValue::Table(t)
                if matches!(de_get(t, "optional").map(|o| o.get_ref()), Some(DeValue::Boolean(true))));
            m.deps.push(Declared {
                name: Ecosystem::Cargo.normalise(&name),
                spec,
                span: one_line(k.span().start..v.span().end),
                requirement,
                runtime: runtime && !optional,
                inherited,
            });
        }
    }
    // Tables come back sorted by key: text order is the manifest's.
    m.deps.sort_by_key(|d| d.span.start);
    if let Some(ws) = de_table(doc, "workspace").and_then(|w| de_table(w, "dependencies")) {
        let mut map = HashMap::new();
        for (k, v) in ws.iter() {
            let key = k.get_ref().as_ref();
            let (name, requirement, spec, _) = cargo_dependency(key, v.get_ref());
            map.insert(
                Ecosystem::Cargo.normalise(key),
                Declared {
                    name: Ecosystem::Cargo.normalise(&name),
                    spec,
                    span: one_line(k.span().start..v.span().end),
                    requirement,
                    runtime: false,
                    inherited: false,
                },
            );
        }
        m.workspace_deps = Some(map);
    } else if de_get(doc, "workspace").is_some() {
        m.workspace_deps = Some(HashMap::new());
    }
    let package = de_table(doc, "package").or_else(|| de_table(doc, "project"));
    let bin_tables = matches!(
        de_get(doc, "bin").map(|b| b.get_ref()),
        Some(DeValue::Array(a)) if !a.is_empty()
    );
    m.auto_bins = package.is_some_and(|p| {
        !matches!(
            de_get(p, "autobins").map(|v| v.get_ref()),
            Some(DeValue::Boolean(false))
        )
    });
    m.library = package.is_none() || !bin_tables;
    m.name = package.and_then(|p| de_str(p, "name"));
    m
}

/// Cargo's automatic binary targets: a `src/main.rs` or a `src/bin/` directory beside the
/// manifest at `manifest` (see [`Manifest::auto_bins`]).
pub fn cargo_auto_bin(manifest: &Path) -> bool {
    let dir = match manifest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    dir.join("src/main.rs").is_file() || dir.join("src/bin").is_dir()
}

/// The sections of `package.json` that name dependencies, and whether the app runs with them.
const NPM_SECTIONS: &[(&str, bool)] = &[
    ("dependencies", true),
    ("devDependencies", false),
    ("peerDependencies", false),
    ("optionalDependencies", false),
];

/// `package.json`: `dependencies`, `devDependencies`, `peerDependencies`,
/// `optionalDependencies`. A library is a package not marked `"private": true` that has an entry
/// point (`main`, `module`, `exports`, `types`, `typings` or `bin`).
pub fn parse_package_json(text: &str) -> Manifest {
    let mut m = Manifest::default();
    let Some(top) = JsonScan::new(text).top() else {
        return m;
    };
    for e in top.entries {
        let Some(&(_, runtime)) = NPM_SECTIONS.iter().find(|(s, _)| *s == e.section) else {
            continue;
        };
        m.deps.push(Declared {
            requirement: Requirement::parse(&e.value),
            spec: format!("{}@{}", e.key, e.value),
            name: e.key,
            span: e.span,
            runtime,
            inherited: false,
        });
    }
    m.name = top.name;
    const ENTRY_POINTS: &[&str] = &["main", "module", "exports", "types", "typings", "bin"];
    m.library = !top.private && top.keys.iter().any(|k| ENTRY_POINTS.contains(&k.as_str()));
    m
}

/// A top-level JSON object read with positions: its keys, whether `"private": true`, and the
/// string-valued entries of its object-valued members.
struct JsonTop {
    keys: Vec<String>,
    name: Option<String>,
    private: bool,
    entries: Vec<JsonEntry>,
}

struct JsonEntry {
    section: String,
    key: String,
    value: String,
    /// From the key's opening quote to the value's closing quote.
    span: Range<usize>,
}

/// A small JSON reader with byte positions (serde_json gives none).
struct JsonScan<'a> {
    b: &'a [u8],
    s: &'a str,
    i: usize,
}

impl<'a> JsonScan<'a> {
    fn new(s: &'a str) -> Self {
        JsonScan {
            b: s.as_bytes(),
            s,
            i: 0,
        }
    }

    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn string(&mut self) -> Option<String> {
        self.ws();
        if self.b.get(self.i) != Some(&b'"') {
            return None;
        }
        let start = self.i + 1;
        let mut i = start;
        while i < self.b.len() {
            match self.b[i] {
                b'\\' => i += 2,
                b'"' => {
                    let raw = self.s.get(start..i)?;
                    self.i = i + 1;
                    return Some(
                        serde_json::from_str::<String>(&format!("\"{raw}\""))
                            .unwrap_or_else(|_| raw.to_string()),
                    );
                }
                _ => i += 1,
            }
        }
        None
    }

    /// Skip one value of any depth without recursion.
    fn skip(&mut self) -> Option<()> {
        self.ws();
        let mut depth = 0usize;
        loop {
            match *self.b.get(self.i)? {
                b'"' => {
                    self.string()?;
                }
                b'{' | b'[' => {
                    depth += 1;
                    self.i += 1;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    self.i += 1;
                }
                b',' | b':' if depth > 0 => self.i += 1,
                c if c.is_ascii_whitespace() => self.i += 1,
                _ => {
                    // A number or literal.
                    while self.i < self.b.len()
                        && !matches!(self.b[self.i], b',' | b'}' | b']' | b':')
                        && !self.b[self.i].is_ascii_whitespace()
                    {
                        self.i += 1;
                    }
                }
            }
            if depth == 0 {
                return Some(());
            }
        }
    }

    fn top(mut self) -> Option<JsonTop> {
        let mut top = JsonTop {
            keys: Vec::new(),
            name: None,
            private: false,
            entries: Vec::new(),
        };
        if !self.eat(b'{') {
            return None;
        }
        loop {
            if self.eat(b'}') {
                return Some(top);
            }
            let key = self.string()?;
            if !self.eat(b':') {
                return None;
            }
            self.ws();
            match self.b.get(self.i) {
                Some(b'{') => {
                    self.i += 1;
                    self.object_entries(&key, &mut top.entries)?;
                }
                Some(b'"') if key == "name" => top.name = self.string(),
                _ if key == "private" => {
                    let start = self.i;
                    self.skip()?;
                    top.private = self.s.get(start..self.i).map(str::trim) == Some("true");
                }
                _ => self.skip()?,
            }
            top.keys.push(key);
            if !self.eat(b',') {
                return self.eat(b'}').then_some(top);
            }
        }
    }

    /// The members of an object whose `{` was just read.
    fn object_entries(&mut self, section: &str, out: &mut Vec<JsonEntry>) -> Option<()> {
        loop {
            if self.eat(b'}') {
                return Some(());
            }
            self.ws();
            let start = self.i;
            let key = self.string()?;
            if !self.eat(b':') {
                return None;
            }
            self.ws();
            if self.b.get(self.i) == Some(&b'"') {
                let value = self.string()?;
                out.push(JsonEntry {
                    section: section.to_string(),
                    key,
                    value,
                    span: start..self.i,
                });
            } else {
                self.skip()?;
            }
            if !self.eat(b',') {
                return self.eat(b'}').then_some(());
            }
        }
    }
}

/// `uv.lock` and `poetry.lock`: `[[package]]` tables with `name` and `version`.
pub fn parse_toml_lock(text: &str) -> Vec<(String, Version)> {
    toml_lock_packages(text)
        .into_iter()
        .map(|(n, v)| (normalise_python(&n), v))
        .collect()
}

/// `Cargo.lock`: `[[package]]` tables with `name` and `version` (names as written).
pub fn parse_cargo_lock(text: &str) -> Vec<(String, Version)> {
    toml_lock_packages(text)
}

fn toml_lock_packages(text: &str) -> Vec<(String, Version)> {
    #[derive(serde::Deserialize)]
    struct Lock {
        #[serde(default)]
        package: Vec<toml::Value>,
    }
    let Ok(lock) = toml::from_str::<Lock>(text) else {
        return Vec::new();
    };
    lock.package
        .iter()
        .filter_map(|p| {
            let name = p.get("name")?.as_str()?;
            let version = Version::parse(p.get("version")?.as_str()?)?;
            Some((name.to_string(), version))
        })
        .collect()
}

/// `package-lock.json` / `npm-shrinkwrap.json`: lockfileVersion 1 `dependencies`, 2 and 3
/// `packages["node_modules/<name>"]` (top-level installs only).
pub fn parse_package_lock(text: &str) -> Vec<(String, Version)> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(pkgs) = v.get("packages").and_then(|p| p.as_object()) {
        for (path, info) in pkgs {
            let Some(name) = path.strip_prefix("node_modules/") else {
                continue;
            };
            if name.contains("/node_modules/") {
                continue;
            }
            if let Some(ver) = info
                .get("version")
                .and_then(|x| x.as_str())
                .and_then(Version::parse)
            {
                out.push((name.to_string(), ver));
            }
        }
    }
    if out.is_empty() {
        if let Some(deps) = v.get("dependencies").and_then(|p| p.as_object()) {
            for (name, info) in deps {
                if let Some(ver) = info
                    .get("version")
                    .and_then(|x| x.as_str())
                    .and_then(Version::parse)
                {
                    out.push((name.clone(), ver));
                }
            }
        }
    }
    out
}

/// A `name@version` or `name/version` key or descriptor: the name (an `@scope/` kept).
fn split_at_version(s: &str) -> Option<(&str, &str)> {
    let at = s.get(1..)?.find('@')? + 1;
    Some((&s[..at], &s[at + 1..]))
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix(['\'', '"'])
        .and_then(|r| r.strip_suffix(['\'', '"']))
        .unwrap_or(s)
}

/// `pnpm-lock.yaml`, read by hand (lockfile v5 to v9): the versions of the importers' direct
/// dependencies, and every `packages:` / `snapshots:` key (`/name/1.0.0_peer` in v5,
/// `/name@1.0.0(peer)` in v6, `name@1.0.0` in v9).
pub fn parse_pnpm_lock(text: &str) -> Vec<(String, Version)> {
    let mut out = Vec::new();
    let mut v5 = false;
    // (indent, key) of the enclosing mappings.
    let mut stack: Vec<(usize, String)> = Vec::new();
    let clean = |v: &str| -> Option<Version> {
        let v = unquote(v);
        let v = v.split(['(', '_']).next()?;
        Version::parse(v)
    };
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('-') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        // The key ends at the first `: ` or a trailing `:`, outside quotes.
        let (key, value) = match yaml_key(trimmed) {
            Some(kv) => kv,
            None => continue,
        };
        while stack.last().is_some_and(|(i, _)| *i >= indent) {
            stack.pop();
        }
        let path: Vec<&str> = stack.iter().map(|(_, k)| k.as_str()).collect();
        if indent == 0 && key == "lockfileVersion" {
            v5 = unquote(value).starts_with('5');
        }
        let dep_section = |k: &str| {
            matches!(
                k,
                "dependencies" | "devDependencies" | "optionalDependencies"
            )
        };
        // Inside `packages:` or `snapshots:`: a package key.
        if path.len() == 1 && matches!(path[0], "packages" | "snapshots") {
            let k = unquote(key);
            let k = k.strip_prefix('/').unwrap_or(k);
            let k = k.split('(').next().unwrap_or(k);
            let parsed = if v5 {
                k.rsplit_once('/')
                    .map(|(n, v)| (n, v.split('_').next().unwrap_or(v)))
            } else {
                split_at_version(k)
            };
            if let Some((name, ver)) = parsed {
                if let Some(ver) = Version::parse(ver) {
                    out.push((name.to_string(), ver));
                }
            }
        } else if path.last().is_some_and(|k| dep_section(k))
            && (path.len() == 1 || (path.len() == 3 && path[0] == "importers"))
            && !value.is_empty()
        {
            // v5: `name: 1.2.3`.
            if let Some(ver) = clean(value) {
                out.push((unquote(key).to_string(), ver));
            }
        } else if key == "version"
            && path.len() >= 2
            && dep_section(path[path.len() - 2])
            && (path.len() == 2 || (path.len() == 4 && path[0] == "importers"))
        {
            // v6+: `name:` then `version: 1.2.3(peer)`.
            if let Some(ver) = clean(value) {
                out.push((unquote(path[path.len() - 1]).to_string(), ver));
            }
        }
        if value.is_empty() {
            stack.push((indent, key.to_string()));
        }
    }
    out
}

/// A YAML mapping line's key and inline value (empty when the value is a nested block).
fn yaml_key(line: &str) -> Option<(&str, &str)> {
    let bytes = line.as_bytes();
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (None, b'\'' | b'"') => quote = Some(b),
            (Some(q), c) if c == q => quote = None,
            (None, b':') if i + 1 == bytes.len() || bytes[i + 1] == b' ' => {
                let value = line[i + 1..].trim();
                let value = value.split(" #").next().unwrap_or("").trim();
                return Some((&line[..i], value));
            }
            _ => {}
        }
    }
    None
}

/// `yarn.lock`, v1 (`name@^1.0.0:` then `  version "1.2.3"`) and berry
/// (`"name@npm:^1.0.0":` then `  version: 1.2.3`). Workspace, link, portal and patch entries are
/// left out.
pub fn parse_yarn_lock(text: &str) -> Vec<(String, Version)> {
    let mut out = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            names.clear();
            let Some(header) = line.trim_end().strip_suffix(':') else {
                continue;
            };
            for d in header.split(',') {
                let d = unquote(d);
                let Some((name, range)) = split_at_version(d) else {
                    continue;
                };
                if ["workspace:", "link:", "portal:", "file:", "patch:", "exec:"]
                    .iter()
                    .any(|p| range.starts_with(p))
                {
                    continue;
                }
                if !names.iter().any(|n| n == name) {
                    names.push(name.to_string());
                }
            }
            continue;
        }
        let t = line.trim();
        // Only the entry's own `version` (two spaces in), not a dependency's.
        let depth = line.len() - line.trim_start().len();
        if depth > 2 || names.is_empty() {
            continue;
        }
        let value = t
            .strip_prefix("version:")
            .or_else(|| t.strip_prefix("version "));
        if let Some(ver) = value.and_then(|v| Version::parse(unquote(v))) {
            for n in names.drain(..) {
                out.push((n, ver.clone()));
            }
        }
    }
    out
}

/// What one directory's lockfiles and manifests say, per ecosystem and normalised name.
#[derive(Debug, Default)]
pub struct DirFacts {
    python: HashMap<String, Requirement>,
    npm: HashMap<String, Requirement>,
    cargo: HashMap<String, Requirement>,
    /// The `[workspace.dependencies]` of a `Cargo.toml` with a `[workspace]` here (see
    /// [`Manifest::workspace_deps`]).
    cargo_workspace: Option<HashMap<String, Declared>>,
    /// The packages the directory's manifests publish, normalised.
    own: Vec<(Ecosystem, String)>,
    /// The directory holds `.git` (a repository root: the walk up stops here).
    pub repo_root: bool,
    /// A hash of what was read here (see [`Project::stamp`]).
    stamp: [u8; 32],
}

impl DirFacts {
    fn map(&self, eco: Ecosystem) -> &HashMap<String, Requirement> {
        match eco {
            Ecosystem::Python => &self.python,
            Ecosystem::Npm => &self.npm,
            Ecosystem::Cargo => &self.cargo,
        }
    }

    /// Record what a file says, keeping the strongest fact per name (a lockfile over a pin over a
    /// range); among equals, the lowest version.
    fn add(&mut self, eco: Ecosystem, name: String, req: Requirement) {
        let map = match eco {
            Ecosystem::Python => &mut self.python,
            Ecosystem::Npm => &mut self.npm,
            Ecosystem::Cargo => &mut self.cargo,
        };
        match map.get(&name) {
            Some(old)
                if old.rank() > req.rank()
                    || (old.rank() == req.rank()
                        && match (old.version(), req.version()) {
                            (Some(a), Some(b)) => a <= b,
                            (Some(_), None) => true,
                            _ => false,
                        }) => {}
            _ => {
                map.insert(name, req);
            }
        }
    }

    /// Read a directory's files.
    pub fn read(dir: &Path) -> DirFacts {
        let mut facts = DirFacts {
            repo_root: dir.join(".git").exists(),
            ..DirFacts::default()
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return facts;
        };
        let mut stamp = blake3::Hasher::new();
        stamp.update(&[u8::from(facts.repo_root)]);
        let mut files: Vec<(String, PathBuf)> = Vec::new();
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            if is_dir && name.eq_ignore_ascii_case("requirements") {
                if let Ok(sub) = std::fs::read_dir(e.path()) {
                    for s in sub.flatten() {
                        let n = s.file_name().to_string_lossy().to_ascii_lowercase();
                        if n.ends_with(".txt") {
                            files.push((format!("requirements/{n}"), s.path()));
                        }
                    }
                }
            } else if !is_dir {
                files.push((name, e.path()));
            }
        }
        files.sort();
        for (name, path) in files {
            let lock: Option<(Ecosystem, LockParser)> = match name.as_str() {
                "uv.lock" | "poetry.lock" => Some((Ecosystem::Python, parse_toml_lock)),
                "package-lock.json" | "npm-shrinkwrap.json" => {
                    Some((Ecosystem::Npm, parse_package_lock))
                }
                "pnpm-lock.yaml" => Some((Ecosystem::Npm, parse_pnpm_lock)),
                "yarn.lock" => Some((Ecosystem::Npm, parse_yarn_lock)),
                "Cargo.lock" => Some((Ecosystem::Cargo, parse_cargo_lock)),
                _ => None,
            };
            let manifest = ManifestKind::of_path(&name);
            if lock.is_none() && manifest.is_none() {
                continue;
            }
            let Some(text) = read_small(&path) else {
                continue;
            };
            for part in [name.as_bytes(), text.as_bytes()] {
                stamp.update(&(part.len() as u64).to_le_bytes());
                stamp.update(part);
            }
            if let Some((eco, parse)) = lock {
                for (n, v) in parse(&text) {
                    facts.add(eco, eco.normalise(&n), Requirement::Locked(v));
                }
            } else if let Some(kind) = manifest {
                let m = parse_manifest(kind, &text);
                if let Some(name) = &m.name {
                    let eco = kind.ecosystem();
                    facts.own.push((eco, eco.normalise(name)));
                }
                // An inherited dependency's version is the workspace root's, read there.
                for d in m.deps.into_iter().filter(|d| !d.inherited) {
                    facts.add(kind.ecosystem(), d.name, d.requirement);
                }
                if m.workspace_deps.is_some() {
                    facts.cargo_workspace = m.workspace_deps;
                }
            }
        }
        facts.stamp = *stamp.finalize().as_bytes();
        facts
    }
}

/// A lockfile reader: (name as written, version) pairs.
type LockParser = fn(&str) -> Vec<(String, Version)>;

fn read_small(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    Some(crate::source::decode(&bytes))
}

/// The directories around a file, nearest first, each parsed once.
#[derive(Debug, Default)]
pub struct Project {
    dirs: Vec<Arc<DirFacts>>,
}

type Cache<T> = RwLock<HashMap<PathBuf, Arc<T>>>;

fn cached<T>(cache: &Cache<T>, key: &Path) -> Option<Arc<T>> {
    cache
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .get(key)
        .cloned()
}

/// One directory's facts, parsed once per process even when threads ask at the same time.
fn dir_facts(dir: &Path) -> Arc<DirFacts> {
    static DIRS: OnceLock<Cache<OnceLock<Arc<DirFacts>>>> = OnceLock::new();
    let cache = DIRS.get_or_init(Default::default);
    let cell = match cached(cache, dir) {
        Some(c) => c,
        None => cache
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .entry(dir.to_path_buf())
            .or_default()
            .clone(),
    };
    cell.get_or_init(|| Arc::new(DirFacts::read(dir))).clone()
}

impl Project {
    /// The project of a file at `path` (relative to the working directory, or absolute). Cached
    /// by the file's directory: after the first file of a directory this is one map lookup.
    pub fn of_file(path: &Path) -> Arc<Project> {
        static PROJECTS: OnceLock<Cache<Project>> = OnceLock::new();
        let cache = PROJECTS.get_or_init(Default::default);
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if let Some(p) = cached(cache, dir) {
            return p;
        }
        let project = Arc::new(Project::of_dir(dir));
        cache
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .entry(dir.to_path_buf())
            .or_insert(project)
            .clone()
    }

    /// Read (through the cache) a directory and its ancestors, up to and including the
    /// repository root.
    pub fn of_dir(dir: &Path) -> Project {
        let abs = std::fs::canonicalize(dir)
            .or_else(|_| std::path::absolute(dir))
            .unwrap_or_else(|_| dir.to_path_buf());
        let mut dirs = Vec::new();
        for a in abs.ancestors() {
            let facts = dir_facts(a);
            let root = facts.repo_root;
            dirs.push(facts);
            if root {
                break;
            }
        }
        Project { dirs }
    }

    /// A hash of every lockfile and manifest the project was read from, nearest directory first:
    /// a result that asked the project holds while this stays the same (the result cache checks it).
    pub fn stamp(&self) -> [u8; 32] {
        let mut h = blake3::Hasher::new();
        for d in &self.dirs {
            h.update(&d.stamp);
        }
        *h.finalize().as_bytes()
    }

    /// What the nearest directory that mentions `name` says about it.
    pub fn requirement(&self, eco: Ecosystem, name: &str) -> Option<&Requirement> {
        let key = eco.normalise(name);
        self.dirs.iter().find_map(|d| d.map(eco).get(&key))
    }

    /// The version the project uses of `name` (locked or pinned), or the lowest its range
    /// allows; `None` when unknown.
    pub fn version(&self, eco: Ecosystem, name: &str) -> Option<&Version> {
        self.requirement(eco, name).and_then(Requirement::version)
    }

    /// The `[workspace.dependencies]` entry for `key` of the nearest Cargo workspace root (the
    /// nearest directory whose `Cargo.toml` has a `[workspace]`), for a member's
    /// `key = { workspace = true }`.
    pub fn cargo_workspace_dep(&self, key: &str) -> Option<&Declared> {
        let key = Ecosystem::Cargo.normalise(key);
        self.dirs
            .iter()
            .find_map(|d| d.cargo_workspace.as_ref())
            .and_then(|ws| ws.get(&key))
    }

    /// Whether a manifest of one of the directories publishes `name`: the repository's own
    /// package.
    pub fn publishes(&self, eco: Ecosystem, name: &str) -> bool {
        let key = (eco, eco.normalise(name));
        self.dirs.iter().any(|d| d.own.contains(&key))
    }

    /// Whether a lockfile of this ecosystem, in any of the directories, lists `name`.
    pub fn locked(&self, eco: Ecosystem, name: &str) -> bool {
        let key = eco.normalise(name);
        self.dirs
            .iter()
            .any(|d| matches!(d.map(eco).get(&key), Some(Requirement::Locked(_))))
    }
}

/// A source file's project, looked up the first time a rule asks (most files never do).
#[derive(Debug)]
pub struct LazyProject<'a> {
    path: &'a str,
    /// The registry the file's imports name; `None` for text files.
    pub ecosystem: Option<Ecosystem>,
    cell: OnceCell<Arc<Project>>,
}

impl<'a> LazyProject<'a> {
    /// `display_path` is relative to the working directory (or absolute); standard input is
    /// given its `--stdin-filename`, which resolves from the working directory too.
    pub fn new(display_path: &'a str, family: Family) -> Self {
        LazyProject {
            path: display_path,
            ecosystem: Ecosystem::of_family(family),
            cell: OnceCell::new(),
        }
    }

    pub fn get(&self) -> &Project {
        self.cell
            .get_or_init(|| Project::of_file(Path::new(self.path)))
    }

    /// The project, if a rule asked for it.
    pub fn consulted(&self) -> Option<&Project> {
        self.cell.get().map(|p| &**p)
    }

    /// The version of `package` in the file's ecosystem, if known.
    pub fn version(&self, package: &str) -> Option<&Version> {
        let eco = self.ecosystem?;
        self.get().version(eco, package)
    }
}

#[cfg(test)]
mod tests;
