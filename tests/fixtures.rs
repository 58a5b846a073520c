//! The fixture harness: fixtures are the rules' specification.
//!
//! Every file under `fixtures/` is scanned with every rule enabled and `--strict` on. Annotations
//! follow Semgrep's convention, on the line(s) before the code they describe:
//! `# ruleid: AIG601` (must be reported on the next code line), `# ok: AIG601` (must not be),
//! `# todoruleid: AIG601` (a known miss: must not be reported yet) and `# todook: AIG601` (a known
//! false positive: tolerated). Annotations apply to the next line that is not blank or a comment. TS/JS use `//`. Files without comments use a sidecar
//! `<file>.expect` with lines `12: AIG101`. Any finding no annotation names fails the test, as does
//! any `ruleid` that is not reported.
//!
//! Fixtures are scanned as a user's scan would be: findings in tests, examples and other
//! non-production code (`rules/file-roles.toml`) are left out, as `fixtures/file-roles/`
//! specifies; `file_role_fixtures_hide_real_findings` checks `--include-tests` reports its `ok`
//! lines.

use aiguard::finding::Finding;
use aiguard::scan::{self, ScanOptions};
use aiguard::source::{Language, Source};
use aiguard::spec::registry::Registry;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Debug, Default)]
struct Expectations {
    /// (line, rule) that must be reported.
    ruleid: BTreeSet<(u32, String)>,
    /// (line, rule) tolerated although reported.
    todook: BTreeSet<(u32, String)>,
    /// (line, rule) known to be missed.
    todoruleid: BTreeSet<(u32, String)>,
    /// (line, rule) that must not be reported.
    ok: BTreeSet<(u32, String)>,
    /// Rules this file does not specify (`# fixture-ignores: AIG501, AIG502`): their findings
    /// here are not checked. For the hygiene rules that fire on almost every model call
    /// (a missing token cap or timeout), in fixtures written for other rules; each has its
    /// own fixtures, where every finding is checked.
    ignores: BTreeSet<String>,
}

fn fixture_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixtures dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().and_then(|e| e.to_str()) != Some("expect") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn load_source(path: &Path) -> Source {
    let bytes = std::fs::read(path).expect("read fixture");
    let text = aiguard::source::decode(&bytes);
    let rel = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    let language = Language::from_path(path);
    if language == Language::Notebook {
        let nb = aiguard::lang::notebook::extract(&text)
            .unwrap_or_else(|e| panic!("{rel}: fixture notebook does not load: {e}"));
        let mut s = Source::new(rel, language, nb.code.clone());
        s.notebook = Some(nb);
        s.raw = Some(text);
        return s;
    }
    Source::new(rel, language, text)
}

/// Parse annotations from comment lines. An annotation applies to the next line that is not
/// itself an annotation.
fn expectations(source: &Source, path: &Path) -> Expectations {
    let mut exp = Expectations::default();
    let prefix = source.language.comment_prefix();
    let mut pending: Vec<(&str, String)> = Vec::new();
    for (i, line) in source.text.lines().enumerate() {
        let lineno = i as u32 + 1;
        let mut trimmed = line.trim_start();
        // Markup (a component's template, JSX children) takes annotations in its own comments:
        // `<!-- // ruleid: AIG304 -->`, `{/* // ruleid: AIG304 */}`.
        let markup_comment = [("<!--", "-->"), ("{/*", "*/}")]
            .iter()
            .find_map(|(open, close)| {
                trimmed
                    .strip_prefix(open)
                    .and_then(|r| r.trim_end().strip_suffix(close))
            });
        if let Some(inner) = markup_comment {
            if inner.trim_start().starts_with(prefix) {
                trimmed = inner.trim();
            }
        }
        if let Some(ids) = trimmed
            .strip_prefix(prefix)
            .map(str::trim_start)
            .and_then(|rest| rest.strip_prefix("fixture-ignores:"))
        {
            exp.ignores.extend(
                ids.split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
            continue;
        }
        let annotation = trimmed
            .strip_prefix(prefix)
            .map(str::trim_start)
            .and_then(|rest| {
                ["todoruleid:", "todook:", "ruleid:", "ok:"]
                    .into_iter()
                    .find_map(|k| rest.strip_prefix(k).map(|ids| (k, ids)))
            });
        match annotation {
            Some((kind, ids)) => {
                for id in ids
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|s| !s.is_empty())
                {
                    pending.push((kind, id.to_string()));
                }
            }
            // Annotations apply to the next line of code: blank and comment-only lines (such as a
            // suppression comment on its own line) are passed over.
            None if !pending.is_empty() && !trimmed.is_empty() && !trimmed.starts_with(prefix) => {
                for (kind, id) in pending.drain(..) {
                    let set = match kind {
                        "ruleid:" => &mut exp.ruleid,
                        "todook:" => &mut exp.todook,
                        "todoruleid:" => &mut exp.todoruleid,
                        "ok:" => &mut exp.ok,
                        _ => continue,
                    };
                    set.insert((lineno, id));
                }
            }
            None => {}
        }
    }
    let sidecar = PathBuf::from(format!("{}.expect", path.display()));
    if let Ok(text) = std::fs::read_to_string(&sidecar) {
        for line in text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let (n, id) = line.split_once(':').expect("sidecar line is `N: AIGnnn`");
            exp.ruleid.insert((
                n.trim().parse().expect("line number"),
                id.trim().to_string(),
            ));
        }
    }
    exp
}

/// The line of a finding in the analysed text (for notebooks, the joined code, where the
/// annotations are), not in the file; for a notebook's saved outputs, the file's line.
fn analysed_line(source: &Source, f: &Finding) -> u32 {
    // Secrets in a notebook's saved outputs are found in the raw JSON and have no cell: their
    // line is the file's, as the sidecar lists it.
    if source.notebook.is_some() && f.location.cell.is_none() {
        return f.location.line;
    }
    source.line_col(f.location.start_byte).0
}

fn all_rules_options(registry: &Registry) -> ScanOptions {
    ScanOptions {
        enabled: registry.rules.iter().map(|r| r.id).collect(),
        strict: true,
        threads: 1,
        ..ScanOptions::default()
    }
}

#[test]
fn fixtures_match_their_annotations() {
    let registry = Registry::builtin();
    let opts = all_rules_options(registry);
    let mut failures = Vec::new();
    let files = fixture_files();
    assert!(!files.is_empty(), "no fixtures found");
    for path in &files {
        let source = load_source(path);
        let exp = expectations(&source, path);
        let result = scan::run_file(&source, registry, &opts);
        let mut found: BTreeMap<(u32, String), &Finding> = BTreeMap::new();
        for f in &result.findings {
            found.insert((analysed_line(&source, f), f.rule_id.to_string()), f);
        }
        for key in &exp.ruleid {
            if !found.contains_key(key) {
                failures.push(format!(
                    "{}:{}: expected {} but it was not reported",
                    source.display_path, key.0, key.1
                ));
            }
        }
        for key in &exp.todoruleid {
            if found.contains_key(key) {
                failures.push(format!(
                    "{}:{}: {} is now reported: turn `todoruleid` into `ruleid`",
                    source.display_path, key.0, key.1
                ));
            }
        }
        for key in exp.ruleid.iter().chain(&exp.todoruleid) {
            if exp.ignores.contains(&key.1) {
                failures.push(format!(
                    "{}:{}: {} is both specified and ignored",
                    source.display_path, key.0, key.1
                ));
            }
        }
        for (key, f) in &found {
            if !exp.ruleid.contains(key)
                && !exp.todook.contains(key)
                && !exp.ignores.contains(&key.1)
            {
                failures.push(format!(
                    "{}:{}: unexpected {}: {}",
                    source.display_path, key.0, key.1, f.message
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The file-role fixtures' `ok` lines are left out for their role alone: with `--include-tests`
/// every one of them is reported, so each fixture says something a broken role would change.
#[test]
fn file_role_fixtures_hide_real_findings() {
    let registry = Registry::builtin();
    let opts = ScanOptions {
        include_tests: true,
        ..all_rules_options(registry)
    };
    let mut silent = Vec::new();
    for path in fixture_files() {
        let source = load_source(&path);
        if !source.display_path.starts_with("fixtures/file-roles/") {
            continue;
        }
        let result = scan::run_file(&source, registry, &opts);
        let found: BTreeSet<(u32, String)> = result
            .findings
            .iter()
            .map(|f| (analysed_line(&source, f), f.rule_id.to_string()))
            .collect();
        for key in expectations(&source, &path).ok {
            if !found.contains(&key) {
                silent.push(format!("{}:{}: {}", source.display_path, key.0, key.1));
            }
        }
    }
    assert!(
        silent.is_empty(),
        "`ok` lines that --include-tests does not report either:\n{}",
        silent.join("\n")
    );
}

/// Every rule has a `ruleid` fixture in every language family it claims to support.
#[test]
fn every_rule_has_fixtures_in_each_language() {
    let registry = Registry::builtin();
    let mut covered: BTreeSet<(String, &'static str)> = BTreeSet::new();
    for path in fixture_files() {
        let source = load_source(&path);
        let family = source.language.family().name();
        for (_, id) in expectations(&source, &path).ruleid {
            covered.insert((id, family));
        }
    }
    let mut missing = Vec::new();
    for rule in &registry.rules {
        for lang in &rule.languages {
            if !covered.contains(&(rule.id.to_string(), *lang)) {
                missing.push(format!(
                    "{} ({}) has no `ruleid` fixture in {lang}",
                    rule.id, rule.name
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The harness itself must be able to fail: a finding on an unannotated line is caught.
#[test]
fn harness_detects_unannotated_findings() {
    let registry = Registry::builtin();
    let opts = all_rules_options(registry);
    let source = Source::new(
        "probe.py".into(),
        Language::Python,
        "import torch\nx = torch.load('m.pt')\n".into(),
    );
    let result = scan::run_file(&source, registry, &opts);
    let exp = expectations(&source, Path::new("probe.py"));
    assert!(exp.ruleid.is_empty());
    assert_eq!(
        result.findings.len(),
        1,
        "the probe must produce exactly one finding"
    );
    assert_eq!(result.findings[0].rule_id, "AIG601");
}
