use super::*;
use crate::source::Source;

fn parse(code: &str) -> Module {
    let source = Source::new("t.rs".into(), Language::Rust, code.into());
    let mut m = crate::lang::parse(&source);
    crate::resolve::resolve(&mut m);
    m
}

/// Qualified names of every call, in source order.
fn calls(code: &str) -> Vec<String> {
    let m = parse(code);
    assert!(!m.has_errors, "syn rejected the snippet");
    let mut out: Vec<_> = m
        .calls()
        .into_iter()
        .map(|(c, sp)| (sp.start, c.qualified.as_deref().unwrap_or("?").to_string()))
        .collect();
    out.sort();
    out.into_iter().map(|(_, q)| q).collect()
}

#[test]
fn negations_span_their_operator() {
    let code = "fn f(p: &Path) { if !p.starts_with(root) { return; } }";
    let m = parse(code);
    let mut negations = Vec::new();
    m.walk_exprs(&mut |e| {
        if let ExprKind::Other(items) = &e.kind {
            if items.len() == 1 {
                negations.push(&code[e.span.range()]);
            }
        }
    });
    assert_eq!(negations, ["!p.starts_with(root)"]);
}

/// The first call whose qualified name is `q`.
fn find_call<'m>(m: &'m Module, q: &str) -> &'m Call {
    m.calls()
        .into_iter()
        .map(|(c, _)| c)
        .find(|c| c.qualified.as_deref() == Some(q))
        .unwrap_or_else(|| panic!("no call {q}"))
}

fn parts(e: &Expr) -> Vec<String> {
    match &e.kind {
        ExprKind::StringBuild(p) => p
            .iter()
            .map(|p| match p {
                StrPart::Lit(s) => format!("'{s}'"),
                StrPart::Expr(e) => e.dotted().unwrap_or_else(|| "<expr>".into()),
            })
            .collect(),
        ExprKind::Str(s) => vec![format!("'{s}'")],
        other => panic!("not a string: {other:?}"),
    }
}

#[test]
fn test_modules_and_functions_are_test_spans() {
    let code = "fn main() { a(); }\n#[cfg(test)]\nmod tests { fn t() { b(); } }\n\
                    #[cfg(not(test))]\nmod live { fn l() { c(); } }\n\
                    #[tokio::test]\nasync fn it() { d(); }\n#[cfg(all(test, feature = \"x\"))]\nmod more {}\n";
    let m = parse(code);
    let in_test = |name: &str| {
        let (_, sp) = m
            .calls()
            .into_iter()
            .find(|(c, _)| c.qualified.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("no call {name}"));
        m.test_spans
            .iter()
            .any(|t| t.start <= sp.start && sp.end <= t.end)
    };
    assert!(!in_test("a") && in_test("b") && !in_test("c") && in_test("d"));
    assert_eq!(m.test_spans.len(), 3);
}

#[test]
fn attributes_are_decorators_and_parameter_patterns_are_unpacked() {
    let code = "use rmcp::tool;\nuse axum::Json;\n\
                    #[derive(Debug)]\nstruct S { n: u8 }\n\
                    #[tool(description = \"sum\")]\n/// doc\nasync fn sum(Json(req): Json<Req>, (a, _): (u8, u8), _: u8) { g(req, a); }\n";
    let m = parse(code);
    assert!(!m.has_errors);
    let f = m.functions.iter().find(|f| &*f.name == "sum").unwrap();
    assert_eq!(f.decorators.len(), 1, "the doc comment is not a decorator");
    let ExprKind::Call(c) = &f.decorators[0].kind else {
        panic!("#[tool(..)] is a call");
    };
    assert_eq!(c.callee.dotted().as_deref(), Some("tool"));
    assert_eq!(c.args[0].name.as_deref(), Some("description"));
    let names: Vec<_> = f.params.iter().map(|p| &*p.name).collect();
    assert_eq!(names, ["Json(..)", "_arg1", "_"]);
    assert_eq!(f.params[0].annotation.as_deref(), Some("Json"));
    // The body starts with `let Json(req) = _arg0; let (a, _) = _arg1;`.
    let unpacked: Vec<_> = f.body[..2]
        .iter()
        .map(|s| match &s.kind {
            StmtKind::Assign { targets, value, .. } => {
                let ExprKind::List(items) = &targets[0].kind else {
                    panic!("a tuple pattern is a list");
                };
                let first = items[0].dotted().unwrap_or_default();
                (first, value.dotted().unwrap_or_default())
            }
            other => panic!("not an assignment: {other:?}"),
        })
        .collect();
    assert_eq!(unpacked[0], ("req".to_string(), "Json(..)".to_string()));
    assert_eq!(unpacked[1], ("a".to_string(), "_arg1".to_string()));
    assert_eq!(
        m.classes[0].decorators.len(),
        1,
        "#[derive(..)] on the struct"
    );
}

#[test]
fn imports_inside_inline_modules_bind_only_there() {
    let code = "use std::process::Command;\n\
                    mod a { use genai::Client; fn f() { Client::default().exec_chat(); } }\n\
                    mod b { use clust::Client; use tracing::info;\n\
                      fn f(c: &rig::agent::Agent<M>) { Client::from_env(); let x = Body { n: 1 }; info!(\"{}\", x); c.prompt(); } }\n\
                    fn g() { Client::new(); Command::new(\"ls\"); }\n";
    assert_eq!(
        calls(code),
        [
            "genai.Client.default",
            "genai.Client.default().exec_chat",
            "clust.Client.from_env",
            "Body",
            "tracing.info",
            "rig.agent.Agent().prompt",
            "Client.new",
            "std.process.Command.new",
        ]
    );
}

#[test]
fn use_trees_aliases_and_globs() {
    let m = parse(
        "use async_openai::{Client, types::CreateChatCompletionRequestArgs as Args};\n\
             use std::{self, process::Command as Cmd};\nuse rig::providers::openai;\n\
             use ollama_rs::generation::completion::*;\nextern crate serde_json as sj;\n\
             use foo::{bar::{self}, _baz as _};\n",
    );
    let got: Vec<(String, String)> = m
        .imports
        .iter()
        .map(|i| (i.local.to_string(), i.qualified.to_string()))
        .collect();
    let want = [
        ("Client", "async_openai.Client"),
        ("Args", "async_openai.types.CreateChatCompletionRequestArgs"),
        ("std", "std"),
        ("Cmd", "std.process.Command"),
        ("openai", "rig.providers.openai"),
        ("*", "ollama_rs.generation.completion.*"),
        ("sj", "serde_json"),
        ("bar", "foo.bar"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);
    // Spans point at the `use` declaration.
    let src = "use a::b;";
    let m = parse(src);
    assert_eq!(&src[m.imports[0].span.range()], "use a::b;");
}

#[test]
fn method_chains_and_paths_are_qualified() {
    let q = calls(
        "use async_openai::{Client, types::CreateChatCompletionRequestArgs as Args};\n\
             use rig::providers::openai;\nuse ollama_rs::Ollama;\nuse std::process::Command;\n\
             async fn run(q: String) -> anyhow::Result<()> {\n\
                 let req = Args::default().model(\"gpt-4o\").build()?;\n\
                 let resp = Client::new().chat().create(req).await?;\n\
                 let agent = openai::Client::from_env().agent(\"gpt-4o\").build();\n\
                 let answer = agent.prompt(q).await?;\n\
                 let ollama = Ollama::default();\n\
                 ollama.generate(r).await?;\n\
                 Command::new(\"sh\").arg(&answer).output()?;\n\
                 sqlx::query(&q).execute(&pool).await?;\n\
                 Ok(())\n}\n",
    );
    let want = [
        "async_openai.types.CreateChatCompletionRequestArgs.default",
        "async_openai.types.CreateChatCompletionRequestArgs.default().model",
        "async_openai.types.CreateChatCompletionRequestArgs.default().model().build",
        "async_openai.Client.new",
        "async_openai.Client.new().chat",
        "async_openai.Client.new().chat().create",
        "rig.providers.openai.Client.from_env",
        "rig.providers.openai.Client.from_env().agent",
        "rig.providers.openai.Client.from_env().agent().build",
        "rig.providers.openai.Client.from_env().agent().build().prompt",
        "ollama_rs.Ollama.default",
        "ollama_rs.Ollama.default().generate",
        "std.process.Command.new",
        "std.process.Command.new().arg",
        "std.process.Command.new().arg().output",
        "sqlx.query",
        "sqlx.query().execute",
    ];
    assert_eq!(q, want);
}

#[test]
fn try_and_await_pass_through() {
    let m = parse("async fn f() { let r = c.create(x).await?; r.text(); }");
    let ExprKind::Await(inner) = &m_body_value(&m, 0, 0).kind else {
        panic!("not Await")
    };
    let ExprKind::Await(call) = &inner.kind else {
        panic!("not Await")
    };
    assert!(matches!(call.kind, ExprKind::Call(_)));
    assert_eq!(
        calls("async fn f() { let r = c.create(x).await?; r.text(); }"),
        ["c.create", "c.create().text"]
    );
}

/// The value of statement `si` (an assignment or expression) of function `fi`.
fn m_body_value(m: &Module, fi: usize, si: usize) -> &Expr {
    match &m.functions[fi].body[si].kind {
        StmtKind::Assign { value, .. } => value,
        StmtKind::Expr(e) | StmtKind::Return(Some(e)) => e,
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn closures_are_lambdas_and_see_their_scope() {
    let code = "use std::process::Command;\nfn f(xs: Vec<String>) {\n\
                    let run = |s: &str| Command::new(s).status();\n\
                    xs.iter().for_each(|x| { let y = x.trim(); run(y); });\n\
                    let fut = async move { client.send().await };\n}\n";
    let m = parse(code);
    let lambdas: Vec<&Function> = m.functions.iter().filter(|f| f.is_lambda).collect();
    assert_eq!(lambdas.len(), 3);
    assert_eq!(&*lambdas[0].params[0].name, "s");
    assert!(matches!(
        lambdas[0].body.as_slice(),
        [Stmt {
            kind: StmtKind::Return(Some(_)),
            ..
        }]
    ));
    assert!(lambdas[2].is_async);
    let q = calls(code);
    assert!(
        q.contains(&"std.process.Command.new().status".to_string()),
        "{q:?}"
    );
    assert!(q.contains(&"x.trim".to_string()), "{q:?}");
    assert!(q.contains(&"client.send".to_string()), "{q:?}");
}

#[test]
fn format_family_builds_strings() {
    let m = parse(
        "fn f(name: &str, n: u32) {\n\
             let a = format!(\"Hi {name}, you are {} ({n:?}) {{ok}} {x}\", age, x = secret);\n\
             let b = format!(\"plain\");\n\
             let c = \"a\".to_string() + &name + \"b\";\n\
             let mut d = String::from(\"x\");\n\
             d.push_str(&name);\n\
             d += name;\n\
             let e = concat!(\"a\", \"b\");\n\
             let g = name.to_string();\n}\n",
    );
    assert_eq!(
        parts(m_body_value(&m, 0, 0)),
        [
            "'Hi '",
            "name",
            "', you are '",
            "age",
            "' ('",
            "n",
            "') {ok} '",
            "secret"
        ]
    );
    assert_eq!(parts(m_body_value(&m, 0, 1)), ["'plain'"]);
    assert_eq!(parts(m_body_value(&m, 0, 2)), ["'a'", "name", "'b'"]);
    assert_eq!(parts(m_body_value(&m, 0, 3)), ["'x'"]);
    for si in [4, 5] {
        assert!(matches!(
            &m.functions[0].body[si].kind,
            StmtKind::Assign { augmented: true, targets, .. } if targets[0].dotted().as_deref() == Some("d")
        ));
    }
    assert_eq!(parts(m_body_value(&m, 0, 6)), ["'ab'"]);
    assert!(matches!(m_body_value(&m, 0, 7).kind, ExprKind::Call(_)));
}

#[test]
fn log_print_and_write_macros_are_calls() {
    let code = "use tracing::info;\nfn f(q: &str) {\n\
                    info!(user = %q, target: \"app\", \"asked {} about {topic}\", q);\n\
                    log::warn!(\"bad {q:?}\");\n\
                    tracing::error!(?q);\n\
                    println!(\"{}\", q);\n\
                    writeln!(out, \"x={q}\").unwrap();\n\
                    panic!(\"boom {}\", q);\n\
                    sqlx::query!(\"SELECT * FROM t WHERE id = $1\", id);\n}\n";
    let m = parse(code);
    assert_eq!(
        calls(code),
        [
            "tracing.info",
            "log.warn",
            "tracing.error",
            "println",
            "writeln",
            "writeln().unwrap",
            "panic",
            "sqlx.query"
        ]
    );
    let info = find_call(&m, "tracing.info");
    assert_eq!(
        parts(info.positional(0).unwrap()),
        ["'asked '", "q", "' about '", "topic"]
    );
    assert_eq!(
        info.keyword("user").and_then(|e| e.dotted()).as_deref(),
        Some("q")
    );
    assert_eq!(info.keyword("target").and_then(|e| e.as_str()), Some("app"));
    assert_eq!(
        parts(find_call(&m, "log.warn").positional(0).unwrap()),
        ["'bad '", "q"]
    );
    let err = find_call(&m, "tracing.error");
    assert_eq!(
        err.positional(0).and_then(|e| e.dotted()).as_deref(),
        Some("q")
    );
    assert_eq!(
        parts(find_call(&m, "println").positional(0).unwrap()),
        ["q"]
    );
    let w = find_call(&m, "writeln");
    assert_eq!(
        w.positional(0).and_then(|e| e.dotted()).as_deref(),
        Some("out")
    );
    assert_eq!(parts(w.positional(1).unwrap()), ["'x='", "q"]);
    let sql = find_call(&m, "sqlx.query");
    assert_eq!(
        sql.positional(0).and_then(|e| e.as_str()),
        Some("SELECT * FROM t WHERE id = $1")
    );
    assert_eq!(
        sql.positional(1).and_then(|e| e.dotted()).as_deref(),
        Some("id")
    );
}

#[test]
fn json_and_vec_macros() {
    let m = parse(
            "fn f(q: &str) {\n\
             let body = json!({\"model\": \"gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": q}], \"stream\": null, \"n\": a::b(1)});\n\
             let v = vec![q, \"x\"];\n let w = vec![0u8; 10];\n}\n",
        );
    let ExprKind::Dict(entries) = &m_body_value(&m, 0, 0).kind else {
        panic!("json! is not a Dict")
    };
    let keys: Vec<&str> = entries
        .iter()
        .filter_map(|(k, _)| k.as_ref()?.as_str())
        .collect();
    assert_eq!(keys, ["model", "messages", "stream", "n"]);
    assert_eq!(entries[0].1.as_str(), Some("gpt-4o"));
    let ExprKind::List(msgs) = &entries[1].1.kind else {
        panic!("not a List")
    };
    assert!(matches!(&msgs[0].kind, ExprKind::Dict(d) if d.len() == 2));
    assert!(matches!(entries[2].1.kind, ExprKind::Null));
    assert!(matches!(entries[3].1.kind, ExprKind::Call(_)));
    assert!(matches!(&m_body_value(&m, 0, 1).kind, ExprKind::List(v) if v.len() == 2));
    assert!(matches!(&m_body_value(&m, 0, 2).kind, ExprKind::Other(v) if v.len() == 2));
}

#[test]
fn struct_literals_are_constructor_calls_with_an_options_dict() {
    let code = "use async_openai::types::CreateChatCompletionRequest as Req;\n\
                    fn f(m: Vec<Msg>) { let r = Req { model: \"gpt-4o\".into(), messages: m, max_tokens: Some(5), ..Default::default() }; }\n";
    let m = parse(code);
    let call = find_call(&m, "async_openai.types.CreateChatCompletionRequest");
    assert!(call.is_new);
    assert_eq!(
        call.keyword("model").and_then(|e| e.as_str()),
        Some("gpt-4o")
    );
    assert_eq!(
        call.keyword("messages").and_then(|e| e.dotted()).as_deref(),
        Some("m")
    );
    assert!(
        matches!(call.keyword("max_tokens").map(|e| &e.kind), Some(ExprKind::Number(n)) if &**n == "5")
    );
    assert!(call.has_keyword_splat());
}

#[test]
fn impl_blocks_are_classes_and_self_fields_resolve() {
    let code = "use async_openai::{Client, config::OpenAIConfig};\n\
                    struct Bot { client: Arc<Client<OpenAIConfig>>, name: String }\n\
                    impl Bot {\n  fn new() -> Self { Self { client: Arc::new(Client::new()), name: String::new() } }\n\
                    async fn ask(&self, q: &str) { self.client.chat().create(q).await; Self::helper(); }\n}\n\
                    impl Drop for Bot { fn drop(&mut self) {} }\n";
    let m = parse(code);
    assert_eq!(m.classes.len(), 1);
    let bot = &m.classes[0];
    assert_eq!(&*bot.name, "Bot");
    assert_eq!(bot.methods.len(), 3);
    assert_eq!(bot.bases[0].dotted().as_deref(), Some("Drop"));
    assert_eq!(bot.fields[0].annotation.as_deref(), Some("Client"));
    assert_eq!(&*m.functions[bot.methods[1]].params[0].name, "self");
    assert_eq!(
        calls(code),
        [
            "Bot",
            "async_openai.Client.new",
            "String.new",
            "async_openai.Client().chat",
            "async_openai.Client().chat().create",
            "Bot.helper"
        ]
    );
}

#[test]
fn let_patterns_control_flow_and_tail_returns() {
    let m = parse(
        "fn f(x: Option<u8>) -> u8 {\n\
             let (a, b) = pair();\n let Point { x: px, y } = p;\n\
             let v = if let Some(n) = x { n } else { let d = dflt(); d };\n\
             for (i, s) in xs.iter().enumerate() { use_it(s); }\n\
             match x { Some(n) if n > 1 => g(n), _ => { h() } }\n}\n",
    );
    let body = &m.functions[0].body;
    assert!(
        matches!(&body[0].kind, StmtKind::Assign { targets, .. } if matches!(&targets[0].kind, ExprKind::List(v) if v.len() == 2))
    );
    assert!(
        matches!(&body[1].kind, StmtKind::Assign { targets, .. } if matches!(&targets[0].kind, ExprKind::Dict(d) if d[0].0.as_ref().and_then(|k| k.as_str()) == Some("x")))
    );
    // The `if let` test and the else block's `let` are hoisted before `let v`.
    assert!(
        matches!(&body[2].kind, StmtKind::Expr(e) if matches!(&e.kind, ExprKind::Compare { op, .. } if &**op == ":="))
    );
    assert!(
        matches!(&body[3].kind, StmtKind::Assign { targets, .. } if targets[0].dotted().as_deref() == Some("d"))
    );
    assert!(
        matches!(&body[4].kind, StmtKind::Assign { value, .. } if matches!(&value.kind, ExprKind::Choice(c) if c.len() == 2))
    );
    assert!(matches!(
        &body[5].kind,
        StmtKind::Loop {
            target: Some(_),
            iter: Some(_),
            ..
        }
    ));
    let StmtKind::Match { cases, .. } = &body[6].kind else {
        panic!("not a match")
    };
    // Tail position: each arm returns its value.
    assert!(matches!(&cases[0].1[0].kind, StmtKind::Return(Some(_))));
    assert_eq!(cases[0].0.len(), 2, "pattern and guard");
    assert!(matches!(&cases[1].1[0].kind, StmtKind::Return(Some(_))));
}

#[test]
fn spans_are_byte_offsets_even_after_multibyte_text() {
    let src = "// héllo wörld ✓\nfn f() { let s = \"ü\"; client.chat().create(s); }\n";
    let m = parse(src);
    let (call, sp) = m
        .calls()
        .into_iter()
        .find(|(c, _)| c.qualified.as_deref() == Some("client.chat().create"))
        .unwrap();
    assert_eq!(&src[sp.range()], "client.chat().create(s)");
    assert_eq!(&src[call.args[0].span.range()], "s");
    // A BOM and a shebang line do not shift offsets.
    let src = "\u{feff}#!/usr/bin/env rust-script\nfn main() { run(1); }\n";
    let m = parse(src);
    let (_, sp) = m.calls()[0];
    assert_eq!(&src[sp.range()], "run(1)");
}

#[test]
fn hoisted_statements_keep_their_order_and_block() {
    let m = parse(
        "fn f() { let v = if c() { for x in xs { g(x); } 1 } else { 2 };\n\
             let w = match s() { A => return h(), _ => { while k() { l(); } 0 } }; }",
    );
    let kinds: Vec<String> = m.functions[0]
        .body
        .iter()
        .map(|s| match &s.kind {
            StmtKind::Expr(e) => format!("expr {}", e.dotted().unwrap_or_default()),
            StmtKind::Loop { body, .. } => format!("loop {}", body.len()),
            StmtKind::Assign { targets, .. } => format!("let {}", targets[0].dotted().unwrap()),
            StmtKind::Return(_) => "return".into(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "expr ",
            "loop 1",
            "let v",
            "let match",
            "let A",
            "return",
            "loop 1",
            "let w"
        ]
    );
}

#[test]
fn cargo_script_frontmatter_is_skipped() {
    let src = "#!/usr/bin/env -S cargo +nightly -Zscript\n---cargo\n[dependencies]\nclap = \"4\"\n---\nfn main() { run(1); }\n";
    let m = parse(src);
    assert!(!m.has_errors);
    let (_, sp) = m.calls()[0];
    assert_eq!(&src[sp.range()], "run(1)");
}

#[test]
fn syntax_errors_give_an_empty_module_with_errors() {
    for bad in [
        "fn f( {",
        "let x = ;",
        "\"unterminated",
        "fn f() { let = 1; }",
        "}}}",
    ] {
        let m = parse(bad);
        assert!(m.has_errors, "{bad}");
        assert!(m.body.is_empty() && m.functions.is_empty());
    }
    assert!(!parse("").has_errors);
}

#[test]
fn hostile_inputs_never_panic_or_overflow() {
    let mut rng = 0x2545F4914F6CDD1Du64;
    let mut garbage = String::new();
    let alphabet = "(){}[]<>!?.,;:'\"#&|*+-=/\\ \nfn let match if else x 0 r\"";
    let chars: Vec<char> = alphabet.chars().collect();
    for _ in 0..20_000 {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        garbage.push(chars[(rng % chars.len() as u64) as usize]);
    }
    let n = 100_000;
    let inputs = [
        garbage,
        "(".repeat(n),
        format!("fn f() {{ {}1{} }}", "(".repeat(n), ")".repeat(n)),
        format!("fn f() {{ {}1{} }}", "(".repeat(120), ")".repeat(120)),
        format!("fn f() {{ {}1{} }}", "[".repeat(200), "]".repeat(200)),
        format!("fn f() {{ let a = {}x; }}", "!".repeat(n)),
        format!("fn f() {{ let a = {}x; }}", "!".repeat(MAX_NEST_COST - 10)),
        format!("fn f() {{ {}x }}", "return ".repeat(MAX_NEST_COST / 2)),
        format!("fn f() {{ let a = x{}; }}", ".m()".repeat(n)),
        format!(
            "fn f() {{ let a = x{}; }}",
            ".m()".repeat(MAX_NEST_COST / 3 - 10)
        ),
        format!(
            "fn f() {{ let a = \"s\"{}; }}",
            " + x".repeat(MAX_NEST_COST / 2 - 10)
        ),
        format!("fn f() {{ let a = 1{}; }}", " - x".repeat(n)),
        format!(
            "fn f() {{ if a {{}}{} }}",
            " else if a {}".repeat(MAX_NEST_COST / 4 - 10)
        ),
        format!(
            "fn f() {{ let c = {}0; }}",
            "|_| ".repeat(MAX_NEST_COST / 3 - 10)
        ),
        format!(
            "type T = {}u8{};",
            "Vec<".repeat(MAX_NEST_COST / 2 - 10),
            ">".repeat(MAX_NEST_COST / 2 - 10)
        ),
        format!(
            "fn f() {{ let v = {}1{}; }}",
            "vec![".repeat(120),
            "]".repeat(120)
        ),
        format!(
            "fn f() {{ let v = json!({}1{}); }}",
            "[".repeat(120),
            "]".repeat(120)
        ),
        format!(
            "fn f() {{ {}{} }}",
            "{ let x = g(); ".repeat(120),
            "}".repeat(120)
        ),
        format!("fn f() {{ format!(\"{}\") }}", "{".repeat(n)),
    ];
    for (i, src) in inputs.iter().enumerate() {
        let m = parse(src);
        // Only that it returns; bounded inputs also lower.
        if i == 3 || i == 6 || i == 9 || i == 17 {
            assert!(!m.has_errors, "input {i} should parse");
        }
    }
}

#[test]
fn a_huge_file_parses_in_reasonable_time() {
    let mut src = String::from("use async_openai::Client;\n");
    let mut i = 0;
    while src.len() < 1 << 20 {
        src.push_str(&format!(
                "pub async fn f{i}(c: &Client, q: &str) -> Result<String> {{\n    let r = c.chat().create(format!(\"{{q}} {i}\")).await?;\n    Ok(r.text)\n}}\n"
            ));
        i += 1;
    }
    let t = std::time::Instant::now();
    let m = parse(&src);
    assert!(!m.has_errors);
    assert_eq!(m.functions.len(), i);
    assert!(t.elapsed().as_secs() < 30, "took {:?}", t.elapsed());
}
