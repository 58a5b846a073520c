//! Inline suppressions: `# aiguard: ignore[AIG601] reason` (`//` in TS/JS/Rust), on the finding's
//! line, the line before, or any line of a multi-line statement; and
//! `aiguard: file-ignore[AIG601] reason` for a whole file.
//!
//! A directive is read only in a comment: after the language's comment prefix, outside string
//! literals on that line (a cheap quote-state scan; a directive inside a multi-line string can
//! still be read). Codes are exact: `ignore[AIG60]` names no rule and suppresses nothing.

use crate::finding::{Finding, Suppressed};
use crate::source::Source;
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
    let quotes = source.language.string_quotes();
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
mod tests;
