use crate::source::{Language, Source};

/// Qualified names of every call in a snippet, in source order.
fn qualified(lang: Language, code: &str) -> Vec<String> {
    let source = Source::new("t".into(), lang, code.into());
    let mut module = crate::lang::parse(&source);
    super::resolve(&mut module);
    let mut calls: Vec<_> = Vec::new();
    module.walk_exprs(&mut |e| {
        if let crate::ir::ExprKind::Call(c) = &e.kind {
            calls.push((
                e.span.start,
                c.qualified.as_deref().unwrap_or("?").to_string(),
            ));
        }
    });
    calls.sort();
    calls.into_iter().map(|(_, q)| q).collect()
}

#[test]
fn python_imports_aliases_and_assignments() {
    let q = qualified(
            Language::Python,
            "import torch as t\nfrom openai import OpenAI as O\nimport os.path\n\
             client = O(timeout=5)\nclient.chat.completions.create(model='m')\nt.load('x')\nos.path.join('a')\n",
        );
    assert_eq!(
        q,
        [
            "openai.OpenAI",
            "openai.OpenAI().chat.completions.create",
            "torch.load",
            "os.path.join"
        ]
    );
}

#[test]
fn python_self_fields_annotations_and_later_module_bindings() {
    let q = qualified(
        Language::Python,
        "from openai import OpenAI\n\
             class Bot:\n    def __init__(self):\n        self.llm = OpenAI()\n\
             \n    def ask(self, q):\n        return self.llm.responses.create(input=q)\n\
             def helper(c: OpenAI):\n    c.models.list()\n    return MODEL.strip()\n\
             MODEL = OpenAI().x\n",
    );
    assert_eq!(
        q,
        [
            "openai.OpenAI",
            "openai.OpenAI().responses.create",
            "openai.OpenAI().models.list",
            "openai.OpenAI().x.strip",
            "openai.OpenAI"
        ]
    );
}

#[test]
fn reassignment_replaces_the_binding_and_params_shadow() {
    let q = qualified(
        Language::Python,
        "import pickle\nloader = pickle\nloader.load(f)\nloader = other()\nloader.load(f)\n\
             def f(pickle):\n    pickle.load(x)\n",
    );
    assert_eq!(q, ["pickle.load", "other", "other().load", "pickle.load"]);
}

#[test]
fn closures_see_their_enclosing_function() {
    let q = qualified(
            Language::Python,
            "import subprocess as sp\ndef outer():\n    run = sp.run\n    def inner():\n        run('ls')\n    return inner\n",
        );
    assert_eq!(q, ["subprocess.run"]);
}

#[test]
fn rust_path_types_name_their_crate_without_a_use() {
    let q = qualified(
        Language::Rust,
        "struct S { http: reqwest::Client, own: Local }\n\
             impl S { fn f(&self, c: &tokio_postgres::Client, l: Local) {\n\
             self.http.get(u); c.query(q); l.run(x); self.own.run(x); } }\n",
    );
    assert_eq!(
        q,
        [
            "reqwest.Client().get",
            "tokio_postgres.Client().query",
            "l.run",
            "S.own.run"
        ]
    );
}

#[test]
fn typescript_imports_require_and_this_fields() {
    let q = qualified(
            Language::TypeScript,
            "import OpenAI from 'openai';\nconst { exec } = require('node:child_process');\nconst cp = require('child_process');\n\
             class Bot { client = new OpenAI(); ask(q: string) { return this.client.chat.completions.create({}); } }\n\
             exec('ls'); cp.spawn('ls');\n",
        );
    assert_eq!(
        q,
        [
            "require",
            "require",
            "openai",
            "openai().chat.completions.create",
            "child_process.exec",
            "child_process.spawn"
        ]
    );
}

/// The alternatives of every call that has several, in source order.
fn alternatives(lang: Language, code: &str) -> Vec<Vec<String>> {
    let source = Source::new("t".into(), lang, code.into());
    let mut module = crate::lang::parse(&source);
    super::resolve(&mut module);
    let mut all: Vec<_> = module
        .alternatives
        .iter()
        .map(|(span, qs)| (span.start, qs.iter().map(|q| q.to_string()).collect()))
        .collect();
    all.sort();
    all.into_iter().map(|(_, qs)| qs).collect()
}

#[test]
fn a_dict_of_classes_an_if_chain_and_a_factory_of_several_are_each_class() {
    let code = "from x import Remote\nclass A:\n    pass\nclass B:\n    pass\n\
                P = {'a': A, 'r': Remote}\n\
                def make(k):\n    if k:\n        return A()\n    return B()\n\
                def f(k):\n    P[k]().chat(1)\n    P['r']().chat(2)\n    make(k).run(3)\n\
                \x20   if k == 1:\n        c = A()\n    elif k == 2:\n        c = B()\n    c.go(4)\n\
                \x20   d = B()\n    d.go(5)\n";
    assert_eq!(
        alternatives(Language::Python, code),
        [
            vec!["A().chat", "x.Remote().chat"],
            vec!["A().run", "B().run"],
            vec!["A().go", "B().go"],
        ]
    );
    // A constant key picks its entry; `Call::qualified` is the first alternative.
    let q = qualified(Language::Python, code);
    assert!(q.contains(&"x.Remote().chat".to_string()), "{q:?}");
    assert!(q.contains(&"B().go".to_string()), "{q:?}");
}

#[test]
fn typescript_objects_of_classes_and_branches() {
    let code = "class A { go(x) {} }\nclass B { go(x) {} }\nconst P = { a: A, b: B };\n\
                function f(k) {\n  new P[k]().go(1);\n  let c;\n  if (k) { c = new A(); } else { c = new B(); }\n  c.go(2);\n}\n";
    assert_eq!(
        alternatives(Language::TypeScript, code),
        [vec!["A().go", "B().go"], vec!["A().go", "B().go"]]
    );
}

#[test]
fn a_name_each_case_of_a_switch_or_match_binds_is_any_of_them() {
    let ts = "class A { go(x) {} }\nclass B { go(x) {} }\n\
              function f(k) {\n  let c;\n  switch (k) {\n    case 1: c = new A(); break;\n    default: c = new B();\n  }\n  c.go(1);\n}\n";
    assert_eq!(
        alternatives(Language::TypeScript, ts),
        [vec!["A().go", "B().go"]]
    );
    let py = "class A:\n    pass\nclass B:\n    pass\n\
              def f(k):\n    match k:\n        case 1:\n            c = A()\n        case _:\n            c = B()\n    c.go(1)\n";
    assert_eq!(
        alternatives(Language::Python, py),
        [vec!["A().go", "B().go"]]
    );
}

#[test]
fn a_parameter_typed_by_a_class_of_the_file_is_an_instance_of_it() {
    let q = qualified(
        Language::Python,
        "class Runner:\n    def run(self, c):\n        pass\ndef f(r: Runner):\n    r.run(1)\n",
    );
    assert_eq!(q, ["Runner().run"]);
}

#[test]
fn a_name_bound_to_either_branch_of_a_conditional_is_either() {
    let py = "from app.chat import stream_qa, stream_pro\n\
              def f(req, pro):\n    fn = stream_pro if pro else stream_qa\n    fn(req)\n    g = req or stream_qa\n    g(req)\n";
    assert_eq!(
        alternatives(Language::Python, py),
        [vec!["app.chat.stream_pro", "app.chat.stream_qa"]]
    );
    let ts = "import { streamQa, streamPro } from './chat';\n\
              function f(req, pro) {\n  const fn = pro ? streamPro : streamQa;\n  fn(req);\n}\n";
    assert_eq!(
        alternatives(Language::TypeScript, ts),
        [vec!["./chat.streamPro", "./chat.streamQa"]]
    );
}

#[test]
fn factories_returning_a_variable_or_a_registry_entry_and_arrow_factories() {
    let py = "class A:\n    pass\nclass B:\n    pass\nR = {'a': A, 'b': B}\n\
              def make(k):\n    llm = A() if k else B()\n    return llm\n\
              def pick(k):\n    cls = R[k]\n    return cls()\n\
              def unknown(k):\n    llm = A() if k else load(k)\n    return llm\n\
              def f(k):\n    make(k).go(1)\n    pick(k).go(2)\n    unknown(k).go(3)\n";
    assert_eq!(
        alternatives(Language::Python, py),
        [vec!["A().go", "B().go"], vec!["A().go", "B().go"]]
    );
    let ts = "class A { go(x) {} }\nclass B { go(x) {} }\n\
              const make = (k: string) => { switch (k) { case 'a': return new A(); default: return new B(); } };\n\
              const pick = (k: string) => (k ? new A() : new B());\n\
              function f(k: string) {\n  make(k).go(1);\n  pick(k).go(2);\n}\n";
    assert_eq!(
        alternatives(Language::TypeScript, ts),
        [vec!["A().go", "B().go"], vec!["A().go", "B().go"]]
    );
}

#[test]
fn typescript_declared_field_types_win_over_unknown_assignments() {
    let q = qualified(
        Language::TypeScript,
        "import { Neo4jGraph } from \"@langchain/community/graphs/neo4j_graph\";\n\
         import { LLMChain } from \"langchain/chains\";\n\
         class Chain {\n  private graph: Neo4jGraph;\n  private writer: LLMChain;\n  \
         constructor(props: Props, private other: Neo4jGraph) {\n    this.graph = props.graph;\n    \
         this.writer = new LLMChain({});\n  }\n  \
         run(q: string) {\n    this.graph.query(q);\n    this.writer.call(q);\n    this.other.query(q);\n  }\n}\n",
    );
    assert_eq!(
        q,
        [
            "langchain/chains.LLMChain",
            "@langchain/community/graphs/neo4j_graph.Neo4jGraph().query",
            "langchain/chains.LLMChain().call",
            "@langchain/community/graphs/neo4j_graph.Neo4jGraph().query"
        ]
    );
}

#[test]
fn a_module_name_bound_to_a_factorys_result_is_what_it_makes() {
    // farfalle's shape: the app is made by a factory defined before or after the binding.
    let q = qualified(
        Language::Python,
        "from fastapi import FastAPI\ndef create_app():\n    app = FastAPI()\n    return app\n\
         app = create_app()\n@app.post('/chat')\ndef chat(q):\n    pass\n",
    );
    assert!(q.contains(&"fastapi.FastAPI().post".to_string()), "{q:?}");
}
