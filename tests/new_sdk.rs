//! Adding an SDK is data in one pack: a client and chat call of a made-up OpenAI-compatible SDK,
//! added to the role call-sets of `rules/llm-sdks.toml` and nowhere else, give the same findings
//! as the same app written with the OpenAI SDK.

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
    // Unknown to the built-in packs: no prompt, model-output or limit finding.
    let unknown = rule_ids(builtin, &acme_app);
    assert!(
        !unknown.contains("AIG202") && !unknown.contains("AIG301") && !unknown.contains("AIG501"),
        "{unknown:?}"
    );
    let packs = packs_with_acme();
    let packs: Vec<(&str, &str)> = packs.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let with_acme = load(&packs).expect("packs load");
    assert_eq!(rule_ids(&with_acme, &acme_app), expected);
}
