//! `[[loop]]` tables: the model calls that make a `while True` loop worth a look (AIG503) and the
//! calls that pace it by themselves; see `rules/loops.rs` for how they run.

use super::glob::Glob;
use super::rule::RuleMeta;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLoop {
    pub(crate) rule: String,
    #[serde(default)]
    pub(crate) languages: Vec<String>,
    /// Calls that make a turn of the loop a model call.
    pub(crate) calls: Vec<String>,
    /// Calls that pace the loop by themselves: input, queues, sleeps.
    #[serde(default)]
    pub(crate) paced_by: Vec<String>,
    pub(crate) message: String,
}

#[derive(Debug)]
pub struct LoopRule {
    pub rule_id: &'static str,
    pub(crate) languages: Vec<String>,
    pub(crate) calls: Vec<Glob>,
    pub(crate) paced_by: Vec<Glob>,
    pub(crate) message: String,
}

impl RawLoop {
    pub fn rule(&self) -> &str {
        &self.rule
    }
}

impl LoopRule {
    pub fn compile(raw: RawLoop, meta: &RuleMeta) -> Result<LoopRule, String> {
        for l in &raw.languages {
            if !meta.languages.contains(&l.as_str()) {
                return Err(format!(
                    "loop of {}: language {l:?} is not one of the rule's",
                    meta.id
                ));
            }
        }
        Ok(LoopRule {
            rule_id: meta.id,
            languages: raw.languages,
            calls: raw.calls.iter().map(|c| Glob::new(c)).collect(),
            paced_by: raw.paced_by.iter().map(|c| Glob::new(c)).collect(),
            message: raw.message,
        })
    }
}
