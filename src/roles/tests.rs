use super::*;
use crate::source::Language;
use crate::spec::registry::Registry;

fn role(path: &str, code: &str) -> FileRole {
    let source = Source::new(
        path.into(),
        Language::from_path(std::path::Path::new(path)),
        code.into(),
    );
    let module = crate::lang::parse(&source);
    classify(path, &source, &module, &Registry::builtin().roles)
}

const PYTEST: &str = "import pytest\n\ndef test_chat():\n    assert True\n";
const JEST: &str =
    "import { chat } from './chat';\ndescribe('chat', () => { it('answers', () => {}); });\n";
const MAIN: &str =
    "import sys\n\ndef main():\n    pass\n\nif __name__ == \"__main__\":\n    main()\n";
const PLAIN: &str = "def answer(q):\n    return q\n";

#[test]
fn paths_and_code_give_roles() {
    use FileRole::*;
    let table: &[(&str, &str, FileRole)] = &[
        // By directory, at any depth.
        ("tests/chat.py", PLAIN, Test),
        ("crates/app/tests/it.rs", "fn it() {}", Test),
        ("pkg/test/helpers.py", PLAIN, Test),
        ("src/__tests__/chat.ts", "export const x = 1;", Test),
        ("tests/unit_tests/tools/x.py", PLAIN, Test),
        ("libs/ktem/ktem_tests/x.py", PLAIN, Test),
        ("web/e2e/chat.ts", "export const x = 1;", Test),
        // By name.
        ("conftest.py", PLAIN, Test),
        ("src/chat.test.ts", "export const x = 1;", Test),
        ("src/chat.spec.js", "export const x = 1;", Test),
        ("test_chat.py", PYTEST, Test),
        ("app/chat_test.py", "def test_chat():\n    pass\n", Test),
        // By what the code does.
        ("app/checks.py", PYTEST, Test),
        ("src/chat-check.ts", JEST, Test),
        // Benchmarks, examples, docs, scripts.
        ("gpt_engineer/benchmark/load.py", PLAIN, Benchmark),
        ("benches/chat.rs", "fn main() {}", Benchmark),
        ("evals/run.py", PLAIN, Benchmark),
        ("backend/openui/eval/evaluate.py", MAIN, Benchmark),
        ("examples/chat.py", PLAIN, Example),
        ("src/vanna/examples/x.py", PLAIN, Example),
        ("docs/quickstart.py", PLAIN, Docs),
        ("documentation/docs/x.ts", "export const x = 1;", Docs),
        ("cookbook/rag/app.py", PLAIN, Docs),
        ("notebooks/intro.ipynb", "", Docs),
        ("scripts/release.py", MAIN, Script),
        (
            "scripts/build.sh.py",
            "#!/usr/bin/env python3\nprint(1)\n",
            Script,
        ),
        // Production look-alikes.
        ("src/main.rs", "fn main() {}", Production),
        ("src/testing_utils.py", PLAIN, Production),
        ("app/contest.py", PLAIN, Production),
        ("app/routes/evals.py", PLAIN, Production),
        ("quizsvc/eval/grader.py", PLAIN, Production),
        ("src/evaluator/score.py", PLAIN, Production),
        ("src/latest.ts", "export const x = 1;", Production),
        ("attestation/main.py", PLAIN, Production),
        // A tool that writes tests, named like one.
        ("superagi/tools/code/write_test.py", PLAIN, Production),
        // `unittest.mock` in application code, no tests.
        (
            "app/fakes.py",
            "from unittest.mock import MagicMock\n",
            Production,
        ),
        // `regex.test(s)` is no test suite.
        (
            "src/valid.ts",
            "const ok = /a/.test(s);\nif (/b/.test(s)) {}\n",
            Production,
        ),
        // A package's own docs module, an agent's tools, a package's command.
        ("interpreter/core/computer/docs/docs.py", PLAIN, Production),
        ("superagi/tools/search.py", MAIN, Production),
        ("bin/cli.py", MAIN, Production),
        // A library module in scripts/ that is not a program.
        ("scripts/helpers.py", PLAIN, Production),
        ("app/notebooks/report.py", PLAIN, Production),
    ];
    let wrong: Vec<String> = table
        .iter()
        .filter_map(|&(path, code, want)| {
            let got = role(path, code);
            (got != want).then(|| format!("{path}: {got:?}, want {want:?}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn test_spans_of_production_files_are_test_code() {
    let source = Source::new(
        "src/lib.rs".into(),
        Language::Rust,
        "fn a() {}\n#[cfg(test)]\nmod tests {\n    fn b() {}\n}\n".into(),
    );
    let module = crate::lang::parse(&source);
    let b = source.text.find("fn b").unwrap();
    let a = source.text.find("fn a").unwrap();
    let at = |i: usize| role_at(FileRole::Production, &module, Span::new(i, i + 4));
    assert_eq!(at(b), FileRole::Test);
    assert_eq!(at(a), FileRole::Production);
    // In an example, test spans stay example code.
    let in_example = role_at(FileRole::Example, &module, Span::new(b, b + 4));
    assert_eq!(in_example, FileRole::Example);
}
