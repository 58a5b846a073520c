//! Project facts: what a project is, established by what its files import, call or set.
//!
//! A `[[fact]]` table names a fact (`llm-app`, `rate-limiter`) and what establishes it in a file:
//! `imports` (module globs, matched against each import's qualified name and every dotted prefix
//! of it: `openai` matches `from openai import OpenAI`), `calls` (qualified-name globs, as in
//! `[[pattern]] calls`), `decorators` (qualified-name globs of a decorator or its callee) and
//! `keys` (a keyword argument or a dict/object key with that name anywhere in the file). Several
//! tables may name the same fact; any of them establishes it.
//!
//! A rule with `requires_facts` / `unless_facts` keeps a finding only when the project has every
//! required fact and none of the excluded ones. The project is the whole scan: the union of the
//! facts of every scanned file (one file alone when a file is analysed on its own).

use super::pattern::{Glob, Sites};
use crate::ir::{Expr, ExprKind, Module};
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFact {
    name: String,
    /// Language families this table applies to; all when empty.
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    imports: Vec<String>,
    #[serde(default)]
    calls: Vec<String>,
    #[serde(default)]
    decorators: Vec<String>,
    #[serde(default)]
    keys: Vec<String>,
}

#[derive(Debug)]
struct Fact {
    name: &'static str,
    languages: Vec<String>,
    imports: Vec<Glob>,
    calls: Vec<Glob>,
    decorators: Vec<Glob>,
    keys: Vec<String>,
}

/// Every `[[fact]]` table of the packs.
#[derive(Debug, Default)]
pub struct Facts {
    facts: Vec<Fact>,
}

/// The facts a file or a project has.
pub type FactSet = BTreeSet<&'static str>;

impl Facts {
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
            for l in &f.languages {
                if !super::pack::LANGUAGE_FAMILIES.contains(&l.as_str()) {
                    return Err(format!("{file}: fact {}: unknown language {l:?}", f.name));
                }
            }
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

    /// Whether some table declares the fact `name`.
    pub fn declares(&self, name: &str) -> bool {
        self.facts.iter().any(|f| f.name == name)
    }

    /// The facts one file establishes.
    pub fn establish(&self, module: &Module, family: &str, sites: &Sites) -> FactSet {
        let mut out = FactSet::new();
        for fact in &self.facts {
            if out.contains(fact.name) || !crate::flow::index::applies(&fact.languages, family) {
                continue;
            }
            if fact.holds(module, sites) {
                out.insert(fact.name);
            }
        }
        out
    }
}

impl Fact {
    fn holds(&self, module: &Module, sites: &Sites) -> bool {
        let imports = Imports::new(module);
        let any = |globs: &[Glob], name: &str| globs.iter().any(|g| g.matches(name));
        let imported = module.imports.iter().any(|i| {
            let q: &str = &i.qualified;
            any(&self.imports, q)
                || q.match_indices('.')
                    .any(|(at, _)| any(&self.imports, &q[..at]))
        });
        imported
            || sites
                .calls
                .iter()
                .any(|(c, _)| c.qualified.as_deref().is_some_and(|q| any(&self.calls, q)))
            || module.functions.iter().any(|f| {
                f.decorators
                    .iter()
                    .filter_map(|d| decorator_name(&imports, d))
                    .any(|d| any(&self.decorators, &d))
            })
            || sites
                .keyed
                .iter()
                .any(|(k, _, _)| self.keys.iter().any(|want| want == k))
    }
}

/// A decorator's qualified name: its callee's for `@x.tool()`, else its spelling with the head
/// followed through the imports.
fn decorator_name(imports: &Imports, d: &Expr) -> Option<String> {
    match &d.kind {
        ExprKind::Call(c) => c
            .qualified
            .as_deref()
            .map(str::to_string)
            .or_else(|| imports.qualify(&c.callee)),
        _ => imports.qualify(d),
    }
}

/// The file's imports by local name: one map for the many expressions of a file, where a look
/// at every import per expression is quadratic in a file with many of both.
pub struct Imports<'m>(HashMap<&'m str, &'m str>);

impl<'m> Imports<'m> {
    pub fn new(module: &'m Module) -> Self {
        // A later import of a name replaces an earlier one.
        Imports(
            module
                .imports
                .iter()
                .map(|i| (&*i.local, &*i.qualified))
                .collect(),
        )
    }

    /// `a.b.c` with `a` replaced by what it is imported as.
    pub fn qualify(&self, e: &Expr) -> Option<String> {
        let dotted = e.dotted()?;
        let (head, rest) = match dotted.split_once('.') {
            Some((h, r)) => (h, Some(r)),
            None => (dotted.as_str(), None),
        };
        let base = self.0.get(head).copied().unwrap_or(head);
        Some(match rest {
            Some(r) => format!("{base}.{r}"),
            None => base.to_string(),
        })
    }
}

/// Whether a finding of a rule with these conditions is kept in a project with `facts`.
pub fn allowed(requires: &[&str], unless: &[&str], facts: &FactSet) -> bool {
    requires.iter().all(|f| facts.contains(f)) && !unless.iter().any(|f| facts.contains(f))
}
