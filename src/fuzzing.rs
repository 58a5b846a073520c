//! The checks the fuzz targets (`fuzz/`) and the stable smoke test (`tests/fuzz_smoke.rs`) run on
//! one input. It lives in the library, hidden from the docs, so that both run exactly the same
//! code: the cargo-fuzz crate needs nightly and is not built by CI, the smoke test is.
//!
//! An input is `[name byte][flags byte][file bytes...]`: the name byte picks the file name (and so
//! the language and the text rules that apply), the flags byte picks `--strict`, colour, and
//! whether and where a checksum-valid GitHub token or an OpenAI project key is planted in the text.
//! [`check`] then runs what `aiguard scan FILE` runs for one file, every report format, the
//! `--fix --diff` text and the inventory of the file, and panics when:
//!
//! - anything in the pipeline panics;
//! - a secret is printed: a value the secret detectors found (a redaction span, 12 bytes or more)
//!   appears verbatim in a rendered report; or the planted key was detected and its body (after
//!   the prefix) appears in a report;
//! - the input took longer than [`time_bound`].
//!
//! The `--fix --diff` text and the inventory are masked as the CLI masks them
//! ([`crate::rules::secrets::mask_output`]) and checked like the reports. `AIGUARD_FUZZ_DUMP=DIR`
//! writes the file as analysed (keys planted) to DIR under its picked name, to rerun with the CLI.

use crate::finding::ScanResult;
use crate::report::{self, Format, ReportOptions};
use crate::rules::secrets::mask_output;
use crate::scan::{self, ScanOptions};
use crate::source::Source;
use crate::spec::registry::Registry;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// File names the name byte picks from (modulo the length). Relative: the project lookup some
/// rules make reads the working directory's manifests, as a scan from there would.
pub const NAMES: &[&str] = &[
    "app/main.py",
    "app/chat.ts",
    "app/Chat.tsx",
    "app/chat.js",
    "src/main.rs",
    "notebooks/analysis.ipynb",
    ".env",
    "config/settings.yaml",
    "config/settings.json",
    "requirements.txt",
    "package.json",
    "Cargo.toml",
    "pyproject.toml",
    "notes.txt",
    "tests/test_chat.py",
    "src/chat.test.ts",
    "app/view.jsx",
    "lib/util.mjs",
    "types/api.d.ts",
    "Dockerfile",
    ".github/workflows/ci.yml",
    "docker-compose.yml",
];

/// The name byte for a file name: the index of the entry of [`NAMES`] with the same extension
/// (or name), else `.txt`'s. Used to build seeds from files.
pub fn name_byte(path: &str) -> u8 {
    let file = path.rsplit('/').next().unwrap_or(path);
    if let Some(i) = NAMES
        .iter()
        .position(|n| n.rsplit('/').next() == Some(file))
    {
        return i as u8;
    }
    let ext = |p: &str| p.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    let want = ext(file);
    let i = NAMES
        .iter()
        .position(|n| want.is_some() && ext(n) == want && !n.contains("test"))
        .or_else(|| NAMES.iter().position(|n| n.ends_with(".txt")))
        .unwrap_or(0);
    i as u8
}

/// What an input says besides the file's bytes.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    pub name: &'static str,
    pub strict: bool,
    pub color: bool,
    /// 0: nothing planted, 1: a GitHub token, 2: an OpenAI project key, 3: both.
    pub plant: u8,
    /// Plant inside an assignment (`api_key = "..."`) rather than bare.
    pub plant_assigned: bool,
    /// Where to plant, in sixteenths of the text.
    pub plant_at: u8,
    pub bytes: &'a [u8],
}

impl<'a> Input<'a> {
    pub fn parse(data: &'a [u8]) -> Input<'a> {
        let name = NAMES[data.first().copied().unwrap_or(0) as usize % NAMES.len()];
        let flags = data.get(1).copied().unwrap_or(0);
        Input {
            name,
            strict: flags & 1 != 0,
            color: flags & 2 != 0,
            plant: (flags >> 2) & 3,
            plant_assigned: flags & 0x10 != 0,
            plant_at: (flags >> 5) * 2,
            bytes: data.get(2..).unwrap_or_default(),
        }
    }
}

/// The per-input bound: generous, the largest inputs take well under a second in release.
pub fn time_bound() -> Duration {
    if cfg!(debug_assertions) {
        Duration::from_secs(60)
    } else {
        Duration::from_secs(10)
    }
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A xorshift generator: deterministic, no dependency.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0.max(1);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

/// A GitHub token with a valid checksum: `ghp_` + 30 base62 + the base62 CRC32 of those 30.
pub fn github_token(rng: &mut Rng) -> String {
    let body: String = (0..30)
        .map(|_| BASE62[rng.below(62)] as char)
        .collect::<String>();
    crate::rules::secrets::checks::github_token("ghp_", &body)
}

/// An OpenAI project key: `sk-proj-` + 40 + `T3BlbkFJ` + 40 characters.
pub fn openai_key(rng: &mut Rng) -> String {
    let mut part = || {
        (0..40)
            .map(|_| BASE62[rng.below(62)] as char)
            .collect::<String>()
    };
    let (a, b) = (part(), part());
    format!("sk-proj-{a}T3BlbkFJ{b}")
}

/// The secret part of a planted key: everything after its public prefix.
fn body(key: &str) -> &str {
    key.strip_prefix("ghp_")
        .or_else(|| key.strip_prefix("sk-proj-"))
        .unwrap_or(key)
}

/// The file's bytes with the planted keys spliced in, and the keys.
fn plant(input: &Input) -> (Vec<u8>, Vec<String>) {
    let mut bytes = input.bytes.to_vec();
    if input.plant == 0 {
        return (bytes, Vec::new());
    }
    let mut rng = Rng(crate::finding::fnv64(&[&String::from_utf8_lossy(input.bytes)]) | 1);
    let mut keys = Vec::new();
    if input.plant & 1 != 0 {
        keys.push(github_token(&mut rng));
    }
    if input.plant & 2 != 0 {
        keys.push(openai_key(&mut rng));
    }
    // Places chosen in the original bytes, then filled from the last, so a key never lands
    // inside another.
    let mut places: Vec<(usize, &String)> = keys
        .iter()
        .enumerate()
        .map(|(i, key)| {
            let mut at = (bytes.len() * (input.plant_at as usize + i) / 16).min(bytes.len());
            // At a character boundary of UTF-8 text (no effect on other bytes).
            while at > 0 && at < bytes.len() && (bytes[at] & 0xC0) == 0x80 {
                at -= 1;
            }
            (at, key)
        })
        .collect();
    places.sort_by_key(|p| std::cmp::Reverse(p.0));
    for (at, key) in places {
        let text = if input.plant_assigned {
            format!("\napi_key = \"{key}\"\n")
        } else {
            format!(" {key} ")
        };
        bytes.splice(at..at, text.bytes());
    }
    (bytes, keys)
}

/// What [`check`] saw, for statistics.
#[derive(Debug, Default, Clone)]
pub struct Outcome {
    /// The file was analysed (not skipped as binary or minified).
    pub analysed: bool,
    pub findings: usize,
    /// Keys planted, and how many of them the detectors found.
    pub planted: usize,
    pub planted_found: usize,
    pub elapsed: Duration,
}

struct Setup {
    registry: &'static Registry,
    enabled: BTreeSet<&'static str>,
    inventory_enabled: BTreeSet<&'static str>,
    report: ReportOptions,
    /// Every format rendered for an empty result: the rule documentation SARIF carries quotes
    /// example values (a commit hash) that the detectors may also find in an input.
    boilerplate: String,
}

const FORMATS: [Format; 5] = [
    Format::Full,
    Format::Concise,
    Format::Json,
    Format::Sarif,
    Format::Github,
];

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let registry = Registry::builtin();
        let all = ["ALL".to_string()];
        let enabled = crate::config::select_rules(registry, Some(&all), &[], &[])
            .expect("ALL selects every rule");
        let inventory_enabled = registry
            .rules
            .iter()
            .map(|r| r.id)
            .filter(|id| registry.inventory.rules().any(|r| r == *id))
            .collect();
        let cwd = std::env::current_dir().unwrap_or_default();
        let report = ReportOptions {
            color: false,
            width: 100,
            repo_root: cwd.clone(),
            cwd,
            enabled_rules: enabled.iter().copied().collect(),
        };
        let empty = ScanResult::default();
        let boilerplate = FORMATS
            .iter()
            .map(|f| report::render(*f, &empty, registry, &report))
            .collect();
        Setup {
            registry,
            enabled,
            inventory_enabled,
            report,
            boilerplate,
        }
    })
}

/// Parse, lower and resolve only (the `front_ends` target): every language the name byte picks.
pub fn front_ends(data: &[u8]) {
    let input = Input::parse(data);
    let start = Instant::now();
    let loaded = crate::discover::from_bytes(
        Path::new(input.name),
        input.name.to_string(),
        input.bytes.to_vec(),
    );
    if let Some(source) = loaded.source {
        let mut module = crate::lang::parse(&source);
        crate::resolve::resolve(&mut module);
    }
    let elapsed = start.elapsed();
    assert!(
        elapsed <= time_bound(),
        "front ends took {elapsed:?} on a {}-byte {}",
        input.bytes.len(),
        input.name
    );
}

/// The whole single-file pipeline, every output, and the checks (see the module docs).
pub fn check(data: &[u8]) -> Outcome {
    let input = Input::parse(data);
    let s = setup();
    let start = Instant::now();
    let (bytes, keys) = plant(&input);
    // To reproduce a failure with the CLI: the file as analysed, under its picked name.
    if let Some(dir) = std::env::var_os("AIGUARD_FUZZ_DUMP") {
        let file = input.name.rsplit('/').next().unwrap_or(input.name);
        let _ = std::fs::write(Path::new(&dir).join(file), &bytes);
    }
    let mut out = Outcome {
        planted: keys.len(),
        ..Outcome::default()
    };
    let loaded = crate::discover::from_bytes(Path::new(input.name), input.name.to_string(), bytes);
    let mut result = ScanResult::default();
    result.skipped.extend(loaded.note);
    let Some(source) = loaded.source else {
        return out;
    };
    out.analysed = true;
    let opts = ScanOptions {
        enabled: s.enabled.clone(),
        strict: input.strict,
        threads: 1,
        ..ScanOptions::default()
    };
    let fr = scan::run_file(&source, s.registry, &opts);
    // The values to keep out of every output: what the detectors found, as the redaction spans
    // give them (the same detectors, run again for their spans).
    let module = crate::lang::parse(&source);
    fn value<'t>(text: &'t str, span: &crate::ir::Span) -> Option<&'t str> {
        text.get(span.range()).filter(|v| v.len() >= 12)
    }
    let mut hits = Vec::new();
    let redactions =
        crate::rules::secrets::run(&source, &module, s.registry, &s.enabled, &mut hits);
    let mut secrets: BTreeSet<&str> = BTreeSet::new();
    secrets.extend(
        redactions
            .text
            .iter()
            .filter_map(|r| value(&source.text, r)),
    );
    if let Some(raw) = &source.raw {
        secrets.extend(redactions.raw.iter().filter_map(|r| value(raw, r)));
    }
    // A value the reports print whatever the input is not the input's secret, nor is a reference
    // to one (`${DB_PASSWORD}` in a URL is masked, but printing it elsewhere leaks nothing).
    let reference = |v: &str| {
        (v.starts_with("${") && v.ends_with('}')) || (v.starts_with("{{") && v.ends_with("}}"))
    };
    secrets.retain(|v| !s.boilerplate.contains(v) && !reference(v));
    let mut guarded: Vec<&str> = secrets.iter().copied().collect();
    for key in &keys {
        let found = secrets.iter().any(|v| v.contains(key.as_str()));
        if found {
            out.planted_found += 1;
            guarded.push(body(key));
        }
    }

    result.findings = fr.findings.clone();
    result.suppressed = fr.suppressed;
    result.secrets.extend(fr.secrets);
    result.skipped.extend(fr.note);
    result.files_scanned = 1;
    result.bytes_scanned = source.text.len() as u64;
    *result
        .files_by_language
        .entry(source.language.name().into())
        .or_default() += 1;
    result.sort();
    out.findings = result.findings.len();

    let leak = |what: &str, text: &str| {
        guarded
            .iter()
            .find(|v| text.contains(**v))
            .map(|v| format!("{what} prints the secret {v:?} of {}", input.name))
    };
    for format in FORMATS {
        let mut ro = s.report.clone();
        ro.color = input.color;
        let text = report::render(format, &result, s.registry, &ro);
        if let Some(l) = leak(&format!("{format:?}"), &text) {
            panic!("{l}");
        }
    }
    let stats = report::statistics(&result);
    if let Some(l) = leak("--statistics", &stats) {
        panic!("{l}");
    }
    let summary = report::summary_line(&result);
    if let Some(l) = leak("the summary line", &summary) {
        panic!("{l}");
    }

    // `--fix --diff`, in memory: the edits applied to the analysed text as `fix::apply` does.
    if source.notebook.is_none() {
        let diff = fix_diff(&source, &result);
        let diff = mask_output(&diff, &result.secrets, &s.registry.secrets);
        if let Some(l) = leak("--fix --diff", &diff) {
            panic!("{l}");
        }
    }

    // `aiguard inventory` on this one file, in its three formats.
    let inv = crate::inventory::of_source(&source, s.registry, &s.inventory_enabled);
    let texts = [
        inv.to_table(),
        serde_json::to_string_pretty(&inv).expect("inventory serialises"),
        serde_json::to_string_pretty(&inv.to_cyclonedx(&s.registry.inventory.download_purl))
            .expect("CycloneDX serialises"),
    ];
    for t in &texts {
        let t = mask_output(t, &inv.secret_values, &s.registry.secrets);
        if let Some(l) = leak("inventory", &t) {
            panic!("{l}");
        }
    }

    out.elapsed = start.elapsed();
    assert!(
        out.elapsed <= time_bound(),
        "took {:?} on a {}-byte {} (bound {:?})",
        out.elapsed,
        input.bytes.len(),
        input.name,
        time_bound()
    );
    out
}

/// The `--fix --diff` output for the findings of one source, without touching the disk.
fn fix_diff(source: &Source, result: &ScanResult) -> String {
    let mut group: Vec<_> = result
        .findings
        .iter()
        .filter(|f| f.edit.is_some())
        .collect();
    if group.is_empty() {
        return String::new();
    }
    group.sort_by_key(|f| std::cmp::Reverse(f.edit.as_ref().map_or(0, |e| e.start)));
    let mut new = source.text.clone();
    let mut limit = usize::MAX;
    for f in group {
        let e = f.edit.as_ref().expect("filtered");
        let applies = e.start <= e.end
            && e.end <= new.len()
            && new.is_char_boundary(e.start)
            && new.is_char_boundary(e.end);
        if e.end > limit || !applies {
            continue;
        }
        new.replace_range(e.start..e.end, &e.text);
        limit = e.start;
    }
    crate::fix::unified_diff(&source.display_path, &source.text, &new)
}
