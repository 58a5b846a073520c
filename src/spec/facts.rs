//! `[[fact]]` tables: what establishes a project fact (`llm-app`, `rate-limiter`); see
//! `rules/facts.rs` for how files establish them.

use super::glob::Glob;
use serde::Deserialize;
use std::collections::BTreeSet;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFact {
    pub(crate) name: String,
    /// Language families this table applies to; all when empty.
    #[serde(default)]
    pub(crate) languages: Vec<String>,
    #[serde(default)]
    pub(crate) imports: Vec<String>,
    #[serde(default)]
    pub(crate) calls: Vec<String>,
    #[serde(default)]
    pub(crate) decorators: Vec<String>,
    #[serde(default)]
    pub(crate) keys: Vec<String>,
}

#[derive(Debug)]
pub(crate) struct Fact {
    pub(crate) name: &'static str,
    pub(crate) languages: Vec<String>,
    pub(crate) imports: Vec<Glob>,
    pub(crate) calls: Vec<Glob>,
    pub(crate) decorators: Vec<Glob>,
    pub(crate) keys: Vec<String>,
}

/// Every `[[fact]]` table of the packs.
#[derive(Debug, Default)]
pub struct Facts {
    pub(crate) facts: Vec<Fact>,
}

/// The facts a file or a project has.
pub type FactSet = BTreeSet<&'static str>;

impl Facts {
    /// A fact of the packs by its name, as the registry holds it.
    pub fn name(&self, name: &str) -> Option<&'static str> {
        self.facts.iter().find(|f| f.name == name).map(|f| f.name)
    }

    pub fn compile(raw: Vec<(&str, RawFact)>) -> Result<Facts, String> {
        let mut facts = Vec::new();
        for (file, f) in raw {
            if f.name.is_empty() {
                return Err(format!("{file}: a [[fact]] needs a name"));
            }
            if f.imports.is_empty()
                && f.calls.is_empty()
                && f.decorators.is_empty()
                && f.keys.is_empty()
            {
                return Err(format!(
                    "{file}: fact {} names nothing that establishes it",
                    f.name
                ));
            }
            super::family::check(&f.languages)
                .map_err(|e| format!("{file}: fact {}: {e}", f.name))?;
            let globs = |v: &[String]| v.iter().map(|g| Glob::new(g)).collect();
            facts.push(Fact {
                name: Box::leak(f.name.into_boxed_str()),
                languages: f.languages,
                imports: globs(&f.imports),
                calls: globs(&f.calls),
                decorators: globs(&f.decorators),
                keys: f.keys,
            });
        }
        Ok(Facts { facts })
    }
}

/// Whether a finding of a rule with these conditions is kept in a project with `facts`.
pub fn allowed(requires: &[&str], unless: &[&str], facts: &FactSet) -> bool {
    requires.iter().all(|f| facts.contains(f)) && !unless.iter().any(|f| facts.contains(f))
}
