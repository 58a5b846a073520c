#[test]
fn sink_tables_keep_the_pack_order_across_shapes() {
    use super::{RawSink, RawSinks, SinkOrder};
    #[derive(serde::Deserialize)]
    struct Pack {
        sink: RawSinks,
    }
    let text = r#"
[[sink.calls]]
kind = "a"
calls = ["eval"]

[[sink.keys]]
kind = "b"
keys = ["k"]

[[sink.calls]]
kind = "c"
calls = ["exec"]

[[sink.returns]]
kind = "d"
decorators = ["*.route"]
"#;
    // As the loader reads them: the tables from a parsed value, their places from the text.
    let value: toml::Table = toml::from_str(text).unwrap();
    let pack: Pack = toml::Value::Table(value).try_into().unwrap();
    let shapes: Vec<String> = pack
        .sink
        .in_order(&SinkOrder::of(text).unwrap())
        .into_iter()
        .map(|s| match s {
            RawSink::Calls(t) => t.calls[0].clone(),
            RawSink::Keys(t) => t.keys[0].clone(),
            RawSink::Returns(t) => t.decorators[0].clone(),
            _ => "?".to_string(),
        })
        .collect();
    assert_eq!(shapes, ["eval", "k", "exec", "*.route"]);
}

#[test]
fn a_sink_shape_rejects_the_keys_of_other_shapes() {
    use super::RawSinks;
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Pack {
        sink: RawSinks,
    }
    let err = |text: &str| toml::from_str::<Pack>(text).unwrap_err().to_string();
    let e = err("[[sink.calls]]\nkind = \"a\"\ncalls = [\"x\"]\nunless_constructor = true\n");
    assert!(e.contains("unknown field `unless_constructor`"), "{e}");
    let e = err("[[sink.keys]]\nkind = \"a\"\nkeys = [\"x\"]\ncalls = [\"y\"]\n");
    assert!(e.contains("unknown field `calls`"), "{e}");
    let e = err("[[sink.call]]\nkind = \"a\"\ncalls = [\"x\"]\n");
    assert!(e.contains("unknown field `call`"), "{e}");
    let e = err("[[sink.methods]]\nkind = \"a\"\nmethods = [\"invoke\"]\n");
    assert!(e.contains("missing field `receivers`"), "{e}");
}

#[test]
fn a_return_sink_names_decorators_or_handlers() {
    use super::{RawSinks, SinkOrder};
    use crate::spec::flow::{FlowSpec, RawFlowTables};
    #[derive(serde::Deserialize)]
    struct Pack {
        sink: RawSinks,
    }
    let compile = |text: &str| {
        let pack: Pack = toml::from_str(text).unwrap();
        let sinks = pack.sink.in_order(&SinkOrder::of(text).unwrap());
        let raw = RawFlowTables {
            sinks,
            ..Default::default()
        };
        FlowSpec::compile(raw, &[]).map(|_| ())
    };
    let head = "[[sink.returns]]\nkind = \"r\"\n";
    let e = compile(head).unwrap_err();
    assert!(e.contains("give one of `decorators` and `handlers`"), "{e}");
    let both = format!("{head}decorators = [\"*.route\"]\nhandlers = [\"tool\"]\n");
    assert!(compile(&both).is_err());
    let names = format!("{head}decorators = [\"*.route\"]\nunless_names = [\"fetch\"]\n");
    let e = compile(&names).unwrap_err();
    assert!(e.contains("`unless_names` needs `handlers`"), "{e}");
    let tools = format!("{head}handlers = [\"tool\"]\nunless_names = [\"fetch page\"]\n");
    assert_eq!(compile(&tools), Ok(()));
}

#[test]
fn a_name_sink_matches_the_last_words_of_a_name() {
    use super::SinkMatch;
    use crate::spec::names::name_words;
    let sink = SinkMatch::Names {
        heads: vec![name_words("system prompt"), name_words("instructions")],
        not_after: vec!["setup".to_string()],
    };
    let named = |n: &str| sink.names(&name_words(n));
    assert!(named("system_prompt"));
    assert!(named("SYSTEM_PROMPT"));
    assert!(named("agentSystemPrompt"));
    assert!(named("instructions"));
    assert!(!named("setup_instructions"));
    assert!(!named("system_prompt_tokens"));
    assert!(!named("prompt"));
}
