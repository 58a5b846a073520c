//! Which files to scan, in which language, and which are skipped and why.
//!
//! The walk is the `ignore` crate's parallel walker (ripgrep's): `.gitignore` (also outside a git
//! repository), `.ignore` and `.aiguardignore` are honoured; hidden files are scanned (`.env`
//! files hold secrets) except `.git`; symlinks are never followed, so loops cannot hang it. A
//! fixed list of build, dependency, cache and binary paths is always left out (see
//! [`default_excluded`]) without counting as skipped: they are noise, not lost coverage.
//!
//! User excludes are gitignore lines (`ignore::gitignore::GitignoreBuilder` rooted at the working
//! directory) matched against the display path, so `tests/fixtures` means `./tests/fixtures` and
//! `*.gen.py` matches in any directory.

use crate::finding::{SkipReason, Skipped};
use crate::source::{Language, Source};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{WalkBuilder, WalkState};
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

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
    /// Its path in its repository (the nearest directory above with `.git`), else below the
    /// directory named on the command line, else (a file named itself) its name: what its role is
    /// read from, so where a checkout sits never makes it a test.
    pub role_path: Option<String>,
}

/// Directories never walked into (by name, at any depth).
const EXCLUDED_DIRS: &[&str] = &[
    "node_modules",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "site-packages",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".aiguard_cache",
    "dist",
    "build",
    "target",
    ".next",
    ".nuxt",
    "coverage",
    "vendor",
    "third_party",
    "bower_components",
];

/// Generated files never read (by exact name).
const EXCLUDED_FILES: &[&str] = &[
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "poetry.lock",
    "uv.lock",
    "Cargo.lock",
];

/// Name suffixes of bundled or generated JavaScript and source maps.
const EXCLUDED_SUFFIXES: &[&str] = &[".min.js", ".min.mjs", ".bundle.js", ".map"];

/// Extensions (lowercase) of files that are binary by nature: images, media, fonts, archives,
/// native code, bytecode, model weights and data sets.
const BINARY_EXTENSIONS: &[&str] = &[
    "png",
    "jpg",
    "jpeg",
    "gif",
    "bmp",
    "webp",
    "ico",
    "icns",
    "tif",
    "tiff",
    "psd",
    "pdf",
    "mp3",
    "mp4",
    "wav",
    "ogg",
    "flac",
    "avi",
    "mov",
    "mkv",
    "webm",
    "woff",
    "woff2",
    "ttf",
    "otf",
    "eot",
    "zip",
    "gz",
    "tgz",
    "bz2",
    "xz",
    "zst",
    "7z",
    "rar",
    "tar",
    "jar",
    "whl",
    "egg",
    "so",
    "dylib",
    "dll",
    "exe",
    "o",
    "a",
    "lib",
    "obj",
    "class",
    "pyc",
    "pyo",
    "wasm",
    "pt",
    "pth",
    "ckpt",
    "bin",
    "safetensors",
    "onnx",
    "gguf",
    "tflite",
    "h5",
    "hdf5",
    "pkl",
    "pickle",
    "joblib",
    "npy",
    "npz",
    "parquet",
    "feather",
    "arrow",
    "sqlite",
    "sqlite3",
    "db",
];

/// Whether an entry with this file name is always left out. Directory names only exclude
/// directories (a file named `build` is scanned).
pub fn default_excluded(name: &str, is_dir: bool) -> bool {
    if name == ".git" {
        // A directory, or a file in a worktree or submodule.
        return true;
    }
    if is_dir {
        return EXCLUDED_DIRS.contains(&name);
    }
    if EXCLUDED_FILES.contains(&name) || EXCLUDED_SUFFIXES.iter().any(|s| name.ends_with(s)) {
        return true;
    }
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => BINARY_EXTENSIONS
            .iter()
            .any(|b| b.eq_ignore_ascii_case(ext)),
        _ => false,
    }
}

/// The path as reported: relative to `cwd` when under it, else as given; `.` components dropped,
/// `/` separators on every platform.
fn display_of(path: &Path, cwds: &[PathBuf]) -> String {
    let rel = if path.is_absolute() {
        cwds.iter()
            .find_map(|c| path.strip_prefix(c).ok())
            .unwrap_or(path)
    } else {
        path
    };
    let mut out = String::new();
    for c in rel.components() {
        let part = match c {
            Component::CurDir => continue,
            Component::Prefix(p) => {
                out.push_str(&p.as_os_str().to_string_lossy());
                continue;
            }
            Component::RootDir => {
                out.push('/');
                continue;
            }
            Component::ParentDir => "..".into(),
            Component::Normal(s) => s.to_string_lossy(),
        };
        if !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        out.push_str(&part);
    }
    if out.is_empty() {
        out.push('.');
    }
    out
}

/// Default and user excludes, matched against display paths.
struct Excludes {
    user: Gitignore,
}

impl Excludes {
    fn new(globs: &[String], cwd: &Path) -> Self {
        let mut builder = GitignoreBuilder::new(cwd);
        for g in globs {
            if let Err(e) = builder.add_line(None, g) {
                // `walk` has no error channel; a bad glob must not stop the scan.
                eprintln!("aiguard: warning: ignoring bad exclude glob {g:?}: {e}");
            }
        }
        let user = builder.build().unwrap_or_else(|e| {
            eprintln!("aiguard: warning: ignoring exclude globs: {e}");
            Gitignore::empty()
        });
        Excludes { user }
    }

    /// One entry, its parent directories already checked (the walk prunes them).
    fn entry(&self, display: &str, name: &str, is_dir: bool) -> bool {
        default_excluded(name, is_dir) || self.user.matched(display, is_dir).is_ignore()
    }

    /// A path named on the command line: the entry and each of its ancestors. For paths outside
    /// the working directory only the entry itself (its ancestors are not the project's).
    fn path(&self, display: &str, is_dir: bool) -> bool {
        let name = display.rsplit('/').next().unwrap_or(display);
        if self.entry(display, name, is_dir) {
            return true;
        }
        if display.starts_with('/') || display.starts_with("..") {
            return false;
        }
        let mut end = 0;
        while let Some(i) = display[end..].find('/') {
            let dir = &display[..end + i];
            let name = dir.rsplit('/').next().unwrap_or(dir);
            if !dir.is_empty() && self.entry(dir, name, true) {
                return true;
            }
            end += i + 1;
        }
        false
    }
}

/// The path of a walk error, when it names one.
fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child),
        _ => None,
    }
}

/// Walk the paths. Returns candidates and files skipped during the walk, both sorted by path.
pub fn walk(opts: &WalkOptions) -> (Vec<Candidate>, Vec<Skipped>) {
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut cwds = vec![cwd.clone()];
    if let Ok(canon) = cwd.canonicalize() {
        if canon != cwd {
            cwds.push(canon);
        }
    }
    let excludes = Excludes::new(&opts.exclude, &cwd);
    let mut candidates = Vec::new();
    let mut skipped = Vec::new();
    let skip = |display: String, reason, detail| Skipped {
        path: display,
        reason,
        detail,
    };

    let mut roots = Vec::new();
    for path in &opts.paths {
        let display = display_of(path, &cwds);
        // Follows a symlink named on the command line: the user asked for it.
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                skipped.push(skip(display, SkipReason::Unreadable, Some(e.to_string())));
                continue;
            }
        };
        if opts.force_exclude && excludes.path(&display, meta.is_dir()) {
            skipped.push(skip(display, SkipReason::Excluded, None));
        } else if meta.is_dir() {
            roots.push(path.clone());
        } else if meta.is_file() {
            let dir = path.parent().unwrap_or(Path::new("."));
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            candidates.push(Candidate {
                path: path.clone(),
                display,
                explicit: true,
                role_path: Some(join_below(&in_repository(dir), &name)),
            });
        } else {
            // FIFOs, sockets, devices: opening a FIFO would block.
            skipped.push(skip(display, SkipReason::NotAFile, None));
        }
    }

    let root_prefixes: Vec<(PathBuf, String)> = roots
        .iter()
        .map(|r| (r.clone(), in_repository(r)))
        .collect();
    if let Some((first, rest)) = roots.split_first() {
        let mut builder = WalkBuilder::new(first);
        for r in rest {
            builder.add(r);
        }
        builder
            .threads(opts.threads.max(1))
            .standard_filters(opts.respect_ignore_files)
            .hidden(false)
            .require_git(false)
            .follow_links(false);
        if opts.respect_ignore_files {
            builder.add_custom_ignore_filename(".aiguardignore");
        }
        let found = Mutex::new(Vec::new());
        let errors = Mutex::new(Vec::new());
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                let entry = match entry {
                    Ok(e) => e,
                    Err(err) => {
                        if let Some(p) = error_path(&err) {
                            let display = display_of(p, &cwds);
                            let s = skip(display, SkipReason::Unreadable, Some(err.to_string()));
                            errors.lock().unwrap_or_else(|e| e.into_inner()).push(s);
                        }
                        return WalkState::Continue;
                    }
                };
                // Roots were classified above.
                if entry.depth() == 0 {
                    return WalkState::Continue;
                }
                let Some(ft) = entry.file_type() else {
                    return WalkState::Continue;
                };
                let is_dir = ft.is_dir();
                // Symlinks (never followed) and special files are left out silently.
                if !is_dir && !ft.is_file() {
                    return WalkState::Continue;
                }
                let display = display_of(entry.path(), &cwds);
                let name = entry.file_name().to_string_lossy();
                if excludes.entry(&display, &name, is_dir) {
                    return if is_dir {
                        WalkState::Skip
                    } else {
                        WalkState::Continue
                    };
                }
                if !is_dir {
                    let role_path = role_path(entry.path(), entry.depth(), &root_prefixes);
                    let c = Candidate {
                        path: entry.into_path(),
                        display,
                        explicit: false,
                        role_path: Some(role_path),
                    };
                    found.lock().unwrap_or_else(|e| e.into_inner()).push(c);
                }
                WalkState::Continue
            })
        });
        candidates.extend(found.into_inner().unwrap_or_else(|e| e.into_inner()));
        skipped.extend(errors.into_inner().unwrap_or_else(|e| e.into_inner()));
    }

    // A file reached twice (named and walked, or overlapping roots) is scanned once.
    candidates.sort_by(|a, b| a.display.cmp(&b.display).then(b.explicit.cmp(&a.explicit)));
    candidates.dedup_by(|a, b| a.display == b.display);
    skipped.sort_by(|a, b| (&a.path, a.reason).cmp(&(&b.path, b.reason)));
    skipped.dedup_by(|a, b| a.path == b.path && a.reason == b.reason);
    (candidates, skipped)
}

/// A walked path's [`Candidate::role_path`]: its last `depth` components, after its root's path
/// in the repository.
fn role_path(path: &Path, depth: usize, roots: &[(PathBuf, String)]) -> String {
    let parts: Vec<_> = path.components().map(|c| c.as_os_str()).collect();
    let below = parts[parts.len().saturating_sub(depth)..]
        .iter()
        .map(|p| p.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let root = path.ancestors().nth(depth).unwrap_or(path);
    let prefix = roots
        .iter()
        .find(|(r, _)| r == root)
        .map_or("", |(_, p)| p.as_str());
    join_below(prefix, &below)
}

/// A directory's path in its repository (`""` for the root or outside any repository).
fn in_repository(dir: &Path) -> String {
    let Ok(abs) = std::fs::canonicalize(dir) else {
        return String::new();
    };
    let Some(repo) = abs.ancestors().find(|d| d.join(".git").exists()) else {
        return String::new();
    };
    let rel = abs.strip_prefix(repo).unwrap_or(Path::new(""));
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn join_below(prefix: &str, rest: &str) -> String {
    match prefix {
        "" => rest.to_string(),
        _ => format!("{prefix}/{rest}"),
    }
}

/// What reading a candidate gave: a source to analyse and/or a note on why it was skipped or
/// analysed only in part.
#[derive(Debug, Default)]
pub struct Loaded {
    pub source: Option<Source>,
    pub note: Option<Skipped>,
}

/// How much of the start of a file is searched for a NUL byte (as git and ripgrep do).
const BINARY_SNIFF: usize = 8 * 1024;

/// Binary: a NUL byte near the start, unless a UTF-16 BOM says the NULs are text.
fn is_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    bytes[..bytes.len().min(BINARY_SNIFF)].contains(&0)
}

/// A line at least this long (bytes) is a minification hint...
const MINIFIED_LINE: usize = 5_000;
/// ...and the file is minified if its lines also average at least this many bytes.
const MINIFIED_AVERAGE: usize = 300;

/// Minified JavaScript: some line over 5,000 bytes and an average line over 300 bytes. Hand-written
/// code with one long embedded data line keeps a short average; bundler output does not.
fn minified(text: &str) -> Option<String> {
    let (mut lines, mut longest) = (0usize, 0usize);
    for line in text.split('\n') {
        lines += 1;
        longest = longest.max(line.len());
    }
    let average = text.len() / lines.max(1);
    (longest > MINIFIED_LINE && average > MINIFIED_AVERAGE).then(|| {
        format!("longest line {longest} bytes, average {average} bytes over {lines} lines")
    })
}

/// A TypeScript declaration file (`.d.ts`, `.d.mts`, `.d.cts`).
fn is_declaration(path: &str) -> bool {
    [".d.ts", ".d.mts", ".d.cts"]
        .iter()
        .any(|ext| path.len() > ext.len() && path.ends_with(ext))
}

/// Read, decode and classify one file (binary, too large, minified, notebook extraction).
pub fn load(candidate: &Candidate, max_filesize: u64) -> Loaded {
    match read(candidate, max_filesize) {
        Ok(bytes) => from_bytes(&candidate.path, candidate.display.clone(), bytes),
        Err(skipped) => Loaded {
            source: None,
            note: Some(skipped),
        },
    }
}

/// The part of [`load`] before decoding: a file's bytes, or why it cannot be read.
pub fn read(candidate: &Candidate, max_filesize: u64) -> Result<Vec<u8>, Skipped> {
    let skip = |reason, detail: Option<String>| Skipped {
        path: candidate.display.clone(),
        reason,
        detail,
    };
    let meta = match std::fs::metadata(&candidate.path) {
        Ok(m) => m,
        Err(e) => return Err(skip(SkipReason::Unreadable, Some(e.to_string()))),
    };
    // Checked before opening: opening a FIFO blocks.
    if !meta.is_file() {
        return Err(skip(SkipReason::NotAFile, None));
    }
    let too_large = |size: u64| {
        skip(
            SkipReason::TooLarge,
            Some(format!("{size} bytes, limit {max_filesize}")),
        )
    };
    if meta.len() > max_filesize {
        return Err(too_large(meta.len()));
    }
    // Read one byte past the cap, so a file that grew since the stat is still caught.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    let read = std::fs::File::open(&candidate.path).and_then(|f| {
        f.take(max_filesize.saturating_add(1))
            .read_to_end(&mut bytes)
    });
    if let Err(e) = read {
        return Err(skip(SkipReason::Unreadable, Some(e.to_string())));
    }
    if bytes.len() as u64 > max_filesize {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The part of [`load`] after the read: binary check, decoding, minified check, notebook
/// extraction. `path` gives the language; `display` is the path reported.
pub fn from_bytes(path: &Path, display: String, bytes: Vec<u8>) -> Loaded {
    if is_binary(&bytes) {
        return Loaded {
            source: None,
            note: Some(Skipped {
                path: display,
                reason: SkipReason::Binary,
                detail: None,
            }),
        };
    }
    let text = crate::source::decode(&bytes);
    drop(bytes);
    let language = Language::from_path(path);
    let skip = |reason, detail: Option<String>| Loaded {
        source: None,
        note: Some(Skipped {
            path: display.clone(),
            reason,
            detail,
        }),
    };
    match language {
        // Declaration files are never minified; their long lines are export and type lists.
        Language::JavaScript
        | Language::TypeScript
        | Language::Tsx
        | Language::Vue
        | Language::Svelte
            if !is_declaration(&display) =>
        {
            if let Some(detail) = minified(&text) {
                return skip(SkipReason::Minified, Some(detail));
            }
        }
        // A generated page (a bundle inlined, a docs build) is not the app's code; its text is
        // still searched for secrets, as before pages were parsed.
        Language::Html if minified(&text).is_some() => {
            return Loaded {
                source: Some(Source::new(display, Language::Text, text)),
                note: None,
            };
        }
        Language::Notebook => {
            return match crate::lang::notebook::extract(&text) {
                Ok(nb) => {
                    let mut source = Source::new(display, language, nb.code.clone());
                    source.notebook = Some(nb);
                    source.raw = Some(text);
                    Loaded {
                        source: Some(source),
                        note: None,
                    }
                }
                // Still scanned as text: secrets in a damaged notebook are still secrets.
                Err(e) => Loaded {
                    source: Some(Source::new(display.clone(), Language::Text, text)),
                    note: Some(Skipped {
                        path: display,
                        reason: SkipReason::BrokenNotebook,
                        detail: Some(e),
                    }),
                },
            };
        }
        Language::Text if is_aiguard_output(&text) => {
            return skip(SkipReason::AiguardOutput, None);
        }
        _ => {}
    }
    Loaded {
        source: Some(Source::new(display, language, text)),
        note: None,
    }
}

/// A report, baseline or inventory aiguard wrote (`scan --format sarif -o aiguard.sarif`): rule
/// docs with example keys and URLs, and findings' messages, are not the repository's own text.
/// Recognised by the tool's name where each format records it, or the inventory's exact keys.
fn is_aiguard_output(text: &str) -> bool {
    let mut cut = text.len().min(64 * 1024);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &text[..cut];
    let json_object = text.trim_start().starts_with('{');
    let names_tool = head.contains("\"aiguard") || head.contains("\"model_calls\"");
    if !json_object || !names_tool {
        return false;
    }
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else {
        return false;
    };
    let is_aiguard = |v: &serde_json::Value| v.as_str() == Some("aiguard");
    let any_named = |list: &serde_json::Value, pointer: &str| {
        list.as_array().is_some_and(|items| {
            items
                .iter()
                .any(|i| i.pointer(pointer).is_some_and(is_aiguard))
        })
    };
    // JSON report (`tool.name`), baseline (`tool`), SARIF (`runs[].tool.driver.name`),
    // CycloneDX (`metadata.tools.components[].name`).
    doc.pointer("/tool/name").is_some_and(is_aiguard)
        || doc.pointer("/tool").is_some_and(is_aiguard)
        || doc
            .get("runs")
            .is_some_and(|runs| any_named(runs, "/tool/driver/name"))
        || doc
            .pointer("/metadata/tools/components")
            .is_some_and(|c| any_named(c, "/name"))
        || doc.as_object().is_some_and(|o| {
            let mut keys: Vec<&str> = o.keys().map(String::as_str).collect();
            keys.sort_unstable();
            keys == ["downloads", "model_calls", "secrets", "servers", "tools"]
        })
}

#[cfg(test)]
mod tests;
