//! `[agent_text]`, `[[hidden_text]]` and `[tool_injection]` tables (AIG906, AIG907): which files
//! agents read as instructions, where a tool's description is, the classes of hidden characters,
//! and the phrases that make a description an order to the model. Run by
//! `rules/agent_text.rs`.

use super::rule::RuleMeta;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use regex::Regex;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgentText {
    /// The rule hidden text is reported under (AIG906).
    pub(crate) rule: String,
    /// Globs over the end of a path: files read whole as agent instructions or prompts.
    #[serde(default)]
    pub(crate) instruction_files: Vec<String>,
    /// Keyword arguments, object keys and class fields holding a tool's description.
    #[serde(default)]
    pub(crate) description_keys: Vec<String>,
    /// Keys that, beside a description, make a dict or call a tool schema.
    #[serde(default)]
    pub(crate) schema_keys: Vec<String>,
    /// Globs over the end of a path: text files read as JSON tool schemas.
    #[serde(default)]
    pub(crate) schema_files: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHiddenText {
    pub(crate) name: String,
    /// Hex code points and ranges: `"200B"`, `"E0000-E007F"`.
    pub(crate) code_points: Vec<String>,
    /// `always`, `between-latin` or `in-runs`.
    pub(crate) report: String,
    #[serde(default)]
    pub(crate) min_run: Option<usize>,
    /// A short run right after one of these code points is part of an emoji sequence.
    #[serde(default)]
    pub(crate) allowed_after: Vec<String>,
    /// The longest run `allowed_after` excuses.
    #[serde(default)]
    pub(crate) allowed_run: Option<usize>,
    /// Not reported on a line holding one of these code points.
    #[serde(default)]
    pub(crate) unless_line_has: Vec<String>,
    /// The class spells ASCII: each character minus this code point.
    #[serde(default)]
    pub(crate) ascii_offset: Option<String>,
    /// Reported anywhere in source code, not only in instructions and tool descriptions.
    #[serde(default)]
    pub(crate) anywhere: bool,
    /// Shown as they are in snippets (other classes are escaped as `<U+200B>`).
    #[serde(default)]
    pub(crate) kept_in_snippets: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawToolInjection {
    /// The rule injected descriptions are reported under (AIG907).
    pub(crate) rule: String,
    #[serde(default)]
    pub(crate) overrides: Vec<String>,
    #[serde(default)]
    pub(crate) secrecy: Vec<String>,
    #[serde(default)]
    pub(crate) sensitive: Vec<String>,
    #[serde(default)]
    pub(crate) access: Vec<String>,
    #[serde(default)]
    pub(crate) addressed: Vec<String>,
    #[serde(default)]
    pub(crate) exfil: Vec<String>,
    #[serde(default)]
    pub(crate) destinations: Vec<String>,
    #[serde(default)]
    pub(crate) blocks: Vec<String>,
}

/// When a class of hidden characters is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    Always,
    /// Inside a word of Latin letters and digits, or in a run of `min_run`.
    BetweenLatin,
    /// In a run of `min_run`.
    InRuns,
}

/// Code points as inclusive ranges.
#[derive(Debug, Default, Clone)]
pub struct CodePoints(Vec<(u32, u32)>);

impl CodePoints {
    fn parse(list: &[String]) -> Result<Self, String> {
        let hex = |s: &str| {
            u32::from_str_radix(s.trim(), 16).map_err(|_| format!("bad code point {s:?}"))
        };
        let mut out = Vec::new();
        for item in list {
            let range = match item.split_once('-') {
                Some((a, b)) => (hex(a)?, hex(b)?),
                None => (hex(item)?, hex(item)?),
            };
            if range.0 > range.1 {
                return Err(format!("empty code point range {item:?}"));
            }
            out.push(range);
        }
        Ok(CodePoints(out))
    }

    pub fn contains(&self, c: char) -> bool {
        let c = c as u32;
        self.0.iter().any(|&(a, b)| a <= c && c <= b)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(Debug)]
pub struct HiddenClass {
    pub name: String,
    pub code_points: CodePoints,
    pub report: Report,
    pub min_run: usize,
    pub allowed_after: CodePoints,
    pub allowed_run: usize,
    pub unless_line_has: CodePoints,
    pub ascii_offset: Option<u32>,
    pub anywhere: bool,
    pub kept_in_snippets: bool,
}

/// Case-insensitive alternatives, one regex per list.
#[derive(Debug)]
pub struct ToolInjection {
    pub rule_id: &'static str,
    pub overrides: Option<Regex>,
    pub secrecy: Option<Regex>,
    pub sensitive: Option<Regex>,
    pub access: Option<Regex>,
    pub addressed: Option<Regex>,
    pub exfil: Option<Regex>,
    pub destinations: Option<Regex>,
    pub blocks: Option<Regex>,
}

#[derive(Debug)]
pub struct AgentText {
    pub rule_id: &'static str,
    pub instruction_files: GlobSet,
    pub description_keys: Vec<String>,
    pub schema_keys: Vec<String>,
    pub schema_files: GlobSet,
    pub hidden: Vec<HiddenClass>,
    pub injection: Option<ToolInjection>,
}

impl AgentText {
    /// No pack declares the tables: nothing is hidden, no description is read.
    pub fn none() -> AgentText {
        AgentText {
            rule_id: "",
            instruction_files: GlobSet::empty(),
            description_keys: Vec::new(),
            schema_keys: Vec::new(),
            schema_files: GlobSet::empty(),
            hidden: Vec::new(),
            injection: None,
        }
    }

    pub fn compile(
        raw: Option<RawAgentText>,
        hidden: Vec<RawHiddenText>,
        injection: Option<RawToolInjection>,
        rules: &[RuleMeta],
    ) -> Result<AgentText, String> {
        let rule_of = |id: &str, table: &str| {
            rules
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.id)
                .ok_or_else(|| format!("{table} names unknown rule {id}"))
        };
        let injection = injection
            .map(|r| ToolInjection::compile(r, &rule_of))
            .transpose()?;
        let Some(raw) = raw else {
            if !hidden.is_empty() {
                return Err("[[hidden_text]] without [agent_text]".into());
            }
            return Ok(AgentText {
                injection,
                ..AgentText::none()
            });
        };
        Ok(AgentText {
            rule_id: rule_of(&raw.rule, "[agent_text]")?,
            instruction_files: path_globs(&raw.instruction_files)?,
            description_keys: raw.description_keys,
            schema_keys: raw.schema_keys,
            schema_files: path_globs(&raw.schema_files)?,
            hidden: hidden
                .into_iter()
                .map(HiddenClass::compile)
                .collect::<Result<_, _>>()?,
            injection,
        })
    }

    /// The class of a hidden character, if it is one.
    pub fn class_of(&self, c: char) -> Option<&HiddenClass> {
        // Printable ASCII is never hidden: the common case is one comparison.
        if (' '..='~').contains(&c) || c == '\n' || c == '\t' || c == '\r' {
            return None;
        }
        self.hidden.iter().find(|h| h.code_points.contains(c))
    }
}

impl HiddenClass {
    fn compile(raw: RawHiddenText) -> Result<HiddenClass, String> {
        let ctx = |e: String| format!("[[hidden_text]] {}: {e}", raw.name);
        let report = match raw.report.as_str() {
            "always" => Report::Always,
            "between-latin" => Report::BetweenLatin,
            "in-runs" => Report::InRuns,
            other => return Err(ctx(format!("unknown report {other:?}"))),
        };
        let ascii_offset = raw
            .ascii_offset
            .as_deref()
            .map(|s| u32::from_str_radix(s, 16).map_err(|_| ctx(format!("bad offset {s:?}"))))
            .transpose()?;
        Ok(HiddenClass {
            code_points: CodePoints::parse(&raw.code_points).map_err(ctx)?,
            report,
            min_run: raw.min_run.unwrap_or(1).max(1),
            allowed_after: CodePoints::parse(&raw.allowed_after).map_err(ctx)?,
            allowed_run: raw.allowed_run.unwrap_or(usize::MAX),
            unless_line_has: CodePoints::parse(&raw.unless_line_has).map_err(ctx)?,
            ascii_offset,
            anywhere: raw.anywhere,
            kept_in_snippets: raw.kept_in_snippets,
            name: raw.name,
        })
    }
}

impl ToolInjection {
    fn compile(
        raw: RawToolInjection,
        rule_of: &dyn Fn(&str, &str) -> Result<&'static str, String>,
    ) -> Result<ToolInjection, String> {
        let any = |list: &[String]| -> Result<Option<Regex>, String> {
            if list.is_empty() {
                return Ok(None);
            }
            let joined: Vec<String> = list.iter().map(|p| format!("(?:{p})")).collect();
            Regex::new(&format!("(?i){}", joined.join("|")))
                .map(Some)
                .map_err(|e| format!("[tool_injection]: {e}"))
        };
        Ok(ToolInjection {
            rule_id: rule_of(&raw.rule, "[tool_injection]")?,
            overrides: any(&raw.overrides)?,
            secrecy: any(&raw.secrecy)?,
            sensitive: any(&raw.sensitive)?,
            access: any(&raw.access)?,
            addressed: any(&raw.addressed)?,
            exfil: any(&raw.exfil)?,
            destinations: any(&raw.destinations)?,
            blocks: any(&raw.blocks)?,
        })
    }
}

/// Globs matched against the end of a path (`AGENTS.md` anywhere, `.cursor/rules/**` in any
/// directory), any case.
fn path_globs(list: &[String]) -> Result<GlobSet, String> {
    let mut set = GlobSetBuilder::new();
    for g in list {
        let glob = GlobBuilder::new(&format!("**/{}", g.trim_start_matches('/')))
            .literal_separator(true)
            .case_insensitive(true)
            .build()
            .map_err(|e| format!("[agent_text] glob {g:?}: {e}"))?;
        set.add(glob);
    }
    set.build().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests;
