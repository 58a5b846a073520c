//! GitHub workflow rules (AIG901-AIG903): AI agents run by `.github/workflows/*.yml`.
//!
//! A workflow is read once (`yaml`, `model`); then each job's steps are walked in order, with
//! what each `env:` entry, step output and job output holds: event text an outsider writes
//! (`github.event.issue.body`) or an AI step's output. The prompts of agent actions and the
//! scripts of agent command lines are where event text must not arrive (AIG901); `run:` scripts
//! and `github-script` are where AI output must not be pasted or executed (AIG903); and an agent
//! with unrestricted tools must not run on an event an outsider fires (AIG902). What is an agent,
//! what an outsider writes and which spellings are unrestricted are the pack's
//! (`rules/workflows.toml`).

mod expr;
mod flags;
mod model;
mod scripts;
mod shell;
mod steps;
mod yaml;

use crate::finding::Hit;
use crate::ir::Span;
use crate::source::Source;
use crate::spec::workflows::{WorkflowRules, WorkflowSettings, WorkflowSpec};
use model::{Job, Step, Workflow};
use std::collections::{BTreeSet, HashMap};
use yaml::Text;

/// What a value may hold.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// Text an outsider writes, of this entity (`issue`, `comment`; `*` for a whole event).
    Event(String),
    /// A model's output.
    Ai,
}

/// Where a value's taint came from: what it is, a label for messages, and its place.
#[derive(Debug, Clone)]
struct Origin {
    kind: Kind,
    label: String,
    span: Span,
}

type Origins = Vec<Origin>;

fn merge(into: &mut Origins, from: &[Origin]) {
    for o in from {
        if !into.iter().any(|x| x.kind == o.kind && x.label == o.label) {
            into.push(o.clone());
        }
    }
}

fn has_ai(origins: &[Origin]) -> bool {
    origins.iter().any(|o| o.kind == Kind::Ai)
}

/// Report the flaws of a workflow file.
pub fn run(
    source: &Source,
    spec: &WorkflowSpec,
    enabled: &BTreeSet<&'static str>,
    out: &mut Vec<Hit>,
) {
    let Some(rules) = spec.rules else {
        return;
    };
    let wanted = [rules.prompt, rules.unrestricted, rules.output];
    if !wanted.iter().any(|r| enabled.contains(r)) || !spec.is_workflow(&source.display_path) {
        return;
    }
    let Some(workflow) = yaml::parse(&source.text).as_ref().and_then(model::read) else {
        return;
    };
    let mut analysis = Analysis::new(spec, rules, &workflow);
    // Job outputs feed the jobs that need them, whatever order the file lists them in: settle
    // them first, then report in one last pass.
    for _ in 0..3 {
        analysis.pass();
    }
    analysis.report = true;
    analysis.pass();
    out.extend(
        analysis
            .hits
            .into_iter()
            .filter(|h| enabled.contains(h.rule_id)),
    );
}

struct Analysis<'a> {
    spec: &'a WorkflowSpec,
    settings: &'a WorkflowSettings,
    rules: WorkflowRules,
    workflow: &'a Workflow,
    /// Job id (lowercase) -> output name (lowercase) -> what it holds.
    job_outputs: HashMap<String, HashMap<String, Origins>>,
    /// Events event text may come from (`None`: a caller's event, unknown).
    prompt_events: Vec<Option<String>>,
    /// Events an outsider fires, with the entity whose author fires them.
    outsider_events: Vec<(String, String)>,
    report: bool,
    hits: Vec<Hit>,
}

/// What the names of a step's scope hold: `env:` entries and earlier steps' outputs.
#[derive(Default, Clone)]
struct Scope {
    env: Vec<(String, Origins)>,
    /// Step id (lowercase) -> output name (lowercase, `*` for any) -> what it holds.
    steps: HashMap<String, HashMap<String, Origins>>,
}

impl Scope {
    fn env(&self, name: &str, ignore_case: bool) -> Option<&Origins> {
        self.env
            .iter()
            .rev()
            .find(|(n, _)| {
                if ignore_case {
                    n.eq_ignore_ascii_case(name)
                } else {
                    n == name
                }
            })
            .map(|(_, o)| o)
    }
}

impl<'a> Analysis<'a> {
    fn new(spec: &'a WorkflowSpec, rules: WorkflowRules, workflow: &'a Workflow) -> Self {
        let s = &spec.settings;
        let mut prompt_events = Vec::new();
        let mut outsider_events = Vec::new();
        for t in &workflow.triggers {
            if s.outsider_triggers.contains(&t.event) {
                prompt_events.push(Some(t.event.clone()));
                let maintainers_only =
                    !t.types.is_empty() && t.types.iter().all(|ty| s.maintainer_types.contains(ty));
                if !maintainers_only {
                    outsider_events.push((t.event.clone(), firing_entity(s, &t.event)));
                }
            } else if s.inherited_triggers.contains(&t.event) {
                prompt_events.push(None);
            }
        }
        Analysis {
            spec,
            settings: s,
            rules,
            workflow,
            job_outputs: HashMap::new(),
            prompt_events,
            outsider_events,
            report: false,
            hits: Vec::new(),
        }
    }

    fn pass(&mut self) {
        let mut base = Scope::default();
        for (k, v) in &self.workflow.env {
            let held = self.held(v, &base);
            base.env.push((k.value.clone(), held));
        }
        for job in &self.workflow.jobs {
            let mut scope = base.clone();
            for (k, v) in &job.env {
                let held = self.held(v, &scope);
                scope.env.push((k.value.clone(), held));
            }
            let mut state = steps::JobState::default();
            for step in &job.steps {
                self.step(job, step, &mut scope, &mut state);
            }
            let mut outputs = HashMap::new();
            for (k, v) in &job.outputs {
                let held = self.held(v, &scope);
                let kept = self.unguarded(&held, job, None);
                outputs.insert(k.value.to_ascii_lowercase(), kept);
            }
            self.job_outputs
                .insert(job.id.to_ascii_lowercase(), outputs);
        }
    }

    /// The `${{ ... }}` expressions of a value, each with what it holds.
    fn expressions(&self, text: &Text, scope: &Scope) -> Vec<(std::ops::Range<usize>, Origins)> {
        expr::expressions(&text.value)
            .into_iter()
            .map(|(whole, inner)| {
                let mut held = Origins::new();
                for (r, path) in expr::references(&text.value[inner.clone()]) {
                    let at = inner.start + r.start..inner.start + r.end;
                    held.extend(self.reference(&path, text.span_of(at), scope));
                }
                (whole, held)
            })
            .collect()
    }

    /// Everything a value holds.
    fn held(&self, text: &Text, scope: &Scope) -> Origins {
        let mut out = Origins::new();
        for (_, o) in self.expressions(text, scope) {
            merge(&mut out, &o);
        }
        out
    }

    /// What one context reference holds.
    fn reference(&self, path: &[String], span: Span, scope: &Scope) -> Origins {
        if let Some(entity) = expr::untrusted_entity(path, self.settings) {
            return vec![Origin {
                kind: Kind::Event(entity),
                label: format!("`{}`", path.join(".")),
                span,
            }];
        }
        let name = |i: usize| path.get(i).map(String::as_str);
        match (name(0), name(1), name(2), name(3)) {
            (Some("env"), Some(var), _, _) => scope.env(var, true).cloned().unwrap_or_default(),
            (Some("steps"), Some(id), Some("outputs"), output) => {
                let Some(outputs) = scope.steps.get(id) else {
                    return Vec::new();
                };
                match output.and_then(|o| outputs.get(o).or_else(|| outputs.get("*"))) {
                    Some(held) => held.clone(),
                    None if output.is_none() => outputs.values().flatten().cloned().collect(),
                    None => Vec::new(),
                }
            }
            (Some("needs"), Some(job), Some("outputs"), Some(output)) => self
                .job_outputs
                .get(job)
                .and_then(|o| o.get(output))
                .cloned()
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// The event text of `held` that reaches a step of `job` (`step`) from someone untrusted on
    /// some event the workflow runs for; AI output is kept as it is.
    fn unguarded(&self, held: &[Origin], job: &Job, step: Option<&Step>) -> Origins {
        held.iter()
            .filter(|o| match &o.kind {
                Kind::Ai => true,
                Kind::Event(entity) => self.prompt_events.iter().any(|event| {
                    let carried = event.as_ref().is_none_or(|e| {
                        entity == "*"
                            || self
                                .settings
                                .event_entities
                                .get(e)
                                .is_none_or(|list| list.contains(entity))
                    });
                    carried && !expr::covers(&self.guards(job, step, event.as_deref()), entity)
                }),
            })
            .cloned()
            .collect()
    }

    /// What the `if:` of a job and a step guard when the workflow runs for `event`.
    fn guards(&self, job: &Job, step: Option<&Step>, event: Option<&str>) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let conditions = job
            .condition
            .iter()
            .chain(step.and_then(|s| s.condition.as_ref()));
        for c in conditions {
            out.extend(expr::guarded(&c.value, self.settings, event));
        }
        out
    }

    /// The outsider event an agent step of `job` can be fired by, if any.
    fn outsider_event(&self, job: &Job, step: &Step) -> Option<&str> {
        self.outsider_events
            .iter()
            .find(|(event, firing)| {
                let g = self.guards(job, Some(step), Some(event));
                !expr::covers(&g, firing) && !expr::covers(&g, "sender")
            })
            .map(|(e, _)| e.as_str())
    }

    fn hit(&mut self, rule_id: &'static str, span: Span, message: String, origins: &[Origin]) {
        if !self.report {
            return;
        }
        let flow = origins
            .iter()
            .filter(|o| o.span != span)
            .take(1)
            .map(|o| (o.span, format!("{} comes from here", o.label)))
            .chain(
                origins
                    .first()
                    .map(|_| (span, "and is used here".to_string())),
            )
            .collect::<Vec<_>>();
        self.hits.push(Hit {
            rule_id,
            span,
            message,
            in_raw: false,
            flow: if flow.len() > 1 { flow } else { Vec::new() },
            confidence: None,
            fix: None,
        });
    }
}

/// The entity whose author fires an event: the last one its payload carries besides the sender
/// (the comment of `issue_comment`, the issue of `issues`).
fn firing_entity(s: &WorkflowSettings, event: &str) -> String {
    s.event_entities
        .get(event)
        .and_then(|list| list.iter().rev().find(|e| *e != "sender"))
        .cloned()
        .unwrap_or_else(|| "sender".to_string())
}

#[cfg(test)]
mod tests;
