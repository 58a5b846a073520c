//! One step of a job: an AI action's prompt and tools, a `github-script`, a checkout, or a
//! `run:` script with its agent command lines, shell variables and outputs.

use super::flags::{self, Arg};
use super::model::{Job, Step};
use super::shell::{self, Command};
use super::yaml::Text;
use super::{expr, has_ai, merge, scripts, Analysis, Kind, Origin, Origins, Scope};
use crate::ir::Span;
use crate::spec::workflows::{AgentAction, AgentCli};
use std::collections::HashMap;
use std::ops::Range;

/// What the steps of a job so far leave for the next.
#[derive(Default)]
pub struct JobState {
    /// A checkout of a pull request's head under `pull_request_target` / `workflow_run`.
    fork_checkout: Option<Span>,
}

type Outputs = HashMap<String, Origins>;

/// A file a `run:` script writes to pass values on: step outputs, or env entries of the later
/// steps.
struct Written {
    marker: &'static str,
    /// Names compared in any case (outputs), or as written (env).
    any_case: bool,
}

const OUTPUT_FILE: Written = Written {
    marker: "GITHUB_OUTPUT",
    any_case: true,
};

const ENV_FILE: Written = Written {
    marker: "GITHUB_ENV",
    any_case: false,
};

fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

impl<'a> Analysis<'a> {
    pub(super) fn step(&mut self, job: &Job, step: &Step, scope: &mut Scope, state: &mut JobState) {
        let mut local = scope.clone();
        for (k, v) in &step.env {
            let held = self.held(v, &local);
            local.env.push((k.value.clone(), held));
        }
        let mut outputs = Outputs::new();
        if let Some(uses) = &step.uses {
            let name = uses
                .value
                .split('@')
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            match self.spec.action(&uses.value) {
                Some(action) => {
                    self.agent_action(job, step, action, &name, uses, &local, state, &mut outputs)
                }
                None => self.prompt_inputs(job, step, &name, &local),
            }
            let s = self.settings;
            if s.script_actions
                .iter()
                .any(|a| a.eq_ignore_ascii_case(&name))
            {
                self.github_script(step, &local, &mut outputs);
            }
            if s.checkout_actions
                .iter()
                .any(|a| a.eq_ignore_ascii_case(&name))
            {
                self.checkout(step, state);
            }
        }
        if let Some(run) = &step.run {
            let mut exports = Outputs::new();
            self.run_script(job, step, run, &local, state, &mut outputs, &mut exports);
            // What a step writes to `$GITHUB_ENV` is in the env of the job's later steps.
            scope.env.extend(exports);
        }
        if let Some(id) = &step.id {
            scope.steps.insert(id.to_ascii_lowercase(), outputs);
        }
    }

    /// AIG901 for an action the pack does not know, by the names of its inputs (`prompt`).
    fn prompt_inputs(&mut self, job: &Job, step: &Step, name: &str, scope: &Scope) {
        let inputs: Vec<String> = step
            .with
            .iter()
            .map(|(k, _)| k.value.clone())
            .filter(|k| self.spec.is_prompt_name(k))
            .collect();
        for input in &inputs {
            self.prompt_input(job, step, name, input, scope);
        }
    }

    /// Event text in one prompt input of an AI step.
    fn prompt_input(&mut self, job: &Job, step: &Step, name: &str, input: &str, scope: &Scope) {
        let Some(value) = step.input(input) else {
            return;
        };
        for (range, held) in self.expressions(value, scope) {
            let events = self.events_of(&held, job, step);
            if let Some(first) = events.first() {
                let message = format!(
                    "{} (text an outsider writes) reaches the prompt of `{name}` (`{input}`)",
                    first.label
                );
                self.hit(self.rules.prompt, value.span_of(range), message, &events);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn agent_action(
        &mut self,
        job: &Job,
        step: &Step,
        action: &AgentAction,
        name: &str,
        uses: &Text,
        scope: &Scope,
        state: &JobState,
        outputs: &mut Outputs,
    ) {
        for input in &action.prompt_inputs {
            self.prompt_input(job, step, name, input, scope);
        }
        if action.agent {
            self.unrestricted_action(job, step, action, name, state);
        }
        let ai = |label: String| Origin {
            kind: Kind::Ai,
            label,
            span: uses.span,
        };
        if action.outputs.is_empty() {
            outputs.insert("*".into(), vec![ai(format!("the output of `{name}`"))]);
        }
        for o in &action.outputs {
            let label = format!("the output of `{name}` (`{o}`)");
            outputs.insert(o.to_ascii_lowercase(), vec![ai(label)]);
        }
    }

    /// The outsider event text among `held` that reaches this step unguarded.
    fn events_of(&self, held: &[Origin], job: &Job, step: &Step) -> Origins {
        self.unguarded(held, job, Some(step))
            .into_iter()
            .filter(|o| matches!(o.kind, Kind::Event(_)))
            .collect()
    }

    fn unrestricted_action(
        &mut self,
        job: &Job,
        step: &Step,
        action: &AgentAction,
        name: &str,
        state: &JobState,
    ) {
        let Some(event) = self.outsider_event(job, step).map(str::to_string) else {
            return;
        };
        let mut found: Vec<(Span, String)> = Vec::new();
        for input in &action.tool_inputs {
            let Some(value) = step.input(input) else {
                continue;
            };
            for (range, tool) in flags::tool_names(&value.value) {
                if action.unrestricted_tools.iter().any(|u| u == tool) {
                    found.push((value.span_of(range), format!("`{tool}` in `{input}`")));
                }
            }
        }
        let cli = action.cli.as_deref().and_then(|c| self.spec.cli(c));
        for input in action.args_inputs.iter().filter(|_| cli.is_some()) {
            let (Some(value), Some(cli)) = (step.input(input), cli) else {
                continue;
            };
            let words = flags::args_words(&value.value);
            let args: Vec<Arg> = words.iter().map(|(r, w)| (r.clone(), w.as_str())).collect();
            for (range, what) in flags::unrestricted_args(&args, cli) {
                found.push((value.span_of(range), format!("`{what}` in `{input}`")));
            }
        }
        for (input, values) in &action.unsafe_inputs {
            if let Some(value) = step.input(input) {
                let v = value.value.trim();
                if values.iter().any(|x| x.eq_ignore_ascii_case(v)) {
                    found.push((value.span, format!("`{input}: {v}`")));
                }
            }
        }
        found.extend(self.wide_tokens(job, step));
        for (span, what) in found {
            let message = format!(
                "{what} leaves the agent `{name}` unrestricted in a workflow outsiders can fire (`{event}`)"
            );
            self.hit(self.rules.unrestricted, span, message, &[]);
        }
        self.fork_code(state, name, &event);
    }

    /// Tokens wider than the job's own handed to an agent step, and `permissions: write-all`.
    fn wide_tokens(&self, job: &Job, step: &Step) -> Vec<(Span, String)> {
        let s = self.settings;
        let mut found = Vec::new();
        for (key, value) in step.with.iter().chain(&step.env) {
            if !s
                .token_inputs
                .iter()
                .any(|t| t.eq_ignore_ascii_case(&key.value))
            {
                continue;
            }
            for (_, inner) in expr::expressions(&value.value) {
                for (r, path) in expr::references(&value.value[inner.clone()]) {
                    let secret = path.len() == 2 && path[0] == "secrets";
                    if secret && !expr::names_any(&path, &s.job_tokens) {
                        let at = inner.start + r.start..inner.start + r.end;
                        let what = format!(
                            "a token wider than the job's (`secrets.{}`)",
                            path[1].to_ascii_uppercase()
                        );
                        found.push((value.span_of(at), what));
                    }
                }
            }
        }
        let permissions = if job.permissions.is_empty() {
            &self.workflow.permissions
        } else {
            &job.permissions
        };
        for p in permissions {
            if s.write_all
                .iter()
                .any(|w| w.eq_ignore_ascii_case(p.value.trim()))
            {
                found.push((p.span, format!("`permissions: {}`", p.value.trim())));
            }
        }
        found
    }

    /// An agent running on a fork's code checked out earlier in the job.
    fn fork_code(&mut self, state: &JobState, name: &str, event: &str) {
        if let Some(span) = state.fork_checkout {
            let message = format!(
                "the pull request's head is checked out before the agent `{name}` runs on it with the repository's secrets (`{event}`)"
            );
            self.hit(self.rules.unrestricted, span, message, &[]);
        }
    }

    fn checkout(&self, step: &Step, state: &mut JobState) {
        let s = self.settings;
        if !self.forks_run_privileged() {
            return;
        }
        for input in &s.checkout_inputs {
            let Some(value) = step.input(input) else {
                continue;
            };
            for (whole, inner) in expr::expressions(&value.value) {
                let refs = expr::references(&value.value[inner]);
                if refs
                    .iter()
                    .any(|(_, p)| expr::names_any(p, &s.fork_head_refs))
                {
                    state.fork_checkout.get_or_insert(value.span_of(whole));
                }
            }
        }
    }

    /// Whether an outsider fires the workflow, which then runs with the repository's secrets.
    fn forks_run_privileged(&self) -> bool {
        !self.outsider_events.is_empty()
    }

    fn github_script(&mut self, step: &Step, scope: &Scope, outputs: &mut Outputs) {
        let s = self.settings;
        for input in &s.script_inputs {
            let Some(script) = step.input(input) else {
                continue;
            };
            let exprs = self.expressions(script, scope);
            for (range, held) in &exprs {
                if let Some(ai) = held.iter().find(|o| o.kind == Kind::Ai) {
                    let message = format!(
                        "{} is pasted into the `{input}` of a github-script step",
                        ai.label
                    );
                    self.hit(
                        self.rules.output,
                        script.span_of(range.clone()),
                        message,
                        held,
                    );
                }
            }
            let env = |name: &str| scope.env(name, false).cloned();
            let published = scripts::read(
                &script.value,
                &s.script_env,
                &s.script_output_calls,
                &env,
                &exprs,
            );
            for (name, held) in published.outputs {
                merge(outputs.entry(name).or_default(), &held);
            }
        }
    }

    /// The agent command line a command runs, if it runs one with a prompt.
    fn agent_cli(&self, command: &Command) -> Option<(usize, &'a AgentCli)> {
        let (i, word) = command.program(&self.settings.wrappers)?;
        let mut name = word.text.as_str();
        if !name.starts_with('@') {
            name = name.rsplit('/').next().unwrap_or(name);
        }
        // `@scope/pkg@1.2` or `pkg@latest`.
        let first = name.chars().next().map_or(0, char::len_utf8);
        if let Some(at) = name[first..].find('@') {
            name = &name[..at + first];
        }
        let spec: &'a super::WorkflowSpec = self.spec;
        let cli = spec.cli(name)?;
        let args = &command.words[i + 1..];
        let prompted = cli.prompt_flags.is_empty()
            || args.iter().any(|a| {
                cli.prompt_flags.iter().any(|f| {
                    a.text == *f
                        || a.text
                            .strip_prefix(f.as_str())
                            .is_some_and(|r| r.starts_with('='))
                })
            });
        prompted.then_some((i, cli))
    }

    #[allow(clippy::too_many_arguments)]
    fn run_script(
        &mut self,
        job: &Job,
        step: &Step,
        run: &Text,
        scope: &Scope,
        state: &mut JobState,
        outputs: &mut Outputs,
        exports: &mut Outputs,
    ) {
        let s = self.settings;
        let exprs = self.expressions(run, scope);
        for (range, held) in &exprs {
            if let Some(ai) = held.iter().find(|o| o.kind == Kind::Ai) {
                let message = format!("{} is pasted into a `run:` script", ai.label);
                self.hit(self.rules.output, run.span_of(range.clone()), message, held);
            }
        }
        let script = shell::read(&run.value);
        let commands = &script.commands;
        // Each variable use and expression belongs to the innermost command around it; a
        // heredoc's body to the command that opened it.
        let owner = |r: &Range<usize>| {
            let around = commands
                .iter()
                .enumerate()
                .filter(|(_, c)| contains(&c.range, r))
                .min_by_key(|(_, c)| c.range.len())
                .map(|(i, _)| i);
            around.or_else(|| {
                commands
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.range.end <= r.start)
                    .max_by_key(|(_, c)| c.range.end)
                    .map(|(i, _)| i)
            })
        };
        let var_owner: Vec<Option<usize>> = script.vars.iter().map(|v| owner(&v.range)).collect();
        let expr_owner: Vec<Option<usize>> = exprs.iter().map(|(r, _)| owner(r)).collect();
        let mut locals: HashMap<String, Origins> = HashMap::new();
        let mut content: Vec<Origins> = vec![Vec::new(); commands.len()];
        let mut output_of: Vec<Origins> = vec![Vec::new(); commands.len()];
        let mut uses: Vec<(Range<usize>, Origins, usize)> = Vec::new();
        let mut agents: Vec<usize> = Vec::new();
        let files = [&OUTPUT_FILE, &ENV_FILE];
        let mut heredocs: [Option<(String, String)>; 2] = [None, None];
        for (ci, cmd) in commands.iter().enumerate() {
            let mut held = Origins::new();
            for (v, _) in script
                .vars
                .iter()
                .zip(&var_owner)
                .filter(|(_, o)| **o == Some(ci))
            {
                let value = locals.get(&v.name).or_else(|| scope.env(&v.name, false));
                if let Some(value) = value.filter(|o| !o.is_empty()) {
                    merge(&mut held, value);
                    uses.push((v.range.clone(), value.clone(), ci));
                }
            }
            for ((r, value), _) in exprs
                .iter()
                .zip(&expr_owner)
                .filter(|(_, o)| **o == Some(ci))
            {
                if !value.is_empty() {
                    merge(&mut held, value);
                    uses.push((r.clone(), value.clone(), ci));
                }
            }
            for (cj, inner) in commands[..ci].iter().enumerate() {
                if contains(&cmd.range, &inner.range) {
                    merge(&mut held, &output_of[cj]);
                }
            }
            if let Some(p) = cmd.piped_from {
                merge(&mut held, &output_of[p].clone());
            }
            content[ci] = held;
            match self.agent_cli(cmd) {
                Some((pi, cli)) => {
                    agents.push(ci);
                    let word = &cmd.words[pi];
                    output_of[ci] = vec![Origin {
                        kind: Kind::Ai,
                        label: format!("the output of `{}`", word.text),
                        span: run.span_of(word.range.clone()),
                    }];
                    self.unrestricted_cli(job, step, cli, &cmd.words[pi..], run, state);
                }
                None => output_of[ci] = content[ci].clone(),
            }
            if let Some(name) = cmd.assigned() {
                locals.insert(name.to_string(), content[ci].clone());
            }
            for (file, heredoc) in files.iter().zip(&mut heredocs) {
                if run.value.contains(file.marker) {
                    let into = if file.any_case {
                        &mut *outputs
                    } else {
                        &mut *exports
                    };
                    self.collect_written(cmd, &run.value, &output_of[ci], file, heredoc, into);
                }
            }
            self.executed(cmd, &content[ci], &script.vars, &locals, scope, run);
            self.fork_checkout_command(cmd, run, state);
        }
        if agents.is_empty() || self.prompt_events.is_empty() {
            return;
        }
        let feeds_agent = |ci: usize| {
            agents.iter().any(|&a| {
                let mut at = Some(a);
                while let Some(c) = at {
                    if contains(&commands[c].range, &commands[ci].range) {
                        return true;
                    }
                    at = commands[c].piped_from;
                }
                false
            })
        };
        let event_uses: Vec<(Range<usize>, Origins, bool)> = uses
            .into_iter()
            .filter_map(|(r, held, ci)| {
                let events = self.events_of(&held, job, step);
                (!events.is_empty()).then(|| (r, events, feeds_agent(ci)))
            })
            .collect();
        let direct = event_uses.iter().any(|(_, _, d)| *d);
        let agent = commands[agents[0]]
            .program(&s.wrappers)
            .map_or(String::new(), |(_, w)| w.text.clone());
        for (r, events, feeds) in event_uses {
            if direct && !feeds {
                continue;
            }
            let message = format!(
                "{} (text an outsider writes) reaches the prompt of the agent `{agent}`",
                events[0].label
            );
            self.hit(self.rules.prompt, run.span_of(r), message, &events);
        }
    }

    /// What a command writes to a file of `target` (`GITHUB_OUTPUT`: `echo "name=$X" >>
    /// "$GITHUB_OUTPUT"`, or the lines of a `name<<EOF` block). Output names are any case;
    /// `GITHUB_ENV` names keep theirs.
    fn collect_written(
        &self,
        cmd: &Command,
        script: &str,
        held: &[Origin],
        target: &Written,
        state: &mut Option<(String, String)>,
        into: &mut Outputs,
    ) {
        let text = &script[cmd.range.clone()];
        let writes = text.contains(target.marker);
        if let Some((name, delim)) = state.clone() {
            if cmd.words.iter().any(|w| w.text.trim() == delim) {
                *state = None;
            } else {
                merge(into.entry(name).or_default(), held);
            }
            return;
        }
        // A `{ ...; } >> "$GITHUB_OUTPUT"` group names no file on its lines.
        let grouped = !text.contains("GITHUB_");
        let Some((pi, _)) = cmd.program(&self.settings.wrappers) else {
            return;
        };
        let args = cmd.words[pi + 1..]
            .iter()
            .filter(|w| !w.text.starts_with('-'));
        for w in args {
            let len = w
                .text
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
                .count();
            if len == 0 {
                continue;
            }
            let (name, rest) = w.text.split_at(len);
            let name = if target.any_case {
                name.to_ascii_lowercase()
            } else {
                name.to_string()
            };
            if let Some(delim) = rest.strip_prefix("<<").filter(|_| writes || grouped) {
                *state = Some((name, delim.trim().to_string()));
            } else if rest.starts_with('=') && writes {
                merge(into.entry(name).or_default(), held);
            }
            break;
        }
    }

    /// AIG903: AI output run as code by a command (`eval`, `bash -c`, `| sh`, `$CMD`).
    fn executed(
        &mut self,
        cmd: &Command,
        held: &[Origin],
        vars: &[shell::VarUse],
        locals: &HashMap<String, Origins>,
        scope: &Scope,
        run: &Text,
    ) {
        let s = self.settings;
        let Some((pi, word)) = cmd.program(&s.wrappers) else {
            return;
        };
        let program = word.text.rsplit('/').next().unwrap_or(&word.text);
        let rest = &cmd.words[pi + 1..];
        let interpreter = s.interpreters.iter().any(|i| i == program);
        let inline = interpreter && rest.iter().any(|w| s.inline_code_flags.contains(&w.text));
        let evaluates = s.eval_words.iter().any(|e| e == program);
        // `| bash`, `| sh -s`, `| python3 -`: the interpreter runs what it reads, not a script.
        let piped =
            interpreter && cmd.piped_from.is_some() && rest.iter().all(|w| w.text.starts_with('-'));
        // The program itself is a variable holding the output: `$CMD args`.
        let runs_var = vars
            .iter()
            .filter(|v| contains(&word.range, &v.range))
            .filter_map(|v| locals.get(&v.name).or_else(|| scope.env(&v.name, false)))
            .any(|o| has_ai(o));
        if !(evaluates || inline || piped || runs_var) {
            return;
        }
        // The variable of `$CMD` is this command's own, so what it holds is in `held`.
        let Some(ai) = held.iter().find(|o| o.kind == Kind::Ai) else {
            return;
        };
        let how = if piped { "piped into" } else { "run by" };
        let message = format!("{} is {how} `{}` as code", ai.label, word.text);
        self.hit(
            self.rules.output,
            run.span_of(word.range.clone()),
            message,
            held,
        );
    }

    /// AIG902 for an agent command line: `words` are its program and arguments.
    fn unrestricted_cli(
        &mut self,
        job: &Job,
        step: &Step,
        cli: &AgentCli,
        words: &[shell::Word],
        run: &Text,
        state: &JobState,
    ) {
        let name = words.first().map_or("", |w| w.text.as_str()).to_string();
        let args: Vec<Arg> = words
            .iter()
            .skip(1)
            .map(|w| (w.range.clone(), w.text.as_str()))
            .collect();
        let Some(event) = self.outsider_event(job, step).map(str::to_string) else {
            return;
        };
        for (range, what) in flags::unrestricted_args(&args, cli) {
            let message = format!(
                "`{what}` leaves the agent `{name}` unrestricted in a workflow outsiders can fire (`{event}`)"
            );
            self.hit(self.rules.unrestricted, run.span_of(range), message, &[]);
        }
        self.fork_code(state, &name, &event);
    }

    fn fork_checkout_command(&self, cmd: &Command, run: &Text, state: &mut JobState) {
        if !self.forks_run_privileged() {
            return;
        }
        let words: Vec<&str> = cmd.words.iter().map(|w| w.text.as_str()).collect();
        let line = words.join(" ");
        if self
            .settings
            .fork_checkout_commands
            .iter()
            .any(|c| line.starts_with(c.as_str()))
        {
            state.fork_checkout = Some(run.span_of(cmd.words[0].range.clone()));
        }
    }
}
