//! `aiguard inventory`: model calls with their limits, tools, downloads and secrets, as JSON and
//! as a CycloneDX ML-BOM.

mod common;

use common::project;
use serde_json::Value;

const KEY: &str = "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";

fn app() -> String {
    format!(
        r#"from openai import OpenAI
from langchain_core.tools import tool
from langchain_community.tools import ShellTool
from transformers import AutoModel

client = OpenAI(api_key="{KEY}", timeout=30)
capped = client.chat.completions.create(model="gpt-4o-mini", messages=[], max_tokens=200)
uncapped = client.chat.completions.create(model="gpt-4o", messages=[])
model = AutoModel.from_pretrained("org/model", revision="0123456789abcdef0123456789abcdef01234567")
loose = AutoModel.from_pretrained("bert-base-uncased")
shell = ShellTool()


@tool
def lookup(city: str) -> str:
    """Weather for a city."""
    return city
"#
    )
}

fn inventory(format: &str) -> (String, Value) {
    let dir = project(&[("app.py", &app())]);
    let out = common::aiguard()
        .current_dir(dir.path())
        .args(["inventory", ".", "--format", format])
        .output()
        .expect("run");
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    (text, json)
}

/// `aiguard inventory . --format json` in `dir`.
fn inventory_json(dir: &tempfile::TempDir) -> Value {
    let out = common::aiguard()
        .current_dir(dir.path())
        .args(["inventory", ".", "--format", "json"])
        .output()
        .expect("run");
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn model_calls_carry_their_model_and_limits() {
    let (_, inv) = inventory("json");
    let calls = inv["model_calls"].as_array().expect("model calls");
    let by_model = |m: &str| {
        calls
            .iter()
            .find(|c| c["model"] == m)
            .unwrap_or_else(|| panic!("no call with model {m}: {calls:?}"))
    };
    assert_eq!(by_model("gpt-4o-mini")["token_cap"], "set");
    assert_eq!(by_model("gpt-4o")["token_cap"], "missing");
    assert_eq!(by_model("gpt-4o")["api"], "OpenAI chat completion");
    assert_eq!(by_model("gpt-4o")["line"], 8);
}

#[test]
fn tools_downloads_and_secrets_are_listed_and_secrets_redacted() {
    let (text, inv) = inventory("json");
    let tools: Vec<&str> = inv["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(tools.contains(&"lookup"), "{tools:?}");
    assert!(tools.iter().any(|t| t.contains("ShellTool")), "{tools:?}");
    let downloads = inv["downloads"].as_array().unwrap();
    let pinned = downloads
        .iter()
        .find(|d| d["model"] == "org/model")
        .unwrap();
    assert_eq!(pinned["pinned"], true);
    let loose = downloads
        .iter()
        .find(|d| d["model"] == "bert-base-uncased")
        .unwrap();
    assert_eq!(loose["pinned"], false);
    assert_eq!(inv["secrets"].as_array().unwrap().len(), 1);
    assert!(
        !text.contains(&KEY[KEY.len() - 12..]),
        "a secret was printed"
    );
}

#[test]
fn the_ml_bom_is_cyclonedx() {
    let (text, bom) = inventory("cyclonedx");
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.6");
    let components = bom["components"].as_array().unwrap();
    assert!(components
        .iter()
        .all(|c| c["type"] == "machine-learning-model"));
    let pinned = components
        .iter()
        .find(|c| c["name"] == "org/model")
        .unwrap();
    assert_eq!(
        pinned["purl"],
        "pkg:huggingface/org/model@0123456789abcdef0123456789abcdef01234567"
    );
    assert!(components.iter().any(|c| c["name"] == "gpt-4o"));
    let services = bom["services"].as_array().unwrap();
    assert!(services
        .iter()
        .any(|s| s["name"] == "OpenAI chat completion"));
    assert!(services.iter().any(|s| s["name"] == "lookup"));
    assert!(!text.contains(&KEY[KEY.len() - 12..]));
}

#[test]
fn the_table_is_readable() {
    let (text, _) = inventory("table");
    assert!(text.contains("Model calls (2)"), "{text}");
    assert!(text.contains("model=gpt-4o  token cap=missing"), "{text}");
    assert!(text.contains("Model and dataset downloads (2)"), "{text}");
}

#[test]
fn mcp_servers_and_their_tools_are_listed() {
    let dir = project(&[
        (
            "server.py",
            "from mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP(\"weather\")\n\n\n@mcp.tool()\ndef forecast(city: str) -> str:\n    return city\n",
        ),
        (
            "server.ts",
            "import { McpServer } from \"@modelcontextprotocol/sdk/server/mcp.js\";\nconst server = new McpServer({ name: \"files\", version: \"1.0.0\" });\nserver.tool(\"read\", {}, async ({ path }) => ({ content: [] }));\n",
        ),
    ]);
    let inv = inventory_json(&dir);
    let servers: Vec<&str> = inv["servers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert!(servers.contains(&"weather"), "{inv}");
    assert!(servers.contains(&"files"), "{inv}");
    let tools: Vec<&str> = inv["tools"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(
        tools.contains(&"forecast") && tools.contains(&"read"),
        "{tools:?}"
    );
}

#[test]
fn rust_builders_name_their_model_and_tools_are_found_by_type_and_base() {
    let code = r#"use async_openai::types::CreateChatCompletionRequestArgs;
use async_openai::Client;
use rig::providers::openai;
use rig::completion::Prompt;
use rmcp::handler::server::wrapper::Parameters;

async fn ask(messages: Vec<async_openai::types::ChatCompletionRequestMessage>) {
    let client = Client::new();
    let request = CreateChatCompletionRequestArgs::default().model("gpt-4o-mini").max_tokens(100u32).messages(messages).build().unwrap();
    client.chat().create(request).await.unwrap();
    let agent = openai::Client::from_env().agent("gpt-4o").build();
    agent.prompt("hello").await.unwrap();
}

struct Files;
impl Files {
    async fn read(&self, args: Parameters<Args>) -> String { args.0.path }
}

struct Search;
impl rig::tool::Tool for Search {
    async fn call(&self, args: Args) -> Result<String, Error> { Ok(args.q) }
}
"#;
    let dir = project(&[("src/main.rs", code)]);
    let inv = inventory_json(&dir);
    let calls = inv["model_calls"].as_array().expect("model calls");
    let models: Vec<&str> = calls.iter().filter_map(|c| c["model"].as_str()).collect();
    assert_eq!(models, ["gpt-4o-mini", "gpt-4o"], "{calls:?}");
    assert_eq!(calls[0]["token_cap"], "set");
    let tools: Vec<&str> = inv["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(tools, ["read", "Search"]);
}
