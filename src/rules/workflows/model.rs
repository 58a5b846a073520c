//! A workflow file as the rules see it: its triggers, `env:` blocks, jobs and steps, each value
//! kept as a [`Text`] with its place in the file.

use super::yaml::{Node, Text};

#[derive(Debug, Default)]
pub struct Trigger {
    pub event: String,
    /// The `types:` listed for it; empty for every type.
    pub types: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Workflow {
    pub triggers: Vec<Trigger>,
    pub env: Vec<(Text, Text)>,
    /// `permissions:` of the whole workflow, as written (`write-all`, or a map's values).
    pub permissions: Vec<Text>,
    pub jobs: Vec<Job>,
}

#[derive(Debug, Default)]
pub struct Job {
    pub id: String,
    pub condition: Option<Text>,
    pub env: Vec<(Text, Text)>,
    pub permissions: Vec<Text>,
    pub outputs: Vec<(Text, Text)>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Default)]
pub struct Step {
    pub id: Option<String>,
    pub condition: Option<Text>,
    /// `uses:` with its place.
    pub uses: Option<Text>,
    pub with: Vec<(Text, Text)>,
    pub run: Option<Text>,
    pub env: Vec<(Text, Text)>,
}

impl Step {
    pub fn input(&self, name: &str) -> Option<&Text> {
        self.with
            .iter()
            .find(|(k, _)| k.value.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }
}

/// Reads a parsed workflow; `None` when it has no `jobs` (not a workflow).
pub fn read(root: &Node) -> Option<Workflow> {
    let jobs = root.get("jobs")?;
    Some(Workflow {
        triggers: triggers(root.get("on")),
        env: pairs(root.get("env")),
        permissions: permissions(root.get("permissions")),
        jobs: jobs
            .entries()
            .iter()
            .map(|(id, job)| Job {
                id: id.value.clone(),
                condition: job.get("if").and_then(Node::text).cloned(),
                env: pairs(job.get("env")),
                permissions: permissions(job.get("permissions")),
                outputs: pairs(job.get("outputs")),
                // A job that calls a reusable workflow is one step with its `with:`.
                steps: match job.get("steps") {
                    Some(s) => s.items().iter().map(step).collect(),
                    None => vec![step(job)],
                },
            })
            .collect(),
    })
}

fn step(node: &Node) -> Step {
    Step {
        id: node.get("id").and_then(Node::str).map(str::to_string),
        // A job's own `if:` is the job's.
        condition: node
            .get("if")
            .filter(|_| node.get("runs-on").is_none() && node.get("needs").is_none())
            .and_then(Node::text)
            .cloned(),
        uses: node.get("uses").and_then(Node::text).cloned(),
        with: pairs(node.get("with")),
        run: node.get("run").and_then(Node::text).cloned(),
        env: pairs(node.get("env")),
    }
}

/// A map of scalars (`env:`, `with:`, `outputs:`), as (key, value) pairs.
fn pairs(node: Option<&Node>) -> Vec<(Text, Text)> {
    node.map_or_else(Vec::new, |n| {
        n.entries()
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.text()?.clone())))
            .collect()
    })
}

fn permissions(node: Option<&Node>) -> Vec<Text> {
    match node {
        Some(Node::Scalar(t)) => vec![t.clone()],
        Some(n) => n
            .entries()
            .iter()
            .filter_map(|(_, v)| v.text().cloned())
            .collect(),
        None => Vec::new(),
    }
}

/// `on: push`, `on: [push, issues]`, or `on: {issues: {types: [opened]}}`.
fn triggers(node: Option<&Node>) -> Vec<Trigger> {
    let plain = |event: &str| Trigger {
        event: event.to_string(),
        types: Vec::new(),
    };
    match node {
        Some(Node::Scalar(t)) => vec![plain(&t.value)],
        Some(Node::Seq(items)) => items.iter().filter_map(Node::str).map(plain).collect(),
        Some(Node::Map(entries)) => entries
            .iter()
            .map(|(k, v)| Trigger {
                event: k.value.clone(),
                types: match v.get("types") {
                    Some(Node::Seq(ts)) => ts
                        .iter()
                        .filter_map(Node::str)
                        .map(str::to_string)
                        .collect(),
                    Some(Node::Scalar(t)) => vec![t.value.clone()],
                    _ => Vec::new(),
                },
            })
            .collect(),
        _ => Vec::new(),
    }
}
