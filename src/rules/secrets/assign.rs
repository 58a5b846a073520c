//! AIG103 candidates: string literals bound to a name, from the IR in code files and from
//! `key = value` pairs in config text, and the test of whether a name is secret-named.

use crate::ir::{walk_stmts, Expr, ExprKind, Module, Span, StmtKind};
use regex::Regex;

/// A literal bound to a name: the name as written and the span of the literal's value (inside
/// its quotes) in the analysed text.
#[derive(Debug, PartialEq, Eq)]
pub struct Candidate<'a> {
    pub name: &'a str,
    pub value: Span,
}

/// `key = value` / `key: value` pairs of config text (`.env`, YAML, JSON, TOML, INI, shell).
pub fn from_pairs<'t>(re: &Regex, text: &'t str) -> Vec<Candidate<'t>> {
    let mut out = Vec::new();
    for caps in re.captures_iter(text) {
        let (Some(name), Some(value)) = (
            caps.get(1),
            caps.get(2).or_else(|| caps.get(3)).or_else(|| caps.get(4)),
        ) else {
            continue;
        };
        // `secret_key = derive_key(arg)` in code read as text: an unquoted value that is called
        // is a function's name.
        if caps.get(4).is_some() && text[value.end()..].starts_with('(') {
            continue;
        }
        out.push(Candidate {
            name: name.as_str(),
            value: Span::new(value.start(), value.end()),
        });
    }
    out
}

/// Literals bound to names in the IR: assignment targets (names, attributes, `x["KEY"]` such as
/// `os.environ["KEY"]`), keyword arguments, dict and object keys, parameter defaults.
pub fn from_ir<'m>(module: &'m Module, text: &str) -> Vec<Candidate<'m>> {
    let mut out = Vec::new();
    let mut push = |name: &'m str, value: &'m Expr| {
        if let Some(span) = literal_span(text, value) {
            out.push(Candidate { name, value: span });
        }
    };
    for body in module.bodies() {
        walk_stmts(body, &mut |s| {
            if let StmtKind::Assign { targets, value, .. } = &s.kind {
                for t in targets {
                    if let Some(name) = target_name(t) {
                        push(name, value);
                    }
                }
            }
        });
    }
    module.walk_exprs(&mut |e| match &e.kind {
        ExprKind::Call(call) => {
            for a in &call.args {
                if let Some(name) = &a.name {
                    push(name, &a.value);
                }
            }
        }
        ExprKind::Dict(entries) => {
            for (k, v) in entries {
                if let Some(name) = k.as_ref().and_then(|k| k.as_str()) {
                    push(name, v);
                }
            }
        }
        _ => {}
    });
    for f in &module.functions {
        for p in &f.params {
            if let Some(d) = &p.default {
                push(&p.name, d);
            }
        }
    }
    out.sort_by_key(|c| (c.value.start, c.value.end));
    out.dedup_by_key(|c| c.value);
    out
}

fn target_name(t: &Expr) -> Option<&str> {
    match &t.kind {
        ExprKind::Name(n) => Some(n),
        ExprKind::Attribute { attr, .. } => Some(attr),
        ExprKind::Index { index, .. } => index.as_str(),
        _ => None,
    }
}

/// The span of a plain string literal's value inside its quotes. The decoded value is looked up
/// in the literal's text; with escapes that change it, the quotes and prefixes are trimmed.
fn literal_span(text: &str, e: &Expr) -> Option<Span> {
    let value = e.as_str()?;
    let lit = text.get(e.span.range())?;
    let start = e.span.start as usize;
    if !value.is_empty() {
        if let Some(i) = lit.find(value) {
            return Some(Span::new(start + i, start + i + value.len()));
        }
    }
    let open = lit.find(['"', '\'', '`']).map(|i| {
        i + lit[i..]
            .bytes()
            .take_while(|&b| b == lit.as_bytes()[i])
            .count()
    })?;
    let close = lit.trim_end_matches(['"', '\'', '`']).len();
    (open < close).then(|| Span::new(start + open, start + close))
}

/// AIG103's message: the name (not secret) and the value's length, never the value.
pub fn message(name: &str, value: &str) -> String {
    let name: String = name.chars().take(60).collect();
    format!(
        "A random-looking value ({} chars) is hardcoded in secret-named `{name}`",
        value.chars().count()
    )
}

#[cfg(test)]
mod tests;
