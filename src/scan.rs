//! The pipeline for one file (parse, lower, resolve, run rules, build findings) and for a whole
//! scan (walk in parallel, one file per rayon task, results sorted at the end).

use crate::cache::{Cache, Key};
use crate::discover::{self, WalkOptions};
use crate::finding::{FileRole, Finding, FlowStep, Location, ScanResult, Severity};
use crate::finding::{Hit, Redactions};
use crate::finding::{SkipReason, Skipped};
use crate::flow::link::{self, ExternalCall, FnSummary, Methods, ModuleIndex, Returned, Seed};
use crate::flow::FlowOutcome;
use crate::ir::{Module, Span};
use crate::nesting::Nesting;
use crate::source::{Language, Source};
use crate::spec::facts::FactSet;
use crate::spec::flow::SHAPED;
use crate::spec::registry::Registry;
use crate::suppress;
use crate::timings::{self, Phase};
use globset::{GlobBuilder, GlobMatcher};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::Instant;
use {crate::ir::constants::Constants, crate::ir::sites::Sites};

/// Everything a scan needs besides the files.
#[derive(Debug, Default)]
pub struct ScanOptions {
    pub walk: Option<WalkOptions>,
    /// Standard input: (display path, text).
    pub stdin: Option<(String, String)>,
    pub enabled: BTreeSet<&'static str>,
    pub severity_overrides: BTreeMap<String, Severity>,
    pub per_file_ignores: Vec<PerFileIgnore>,
    pub strict: bool,
    pub threads: usize,
    /// Maps display paths to repository-relative ones for fingerprints, so a fingerprint does not
    /// depend on the directory aiguard runs from. `None`: fingerprints use display paths.
    pub repo_paths: Option<crate::finding::RepoPaths>,
    /// Report the findings in tests, examples, benchmarks, docs and scripts too
    /// (`--include-tests`); by default only their provider-format keys are.
    pub include_tests: bool,
    /// The result cache's directory (`.aiguard_cache`); `None`: no cache (`--no-cache`).
    pub cache_dir: Option<std::path::PathBuf>,
}

/// Rules ignored for paths matching a glob.
#[derive(Debug)]
pub struct PerFileIgnore {
    pub glob: GlobMatcher,
    pub rules: BTreeSet<&'static str>,
}

impl PerFileIgnore {
    /// `pattern` is matched against display paths; a pattern without `/` matches a file name
    /// anywhere, as in gitignore.
    pub fn new(pattern: &str, rules: BTreeSet<&'static str>) -> Result<Self, String> {
        let pattern = pattern.trim_start_matches("./");
        let full = if pattern.contains('/') {
            pattern.to_string()
        } else {
            format!("**/{pattern}")
        };
        let glob = GlobBuilder::new(&full)
            .literal_separator(true)
            .build()
            .map_err(|e| e.to_string())?
            .compile_matcher();
        Ok(PerFileIgnore { glob, rules })
    }
}

/// What one file gave.
#[derive(Debug, Default)]
pub struct FileResult {
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Finding>,
    pub note: Option<Skipped>,
    /// Tainted calls to functions imported from other files (for [`link_files`]).
    pub external: Vec<ExternalCall>,
    /// Whether data from other files could reach a sink here (see [`link_files`]).
    pub link_target: bool,
    /// Functions whose return value carries data (see [`link_files`]).
    pub returns: Vec<Returned>,
    /// The file's calls of imported names (`pkg.gen.CodeGenerator().generate_code`), when it has a
    /// sink: where data returned by another file's function could arrive.
    pub imported_calls: Vec<String>,
    /// The file's method calls on receivers of no known class (`Service.llm.chat`), when it has
    /// a sink: where a method of that name elsewhere in the scan may return data.
    pub method_calls: Vec<String>,
    /// Every named function of the file and what its parameters reach (see [`link_files`]).
    pub summaries: Vec<FnSummary>,
    /// Calls whose arguments carried data, sorted (see [`FlowOutcome::called_with_data`]).
    pub called_with_data: Vec<String>,
    /// The file's classes and the bases they name (see [`link_files`]).
    pub classes: Vec<link::ClassBases>,
    /// The project facts the file establishes (`llm-app`, ...).
    pub facts: FactSet,
    /// The text of every secret found in the file, for [`crate::rules::secrets::mask_output`].
    pub secrets: Vec<String>,
    /// Where those secrets are (`text` and `raw` spans only): what the result cache keeps of them.
    pub redacted: Redactions,
    /// See [`Analysis::project`].
    pub project: Option<[u8; 32]>,
    /// Findings left out because their code is not production code, per role.
    pub left_out: BTreeMap<FileRole, usize>,
}

impl FileResult {
    /// Drop the findings (kept and suppressed) of rules whose `requires_facts` / `unless_facts`
    /// fail in a project with `facts`.
    pub fn apply_facts(&mut self, registry: &Registry, facts: &FactSet) {
        self.findings
            .retain(|f| registry.facts_allow(f.rule_id, facts));
        self.suppressed
            .retain(|f| registry.facts_allow(f.rule_id, facts));
    }
}

/// Analyse one source with the enabled rules: findings before suppressions.
pub fn analyze(
    source: &Source,
    registry: &Registry,
    enabled: &BTreeSet<&'static str>,
    seeds: &[Seed],
) -> (Vec<Finding>, Module, Redactions, FlowOutcome) {
    let a = analyze_file(source, registry, enabled, seeds);
    (a.findings, a.module, a.redactions, a.outcome)
}

/// What [`analyze_file`] gives for one source.
pub struct Analysis {
    pub findings: Vec<Finding>,
    pub module: Module,
    pub redactions: Redactions,
    pub outcome: FlowOutcome,
    /// The project facts this file establishes (`[[fact]]`).
    pub facts: FactSet,
    /// [`crate::project::Project::stamp`] of the project around the file, when a rule read it.
    pub project: Option<[u8; 32]>,
}

/// [`analyze`], with the facts the file establishes.
pub fn analyze_file(
    source: &Source,
    registry: &Registry,
    enabled: &BTreeSet<&'static str>,
    seeds: &[Seed],
) -> Analysis {
    analyze_file_at(source, registry, enabled, seeds, &source.display_path)
}

/// [`analyze_file`], with `fingerprint_path` standing for the file in fingerprints.
pub fn analyze_file_at(
    source: &Source,
    registry: &Registry,
    enabled: &BTreeSet<&'static str>,
    seeds: &[Seed],
    fingerprint_path: &str,
) -> Analysis {
    let mut module = timings::time(Phase::Lower, || crate::lang::parse(source));
    timings::time(Phase::Resolve, || {
        crate::resolve::resolve(&mut module);
        let dispatch = &registry.flows.spec.method_dispatch;
        if !dispatch.is_empty() {
            crate::resolve::dispatch_methods(&mut module, &|q, method| {
                dispatch.iter().any(|d| {
                    d.methods.iter().any(|m| m == method) && d.calls.iter().any(|g| g.matches(q))
                })
            });
        }
    });
    let mut hits: Vec<Hit> = Vec::new();
    let mut outcome = FlowOutcome::default();
    let mut facts = FactSet::new();
    let family = source.language.family();
    // The project around the file, read only if a rule asks (a cached lookup after the first
    // file of a directory).
    let project = crate::project::LazyProject::new(&source.display_path, family);
    // Secrets first: a string holding a key is a source of the flows.
    let text_rules = Instant::now();
    let redactions = crate::rules::secrets::run(source, &module, registry, enabled, &mut hits);
    crate::rules::agent_text::run(source, &module, registry, enabled, &mut hits);
    timings::add(Phase::Text, text_rules);
    if source.language.is_code() {
        let patterns = Instant::now();
        let consts = Constants::collect(&module).with_lookups(&registry.flows.spec.name_lookups);
        let sites = Sites::collect(&module);
        facts = registry.facts.establish(&module, family, &sites);
        let matched = crate::rules::pattern::matched_calls(registry, &sites);
        for (pattern, matched) in registry.patterns.iter().zip(&matched) {
            if !enabled.contains(pattern.rule_id) {
                continue;
            }
            let meta = registry
                .get(pattern.rule_id)
                .expect("pattern rule is registered");
            if pattern.applies_to(family, meta) {
                pattern.run(&sites, matched, &consts, &project, &mut hits);
            }
        }
        for rule in &registry.loops {
            let meta = registry.get(rule.rule_id).expect("loop rule is registered");
            if enabled.contains(rule.rule_id) && rule.applies_to(family, meta) {
                rule.run(&module, &mut hits);
            }
        }
        timings::add(Phase::Patterns, patterns);
        let flow = Instant::now();
        outcome = crate::flow::run(
            source,
            &module,
            registry,
            &consts,
            enabled,
            seeds,
            &redactions.keys,
            &mut hits,
        );
        timings::add(Phase::Flow, flow);
    } else {
        let text_rules = Instant::now();
        crate::rules::dependency::run(source, &project, &registry.dependencies, enabled, &mut hits);
        crate::rules::workflows::run(source, &registry.workflows, enabled, &mut hits);
        crate::rules::agent_settings::run(
            source,
            &project,
            &registry.agent_settings,
            enabled,
            &mut hits,
        );
        timings::add(Phase::Text, text_rules);
    }
    let built = Instant::now();
    crate::rules::fixes::attach(&registry.fixes, &module, &source.text, &mut hits);
    hits.sort_by_key(|h| (h.in_raw, h.span.start, h.span.end, h.rule_id));
    hits.dedup_by(|a, b| a.rule_id == b.rule_id && a.span == b.span);
    let findings = build_findings(
        source,
        &module,
        registry,
        hits,
        &redactions,
        fingerprint_path,
    );
    timings::add(Phase::Findings, built);
    let project = project.consulted().map(crate::project::Project::stamp);
    Analysis {
        findings,
        module,
        redactions,
        outcome,
        facts,
        project,
    }
}

fn build_findings(
    source: &Source,
    module: &Module,
    registry: &Registry,
    hits: Vec<Hit>,
    redactions: &Redactions,
    fingerprint_path: &str,
) -> Vec<Finding> {
    let mut occurrences: HashMap<u64, u32> = HashMap::new();
    let mut out = Vec::with_capacity(hits.len());
    // A notebook's raw JSON, viewed as a source of its own, for hits in saved outputs.
    let raw_source = source
        .raw
        .as_ref()
        .filter(|_| hits.iter().any(|h| h.in_raw))
        .map(|raw| Source::new(source.display_path.clone(), Language::Text, raw.clone()));
    let functions = Nesting::new(module.functions.iter().map(|f| f.span).collect());
    let function_at = |span| {
        let inner = functions.around(span).first().copied();
        inner.map_or("", |i| &*module.functions[i].name)
    };
    for hit in hits {
        let meta = registry.get(hit.rule_id).expect("hit of a registered rule");
        // A hit in a notebook's saved outputs is in no function.
        let (src, function) = match (&raw_source, hit.in_raw) {
            (Some(raw), true) => (raw, ""),
            _ => (source, function_at(hit.span)),
        };
        let Some(code) = src.text.get(hit.span.range()) else {
            continue;
        };
        let code = normalise(code);
        let location = location_of(src, hit.span);
        let base = crate::finding::fnv64(&[hit.rule_id, fingerprint_path, function, &code]);
        let n = occurrences.entry(base).or_insert(0);
        *n += 1;
        let fingerprint = format!("{base:016x}:{n}");
        // Every secret found in the file is masked in every snippet, and a finding on a secret
        // shows no neighbouring lines (they may hold what no detector recognised).
        let redact = if hit.in_raw {
            &redactions.raw
        } else {
            &redactions.snippets
        };
        let context = !redact
            .iter()
            .any(|r| r.start < hit.span.end && hit.span.start < r.end);
        let (snippet, snippet_line) = snippet(src, hit.span, &location, redact, context);
        // Text no reader sees is shown by its code points.
        let snippet =
            crate::rules::agent_text::escape_hidden(&registry.agent_text, &snippet).into_owned();
        let flow = hit
            .flow
            .iter()
            .map(|(span, label)| FlowStep {
                location: location_of(src, *span),
                label: label.clone(),
            })
            .collect();
        // Offsets into a notebook's joined cells are not offsets into its file: no fix there.
        let edit = hit.fix.filter(|_| !hit.in_raw && src.notebook.is_none());
        out.push(Finding {
            rule_id: meta.id,
            rule_name: meta.name,
            severity: meta.severity,
            confidence: hit.confidence.unwrap_or(meta.confidence),
            message: hit.message,
            location,
            flow,
            fingerprint,
            fixable: edit.is_some(),
            snippet,
            snippet_line,
            role: FileRole::Production,
            suppressed: None,
            edit,
        });
    }
    out
}

/// The location of a span in a source, mapped into the real file for notebooks.
pub fn location_of(source: &Source, span: Span) -> Location {
    let (line, col) = source.line_col(span.start as usize);
    let (end_line, end_col) = source.line_col(span.end as usize);
    let mut loc = Location {
        path: source.display_path.clone(),
        line,
        col,
        end_line,
        end_col,
        start_byte: span.start as usize,
        end_byte: span.end as usize,
        cell: None,
        cell_line: None,
        cell_col: None,
    };
    if let Some(cl) = source.cell_line(line) {
        loc.cell = Some(cl.cell);
        loc.cell_line = Some(cl.line);
        loc.cell_col = Some((col, end_col));
        // Point into the .ipynb file itself, where the cell's JSON string holds the line.
        let json = |l: u32| {
            source
                .notebook
                .as_ref()
                .and_then(|nb| nb.json_pos_of_line.get(l as usize - 1).copied())
                .filter(|p| p.0 > 0)
        };
        if let (Some((jl, jc)), Some((jel, jec))) = (json(line), json(end_line)) {
            loc.line = jl;
            loc.col = col + jc;
            loc.end_line = jel;
            loc.end_col = end_col + jec;
        }
    }
    loc
}

/// Code with all whitespace removed, so re-indentation and reflowing keep the fingerprint.
fn normalise(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace()).collect()
}

const SNIPPET_MAX_LINES: u32 = 12;

/// The lines around a finding in the analysed text, and the number to show for the first one
/// (for notebooks, the line within the cell; no context lines, so a frame never spans cells).
fn snippet(
    source: &Source,
    span: Span,
    loc: &Location,
    redact: &[Span],
    context: bool,
) -> (String, u32) {
    let (line, _) = source.line_col(span.start as usize);
    let (end_line, _) = source.line_col(span.end as usize);
    let (first, last, shown) = match loc.cell_line {
        Some(cl) => (line, end_line.min(line + SNIPPET_MAX_LINES - 1), cl),
        None if !context => (line, end_line.min(line + SNIPPET_MAX_LINES - 1), line),
        None => {
            let first = line.saturating_sub(1).max(1);
            let last = (end_line + 1)
                .min(source.lines.line_count() as u32)
                .min(first + SNIPPET_MAX_LINES - 1);
            (first, last, first)
        }
    };
    let mut out = String::new();
    for line in first..=last {
        let mut range = source.lines.line_range(&source.text, line as usize - 1);
        // Of a long line only the part shown is copied, when no redaction is in the line.
        if range.len() > 401
            && !redact
                .iter()
                .any(|r| r.start < range.end as u32 && range.start as u32 <= r.end)
        {
            let mut end = range.start + 401;
            while !source.text.is_char_boundary(end) {
                end += 1;
            }
            range.end = end;
        }
        let mut text = source.text[range.clone()].to_string();
        // The secrets on this line, in order, overlapping ones merged (the detectors give them
        // in no particular order), then masked from the end so earlier offsets stay valid.
        let mut spans: Vec<(usize, usize)> = redact
            .iter()
            .map(|r| (r.start as usize, r.end as usize))
            .filter(|&(s, e)| s >= range.start && e <= range.end && s < e)
            .map(|(s, e)| (s - range.start, e - range.start))
            .collect();
        spans.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
        for (s, e) in spans {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        for &(s, e) in merged.iter().rev() {
            if text.is_char_boundary(s) && text.is_char_boundary(e) {
                text.replace_range(s..e, &"*".repeat(text[s..e].chars().count().min(8)));
            }
        }
        // Very long lines (minified code) are cut for display.
        if text.len() > 400 {
            let mut cut = 400;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            text.push('…');
        }
        out.push_str(&text);
        out.push('\n');
    }
    (out, shown)
}

/// Analyse a source end to end: rules, severity overrides, per-file ignores, suppressions. The
/// file is the whole project: rules with fact conditions see the file's own facts.
pub fn run_file(source: &Source, registry: &Registry, opts: &ScanOptions) -> FileResult {
    let mut fr = run_file_seeded(source, registry, opts, &[], None);
    let facts = fr.facts.clone();
    fr.apply_facts(registry, &facts);
    fr
}

/// [`run_file`] with data from callers in other files seeded into its functions. `role_path`:
/// the path its role is read from ([`discover::Candidate::role_path`]; else its path in the
/// repository).
fn run_file_seeded(
    source: &Source,
    registry: &Registry,
    opts: &ScanOptions,
    seeds: &[Seed],
    role_path: Option<&str>,
) -> FileResult {
    let mut enabled = opts.enabled.clone();
    for pfi in &opts.per_file_ignores {
        if pfi.glob.is_match(&source.display_path) {
            enabled.retain(|r| !pfi.rules.contains(r));
        }
    }
    let fingerprint_path = match &opts.repo_paths {
        Some(p) if source.display_path != "-" => p.to_root(&source.display_path),
        _ => source.display_path.clone(),
    };
    let Analysis {
        mut findings,
        module,
        redactions,
        outcome,
        facts,
        project,
    } = analyze_file_at(source, registry, &enabled, seeds, &fingerprint_path);
    let after = Instant::now();
    for f in &mut findings {
        if let Some(sev) = opts.severity_overrides.get(f.rule_id) {
            f.severity = *sev;
        }
    }
    let applied = suppress::apply(
        source,
        || module.statement_lines(&source.lines),
        findings,
        opts.strict,
    );
    let mut kept = applied.kept;
    for (rule_id, line, message) in applied.problems {
        if !enabled.contains(rule_id) && !opts.strict {
            continue;
        }
        let Some(meta) = registry.get(rule_id) else {
            continue;
        };
        let range = source
            .lines
            .line_range(&source.text, line.saturating_sub(1) as usize);
        let span = Span::new(range.start, range.end);
        let mut f = build_findings(
            source,
            &module,
            registry,
            vec![Hit::new(meta.id, span, message)],
            &redactions,
            &fingerprint_path,
        );
        kept.append(&mut f);
    }
    let file_role = crate::roles::classify(
        role_path.unwrap_or(&fingerprint_path),
        source,
        &module,
        &registry.roles,
    );
    let mut suppressed = applied.suppressed;
    let mut left_out = BTreeMap::new();
    for f in kept.iter_mut().chain(suppressed.iter_mut()) {
        let span = Span::new(f.location.start_byte, f.location.end_byte);
        f.role = crate::roles::role_at(file_role, &module, span);
    }
    if !opts.include_tests {
        // A key in a provider's own format leaks wherever it is committed.
        let shown = |f: &Finding| {
            let span = Span::new(f.location.start_byte, f.location.end_byte);
            f.role == FileRole::Production
                || (f.flow.is_empty() && redactions.everywhere.contains(&span))
        };
        kept.retain(|f| {
            let keep = shown(f);
            if !keep {
                *left_out.entry(f.role).or_insert(0) += 1;
            }
            keep
        });
        suppressed.retain(shown);
    }
    let note = module.has_errors.then(|| Skipped {
        path: source.display_path.clone(),
        reason: if module.unparsed {
            SkipReason::NotParsed
        } else {
            SkipReason::SyntaxError
        },
        detail: if source.text.len() > crate::lang::MAX_PARSE_BYTES {
            Some(format!(
                "over {} MiB: not parsed",
                crate::lang::MAX_PARSE_BYTES >> 20
            ))
        } else {
            module.error_line.map(|line| match source.cell_line(line) {
                Some(cl) => format!("cell {}, line {}", cl.cell, cl.line),
                None => format!("line {line}"),
            })
        },
    });
    let (imported_calls, method_calls) = if outcome.has_sinks {
        linked_calls(&module)
    } else {
        (Vec::new(), Vec::new())
    };
    timings::add(Phase::Findings, after);
    FileResult {
        findings: kept,
        suppressed,
        left_out,
        note,
        external: outcome.external,
        link_target: outcome.has_sinks,
        imported_calls,
        method_calls,
        returns: outcome.returns,
        summaries: outcome.summaries,
        called_with_data: outcome.called_with_data,
        classes: link::class_bases(&module),
        facts,
        secrets: redactions.values(source),
        redacted: Redactions {
            text: redactions.text,
            raw: redactions.raw,
            ..Redactions::default()
        },
        project,
    }
}

/// Scan everything the options name.
pub fn scan(opts: &ScanOptions, registry: &Registry) -> ScanResult {
    let mut result = ScanResult::default();
    let mut results: Vec<FileResult> = Vec::new();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        // Lowering is depth-limited, but deep ASTs still take stack; leave room.
        .stack_size(16 << 20)
        .build()
        .expect("thread pool");
    if let Some((display, text)) = &opts.stdin {
        // No name (`-`): what the content says beyond doubt (the CLI refuses the rest).
        let language = match display.as_str() {
            "-" => Language::from_content(text).unwrap_or_default(),
            name => Language::from_path(std::path::Path::new(name)),
        };
        let source = stdin_source(display, text, language);
        let fr = run_file_seeded(&source, registry, opts, &[], None);
        *result
            .files_by_language
            .entry(source.language.name().into())
            .or_default() += 1;
        result.files_scanned += 1;
        result.bytes_scanned += text.len() as u64;
        results.push(fr);
    }
    if let Some(walk) = &opts.walk {
        let opened = open_cache(opts, walk, &mut result.warnings);
        let cache = opened.as_ref();
        let (mut candidates, skipped) =
            timings::time(Phase::Walk, || pool.install(|| discover::walk(walk)));
        result.skipped.extend(skipped);
        // The cache's own files are never scanned, wherever `--cache-dir` put them.
        if let Some(dir) = opts.cache_dir.as_deref().filter(|_| cache.is_some()) {
            let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
            candidates.retain(|c| !std::path::absolute(&c.path).is_ok_and(|p| p.starts_with(&dir)));
        }
        let max = walk.max_filesize;
        let (mut per_file, records): (Vec<Scanned>, Vec<Option<Key>>) = pool.install(|| {
            candidates
                .par_iter()
                .map(|c| scan_cached(c, max, registry, opts, &[], cache))
                .unzip()
        });
        // The link depends on nothing but the files' first results (and their paths).
        let plan_key = cache.map(|cache| {
            let mut parts: Vec<&[u8]> = vec![b"link plan"];
            for (c, record) in candidates.iter().zip(&records) {
                parts.push(c.display.as_bytes());
                parts.push(record.as_ref().map_or(&[], |r| r.as_slice()));
            }
            cache.key(&parts)
        });
        let replay = cache.zip(plan_key).and_then(|(cache, key)| {
            let cached = bincode::deserialize::<CachedPlan>(cache.get(&key)?).ok()?;
            cached.used.iter().for_each(|k| cache.keep(k));
            let valid = cached.plan.iter().all(|(i, _)| *i < candidates.len());
            valid.then_some(cached.plan)
        });
        if let Some(plan) = replay {
            let results: Vec<(usize, Scanned)> = pool.install(|| {
                plan.par_iter()
                    .map(|(i, s)| {
                        (
                            *i,
                            scan_candidate(&candidates[*i], max, registry, opts, s, cache),
                        )
                    })
                    .collect()
            });
            for (i, r) in results {
                per_file[i] = r;
            }
        } else if let (Some(cache), Some(key)) = (cache, plan_key) {
            let link = || link_files(&candidates, &mut per_file, max, registry, opts, Some(cache));
            let (plan, used) = cache.record_keys(|| pool.install(link));
            let cached = CachedPlan { plan, used };
            cache.put(key, bincode::serialize(&cached).expect("plans serialise"));
        } else {
            pool.install(|| link_files(&candidates, &mut per_file, max, registry, opts, None));
        }
        for (info, fr) in per_file {
            if let Some((lang, bytes)) = info {
                *result
                    .files_by_language
                    .entry(lang.name().into())
                    .or_default() += 1;
                result.files_scanned += 1;
                result.bytes_scanned += bytes;
            }
            results.push(fr);
        }
        if let Some(Err(e)) = opened.map(Cache::save) {
            result.warnings.push(format!("result cache not saved: {e}"));
        }
    }
    // Rules with fact conditions are decided once every file is done (and linked): the
    // project's facts are the union of its files'.
    let facts: FactSet = results
        .iter()
        .flat_map(|fr| fr.facts.iter().copied())
        .collect();
    for mut fr in results {
        fr.apply_facts(registry, &facts);
        absorb(&mut result, fr);
    }
    result.sort();
    one_finding_per_stand_in_flow(&mut result.findings);
    result
}

/// A file's result, with its language and size when it was read.
type Scanned = (Option<(Language, u64)>, FileResult);

/// The result cache for a scan with these options, or why there is none.
fn open_cache(opts: &ScanOptions, walk: &WalkOptions, warnings: &mut Vec<String>) -> Option<Cache> {
    let dir = opts.cache_dir.as_ref()?;
    let Some(key_dir) = crate::cache::key_dir() else {
        warnings.push("result cache not used: no user cache directory for its key".into());
        return None;
    };
    // Everything besides a file's own bytes, paths and seeds that its result depends on: this
    // build of aiguard, its packs, and the options that change a file's findings.
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| (m.len(), m.modified().ok()))
        .ok();
    let salt = format!(
        "{}\0{exe:?}\0{:?}\0{:?}\0{:?}\0{:?}\0{}\0{}\0{:?}\0{}",
        env!("CARGO_PKG_VERSION"),
        crate::spec::registry::BUILTIN_PACKS,
        opts.enabled,
        opts.severity_overrides,
        opts.per_file_ignores,
        opts.strict,
        opts.include_tests,
        opts.repo_paths.as_ref().map(|r| (&r.cwd, &r.root)),
        walk.max_filesize,
    );
    match Cache::open(dir, &key_dir, salt.as_bytes()) {
        Ok(cache) => Some(cache),
        Err(e) => {
            warnings.push(format!("result cache not used: {e}"));
            None
        }
    }
}

/// Load and analyse one candidate file, or take its result from the cache.
fn scan_candidate(
    c: &discover::Candidate,
    max: u64,
    registry: &Registry,
    opts: &ScanOptions,
    seeds: &[Seed],
    cache: Option<&Cache>,
) -> Scanned {
    scan_cached(c, max, registry, opts, seeds, cache).0
}

/// [`scan_candidate`], with a hash of the result's record (`None` without a cache, or for a file
/// that could not be read). A cached result is the record of the same bytes, paths and seeds (and
/// project files, when a rule read them).
fn scan_cached(
    c: &discover::Candidate,
    max: u64,
    registry: &Registry,
    opts: &ScanOptions,
    seeds: &[Seed],
    cache: Option<&Cache>,
) -> (Scanned, Option<Key>) {
    let Some(cache) = cache else {
        return (
            analyse_loaded(
                c,
                timings::time(Phase::Read, || discover::load(c, max)),
                registry,
                opts,
                seeds,
            ),
            None,
        );
    };
    let bytes = match timings::time(Phase::Read, || discover::read(c, max)) {
        Ok(bytes) => bytes,
        Err(skipped) => {
            let loaded = discover::Loaded {
                source: None,
                note: Some(skipped),
            };
            return (analyse_loaded(c, loaded, registry, opts, seeds), None);
        }
    };
    let looked_up = Instant::now();
    let seeded = bincode::serialize(seeds).expect("seeds serialise");
    let role_path = c.role_path.as_ref().map(|p| format!("/{p}"));
    let key = cache.key(&[
        c.display.as_bytes(),
        role_path.as_deref().unwrap_or_default().as_bytes(),
        &seeded,
        &bytes,
    ]);
    let hit = cache.get(&key).and_then(|blob| {
        let record = bincode::deserialize::<stored::Record>(blob).ok()?;
        if let Some(stamp) = record.project {
            // A rule read the project's manifests: they must not have changed either.
            if crate::project::Project::of_file(&c.path).stamp() != stamp {
                return None;
            }
        }
        let source = || discover::from_bytes(&c.path, c.display.clone(), bytes.clone()).source;
        Some((
            record.into_scanned(registry, source)?,
            *blake3::hash(blob).as_bytes(),
        ))
    });
    timings::add(Phase::Cache, looked_up);
    if let Some((scanned, digest)) = hit {
        return (scanned, Some(digest));
    }
    let loaded = discover::from_bytes(&c.path, c.display.clone(), bytes);
    let scanned = analyse_loaded(c, loaded, registry, opts, seeds);
    let stored = Instant::now();
    let record = bincode::serialize(&stored::Record::of(&scanned)).expect("records serialise");
    let digest = *blake3::hash(&record).as_bytes();
    cache.put(key, record);
    timings::add(Phase::Cache, stored);
    (scanned, Some(digest))
}

/// Analyse a loaded candidate.
fn analyse_loaded(
    c: &discover::Candidate,
    loaded: discover::Loaded,
    registry: &Registry,
    opts: &ScanOptions,
    seeds: &[Seed],
) -> Scanned {
    match loaded.source {
        Some(source) => {
            let role_path = c.role_path.as_deref();
            let mut fr = run_file_seeded(&source, registry, opts, seeds, role_path);
            if fr.note.is_none() {
                fr.note = loaded.note;
            }
            let bytes = source.raw.as_ref().map_or(source.text.len(), |r| r.len()) as u64;
            (Some((source.language, bytes)), fr)
        }
        None => (
            None,
            FileResult {
                note: loaded.note,
                ..FileResult::default()
            },
        ),
    }
}

/// Said of data passed to a method known only by its name, before the number of the scan's
/// methods of that name: one flow into many classes' methods is one finding (see
/// [`one_finding_per_stand_in_flow`]).
const STAND_IN: &str = " (one of the methods of that name: ";

/// A flow passed to a method known only by its name reaches the sinks of every class defining it
/// (each provider's `submit_prompt`): the same flaw, reported once per rule, at the first.
fn one_finding_per_stand_in_flow(findings: &mut Vec<Finding>) {
    let mut seen: HashSet<(&'static str, String)> = HashSet::new();
    findings.retain(|f| match f.flow.first() {
        Some(step) if step.label.contains(STAND_IN) => seen.insert((f.rule_id, step.label.clone())),
        _ => true,
    });
}

/// The files [`link_files`] analysed again and the seeds each had in the end: all the link
/// decides, so a scan whose files all gave the same results replays it from the cache.
type LinkPlan = Vec<(usize, Vec<Seed>)>;

/// A [`LinkPlan`] as the cache keeps it, with the keys of every record the link used on its
/// way (the results of earlier rounds), kept for a scan after an edit, whose link redoes them.
#[derive(serde::Serialize, serde::Deserialize)]
struct CachedPlan {
    plan: LinkPlan,
    used: Vec<Key>,
}

/// Most rounds of cross-file linking: a file analysed again with seeds may pass the data on
/// again, so the link runs until no file gains a seed, or this many rounds: each round
/// analyses only the files that gained one, but its bookkeeping walks every file, and the
/// dev apps gained nothing shown by default from rounds 5 to 8 (`bench/README.md`).
const MAX_LINK_ROUNDS: usize = 4;

/// Flows across files: analyse again, with seeded parameters, every file whose functions other
/// files call with tainted arguments; its new result replaces the first one (a superset).
fn link_files(
    candidates: &[discover::Candidate],
    per_file: &mut [Scanned],
    max: u64,
    registry: &Registry,
    opts: &ScanOptions,
    cache: Option<&Cache>,
) -> LinkPlan {
    // The bookkeeping only: the analyses it starts count under their own phases.
    let mut bookkeeping = Instant::now();
    let modules: Vec<Vec<String>> = candidates
        .iter()
        .map(|c| link::module_parts(&c.display))
        .collect();
    let dirs: Vec<Vec<String>> = candidates
        .iter()
        .map(|c| link::dir_parts(&c.display))
        .collect();
    let mut index = ModuleIndex::default();
    for (i, parts) in modules.iter().enumerate() {
        index.add(parts, i);
    }
    let mut methods = Methods::default();
    for (i, file) in per_file.iter().enumerate() {
        methods.add(i, file.0.map(|(l, _)| l.family()), &file.1.summaries);
        for (class, bases) in &file.1.classes {
            for (base, imported) in bases {
                // A base of the file itself, or the file its import names (if the scan has it).
                let base_file = match imported {
                    None => Some(i),
                    Some(q) => link::target_of(&dirs[i], q)
                        .and_then(|(module, _, _)| index.lookup(&module)),
                };
                methods.add_base(i, class, base, base_file);
            }
        }
    }
    let mut seeds: Vec<BTreeSet<Seed>> = vec![BTreeSet::new(); candidates.len()];
    let mut analysed_with: Vec<Vec<Seed>> = vec![Vec::new(); candidates.len()];
    let mut pending: Vec<usize> = (0..per_file.len()).collect();
    for _ in 0..MAX_LINK_ROUNDS {
        let mut grew: BTreeSet<usize> = BTreeSet::new();
        // Files with a flow finding: the only ones a callee's summary (`keep_seeds`) can change.
        let flow_found: Vec<bool> = per_file
            .iter()
            .map(|f| f.1.findings.iter().any(|f| !f.flow.is_empty()))
            .collect();
        // Functions returning data: every file that imports them calls them as a source.
        // Only where a sink could use them: a file with none has nothing to report.
        for (importer, file) in per_file.iter().enumerate() {
            if !file.1.link_target {
                continue;
            }
            let imported = return_seeds(importer, &file.1.imported_calls, per_file, &dirs, &index);
            let overridden = override_return_seeds(
                importer,
                &file.1.imported_calls,
                per_file,
                &dirs,
                &index,
                &methods,
            );
            // Methods of an imported class the imported file does not define (it re-exports
            // the class from elsewhere): known by name, like a receiver of no known class.
            let reexported =
                file.1.imported_calls.iter().filter(|q| {
                    let Some((module, Some(class), function)) = link::target_of(&dirs[importer], q)
                    else {
                        return false;
                    };
                    index.lookup(&module).is_some_and(|f| {
                        f != importer
                            && !per_file[f].1.summaries.iter().any(|s| {
                                s.class.as_deref() == Some(&*class) && s.function == function
                            })
                            && methods.overriding(&class, f, &function).is_empty()
                    })
                });
            let calls: Vec<String> = file
                .1
                .method_calls
                .iter()
                .chain(reexported)
                .cloned()
                .collect();
            let by_name = method_return_seeds(importer, &calls, &methods, per_file);
            let checks = check_seeds(
                importer,
                &file.1.imported_calls,
                &calls,
                per_file,
                &dirs,
                &index,
                &methods,
            );
            let keeps = match flow_found[importer] {
                true => keep_seeds(importer, &file.1.imported_calls, per_file, &dirs, &index),
                false => Vec::new(),
            };
            let called = &file.1.called_with_data;
            let all = imported.into_iter().chain(overridden).chain(by_name);
            for seed in all.chain(checks).chain(keeps) {
                // A validator, or a function returning only some of its arguments, called with
                // nothing that could be cleared changes nothing now: the seed waits for the
                // file's next analysis.
                let inert = match &seed {
                    Seed::Checks { call, .. } | Seed::Keeps { call, .. } => {
                        called.binary_search(call).is_err()
                    }
                    _ => false,
                };
                if seeds[importer].insert(seed) && !inert {
                    grew.insert(importer);
                }
            }
        }
        for &caller in &pending {
            for call in &per_file[caller].1.external {
                let (callees, shaped) = callees(caller, call, per_file, &dirs, &index, &methods);
                let stand_ins = callees.len();
                for (callee, class, function) in callees {
                    // A file with no sink is analysed only to learn what the imported function
                    // returns of its arguments (`keep_seeds`), where the caller may report it.
                    let learn = !shaped
                        && stand_ins == 1
                        && unknown_summary(&per_file[callee].1.summaries, &class, &function)
                        && per_file[caller]
                            .1
                            .called_with_data
                            .binary_search(&call.target)
                            .is_ok()
                        && flow_found[caller];
                    if !per_file[callee].1.link_target && !learn {
                        continue;
                    }
                    let origin = match stand_ins {
                        1 => format!("{}, passed to `{function}()`", call.origin),
                        n => format!("{}, passed to `{function}()`{STAND_IN}{n})", call.origin),
                    };
                    let summaries = &per_file[callee].1.summaries;
                    for arg in spread_args(summaries, &class, &function, &call.arg) {
                        let inert = inert_param(summaries, &class, &function, &arg);
                        let seed = Seed::Param {
                            class: class.clone(),
                            function: function.clone(),
                            arg,
                            kind: call.kind,
                            cleared: call.cleared,
                            flags: call.flags | if shaped { SHAPED } else { 0 },
                            origin: origin.clone(),
                            parts: call.parts.clone(),
                        };
                        // Kept for when the file is analysed again for another seed.
                        if seeds[callee].insert(seed) && !inert {
                            grew.insert(callee);
                        }
                    }
                }
            }
        }
        timings::add(Phase::Link, bookkeeping);
        if grew.is_empty() {
            break;
        }
        let redo: Vec<usize> = grew.into_iter().collect();
        for &i in &redo {
            analysed_with[i] = seeds[i].iter().cloned().collect();
        }
        let results: Vec<(usize, Scanned)> = redo
            .par_iter()
            .map(|&i| {
                let s = &analysed_with[i];
                (
                    i,
                    scan_candidate(&candidates[i], max, registry, opts, s, cache),
                )
            })
            .collect();
        bookkeeping = Instant::now();
        for (i, r) in results {
            per_file[i] = r;
        }
        pending = redo;
    }
    // The seeds each file's final result was analysed with (an inert seed alone starts none).
    let seeded = analysed_with.into_iter().enumerate();
    seeded.filter(|(_, s)| !s.is_empty()).collect()
}

/// Whether data passed to parameter `arg` of `function` can change nothing in its file: its
/// summary says the parameter reaches no sink, is passed to no other file, is not returned and
/// is not stored where other functions read it.
/// Analysing the file again for it would give the same result.
fn inert_param(
    summaries: &[FnSummary],
    class: &Option<String>,
    function: &str,
    arg: &link::ArgRef,
) -> bool {
    summaries.iter().any(|s| {
        &s.class == class
            && s.function == function
            && s.param(arg).is_some_and(|p| {
                s.sinks.as_ref().is_some_and(|k| k.get(p) == Some(&0))
                    && !s.onward.contains(&p)
                    && !s.passes.iter().any(|(q, _)| *q == p)
                    && !s.escaped.contains(&p)
            })
    })
}

/// The arguments a call passes `function`: a mapping spread into it (`fn(**args)`) binds each of
/// its parameters by name; any other argument is itself.
fn spread_args(
    summaries: &[FnSummary],
    class: &Option<String>,
    function: &str,
    arg: &link::ArgRef,
) -> Vec<link::ArgRef> {
    if *arg != link::ArgRef::Spread {
        return vec![arg.clone()];
    }
    summaries
        .iter()
        .find(|s| &s.class == class && s.function == function)
        .map(|s| {
            s.params
                .iter()
                .map(|p| link::ArgRef::Keyword(p.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether the file's analysis said nothing yet of what `function` does (it was not analysed).
fn unknown_summary(summaries: &[FnSummary], class: &Option<String>, function: &str) -> bool {
    summaries
        .iter()
        .any(|s| &s.class == class && s.function == function && s.sinks.is_none())
}

/// The functions a call with tainted arguments may run in other files: the one its import names,
/// or, where that file does not define it (`get_llm().chat`: `get_llm` is a factory) or only the
/// method's name is known (`self.llm.chat`), the scan's methods of that name that stand in.
/// True when only the method's name picked them.
fn callees(
    caller: usize,
    call: &ExternalCall,
    per_file: &[Scanned],
    dirs: &[Vec<String>],
    index: &ModuleIndex,
    methods: &Methods,
) -> (Vec<(usize, Option<String>, String)>, bool) {
    // `self.run(x)` in a base class: the overrides of its subclasses in other files (the
    // caller's own ran there already).
    if call.overrides {
        let Some((class, name)) = call.target.rsplit_once('.') else {
            return (Vec::new(), false);
        };
        let overrides = methods
            .overrides(class, caller, name, &call.arg)
            .into_iter()
            .filter(|(file, _)| *file != caller)
            .map(|(file, s)| (file, s.class.clone(), s.function.clone()))
            .collect();
        return (overrides, false);
    }
    let mut imported_from_scan = false;
    if let Some((file, class, function)) = imported_target(caller, &call.target, dirs, index) {
        // `llm.chat(x)` with `llm: BaseLLM` of another file that only declares `chat` (or an
        // interface): the overrides of the classes derived from it, wherever they are.
        let overrides =
            class_overrides(file, &class, &function, Some(&call.arg), per_file, methods);
        if !overrides.is_empty() {
            return (overrides, false);
        }
        let defines = per_file[file]
            .1
            .summaries
            .iter()
            .any(|s| s.class == class && s.function == function);
        // A file that does not define it re-exports it (`pkg/__init__.py`) or made it.
        if defines {
            return (vec![(file, class, function)], false);
        }
        // A function re-exported from its package's or directory's own modules
        // (`handlers/index.ts`: `export * from "./terminal"`), when one of them defines it.
        if class.is_none() {
            let under = |f: usize| f != file && dirs[f].starts_with(&dirs[file]);
            if let Some(found) = methods.reexported(&function, under) {
                return (vec![(found, None, function)], false);
            }
        }
        imported_from_scan = true;
    } else if !call.by_name {
        // `runner.run(x)` of an object another file of the scan made (`export const runner =
        // new Runner()`): the methods of that name its file defines.
        let made_in = link::instance_target(&dirs[caller], &call.target)
            .and_then(|(module, method)| Some((index.lookup(&module)?, method)))
            .filter(|(f, _)| *f != caller);
        if let Some((file, method)) = made_in {
            let defined: Vec<_> = per_file[file]
                .1
                .summaries
                .iter()
                .filter(|s| s.class.is_some() && s.function == method && !s.declaration)
                .map(|s| (file, s.class.clone(), s.function.clone()))
                .collect();
            let shaped = defined.len() > 1;
            return (defined, shaped);
        }
    }
    if !call.by_name && !imported_from_scan {
        return (Vec::new(), false);
    }
    let Some((_, name)) = call.target.rsplit_once('.') else {
        return (Vec::new(), false);
    };
    let stand_ins: Vec<_> = methods
        .stand_ins(name, &call.arg, caller)
        .into_iter()
        .map(|(file, s)| (file, s.class.clone(), s.function.clone()))
        .collect();
    // A re-export that one function of the scan answers to is as good as its import.
    let shaped = call.by_name || stand_ins.len() > 1;
    (stand_ins, shaped)
}

/// The methods that run for a call of method `function` of `class` (of `file`) when the class
/// does not define it or only declares it (an abstract base, an interface): the overrides in the
/// scan's classes derived from it, by the bases they name and import. Empty for a function, or
/// for a class whose own method runs.
fn class_overrides(
    file: usize,
    class: &Option<String>,
    function: &str,
    arg: Option<&link::ArgRef>,
    per_file: &[Scanned],
    methods: &Methods,
) -> Vec<(usize, Option<String>, String)> {
    let Some(class) = class else {
        return Vec::new();
    };
    let own = per_file[file]
        .1
        .summaries
        .iter()
        .find(|s| s.class.as_deref() == Some(class) && s.function == function);
    if own.is_some_and(|s| !s.declaration) {
        return Vec::new();
    }
    methods
        .overriding(class, file, function)
        .into_iter()
        .filter(|(_, s)| arg.is_none_or(|a| s.param(a).is_some()))
        .map(|(file, s)| (file, s.class.clone(), s.function.clone()))
        .collect()
}

/// Calls on receivers of no known class that return data: every method of that name in the
/// scan returns data of the same kind (a wrapper's `chat` returning the model's reply).
fn method_return_seeds(
    importer: usize,
    calls: &[String],
    methods: &Methods,
    per_file: &[Scanned],
) -> Vec<Seed> {
    let mut out = Vec::new();
    for q in calls {
        let Some((_, name)) = q.rsplit_once('.') else {
            continue;
        };
        for (param, flags) in methods.passes(name, importer) {
            out.push(Seed::Passes {
                call: q.clone(),
                param,
                flags,
            });
        }
        let named: Vec<(usize, Option<String>, String)> = methods
            .named(name, importer)
            .into_iter()
            .map(|(file, s)| (file, s.class.clone(), s.function.clone()))
            .collect();
        out.extend(agreed_returns(q, &named, per_file, SHAPED));
    }
    out
}

/// `call` returns data of a kind when every one of the methods that may run for it returns it.
fn agreed_returns(
    call: &str,
    candidates: &[(usize, Option<String>, String)],
    per_file: &[Scanned],
    flags: crate::spec::flow::Flags,
) -> Vec<Seed> {
    let returned = |(file, class, function): &(usize, Option<String>, String)| {
        per_file[*file]
            .1
            .returns
            .iter()
            .filter(|r| &r.class == class && &r.function == function)
            .map(|r| {
                let origin = format!("{}, returned by `{function}()`", r.origin);
                (r.kind, origin, r.parts.clone())
            })
            .collect::<Vec<_>>()
    };
    let Some(first) = candidates.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (kind, origin, _) in returned(first) {
        let of_kind: Vec<link::Parts> = candidates
            .iter()
            .filter_map(|m| {
                let r = returned(m);
                r.into_iter()
                    .find(|(k, _, _)| *k == kind)
                    .map(|(_, _, p)| p)
            })
            .collect();
        if of_kind.len() == candidates.len() {
            out.push(Seed::Return {
                call: call.to_string(),
                kind,
                flags,
                origin,
                parts: link::union_of_parts(&of_kind),
            });
        }
    }
    out
}

/// The calls of `importer` of a method of another file's class that only declares it (`llm.chat`
/// with `llm: BaseLLM`): data when every override in its subclasses returns it.
fn override_return_seeds(
    importer: usize,
    calls: &[String],
    per_file: &[Scanned],
    dirs: &[Vec<String>],
    index: &ModuleIndex,
    methods: &Methods,
) -> Vec<Seed> {
    let mut out = Vec::new();
    for q in calls {
        let Some((file, class @ Some(_), function)) = imported_target(importer, q, dirs, index)
        else {
            continue;
        };
        let mut overrides = class_overrides(file, &class, &function, None, per_file, methods);
        if overrides.is_empty() {
            continue;
        }
        overrides.sort();
        out.extend(agreed_returns(q, &overrides, per_file, 0));
    }
    out
}

/// The validators of other files a file calls: an imported function's checks, or the checks
/// every method of that name in the scan makes (`self.guard.check(cmd)`).
fn check_seeds(
    importer: usize,
    imported: &[String],
    by_name: &[String],
    per_file: &[Scanned],
    dirs: &[Vec<String>],
    index: &ModuleIndex,
    methods: &Methods,
) -> Vec<Seed> {
    let mut out = Vec::new();
    for q in imported {
        if let Some(s) = imported_defs(importer, q, per_file, dirs, index).first() {
            out.extend(s.checks.iter().map(|&check| Seed::Checks {
                call: q.clone(),
                check,
            }));
        }
    }
    for q in by_name {
        let Some((_, name)) = q.rsplit_once('.') else {
            continue;
        };
        let named = methods.named(name, importer);
        let Some(((_, first), rest)) = named.split_first() else {
            continue;
        };
        for c in &first.checks {
            let kinds = rest.iter().fold(c.kinds, |acc, (_, s)| {
                let same = s
                    .checks
                    .iter()
                    .filter(|d| d.param == c.param && d.when_true == c.when_true);
                acc & same.fold(0, |k, d| k | d.kinds)
            });
            if kinds != 0 {
                let check = link::ParamCheck { kinds, ..*c };
                out.push(Seed::Checks {
                    call: q.clone(),
                    check,
                });
            }
        }
    }
    out
}

/// The other file of the scan the import `q` of file `importer` names, with the class and the
/// function in it (`pkg.gen.CodeGenerator().generate_code`).
fn imported_target(
    importer: usize,
    q: &str,
    dirs: &[Vec<String>],
    index: &ModuleIndex,
) -> Option<(usize, Option<String>, String)> {
    let (module, class, function) = link::target_of(&dirs[importer], q)?;
    let file = index.lookup(&module).filter(|f| *f != importer)?;
    Some((file, class, function))
}

/// The summaries of the function the import `q` of file `importer` names in another file of the
/// scan (several when that file defines it more than once).
fn imported_defs<'s>(
    importer: usize,
    q: &str,
    per_file: &'s [Scanned],
    dirs: &[Vec<String>],
    index: &ModuleIndex,
) -> Vec<&'s FnSummary> {
    let Some((file, class, function)) = imported_target(importer, q, dirs, index) else {
        return Vec::new();
    };
    let summaries = per_file[file].1.summaries.iter();
    summaries
        .filter(|s| s.class == class && s.function == function)
        .collect()
}

/// The imported functions of other files a file calls whose result carries only some of their
/// arguments, by their summaries (the callee's file analysed: what it returns is known).
fn keep_seeds(
    importer: usize,
    imported: &[String],
    per_file: &[Scanned],
    dirs: &[Vec<String>],
    index: &ModuleIndex,
) -> Vec<Seed> {
    let mut out = Vec::new();
    for q in imported {
        // One definition, analysed, with a body: two of one name say nothing of which runs.
        let [s] = imported_defs(importer, q, per_file, dirs, index)[..] else {
            continue;
        };
        if s.sinks.is_none() || s.declaration {
            continue;
        }
        let mut kept: Vec<usize> = s.passes.iter().map(|&(p, _)| p).collect();
        if kept.len() < s.params.len() {
            kept.sort_unstable();
            kept.dedup();
            out.push(Seed::Keeps {
                call: q.clone(),
                params: s.params.clone(),
                kept,
            });
        }
    }
    out
}

/// The file's calls where another file's data may arrive, as distinct qualified names: (1) those
/// that start from an import (`pkg.gen.CodeGenerator().generate_code`), (2) method calls whose
/// receiver is of no class the file knows: not imported (`sqlite3.connect().cursor().execute`
/// is a library's), not a method the file's own classes define (`Bot().run`), though one they
/// only declare counts (an abstract `self.submit_prompt`).
fn linked_calls(module: &Module) -> (Vec<String>, Vec<String>) {
    let imported: HashSet<&str> = module.imports.iter().map(|i| &*i.qualified).collect();
    let own_methods: HashSet<(&str, &str)> = module
        .functions
        .iter()
        .filter(|f| !f.is_declaration())
        .filter_map(|f| Some((&*module.classes.get(f.class?)?.name, &*f.name)))
        .collect();
    let own_method = |q: &str| {
        q.rsplit_once('.').is_some_and(|(class, method)| {
            let class = class.strip_suffix("()").unwrap_or(class);
            own_methods.contains(&(class, method))
        })
    };
    let (mut from_imports, mut unknown) = (BTreeSet::new(), BTreeSet::new());
    module.walk_exprs(&mut |e| {
        let crate::ir::ExprKind::Call(call) = &e.kind else {
            return;
        };
        let Some(q) = call.qualified.as_deref() else {
            return;
        };
        // A receiver of one of several classes: each class's method may return data.
        let alternatives = module.alternatives.get(&e.span).into_iter().flatten();
        for q in std::iter::once(q).chain(alternatives.map(|a| &**a)) {
            if crate::ir::starts_from_import(q, &imported) {
                from_imports.insert(q);
            } else if matches!(call.callee.kind, crate::ir::ExprKind::Attribute { .. })
                && !own_method(q)
                && !module.dialect.on_platform_object(q)
            {
                unknown.insert(q);
            }
        }
    });
    let owned = |set: BTreeSet<&str>| set.into_iter().map(str::to_string).collect();
    (owned(from_imports), owned(unknown))
}

/// The calls of `importer` that return another file's data: for each call the importer makes of
/// an imported module, class or function of a file that exports [`Returned`] facts.
fn return_seeds(
    importer: usize,
    calls: &[String],
    per_file: &[Scanned],
    dirs: &[Vec<String>],
    index: &ModuleIndex,
) -> Vec<Seed> {
    let mut out = Vec::new();
    // The imported names the calls start from: `x.C().m` -> `x.C`, `x.f` -> `x` and `x.f`.
    let imports: BTreeSet<&str> = calls
        .iter()
        .filter_map(|c| match c.split_once("().") {
            Some((class, _)) => Some(class),
            None => c.rsplit_once('.').map(|(m, _)| m),
        })
        .chain(calls.iter().map(String::as_str))
        .collect();
    for q in imports {
        let parts: Vec<String> = q.split('.').map(str::to_string).collect();
        // `import pkg.mod`: the whole module.
        let whole = index.lookup(&parts).filter(|f| *f != importer);
        // `from pkg.mod import name`: a function or class of it.
        let member = imported_target(importer, q, dirs, index)
            .and_then(|(file, class, name)| class.is_none().then_some((file, name)));
        let mut emit = |returned: &Returned, call: String| {
            if !calls.contains(&call) {
                return;
            }
            out.push(Seed::Return {
                call,
                kind: returned.kind,
                flags: 0,
                origin: format!("{}, returned by `{}()`", returned.origin, returned.function),
                parts: returned.parts.clone(),
            });
        };
        if let Some(file) = whole {
            for r in &per_file[file].1.returns {
                let call = match &r.class {
                    Some(c) => format!("{q}.{c}().{}", r.function),
                    None => format!("{q}.{}", r.function),
                };
                emit(r, call);
            }
        }
        if let Some((file, name)) = member {
            for r in &per_file[file].1.returns {
                match &r.class {
                    Some(c) if *c == name => emit(r, format!("{q}().{}", r.function)),
                    None if r.function == name => emit(r, q.to_string()),
                    _ => {}
                }
            }
        }
    }
    out
}

fn absorb(result: &mut ScanResult, fr: FileResult) {
    result.findings.extend(fr.findings);
    result.suppressed.extend(fr.suppressed);
    result.skipped.extend(fr.note);
    result.secrets.extend(fr.secrets);
    for (role, n) in fr.left_out {
        *result.left_out.entry(role).or_insert(0) += n;
    }
}

fn stdin_source(display: &str, text: &str, language: Language) -> Source {
    if language == Language::Notebook {
        if let Ok(nb) = crate::lang::notebook::extract(text) {
            let mut s = Source::new(display.to_string(), language, nb.code.clone());
            s.notebook = Some(nb);
            s.raw = Some(text.to_string());
            return s;
        }
        return Source::new(display.to_string(), Language::Text, text.to_string());
    }
    Source::new(display.to_string(), language, text.to_string())
}

mod stored;
