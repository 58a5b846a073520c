//! A workflow's YAML as the rules read it: maps, lists and scalars, each scalar with the byte
//! offset in the file of every byte of its value, so a finding inside a `run: |` block points at
//! its own line. Parsed with `saphyr` (maintained, YAML 1.2: `on:` is a key, not `true`; a
//! position on every node).

use crate::ir::{Span, MAX_DEPTH};
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

/// A scalar's value and where each of its bytes sits in the file.
#[derive(Debug, Clone, Default)]
pub struct Text {
    pub value: String,
    /// `offsets[i]`: the file offset of byte `i` of `value` (the scalar's start where the value
    /// cannot be matched to the file, as after an escape).
    offsets: Vec<u32>,
    pub span: Span,
}

impl Text {
    /// The file span of `value[range]`.
    pub fn span_of(&self, range: std::ops::Range<usize>) -> Span {
        let at = |i: usize| self.offsets.get(i).copied().unwrap_or(self.span.start);
        let start = at(range.start);
        let end = range
            .end
            .checked_sub(1)
            .map_or(start, |last| at(last) + 1)
            .max(start);
        Span {
            start,
            end: end.min(self.span.end.max(start + 1)),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Node {
    Scalar(Text),
    Map(Vec<(Text, Node)>),
    Seq(Vec<Node>),
    Other,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    pub fn entry(&self, key: &str) -> Option<(&Text, &Node)> {
        match self {
            Node::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.value == key)
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    pub fn text(&self) -> Option<&Text> {
        match self {
            Node::Scalar(t) => Some(t),
            _ => None,
        }
    }

    pub fn str(&self) -> Option<&str> {
        self.text().map(|t| t.value.as_str())
    }

    pub fn entries(&self) -> &[(Text, Node)] {
        match self {
            Node::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match self {
            Node::Seq(items) => items,
            _ => &[],
        }
    }
}

/// The first document of a YAML file; `None` when it does not parse.
pub fn parse(text: &str) -> Option<Node> {
    let docs = MarkedYaml::load_from_str(text).ok()?;
    let doc = docs.first()?;
    let positions = Positions::new(text);
    Some(lower(doc, text, &positions, 0))
}

/// saphyr's markers count characters; findings need bytes.
struct Positions {
    /// Byte offset of each character, empty for ASCII text (where they are the same).
    bytes_of_char: Vec<u32>,
    len: u32,
}

impl Positions {
    fn new(text: &str) -> Self {
        let bytes_of_char = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i as u32).collect()
        };
        Positions {
            bytes_of_char,
            len: text.len() as u32,
        }
    }

    fn byte(&self, char_index: usize) -> u32 {
        if self.bytes_of_char.is_empty() {
            (char_index as u32).min(self.len)
        } else {
            self.bytes_of_char
                .get(char_index)
                .copied()
                .unwrap_or(self.len)
        }
    }
}

fn lower(node: &MarkedYaml, text: &str, pos: &Positions, depth: usize) -> Node {
    if depth > MAX_DEPTH {
        return Node::Other;
    }
    let span = Span {
        start: pos.byte(node.span.start.index()),
        end: pos.byte(node.span.end.index()),
    };
    match &node.data {
        YamlData::Value(scalar) => {
            let raw = text.get(span.range()).unwrap_or("").trim();
            let value = match scalar {
                Scalar::String(s) => s.to_string(),
                // Numbers, booleans and null as written (`true`, `0o14`).
                _ => raw.to_string(),
            };
            Node::Scalar(aligned(value, text, span))
        }
        YamlData::Mapping(map) => Node::Map(
            map.iter()
                .filter_map(|(k, v)| {
                    let key = match lower(k, text, pos, depth + 1) {
                        Node::Scalar(t) => t,
                        _ => return None,
                    };
                    Some((key, lower(v, text, pos, depth + 1)))
                })
                .collect(),
        ),
        YamlData::Sequence(items) => Node::Seq(
            items
                .iter()
                .map(|v| lower(v, text, pos, depth + 1))
                .collect(),
        ),
        YamlData::Tagged(_, inner) => lower(inner, text, pos, depth + 1),
        _ => Node::Other,
    }
}

/// Matches each byte of a scalar's value to the file, in order: indentation, quotes, folded line
/// breaks and escape backslashes are what the value leaves out, so they are skipped.
fn aligned(value: String, text: &str, span: Span) -> Text {
    let raw = text.as_bytes();
    let end = (span.end as usize).min(raw.len());
    let mut at = span.start as usize;
    let mut offsets = Vec::with_capacity(value.len());
    let mut lost = false;
    for &b in value.as_bytes() {
        if !lost {
            while at < end && raw[at] != b {
                at += 1;
            }
            lost = at >= end;
        }
        if lost {
            offsets.push(span.start);
        } else {
            offsets.push(at as u32);
            at += 1;
        }
    }
    Text {
        value,
        offsets,
        span,
    }
}

#[cfg(test)]
mod tests;
