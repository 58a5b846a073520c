//! Runs a parsed command line and maps the outcome to an exit code.

use crate::baseline::{Baseline, RepoPaths};
use crate::cli::{
    Cli, ColorChoice, Command, ExplainArgs, ExplainFormat, FailOn, InitArgs, RulesArgs,
    RulesFormat, ScanArgs,
};
use crate::config::{self, Config};
use crate::discover::WalkOptions;
use crate::finding::Severity;
use crate::report::{self, Format, ReportOptions};
use crate::rules::secrets::mask_output;
use crate::rules::Registry;
use crate::scan::{self, PerFileIgnore, ScanOptions};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

/// Exit codes, as ruff and ripgrep use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// No finding at or above `--fail-on`.
    Success = 0,
    /// Findings.
    Failure = 1,
    /// Usage, config or fatal error.
    Error = 2,
}

pub const DEFAULT_MAX_FILESIZE: u64 = 1024 * 1024;

pub fn run(cli: Cli) -> ExitStatus {
    let result = match cli.command {
        Command::Scan(args) => run_scan(*args),
        Command::Rules(args) => run_rules(args),
        Command::Explain(args) => run_explain(args),
        Command::Init(args) => run_init(args),
        Command::Inventory(args) => run_inventory(args),
        Command::Completions(args) => {
            use clap::CommandFactory;
            let mut cmd = crate::cli::Cli::command();
            // Into a buffer first: clap_complete panics when a write fails (a closed pipe).
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut cmd, "aiguard", &mut script);
            use std::io::Write;
            let _ = std::io::stdout().write_all(&script);
            Ok(ExitStatus::Success)
        }
    };
    match result {
        Ok(status) => status,
        Err(e) => {
            eprintln!("aiguard: error: {e}");
            ExitStatus::Error
        }
    }
}

fn write_stdout(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`aiguard scan | head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write output: {e}")),
    }
}

fn use_color(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
            let forced =
                std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0");
            forced || (terminal && !no_color && !dumb)
        }
    }
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

fn run_scan(args: ScanArgs) -> Result<ExitStatus, String> {
    let registry = Registry::builtin();
    let config = load_config(&args)?;
    let select = args.select.as_deref().or(config.select.as_deref());
    let mut extend_select = config.extend_select.clone();
    extend_select.extend(args.extend_select.iter().cloned());
    let mut ignore = config.ignore.clone();
    ignore.extend(args.ignore.iter().cloned());
    let mut enabled = config::select_rules(registry, select, &extend_select, &ignore)?;
    if args.strict {
        // `--strict` turns on the rules about suppression comments themselves.
        enabled.extend(
            registry
                .rules
                .iter()
                .filter(|r| r.category == "meta")
                .map(|r| r.id),
        );
    }

    let config_dir = config
        .path
        .as_ref()
        .and_then(|p| p.parent())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let mut per_file_ignores = Vec::new();
    for (pattern, selectors) in &config.per_file_ignores {
        let rules = config::ignored_rules(registry, selectors)?;
        // Patterns are relative to the config file's directory; display paths to the cwd.
        let rel = relative_to_cwd(&config_dir.join(pattern.trim_start_matches("./")));
        let anchored = if pattern.contains('/') {
            rel
        } else {
            pattern.clone()
        };
        per_file_ignores.push(PerFileIgnore::new(&anchored, rules).map_err(|e| {
            format!(
                "{}: `per-file-ignores`: bad glob {pattern:?}: {e}",
                config_dir.display()
            )
        })?);
    }

    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let max_filesize = args
        .max_filesize
        .or(config.max_filesize)
        .unwrap_or(DEFAULT_MAX_FILESIZE);
    let mut exclude = config.exclude.clone().unwrap_or_default();
    exclude.extend(config.extend_exclude.iter().cloned());
    exclude.extend(args.exclude.iter().cloned());

    let reads_stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    let stdin = if reads_stdin {
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
        Some((name, text))
    } else {
        None
    };
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
    let walk = (!paths.is_empty()).then_some(WalkOptions {
        paths,
        exclude,
        force_exclude: args.force_exclude,
        max_filesize,
        threads,
        respect_ignore_files: !args.no_ignore,
    });

    // `--since`: ask git first, so a bad REF or a missing git stops the run before the scan.
    let mut changes = match &args.since {
        Some(_) if stdin.is_some() => {
            return Err("--since cannot be used with standard input".into());
        }
        Some(reference) => {
            let first = args.paths.first().cloned().unwrap_or_else(|| ".".into());
            let dir = if first.is_dir() {
                first
            } else {
                first
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
            };
            Some(crate::since::Changes::collect(&dir, reference)?)
        }
        None => None,
    };
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
    };
    let mut result = scan::scan(&opts, registry);

    if let Some(path) = &args.write_baseline {
        crate::baseline::write(path, &result.findings, &repo_paths)?;
        eprintln!(
            "aiguard: wrote {} finding(s) to the baseline {}",
            result.findings.len(),
            path.display()
        );
        // Everything found is now baselined.
        result.baselined = result.findings.len();
        result.findings.clear();
    }
    if let Some(baseline) = &baseline {
        let (new, old) = baseline.filter(std::mem::take(&mut result.findings), &repo_paths);
        result.findings = new;
        result.baselined = old.len();
        result.sort();
    }
    if let Some(changes) = &mut changes {
        let paths = changes.repo_paths();
        let touched: std::collections::BTreeSet<String> = result
            .findings
            .iter()
            .map(|f| paths.to_root(&f.location.path))
            .collect();
        changes.compare(touched.iter().map(String::as_str))?;
        let before = result.findings.len();
        result.findings.retain(|f| changes.touches(f, &paths));
        result.unchanged = before - result.findings.len();
    }
    if let Some(reason) = &args.add_ignore {
        let reason = reason.trim();
        let reason = (!reason.is_empty()).then_some(reason);
        let outcome = crate::add_ignore::add(std::mem::take(&mut result.findings), reason);
        for note in &outcome.notes {
            eprintln!("aiguard: {}", report::sanitize(note, false));
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

    if args.fix {
        let outcome = crate::fix::apply(std::mem::take(&mut result.findings), args.diff);
        for e in &outcome.errors {
            eprintln!("aiguard: cannot fix {}", report::sanitize(e, false));
        }
        result.findings = outcome.left;
        result.sort();
        if args.diff {
            let diff = mask_output(&outcome.diff, &result.secrets, &registry.secrets);
            write_stdout(&diff)?;
            eprintln!(
                "aiguard: {} fix(es) available in {} file(s); run with --fix to apply",
                outcome.fixed.len(),
                outcome.files
            );
            return Ok(if outcome.fixed.is_empty() {
                ExitStatus::Success
            } else {
                ExitStatus::Failure
            });
        }
        eprintln!(
            "aiguard: fixed {} finding(s) in {} file(s)",
            outcome.fixed.len(),
            outcome.files
        );
    }

    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let format = args.format.unwrap_or(if to_terminal {
        Format::Full
    } else {
        Format::Concise
    });
    let report_opts = ReportOptions {
        color: use_color(args.color, to_terminal),
        width: terminal_width(),
        repo_root: repo_paths.root.clone(),
        cwd,
        enabled_rules: enabled.iter().copied().collect(),
    };
    let text = report::render(format, &result, registry, &report_opts);
    match &args.output {
        Some(path) => std::fs::write(path, &text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => write_stdout(&text)?,
    }
    if let Some(path) = &args.sarif_output {
        let sarif = report::render(Format::Sarif, &result, registry, &report_opts);
        std::fs::write(path, sarif).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let human = matches!(format, Format::Full | Format::Concise) || args.output.is_some();
    if args.statistics {
        eprint!("{}", report::statistics(&result));
    }
    if args.verbose {
        for s in &result.skipped {
            let verb = if s.reason.is_partial() {
                "partly analysed"
            } else {
                "skipped"
            };
            let path = report::sanitize(&s.path, false);
            match &s.detail {
                Some(d) => eprintln!(
                    "aiguard: {verb} {path}: {} ({})",
                    s.reason.as_str(),
                    report::sanitize(d, false)
                ),
                None => eprintln!("aiguard: {verb} {path}: {}", s.reason.as_str()),
            }
        }
    }
    if human && !args.quiet {
        eprintln!("{}", report::summary_line(&result));
    }

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
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// What went wrong, as `ls` says it: `permission denied`, `not a directory`, without Rust's
/// `(os error N)`.
fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text);
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "cannot be read".into(),
    }
}

fn relative_to_cwd(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let rel = abs.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(abs);
    rel.to_string_lossy()
        .replace('\\', "/")
        .trim_start_matches("./")
        .to_string()
}

/// The root SARIF URIs and fingerprints are relative to (`%SRCROOT%`): the repository holding
/// what is scanned (the nearest ancestor with `.git`), else the working directory when the path is
/// inside it, else the scanned directory itself. Several
/// paths in different places share their closest common ancestor. So a scan of a tree outside the
/// working directory still gives relative URIs and the same fingerprints from anywhere.
fn scan_root(cwd: &Path, paths: &[PathBuf], stdin_filename: Option<&Path>) -> PathBuf {
    let named: Vec<&Path> = paths
        .iter()
        .map(PathBuf::as_path)
        .filter(|p| p.as_os_str() != "-")
        .chain(stdin_filename)
        .collect();
    let named = if named.is_empty() {
        vec![Path::new(".")]
    } else {
        named
    };
    let roots: Vec<PathBuf> = named
        .iter()
        .map(|p| {
            let abs = lexical(&cwd.join(p));
            let dir = if abs.is_dir() {
                abs
            } else {
                abs.parent().map_or(abs.clone(), Path::to_path_buf)
            };
            let outside = if dir.starts_with(cwd) { cwd } else { &dir };
            dir.ancestors()
                .find(|d| d.join(".git").exists())
                .unwrap_or(outside)
                .to_path_buf()
        })
        .collect();
    let mut common = roots[0].clone();
    for r in &roots[1..] {
        while !r.starts_with(&common) {
            if !common.pop() {
                break;
            }
        }
    }
    common
}

/// `.` and `..` resolved without touching the file system.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &usize| w >= 40)
        .unwrap_or(100)
}

fn run_rules(args: RulesArgs) -> Result<ExitStatus, String> {
    let registry = Registry::builtin();
    let text = match args.format {
        RulesFormat::Json => {
            serde_json::to_string_pretty(&registry.rules).map_err(|e| e.to_string())? + "\n"
        }
        RulesFormat::Markdown => crate::docs::rules_index(registry),
        RulesFormat::Table => {
            let mut s = String::new();
            for r in &registry.rules {
                let off = if r.default_enabled {
                    ""
                } else {
                    " (off by default)"
                };
                s.push_str(&format!(
                    "{:<7} {:<9} {:<38} {}{off}\n",
                    r.id, r.severity, r.name, r.summary
                ));
            }
            s
        }
    };
    write_stdout(&text)?;
    Ok(ExitStatus::Success)
}

fn run_inventory(args: crate::cli::InventoryArgs) -> Result<ExitStatus, String> {
    use crate::cli::InventoryFormat;
    let walk = WalkOptions {
        paths: args.paths,
        exclude: Vec::new(),
        force_exclude: false,
        max_filesize: DEFAULT_MAX_FILESIZE,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        respect_ignore_files: true,
    };
    let registry = Registry::builtin();
    let inventory = crate::inventory::collect(&walk, registry);
    let text = match args.format {
        InventoryFormat::Table => inventory.to_table(),
        InventoryFormat::Json => {
            serde_json::to_string_pretty(&inventory).map_err(|e| e.to_string())? + "\n"
        }
        InventoryFormat::Cyclonedx => {
            serde_json::to_string_pretty(&inventory.to_cyclonedx(&registry.inventory.download_purl))
                .map_err(|e| e.to_string())?
                + "\n"
        }
    };
    let text = mask_output(&text, &inventory.secret_values, &registry.secrets);
    match args.output {
        Some(path) => std::fs::write(&path, text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => write_stdout(&text)?,
    }
    Ok(ExitStatus::Success)
}

fn run_explain(args: ExplainArgs) -> Result<ExitStatus, String> {
    let registry = Registry::builtin();
    let rule = registry
        .lookup(&args.rule)
        .ok_or_else(|| format!("unknown rule {:?} (see `aiguard rules`)", args.rule))?;
    let text = match args.format {
        ExplainFormat::Markdown => crate::docs::rule_page(rule),
        ExplainFormat::Json => {
            serde_json::to_string_pretty(rule).map_err(|e| e.to_string())? + "\n"
        }
    };
    write_stdout(&text)?;
    Ok(ExitStatus::Success)
}

fn run_init(args: InitArgs) -> Result<ExitStatus, String> {
    let path = args.dir.join("aiguard.toml");
    if path.exists() && !args.force {
        return Err(format!(
            "{} already exists (use --force to overwrite)",
            path.display()
        ));
    }
    std::fs::write(&path, config::init_template())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!("aiguard: wrote {}", path.display());
    Ok(ExitStatus::Success)
}
