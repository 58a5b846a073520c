//! Jupyter notebooks: join the code cells into one Python source with a map back to (cell, line).
//!
//! IPython syntax the Python grammar cannot parse (`%magic`, `!shell`, `obj?`) is turned into a
//! comment of the same length, so the rest parses and columns stay put. Cell magics (`%%bash`)
//! comment out their whole cell, except the few whose body is Python (`%%time`, `%%timeit`,
//! `%%capture`), which lose only the magic line. The rewrite is line-based: a line inside a
//! multi-line string that starts with `%` or `!` is commented too.

use serde_json::Value;

use crate::source::{CellLine, Notebook};

/// Cell magics whose body is ordinary Python.
const PYTHON_CELL_MAGICS: &[&str] = &["time", "timeit", "capture"];

/// Extract the code cells of an `.ipynb` JSON document.
pub fn extract(json: &str) -> Result<Notebook, String> {
    let doc: Value =
        serde_json::from_str(json).map_err(|e| format!("invalid notebook JSON: {e}"))?;
    // nbformat 4 has `cells` with `source`; nbformat 3 has `worksheets[].cells[]` with `input`.
    let (cells, key): (Vec<&Value>, &str) = if let Some(cells) = doc.get("cells") {
        let cells = cells.as_array().ok_or("notebook `cells` is not a list")?;
        (cells.iter().collect(), "source")
    } else if let Some(sheets) = doc.get("worksheets").and_then(Value::as_array) {
        let cells = sheets
            .iter()
            .filter_map(|w| w.get("cells").and_then(Value::as_array))
            .flatten()
            .collect();
        (cells, "input")
    } else {
        return Err("notebook has no cells list".into());
    };

    let mut nb = Notebook::default();
    let mut cursor = Cursor::new(json);
    let mut first = true;
    for (i, cell) in cells.iter().enumerate() {
        let cell_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        // Every cell's source key is passed, so the search for the next cell starts after it.
        let found_key = cell.get(key).is_some() && cursor.find_key(key);
        if cell.get("cell_type").and_then(Value::as_str) != Some("code") {
            continue;
        }
        let parts: Vec<&str> = match cell.get(key) {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let positions = if found_key {
            cursor.positions(&parts)
        } else {
            Vec::new()
        };
        let text: String = parts.concat();
        if !first {
            nb.code.push('\n');
        }
        first = false;
        append_cell(&text, &mut nb.code);
        for (j, _) in text.split('\n').enumerate() {
            nb.cell_of_line.push(CellLine {
                cell: cell_no,
                line: u32::try_from(j + 1).unwrap_or(u32::MAX),
            });
            nb.json_pos_of_line
                .push(positions.get(j).copied().unwrap_or((0, 0)));
        }
    }
    Ok(nb)
}

/// Appends a cell's code with IPython-only lines commented out.
fn append_cell(text: &str, out: &mut String) {
    let magic_cell = text.trim_start().strip_prefix("%%").map(|rest| {
        let name = rest.split(|c: char| c.is_whitespace()).next().unwrap_or("");
        !PYTHON_CELL_MAGICS.contains(&name)
    });
    for (j, line) in text.split('\n').enumerate() {
        if j > 0 {
            out.push('\n');
        }
        let body = line.trim_start();
        let indent = line.len() - body.len();
        let comment = match magic_cell {
            Some(true) => !body.is_empty(),
            // A Python cell magic: only its first line goes.
            Some(false) if body.starts_with("%%") => true,
            _ => {
                body.starts_with(['%', '!', '?'])
                    || (!body.starts_with('#') && body.trim_end().ends_with('?'))
            }
        };
        match (comment, body.chars().next()) {
            (true, Some(c)) => {
                out.push_str(&line[..indent]);
                out.push('#');
                // Keep the byte length: a multi-byte first character is padded with spaces.
                for _ in 1..c.len_utf8() {
                    out.push(' ');
                }
                out.push_str(&body[c.len_utf8()..]);
            }
            _ => out.push_str(line),
        }
    }
}

/// A forward-only scan of the raw JSON that tracks the 1-based line of its position.
struct Cursor<'a> {
    raw: &'a str,
    pos: usize,
    line: u32,
    /// Code points from the line's start to `pos`: counted as the cursor moves, since a
    /// notebook written on one line would have them counted again for every cell.
    col: usize,
}

impl<'a> Cursor<'a> {
    fn new(raw: &'a str) -> Self {
        Cursor {
            raw,
            pos: 0,
            line: 1,
            col: 0,
        }
    }

    fn advance_to(&mut self, to: usize) {
        let Some(skipped) = self.raw.as_bytes().get(self.pos..to) else {
            return;
        };
        for &b in skipped {
            if b == b'\n' {
                self.line += 1;
                self.col = 0;
            } else if b & 0xC0 != 0x80 {
                self.col += 1;
            }
        }
        self.pos = to;
    }

    /// Moves past the next `"key":`. A quoted word inside a JSON string is escaped (`\"key\"`),
    /// so only keys and whole string values match, and a value is not followed by `:`.
    fn find_key(&mut self, key: &str) -> bool {
        let pattern = format!("\"{key}\"");
        let mut from = self.pos;
        while let Some(off) = self.raw.get(from..).and_then(|r| r.find(&pattern)) {
            let after = from + off + pattern.len();
            let rest = self.raw.get(after..).unwrap_or("");
            let trimmed = rest.trim_start();
            if trimmed.starts_with(':') {
                self.advance_to(after + (rest.len() - trimmed.len()) + 1);
                return true;
            }
            from = after;
        }
        false
    }

    /// The JSON position of each line start in a cell whose source is split into `parts`, each
    /// part a JSON string literal found by searching forward. (0, 0) where not found.
    fn positions(&mut self, parts: &[&str]) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        let mut at_line_start = true;
        let mut here = None;
        for part in parts {
            let located = self.locate(part);
            let (base, ascii) = match located {
                Some((line, col, ascii)) => (Some((line, col)), ascii),
                None => (None, false),
            };
            let mut col_off = 0u32;
            for ch in part.chars() {
                here = base.map(|(l, c)| (l, c + col_off));
                if at_line_start {
                    out.push(here.unwrap_or((0, 0)));
                    at_line_start = false;
                }
                col_off += encoded_len(ch, ascii);
                if ch == '\n' {
                    at_line_start = true;
                }
            }
            here = base.map(|(l, c)| (l, c + col_off));
        }
        if at_line_start {
            // An empty cell, or the empty line after a final newline.
            out.push(here.unwrap_or((0, 0)));
        }
        out
    }

    /// Finds `part` as a JSON string literal ahead of the cursor: (line, column of its first
    /// content character, whether it was written ASCII-escaped), and moves past it.
    fn locate(&mut self, part: &str) -> Option<(u32, u32, bool)> {
        let plain = serde_json::to_string(part).ok()?;
        let mut found = self.find_from(&plain).map(|p| (p, plain.len(), false));
        if found.is_none() && !part.is_ascii() {
            // Writers with `ensure_ascii` escape every non-ASCII character.
            let ascii = ascii_json(part);
            found = self.find_from(&ascii).map(|p| (p, ascii.len(), true));
        }
        let (at, len, ascii) = found?;
        self.advance_to(at);
        // Up to and including the opening quote.
        let col = self.col + 1;
        let line = self.line;
        self.advance_to(at + len);
        Some((line, u32::try_from(col).unwrap_or(u32::MAX), ascii))
    }

    fn find_from(&self, needle: &str) -> Option<usize> {
        self.raw
            .get(self.pos..)
            .and_then(|r| r.find(needle))
            .map(|off| self.pos + off)
    }
}

/// Code points `ch` takes inside a JSON string as Python's `json` writes it.
fn encoded_len(ch: char, ascii: bool) -> u32 {
    match ch {
        '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
        c if (c as u32) < 0x20 => 6,
        c if ascii && !c.is_ascii() => 6 * c.len_utf16() as u32,
        _ => 1,
    }
}

/// A JSON string literal with every non-ASCII character as `\uXXXX` (UTF-16 units).
fn ascii_json(s: &str) -> String {
    let plain = serde_json::to_string(s).unwrap_or_default();
    let mut out = String::with_capacity(plain.len());
    let mut units = [0u16; 2];
    for c in plain.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
