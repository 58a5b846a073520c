//! `aiguard scan`: settle what to scan and with which rules, scan, filter what was found
//! (baseline, `--since`, `--add-ignore`, `--fix`), write the reports, pick the exit code. Each
//! step is a function of its own, in that order.

use super::paths::{io_reason, relative_to_cwd, scan_root};
use super::{
    mask_shapes, terminal_width, use_color, write_stdout, ExitStatus, DEFAULT_MAX_FILESIZE,
};
use crate::baseline::Baseline;
use crate::cli::{FailOn, ScanArgs};
use crate::config::{self, Config};
use crate::discover::WalkOptions;
use crate::finding::RepoPaths;
use crate::finding::{Confidence, ScanResult, Severity};
use crate::report::{self, Format, ReportOptions};
use crate::rules::secrets::mask_output;
use crate::scan::{self, PerFileIgnore, ScanOptions};
use crate::since::Changes;
use crate::spec::registry::Registry;
use crate::timings::{self, Phase};
use std::collections::BTreeSet;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

pub(super) fn run_scan(args: ScanArgs) -> Result<ExitStatus, String> {
    if args.time {
        timings::enable();
    }
    let registry = Registry::builtin();
    let config = load_config(&args)?;
    let enabled = enabled_rules(&args, &config, registry)?;
    let per_file_ignores = per_file_ignores(&config, registry)?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let stdin = read_stdin(&args)?;
    let walk = walk_options(&args, &config, threads)?;
    // `--since`: ask git first, so a bad REF or a missing git stops the run before the scan.
    let mut changes = since_changes(&args, stdin.is_some())?;
    let baseline = match (&args.write_baseline, &args.baseline, &config.baseline) {
        (Some(_), _, _) => None,
        (None, Some(path), _) | (None, None, Some(path)) => Some(Baseline::load(path)?),
        (None, None, None) => None,
    };

    let cwd = std::env::current_dir().unwrap_or_default();
    let repo_paths = RepoPaths {
        root: scan_root(&cwd, &args.paths, args.stdin_filename.as_deref()),
        cwd: cwd.clone(),
    };
    let opts = ScanOptions {
        walk,
        stdin,
        enabled: enabled.clone(),
        severity_overrides: config.severity.clone(),
        per_file_ignores,
        strict: args.strict,
        threads,
        repo_paths: Some(repo_paths.clone()),
        include_tests: args.include_tests || config.include_tests,
        cache_dir: (!args.no_cache && !config.no_cache).then(|| {
            let configured = args.cache_dir.clone().or_else(|| config.cache_dir.clone());
            configured.unwrap_or_else(|| repo_paths.root.join(crate::cache::DEFAULT_DIR))
        }),
    };
    let mut result = scan::scan(&opts, registry);
    for warning in &result.warnings {
        eprintln!("aiguard: warning: {warning}");
    }
    let floor = match (args.min_confidence, config.min_confidence) {
        (Some(level), _) => level.confidence(),
        (None, Some(c)) => c,
        (None, None) => Confidence::Medium,
    };
    leave_out_below(&mut result, floor);

    if let Some(path) = &args.write_baseline {
        write_baseline(&mut result, path, &repo_paths)?;
    }
    if let Some(baseline) = &baseline {
        let (new, old) = baseline.filter(std::mem::take(&mut result.findings), &repo_paths);
        result.findings = new;
        result.baselined = old.len();
        result.sort();
    }
    if let Some(changes) = &mut changes {
        keep_changed_lines(&mut result, changes)?;
    }
    if let Some(reason) = &args.add_ignore {
        add_ignores(&mut result, reason);
    }
    if args.fix {
        let diffed = fix(&mut result, args.diff, registry)?;
        if let Some(status) = diffed {
            return Ok(status);
        }
    }

    let report_opts = ReportOptions {
        color: false,
        width: terminal_width(),
        repo_root: repo_paths.root.clone(),
        cwd,
        enabled_rules: enabled.iter().copied().collect(),
    };
    timings::time(Phase::Report, || {
        write_reports(&args, &result, registry, report_opts)
    })?;
    if args.time {
        eprint!("{}", timings::table());
    }
    Ok(exit_status(&args, &config, &result))
}

/// Leave out the findings below the confidence floor, counted for the summary. Suppressed ones
/// too: a suppression comment is judged by what it silences, whatever is shown.
fn leave_out_below(result: &mut ScanResult, floor: Confidence) {
    let before = result.findings.len();
    result.findings.retain(|f| f.confidence >= floor);
    result.below_confidence = before - result.findings.len();
    result.suppressed.retain(|f| f.confidence >= floor);
}

/// The config for this run: `--config`, none with `--isolated`, else the nearest to the first path.
fn load_config(args: &ScanArgs) -> Result<Config, String> {
    if args.isolated {
        return Ok(Config::default());
    }
    if let Some(path) = &args.config {
        return config::load_file(path).map_err(|e| e.to_string());
    }
    let start = args
        .paths
        .iter()
        .find(|p| p.as_os_str() != "-")
        .cloned()
        .or_else(|| args.stdin_filename.clone())
        .unwrap_or_else(|| PathBuf::from("."));
    let start = if start.is_dir() {
        start
    } else {
        start.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let start = if start.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        start
    };
    Ok(config::discover(&start)
        .map_err(|e| e.to_string())?
        .unwrap_or_default())
}

/// `select` / `extend-select` / `ignore` from the config and the command line; `--strict` adds
/// the rules about suppression comments themselves.
fn enabled_rules(
    args: &ScanArgs,
    config: &Config,
    registry: &Registry,
) -> Result<BTreeSet<&'static str>, String> {
    let select = args.select.as_deref().or(config.select.as_deref());
    let mut extend_select = config.extend_select.clone();
    extend_select.extend(args.extend_select.iter().cloned());
    let mut ignore = config.ignore.clone();
    ignore.extend(args.ignore.iter().cloned());
    let mut enabled = config::select_rules(registry, select, &extend_select, &ignore)?;
    if args.strict {
        enabled.extend(
            registry
                .rules
                .iter()
                .filter(|r| r.category == "meta")
                .map(|r| r.id),
        );
    }
    Ok(enabled)
}

/// The config's `per-file-ignores`, with patterns made relative to the working directory.
fn per_file_ignores(config: &Config, registry: &Registry) -> Result<Vec<PerFileIgnore>, String> {
    let config_dir = config
        .path
        .as_ref()
        .and_then(|p| p.parent())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let mut out = Vec::new();
    for (pattern, selectors) in &config.per_file_ignores {
        let rules = config::ignored_rules(registry, selectors)?;
        // Patterns are relative to the config file's directory; display paths to the cwd.
        let rel = relative_to_cwd(&config_dir.join(pattern.trim_start_matches("./")));
        let anchored = if pattern.contains('/') {
            rel
        } else {
            pattern.clone()
        };
        out.push(PerFileIgnore::new(&anchored, rules).map_err(|e| {
            format!(
                "{}: `per-file-ignores`: bad glob {pattern:?}: {e}",
                config_dir.display()
            )
        })?);
    }
    Ok(out)
}

/// Standard input, when `-` is among the paths: (display name, text).
fn read_stdin(args: &ScanArgs) -> Result<Option<(String, String)>, String> {
    if !args.paths.iter().any(|p| p.as_os_str() == "-") {
        return Ok(None);
    }
    let mut buf = Vec::new();
    std::io::stdin()
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    let text = crate::source::decode(&buf);
    let name = match &args.stdin_filename {
        Some(p) => p.to_string_lossy().replace('\\', "/"),
        // Without a name, scanning as plain text would find nothing and pass: an editor or
        // hook that forgot the flag must hear so, unless the content names its language.
        None if crate::source::Language::from_content(&text).is_some() => "-".into(),
        None => {
            return Err(
                "standard input has no file name to tell its language: pass \
                 --stdin-filename (for example `--stdin-filename app.py`)"
                    .into(),
            )
        }
    };
    Ok(Some((name, text)))
}

/// What to walk: the named paths (each must be readable) with the excludes and size limit.
fn walk_options(
    args: &ScanArgs,
    config: &Config,
    threads: usize,
) -> Result<Option<WalkOptions>, String> {
    let paths: Vec<PathBuf> = args
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    // A path the user named that cannot be read is an error, never an empty, passing scan.
    for p in &paths {
        let readable = std::fs::symlink_metadata(p).and_then(|m| {
            if m.is_dir() {
                std::fs::read_dir(p).map(drop)
            } else {
                Ok(())
            }
        });
        if let Err(e) = readable {
            return Err(format!("{}: {}", p.display(), io_reason(&e)));
        }
    }
    if paths.is_empty() {
        return Ok(None);
    }
    let mut exclude = config.exclude.clone().unwrap_or_default();
    exclude.extend(config.extend_exclude.iter().cloned());
    exclude.extend(args.exclude.iter().cloned());
    Ok(Some(WalkOptions {
        paths,
        exclude,
        force_exclude: args.force_exclude,
        max_filesize: args
            .max_filesize
            .or(config.max_filesize)
            .unwrap_or(DEFAULT_MAX_FILESIZE),
        threads,
        respect_ignore_files: !args.no_ignore,
    }))
}

/// `--since REF`: the merge base and what it holds, from the repository of the first path.
fn since_changes(args: &ScanArgs, reads_stdin: bool) -> Result<Option<Changes>, String> {
    let Some(reference) = &args.since else {
        return Ok(None);
    };
    if reads_stdin {
        return Err("--since cannot be used with standard input".into());
    }
    let first = args.paths.first().cloned().unwrap_or_else(|| ".".into());
    let dir = if first.is_dir() {
        first
    } else {
        first
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    Changes::collect(&dir, reference).map(Some)
}

/// `--write-baseline`: record everything found; nothing is left to report.
fn write_baseline(result: &mut ScanResult, path: &Path, paths: &RepoPaths) -> Result<(), String> {
    crate::baseline::write(path, &result.findings, paths)?;
    eprintln!(
        "aiguard: wrote {} finding(s) to the baseline {}",
        result.findings.len(),
        path.display()
    );
    result.baselined = result.findings.len();
    result.findings.clear();
    Ok(())
}

/// `--since`: keep the findings on lines added or changed since the merge base.
fn keep_changed_lines(result: &mut ScanResult, changes: &mut Changes) -> Result<(), String> {
    let paths = changes.repo_paths();
    let touched: BTreeSet<String> = result
        .findings
        .iter()
        .map(|f| paths.to_root(&f.location.path))
        .collect();
    changes.compare(touched.iter().map(String::as_str))?;
    let before = result.findings.len();
    result.findings.retain(|f| changes.touches(f, &paths));
    result.unchanged = before - result.findings.len();
    Ok(())
}

/// `--add-ignore[=REASON]`: suppress what is left in the source; those findings become suppressed.
fn add_ignores(result: &mut ScanResult, reason: &str) {
    let reason = reason.trim();
    let reason = (!reason.is_empty()).then_some(reason);
    let outcome = crate::add_ignore::add(std::mem::take(&mut result.findings), reason);
    for note in &outcome.notes {
        eprintln!("aiguard: {}", report::sanitize(&mask_shapes(note), false));
    }
    eprintln!(
        "aiguard: added {} suppression comment(s) in {} file(s)",
        outcome.added, outcome.files
    );
    result.findings = outcome.left;
    result
        .suppressed
        .extend(outcome.covered.into_iter().map(|mut f| {
            f.suppressed = Some(crate::finding::Suppressed {
                kind: "inSource",
                justification: reason.unwrap_or_default().to_string(),
            });
            f
        }));
    result.sort();
}

/// `--fix`: apply the mechanical edits (or with `--diff`, print them, masked, and return the exit
/// status: that is the whole run).
fn fix(
    result: &mut ScanResult,
    diff_only: bool,
    registry: &Registry,
) -> Result<Option<ExitStatus>, String> {
    let outcome = crate::fix::apply(std::mem::take(&mut result.findings), diff_only);
    for e in &outcome.errors {
        eprintln!(
            "aiguard: cannot fix {}",
            report::sanitize(&mask_shapes(e), false)
        );
    }
    result.findings = outcome.left;
    result.sort();
    if diff_only {
        let diff = mask_output(&outcome.diff, &result.secrets, &registry.secrets);
        write_stdout(&diff)?;
        eprintln!(
            "aiguard: {} fix(es) available in {} file(s); run with --fix to apply",
            outcome.fixed.len(),
            outcome.files
        );
        return Ok(Some(if outcome.fixed.is_empty() {
            ExitStatus::Success
        } else {
            ExitStatus::Failure
        }));
    }
    eprintln!(
        "aiguard: fixed {} finding(s) in {} file(s)",
        outcome.fixed.len(),
        outcome.files
    );
    Ok(None)
}

/// The report in the chosen format (stdout or `-o`), `--sarif-output`, and on stderr the
/// statistics, the `-v` list of skipped files and the summary line.
fn write_reports(
    args: &ScanArgs,
    result: &ScanResult,
    registry: &Registry,
    mut report_opts: ReportOptions,
) -> Result<(), String> {
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let format = args.format.unwrap_or(if to_terminal {
        Format::Full
    } else {
        Format::Concise
    });
    report_opts.color = use_color(args.color, to_terminal);
    let text = report::render(format, result, registry, &report_opts);
    match &args.output {
        Some(path) => std::fs::write(path, &text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => write_stdout(&text)?,
    }
    if let Some(path) = &args.sarif_output {
        let sarif = report::render(Format::Sarif, result, registry, &report_opts);
        std::fs::write(path, sarif).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if args.statistics {
        eprint!("{}", report::statistics(result));
    }
    if args.verbose {
        for s in &result.skipped {
            let verb = if s.reason.is_partial() {
                "partly analysed"
            } else {
                "skipped"
            };
            let line = match &s.detail {
                Some(d) => format!("{verb} {}: {} ({d})", s.path, s.reason.as_str()),
                None => format!("{verb} {}: {}", s.path, s.reason.as_str()),
            };
            let line = mask_output(&line, &result.secrets, &registry.secrets);
            eprintln!("aiguard: {}", report::sanitize(&line, false));
        }
    }
    let human = matches!(format, Format::Full | Format::Concise) || args.output.is_some();
    if human && !args.quiet {
        eprintln!("{}", report::summary_line(result));
    }
    Ok(())
}

/// 1 when a finding is at or above `--fail-on` (or the config's), else 0.
fn exit_status(args: &ScanArgs, config: &Config, result: &ScanResult) -> ExitStatus {
    let fail_on = if args.exit_zero {
        None
    } else {
        match args.fail_on {
            Some(FailOn::Never) => None,
            Some(f) => Severity::parse(&format!("{f:?}")),
            None if config.fail_never => None,
            None => Some(config.fail_on.unwrap_or(Severity::Info)),
        }
    };
    let failed = fail_on.is_some_and(|min| result.findings.iter().any(|f| f.severity >= min));
    if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}
