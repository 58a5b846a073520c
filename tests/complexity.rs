//! Hostile shapes under the default size limit: one file must not stall a scan. Each test builds
//! its input in memory and fails when the scan takes longer than a bound far above what the
//! linear analysis needs (in a debug build) and far below what the quadratic or exponential
//! behaviour it guards against took. A scan past its bound is abandoned, not waited for.

use aiguard::config::select_rules;
use aiguard::discover::WalkOptions;
use aiguard::scan::{self, ScanOptions};
use aiguard::spec::registry::Registry;
use std::sync::mpsc;
use std::time::Duration;

/// Generous: a loaded 2-core machine must not make a linear scan fail.
const BOUND: Duration = Duration::from_secs(10);

const PY_HEAD: &str = "import subprocess\nfrom openai import OpenAI\nclient = OpenAI()\n\
r = client.chat.completions.create(model=\"gpt-4o\", messages=[])\n\
c = r.choices[0].message.content\n";

const TS_HEAD: &str = "import OpenAI from \"openai\";\nconst client = new OpenAI();\n\
const r = await client.chat.completions.create({ model: \"gpt-4o\", messages: [] });\n\
const c = r.choices[0].message.content;\n";

const RS_HEAD: &str = "use async_openai::{types::CreateChatCompletionRequestArgs, Client};\n\
use std::process::Command;\n\
async fn ask() -> Result<(), Box<dyn std::error::Error>> {\n\
    let client = Client::new();\n\
    let request = CreateChatCompletionRequestArgs::default().model(\"gpt-4o\").build()?;\n\
    let response = client.chat().create(request).await?;\n\
    let c = response.choices[0].message.content.clone().unwrap_or_default();\n";

/// Scan `text` as a file called `name` with the default rules; the number of findings (and
/// suppressed ones). Panics when the scan is not done within [`BOUND`].
fn scan_within(name: &str, text: String) -> (usize, usize) {
    assert!(text.len() < 1 << 20, "{name}: over the default size limit");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    let registry = Registry::builtin();
    let opts = ScanOptions {
        walk: Some(WalkOptions {
            paths: vec![path],
            exclude: Vec::new(),
            force_exclude: false,
            max_filesize: 1 << 20,
            threads: 1,
            respect_ignore_files: false,
        }),
        enabled: select_rules(registry, None, &[], &[]).expect("default rules"),
        threads: 1,
        ..ScanOptions::default()
    };
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let result = scan::scan(&opts, registry);
        let _ = tx.send((result.findings.len(), result.suppressed.len()));
    });
    match rx.recv_timeout(BOUND) {
        Ok(counts) => counts,
        Err(_) => panic!("{name}: scan not done in {BOUND:?}"),
    }
}

fn repeat(n: usize, f: impl Fn(usize) -> String) -> String {
    (0..n).map(f).collect()
}

/// `x = c + c + ... + c`: each operand looked at every other one.
#[test]
fn long_operator_chains() {
    let plus = format!("x = {}\neval(x)\n", vec!["c"; 30_000].join(" + "));
    assert!(scan_within("plus.py", format!("{PY_HEAD}{plus}")).0 > 0);
    let cmp = format!("x = {}\n", vec!["c"; 30_000].join(" < "));
    scan_within("compare.py", format!("{PY_HEAD}{cmp}"));
}

/// Many names in scope and many branches: each `if` (and `try`, loop, `match`) copied the whole
/// scope.
#[test]
fn many_names_and_ifs() {
    let n = 5_000;
    let py = format!(
        "{PY_HEAD}def f(p):\n{}{}    eval(v1)\n    return p\nf(c)\n",
        repeat(n, |i| format!("    v{i} = p\n")),
        repeat(n, |i| format!("    if v{i} == 'a':\n        v{i} = c\n")),
    );
    assert!(scan_within("ifs.py", py).0 > 0);
}

#[test]
fn many_names_and_trys() {
    let n = 4_000;
    let py = format!(
        "{PY_HEAD}{}{}eval(v1)\n",
        repeat(n, |i| format!("v{i} = c\n")),
        repeat(n, |i| format!("try:\n    v{i} = c\nexcept E:\n    pass\n")),
    );
    assert!(scan_within("try.py", py).0 > 0);
}

#[test]
fn many_names_and_ifs_typescript() {
    let n = 6_000;
    let ts = format!(
        "{TS_HEAD}{}{}eval(v1);\n",
        repeat(n, |i| format!("let v{i} = c;\n")),
        repeat(n, |i| format!("if (v{i} === 'a') {{ v{i} = c; }}\n")),
    );
    assert!(scan_within("ifs.ts", ts).0 > 0);
}

#[test]
fn many_names_and_ifs_rust() {
    let n = 3_000;
    let rs = format!(
        "{RS_HEAD}{}{}    Command::new(&v1).spawn()?;\n    Ok(())\n}}\n",
        repeat(n, |i| format!("    let mut v{i} = c.clone();\n")),
        repeat(n, |i| format!(
            "    if v{i} == \"a\" {{ v{i} = c.clone(); }}\n"
        )),
    );
    assert!(scan_within("ifs.rs", rs).0 > 0);
}

/// Many lambdas in a function with many names: each captured the whole scope.
#[test]
fn many_closures_in_a_wide_scope() {
    let n = 4_000;
    let py = format!(
        "{PY_HEAD}def f(p):\n{}{}    return p\nf(c)\n",
        repeat(n, |i| format!("    v{i} = p\n")),
        repeat(n, |i| format!("    k{i} = lambda: eval(v{i})\n")),
    );
    assert!(scan_within("lambdas.py", py).0 > 0);
}

/// Loops nested 30 deep: each loop's body ran twice, 2^30 times in all.
#[test]
fn deeply_nested_loops() {
    let py = format!(
        "{PY_HEAD}x = c\n{}{}x = x + c\neval(x)\n",
        repeat(30, |i| format!("{}for i in y:\n", "    ".repeat(i))),
        "    ".repeat(30),
    );
    assert!(scan_within("loops.py", py).0 > 0);
    let ts = format!(
        "{TS_HEAD}let x = c;\n{}x = x + c;\n{}eval(x);\n",
        "for (const i of y) {\n".repeat(30),
        "}\n".repeat(30),
    );
    assert!(scan_within("loops.ts", ts).0 > 0);
}

/// A function with thousands of sinks of its parameter, called thousands of times: each call
/// copied and re-applied all of them.
#[test]
fn many_calls_of_a_function_with_many_sinks() {
    let n = 3_000;
    let py = format!(
        "{PY_HEAD}def f(p):\n{}    return p\n{}",
        "    eval(p)\n".repeat(n),
        "f(c)\n".repeat(n),
    );
    assert!(scan_within("sinks.py", py).0 > 0);
}

/// Thousands of suppressed findings: each looked at every statement and comment.
#[test]
fn many_suppressed_findings() {
    let py = format!(
        "{PY_HEAD}{}",
        "eval(c)  # aiguard: ignore[AIG301]\n".repeat(10_000)
    );
    let (findings, suppressed) = scan_within("suppressed.py", py);
    assert!(findings < suppressed && suppressed >= 10_000);
}

/// Findings far along one long line, each with a path of steps on it: each column was counted
/// from the line's start.
#[test]
fn findings_on_a_long_line() {
    let steps = repeat(10, |i| format!("c{} = c{i}; ", i + 1));
    let py = format!(
        "{PY_HEAD}c0 = c; x = \"{}\"; {steps}{}\n",
        "a".repeat(900_000),
        "eval(c10); ".repeat(8_000)
    );
    assert!(scan_within("long_line.py", py).0 >= 8_000);
}

/// Code repeated: thousands of clients, calls and imports in one file. Each client looked at
/// every call for the uses it allows, and each assignment and call at every import.
#[test]
fn many_clients_calls_and_imports() {
    let block = "from openai import OpenAI\nimport os\nclient = OpenAI()\n\
        r = client.chat.completions.create(model=\"gpt-4o\", messages=[])\n\
        os.environ[\"X\"] = \"1\"\n";
    assert!(scan_within("clients.py", block.repeat(6_000)).0 > 0);
}
