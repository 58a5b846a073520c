//! One tree for the settings formats agents use: JSON with comments and trailing commas (VS Code,
//! Claude Code, Cursor, Gemini; read with `jsonc-parser`, which keeps every node's byte range)
//! and TOML (Codex; read with `toml`'s spanned document). Rules walk keys and values without
//! caring which format they came from.

use crate::ir::Span;
use jsonc_parser::ast;

/// Deeper documents are not settings files; the bound keeps the recursive parsers off the stack's
/// limit.
const MAX_NESTING: usize = 64;

#[derive(Debug)]
pub enum Node {
    Object(Vec<Entry>),
    Array(Vec<Node>, Span),
    /// A string's text, or a boolean or number as written; with the value's span.
    Scalar(String, Span),
}

#[derive(Debug)]
pub struct Entry {
    pub name: String,
    pub value: Node,
}

impl Node {
    pub fn get(&self, name: &str) -> Option<&Node> {
        match self {
            Node::Object(entries) => entries.iter().find(|e| e.name == name).map(|e| &e.value),
            _ => None,
        }
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            Node::Scalar(text, _) => Some(text),
            _ => None,
        }
    }

    pub fn span(&self) -> Option<Span> {
        match self {
            Node::Scalar(_, span) | Node::Array(_, span) => Some(*span),
            Node::Object(_) => None,
        }
    }

    /// The nodes at a key path, with the name of the last key stepped through (`*` steps into any
    /// key or element).
    pub fn at<'a>(&'a self, path: &[String]) -> Vec<(&'a Node, Option<&'a Node>, &'a str)> {
        let mut out = Vec::new();
        self.walk(path, None, "", &mut out);
        out
    }

    fn walk<'a>(
        &'a self,
        path: &[String],
        parent: Option<&'a Node>,
        name: &'a str,
        out: &mut Vec<(&'a Node, Option<&'a Node>, &'a str)>,
    ) {
        let Some((step, rest)) = path.split_first() else {
            out.push((self, parent, name));
            return;
        };
        match self {
            Node::Object(entries) => {
                for e in entries.iter().filter(|e| step == "*" || e.name == *step) {
                    e.value.walk(rest, Some(self), &e.name, out);
                }
            }
            Node::Array(items, _) if step == "*" => {
                for item in items {
                    item.walk(rest, Some(self), name, out);
                }
            }
            _ => {}
        }
    }
}

/// Parse a JSON or JSONC document; `None` when it does not parse or nests too deep.
pub fn parse_json(text: &str) -> Option<Node> {
    if nesting(text) > MAX_NESTING {
        return None;
    }
    let parsed = jsonc_parser::parse_to_ast(
        text,
        &Default::default(),
        &jsonc_parser::ParseOptions::default(),
    )
    .ok()?;
    parsed.value.as_ref().map(from_json)
}

fn from_json(value: &ast::Value) -> Node {
    let span = |r: &jsonc_parser::common::Range| Span::new(r.start, r.end);
    match value {
        ast::Value::Object(o) => Node::Object(
            o.properties
                .iter()
                .map(|p| Entry {
                    name: p.name.as_str().to_string(),
                    value: from_json(&p.value),
                })
                .collect(),
        ),
        ast::Value::Array(a) => {
            Node::Array(a.elements.iter().map(from_json).collect(), span(&a.range))
        }
        ast::Value::StringLit(s) => Node::Scalar(s.value.to_string(), span(&s.range)),
        ast::Value::NumberLit(n) => Node::Scalar(n.value.to_string(), span(&n.range)),
        ast::Value::BooleanLit(b) => Node::Scalar(b.value.to_string(), span(&b.range)),
        ast::Value::NullKeyword(n) => Node::Scalar("null".to_string(), span(&n.range)),
    }
}

/// Parse a TOML document; `None` when it does not parse or nests too deep.
pub fn parse_toml(text: &str) -> Option<Node> {
    if nesting(text) > MAX_NESTING {
        return None;
    }
    let doc = toml::de::DeTable::parse(text).ok()?;
    Some(from_toml_table(doc.get_ref()))
}

fn from_toml_table(table: &toml::de::DeTable) -> Node {
    Node::Object(
        table
            .iter()
            .map(|(k, v)| Entry {
                name: k.get_ref().to_string(),
                value: from_toml(v),
            })
            .collect(),
    )
}

fn from_toml(value: &toml::Spanned<toml::de::DeValue>) -> Node {
    use toml::de::DeValue;
    let range = value.span();
    let span = Span::new(range.start, range.end);
    match value.get_ref() {
        DeValue::Table(t) => from_toml_table(t),
        DeValue::Array(items) => Node::Array(items.iter().map(from_toml).collect(), span),
        DeValue::String(s) => Node::Scalar(s.to_string(), span),
        DeValue::Integer(i) => Node::Scalar(i.to_string(), span),
        DeValue::Float(f) => Node::Scalar(f.to_string(), span),
        DeValue::Boolean(b) => Node::Scalar(b.to_string(), span),
        DeValue::Datetime(d) => Node::Scalar(d.to_string(), span),
    }
}

/// The deepest bracket nesting of a document, counting brackets outside strings (a close
/// enough bound for both formats).
fn nesting(text: &str) -> usize {
    let (mut depth, mut max, mut quote, mut escaped) = (0usize, 0usize, None, false);
    for b in text.bytes() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == q || b == b'\n' {
                    quote = None;
                }
            }
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'{' | b'[' => {
                    depth += 1;
                    max = max.max(depth);
                }
                b'}' | b']' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
    }
    max
}
