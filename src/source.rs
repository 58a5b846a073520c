//! A file's text as aiguard sees it: its language, a line index, and for notebooks the map from
//! the joined code back to (cell, line).

use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
    TypeScript,
    Tsx,
    JavaScript,
    Rust,
    Notebook,
    /// A Vue single-file component: `<script>` blocks in TS/JS, a template around them.
    Vue,
    /// A Svelte component: `<script>` blocks in TS/JS, markup around them.
    Svelte,
    /// An HTML page or server template: its inline `<script>` blocks in JavaScript.
    Html,
    /// Any other text file: only the text rules read it.
    #[default]
    Text,
}

impl Language {
    /// The language of a path, by extension. Every other file is `Text`.
    pub fn from_path(path: &Path) -> Language {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "py" | "pyi" | "pyw" => Language::Python,
            "ipynb" => Language::Notebook,
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "js" | "jsx" | "mjs" | "cjs" => Language::JavaScript,
            "rs" => Language::Rust,
            "vue" => Language::Vue,
            "svelte" => Language::Svelte,
            "html" | "htm" => Language::Html,
            _ => Language::Text,
        }
    }

    /// The language of a text that comes with no name (standard input), where its content says
    /// so beyond doubt: an interpreter line (`#!/usr/bin/env python3`, `node`, `deno`, `bun`,
    /// `ts-node`, `tsx`) or a notebook's JSON. `None` otherwise: guessing from the code itself
    /// would scan Python as JavaScript one day and report a false all-clear.
    pub fn from_content(text: &str) -> Option<Language> {
        let text = text.trim_start_matches('\u{feff}');
        if let Some(line) = text.strip_prefix("#!") {
            let line = line.lines().next().unwrap_or("");
            let mut words = line.split_whitespace();
            let base = |w: &str| w.rsplit('/').next().unwrap_or(w).to_string();
            let mut interpreter = base(words.next()?);
            if interpreter == "env" {
                interpreter = base(words.find(|w| !w.starts_with('-') && !w.contains('='))?);
            }
            let interpreter =
                interpreter.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
            return match interpreter {
                "python" | "pypy" | "uv" => Some(Language::Python),
                "node" | "nodejs" => Some(Language::JavaScript),
                "deno" | "bun" | "ts-node" | "tsx" => Some(Language::TypeScript),
                _ => None,
            };
        }
        let head = text.trim_start();
        let notebook =
            head.starts_with('{') && head.contains("\"nbformat\"") && head.contains("\"cells\"");
        notebook.then_some(Language::Notebook)
    }

    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::TypeScript => "typescript",
            Language::Tsx => "tsx",
            Language::JavaScript => "javascript",
            Language::Rust => "rust",
            Language::Notebook => "notebook",
            Language::Vue => "vue",
            Language::Svelte => "svelte",
            Language::Html => "html",
            Language::Text => "text",
        }
    }

    /// The rule-pack language family: notebooks are Python, TSX and components (whose scripts
    /// are TypeScript or JavaScript) are TypeScript, an HTML page's scripts JavaScript.
    pub fn family(self) -> Family {
        match self {
            Language::Python | Language::Notebook => Family::Python,
            Language::TypeScript | Language::Tsx | Language::Vue | Language::Svelte => {
                Family::TypeScript
            }
            Language::JavaScript | Language::Html => Family::JavaScript,
            Language::Rust => Family::Rust,
            Language::Text => Family::Text,
        }
    }

    /// Code a front end parses, as opposed to text only the text rules read.
    pub fn is_code(self) -> bool {
        self != Language::Text
    }

    /// Characters that open a string literal, for scanning lines for comments.
    pub fn string_quotes(self) -> &'static [u8] {
        match self {
            // `'` also starts lifetimes in Rust, so only `"` counts there.
            Language::Rust => b"\"",
            Language::TypeScript
            | Language::Tsx
            | Language::JavaScript
            | Language::Vue
            | Language::Svelte
            | Language::Html => b"\"'`",
            Language::Python | Language::Notebook | Language::Text => b"\"'",
        }
    }

    /// The line-comment marker used for suppressions and fixture annotations.
    pub fn comment_prefix(self) -> &'static str {
        match self {
            Language::Python | Language::Notebook | Language::Text => "#",
            _ => "//",
        }
    }
}

/// Where a line of the joined notebook code came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CellLine {
    /// 1-based index of the cell among all cells of the notebook.
    pub cell: u32,
    /// 1-based line within the cell.
    pub line: u32,
}

/// A notebook after extraction: the joined Python code with its map, and the text of the saved
/// outputs (for the text rules).
#[derive(Debug, Default)]
pub struct Notebook {
    /// The joined code of the code cells, one `\n` between cells.
    pub code: String,
    /// `cell_of_line[i]` is where line `i + 1` of `code` came from.
    pub cell_of_line: Vec<CellLine>,
    /// Where each line of `code` sits in the `.ipynb` JSON file: (1-based line, 0-based column in
    /// code points where the line's text starts inside its JSON string), so findings in notebooks
    /// point into the real file. Empty entries (0, 0) where it cannot be found.
    pub json_pos_of_line: Vec<(u32, u32)>,
}

/// Byte offset -> (line, column) conversions over a text.
#[derive(Debug, Default)]
pub struct LineIndex {
    /// Byte offset of the start of each line.
    starts: Vec<u32>,
    /// Code points before each multiple of [`BLOCK`] bytes: a column on a long line is counted
    /// from the nearest one, not from the line's start (minified code has findings by the
    /// thousand on one line).
    chars_before: Vec<u32>,
}

const BLOCK: usize = 256;

/// Code points in `bytes` (which may start or end inside one): the bytes that are not UTF-8
/// continuation bytes.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                starts.push((i + 1) as u32);
            }
        }
        let mut chars_before = Vec::with_capacity(text.len() / BLOCK + 1);
        let mut n = 0u32;
        chars_before.push(0);
        for block in text.as_bytes().chunks(BLOCK) {
            n += count_chars(block) as u32;
            chars_before.push(n);
        }
        LineIndex {
            starts,
            chars_before,
        }
    }

    /// Code points in `text[..offset]`.
    fn chars_to(&self, text: &str, offset: usize) -> usize {
        let bytes = text.as_bytes();
        let count = |from: usize| count_chars(bytes.get(from..offset).unwrap_or(&[]));
        let block = offset / BLOCK;
        match self.chars_before.get(block) {
            Some(&n) => n as usize + count(block * BLOCK),
            None => count(0),
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line containing byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte range of 0-based line `line`, without its line terminator.
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.starts.get(line).copied().unwrap_or(text.len() as u32) as usize;
        let mut end = self
            .starts
            .get(line + 1)
            .map(|&s| s as usize)
            .unwrap_or(text.len());
        let bytes = text.as_bytes();
        while end > start && (bytes[end - 1] == b'\n' || bytes[end - 1] == b'\r') {
            end -= 1;
        }
        start..end
    }

    /// 1-based line and 1-based column in Unicode code points of byte `offset`.
    pub fn line_col(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.starts[line] as usize;
        let mut off = offset;
        while off > start && !text.is_char_boundary(off) {
            off -= 1;
        }
        let col = if off - start <= BLOCK {
            count_chars(&text.as_bytes()[start..off])
        } else {
            self.chars_to(text, off) - self.chars_to(text, start)
        } + 1;
        (line as u32 + 1, col as u32)
    }
}

/// A file ready for analysis.
#[derive(Debug)]
pub struct Source {
    /// Path as displayed (relative to the working directory when possible, `/` separators).
    pub display_path: String,
    pub language: Language,
    /// The analysed text: the file decoded (lossily where it is not UTF-8, BOM removed); for
    /// notebooks, the joined code cells.
    pub text: String,
    pub lines: LineIndex,
    /// Set for notebooks.
    pub notebook: Option<Notebook>,
    /// For notebooks, the raw JSON (where the text rules look for secrets in outputs).
    pub raw: Option<String>,
}

impl Source {
    pub fn new(display_path: String, language: Language, text: String) -> Self {
        let lines = LineIndex::new(&text);
        Source {
            display_path,
            language,
            text,
            lines,
            notebook: None,
            raw: None,
        }
    }

    /// 1-based (line, column) of a byte offset in `text`.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        self.lines.line_col(&self.text, offset)
    }

    /// The text of 1-based line `line`.
    pub fn line_text(&self, line: u32) -> &str {
        if line == 0 || line as usize > self.lines.line_count() {
            return "";
        }
        let r = self.lines.line_range(&self.text, line as usize - 1);
        &self.text[r]
    }

    /// Where 1-based `line` of the analysed text came from in a notebook.
    pub fn cell_line(&self, line: u32) -> Option<CellLine> {
        let nb = self.notebook.as_ref()?;
        nb.cell_of_line.get(line.checked_sub(1)? as usize).copied()
    }
}

/// Decodes file bytes: strips a UTF-8 BOM, transcodes UTF-16 with a BOM, and replaces invalid
/// UTF-8 sequences (spans then refer to the decoded text).
pub fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    let utf16 = |le: bool, rest: &[u8]| {
        let units = rest.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(true, rest);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(false, rest);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// A language family, as the packs' `languages` lists name it: the rules of a family run on
/// every language of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    Python,
    TypeScript,
    JavaScript,
    Rust,
    /// Any text file: only the text rules (secrets) run.
    Text,
}

impl Family {
    pub const ALL: [Family; 5] = [
        Family::Python,
        Family::TypeScript,
        Family::JavaScript,
        Family::Rust,
        Family::Text,
    ];

    /// The name the packs use.
    pub fn name(self) -> &'static str {
        match self {
            Family::Python => "python",
            Family::TypeScript => "typescript",
            Family::JavaScript => "javascript",
            Family::Rust => "rust",
            Family::Text => "text",
        }
    }

    /// The family a pack names.
    pub fn parse(name: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Position in [`Family::ALL`], for tables indexed by family.
    pub fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests;
