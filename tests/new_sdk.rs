//! Adding an SDK is data in one pack, `rules/llm-sdks.toml`: a made-up OpenAI-compatible SDK
//! added to its role call-sets gives the findings of the same app written with the OpenAI SDK,
//! and an SDK with a call shape of its own needs its call-set, source and prompt sink there too.

mod common;

use aiguard::spec::registry::{load, Registry, BUILTIN_PACKS};
use std::collections::BTreeSet;

const OPENAI_APP: &str = r#"
from flask import Flask, request
from openai import OpenAI

app = Flask(__name__)
client = OpenAI()

@app.route("/ask")
def ask():
    question = request.args["q"]
    reply = client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "system", "content": "Answer this: " + question}],
    )
    return eval(reply.choices[0].message.content)
"#;

/// `llm-sdks.toml` with `acme_llm` added to two role sets (its chat call to the OpenAI-compatible
/// chat shapes, its client to the clients that take a timeout) and to the modules that make a
/// project an LLM app.
fn packs_with_acme() -> Vec<(&'static str, String)> {
    BUILTIN_PACKS
        .iter()
        .map(|(name, text)| {
            let mut text = text.to_string();
            if *name == "llm-sdks.toml" {
                for (set, glob) in [
                    ("openai-compatible-chat", "acme_llm.Acme().chat.send"),
                    ("clients-with-timeout", "acme_llm.Acme"),
                ] {
                    let at = text.find(&format!("name = \"{set}\"")).expect("role set");
                    let calls = at + text[at..].find("calls = [").unwrap() + "calls = [".len();
                    text.insert_str(calls, &format!("\"{glob}\", "));
                }
                let fact = text.find("name = \"llm-app\"").expect("llm-app fact");
                let imports =
                    fact + text[fact..].find("imports = [").unwrap() + "imports = [".len();
                text.insert_str(imports, "\"acme_llm\", ");
            }
            (*name, text)
        })
        .collect()
}

fn rule_ids(registry: &Registry, app: &str) -> BTreeSet<&'static str> {
    let dir = common::project(&[("app.py", app)]);
    let all = registry.rules.iter().map(|r| r.id);
    common::scan_dir(dir.path(), registry, all)
        .iter()
        .map(|f| f.rule_id)
        .collect()
}

#[test]
fn an_sdk_added_to_the_role_sets_of_one_pack_is_analysed_like_a_built_in_one() {
    let acme_app = OPENAI_APP
        .replace("from openai import OpenAI", "from acme_llm import Acme")
        .replace("OpenAI()", "Acme()")
        .replace("chat.completions.create", "chat.send");
    let builtin = Registry::builtin();
    let expected = rule_ids(builtin, OPENAI_APP);
    for id in ["AIG202", "AIG301", "AIG501", "AIG502"] {
        assert!(expected.contains(id), "{id} not in {expected:?}");
    }
    // Unknown to the built-in packs: no model-output or limit finding. (Its system message is a
    // prompt by its shape, wherever it goes: AIG202 either way.)
    let unknown = rule_ids(builtin, &acme_app);
    assert!(
        !unknown.contains("AIG301") && !unknown.contains("AIG501"),
        "{unknown:?}"
    );
    let packs = packs_with_acme();
    let packs: Vec<(&str, &str)> = packs.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let with_acme = load(&packs).expect("packs load");
    assert_eq!(rule_ids(&with_acme, &acme_app), expected);
}

/// An SDK of its own shape: `acme_gen.Model().generate(prompt=..., max_tokens=...)`.
const ACME_GEN: &str = r#"
[[call_set]]
name = "acme-generate"
calls = ["acme_gen.Model().generate"]

[[source]]
kind = "model-output"
label = "Acme generation"
calls = [{ set = "acme-generate" }]

[[sink.calls]]
kind = "prompt"
label = "an Acme generation"
calls = [{ set = "acme-generate" }]
args = ["prompt"]
"#;

#[test]
fn an_sdk_of_its_own_shape_is_declared_in_the_same_pack() {
    let app = r#"
from flask import Flask, request
from acme_gen import Model

app = Flask(__name__)
model = Model()

@app.route("/ask")
def ask():
    reply = model.generate(prompt="Answer this: " + request.args["q"])
    return eval(reply.text)
"#;
    let builtin = rule_ids(Registry::builtin(), app);
    assert!(
        !builtin.contains("AIG201") && !builtin.contains("AIG301"),
        "{builtin:?}"
    );
    let packs: Vec<(&str, String)> = BUILTIN_PACKS
        .iter()
        .map(|(name, text)| {
            let mut text = text.to_string();
            if *name == "llm-sdks.toml" {
                text.push_str(ACME_GEN);
                let set = "name = \"max-tokens-python-chat-calls\"";
                let at = text.find(set).expect("role set");
                let calls = at + text[at..].find("calls = [").unwrap() + "calls = [".len();
                text.insert_str(calls, "{ set = \"acme-generate\" }, ");
            }
            (*name, text)
        })
        .collect();
    let packs: Vec<(&str, &str)> = packs.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let with_acme = load(&packs).expect("packs load");
    let found = rule_ids(&with_acme, app);
    for id in ["AIG201", "AIG301", "AIG501"] {
        assert!(found.contains(id), "{id} not in {found:?}");
    }
}
