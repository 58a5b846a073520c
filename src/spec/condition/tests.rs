use super::{compile_condition, RawCondition};

fn cond(toml_text: &str) -> Result<super::Condition, String> {
    let raw: RawCondition = toml::from_str(toml_text).map_err(|e| e.to_string())?;
    compile_condition(raw)
}

#[test]
fn version_conditions_compile() {
    assert!(cond("package = \"torch\"\nat_least = \"2.6\"").is_ok());
    assert!(cond("package = \"ai\"\nbelow = \"5\"").is_ok());
    for bad in [
        "package = \"torch\"",
        "package = \"torch\"\nat_least = \"2.6\"\nbelow = \"3\"",
        "package = \"torch\"\nat_least = \"latest\"",
        "package = \"torch\"\nat_least = \"2.6\"\narg = \"x\"",
        "package = \"torch\"\nat_least = \"2.6\"\npresent = true",
        "arg = \"x\"\nat_least = \"2.6\"",
        "present = true",
    ] {
        assert!(cond(bad).is_err(), "{bad}");
    }
}

/// Whether `condition` holds for the last call of `code` whose qualified name is `name`.
fn holds_at(lang: crate::source::Language, code: &str, name: &str, condition: &str) -> bool {
    let source = crate::source::Source::new("t".into(), lang, code.into());
    let mut module = crate::lang::parse(&source);
    crate::resolve::resolve(&mut module);
    let consts = super::Constants::collect(&module);
    let condition = cond(condition).unwrap();
    let mut found = None;
    module.walk_exprs(&mut |e| {
        if let crate::ir::ExprKind::Call(c) = &e.kind {
            if c.qualified.as_deref() == Some(name) {
                found = Some(condition.holds(c, &consts));
            }
        }
    });
    found.expect("no such call")
}

#[test]
fn chain_conditions_test_the_calls_a_receiver_was_made_by() {
    use crate::source::Language::{Python, Rust};
    let shell = "chain = \"*Command.new\"\nposition = 0\nmatches = \"^sh$\"";
    let dash_c = "chain = \"*Command.new()*.arg\"\nposition = 0\nmatches = \"^-c$\"";
    let direct = "fn f(x: &str) { Command::new(\"sh\").arg(\"-c\").arg(x); }";
    let chained = "std.process.Command.new().arg().arg";
    assert!(holds_at(
        Rust,
        &format!("use std::process::Command;\n{direct}"),
        chained,
        shell
    ));
    assert!(holds_at(
        Rust,
        &format!("use std::process::Command;\n{direct}"),
        chained,
        dash_c
    ));
    // Through a name bound once.
    let named = "use std::process::Command;\n\
                     fn f(x: &str) { let c = Command::new(\"sh\"); c.arg(\"-c\").arg(x); }";
    assert!(holds_at(Rust, named, chained, shell));
    // Another program, or no `-c` before: the call itself is not looked at.
    let other = "use std::process::Command;\nfn f(x: &str) { Command::new(\"ls\").arg(x); }";
    assert!(!holds_at(
        Rust,
        other,
        "std.process.Command.new().arg",
        shell
    ));
    assert!(!holds_at(
        Rust,
        other,
        "std.process.Command.new().arg",
        dash_c
    ));
    // Keywords are found by name in the chain.
    let py = "from x import Client\nClient(mode='shell').run(cmd)\n";
    let mode = "chain = \"x.Client\"\narg = \"mode\"\nequals = \"shell\"";
    assert!(holds_at(Python, py, "x.Client().run", mode));
    assert!(cond("chain = \"x\"\npresent = true").is_err());
}

#[test]
fn text_matches_reads_built_strings_with_unreadable_parts_spelled() {
    use crate::source::Language::{Python, TypeScript};
    let path = "arg = \"url\"\nposition = 0\ntext_matches = '^\\{OLLAMA_HOST\\}/api/chat$'";
    let py = |url: &str| {
        format!("import os, requests\nOLLAMA_HOST = os.environ['H']\ndef f(b):\n    {url}\n    requests.post(u, json=b)\n")
    };
    assert!(holds_at(
        Python,
        &py("u = f\"{OLLAMA_HOST}/api/chat\""),
        "requests.post",
        path
    ));
    assert!(holds_at(
        Python,
        &py("u = OLLAMA_HOST + \"/api/chat\""),
        "requests.post",
        path
    ));
    assert!(!holds_at(
        Python,
        &py("u = f\"{BACKEND}/api/chat\""),
        "requests.post",
        path
    ));
    // A constant of the file is read as its text.
    let host = "arg = \"url\"\nposition = 0\ntext_matches = '^https://api\\.openai\\.com/'";
    let ts =
        "const BASE = \"https://api.openai.com\";\nfetch(`${BASE}/v1/chat/completions`, {});\n";
    assert!(holds_at(TypeScript, ts, "fetch", host));
    // Not a string at all.
    assert!(!holds_at(Python, &py("u = pick()"), "requests.post", host));
}

#[test]
fn has_keys_looks_through_serialising_calls_and_not_into_changed_dicts() {
    use crate::source::Language::{Python, TypeScript};
    let chat = "arg = \"data\"\nposition = 1\nhas_keys = [\"model\", \"messages\"]";
    let py = |body: &str, data: &str| {
        format!(
            "import json, requests\ndef f(m):\n    body = {body}\n    requests.post(U, {data})\n"
        )
    };
    let dict = "{\"model\": \"x\", \"messages\": m}";
    assert!(holds_at(
        Python,
        &py(dict, "data=json.dumps(body).encode('utf-8')"),
        "requests.post",
        chat
    ));
    assert!(holds_at(
        Python,
        &py(dict, "json.dumps(body)"),
        "requests.post",
        chat
    ));
    assert!(!holds_at(
        Python,
        &py("{\"model\": \"x\"}", "data=body"),
        "requests.post",
        chat
    ));
    // Changed in place under a constant key: the literal's keys are still there.
    let keyed = format!("{}\n    body['stream'] = True", dict);
    assert!(holds_at(
        Python,
        &py(&keyed, "data=body"),
        "requests.post",
        chat
    ));
    // Changed some other way: what it holds is not known.
    let changed = format!("{}\n    body.update(extra)", dict);
    assert!(!holds_at(
        Python,
        &py(&changed, "data=body"),
        "requests.post",
        chat
    ));
    let any_dict = "arg = \"body\"\nhas_keys = []";
    let ts = "fetch(u, { method: \"POST\", body: JSON.stringify({ a: 1 }) });\n";
    assert!(holds_at(TypeScript, ts, "fetch", any_dict));
    assert!(!holds_at(
        TypeScript,
        "fetch(u, { body: s });\n",
        "fetch",
        any_dict
    ));
}

#[test]
fn any_holds_when_one_of_its_conditions_does() {
    use crate::source::Language::Python;
    let any = "any = [{ arg = \"url\", position = 0, text_matches = 'chat/completions$' }, { arg = \"json\", has_keys = [\"prompt\"] }]";
    let code = |args: &str| format!("import requests\nrequests.post({args})\n");
    assert!(holds_at(
        Python,
        &code("'https://h/v1/chat/completions', json=b"),
        "requests.post",
        any
    ));
    assert!(holds_at(
        Python,
        &code("'https://h/x', json={'prompt': p}"),
        "requests.post",
        any
    ));
    assert!(!holds_at(
        Python,
        &code("'https://h/x', json={'text': p}"),
        "requests.post",
        any
    ));
    for bad in [
        "any = []",
        "arg = \"x\"\nany = [{ arg = \"y\", present = true }]",
        "any = [{ package = \"torch\", at_least = \"2\" }]",
    ] {
        assert!(cond(bad).is_err(), "{bad}");
    }
}

#[test]
fn contains_in_order_needs_the_elements_in_that_order() {
    use crate::source::Language::TypeScript;
    let raw = "arg = \"rehypePlugins\"\ncontains = [\"rehypeRaw\"]";
    let sanitised =
        "arg = \"rehypePlugins\"\ncontains_in_order = [\"*ehypeRaw\", \"*ehypeSanitize\"]";
    let call = |plugins: &str| {
        format!("import {{ render }} from \"lib\";\nconst p = {plugins};\nrender({{ rehypePlugins: p }});\n")
    };
    let after = call("[rehypeRaw, [rehypeSanitize, { tagNames: [] }]]");
    let before = call("[rehypeSanitize, rehypeRaw]");
    let alone = call("[[rehypeRaw]]");
    assert!(holds_at(TypeScript, &after, "lib.render", raw));
    assert!(holds_at(TypeScript, &after, "lib.render", sanitised));
    assert!(!holds_at(TypeScript, &before, "lib.render", sanitised));
    assert!(holds_at(TypeScript, &alone, "lib.render", raw));
    assert!(!holds_at(TypeScript, &alone, "lib.render", sanitised));
    assert!(cond("arg = \"x\"\ncontains_in_order = []").is_err());
}
