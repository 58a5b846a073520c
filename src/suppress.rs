//! Inline suppressions: `# aiguard: ignore[AIG601] reason` (`//` in TS/JS/Rust), on the finding's
//! line, the line before, or any line of a multi-line statement; and
//! `aiguard: file-ignore[AIG601] reason` for a whole file.
//!
//! A directive is read only in a comment: after the language's comment prefix, outside string
//! literals on that line (a cheap quote-state scan; a directive inside a multi-line string can
//! still be read). Codes are exact: `ignore[AIG60]` names no rule and suppresses nothing.

use crate::finding::{Finding, Suppressed};
use crate::source::{Language, Source};
use crate::spec::registry::Registry;
use std::collections::HashMap;

/// What applying suppressions to one file's findings gave.
#[derive(Debug, Default)]
pub struct Applied {
    pub kept: Vec<Finding>,
    pub suppressed: Vec<Finding>,
    /// Under `--strict`: unused and reason-less suppressions, as (rule id, line, message).
    pub problems: Vec<(&'static str, u32, String)>,
}

/// One code inside `ignore[...]`.
#[derive(Debug)]
struct Code<'a> {
    text: &'a str,
    /// The rule it names, `None` when it names none.
    rule: Option<&'static str>,
    used: bool,
}

/// One suppression comment.
#[derive(Debug)]
struct Directive<'a> {
    /// 1-based line of the comment in the analysed text.
    line: u32,
    /// The line it covers; `None` for `file-ignore` (the whole file).
    target: Option<u32>,
    /// The smallest statement containing `target`.
    target_stmt: Option<(u32, u32)>,
    /// Empty for a bare `aiguard: ignore`, which covers every rule.
    codes: Vec<Code<'a>>,
    reason: &'a str,
    /// Set when the comment could not be read; it then suppresses nothing.
    malformed: Option<&'static str>,
    /// For a bare ignore: whether it suppressed anything.
    used: bool,
}

impl Directive<'_> {
    fn is_bare(&self) -> bool {
        self.codes.is_empty()
    }

    /// Whether it may suppress `rule` (ignoring where).
    fn names(&self, rule: &str) -> bool {
        self.malformed.is_none()
            && (self.is_bare() || self.codes.iter().any(|c| c.rule == Some(rule)))
    }

    fn mark_used(&mut self, rule: &str) {
        self.used = true;
        for c in &mut self.codes {
            if c.rule == Some(rule) {
                c.used = true;
            }
        }
    }
}

/// Apply the file's suppression comments. `stmt_lines` are the (first, last) 1-based lines of every
/// statement in the file, so a comment on any line of a multi-line statement covers it. List the
/// single-line statements too: they keep a comment in a block from reaching the block's header.
pub fn apply(
    source: &Source,
    stmt_lines: impl FnOnce() -> Vec<(u32, u32)>,
    findings: Vec<Finding>,
    strict: bool,
) -> Applied {
    let mut directives = parse(source, Registry::builtin());
    if directives.is_empty() {
        return Applied {
            kept: findings,
            ..Applied::default()
        };
    }
    // Statement lines cost a walk of the whole file: only files with a directive pay for it.
    let statements = Statements::new(stmt_lines(), source.lines.line_count() as u32 + 1);
    for d in &mut directives {
        d.target_stmt = d.target.and_then(|t| statements.smallest(t));
    }
    let by_place = DirectiveIndex::new(&directives);
    let mut applied = Applied::default();
    for mut f in findings {
        let line = finding_line(source, &f);
        let stmt = statements.smallest(line);
        // Through a statement only when it is the smallest one around both the comment's target
        // and the finding: a comment inside an `if` body must not reach the `if` line, nor the
        // other statements of a function.
        let covers = |d: &Directive| match d.target {
            None => true,
            Some(t) => t == line || (stmt.is_some() && d.target_stmt == stmt),
        };
        // Prefer a comment aimed at the finding's own line, then its statement, then the file.
        let rank = |d: &Directive| match d.target {
            Some(t) if t == line => 0,
            Some(_) => 1,
            None => 2,
        };
        let best = by_place
            .candidates(line, stmt)
            .into_iter()
            .map(|i| (i, &directives[i]))
            .filter(|(_, d)| d.names(f.rule_id) && covers(d))
            .min_by_key(|(_, d)| rank(d))
            .map(|(i, _)| i);
        match best.and_then(|i| directives.get_mut(i)) {
            Some(d) => {
                d.mark_used(f.rule_id);
                f.suppressed = Some(Suppressed {
                    kind: "inSource",
                    justification: d.reason.to_string(),
                });
                applied.suppressed.push(f);
            }
            None => applied.kept.push(f),
        }
    }
    if strict {
        for d in &directives {
            problems_of(d, &mut applied.problems);
        }
    }
    applied
}

fn problems_of(d: &Directive, out: &mut Vec<(&'static str, u32, String)>) {
    let what = if d.target.is_some() {
        "ignore"
    } else {
        "file-ignore"
    };
    if let Some(why) = d.malformed {
        out.push(("AIG001", d.line, format!("malformed suppression: {why}")));
        return;
    }
    if d.is_bare() {
        if !d.used {
            out.push((
                "AIG001",
                d.line,
                "unused suppression: `aiguard: ignore` matches no finding".into(),
            ));
        }
    } else {
        for c in &d.codes {
            match c.rule {
                None => out.push((
                    "AIG001",
                    d.line,
                    format!("`aiguard: {what}[{}]` names no aiguard rule", c.text),
                )),
                Some(id) if !c.used => out.push((
                    "AIG001",
                    d.line,
                    format!("unused suppression: `{id}` matches no finding here"),
                )),
                Some(_) => {}
            }
        }
    }
    if d.reason.is_empty() {
        out.push((
            "AIG002",
            d.line,
            format!("`aiguard: {what}` gives no reason: say why after the rule codes"),
        ));
    }
}

/// The finding's 1-based line in the analysed text (for notebooks `location.line` is in the JSON
/// file, so it is recomputed from the byte offset).
fn finding_line(source: &Source, f: &Finding) -> u32 {
    if f.location.cell_line.is_some() {
        source.line_col(f.location.start_byte).0
    } else {
        f.location.line
    }
}

/// The smallest statement around each line, painted once: a look at every statement for each
/// finding and directive is quadratic in a file with many of both.
struct Statements {
    /// Indexed by line - 1, for the lines of the file.
    smallest: Vec<Option<(u32, u32)>>,
    /// For a line past those (a comment's target after the last line): the list itself.
    all: Vec<(u32, u32)>,
}

impl Statements {
    fn new(all: Vec<(u32, u32)>, lines: u32) -> Self {
        let mut smallest = vec![None; lines as usize];
        // Larger statements first, so smaller ones paint over them; of equal ones the first
        // listed is painted last, as a search in list order would keep it.
        let mut order: Vec<usize> = (0..all.len()).collect();
        order.sort_by_key(|&i| {
            let (a, b) = all[i];
            (std::cmp::Reverse(b.saturating_sub(a)), std::cmp::Reverse(i))
        });
        for i in order {
            let (a, b) = all[i];
            let lines = a.max(1) as usize - 1..(b.min(lines) as usize);
            for slot in smallest.get_mut(lines).into_iter().flatten() {
                *slot = Some(all[i]);
            }
        }
        Statements { smallest, all }
    }

    fn smallest(&self, line: u32) -> Option<(u32, u32)> {
        match (line as usize).checked_sub(1).map(|i| self.smallest.get(i)) {
            Some(Some(s)) => *s,
            _ => self
                .all
                .iter()
                .copied()
                .filter(|&(a, b)| a <= line && line <= b)
                .min_by_key(|&(a, b)| b - a),
        }
    }
}

/// The directives that may cover a finding, by where they point: its line, its statement, or the
/// whole file.
struct DirectiveIndex {
    by_line: HashMap<u32, Vec<usize>>,
    by_stmt: HashMap<(u32, u32), Vec<usize>>,
    file: Vec<usize>,
}

impl DirectiveIndex {
    fn new(directives: &[Directive]) -> Self {
        let mut ix = DirectiveIndex {
            by_line: HashMap::new(),
            by_stmt: HashMap::new(),
            file: Vec::new(),
        };
        for (i, d) in directives.iter().enumerate() {
            match d.target {
                None => ix.file.push(i),
                Some(t) => ix.by_line.entry(t).or_default().push(i),
            }
            if let Some(s) = d.target_stmt {
                ix.by_stmt.entry(s).or_default().push(i);
            }
        }
        ix
    }

    /// Indices in file order, so ties go to the first directive as before.
    fn candidates(&self, line: u32, stmt: Option<(u32, u32)>) -> Vec<usize> {
        let mut out = self.file.clone();
        out.extend(self.by_line.get(&line).into_iter().flatten());
        if let Some(s) = stmt {
            out.extend(self.by_stmt.get(&s).into_iter().flatten());
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Characters that open a string literal, for the quote-state scan.
fn quotes(language: Language) -> &'static [u8] {
    match language {
        // `'` also starts lifetimes in Rust, so only `"` counts there.
        Language::Rust => b"\"",
        Language::TypeScript | Language::Tsx | Language::JavaScript => b"\"'`",
        Language::Python | Language::Notebook | Language::Text => b"\"'",
    }
}

/// Byte offset of the first comment prefix on `line` that is not inside a string literal.
fn comment_start(line: &str, prefix: &str, quotes: &[u8]) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_quote: Option<u8> = None;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match in_quote {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q => in_quote = None,
            Some(_) => {}
            None if line.get(i..).is_some_and(|rest| rest.starts_with(prefix)) => return Some(i),
            None if quotes.contains(&b) => in_quote = Some(b),
            None => {}
        }
        i += 1;
    }
    None
}

/// Every suppression comment of the file.
fn parse<'s>(source: &'s Source, registry: &Registry) -> Vec<Directive<'s>> {
    let mut out = Vec::new();
    if !source.text.contains("aiguard") {
        return out;
    }
    let prefix = source.language.comment_prefix();
    let quotes = quotes(source.language);
    let count = source.lines.line_count() as u32;
    // The last own-line comment and the code line after it.
    let mut code_after = (0, 0);
    for line in 1..=count {
        let text = source.line_text(line);
        if !text.contains("aiguard") {
            continue;
        }
        let Some(start) = comment_start(text, prefix, quotes) else {
            continue;
        };
        let Some(comment) = text.get(start..) else {
            continue;
        };
        let Some((file_level, rest)) = directive(comment, prefix) else {
            continue;
        };
        let own_line = text.get(..start).is_some_and(|code| code.trim().is_empty());
        let target = if file_level {
            None
        } else if own_line {
            Some(next_code_line(source, line, prefix, &mut code_after))
        } else {
            Some(line)
        };
        out.push(read_directive(line, target, rest, registry));
    }
    out
}

/// Finds `aiguard: ignore` / `aiguard: file-ignore` right after a comment prefix in `comment`
/// (which starts with one). Returns whether it is file-level and the text after the keyword.
fn directive<'c>(comment: &'c str, prefix: &str) -> Option<(bool, &'c str)> {
    let mut at = 0;
    while let Some(p) = comment.get(at..).and_then(|c| c.find(prefix)) {
        let after = comment.get(at + p + prefix.len()..)?;
        at += p + prefix.len();
        let Some(rest) = after.trim_start().strip_prefix("aiguard:") else {
            continue;
        };
        let rest = rest.trim_start();
        let (file_level, rest) = if let Some(r) = rest.strip_prefix("file-ignore") {
            (true, r)
        } else if let Some(r) = rest.strip_prefix("ignore") {
            (false, r)
        } else {
            continue;
        };
        // `aiguard: ignored` is prose, not a directive.
        if rest.is_empty() || rest.starts_with('[') || rest.starts_with(char::is_whitespace) {
            return Some((file_level, rest));
        }
    }
    None
}

/// The line an own-line comment covers: the next line that is not itself only a comment, so
/// stacked suppressions all reach the code below them. Never crosses a notebook cell.
///
/// `known` is the previous answer (comment line, code line): a comment between them is in the
/// same stack, whose lines are not read again.
fn next_code_line(source: &Source, line: u32, prefix: &str, known: &mut (u32, u32)) -> u32 {
    let count = source.lines.line_count() as u32;
    let mut next = if known.0 < line && line < known.1 {
        known.1
    } else {
        line + 1
    };
    while next <= count && source.line_text(next).trim_start().starts_with(prefix) {
        next += 1;
    }
    *known = (line, next);
    match (source.cell_line(line), source.cell_line(next)) {
        // Line 0 never holds a finding: the comment covers nothing.
        (Some(a), Some(b)) if a.cell != b.cell => 0,
        _ => next,
    }
}

fn read_directive<'c>(
    line: u32,
    target: Option<u32>,
    rest: &'c str,
    registry: &Registry,
) -> Directive<'c> {
    let mut d = Directive {
        line,
        target,
        target_stmt: None,
        codes: Vec::new(),
        reason: "",
        malformed: None,
        used: false,
    };
    let after = match rest.strip_prefix('[') {
        Some(inner) => match inner.split_once(']') {
            Some((list, after)) => {
                d.codes = list
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|c| !c.is_empty())
                    .map(|text| Code {
                        text,
                        rule: registry.lookup(text).map(|r| r.id),
                        used: false,
                    })
                    .collect();
                if d.codes.is_empty() {
                    d.malformed = Some("`[]` names no rule");
                }
                after
            }
            None => {
                d.malformed = Some("missing `]` after the rule codes");
                ""
            }
        },
        None if target.is_none() => {
            // A bare file-ignore would silence every rule in the file: require codes.
            d.malformed =
                Some("`aiguard: file-ignore` needs rule codes, like `file-ignore[AIG601]`");
            rest
        }
        None => rest,
    };
    d.reason = after
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '-' | '—'))
        .trim_end();
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Confidence, Location, Severity};
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
        let src = py(
            "a = torch.load(p)  # aiguard: ignore[AIG601] our own checkpoint\nb = torch.load(q)\n",
        );
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
        let src = py(
            "# aiguard: ignore[AIG601] ok\n# aiguard: ignore[AIG602] ok too\nm = f()\nn = f()\n",
        );
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
        let src = py("if load(trust_remote_code=True):\n    x = 1  # aiguard: ignore[AIG602] no\n    y = 2\n");
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
}
