use super::*;

fn run(packs: &[(&'static str, &str)]) -> Result<Vec<(&'static str, Table)>, String> {
    let mut parsed: Vec<(&str, Table)> = packs
        .iter()
        .map(|(f, t)| (*f, toml::from_str(t).expect("test pack parses")))
        .collect();
    expand(&mut parsed)?;
    Ok(parsed)
}

fn calls(t: &Table, table: &str, i: usize) -> Vec<String> {
    t[table].as_array().unwrap()[i]["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

const SETS: &str = r#"
[[call_set]]
name = "a-chat"
summary = "two calls"
calls = ["a*chat", "a*chat_async"]
"#;

#[test]
fn expands_in_place_across_packs() {
    let out = run(&[
        ("sdks.toml", SETS),
        (
            "use.toml",
            r#"
[[source]]
kind = "x"
calls = ["first", { set = "a-chat" }, "last"]
"#,
        ),
    ])
    .unwrap();
    assert!(!out[0].1.contains_key("call_set"));
    assert_eq!(
        calls(&out[1].1, "source", 0),
        ["first", "a*chat", "a*chat_async", "last"]
    );
}

#[test]
fn nested_sets_expand_and_set_true_is_not_a_reference() {
    let text = format!(
        "{SETS}\n[[call_set]]\nname = \"all-chat\"\ncalls = [\"b*chat\", {{ set = \"a-chat\" }}]\n\
             [[pattern]]\ncalls = [{{ set = \"all-chat\" }}, \"c\"]\n\
             unless_uses = [{{ arg = \"timeout\", set = true }}]\n"
    );
    let out = run(&[("p.toml", &text)]).unwrap();
    assert_eq!(
        calls(&out[0].1, "pattern", 0),
        ["b*chat", "a*chat", "a*chat_async", "c"]
    );
    let unless = &out[0].1["pattern"][0]["unless_uses"][0];
    assert_eq!(unless["set"].as_bool(), Some(true));
}

#[test]
fn a_cycle_is_an_error() {
    let text = r#"
[[call_set]]
name = "x"
calls = [{ set = "y" }]
[[call_set]]
name = "y"
calls = ["g", { set = "x" }]
[[sink.calls]]
calls = [{ set = "x" }]
"#;
    let err = run(&[("p.toml", text)]).unwrap_err();
    assert!(err.contains("cycle") && err.contains("p.toml"), "{err}");
}

#[test]
fn an_unknown_name_is_an_error() {
    let err = run(&[
        ("s.toml", SETS),
        (
            "p.toml",
            "[[sink.calls]]\ncalls = [{ set = \"a-chat\" }, { set = \"nope\" }]\n",
        ),
    ])
    .unwrap_err();
    assert!(err.contains("p.toml") && err.contains("\"nope\""), "{err}");
    let err = run(&[(
        "s.toml",
        "[[call_set]]\nname = \"x\"\ncalls = [{ set = \"z\" }]\n",
    )])
    .unwrap_err();
    assert!(err.contains("unknown call-set \"z\""), "{err}");
}

#[test]
fn an_unused_set_is_an_error() {
    let err = run(&[
        ("s.toml", SETS),
        ("p.toml", "[[sink.calls]]\ncalls = [\"a\"]\n"),
    ])
    .unwrap_err();
    assert!(
        err.contains("s.toml") && err.contains("never referenced"),
        "{err}"
    );
}

#[test]
fn a_reference_with_other_keys_is_an_error() {
    let err = run(&[
        ("s.toml", SETS),
        (
            "p.toml",
            "[[sink.calls]]\ncalls = [{ set = \"a-chat\", arg = 0 }]\n",
        ),
    ])
    .unwrap_err();
    assert!(
        err.contains("p.toml") && err.contains("no other keys"),
        "{err}"
    );
}

#[test]
fn bad_declarations_are_errors() {
    for (text, want) in [
        (
            "[[call_set]]\nname = \"Bad_Name\"\ncalls = []\n",
            "kebab-case",
        ),
        ("[[call_set]]\nname = \"x\"\n", "needs a `calls` list"),
        (
            "[[call_set]]\nname = \"x\"\ncalls = [1]\n",
            "neither a glob",
        ),
        (
            "[[call_set]]\nname = \"x\"\ncalls = []\nother = 1\n",
            "unknown key",
        ),
    ] {
        let err = run(&[("s.toml", text)]).unwrap_err();
        assert!(err.contains(want) && err.contains("s.toml"), "{err}");
    }
    let twice = run(&[("a.toml", SETS), ("b.toml", SETS)]).unwrap_err();
    assert!(twice.contains("also declared"), "{twice}");
}

#[test]
fn condition_sets_expand_in_place_also_inside_any() {
    let text = r#"
[[condition_set]]
name = "urls"
conditions = [{ arg = "url", text_matches = "a" }, { arg = "url", text_matches = "b" }]
[[condition_set]]
name = "call"
conditions = [{ arg = "json", present = true }, { any = [{ conditions = "urls" }] }]
[[source]]
kind = "x"
calls = ["post"]
when = [{ conditions = "call" }]
"#;
    let out = run(&[("p.toml", text)]).unwrap();
    assert!(!out[0].1.contains_key("condition_set"));
    let when = out[0].1["source"][0]["when"].as_array().unwrap();
    assert_eq!(when.len(), 2);
    assert_eq!(when[0]["arg"].as_str(), Some("json"));
    let any = when[1]["any"].as_array().unwrap();
    assert_eq!(any.len(), 2);
    assert_eq!(any[1]["text_matches"].as_str(), Some("b"));
}

#[test]
fn condition_set_errors_name_the_pack() {
    let unknown = "[[source]]\nwhen = [{ conditions = \"nope\" }]\n";
    let err = run(&[("p.toml", unknown)]).unwrap_err();
    assert!(err.contains("p.toml") && err.contains("nope"), "{err}");
    let unused =
        "[[condition_set]]\nname = \"lonely\"\nconditions = [{ arg = \"a\", present = true }]\n";
    let err = run(&[("q.toml", unused)]).unwrap_err();
    assert!(
        err.contains("q.toml") && err.contains("never referenced"),
        "{err}"
    );
    let not_condition = "[[condition_set]]\nname = \"s\"\nconditions = [\"glob\"]\n[[source]]\nwhen = [{ conditions = \"s\" }]\n";
    let err = run(&[("r.toml", not_condition)]).unwrap_err();
    assert!(err.contains("neither a condition"), "{err}");
}
