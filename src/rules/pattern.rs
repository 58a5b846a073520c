//! Pattern rules: one construct of the IR, declared as data in `[[pattern]]` tables
//! (`spec/pattern.rs`), run over a file's sites.

use crate::finding::Hit;
use crate::ir::constants::Constants;
use crate::ir::sites::Sites;
use crate::ir::{Call, Expr, Span};
use crate::project::LazyProject;
use crate::spec::condition::{literal_of, Condition, Literal};
use crate::spec::pattern::PatternRule;
use crate::spec::registry::Registry;
use crate::spec::rule::RuleMeta;

impl PatternRule {
    /// Whether this is a call pattern matching the qualified name `name`.
    pub fn matches_call(&self, name: &str) -> bool {
        self.calls.iter().any(|g| g.matches(name))
    }

    pub fn applies_to(&self, family: crate::source::Family, meta: &RuleMeta) -> bool {
        meta.runs_on(&self.languages, family)
    }

    /// Run this pattern over a file's call and key sites.
    /// `matched`: the indexes in `sites.calls` of the calls one of the pattern's `calls` globs
    /// matches (see [`matched_calls`]).
    pub fn run(
        &self,
        sites: &Sites,
        matched: &[usize],
        consts: &Constants,
        project: &LazyProject,
        out: &mut Vec<Hit>,
    ) {
        if !self.assigns.is_empty() {
            // Conditions of an assignment pattern name other module-level names bound once
            // (`CORS_ALLOW_CREDENTIALS = True` in the same settings file).
            let holds = |c: &Condition| c.test_value(consts.binding(&c.arg), consts);
            for (target, value, span) in &sites.assigns {
                if !self.assigns.iter().any(|g| g.matches(target))
                    || !self.value_matches(value, consts)
                {
                    continue;
                }
                if self.when.iter().all(holds) && !self.unless.iter().any(holds) {
                    out.push(self.hit(*span, target));
                }
            }
            return;
        }
        if !self.keys.is_empty() {
            for (key, value, span) in &sites.keyed {
                if !self.keys.iter().any(|k| k == key) {
                    continue;
                }
                if self.value_matches(value, consts) {
                    out.push(self.hit(*span, key));
                }
            }
            return;
        }
        if file_calls_one_of(&self.unless_file_calls, sites) {
            return;
        }
        for (call, span) in matched.iter().map(|&i| &sites.calls[i]) {
            let name = call.qualified.as_deref().unwrap_or_default();
            let holds = |c: &Condition| {
                c.on_project(project)
                    .unwrap_or_else(|| c.holds(call, consts))
            };
            if !self.when.iter().all(holds) || self.unless.iter().any(holds) {
                continue;
            }
            if let Some(lacking) = self.uses_lacking(call, sites, consts) {
                self.report_uses(&lacking, sites, out);
                continue;
            }
            {
                let focus = self
                    .focus
                    .as_deref()
                    .and_then(|f| call.args.iter().find(|a| a.name.as_deref() == Some(f)))
                    .map(|a| a.span)
                    .unwrap_or(*span);
                out.push(self.hit(focus, name));
            }
        }
    }

    /// `equals` / `matches` of a `keys` or `assigns` pattern.
    fn value_matches(&self, value: &Expr, consts: &Constants) -> bool {
        match (&self.equals, &self.matches, &literal_of(value, consts)) {
            (Some(want), _, Some(l)) => l == want,
            (_, Some(re), Some(Literal::Str(s))) => re.is_match(s),
            _ => false,
        }
    }

    /// When a call made through the client `client` meets an `unless_uses` condition, the code
    /// sets it per call: the calls of the same names through that client that do not (reported
    /// with `use_message`; none without it). `None` when no call meets one: the client is
    /// reported.
    fn uses_lacking<'m>(
        &self,
        client: &Call,
        sites: &Sites<'m>,
        consts: &Constants,
    ) -> Option<Vec<&'m Call>> {
        if self.unless_uses.is_empty() {
            return None;
        }
        let uses: Vec<&'m Call> = sites
            .made_through(client, consts)
            .iter()
            .copied()
            .filter(|c| !std::ptr::eq(*c, client))
            .collect();
        let meets = |c: &Call| self.unless_uses.iter().any(|u| u.holds(c, consts));
        let set_on: Vec<&str> = uses
            .iter()
            .filter(|c| meets(c))
            .filter_map(|c| c.qualified.as_deref())
            .collect();
        if set_on.is_empty() {
            return None;
        }
        if self.use_message.is_none() {
            return Some(Vec::new());
        }
        Some(
            uses.into_iter()
                .filter(|c| {
                    !meets(c) && c.qualified.as_deref().is_some_and(|q| set_on.contains(&q))
                })
                .collect(),
        )
    }

    /// One finding per call of `lacking`, at the call, with `use_message`.
    fn report_uses(&self, lacking: &[&Call], sites: &Sites, out: &mut Vec<Hit>) {
        let Some(message) = &self.use_message else {
            return;
        };
        for (call, span) in &sites.calls {
            if lacking.iter().any(|l| std::ptr::eq(*l, *call)) {
                let name = call.qualified.as_deref().unwrap_or_default();
                let mut hit = self.hit(*span, name);
                hit.message = message.replace("{name}", &short_name(name));
                out.push(hit);
            }
        }
    }

    fn hit(&self, span: Span, name: &str) -> Hit {
        Hit {
            rule_id: self.rule_id,
            span,
            message: self.message.replace("{name}", name),
            in_raw: false,
            flow: Vec::new(),
            confidence: self.confidence,
            fix: None,
        }
    }
}

/// Whether the file calls one of `globs` (`unless_file_calls`).
/// For each pattern of `registry`, the indexes in `sites.calls` of the calls its `calls` globs
/// match, found through the registry's name index rather than every glob against every call.
pub fn matched_calls(registry: &Registry, sites: &Sites) -> Vec<Vec<usize>> {
    let mut matched = vec![Vec::new(); registry.patterns.len()];
    for (ci, (call, _)) in sites.calls.iter().enumerate() {
        let Some(name) = call.qualified.as_deref() else {
            continue;
        };
        for (pi, gi) in registry.pattern_calls.candidates(name) {
            let calls: &mut Vec<usize> = &mut matched[pi as usize];
            if calls.last() != Some(&ci) && registry.patterns[pi as usize].calls[gi].matches(name) {
                calls.push(ci);
            }
        }
    }
    matched
}

fn file_calls_one_of(globs: &[crate::spec::glob::Glob], sites: &Sites) -> bool {
    sites.calls.iter().any(|(c, _)| {
        c.qualified
            .as_deref()
            .is_some_and(|q| globs.iter().any(|g| g.matches(q)))
    })
}

/// A call's name as its code spells it after the client: `chat.completions.create` of
/// `openai.OpenAI().chat.completions.create`.
fn short_name(qualified: &str) -> String {
    match qualified.rsplit_once("().") {
        Some((_, rest)) => rest.to_string(),
        None => qualified.to_string(),
    }
}
