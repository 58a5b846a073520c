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

use crate::ir::sites::{Imports, Sites};
use crate::ir::Module;
use crate::spec::facts::{Fact, FactSet, Facts};
use crate::spec::glob::Glob;

impl Facts {
    /// Whether some table declares the fact `name`.
    pub fn declares(&self, name: &str) -> bool {
        self.facts.iter().any(|f| f.name == name)
    }

    /// The facts one file establishes.
    pub fn establish(
        &self,
        module: &Module,
        family: crate::source::Family,
        sites: &Sites,
    ) -> FactSet {
        let mut out = FactSet::new();
        for fact in &self.facts {
            if out.contains(fact.name) || !crate::spec::family::applies(&fact.languages, family) {
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
                    .filter_map(|d| imports.decorator(d))
                    .any(|d| any(&self.decorators, &d))
            })
            || sites
                .keyed
                .iter()
                .any(|(k, _, _)| self.keys.iter().any(|want| want == k))
    }
}
