//! Vue and Svelte single-file components, and HTML pages' inline scripts, lowered by the
//! TypeScript front end.
//!
//! No template parser: a careful scanner is enough for what the analyses need, and it keeps every
//! byte where it was. The text is copied with everything outside the `<script>` blocks blanked
//! (newlines kept), so the scripts' spans and lines are the file's own. Into the blanked template
//! go only the expressions of
//! - raw-HTML bindings: Vue `v-html="expr"`, `:innerHTML="expr"` (`v-bind:innerHTML`), Svelte
//!   `{@html expr}`;
//! - loops that name their items: Vue `v-for="m in messages"`, Svelte `{#each messages as m}`;
//!
//! each in place, as `;(expr)` written over the delimiters around it. The file is then parsed once.
//! The template's statements are moved after the script's (a template reads the script's final
//! names, wherever the blocks stand): a binding as an object `{ "v-html": expr }` keyed by the
//! directive as the packs name it (`[[sink.keys]]`), a loop as a `for` over its iterable. Names
//! of a Vue Options API component (`this.answer`, read as `answer`) are not followed.

use super::typescript;
use crate::ir::{Expr, ExprKind, Module, Span, Stmt, StmtKind};
use crate::source::Language;

/// An expression of the template: its bytes, and where its closing `)` is written (the delimiter
/// after it).
#[derive(Clone, Copy)]
struct Range {
    start: usize,
    end: usize,
    close: usize,
}

enum Item {
    /// A raw-HTML binding: the directive's key and the bound expression.
    Binding { key: &'static str, expr: Range },
    /// A loop over `iter` naming each item `alias`.
    Loop { alias: Range, iter: Range },
}

impl Item {
    /// Its expressions in the order they stand in the file.
    fn ranges(&self) -> Vec<Range> {
        let mut ranges = match self {
            Item::Binding { expr, .. } => vec![*expr],
            Item::Loop { alias, iter } => vec![*iter, *alias],
        };
        ranges.sort_by_key(|r| r.start);
        ranges
    }
}

/// Attribute directives whose value is HTML, with the key they are lowered to.
const HTML_ATTRIBUTES: &[(&str, &str)] = &[
    ("v-html", "v-html"),
    (":innerHTML", "innerHTML"),
    ("v-bind:innerHTML", "innerHTML"),
];

pub fn lower(text: &str) -> Module {
    let bytes = text.as_bytes();
    let mut out = blanked(bytes);
    let mut tsx = false;
    let mut markup = Vec::new();
    let mut at = 0;
    for block in blocks(bytes) {
        markup.push((at, block.open));
        if block.script {
            out[block.content.0..block.content.1]
                .copy_from_slice(&bytes[block.content.0..block.content.1]);
            tsx |= block.jsx;
        }
        at = block.end;
    }
    markup.push((at, bytes.len()));
    let mut items = Vec::new();
    for (start, end) in markup {
        scan_markup(bytes, start, end, &mut items);
    }
    // Write each item's expressions in place; one whose delimiters cannot take the wrapper (a
    // newline right before it) is left out, and so is any item after an overlap.
    let mut written = 0;
    items.retain(|item| {
        let ranges = item.ranges();
        let fits = ranges.iter().all(|r| {
            r.start >= written + 2
                && !bytes[r.start - 2..r.start].contains(&b'\n')
                && !bytes[r.start - 2..r.start].contains(&b'\r')
                && r.close < bytes.len()
        });
        if !fits {
            return false;
        }
        for r in ranges {
            out[r.start - 2..r.start].copy_from_slice(b";(");
            out[r.start..r.end].copy_from_slice(&bytes[r.start..r.end]);
            out[r.close] = b')';
            written = written.max(r.close + 1);
        }
        true
    });
    let code = String::from_utf8_lossy(&out);
    let language = if tsx {
        Language::Tsx
    } else {
        Language::TypeScript
    };
    let mut module = typescript::lower(&code, language);
    move_template_after_script(&mut module, &items);
    module
}

/// An HTML page or server template (Jinja, Django, ERB): only its inline scripts are code, in
/// JavaScript; a script of another type (`text/template`, `application/ld+json`) is data.
pub fn lower_page(text: &str) -> Module {
    let bytes = text.as_bytes();
    let mut out = blanked(bytes);
    for block in blocks(bytes) {
        if block.script && block.javascript {
            out[block.content.0..block.content.1]
                .copy_from_slice(&bytes[block.content.0..block.content.1]);
        }
    }
    typescript::lower(&String::from_utf8_lossy(&out), Language::JavaScript)
}

/// The text with every byte but line breaks blanked: scripts are copied back in place, so their
/// spans and lines are the file's own.
fn blanked(bytes: &[u8]) -> Vec<u8> {
    bytes
        .iter()
        .map(|&b| if b == b'\n' || b == b'\r' { b } else { b' ' })
        .collect()
}

/// Splits the template's statements out of the module body and appends what they stand for.
fn move_template_after_script(module: &mut Module, items: &[Item]) {
    // A statement of the template starts at the `;(` written before its expression.
    let inside = |start: u32, r: &Range| {
        let start = start as usize;
        start + 2 >= r.start && start <= r.close
    };
    let body = std::mem::take(&mut module.body);
    let (template, script): (Vec<Stmt>, Vec<Stmt>) = body.into_iter().partition(|s| {
        items
            .iter()
            .any(|i| i.ranges().iter().any(|r| inside(s.span.start, r)))
    });
    module.body = script;
    let mut exprs: Vec<(u32, Expr)> = template
        .into_iter()
        .filter_map(|s| match s.kind {
            StmtKind::Expr(e) => Some((s.span.start, e)),
            _ => None,
        })
        .collect();
    let mut take = |r: &Range| {
        let i = exprs.iter().position(|(start, _)| inside(*start, r))?;
        Some(exprs.swap_remove(i).1)
    };
    for item in items {
        match item {
            Item::Binding { key, expr } => {
                let Some(e) = take(expr) else { continue };
                let span = e.span;
                let key = Expr::new(ExprKind::Str((*key).into()), span);
                module.body.push(Stmt {
                    kind: StmtKind::Expr(Expr::new(ExprKind::Dict(vec![(Some(key), e)]), span)),
                    span,
                });
            }
            Item::Loop { alias, iter } => {
                let (Some(iter), Some(alias)) = (take(iter), take(alias)) else {
                    continue;
                };
                let span = Span {
                    start: iter.span.start.min(alias.span.start),
                    end: iter.span.end.max(alias.span.end),
                };
                module.body.push(Stmt {
                    kind: StmtKind::Loop {
                        target: Some(alias),
                        iter: Some(iter),
                        test: None,
                        body: Vec::new(),
                        orelse: Vec::new(),
                    },
                    span,
                });
            }
        }
    }
}

/// A `<script>` or `<style>` block: where its open tag starts, its content, where it ends.
struct Block {
    open: usize,
    content: (usize, usize),
    end: usize,
    script: bool,
    /// `lang="tsx"` / `lang="jsx"`.
    jsx: bool,
    /// No `type`, or a JavaScript one (`module`, `text/javascript`).
    javascript: bool,
}

/// The top-level `<script>` and `<style>` blocks, in order.
fn blocks(bytes: &[u8]) -> Vec<Block> {
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(open) = find(bytes, i, b"<") {
        i = open + 1;
        let script = starts_tag(bytes, open, b"script");
        if !script && !starts_tag(bytes, open, b"style") {
            if bytes[open..].starts_with(b"<!--") {
                i = find(bytes, open, b"-->").map_or(bytes.len(), |e| e + 3);
            }
            continue;
        }
        let Some(tag_end) = find(bytes, open, b">") else {
            break;
        };
        let name: &[u8] = if script { b"</script" } else { b"</style" };
        let close = find_ci(bytes, tag_end + 1, name).unwrap_or(bytes.len());
        let end = find(bytes, close, b">").map_or(bytes.len(), |e| e + 1);
        let attrs = String::from_utf8_lossy(&bytes[open..tag_end]).to_ascii_lowercase();
        found.push(Block {
            open,
            content: (tag_end + 1, close),
            end,
            script,
            jsx: attrs.contains("lang=\"tsx\"") || attrs.contains("lang=\"jsx\""),
            javascript: script_type(&attrs)
                .is_none_or(|t| JAVASCRIPT_TYPES.contains(&t.trim().to_ascii_lowercase().as_str())),
        });
        i = end;
    }
    found
}

/// The `type` values of a script that runs as JavaScript.
const JAVASCRIPT_TYPES: &[&str] = &[
    "",
    "module",
    "text/javascript",
    "application/javascript",
    "text/ecmascript",
    "application/ecmascript",
];

/// The value of a `type` attribute among a tag's (lower-cased) attributes.
fn script_type(attrs: &str) -> Option<&str> {
    let at = attrs
        .match_indices("type")
        .map(|(i, _)| i)
        .find(|&i| i > 0 && attrs.as_bytes()[i - 1].is_ascii_whitespace())?;
    let rest = attrs[at + 4..].trim_start().strip_prefix('=')?.trim_start();
    let (quote, rest) = match rest.chars().next()? {
        q @ ('"' | '\'') => (Some(q), &rest[1..]),
        _ => (None, rest),
    };
    let end = match quote {
        Some(q) => rest.find(q).unwrap_or(rest.len()),
        None => rest
            .find(|c: char| c.is_ascii_whitespace() || c == '>')
            .unwrap_or(rest.len()),
    };
    Some(&rest[..end])
}

/// The bindings and loops of the markup between `start` and `end`, in order. Attributes count
/// only inside a tag (`<div ...>`, quoted values skipped whole); `{@html}` and `{#each}` only
/// outside one.
fn scan_markup(bytes: &[u8], start: usize, end: usize, items: &mut Vec<Item>) {
    let mut i = start;
    let mut in_tag = false;
    while i < end {
        let rest = &bytes[i..end];
        let b = bytes[i];
        if !in_tag {
            if rest.starts_with(b"<!--") {
                i = find(bytes, i, b"-->").map_or(end, |e| e + 3);
                continue;
            }
            if b == b'<' && rest.get(1).is_some_and(u8::is_ascii_alphabetic) {
                in_tag = true;
            } else if rest.starts_with(b"{@html") || rest.starts_with(b"{#each") {
                if let Some(close) = matching_brace(bytes, i, end) {
                    svelte_block(bytes, i, close, items);
                    i = close + 1;
                    continue;
                }
            }
            i += 1;
            continue;
        }
        match b {
            b'>' => in_tag = false,
            b'"' | b'\'' => {
                i = (i + 1..end).find(|&j| bytes[j] == b).unwrap_or(end);
            }
            _ if bytes[i - 1].is_ascii_whitespace() => {
                if let Some(next) = vue_attribute(bytes, i, end, items) {
                    i = next;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// A raw-HTML binding or a `v-for` starting at `i`: pushes it and returns where scanning goes on.
fn vue_attribute(bytes: &[u8], i: usize, end: usize, items: &mut Vec<Item>) -> Option<usize> {
    let rest = &bytes[i..end];
    if let Some((attr, key)) = HTML_ATTRIBUTES.iter().find(|(attr, _)| attr_at(rest, attr)) {
        let (expr, next) = quoted(bytes, i + attr.len() + 1, end)?;
        items.push(Item::Binding { key, expr });
        return Some(next);
    }
    if attr_at(rest, "v-for") {
        let (value, next) = quoted(bytes, i + "v-for".len() + 1, end)?;
        items.extend(vue_loop(bytes, value));
        return Some(next);
    }
    None
}

/// `{@html expr}` or `{#each xs as x}` from `open` to its closing brace.
fn svelte_block(bytes: &[u8], open: usize, close: usize, items: &mut Vec<Item>) {
    let head = open + "{@html".len();
    if !bytes.get(head).is_some_and(u8::is_ascii_whitespace) {
        return;
    }
    let Some(inner) = trimmed(bytes, head, close, close) else {
        return;
    };
    if bytes[open + 1] == b'@' {
        items.push(Item::Binding {
            key: "@html",
            expr: inner,
        });
    } else {
        items.extend(svelte_loop(bytes, inner));
    }
}

/// `name="` (or `name='`) at the start of `rest`.
fn attr_at(rest: &[u8], name: &str) -> bool {
    rest.starts_with(name.as_bytes())
        && rest.get(name.len()) == Some(&b'=')
        && matches!(rest.get(name.len() + 1), Some(b'"' | b'\''))
}

/// The trimmed value of the attribute whose quote is at `q`, and where scanning goes on.
fn quoted(bytes: &[u8], q: usize, end: usize) -> Option<(Range, usize)> {
    let quote = *bytes.get(q)?;
    let close = (q + 1..end).find(|&j| bytes[j] == quote)?;
    Some((trimmed(bytes, q + 1, close, close)?, close + 1))
}

/// `start..end` without surrounding whitespace, closed at `close`; `None` when empty.
fn trimmed(bytes: &[u8], mut start: usize, mut end: usize, close: usize) -> Option<Range> {
    while start < end && bytes[start].is_ascii_whitespace() {
        start += 1;
    }
    while end > start && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    (start < end).then_some(Range { start, end, close })
}

/// `m in messages`, `(m, i) of messages`: the first name of the alias, and the iterable.
fn vue_loop(bytes: &[u8], value: Range) -> Option<Item> {
    let text = &bytes[value.start..value.end];
    let sep = [b" in ".as_slice(), b" of ".as_slice()]
        .iter()
        .filter_map(|s| text.windows(4).position(|w| w == *s))
        .min()?;
    let mut alias_start = value.start;
    while bytes[alias_start] == b'(' || bytes[alias_start].is_ascii_whitespace() {
        alias_start += 1;
    }
    let alias_end = (alias_start..value.start + sep)
        .find(|&j| matches!(bytes[j], b',' | b')') || bytes[j].is_ascii_whitespace())
        .unwrap_or(value.start + sep);
    let alias = Range {
        start: alias_start,
        end: alias_end,
        close: alias_end,
    };
    let iter = trimmed(bytes, value.start + sep + 4, value.end, value.close)?;
    (alias.start < alias.end).then_some(Item::Loop { alias, iter })
}

/// `messages as m`, `messages as m, i (m.id)`: the iterable and the alias.
fn svelte_loop(bytes: &[u8], inner: Range) -> Option<Item> {
    let text = &bytes[inner.start..inner.end];
    let sep = text.windows(4).position(|w| w == b" as ")?;
    let iter = Range {
        start: inner.start,
        end: inner.start + sep,
        close: inner.start + sep,
    };
    let alias_start = inner.start + sep + 4;
    let alias_end = (alias_start..inner.end)
        .find(|&j| matches!(bytes[j], b',' | b'(') || bytes[j].is_ascii_whitespace())
        .unwrap_or(inner.end);
    let alias = Range {
        start: alias_start,
        end: alias_end,
        close: if alias_end == inner.end {
            inner.close
        } else {
            alias_end
        },
    };
    (iter.start < iter.end && alias.start < alias.end).then_some(Item::Loop { alias, iter })
}

/// The `}` closing the `{` at `open`, skipping strings and nested braces.
fn matching_brace(bytes: &[u8], open: usize, end: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut j = open;
    while j < end {
        let b = bytes[j];
        match quote {
            Some(_) if b == b'\\' => j += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' | b'`' => quote = Some(b),
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(j);
                    }
                }
                _ => {}
            },
        }
        j += 1;
    }
    None
}

/// `<name` followed by whitespace or `>`, any case.
fn starts_tag(bytes: &[u8], open: usize, name: &[u8]) -> bool {
    let after = open + 1 + name.len();
    bytes.len() > after
        && bytes[open + 1..after].eq_ignore_ascii_case(name)
        && (bytes[after].is_ascii_whitespace() || bytes[after] == b'>')
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn find_ci(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

#[cfg(test)]
mod tests;
