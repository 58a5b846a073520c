//! `[workflows]`, `[[agent_action]]` and `[[agent_cli]]`: what the GitHub-workflow rules
//! (AIG901-AIG903, `rules/workflows/`) know: which files are workflows, which event text an
//! outsider writes, which actions and command lines are AI agents, and which spellings leave an
//! agent unrestricted.

use super::glob::Glob;
use super::rule::RuleMeta;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The `[workflows]` table: one, in one pack.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowSettings {
    /// Rule of untrusted event text in a prompt (AIG901).
    pub prompt_rule: String,
    /// Rule of an unrestricted agent an outsider can fire (AIG902).
    pub unrestricted_rule: String,
    /// Rule of AI output run as code (AIG903).
    pub output_rule: String,
    /// Path globs of workflow files, matched against the path's tail.
    pub files: Vec<String>,
    /// Event properties an outsider writes (`github.event.issue.body`; `*` is one key or index).
    pub untrusted: Vec<String>,
    /// Whose text a property is, where it is not the key after `github.event.`.
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
    /// Input names (globs) that are prompts of actions no `[[agent_action]]` names.
    #[serde(default)]
    pub prompt_input_names: Vec<String>,
    /// Events an outsider can fire with the repository's secrets.
    pub outsider_triggers: Vec<String>,
    /// Events whose payload is a caller's (AIG901 only).
    #[serde(default)]
    pub inherited_triggers: Vec<String>,
    /// Activity types only maintainers cause.
    #[serde(default)]
    pub maintainer_types: Vec<String>,
    /// The objects each event's payload carries.
    #[serde(default)]
    pub event_entities: BTreeMap<String, Vec<String>>,
    pub trusted_associations: Vec<String>,
    #[serde(default)]
    pub actor_refs: Vec<String>,
    #[serde(default)]
    pub actor_entities: Vec<String>,
    /// Conditions (spaces removed) admitting only pull requests of the repository itself ->
    /// the entity whose text they clear.
    #[serde(default)]
    pub same_repo: BTreeMap<String, String>,
    #[serde(default)]
    pub token_inputs: Vec<String>,
    #[serde(default)]
    pub job_tokens: Vec<String>,
    #[serde(default)]
    pub write_all: Vec<String>,
    #[serde(default)]
    pub checkout_actions: Vec<String>,
    #[serde(default)]
    pub checkout_inputs: Vec<String>,
    #[serde(default)]
    pub fork_head_refs: Vec<String>,
    #[serde(default)]
    pub fork_checkout_commands: Vec<String>,
    #[serde(default)]
    pub script_actions: Vec<String>,
    #[serde(default)]
    pub script_inputs: Vec<String>,
    #[serde(default)]
    pub script_output_calls: Vec<String>,
    #[serde(default)]
    pub script_env: Vec<String>,
    pub interpreters: Vec<String>,
    pub inline_code_flags: Vec<String>,
    pub eval_words: Vec<String>,
    #[serde(default)]
    pub wrappers: Vec<String>,
}

/// `[[agent_action]]`: an AI action, by the `uses:` before `@`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentAction {
    pub uses: Vec<String>,
    #[serde(default)]
    pub prompt_inputs: Vec<String>,
    #[serde(default)]
    pub tool_inputs: Vec<String>,
    /// Allow-list entries that allow any shell command or write.
    #[serde(default)]
    pub unrestricted_tools: Vec<String>,
    #[serde(default)]
    pub args_inputs: Vec<String>,
    /// The `[[agent_cli]]` whose flags judge `args_inputs`.
    #[serde(default)]
    pub cli: Option<String>,
    /// Input name -> values that switch approvals or the sandbox off.
    #[serde(default)]
    pub unsafe_inputs: BTreeMap<String, Vec<String>>,
    /// Outputs carrying the model's text; every output when empty.
    #[serde(default)]
    pub outputs: Vec<String>,
    /// The model acts with tools (AIG902 applies), rather than only answering.
    pub agent: bool,
}

/// `[[agent_cli]]`: an agent command line run in a `run:` script.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentCli {
    pub commands: Vec<String>,
    /// Words after the command that make it take a prompt; any invocation does when empty.
    #[serde(default)]
    pub prompt_flags: Vec<String>,
    #[serde(default)]
    pub unrestricted_flags: Vec<String>,
    #[serde(default)]
    pub tool_flags: Vec<String>,
    #[serde(default)]
    pub unrestricted_tools: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
pub struct WorkflowRules {
    pub prompt: &'static str,
    pub unrestricted: &'static str,
    pub output: &'static str,
}

/// The compiled tables.
#[derive(Debug, Default)]
pub struct WorkflowSpec {
    pub settings: WorkflowSettings,
    /// The rules of `prompt_rule`, `unrestricted_rule`, `output_rule`; empty without `[workflows]`.
    pub rules: Option<WorkflowRules>,
    files: Vec<Glob>,
    prompt_names: Vec<Glob>,
    pub actions: Vec<AgentAction>,
    pub clis: Vec<AgentCli>,
}

impl WorkflowSpec {
    pub fn compile(
        settings: Option<WorkflowSettings>,
        actions: Vec<AgentAction>,
        clis: Vec<AgentCli>,
        rules: &[RuleMeta],
    ) -> Result<Self, String> {
        let rule = |id: &str| {
            rules
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.id)
                .ok_or_else(|| format!("[workflows] names unknown rule {id}"))
        };
        let compiled_rules = match &settings {
            Some(s) => Some(WorkflowRules {
                prompt: rule(&s.prompt_rule)?,
                unrestricted: rule(&s.unrestricted_rule)?,
                output: rule(&s.output_rule)?,
            }),
            None => None,
        };
        let settings = settings.unwrap_or_default();
        for a in &actions {
            if a.uses.is_empty() {
                return Err("[[agent_action]] with no `uses`".into());
            }
            if let Some(cli) = &a.cli {
                if !clis.iter().any(|c| c.commands.contains(cli)) {
                    return Err(format!(
                        "[[agent_action]] {}: no [[agent_cli]] has the command {cli:?}",
                        a.uses[0]
                    ));
                }
            }
        }
        if clis.iter().any(|c| c.commands.is_empty()) {
            return Err("[[agent_cli]] with no `commands`".into());
        }
        let files = settings
            .files
            .iter()
            .flat_map(|f| {
                let f = f.to_ascii_lowercase();
                [Glob::new(&f), Glob::new(&format!("*/{f}"))]
            })
            .collect();
        let prompt_names = settings
            .prompt_input_names
            .iter()
            .map(|p| Glob::new(&p.to_ascii_lowercase()))
            .collect();
        Ok(WorkflowSpec {
            settings,
            rules: compiled_rules,
            files,
            prompt_names,
            actions,
            clis,
        })
    }

    /// Whether a file (its path with `/` separators) is a workflow.
    pub fn is_workflow(&self, path: &str) -> bool {
        let path = path.replace('\\', "/").to_ascii_lowercase();
        self.files.iter().any(|g| g.matches(&path))
    }

    /// The AI action a `uses:` names (`owner/repo[/path]@ref`).
    pub fn action(&self, uses: &str) -> Option<&AgentAction> {
        let name = uses.split('@').next().unwrap_or("").trim();
        self.actions
            .iter()
            .find(|a| a.uses.iter().any(|u| u.eq_ignore_ascii_case(name)))
    }

    /// Whether an input of an action no `[[agent_action]]` names is a prompt by its name.
    pub fn is_prompt_name(&self, input: &str) -> bool {
        let input = input.to_ascii_lowercase();
        self.prompt_names.iter().any(|g| g.matches(&input))
    }

    /// The agent command line named `command`.
    pub fn cli(&self, command: &str) -> Option<&AgentCli> {
        self.clis
            .iter()
            .find(|c| c.commands.iter().any(|n| n == command))
    }
}
