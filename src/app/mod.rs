//! Runs a parsed command line and maps the outcome to an exit code. `scan` has a module of its
//! own ([`scan_command`]); the other commands are short and live here.

mod paths;
mod scan_command;

use crate::cli::{
    Cli, ColorChoice, Command, ExplainArgs, ExplainFormat, InitArgs, RulesArgs, RulesFormat,
};
use crate::config;
use crate::discover::WalkOptions;
use crate::rules::secrets::mask_output;
use crate::spec::registry::Registry;
use scan_command::run_scan;
use std::io::Write;

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
            // An error can quote the scanned tree (a bad value in its config file).
            eprintln!("aiguard: error: {}", mask_shapes(&e));
            ExitStatus::Error
        }
    }
}

/// `text` with anything shaped like a provider key masked: for messages on stderr, which quote
/// what the user or the scanned tree wrote rather than what the scan found.
fn mask_shapes(text: &str) -> String {
    mask_output(text, &Default::default(), &Registry::builtin().secrets)
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
