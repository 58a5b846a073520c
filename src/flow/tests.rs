//! Engine tests over a small inline pack: each construct the engine must follow, in Python and
//! TS/JS. The shipped packs have their own fixtures under `fixtures/`.

use crate::source::{Language, Source};
use crate::spec::registry as pack;
use crate::spec::registry::Registry;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// The rules every test pack reports: their flows, sources and sinks are in each pack.
const RULES: &str = r###"
[[rule]]
id = "AIG301"
name = "model-output-code-execution"
category = "injection"
severity = "critical"
confidence = "high"
cwe = ["CWE-95"]
owasp = ["LLM05:2025"]
languages = ["python", "typescript", "javascript"]
summary = "s"
docs = "## What it does\n## Why is this bad?\n## Example\n## Use instead\n## References\n"

[[rule]]
id = "AIG302"
name = "model-output-shell-command"
category = "injection"
severity = "critical"
confidence = "high"
cwe = ["CWE-78"]
owasp = ["LLM05:2025"]
languages = ["python", "typescript", "javascript"]
summary = "s"
docs = "## What it does\n## Why is this bad?\n## Example\n## Use instead\n## References\n"

[[rule]]
id = "AIG305"
name = "model-output-request-url"
category = "injection"
severity = "high"
confidence = "high"
cwe = ["CWE-918"]
owasp = ["LLM05:2025"]
languages = ["python", "typescript", "javascript"]
summary = "s"
docs = "## What it does\n## Why is this bad?\n## Example\n## Use instead\n## References\n"

[[rule]]
id = "AIG309"
name = "user-input-code-execution"
category = "injection"
severity = "critical"
confidence = "high"
cwe = ["CWE-78"]
owasp = ["LLM01:2025"]
languages = ["python"]
summary = "s"
docs = "## What it does\n## Why is this bad?\n## Example\n## Use instead\n## References\n"

[[rule]]
id = "AIG405"
name = "pii-in-prompt"
category = "sensitive-data"
severity = "low"
confidence = "low"
cwe = ["CWE-359"]
owasp = ["LLM02:2025"]
languages = ["python", "typescript", "javascript"]
summary = "s"
docs = "## What it does\n## Why is this bad?\n## Example\n## Use instead\n## References\n"
"###;

const PACK: &str = r###"
[[flow]]
rule = "AIG305"
sources = ["model-output"]
sinks = ["url"]
message = "{source} reaches {sink}"

[[sink.calls]]
kind = "url"
host_only = true
calls = ["requests.get"]
args = ["0"]

[[flow]]
rule = "AIG301"
sources = ["model-output"]
sinks = ["code-exec"]
message = "{source} reaches {sink}"

[[flow]]
rule = "AIG302"
sources = ["model-output", "user-input"]
sinks = ["shell"]
message = "{source} reaches {sink}"

[[source]]
kind = "model-output"
label = "chat completion"
calls = ["openai.OpenAI().chat.completions.create", "openai().chat.completions.create", "ai.generateText"]

[[source]]
kind = "llm"
calls = ["langchain_openai.ChatOpenAI", "@langchain/openai.ChatOpenAI()", "langchain.chains.*"]

[[source]]
kind = "model-output"
receivers = ["llm"]
methods = ["invoke", "__call__"]

[[source]]
kind = "llm"
annotations = ["langchain.chains.LLMChain", "*BaseLanguageModel"]

[[source]]
kind = "model-output"
decorators = ["*.tool"]

[[source]]
kind = "model-output"
callbacks = ["ai.tool"]
callback_key = "execute"

[[source]]
kind = "user-input"
attributes = ["sys.argv"]

[[sink.calls]]
kind = "code-exec"
calls = ["eval", "exec"]
args = ["0"]

[[sink.calls]]
kind = "shell"
calls = ["subprocess.run"]
args = ["0"]
when = [{ arg = "shell", equals = true }]

[[sink.calls]]
kind = "shell"
calls = ["subprocess.run"]
args = ["0"]
element = 0

[[sink.properties]]
kind = "code-exec"
properties = ["innerHTML"]

[[sink.calls]]
kind = "code-exec"
calls = ["scriptdb.*.run"]
unless_calls = ["scriptdb.*.prepare().run"]
args = ["0"]

[[sanitizer]]
calls = ["ast.literal_eval"]
sinks = ["code-exec"]

[[sanitizer]]
calls = ["len"]

[[propagator]]
methods = ["append", "push"]
to = "receiver"
"###;

fn registry() -> &'static Registry {
    static R: OnceLock<Registry> = OnceLock::new();
    R.get_or_init(|| {
        pack::load(&[("rules.toml", RULES), ("test.toml", PACK)]).expect("test pack loads")
    })
}

/// (rule, line) of every flow finding.
fn flows(lang: Language, code: &str) -> Vec<(String, u32)> {
    let source = Source::new("t".into(), lang, code.into());
    let enabled: BTreeSet<&'static str> = registry().rules.iter().map(|r| r.id).collect();
    let (findings, _, _, _) = crate::scan::analyze(&source, registry(), &enabled, &[]);
    findings
        .into_iter()
        .map(|f| (f.rule_id.to_string(), f.location.line))
        .collect()
}

fn py(code: &str) -> Vec<(String, u32)> {
    flows(Language::Python, code)
}

fn ts(code: &str) -> Vec<(String, u32)> {
    flows(Language::TypeScript, code)
}

fn at(rule: &str, lines: &[u32]) -> Vec<(String, u32)> {
    lines.iter().map(|l| (rule.to_string(), *l)).collect()
}

const PY_HEAD: &str = "from openai import OpenAI\nimport subprocess, ast, sys\nclient = OpenAI()\n";

#[test]
fn assignment_chains_paths_and_kills() {
    let code = format!(
        "{PY_HEAD}r = client.chat.completions.create(model='m')\n\
         code = r.choices[0].message.content\n\
         alias = code\n\
         exec(alias)\n\
         alias = 'print(1)'\n\
         exec(alias)\n"
    );
    assert_eq!(py(&code), at("AIG301", &[7]));
}

#[test]
fn string_building_and_augmented_assignment() {
    let code = format!(
        "{PY_HEAD}out = client.chat.completions.create(model='m').choices[0].message.content\n\
         src = ''\n\
         for line in out.split('\\n'):\n    src += line.strip()\n\
         exec(src)\n\
         eval(f'x = {{out[9:-4]}}')\n\
         eval('%s' % out)\n\
         eval(' '.join([out]))\n\
         eval(len(out))\n"
    );
    assert_eq!(py(&code), at("AIG301", &[8, 9, 10, 11]));
}

#[test]
fn unless_calls_leave_out_calls_the_sink_globs_match() {
    let code = format!(
        "{PY_HEAD}import scriptdb\n\
         out = client.chat.completions.create(model='m').choices[0].message.content\n\
         db = scriptdb.connect()\n\
         db.run(out)\n\
         stmt = db.prepare('select ?')\n\
         stmt.run(out)\n\
         db.prepare('select ?').run(out)\n"
    );
    assert_eq!(py(&code), at("AIG301", &[7]));
}

#[test]
fn sanitizers_clear_only_their_sinks() {
    let code = format!(
        "{PY_HEAD}out = client.chat.completions.create(model='m').choices[0].message.content\n\
         v = ast.literal_eval(out)\n\
         eval(v)\n\
         subprocess.run(v, shell=True)\n"
    );
    assert_eq!(py(&code), at("AIG302", &[7]));
}

#[test]
fn interprocedural_summaries_through_self_methods() {
    let code = format!(
        "{PY_HEAD}class Bot:\n\
         \x20   def ask(self, q):\n        return self.client.chat.completions.create(model=q)\n\
         \x20   def __init__(self):\n        self.client = OpenAI()\n\
         \x20   def run_code(self, code):\n        exec(code)\n\
         \x20   def go(self):\n        text = self.ask('x').choices[0].message.content\n        self.run_code(text)\n\
         def helper(c):\n    return c\n\
         def outer(x):\n    subprocess.run(helper(x), shell=True)\n\
         outer(client.chat.completions.create(model='m'))\n"
    );
    assert_eq!(
        py(&code),
        vec![("AIG301".to_string(), 10), ("AIG302".to_string(), 17)]
    );
}

#[test]
fn class_fields_handles_and_allowlists() {
    let code = "from langchain_openai import ChatOpenAI\nimport subprocess\n\
         ALLOWED = {'ls'}\n\
         class Agent:\n    def __init__(self):\n        self.chain = make(ChatOpenAI())\n\
         \x20   def step(self):\n        self.cmd = self.chain.invoke('x')\n\
         \x20   def act(self):\n        subprocess.run([self.cmd, '-l'])\n\
         \x20       if self.cmd in ALLOWED:\n            pass\n\
         def f(llm: ChatOpenAI, cmd):\n    out = llm('x')\n    if out not in ALLOWED:\n        raise ValueError()\n    subprocess.run(out, shell=True)\n\
         \x20   subprocess.run(['ls', out])\n";
    assert_eq!(py(code), at("AIG302", &[10]));
}

#[test]
fn tool_parameters_and_user_input() {
    let code = "import subprocess, sys\n\
         @mcp.tool()\ndef run(cmd: str, ctx):\n    subprocess.run(cmd, shell=True)\n\
         def plain(cmd):\n    subprocess.run(cmd, shell=True)\n\
         subprocess.run(sys.argv[1], shell=True)\n";
    assert_eq!(py(code), at("AIG302", &[4, 7]));
}

#[test]
fn typescript_destructuring_promises_callbacks_and_properties() {
    let code = "import OpenAI from 'openai';\nimport { generateText, tool } from 'ai';\n\
         const client = new OpenAI();\n\
         const { text } = await generateText({ model });\n\
         eval(text);\n\
         client.chat.completions.create({}).then((r) => eval(r.choices[0].message.content));\n\
         const parts: string[] = [];\n\
         parts.push(text);\n\
         el.innerHTML = parts.join('');\n\
         const run = (code: string) => eval(code);\n\
         run(text);\n\
         const t = tool({ description: 'd', execute: async ({ code }) => { eval(code); } });\n\
         eval('1 + 1');\n";
    assert_eq!(ts(code), at("AIG301", &[5, 6, 9, 10, 12]));
}

#[test]
fn typed_fields_and_parameters_are_handles() {
    let code = "from langchain.chains import LLMChain\n\
         class PAL(Chain):\n    llm_chain: LLMChain\n    other: str = 'x'\n\
         \x20   def _call(self, inputs):\n        code = self.llm_chain.invoke(inputs)\n        exec(code)\n        exec(self.other)\n\
         def f(llm: Optional[BaseLanguageModel], q):\n    exec(llm.invoke(q))\n";
    assert_eq!(py(code), at("AIG301", &[7, 10]));
}

#[test]
fn handle_sources_mark_results_without_erasing_data() {
    // `langchain.chains.*` also matches `...LLMChain().invoke().strip`: the handle label must not
    // replace the model output the call carries.
    let code = "from langchain.chains import LLMChain\n\
         chain = LLMChain()\n\
         out = chain.invoke('q').strip()\n\
         exec(out)\n";
    assert_eq!(py(code), at("AIG301", &[4]));
}

#[test]
fn comprehensions_bind_their_targets() {
    let code = format!(
        "{PY_HEAD}rows = client.chat.completions.create(model='m').choices\n\
         vals = [exec(r.message.content) for r in rows if r]\n\
         d = {{k: eval(v) for k, v in dict(rows).items()}}\n"
    );
    assert_eq!(py(&code), at("AIG301", &[5, 6]));
}

#[test]
fn a_command_lists_program_is_tracked_through_names() {
    let code = format!(
        "{PY_HEAD}out = client.chat.completions.create(model='m').choices[0].message.content\n\
         cmd = ['rg', '--json']\n\
         cmd.extend(['--glob', out])\n\
         subprocess.run(cmd)\n\
         prog = [out, '-l']\n\
         subprocess.run(prog)\n"
    );
    assert_eq!(py(&code), at("AIG302", &[9]));
}

#[test]
fn only_a_urls_scheme_and_host_matter() {
    let code = format!(
        "{PY_HEAD}import requests\n\
         q = client.chat.completions.create(model='m').choices[0].message.content\n\
         requests.get(f'https://api.example.com/search?q={{q}}')\n\
         url = BASE + '/items/' + q\n\
         requests.get(url)\n\
         requests.get(BASE + f'&search={{q}}')\n\
         requests.get(f'https://{{q}}/x')\n\
         requests.get(q)\n"
    );
    assert_eq!(py(&code), at("AIG305", &[10, 11]));
}

#[test]
fn parameter_markers_do_not_leak_through_fields() {
    // `self.config` holds `__init__`'s parameter; `push(id)` must not read it as its own `id`.
    let code = "import subprocess\n\
         class Tool:\n\
         \x20   def __init__(self, flag):\n        self.config = {'flag': flag}\n\
         \x20   def push(self, id):\n        subprocess.run(self.config['cmd'], shell=True)\n\
         @mcp.tool()\ndef run(id: str):\n    Tool(1).push(id)\n";
    assert_eq!(py(code), Vec::<(String, u32)>::new());
}

#[test]
fn functions_kept_in_fields_are_followed() {
    let code = format!(
        "{PY_HEAD}def default_processor(text):\n    exec(text)\n\
         class Engine:\n\
         \x20   def __init__(self, processor=None):\n        self._processor = processor or default_processor\n\
         \x20   def query(self, q):\n\
         \x20       out = client.chat.completions.create(model=q).choices[0].message.content\n\
         \x20       return self._processor(out)\n"
    );
    assert_eq!(py(&code), at("AIG301", &[5]));
}

/// Write, then run, and records written out whole: tables of their own.
const FILES_PACK: &str = r###"
[[flow]]
rule = "AIG301"
sources = ["model-output"]
sinks = ["code-exec"]
message = "{source} reaches {sink}"

[[flow]]
rule = "AIG405"
sources = ["pii"]
sinks = ["prompt"]
message = "{source} reaches {sink}"

[[source]]
kind = "model-output"
calls = ["gen"]

[[sink.calls]]
kind = "code-exec"
calls = ["subprocess.run"]
args = ["0"]
element = 1
file_contents = true

[[sink.calls]]
kind = "prompt"
calls = ["ask"]

[[names]]
kind = "pii"
heads = ["customer"]
record = true

[[propagator]]
methods = ["write", "write_text"]
to = "file"

[[propagator]]
calls = ["fs.writeFileSync"]
to = "file"

[[propagator]]
calls = ["json.dumps"]
to = "serialize"
"###;

fn files_flows(lang: Language, code: &str) -> Vec<(String, u32)> {
    static R: OnceLock<Registry> = OnceLock::new();
    let registry = R.get_or_init(|| {
        pack::load(&[("rules.toml", RULES), ("t.toml", FILES_PACK)]).expect("pack loads")
    });
    let source = Source::new("t".into(), lang, code.into());
    let enabled: BTreeSet<&'static str> = registry.rules.iter().map(|r| r.id).collect();
    let (findings, _, _, _) = crate::scan::analyze(&source, registry, &enabled, &[]);
    findings
        .into_iter()
        .map(|f| (f.rule_id.to_string(), f.location.line))
        .collect()
}

#[test]
fn a_file_holds_what_was_written_to_its_path() {
    let code = "import subprocess, sys\n\
                def a(p):\n    with open(p, 'w') as f:\n        f.write(gen())\n    subprocess.run([sys.executable, p])\n\
                def b():\n    open('x.py', 'w').write(gen())\n    subprocess.run(['python', '-u', 'x.py'])\n\
                def c(p):\n    open(p, 'w').write(gen())\n    subprocess.run([sys.executable, 'lint.py', p])\n\
                def d(p):\n    open(p, 'w').write('print(1)')\n    subprocess.run([sys.executable, p])\n\
                def e(q):\n    open(q, 'w').write(gen())\n    subprocess.run([sys.executable, 'other.py'])\n";
    assert_eq!(files_flows(Language::Python, code), at("AIG301", &[5, 8]));
    let code = "import fs from 'fs';\nimport subprocess from 'subprocess';\n\
                export function f(p: string) {\n  fs.writeFileSync(p, gen());\n  subprocess.run(['node', p]);\n}\n";
    assert_eq!(files_flows(Language::TypeScript, code), at("AIG301", &[5]));
}

#[test]
fn a_record_name_counts_only_where_the_record_is_written_out() {
    let code = "import json\n\
                def f(customer):\n    ask(json.dumps(customer))\n    ask(f'{customer}')\n    ask(json.dumps(customer.plan))\n    ask(json.dumps(product))\n";
    assert_eq!(files_flows(Language::Python, code), at("AIG405", &[3]));
}

const LOCAL_PACK: &str = r###"
[[flow]]
rule = "AIG309"
sources = ["user-input", "local-input"]
sinks = ["shell"]
message = "{source} reaches {sink}"

[[source]]
kind = "local-input"
requires_kinds = ["user-input"]
attributes = ["sys.argv"]

[[source]]
kind = "local-input"
requires_kinds = ["user-input"]
decorators = ["click.command"]

[[source]]
kind = "user-input"
attributes = ["flask.request.args"]

[[source]]
kind = "user-input"
decorators = ["*.route"]

[[sink.calls]]
kind = "shell"
calls = ["os.system"]
args = ["0"]
"###;

fn local_flows(code: &str) -> Vec<(String, u32)> {
    static R: OnceLock<Registry> = OnceLock::new();
    let registry = R.get_or_init(|| {
        pack::load(&[("rules.toml", RULES), ("t.toml", LOCAL_PACK)]).expect("pack loads")
    });
    let source = Source::new("t".into(), Language::Python, code.into());
    let enabled: BTreeSet<&'static str> = registry.rules.iter().map(|r| r.id).collect();
    let (findings, _, _, _) = crate::scan::analyze(&source, registry, &enabled, &[]);
    findings
        .into_iter()
        .map(|f| (f.rule_id.to_string(), f.location.line))
        .collect()
}

#[test]
fn local_input_is_a_source_only_in_a_file_that_serves_requests() {
    let cli = "import os, sys, click\nos.system(sys.argv[1])\n\
               @click.command()\ndef main(cmd):\n    os.system(cmd)\n";
    assert_eq!(local_flows(cli), vec![]);
    // A request read anywhere in the file, before or after the command line.
    let reads_request =
        format!("{cli}def view():\n    return request.args\nfrom flask import request\n");
    assert_eq!(local_flows(&reads_request), at("AIG309", &[2, 5]));
    // A route with no parameters still serves.
    let routes = format!("{cli}@app.route('/')\ndef index():\n    return 'ok'\n");
    assert_eq!(local_flows(&routes), at("AIG309", &[2, 5]));
}

#[test]
fn closures_see_what_callers_in_the_file_pass_to_the_captured_parameter() {
    // Lines: 4 `def later(cmd)`, 6 `exec(cmd)` in the closure, 13 the closure called for the
    // model's text; `keep` returns what its closure captured: the summary stands for every
    // caller, so `keep('1')` is not the model's text.
    let code = format!(
        "{PY_HEAD}def later(cmd):\n    def go():\n        exec(cmd)\n    return go\n\
         def keep(v):\n    f = lambda: v\n    return f()\n\
         def main():\n    out = client.chat.completions.create(model='m').choices[0].message.content\n    \
         later(out)()\n    keep(out)\n    exec(keep('1'))\n    later('1')()\n"
    );
    assert_eq!(py(&code), at("AIG301", &[6]));
}
