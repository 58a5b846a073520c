//! Flow findings end to end: across files of one scan, and the path in SARIF and JSON.

mod common;

use assert_cmd::Command;
use common::project;
use serde_json::Value;
use tempfile::TempDir;

/// (rule, path, line) of every finding at any confidence, and the raw JSON report. The limits
/// rules (a model call with no token cap or timeout), which fire on almost every call, are left
/// out: these tests are about flows.
/// Expected findings (rule, path, line) in the form `scan` returns them.
fn owned(want: &[(&str, &str, u64)]) -> Vec<(String, String, u64)> {
    want.iter()
        .map(|(r, p, l)| (r.to_string(), p.to_string(), *l))
        .collect()
}

fn scan(dir: &TempDir, format: &str) -> (Vec<(String, String, u64)>, Value) {
    let out = Command::cargo_bin("aiguard")
        .expect("binary")
        .current_dir(dir.path())
        .args(["scan", ".", "--format", format, "--exit-zero"])
        .args([
            "--ignore",
            "AIG501,AIG502,AIG503,AIG504",
            "--min-confidence",
            "low",
        ])
        .output()
        .expect("run");
    let report: Value = serde_json::from_slice(&out.stdout).expect("json output");
    let findings = report["findings"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .map(|f| {
                    (
                        f["rule_id"].as_str().unwrap_or("").to_string(),
                        f["location"]["path"].as_str().unwrap_or("").to_string(),
                        f["location"]["line"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (findings, report)
}

const HANDLER: &str = "from fastapi import APIRouter\n\
from app.utils.validate import validate_code\n\
router = APIRouter()\n\
@router.post('/validate')\n\
async def post_validate(code: str):\n    return validate_code(code)\n";

const VALIDATE: &str = "import ast\n\
def validate_code(code):\n    tree = ast.parse(code)\n    for node in tree.body:\n        exec(compile(ast.Module(body=[node]), '<s>', 'exec'))\n\
def unused(code):\n    exec(code)\n";

#[test]
fn a_request_reaching_exec_in_another_module_is_one_finding_at_the_exec() {
    let dir = project(&[
        ("app/api/routes.py", HANDLER),
        ("app/utils/validate.py", VALIDATE),
    ]);
    let (findings, report) = scan(&dir, "json");
    assert_eq!(
        findings,
        [("AIG309".to_string(), "app/utils/validate.py".to_string(), 5)]
    );
    let message = report["findings"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("app/api/routes.py:5"), "{message}");
}

#[test]
fn methods_of_imported_classes_and_relative_imports_link() {
    let dir = project(&[
        (
            "pkg/engine.py",
            "from openai import OpenAI\nfrom .parser import Parser\n\
             class Engine:\n    def __init__(self, parser: Parser = None):\n        self._parser = parser or Parser()\n\
             \x20   def query(self):\n        out = OpenAI().chat.completions.create(model='m').choices[0].message.content\n\
             \x20       return self._parser.parse(out)\n",
        ),
        (
            "pkg/parser.py",
            "class Parser:\n    def parse(self, output):\n        return run(output)\n\
             def run(output):\n    exec(output)\n",
        ),
        (
            "web/lib/run.ts",
            "export function runCode(code: string) {\n  return eval(code);\n}\n",
        ),
        (
            "web/app/page.ts",
            "import { generateText } from 'ai';\nimport { runCode } from '../lib/run';\n\
             const { text } = await generateText({ prompt: 'p' });\nrunCode(text);\n",
        ),
    ]);
    let (findings, _) = scan(&dir, "json");
    assert_eq!(
        findings,
        [
            ("AIG301".to_string(), "pkg/parser.py".to_string(), 5),
            ("AIG301".to_string(), "web/lib/run.ts".to_string(), 2),
        ]
    );
}

#[test]
fn a_class_reached_through_an_imported_module_links() {
    // `from app import engine` then `engine.Engine()`: the class of app/engine.py.
    let dir = project(&[
        ("app/__init__.py", ""),
        (
            "app/engine.py",
            "import subprocess\n\
             class Engine:\n    def run(self, command):\n        subprocess.run(command, shell=True)\n",
        ),
        (
            "server.py",
            "from flask import Flask, request\nfrom app import engine\n\
             web = Flask(__name__)\nrunner = engine.Engine()\n\
             @web.post('/run')\ndef run():\n    runner.run(request.get_json()['cmd'])\n\
             \x20   return 'ok'\n",
        ),
    ]);
    let (findings, _) = scan(&dir, "json");
    assert_eq!(findings, owned(&[("AIG309", "app/engine.py", 4)]));
}

#[test]
fn a_method_of_the_platform_s_objects_is_not_the_scan_s_method_of_that_name() {
    // `searchParams.get`, `params.get` (typed `URLSearchParams`) and `proc.stdin.write` are the
    // platform's; `store.get` of an untyped parameter may be the project's `PageCache.get`.
    let dir = project(&[
        (
            "cache.ts",
            "import fs from 'fs/promises';\n\
             export class PageCache {\n  get(key: string): Promise<string> {\n    \
             return fetch(key).then((r) => r.text());\n  }\n}\n\
             export class DocxHandler {\n  async write(path: string, body: string) {\n    \
             await fs.writeFile(path, body);\n  }\n}\n",
        ),
        (
            "route.ts",
            "import OpenAI from 'openai';\nconst client = new OpenAI();\n\
             export async function ask(params: URLSearchParams, url: string, proc: any, store: any) {\n  \
             const a = params.get('a');\n  const b = new URL(url).searchParams.get('b');\n  \
             const r = await client.chat.completions.create({ model: 'm', max_tokens: 9, \
             messages: [{ role: 'user', content: `Say ${a} ${b}` }] });\n  \
             const c = await store.get('c');\n  \
             const s = await client.chat.completions.create({ model: 'm', max_tokens: 9, \
             messages: [{ role: 'user', content: `Page: ${c}` }] });\n  \
             proc.stdin.write(r.choices[0].message.content);\n  \
             return s.choices[0].message.content;\n}\n",
        ),
    ]);
    let (findings, _) = scan(&dir, "json");
    assert_eq!(findings, owned(&[("AIG203", "route.ts", 8)]));
}

#[test]
fn a_field_of_an_options_object_reaches_only_what_reads_it() {
    // The model's summary is one field of the options object; the function in the other file
    // destructures it. The API keys and options beside it are not the summary; the object
    // logged whole still holds it.
    let dir = project(&[
        (
            "route.ts",
            "import { generateText } from 'ai';
import { openai } from '@ai-sdk/openai';
             import { streamIt } from './stream';
             export async function POST(request: Request) {
               const { text: summary } = await generateText({ model: openai('gpt-4o'), prompt: 'x', maxTokens: 9 });
               return streamIt({ messages: [], options: { temperature: 0 }, apiKeys: {}, files: {},              promptId: 'p', chatMode: 'build', contextFiles: {}, messageSliceId: 3, summary });
}
",
        ),
        (
            "stream.ts",
            "export function streamIt(props: any) {
               const { messages, options, apiKeys, summary } = props;
               console.info(`keys ${Object.keys(apiKeys)} ${JSON.stringify(options)}`);
               console.info(`summary: ${summary}`);
               console.info(props);
               return messages;
}
",
        ),
    ]);
    let (findings, _) = scan(&dir, "json");
    assert_eq!(
        findings,
        owned(&[("AIG403", "stream.ts", 4), ("AIG403", "stream.ts", 5)])
    );
}

#[test]
fn a_helper_a_route_calls_prints_to_the_server_s_log_but_its_main_block_does_not() {
    // `ask` runs in the Flask server: what it prints is the server's log. The same file's
    // `__main__` block is a script's output, and `print` in a file no server calls is too.
    let dir = project(&[
        (
            "route.py",
            "from flask import Flask, request, jsonify
from helper import ask
app = Flask(__name__)
@app.route('/ask', methods=['POST'])
def ask_route():
    return jsonify({'a': ask(request.json.get('q'))})
",
        ),
        (
            "helper.py",
            "from openai import OpenAI
client = OpenAI(timeout=10)
def ask(user_query):
    r = client.chat.completions.create(model='m', max_tokens=9, messages=[{'role': 'user', 'content': user_query}])
    answer = r.choices[0].message.content
    print(f'Answer: {answer}')
    return answer
if __name__ == '__main__':
    print(ask('hello'))
",
        ),
        (
            "cli.py",
            "from openai import OpenAI
client = OpenAI(timeout=10)
def ask(q):
    r = client.chat.completions.create(model='m', max_tokens=9, messages=[{'role': 'user', 'content': q}])
    print(r.choices[0].message.content)
",
        ),
    ]);
    let (findings, _) = scan(&dir, "json");
    let logged: Vec<_> = findings.into_iter().filter(|f| f.0 == "AIG403").collect();
    assert_eq!(logged, owned(&[("AIG403", "helper.py", 6)]));
}

#[test]
fn a_tool_table_of_imported_functions_runs_each_with_the_model_s_arguments() {
    // The agent looks the model's tool up in a dict of functions another file defines and
    // spreads the model's arguments into it: each tool's parameters hold the model's text. A
    // dict of settings spread into an imported function (`connect(**DEFAULTS)`) carries nothing,
    // a function's own `**kwargs` passed on binds only the keywords its callers gave, and a dict
    // of known keys spread in passes each as its keyword (the model's note is not the host).
    let dir = project(&[
        (
            "tools.py",
            "import requests
def fetch_url(url: str) -> str:
    return requests.get(url, timeout=5).text
def calculator(expression: str) -> str:
    return str(eval(expression))
def connect(host='localhost', port=5432):
    return requests.get(f'http://{host}:{port}/health', timeout=5)
def notify(host='localhost', note=''):
    return requests.post(f'http://{host}/notes', data=note, timeout=5)
",
        ),
        (
            "agent.py",
            "import ollama
from tools import fetch_url, calculator, connect, notify
TOOLS = {'fetch': fetch_url, 'calculator': calculator}
DEFAULTS = {'host': 'db', 'port': 5432}
def relay(**kwargs):
    return notify(**kwargs)
def run_agent(prompt):
    connect(**DEFAULTS)
    r = ollama.chat(model='m', messages=[{'role': 'user', 'content': prompt}], options={'num_predict': 9})
    relay(note=r['message']['content'])
    params = {'note': r['message']['content'], 'host': 'notes.internal'}
    notify(**params)
    for call in r['message'].get('tool_calls', []):
        fn = TOOLS.get(call['function']['name'])
        if not fn:
            continue
        fn(**call['function']['arguments'])
",
        ),
    ]);
    let (findings, _) = scan(&dir, "json");
    let in_tools: Vec<_> = findings.into_iter().filter(|f| f.1 == "tools.py").collect();
    assert_eq!(
        in_tools,
        owned(&[("AIG305", "tools.py", 3), ("AIG301", "tools.py", 5)])
    );
}

#[test]
fn a_name_destructured_from_another_file_s_argument_gets_the_property_it_reads() {
    // `toMarkdown({ filePath, url })` in another file: the tool's URL is `url`, not `filePath`
    // (the first name of the pattern), and a constant in `url` leaves it clean.
    let dir = project(&[
        (
            "convert.ts",
            "import * as fs from 'fs';
export class Converter {
  static async toMarkdown({ filePath, url }: { filePath?: string; url?: string }) {
    if (filePath) return fs.readFileSync(filePath, 'utf8');
    return await (await fetch(url!)).text();
  }
}
",
        ),
        (
            "server.ts",
            "import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { Converter } from './convert';
const server = new Server({ name: 'x', version: '1' }, { capabilities: { tools: {} } });
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const args = request.params.arguments as any;
  const text = await Converter.toMarkdown({ url: args.url, filePath: undefined });
  return { content: [{ type: 'text', text }] };
});
",
        ),
    ]);
    let (findings, _) = scan(&dir, "json");
    let in_convert: Vec<_> = findings
        .into_iter()
        .filter(|f| f.1 == "convert.ts")
        .collect();
    assert_eq!(in_convert, owned(&[("AIG305", "convert.ts", 5)]));
}

#[test]
fn sarif_carries_the_code_flow_and_the_source_as_related_location() {
    let dir = project(&[(
        "bot.py",
        "from openai import OpenAI\nclient = OpenAI()\n\
         r = client.chat.completions.create(model='m')\n\
         code = r.choices[0].message.content\n\
         exec(code)\n",
    )]);
    let (_, report) = scan(&dir, "sarif");
    let result = &report["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "AIG301");
    let steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .expect("thread flow locations");
    let lines: Vec<u64> = steps
        .iter()
        .map(|s| {
            s["location"]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap_or(0)
        })
        .collect();
    assert_eq!(lines.first(), Some(&3));
    assert_eq!(lines.last(), Some(&5));
    assert_eq!(
        result["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
}

/// An MCP server whose tool hands its argument to a reader in another file, through ESM imports
/// spelled with `.js`; `wrap` decides whether a path check runs first.
fn mcp_server(wrap: &str) -> TempDir {
    let index = format!(
        "import {{ McpServer }} from '@modelcontextprotocol/sdk/server/mcp.js';\n\
         import {{ readIt }} from './fs.js';\n\
         import {{ validatePath }} from './paths.js';\n\
         const server = new McpServer({{ name: 's', version: '1' }});\n\
         server.tool('read', {{}}, async ({{ path }}) => readIt({wrap}));\n"
    );
    project(&[
        ("srv/index.ts", &index),
        (
            "srv/fs.ts",
            "import fs from 'node:fs';\nexport function readIt(p: string) {\n  return fs.readFileSync(p, 'utf8');\n}\n",
        ),
        (
            "srv/paths.ts",
            "export async function validatePath(p: string) {\n  return p;\n}\n",
        ),
    ])
}

#[test]
fn esm_imports_link_and_sanitized_data_stays_sanitized_across_files() {
    let (findings, report) = scan(&mcp_server("path"), "json");
    assert_eq!(
        findings,
        [("AIG306".to_string(), "srv/fs.ts".to_string(), 3)]
    );
    let message = report["findings"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("srv/index.ts:5"), "{message}");
    let (findings, _) = scan(&mcp_server("await validatePath(path)"), "json");
    assert_eq!(findings, []);
}

#[test]
fn returns_and_parameters_carry_data_between_files() {
    // PandasAI's shape: the generator in one file returns the model's code, the agent passes it
    // through its own methods, and the executor in a third file `exec`s it.
    let dir = project(&[
        (
            "pkg/gen.py",
            "from openai import OpenAI\n\
             class CodeGenerator:\n    def generate_code(self, prompt):\n\
             \x20       return OpenAI().chat.completions.create(model='m').choices[0].message.content\n",
        ),
        (
            "pkg/agent.py",
            "from pkg.gen import CodeGenerator\nfrom pkg.executor import CodeExecutor\nfrom pkg.sandbox import Sandbox\n\
             class Agent:\n    def __init__(self):\n        self._gen = CodeGenerator()\n\
             \x20   def chat(self, q):\n        code = self._gen.generate_code(q)\n        return self.execute_code(code)\n\
             \x20   def execute_code(self, code):\n        Sandbox().execute(code)\n        return CodeExecutor().run(code)\n",
        ),
        (
            "pkg/executor.py",
            "class CodeExecutor:\n    def run(self, code):\n        env = {}\n        exec(code, env)\n        return env\n",
        ),
        (
            "pkg/sandbox.py",
            "class Sandbox:\n    def execute(self, code):\n        return len(code)\n",
        ),
    ]);
    let (findings, report) = scan(&dir, "json");
    assert_eq!(
        findings,
        [("AIG301".to_string(), "pkg/executor.py".to_string(), 4)]
    );
    let message = report["findings"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("pkg/gen.py:4"), "{message}");
}

#[test]
fn a_function_of_another_file_returns_only_the_arguments_its_summary_says_it_returns() {
    // Langchain-Chatchat's shape: `get_tool(name)` in a file with no sink returns the registered
    // tool the name picks; its description in a tool definition is not the request's text. A
    // helper that formats its argument into what it returns still carries it.
    let dir = project(&[
        (
            "app/utils.py",
            "from app.registry import TOOLS\n\
             def get_tool(name=None):\n    if name is None:\n        return TOOLS\n    return TOOLS.get(name)\n\
             def describe(name, extra):\n    return f'{name}: {len(extra)}'\n",
        ),
        ("app/registry.py", "TOOLS = {}\n"),
        (
            "app/routes.py",
            "from fastapi import FastAPI\nfrom openai import OpenAI\nfrom app.utils import get_tool, describe\n\
             app = FastAPI()\n\
             @app.post('/chat')\ndef chat(tool: str, note: str):\n\
             \x20   t = get_tool(tool)\n    d = describe(extra=tool, name=note)\n\
             \x20   OpenAI().chat.completions.create(model='m', tools=[{'type': 'function', 'function': {'name': t.name, 'description': t.description}}])\n\
             \x20   OpenAI().chat.completions.create(model='m', messages=[{'role': 'system', 'content': d}])\n",
        ),
    ]);
    let (findings, report) = scan(&dir, "json");
    let system: Vec<_> = findings.iter().filter(|f| f.0 == "AIG202").collect();
    assert_eq!(
        system,
        [&("AIG202".to_string(), "app/routes.py".to_string(), 10)],
        "{findings:?}"
    );
    let message = report["findings"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["rule_id"] == "AIG202"))
        .and_then(|f| f["message"].as_str())
        .unwrap_or("");
    assert!(message.contains("`note`"), "{message}");
}

#[test]
fn a_function_picked_by_a_conditional_links_to_each_branch() {
    // farfalle's shape: the route picks one of two imported stream functions and calls it
    // through a local name.
    let dir = project(&[
        (
            "backend/chat.py",
            "from openai import OpenAI\nPROMPT = 'Answer briefly. Question: {q}'\n\
             def stream_qa(request):\n    return OpenAI().completions.create(model='m', prompt=PROMPT.format(q=request.query))\n\
             def stream_pro(request):\n    return len(request.query)\n",
        ),
        (
            "backend/main.py",
            "from fastapi import FastAPI\nfrom backend.chat import stream_qa, stream_pro\n\
             app = FastAPI()\n\
             @app.post('/chat')\ndef chat(chat_request: dict, pro: bool):\n\
             \x20   stream_fn = stream_pro if pro else stream_qa\n    return stream_fn(request=chat_request)\n",
        ),
    ]);
    let (findings, _) = scan(&dir, "json");
    assert!(
        findings.contains(&("AIG201".to_string(), "backend/chat.py".to_string(), 4)),
        "{findings:?}"
    );
}

#[test]
fn a_helper_handed_model_output_by_one_caller_is_not_a_source_for_every_importer() {
    // `util.decode` is called with a model's reply in one file; another file calls it with its
    // own data and logs the result: that is not the model's reply.
    let dir = project(&[
        (
            "pkg/util.py",
            "import logging\ndef decode(text):\n    logging.debug('decoding %d chars', len(text))\n    return text.strip()\n",
        ),
        (
            "pkg/chat.py",
            "from openai import OpenAI\nfrom pkg.util import decode\n\
             def ask():\n    r = OpenAI().chat.completions.create(model='m', messages=[])\n\
             \x20   return decode(r.choices[0].message.content)\n",
        ),
        (
            "pkg/config.py",
            "import logging\nfrom pkg.util import decode\n\
             def load(raw):\n    value = decode(raw)\n    logging.info('loaded %s', value)\n",
        ),
    ]);
    let (findings, _) = scan(&dir, "json");
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn a_call_whose_name_a_sink_table_matches_still_links_when_no_sink_took_the_data() {
    // `llama_index.*` calls are system-prompt sinks for their `system_prompt=` argument only:
    // model output passed positionally to such a call still reaches the callee's `exec`.
    let dir = project(&[
        (
            "llama_index/core/runner.py",
            "def run(code):\n    exec(code)\n",
        ),
        (
            "app.py",
            "from openai import OpenAI\nfrom llama_index.core.runner import run\n\
             def go():\n    r = OpenAI().chat.completions.create(model='m', messages=[])\n\
             \x20   run(r.choices[0].message.content)\n",
        ),
    ]);
    let (findings, _) = scan(&dir, "json");
    assert_eq!(
        findings,
        [(
            "AIG301".to_string(),
            "llama_index/core/runner.py".to_string(),
            2
        )]
    );
}

#[test]
fn console_input_in_a_prompt_is_reported_at_low_confidence_and_request_input_at_the_rules() {
    let dir = project(&[(
        "app.py",
        "from flask import Flask, request\nfrom openai import OpenAI\napp = Flask(__name__)\n\
         client = OpenAI()\n\
         def cli():\n    q = input('> ')\n\
         \x20   client.chat.completions.create(model='m', messages=[{'role': 'user', 'content': f'Answer: {q}'}])\n\
         @app.post('/ask')\ndef ask():\n    q = request.json['q']\n\
         \x20   client.chat.completions.create(model='m', messages=[{'role': 'user', 'content': f'Answer: {q}'}])\n",
    )]);
    let (_, report) = scan(&dir, "json");
    let found: Vec<(String, u64, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "AIG201")
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
                f["confidence"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("AIG201".to_string(), 7, "low".to_string()),
            ("AIG201".to_string(), 11, "medium".to_string())
        ]
    );
}

#[test]
fn identity_and_card_data_in_a_prompt_is_of_medium_confidence_and_contact_details_low() {
    // One finding per prompt, told by its surest data: the card number beside the email.
    let dir = project(&[(
        "app.py",
        "from openai import OpenAI\nclient = OpenAI()\n\
         def remind(c):\n    client.chat.completions.create(model='m', messages=[{'role': 'user', 'content': f'Write to {c.email}'}])\n\
         def bill(c):\n    client.chat.completions.create(model='m', messages=[{'role': 'user', 'content': f'{c.email} paid with {c.card_number}'}])\n\
         def check(p):\n    client.chat.completions.create(model='m', messages=[{'role': 'user', 'content': f'Born {p.date_of_birth}, SSN {p.ssn}'}])\n",
    )]);
    let (_, report) = scan(&dir, "json");
    let found: Vec<(u64, String, bool)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "AIG405")
        .map(|f| {
            (
                f["location"]["line"].as_u64().unwrap(),
                f["confidence"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().starts_with("sensitive"),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (4, "low".to_string(), false),
            (6, "medium".to_string(), true),
            (8, "medium".to_string(), true)
        ]
    );
}

#[test]
fn a_system_message_stringified_into_a_user_message_is_no_longer_privileged() {
    // A chat's history holds a system message the user chose (`/reset <text>`). Summarised as
    // the text of a user message it is the user's; sent on as it is, it is still a system one.
    let dir = project(&[
        (
            "helper.py",
            "import openai\n\
             class Helper:\n    def __init__(self):\n        self.client = openai.OpenAI(timeout=30)\n        self.history = {}\n\
             \x20   def reset(self, chat, content):\n        self.history[chat] = [{'role': 'system', 'content': content}]\n\
             \x20   def summary_of(self, chat):\n        return self.summarise(self.history[chat])\n\
             \x20   def summarise(self, conversation):\n        messages = [{'role': 'user', 'content': str(conversation)}]\n\
             \x20       return self.client.chat.completions.create(model='m', max_tokens=9, messages=messages)\n\
             \x20   def chat(self, chat):\n        return self.client.chat.completions.create(model='m', max_tokens=9, messages=self.history[chat])\n",
        ),
        (
            "bot.py",
            "from telegram import Update\nfrom telegram.ext import Application, CommandHandler\n\
             from helper import Helper\nhelper = Helper()\n\
             async def reset(update: Update, context):\n    helper.reset(update.effective_chat.id, update.message.text)\n\
             async def summary(update: Update, context):\n    await update.message.reply_text(helper.summary_of(update.effective_chat.id))\n\
             async def ask(update: Update, context):\n    await update.message.reply_text(helper.chat(update.effective_chat.id))\n\
             app = Application.builder().token('x').build()\n\
             app.add_handler(CommandHandler('reset', reset))\n\
             app.add_handler(CommandHandler('summary', summary))\n\
             app.add_handler(CommandHandler('ask', ask))\n",
        ),
    ]);
    let (findings, _) = scan(&dir, "json");
    let privileged: Vec<_> = findings.iter().filter(|f| f.0 == "AIG202").collect();
    assert_eq!(
        privileged,
        [&("AIG202".to_string(), "helper.py".to_string(), 14)]
    );
}

const TOOL_WRAPPER: &str = "from langchain_core.tools import StructuredTool\n\
def wrap(function):\n    def wrapped(**kwargs) -> str:\n        return function(**kwargs)\n    return StructuredTool.from_function(name='t', func=wrapped)\n\
def model_arguments(client, messages):\n    import json\n    resp = client.chat.completions.create(model='gpt-4o', messages=messages)\n    return json.loads(resp.choices[0].message.tool_calls[0].function.arguments)\n";

const TOOL_CALLER: &str = "from openai import OpenAI\n\
from app.tools import wrap, model_arguments\n\
def build(agent, f):\n    config = {'tools': [wrap(f)], 'temperature': 0.1}\n    agent.set(**config)\n\
def run(messages, fn):\n    client = OpenAI()\n    return fn(**model_arguments(client, messages))\n";

#[test]
fn a_wrapped_tool_is_not_model_output_but_arguments_returned_from_another_file_are() {
    let dir = project(&[("app/tools.py", TOOL_WRAPPER), ("app/main.py", TOOL_CALLER)]);
    let (findings, _) = scan(&dir, "json");
    let splats: Vec<_> = findings.iter().filter(|f| f.0 == "AIG702").collect();
    assert_eq!(
        splats,
        [&("AIG702".to_string(), "app/main.py".to_string(), 8)],
        "{findings:?}"
    );
}

const VANNA_BASE: &str = r#"from abc import ABC, abstractmethod
class Base(ABC):
    @abstractmethod
    def system_message(self, message):
        pass
    @abstractmethod
    def submit_prompt(self, prompt, **kwargs):
        pass
    def summarise(self, question):
        log = [self.system_message(f"You are helpful. The user asked: {question}")]
        answer = self.submit_prompt(log)
        exec(answer)
        return answer
"#;

fn provider(module: &str, call: &str) -> String {
    format!(
        r#"import {module}
from .base import Base
class Chat(Base):
    def system_message(self, message):
        return {{"role": "system", "content": message}}
    def submit_prompt(self, prompt, **kwargs):
        r = {call}
        return r
"#
    )
}

const ROUTE: &str = r#"from flask import Flask, request
app = Flask(__name__)
vn = None
@app.route("/summary")
def summary():
    return vn.summarise(question=request.args.get("q"))
"#;

#[test]
fn an_abstract_method_runs_the_methods_of_that_name_in_the_scan() {
    let openai_call = r#"openai.OpenAI().chat.completions.create(model="m", messages=prompt)"#;
    let ollama_call = r#"ollama.chat(model="m", messages=prompt)"#;
    let dir = project(&[
        ("app/base.py", VANNA_BASE),
        ("app/oai.py", &provider("openai", openai_call)),
        ("app/local.py", &provider("ollama", ollama_call)),
        ("app/server.py", ROUTE),
    ]);
    let (findings, report) = scan(&dir, "json");
    // The request reaches the system message of both providers' model calls: one flaw, one
    // finding. The model's reply comes back through `submit_prompt` to the `exec`.
    let system: Vec<_> = findings.iter().filter(|f| f.0 == "AIG202").collect();
    assert_eq!(system.len(), 1, "{findings:?}");
    assert!(["app/local.py", "app/oai.py"].contains(&system[0].1.as_str()));
    assert!(
        findings.contains(&("AIG301".to_string(), "app/base.py".to_string(), 12)),
        "{findings:?}"
    );
    let messages = report["findings"].to_string();
    assert!(messages.contains("app/server.py:6"), "{messages}");
}

const WRAPPER: &str = r#"from openai import OpenAI
class LLMBundle:
    def __init__(self):
        self.client = OpenAI()
    def chat(self, system, history):
        messages = [{"role": "system", "content": system}] + history
        r = self.client.chat.completions.create(model="m", messages=messages)
        return r.choices[0].message.content
"#;

#[test]
fn an_untyped_field_reaches_the_wrapper_of_that_name() {
    let service = r#"import subprocess
from flask import Flask, request
app = Flask(__name__)
class Service:
    def __init__(self, llm):
        self.llm = llm
    def handle(self, q):
        out = self.llm.chat("Context: " + q, [])
        subprocess.run(out, shell=True)
@app.post("/x")
def x():
    Service(None).handle(request.json["q"])
"#;
    let dir = project(&[("app/llm.py", WRAPPER), ("app/service.py", service)]);
    let (findings, _) = scan(&dir, "json");
    assert!(
        findings.contains(&("AIG202".to_string(), "app/llm.py".to_string(), 7)),
        "{findings:?}"
    );
    assert!(
        findings.contains(&("AIG302".to_string(), "app/service.py".to_string(), 9)),
        "{findings:?}"
    );
}

/// What picked the callee sets the confidence: the scan's methods of a name standing in for a
/// receiver of no known class give medium at most, where the same flow through an import is the
/// rule's own.
#[test]
fn a_path_through_methods_picked_by_name_is_of_medium_confidence() {
    let service = r#"import subprocess
from flask import Flask, request
from app.llm import LLMBundle
app = Flask(__name__)
class Service:
    def __init__(self, llm):
        self.llm = llm
    def handle(self, q):
        out = self.llm.chat("Context: " + q, [])
        subprocess.run(out, shell=True)
    def typed(self, q):
        out = LLMBundle().chat("Context: " + q, [])
        subprocess.run(out, shell=True)
@app.post("/x")
def x():
    Service(None).handle(request.json["q"])
    Service(None).typed(request.json["q"])
"#;
    let dir = project(&[("app/llm.py", WRAPPER), ("app/service.py", service)]);
    let (_, report) = scan(&dir, "json");
    let confidence = |path: &str, line: u64| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["location"]["path"] == path && f["location"]["line"] == line)
            .map(|f| f["confidence"].as_str().unwrap().to_string())
    };
    assert_eq!(confidence("app/service.py", 10).as_deref(), Some("medium"));
    assert_eq!(confidence("app/service.py", 13).as_deref(), Some("high"));
}

const ROUTE_TO_RUNNER: &str = r#"from flask import Flask, request
app = Flask(__name__)
class H:
    def __init__(self, runner):
        self.runner = runner
    def go(self, text):
        self.runner.run_text(text)
@app.post("/x")
def x():
    H(None).go(request.json["q"])
"#;

#[test]
fn methods_of_one_name_that_sink_different_kinds_stand_in_for_nothing() {
    let shell = "import subprocess\nclass Shell:\n    def run_text(self, cmd):\n        subprocess.run(cmd, shell=True)\n";
    let sql = "import sqlite3\nclass Db:\n    def run_text(self, query):\n        sqlite3.connect('x').execute(query)\n";
    let dir = project(&[
        ("app/shell.py", shell),
        ("app/db.py", sql),
        ("app/route.py", ROUTE_TO_RUNNER),
    ]);
    let (findings, _) = scan(&dir, "json");
    assert!(findings.is_empty(), "{findings:?}");
    // One of them alone stands in.
    let dir = project(&[("app/shell.py", shell), ("app/route.py", ROUTE_TO_RUNNER)]);
    let (findings, _) = scan(&dir, "json");
    assert_eq!(
        findings,
        [("AIG309".to_string(), "app/shell.py".to_string(), 4)]
    );
}

const SECURITY: &str = "ALLOWED = {'ls', 'pwd'}\n\
def check_cmd(cmd):\n    if cmd not in ALLOWED:\n        raise ValueError('no')\n\
def is_allowed(cmd):\n    return cmd in ALLOWED\n\
class Guard:\n    def ensure(self, cmd):\n        if cmd not in ALLOWED:\n            raise PermissionError(cmd)\n";

const ROUTES: &str = "import subprocess\n\
from flask import Flask, request, abort\n\
from pkg.security import check_cmd, is_allowed\n\
app = Flask(__name__)\n\
class Svc:\n    def __init__(self, guard):\n        self.guard = guard\n    def go(self, cmd):\n        self.guard.ensure(cmd)\n        return subprocess.run(cmd, shell=True)\n\
@app.post('/a')\ndef a():\n    cmd = request.json['cmd']\n    check_cmd(cmd)\n    return subprocess.run(cmd, shell=True)\n\
@app.post('/b')\ndef b():\n    cmd = request.json['cmd']\n    if not is_allowed(cmd):\n        abort(403)\n    return subprocess.run(cmd, shell=True)\n\
@app.post('/c')\ndef c():\n    cmd = request.json['cmd']\n    return subprocess.run(cmd, shell=True)\n\
@app.post('/d')\ndef d():\n    return Svc(None).go(request.json['cmd'])\n";

#[test]
fn a_validator_in_another_file_guards_what_it_checks() {
    let dir = project(&[("pkg/security.py", SECURITY), ("pkg/routes.py", ROUTES)]);
    let (findings, _) = scan(&dir, "json");
    // Only `/c` runs the command unchecked.
    assert_eq!(
        findings,
        [("AIG309".to_string(), "pkg/routes.py".to_string(), 25)]
    );
}

#[test]
fn methods_of_one_name_guard_only_when_every_one_checks() {
    let lax = "class LaxGuard:\n    def ensure(self, cmd):\n        print(cmd)\n";
    let dir = project(&[
        ("pkg/security.py", SECURITY),
        ("pkg/lax.py", lax),
        ("pkg/routes.py", ROUTES),
    ]);
    let (findings, _) = scan(&dir, "json");
    let lines: Vec<u64> = findings.iter().map(|f| f.2).collect();
    // `self.guard.ensure(cmd)` may be the lax one: the flow through `Svc.go` stays.
    assert_eq!(lines, [10, 25], "{findings:?}");
}

const RUNNER_BASE: &str = r#"class Runner:
    def run(self, cmd):
        return cmd
    def go(self, cmd):
        return self.run(cmd)
"#;

const RUNNER_MAIN: &str = r#"from openai import OpenAI
from .base import Runner
client = OpenAI()
def main(q):
    out = client.chat.completions.create(model="m", messages=[{"role": "user", "content": q}]).choices[0].message.content
    Runner().go(out)
"#;

#[test]
fn a_base_method_runs_the_overrides_of_its_subclasses_in_other_files() {
    let shell = "import subprocess\nfrom .base import Runner\nclass ShellRunner(Runner):\n    def run(self, cmd):\n        return subprocess.run(cmd, shell=True)\n";
    let shell2 = "import os\nfrom app import base\nclass PopenRunner(base.Runner):\n    def run(self, cmd):\n        return os.popen(cmd).read()\n";
    let sql = "import sqlite3\nfrom app.base import Runner\ndb = sqlite3.connect('x')\nclass SqlRunner(Runner):\n    def run(self, cmd):\n        return db.execute(cmd)\n";
    // Not derived from `Runner`: its `run` is not one a runner may run.
    let other = "import subprocess\nclass Other:\n    def run(self, cmd):\n        return subprocess.run(cmd, shell=True)\n";
    let dir = project(&[
        ("app/base.py", RUNNER_BASE),
        ("app/shell.py", shell),
        ("app/shell2.py", shell2),
        ("app/db.py", sql),
        ("app/other.py", other),
        ("app/main.py", RUNNER_MAIN),
    ]);
    let (findings, report) = scan(&dir, "json");
    // Two overrides shell out: one flow, one finding.
    let shells: Vec<_> = findings.iter().filter(|f| f.0 == "AIG302").collect();
    assert_eq!(shells.len(), 1, "{findings:?}");
    assert!(["app/shell.py", "app/shell2.py"].contains(&shells[0].1.as_str()));
    assert!(
        findings.contains(&("AIG303".to_string(), "app/db.py".to_string(), 6)),
        "{findings:?}"
    );
    assert!(
        !findings.iter().any(|f| f.1 == "app/other.py"),
        "{findings:?}"
    );
    assert!(report["findings"].to_string().contains("app/main.py:5"));
}

const PROVIDER_ROUTE: &str = r#"import subprocess
from openai import OpenAI
from .local import LocalChat
from .remote import RemoteChat
client = OpenAI()
PROVIDERS = {"local": LocalChat, "remote": RemoteChat}
def main(q, kind):
    out = client.chat.completions.create(model="m", messages=[{"role": "user", "content": q}]).choices[0].message.content
    llm = PROVIDERS[kind]()
    answer = llm.chat(out)
    subprocess.run(llm.status(), shell=True)
    return answer
"#;

#[test]
fn a_dict_of_imported_classes_runs_each_class_method() {
    let local = "import subprocess\nclass LocalChat:\n    def chat(self, text):\n        return subprocess.run(text, shell=True)\n    def status(self):\n        return 'ok'\n";
    let remote = "import sqlite3\nfrom openai import OpenAI\ndb = sqlite3.connect('x')\nclass RemoteChat:\n    def chat(self, text):\n        return db.execute(text)\n    def status(self):\n        return OpenAI().chat.completions.create(model='m', messages=[]).choices[0].message.content\n";
    let dir = project(&[
        ("app/local.py", local),
        ("app/remote.py", remote),
        ("app/route.py", PROVIDER_ROUTE),
    ]);
    let (findings, _) = scan(&dir, "json");
    assert!(
        findings.contains(&("AIG302".to_string(), "app/local.py".to_string(), 4)),
        "{findings:?}"
    );
    assert!(
        findings.contains(&("AIG303".to_string(), "app/remote.py".to_string(), 6)),
        "{findings:?}"
    );
    // Only one of the classes returns the model's reply from `status()`: not a source.
    assert!(
        !findings.iter().any(|f| f.1 == "app/route.py"),
        "{findings:?}"
    );
}

#[test]
fn the_parts_of_a_value_another_file_returns_keep_their_own_data() {
    // `return text, usage, row_id`: the caller's `row_id` is its own argument, not the model's
    // reply; the reply's part, and the whole value, still are.
    let dir = project(&[
        (
            "pkg/llm.py",
            "from openai import OpenAI\n\
             def ask(question, row_id):\n    r = OpenAI().chat.completions.create(model='m', messages=[])\n\
             \x20   return r.choices[0].message.content, r.usage, row_id\n\
             def ask_dict(question):\n    r = OpenAI().chat.completions.create(model='m', messages=[])\n\
             \x20   return {'answer': r.choices[0].message.content, 'id': 3}\n",
        ),
        (
            "pkg/store.py",
            "import sqlite3\nfrom pkg.llm import ask, ask_dict\nconn = sqlite3.connect('app.db')\n\
             def save(q):\n    text, usage, row_id = ask(q, 7)\n\
             \x20   conn.execute(f'UPDATE t SET n = 1 WHERE id = {row_id}')\n\
             \x20   conn.execute(text)\n\
             \x20   out = ask_dict(q)\n\
             \x20   conn.execute(f\"DELETE FROM t WHERE id = {out['id']}\")\n\
             \x20   conn.execute(out['answer'])\n\
             \x20   conn.execute(str(ask(q, 1)))\n",
        ),
    ]);
    let (findings, _) = scan(&dir, "json");
    let lines: Vec<u64> = findings
        .iter()
        .filter(|(rule, path, _)| rule == "AIG303" && path == "pkg/store.py")
        .map(|(_, _, line)| *line)
        .collect();
    assert_eq!(lines, [7, 10, 11], "{findings:?}");
}

#[test]
fn a_dict_of_functions_indexed_by_a_helper_parameter_takes_the_name_another_file_passes() {
    // `execute_tool(name, args)` indexes its dict by a parameter: the functions in it are tools
    // when a caller in another file passes the model's choice, not when callers pass constants.
    let dir = project(&[
        (
            "pkg/registry.py",
            "import subprocess\n\
             def run_shell(command):\n    return subprocess.run(command, shell=True)\n\
             def rotate(command):\n    return subprocess.run(command, shell=True)\n\
             HANDLERS = {'run_shell': run_shell}\n\
             JOBS = {'rotate': rotate}\n\
             def execute_tool(name, args):\n    return HANDLERS[name](**args)\n\
             def run_job(name):\n    return JOBS[name]('logrotate')\n",
        ),
        (
            "pkg/agent.py",
            "import json\nfrom openai import OpenAI\nfrom pkg.registry import execute_tool, run_job\n\
             def agent(messages):\n    r = OpenAI().chat.completions.create(model='m', messages=messages)\n\
             \x20   call = r.choices[0].message.tool_calls[0]\n\
             \x20   run_job('rotate')\n\
             \x20   return execute_tool(call.function.name, json.loads(call.function.arguments))\n",
        ),
        (
            "web/registry.ts",
            "import { execSync } from \"child_process\";\n\
             function runShell(command: string) { return execSync(command); }\n\
             function rotate(command: string) { return execSync(command); }\n\
             const handlers: Record<string, (c: string) => Buffer> = { run_shell: runShell };\n\
             const jobs: Record<string, (c: string) => Buffer> = { rotate };\n\
             export function executeTool(name: string, input: string) { return handlers[name](input); }\n\
             export function runJob(name: string) { return jobs[name](\"logrotate\"); }\n",
        ),
        (
            "web/agent.ts",
            "import OpenAI from \"openai\";\nimport { executeTool, runJob } from \"./registry\";\n\
             export async function agent(messages: any[]) {\n\
             \x20 const r = await new OpenAI().chat.completions.create({ model: \"m\", messages });\n\
             \x20 const call = r.choices[0].message.tool_calls![0];\n\
             \x20 runJob(\"rotate\");\n\
             \x20 return executeTool(call.function.name, call.function.arguments);\n}\n",
        ),
    ]);
    let (findings, _) = scan(&dir, "json");
    let shells: Vec<(&str, u64)> = findings
        .iter()
        .filter(|(rule, _, _)| rule == "AIG302")
        .map(|(_, path, line)| (path.as_str(), *line))
        .collect();
    assert_eq!(
        shells,
        [("pkg/registry.py", 3), ("web/registry.ts", 2)],
        "{findings:?}"
    );
}

#[test]
fn a_receiver_typed_by_an_imported_base_runs_the_overrides_in_other_files() {
    // `llm: BaseLLM`, `self.llm: BaseLLM = make_llm()`: `BaseLLM` (another file) only declares
    // `chat`; its subclasses in other files define it. Their overrides run, at the confidence of
    // a known hierarchy; a class of the same method name deriving from nothing does not.
    let base = "class BaseLLM:\n    def chat(self, p):\n        raise NotImplementedError\n\
                \x20   def reply(self):\n        raise NotImplementedError\n";
    let shell = "import subprocess\nfrom openai import OpenAI\nfrom .base import BaseLLM\n\
                 class ShellLLM(BaseLLM):\n    def chat(self, p):\n        return subprocess.run(p, shell=True)\n\
                 \x20   def reply(self):\n        return OpenAI().chat.completions.create(model='m', messages=[]).choices[0].message.content\n";
    let echo = "from openai import OpenAI\nfrom app.base import BaseLLM\n\
                class EchoLLM(BaseLLM):\n    def chat(self, p):\n        return p\n\
                \x20   def reply(self):\n        return OpenAI().chat.completions.create(model='m', messages=[]).choices[0].message.content\n";
    let other = "import os\nclass Other:\n    def chat(self, p):\n        return os.system(p)\n";
    let caller = "import sqlite3\nfrom openai import OpenAI\nfrom app.base import BaseLLM\n\
                  def ask(q):\n    return OpenAI().chat.completions.create(model='m', messages=[{'role': 'user', 'content': q}]).choices[0].message.content\n\
                  def answer(llm: BaseLLM, q):\n    return llm.chat(ask(q))\n\
                  def stored(llm: BaseLLM):\n    sqlite3.connect('x').execute(llm.reply())\n";
    let field = "from openai import OpenAI\nfrom app.base import BaseLLM\nfrom app.plugins import make_llm\n\
                 class Service:\n    def __init__(self):\n        self.llm: BaseLLM = make_llm()\n\
                 \x20   def go(self, q):\n        out = OpenAI().chat.completions.create(model='m', messages=[]).choices[0].message.content\n\
                 \x20       return self.llm.chat(out)\n";
    let ts_base = "export interface Coder {\n  runCode(code: string): string;\n}\n";
    let ts_impl = "import { Coder } from \"./coder\";\n\
                   export class EvalCoder implements Coder {\n  runCode(code: string): string {\n    return String(eval(code));\n  }\n}\n";
    let ts_other = "import { execSync } from \"child_process\";\n\
                    export class Unrelated {\n  runCode(code: string): string {\n    return execSync(code).toString();\n  }\n}\n";
    let ts_caller = "import OpenAI from \"openai\";\nimport { Coder } from \"./coder\";\n\
                     export async function go(coder: Coder, q: string) {\n\
                     \x20 const r = await new OpenAI().chat.completions.create({ model: \"m\", messages: [{ role: \"user\", content: q }] });\n\
                     \x20 return coder.runCode(r.choices[0].message.content ?? \"\");\n}\n";
    let dir = project(&[
        ("app/base.py", base),
        ("app/shell.py", shell),
        ("app/echo.py", echo),
        ("app/other.py", other),
        ("app/caller.py", caller),
        ("web/coder.ts", ts_base),
        ("web/eval_coder.ts", ts_impl),
        ("web/unrelated.ts", ts_other),
        ("web/caller.ts", ts_caller),
    ]);
    let (findings, report) = scan(&dir, "json");
    let confidence = |path: &str, line: u64| {
        report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["location"]["path"] == path && f["location"]["line"] == line)
            .map(|f| f["confidence"].as_str().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    assert!(
        findings.contains(&("AIG302".to_string(), "app/shell.py".to_string(), 6)),
        "{findings:?}"
    );
    assert_eq!(confidence("app/shell.py", 6), ["high"], "{findings:?}");
    // Every override returns the model's reply: `llm.reply()` is a source.
    assert!(
        findings.contains(&("AIG303".to_string(), "app/caller.py".to_string(), 9)),
        "{findings:?}"
    );
    assert!(
        findings.contains(&("AIG301".to_string(), "web/eval_coder.ts".to_string(), 4)),
        "{findings:?}"
    );
    assert_eq!(confidence("web/eval_coder.ts", 4), ["high"], "{findings:?}");
    assert!(
        !findings
            .iter()
            .any(|f| f.1 == "app/other.py" || f.1 == "web/unrelated.ts"),
        "{findings:?}"
    );
    // The field's declared type says which `chat` runs.
    let dir = project(&[
        ("app/base.py", base),
        ("app/shell.py", shell),
        ("app/other.py", other),
        ("svc/service.py", field),
    ]);
    let (findings, report) = scan(&dir, "json");
    assert!(
        findings.contains(&("AIG302".to_string(), "app/shell.py".to_string(), 6)),
        "{findings:?}"
    );
    assert!(report["findings"].to_string().contains("svc/service.py:8"));
    assert!(
        !findings.iter().any(|f| f.1 == "app/other.py"),
        "{findings:?}"
    );
}

#[test]
fn a_file_tool_reaches_the_file_store_of_another_file_through_its_abstract_base() {
    let base = "export abstract class FileStore {\n  abstract writeFile(path: string, text: string): Promise<void>;\n}\n";
    let disk = "import * as fs from \"node:fs/promises\";\nimport { join } from \"node:path\";\n\
                import { FileStore } from \"./base\";\n\
                export class DiskStore extends FileStore {\n  constructor(private root: string) { super(); }\n  \
                async writeFile(path: string, text: string) {\n    await fs.writeFile(join(this.root, path), text);\n  }\n}\n";
    let memory = "import { FileStore } from \"./base\";\n\
                  export class MemoryStore extends FileStore {\n  files = new Map<string, string>();\n  \
                  async writeFile(path: string, text: string) {\n    this.files.set(path, text);\n  }\n}\n";
    let tool = "import { StructuredTool } from \"@langchain/core/tools\";\n\
                import { FileStore } from \"../stores/base\";\n\
                export class SaveTool extends StructuredTool {\n  name = \"save\";\n  \
                constructor(private store: FileStore) { super(); }\n  \
                async _call({ file_path, text }: { file_path: string; text: string }) {\n    \
                await this.store.writeFile(file_path, text);\n    return \"saved\";\n  }\n}\n";
    let dir = project(&[
        ("src/stores/base.ts", base),
        ("src/stores/disk.ts", disk),
        ("src/stores/memory.ts", memory),
        ("src/tools/save.ts", tool),
    ]);
    let (findings, _) = scan(&dir, "json");
    assert_eq!(
        findings,
        [("AIG306".to_string(), "src/stores/disk.ts".to_string(), 7)],
        "{findings:?}"
    );
}

const STORE: &str = r#"from sqlalchemy import create_engine, text

BANNED = ("DROP", "DELETE")


class Store:
    def __init__(self, url: str):
        self.engine = create_engine(url)

    def vet(self, sql: str) -> str:
        if any(word in sql.upper() for word in BANNED):
            raise ValueError("blocked")
        return sql

    def run(self, sql: str):
        sql = self.vet(sql)
        with self.engine.connect() as conn:
            return conn.execute(text(sql)).fetchall()

    def health(self):
        sql = self.vet("SELECT 1")
        with self.engine.connect() as conn:
            return conn.execute(text(sql)).fetchall()
"#;

#[test]
fn a_function_handed_to_a_thread_or_a_pool_gets_its_arguments_across_files() {
    let planner = r#"import threading
from concurrent.futures import ThreadPoolExecutor

from openai import OpenAI

from bot.store import Store

client = OpenAI()
pool = ThreadPoolExecutor(2)


def answer(store: Store, question: str):
    reply = client.chat.completions.create(model="m", messages=[{"role": "user", "content": question}])
    sql = store.vet(reply.choices[0].message.content)
    threading.Thread(target=store.run, args=(sql,)).start()
    pool.submit(store.run, sql)
"#;
    let dir = project(&[("bot/store.py", STORE), ("bot/planner.py", planner)]);
    let (findings, _) = scan(&dir, "json");
    // The model's SQL reaches `run`; the constant that `health` vets is not the model's.
    assert_eq!(
        findings,
        vec![("AIG303".to_string(), "bot/store.py".to_string(), 18)],
        "{findings:?}"
    );
}

#[test]
fn a_validator_one_file_hands_model_output_to_returns_it_to_that_caller_only() {
    // `vet` is called with the model's SQL in one file; the class's own `health` vets a
    // constant and runs it: that is not the model's SQL.
    let planner = r#"from openai import OpenAI

from bot.store import Store

client = OpenAI()


def answer(store: Store, question: str):
    reply = client.chat.completions.create(model="m", messages=[{"role": "user", "content": question}])
    return store.vet(reply.choices[0].message.content)
"#;
    let dir = project(&[("bot/store.py", STORE), ("bot/planner.py", planner)]);
    let (findings, _) = scan(&dir, "json");
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn an_imported_class_built_with_data_stores_it_for_its_other_methods() {
    let tools = r#"import subprocess


class Job:
    def __init__(self, cmd, name="job"):
        self.cmd = cmd
        self.name = name

    def run(self):
        subprocess.run(self.cmd, shell=True)
        subprocess.run("echo " + self.name, shell=True)
"#;
    let app = r#"from flask import Flask, request

from jobs.tools import Job

app = Flask(__name__)


@app.post("/job")
def job():
    Job(request.json["cmd"]).run()
    return "ok"
"#;
    let job_ts = r#"import { exec } from "child_process";

export class Task {
  constructor(private cmd: string, private name = "task") {}
  run() {
    exec(this.cmd);
    exec(`echo ${this.name}`);
  }
}
"#;
    let app_ts = r#"import express from "express";
import { Task } from "./task";

const app = express();
app.post("/task", (req, res) => {
  new Task(req.body.cmd).run();
  res.send("ok");
});
"#;
    let dir = project(&[
        ("jobs/tools.py", tools),
        ("jobs/app.py", app),
        ("web/task.ts", job_ts),
        ("web/app.ts", app_ts),
    ]);
    let (mut findings, _) = scan(&dir, "json");
    findings.sort();
    // The command reaches `run` through the field the constructor stores it in; the name the
    // constructor defaults is not the request's.
    assert_eq!(
        findings,
        vec![
            ("AIG309".to_string(), "jobs/tools.py".to_string(), 10),
            ("AIG309".to_string(), "web/task.ts".to_string(), 6),
        ],
        "{findings:?}"
    );
}

#[test]
fn re_exported_functions_and_objects_made_in_another_file_link() {
    let agent = r#"from openai import OpenAI

from app.db import run_sql
from app.tools.shell import shell

client = OpenAI()


def answer(q):
    reply = client.chat.completions.create(model="m", messages=[{"role": "user", "content": q}])
    out = reply.choices[0].message.content
    run_sql(out)
    shell.run(out)
"#;
    let store =
        "import sqlite3\n\n\ndef run_sql(sql):\n    return sqlite3.connect('x.db').execute(sql)\n";
    let shell = "import subprocess\n\n\nclass Shell:\n    def run(self, cmd):\n        return subprocess.run(cmd, shell=True)\n\n\nshell = Shell()\n";
    let server = r#"import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import * as handlers from "./handlers/index.js";
import { runner } from "./runner.js";

const server = new Server({ name: "x", version: "1" }, { capabilities: { tools: {} } });
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const args = request.params.arguments as { command: string };
  await handlers.start(args.command);
  return runner.run(args.command);
});
"#;
    let terminal = "import { spawn } from \"child_process\";\nexport function start(command: string) {\n  return spawn(command, [], { shell: true });\n}\n";
    let runner = "import { exec } from \"child_process\";\nclass Runner {\n  run(command: string) {\n    return exec(command);\n  }\n}\nexport const runner = new Runner();\n";
    let dir = project(&[
        ("app/agent.py", agent),
        ("app/db/__init__.py", "from .store import run_sql\n"),
        ("app/db/store.py", store),
        ("app/tools/__init__.py", ""),
        ("app/tools/shell.py", shell),
        ("mcp/server.ts", server),
        (
            "mcp/handlers/index.ts",
            "export * from \"./terminal.js\";\n",
        ),
        ("mcp/handlers/terminal.ts", terminal),
        ("mcp/runner.ts", runner),
    ]);
    let (mut findings, _) = scan(&dir, "json");
    findings.sort();
    findings.dedup();
    let want = [
        ("AIG302", "app/tools/shell.py", 6),
        ("AIG302", "mcp/handlers/terminal.ts", 3),
        ("AIG302", "mcp/runner.ts", 4),
        ("AIG303", "app/db/store.py", 5),
        ("AIG701", "mcp/handlers/terminal.ts", 3),
        ("AIG701", "mcp/runner.ts", 4),
    ];
    let want = owned(&want);
    assert_eq!(findings, want, "{findings:?}");
}

#[test]
fn path_aliases_of_the_project_link_to_its_files() {
    // `~/lib/...` (tsconfig `paths`) and `@/utils/...` name directories of the project: the
    // route's request reaches the helper's shell and the model output its eval.
    let route = r#"import type { NextApiRequest, NextApiResponse } from "next";
import { runJob } from "~/lib/.server/jobs";
import { evaluate } from "@/utils/calc";
import OpenAI from "openai";

const client = new OpenAI();

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  runJob(req.body.cmd);
  const r = await client.chat.completions.create({ model: "m", max_tokens: 10, messages: [] });
  evaluate(r.choices[0].message.content);
  res.status(200).json({});
}
"#;
    let jobs = "import { exec } from \"child_process\";\nexport function runJob(cmd: string) {\n  return exec(cmd);\n}\n";
    let calc = "export function evaluate(expr: string) {\n  return eval(expr);\n}\n";
    // Not an alias: a scoped package's module is not the project's file of that name.
    let other = "import { evaluate } from \"@scope/utils/calc\";\nexport function f(x: string) {\n  return evaluate(x);\n}\n";
    let dir = project(&[
        ("pages/api/run.ts", route),
        ("app/lib/.server/jobs.ts", jobs),
        ("src/utils/calc.ts", calc),
        ("src/other.ts", other),
    ]);
    let (mut findings, _) = scan(&dir, "json");
    findings.retain(|(rule, _, _)| rule.starts_with("AIG3"));
    findings.sort();
    findings.dedup();
    let want = [
        ("AIG301", "src/utils/calc.ts", 2),
        ("AIG309", "app/lib/.server/jobs.ts", 3),
    ];
    let want = owned(&want);
    assert_eq!(findings, want);
}

#[test]
fn const_arrow_functions_and_factories_of_models_link_across_files() {
    // `export const run = (cmd) => ...` is the function `run` to other files, and a factory that
    // returns a chain built on a model makes `chain.invoke(q)` a model call where it is called.
    let route = r#"import type { NextApiRequest, NextApiResponse } from "next";
import { buildChain } from "./chain";
import { runJob } from "./jobs";

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  runJob(req.body.cmd);
  const chain = buildChain();
  const reply = await chain.invoke({ question: req.body.question });
  console.error("reply", reply);
  res.status(200).json({ text: reply });
}
"#;
    let chain = r#"import { ChatOpenAI } from "@langchain/openai";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { RunnableSequence } from "@langchain/core/runnables";

export const buildChain = () => {
  const model = new ChatOpenAI({ maxTokens: 300, timeout: 30000 });
  return RunnableSequence.from([ChatPromptTemplate.fromTemplate("Answer: {question}"), model]);
};
"#;
    let jobs = "import { exec } from \"child_process\";\nexport const runJob = (cmd: string) => {\n  return exec(cmd);\n};\n";
    let dir = project(&[
        ("pages/api/ask.ts", route),
        ("pages/api/chain.ts", chain),
        ("pages/api/jobs.ts", jobs),
    ]);
    let (mut findings, _) = scan(&dir, "json");
    findings.retain(|(rule, _, _)| matches!(rule.as_str(), "AIG309" | "AIG403" | "AIG505"));
    findings.sort();
    findings.dedup();
    let want = [
        ("AIG309", "pages/api/jobs.ts", 3),
        ("AIG403", "pages/api/ask.ts", 9),
        ("AIG505", "pages/api/ask.ts", 8),
    ];
    let want = owned(&want);
    assert_eq!(findings, want);
}
