//! `[[pattern]]` tables: one construct of the IR, declared as data (see `rules/pattern.rs` for
//! how they run).
//!
//! A pattern either matches calls by qualified name (`calls = ["torch.load"]`, `*` is a
//! wildcard) and then checks argument conditions, or matches a keyword argument / dict or object
//! key by name anywhere (`keys = ["trust_remote_code"]`) and checks its value, or matches an
//! assignment to a qualified name (`assigns = ["litellm.ssl_verify"]`) and checks its value.

use super::condition::{compile_condition, literal_from_toml, Condition, Literal, RawCondition};
use super::glob::Glob;
use super::rule::{confidence_of, RuleMeta};
use regex::Regex;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPattern {
    pub rule: String,
    /// Language families this pattern applies to; all of the rule's when empty.
    #[serde(default)]
    pub(crate) languages: Vec<String>,
    #[serde(default)]
    pub(crate) calls: Vec<String>,
    #[serde(default)]
    pub(crate) keys: Vec<String>,
    /// Assignments to these qualified names (`litellm.ssl_verify`, `DEBUG`); with `equals` or
    /// `matches`, as `keys`.
    #[serde(default)]
    pub(crate) assigns: Vec<String>,
    /// With `keys`: the literal value that makes a match.
    #[serde(default)]
    pub(crate) equals: Option<toml::Value>,
    /// With `keys`: a regex the literal string value must match, instead of `equals`.
    #[serde(default)]
    pub(crate) matches: Option<String>,
    #[serde(default)]
    pub(crate) when: Vec<RawCondition>,
    #[serde(default)]
    pub(crate) unless: Vec<RawCondition>,
    /// For a call that makes a client: not reported when a call made through that client
    /// meets one of these (`unless_uses = [{ arg = "timeout", set = true }]`: the code sets a
    /// timeout per call instead).
    #[serde(default)]
    pub(crate) unless_uses: Vec<RawCondition>,
    /// With `unless_uses`, where some calls through the client meet it and others of the same
    /// name do not: those others are reported, with this message (`{name}`: the call), and not
    /// the client. Without it the client is not reported.
    #[serde(default)]
    pub(crate) use_message: Option<String>,
    /// For a call: not reported when the same file also calls one of these (qualified-name
    /// globs): a file that writes the pickles it reads (`pickle.dump` beside `pickle.load`).
    #[serde(default)]
    pub(crate) unless_file_calls: Vec<String>,
    /// Report at this argument's span instead of the whole call, when it is present.
    #[serde(default)]
    pub(crate) focus: Option<String>,
    /// Overrides the rule's confidence for what this pattern reports (`low`, `medium`, `high`).
    #[serde(default)]
    pub(crate) confidence: Option<String>,
    pub(crate) message: String,
}

#[derive(Debug)]
pub struct PatternRule {
    pub rule_id: &'static str,
    pub languages: Vec<String>,
    pub(crate) calls: Vec<Glob>,
    pub(crate) keys: Vec<String>,
    pub(crate) assigns: Vec<Glob>,
    pub(crate) equals: Option<Literal>,
    pub(crate) matches: Option<Regex>,
    pub(crate) when: Vec<Condition>,
    pub(crate) unless: Vec<Condition>,
    pub(crate) unless_uses: Vec<Condition>,
    pub(crate) use_message: Option<String>,
    pub(crate) unless_file_calls: Vec<Glob>,
    pub(crate) confidence: Option<crate::finding::Confidence>,
    pub(crate) focus: Option<String>,
    pub(crate) message: String,
}

impl PatternRule {
    pub fn compile(raw: RawPattern, meta: &RuleMeta) -> Result<PatternRule, String> {
        let ctx = |e: String| format!("pattern of {}: {e}", meta.id);
        let forms = [&raw.calls, &raw.keys, &raw.assigns];
        if forms.iter().filter(|f| !f.is_empty()).count() != 1 {
            return Err(ctx(
                "give exactly one of `calls`, `keys` or `assigns`".into()
            ));
        }
        if raw.calls.is_empty() && raw.equals.is_none() == raw.matches.is_none() {
            return Err(ctx(
                "`keys` and `assigns` need one of `equals` or `matches`".into(),
            ));
        }
        if raw.unless_uses.is_empty() && raw.use_message.is_some() {
            return Err(ctx("`use_message` needs `unless_uses`".into()));
        }
        if raw.calls.is_empty() && !raw.unless_file_calls.is_empty() {
            return Err(ctx("`unless_file_calls` needs `calls`".into()));
        }
        let globs = |names: &[String]| names.iter().map(|c| Glob::new(c)).collect();
        let compile_all = |conds: Vec<RawCondition>| -> Result<Vec<Condition>, String> {
            conds
                .into_iter()
                .map(|c| compile_condition(c).map_err(ctx))
                .collect()
        };
        for l in &raw.languages {
            if !meta.languages.contains(&l.as_str()) {
                return Err(ctx(format!("language {l:?} is not one of the rule's")));
            }
        }
        Ok(PatternRule {
            rule_id: meta.id,
            languages: raw.languages,
            calls: globs(&raw.calls),
            keys: raw.keys,
            assigns: globs(&raw.assigns),
            equals: raw
                .equals
                .as_ref()
                .map(literal_from_toml)
                .transpose()
                .map_err(ctx)?,
            matches: raw
                .matches
                .as_deref()
                .map(Regex::new)
                .transpose()
                .map_err(|e| ctx(e.to_string()))?,
            when: compile_all(raw.when)?,
            unless: compile_all(raw.unless)?,
            unless_uses: compile_all(raw.unless_uses)?,
            use_message: raw.use_message,
            unless_file_calls: globs(&raw.unless_file_calls),
            focus: raw.focus,
            confidence: confidence_of(raw.confidence.as_deref()).map_err(ctx)?,
            message: raw.message,
        })
    }
}
