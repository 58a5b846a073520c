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
