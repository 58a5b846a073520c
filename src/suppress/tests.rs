use super::*;
use crate::finding::{Confidence, FileRole, Location, Severity};
use crate::source::Language;
use crate::source::{CellLine, Notebook};

fn source(language: Language, text: &str) -> Source {
    Source::new("t".into(), language, text.into())
}

/// A finding of `rule` on the first occurrence of `needle`.
fn finding(src: &Source, rule: &'static str, needle: &str) -> Finding {
    let start = src.text.find(needle).expect("needle in text");
    let (line, col) = src.line_col(start);
    Finding {
        rule_id: rule,
        rule_name: "",
        severity: Severity::High,
        confidence: Confidence::High,
        message: String::new(),
        location: Location {
            path: src.display_path.clone(),
            line,
            col,
            end_line: line,
            end_col: col + 1,
            start_byte: start,
            end_byte: start + needle.len(),
            cell: None,
            cell_line: None,
            cell_col: None,
        },
        flow: Vec::new(),
        fingerprint: String::new(),
        fixable: false,
        snippet: String::new(),
        snippet_line: line,
        role: FileRole::Production,
        suppressed: None,
        edit: None,
    }
}

fn py(text: &str) -> Source {
    source(Language::Python, text)
}

/// Rule ids kept and suppressed.
fn run(src: &Source, stmts: &[(u32, u32)], fs: Vec<Finding>) -> (Vec<u32>, Vec<u32>) {
    let a = apply(src, || stmts.to_vec(), fs, false);
    let lines = |v: &[Finding]| v.iter().map(|f| f.location.line).collect();
    (lines(&a.kept), lines(&a.suppressed))
}

#[test]
fn trailing_comment_covers_its_line() {
    let src =
        py("a = torch.load(p)  # aiguard: ignore[AIG601] our own checkpoint\nb = torch.load(q)\n");
    let fs = vec![
        finding(&src, "AIG601", "torch"),
        finding(&src, "AIG601", "torch.load(q)"),
    ];
    let a = apply(&src, Vec::new, fs, false);
    assert_eq!(a.kept.len(), 1);
    assert_eq!(a.kept[0].location.line, 2);
    let s = a.suppressed[0].suppressed.as_ref().expect("marked");
    assert_eq!(s.kind, "inSource");
    assert_eq!(s.justification, "our own checkpoint");
}

#[test]
fn own_line_comment_covers_next_code_line() {
    let src =
        py("# aiguard: ignore[AIG601] ok\n# aiguard: ignore[AIG602] ok too\nm = f()\nn = f()\n");
    let fs = vec![
        finding(&src, "AIG601", "m ="),
        finding(&src, "AIG602", "m ="),
        finding(&src, "AIG601", "n ="),
    ];
    assert_eq!(run(&src, &[], fs), (vec![4], vec![3, 3]));
}

#[test]
fn other_rule_is_not_suppressed() {
    let src = py("m = f()  # aiguard: ignore[AIG602] why\n");
    let fs = vec![finding(&src, "AIG601", "m")];
    assert_eq!(run(&src, &[], fs), (vec![1], vec![]));
}

#[test]
fn multi_line_statement_is_covered_from_any_line() {
    let src = py("m = load(\n    path,\n    trust_remote_code=True,\n)  # aiguard: ignore[AIG602] vetted\nx = load(\n    trust_remote_code=True)\n");
    let fs = vec![
        finding(&src, "AIG602", "trust_remote_code"),
        finding(&src, "AIG602", "trust_remote_code=True)"),
    ];
    // Statements: 1-4 and 5-6; only the first has a suppression.
    assert_eq!(run(&src, &[(1, 4), (5, 6)], fs), (vec![6], vec![3]));
}

#[test]
fn comment_before_multi_line_statement_covers_it() {
    let src = py("def f():\n    # aiguard: ignore[AIG602] vetted\n    m = load(\n        trust_remote_code=True)\n    n = g(trust_remote_code=True)\n");
    let fs = vec![
        finding(&src, "AIG602", "trust_remote_code"),
        finding(&src, "AIG602", "g(trust"),
    ];
    // The function (1-5) contains both, but only the smallest statement counts.
    assert_eq!(run(&src, &[(1, 5), (3, 4)], fs.clone()), (vec![5], vec![4]));
    // Likewise when single-line statements are listed too.
    assert_eq!(run(&src, &[(1, 5), (3, 4), (5, 5)], fs), (vec![5], vec![4]));
}

#[test]
fn comment_in_a_body_does_not_reach_the_header() {
    let src = py(
        "if load(trust_remote_code=True):\n    x = 1  # aiguard: ignore[AIG602] no\n    y = 2\n",
    );
    let fs = vec![finding(&src, "AIG602", "trust")];
    assert_eq!(run(&src, &[(1, 3), (2, 2), (3, 3)], fs), (vec![1], vec![]));
}

#[test]
fn several_codes_and_names() {
    let src = py("m = f()  # aiguard: ignore[AIG601, trust-remote-code AIG603] reason\n");
    let fs = vec![
        finding(&src, "AIG601", "m"),
        finding(&src, "AIG602", "m"),
        finding(&src, "AIG603", "m"),
        finding(&src, "AIG605", "m"),
    ];
    let a = apply(&src, Vec::new, fs, true);
    assert_eq!(a.suppressed.len(), 3);
    assert_eq!(a.kept[0].rule_id, "AIG605");
    assert!(a.problems.is_empty(), "{:?}", a.problems);
}

#[test]
fn codes_are_exact_not_prefixes() {
    let src = py("m = f()  # aiguard: ignore[AIG60] reason\n");
    let a = apply(&src, Vec::new, vec![finding(&src, "AIG601", "m")], true);
    assert_eq!(a.kept.len(), 1);
    assert_eq!(a.problems.len(), 1);
    assert_eq!(a.problems[0].0, "AIG001");
    assert!(a.problems[0].2.contains("AIG60"), "{}", a.problems[0].2);
}

#[test]
fn bare_ignore_covers_every_rule_on_the_line() {
    let src = py("m = f()  # aiguard: ignore\nn = f()\n");
    let fs = vec![
        finding(&src, "AIG601", "m"),
        finding(&src, "AIG602", "m"),
        finding(&src, "AIG601", "n ="),
    ];
    let a = apply(&src, Vec::new, fs, true);
    assert_eq!((a.kept.len(), a.suppressed.len()), (1, 2));
    // Used, but reason-less.
    assert_eq!(a.problems.len(), 1);
    assert_eq!(a.problems[0].0, "AIG002");
}

#[test]
fn ignored_as_a_word_is_not_a_directive() {
    let src = py("m = f()  # aiguard: ignored here on purpose\n");
    assert_eq!(
        run(&src, &[], vec![finding(&src, "AIG601", "m")]),
        (vec![1], vec![])
    );
}

#[test]
fn file_ignore_covers_the_whole_file() {
    let src = py("import torch\n# aiguard: file-ignore[AIG601] fixtures of trusted models\na = torch.load(p)\n\n\nb = torch.load(q)\nc = g(trust_remote_code=True)\n");
    let fs = vec![
        finding(&src, "AIG601", "torch.load(p)"),
        finding(&src, "AIG601", "torch.load(q)"),
        finding(&src, "AIG602", "trust"),
    ];
    let a = apply(&src, Vec::new, fs, true);
    assert_eq!(a.suppressed.len(), 2);
    assert_eq!(a.kept.len(), 1);
    assert!(a.problems.is_empty(), "{:?}", a.problems);
}

#[test]
fn bare_file_ignore_suppresses_nothing() {
    let src = py("# aiguard: file-ignore everything\nm = f()\n");
    let a = apply(&src, Vec::new, vec![finding(&src, "AIG601", "m")], true);
    assert_eq!(a.kept.len(), 1);
    assert_eq!(a.problems.len(), 1);
    assert!(a.problems[0].2.contains("needs rule codes"));
}

#[test]
fn typescript_uses_slashes_only() {
    let ts = source(
            Language::TypeScript,
            "const a = f(); // aiguard: ignore[AIG601] fine\nconst b = f(); # aiguard: ignore[AIG601] fine\n",
        );
    let fs = vec![
        finding(&ts, "AIG601", "const a"),
        finding(&ts, "AIG601", "const b"),
    ];
    assert_eq!(run(&ts, &[], fs), (vec![2], vec![1]));
    let py_src = py("a = f()  // aiguard: ignore[AIG601] fine\n");
    assert_eq!(
        run(&py_src, &[], vec![finding(&py_src, "AIG601", "a")]),
        (vec![1], vec![])
    );
}

#[test]
fn directive_inside_a_string_is_not_a_comment() {
    let src = py("m = f(\"# aiguard: ignore[AIG601] x\")\nn = f('it''s # aiguard: ignore[AIG601] x')\no = f(\"#\")  # aiguard: ignore[AIG601] real\n");
    let fs = vec![
        finding(&src, "AIG601", "m"),
        finding(&src, "AIG601", "n ="),
        finding(&src, "AIG601", "o ="),
    ];
    assert_eq!(run(&src, &[], fs), (vec![1, 2], vec![3]));
    let ts = source(
        Language::JavaScript,
        "const u = `http://x // aiguard: ignore[AIG601] no`;\n",
    );
    assert_eq!(
        run(&ts, &[], vec![finding(&ts, "AIG601", "const")]),
        (vec![1], vec![])
    );
}

#[test]
fn strict_reports_unused_unknown_and_reasonless() {
    let src = py("a = 1  # aiguard: ignore[AIG601]\nb = 2  # aiguard: ignore[AIG601, nope] why\nc = f()  # aiguard: ignore[AIG602\n");
    let a = apply(&src, Vec::new, vec![finding(&src, "AIG601", "b")], true);
    let got: Vec<_> = a.problems.iter().map(|(id, l, _)| (*id, *l)).collect();
    assert_eq!(
        got,
        vec![("AIG001", 1), ("AIG002", 1), ("AIG001", 2), ("AIG001", 3)]
    );
    assert!(a.problems[0].2.contains("unused"));
    assert!(a.problems[2].2.contains("nope"));
    assert!(a.problems[3].2.contains("missing `]`"));
    // Not strict: no problems, same suppression.
    let b = apply(&src, Vec::new, vec![finding(&src, "AIG601", "b")], false);
    assert!(b.problems.is_empty());
    assert_eq!(b.suppressed.len(), 1);
}

#[test]
fn notebook_lines_come_from_the_joined_code() {
    let mut src = source(
        Language::Notebook,
        "import torch\n# aiguard: ignore[AIG601] trusted\nm = torch.load(p)\nn = torch.load(q)\n",
    );
    // Two cells: line 3 starts a new cell, so the comment on line 2 covers nothing.
    let cells = [(1, 1), (1, 2), (2, 1), (2, 2)];
    src.notebook = Some(Notebook {
        code: src.text.clone(),
        cell_of_line: cells
            .iter()
            .map(|&(cell, line)| CellLine { cell, line })
            .collect(),
        json_pos_of_line: Vec::new(),
    });
    let mut f = finding(&src, "AIG601", "torch.load(p)");
    f.location.line = 40; // a line of the .ipynb JSON
    f.location.cell_line = Some(1);
    let a = apply(&src, Vec::new, vec![f], true);
    assert_eq!(a.kept.len(), 1);
    assert_eq!(a.problems.len(), 1);

    // Same cell: the comment covers the next line, matched by byte offset, not JSON line.
    src.notebook = Some(Notebook {
        code: src.text.clone(),
        cell_of_line: [(1, 1), (2, 1), (2, 2), (2, 3)]
            .iter()
            .map(|&(cell, line)| CellLine { cell, line })
            .collect(),
        json_pos_of_line: Vec::new(),
    });
    let mut f = finding(&src, "AIG601", "torch.load(p)");
    f.location.line = 40;
    f.location.cell_line = Some(2);
    let a = apply(&src, Vec::new, vec![f], true);
    assert_eq!(a.suppressed.len(), 1);
    assert!(a.problems.is_empty());
}

#[test]
fn odd_input_does_not_panic() {
    for text in [
        "#",
        "# aiguard:",
        "x # aiguard: ignore[",
        "é # aiguard: ignore[é] é",
        "\"\\",
        "# aiguard: ignore\n",
    ] {
        let src = py(text);
        let _ = apply(
            &src,
            || vec![(0, u32::MAX)],
            vec![finding(&src, "AIG601", "")],
            true,
        );
    }
}
