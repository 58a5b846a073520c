//! Command-line definitions (clap derive).

use crate::finding::Confidence;
use crate::report::Format;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "aiguard",
    version,
    about = "Static analysis for codebases that call large language models",
    long_about = "aiguard reads Python, TypeScript/JavaScript, Rust and Jupyter notebooks, never runs them, and \
reports API keys in source, untrusted text in prompts, model output fed to dangerous sinks, unsafe \
model loading and more.\n\nExit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage, \
config or fatal error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories for findings.
    Scan(Box<ScanArgs>),
    /// List the rules.
    Rules(RulesArgs),
    /// Print a rule's documentation.
    Explain(ExplainArgs),
    /// Write a commented default aiguard.toml.
    Init(InitArgs),
    /// Print a shell completion script (`aiguard completions bash > /etc/bash_completion.d/aiguard`).
    Completions(CompletionsArgs),
    /// List what the code does with AI: model calls, tools, model downloads, secrets.
    Inventory(InventoryArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InventoryFormat {
    Table,
    Json,
    /// A CycloneDX 1.6 ML-BOM.
    Cyclonedx,
}

#[derive(Debug, Args)]
pub struct InventoryArgs {
    /// Files or directories to inventory.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = InventoryFormat::Table)]
    pub format: InventoryFormat,
    /// Write to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Info,
    Low,
    Medium,
    High,
    Critical,
    Never,
}

/// The confidence floor of the report (`--min-confidence`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MinConfidence {
    Low,
    Medium,
    High,
}

impl MinConfidence {
    pub fn confidence(self) -> Confidence {
        match self {
            MinConfidence::Low => Confidence::Low,
            MinConfidence::Medium => Confidence::Medium,
            MinConfidence::High => Confidence::High,
        }
    }
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan; `-` reads standard input (with --stdin-filename).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format [default: full on a terminal, concise otherwise].
    #[arg(long, value_enum, env = "AIGUARD_FORMAT")]
    pub format: Option<Format>,

    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also write a SARIF report to FILE.
    #[arg(long, value_name = "FILE")]
    pub sarif_output: Option<PathBuf>,

    /// Rules to enable: codes, prefixes (AIG6), names or ALL (comma-separated); replaces the default set.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,

    /// Rules to enable in addition to the selected ones.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,

    /// Rules to disable.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,

    /// Exit 1 only for findings at or above this severity [default: info, i.e. any finding].
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    /// Always exit 0 unless aiguard itself fails (same as --fail-on never).
    #[arg(long)]
    pub exit_zero: bool,

    /// Use this config file instead of discovering one.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore all config files.
    #[arg(long)]
    pub isolated: bool,

    /// Exclude paths matching these gitignore-style globs (comma-separated), in addition to config.
    #[arg(long, value_delimiter = ',', value_name = "GLOBS")]
    pub exclude: Vec<String>,

    /// Apply excludes to paths named on the command line too (for pre-commit).
    #[arg(long)]
    pub force_exclude: bool,

    /// Skip files larger than this: bytes, or a number with a unit (`2MB`, `512KiB`; units are
    /// binary) [default: 1MiB].
    #[arg(long, value_name = "SIZE", value_parser = crate::config::parse_size)]
    pub max_filesize: Option<u64>,

    /// Worker threads [default: number of cores].
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// Print the number of findings per rule.
    #[arg(long)]
    pub statistics: bool,

    /// Drop the findings recorded in this baseline file (written by --write-baseline); only new
    /// findings are reported. Overrides `baseline` in the config file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record every current finding in FILE (rule, path and a hash of the line-independent
    /// fingerprint; no code), then report them as baselined.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["since", "add_ignore"])]
    pub write_baseline: Option<PathBuf>,

    /// Report only findings on lines added or changed since the merge base of HEAD and REF
    /// (working tree included; untracked files count as new). Needs git.
    #[arg(long, value_name = "REF")]
    pub since: Option<String>,

    /// Write an `aiguard: ignore[...]` comment (with REASON, if given) above every finding, merging
    /// with an existing one; notebooks are skipped. Use `--add-ignore="reason"`.
    #[arg(
        long,
        value_name = "REASON",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = ""
    )]
    pub add_ignore: Option<String>,

    /// Apply the mechanical fixes of fixable findings (`[*]` in concise output) to the files.
    #[arg(long, conflicts_with_all = ["write_baseline", "add_ignore"])]
    pub fix: bool,

    /// With --fix: print the changes as a unified diff instead of writing them; exit 1 if there
    /// are any.
    #[arg(long, requires = "fix")]
    pub diff: bool,

    /// Also report findings in tests, examples, benchmarks, docs and developer scripts (by
    /// default only keys in a provider's own format are reported there).
    #[arg(long)]
    pub include_tests: bool,

    /// Report findings of at least this confidence (default: medium; `low` shows every
    /// finding). Findings left out are counted in the summary.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub min_confidence: Option<MinConfidence>,

    /// Report unused and reason-less suppression comments.
    #[arg(long)]
    pub strict: bool,

    /// Print where the scan's time went, per phase (walk, read, parse, lower, resolve, text
    /// rules, pattern rules, flow, findings, link, report), to standard error.
    #[arg(long)]
    pub time: bool,

    /// Display path and language for standard input. Without it, standard input is scanned only
    /// when an interpreter line (`#!/usr/bin/env python3`) or notebook JSON names its language;
    /// otherwise the scan stops with exit code 2.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// Do not honour .gitignore, .ignore and .aiguardignore files.
    #[arg(long)]
    pub no_ignore: bool,

    /// Analyse every file again: neither read nor write the result cache.
    #[arg(long, env = "AIGUARD_NO_CACHE")]
    pub no_cache: bool,

    /// The result cache's directory [default: .aiguard_cache in the scanned repository's root].
    #[arg(long, value_name = "DIR", env = "AIGUARD_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Only print findings; no summary.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,

    /// List every skipped file and why.
    #[arg(short, long)]
    pub verbose: bool,

    /// When to use colour.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value = "table")]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule code (AIG601) or name (unsafe-model-deserialization).
    pub rule: String,
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: ExplainFormat,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory to write aiguard.toml in.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}
