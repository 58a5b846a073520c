use super::last_segment;

#[test]
fn last_segments() {
    assert_eq!(
        last_segment("openai.OpenAI().chat.completions.create"),
        "create"
    );
    assert_eq!(last_segment("langchain_openai.ChatOpenAI"), "ChatOpenAI");
    assert_eq!(last_segment("openai.OpenAI()"), "OpenAI");
    assert_eq!(last_segment("eval"), "eval");
    assert_eq!(last_segment("*.query"), "query");
    assert_eq!(last_segment("langchain.*"), "*");
}

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
fn identifiers_split_into_lowercase_words() {
    use super::name_words;
    assert_eq!(name_words("OPENAI_API_KEY"), ["openai", "api", "key"]);
    assert_eq!(name_words("openaiApiKey"), ["openai", "api", "key"]);
    assert_eq!(name_words("APIKey"), ["api", "key"]);
    assert_eq!(name_words("NextToken"), ["next", "token"]);
    assert_eq!(name_words("x-api-key"), ["x", "api", "key"]);
    assert_eq!(name_words("token2"), ["token2"]);
    assert_eq!(name_words("__password__"), ["password"]);
}

#[test]
fn a_name_is_its_head_noun() {
    use super::{name_words, NameKind};
    let kind = |heads: &[&str], after: &[&str], not_after: &[&str], modifier| NameKind {
        kind: 0,
        label: String::new(),
        heads: heads.iter().map(|h| name_words(h)).collect(),
        after: after.iter().map(|s| s.to_string()).collect(),
        not_after: not_after.iter().map(|s| s.to_string()).collect(),
        modifier,
    };
    let m = |k: &NameKind, n: &str| k.matches(&name_words(n));
    let password = kind(&["password"], &[], &["hashed"], false);
    assert!(m(&password, "password"));
    assert!(m(&password, "DB_PASSWORD"));
    assert!(!m(&password, "password_policy"));
    assert!(!m(&password, "hashed_password"));
    let token = kind(&["token"], &[], &["next", "max"], true);
    assert!(m(&token, "accessToken"));
    assert!(!m(&token, "token"));
    assert!(!m(&token, "NextToken"));
    assert!(!m(&token, "max_tokens"));
    assert!(!m(&token, "token_count"));
    let key = kind(&["key"], &["api", "secret"], &[], false);
    assert!(m(&key, "OPENAI_API_KEY"));
    assert!(!m(&key, "key"));
    assert!(!m(&key, "cache_key"));
    let dob = kind(&["date_of_birth"], &[], &[], false);
    assert!(m(&dob, "user.dateOfBirth".rsplit('.').next().unwrap()));
    assert!(!m(&dob, "birth"));
}
