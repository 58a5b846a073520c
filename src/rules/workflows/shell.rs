//! A `run:` script read as far as the workflow rules need: its commands (with `$(...)` nested
//! inside the words that hold them), pipes, variable uses, assignments, heredocs and what it
//! writes to `$GITHUB_OUTPUT`. Not a shell parser: enough structure to tell `claude -p "$BODY"`
//! from `echo "$BODY"`, and `eval "$(gemini -p ...)"` from `echo "$(gemini -p ...)"`.

use std::ops::Range;

/// A word of a command, quotes removed from `text`.
#[derive(Debug, Clone)]
pub struct Word {
    pub range: Range<usize>,
    pub text: String,
}

/// One simple command: its words at its own nesting depth, its extent (nested commands
/// included), and the command it reads from through a pipe.
#[derive(Debug, Clone)]
pub struct Command {
    pub words: Vec<Word>,
    pub range: Range<usize>,
    pub piped_from: Option<usize>,
}

impl Command {
    /// The program it runs, past assignments and wrappers (`sudo`, `npx -y`, `env X=1`).
    pub fn program(&self, wrappers: &[String]) -> Option<(usize, &Word)> {
        let mut after_wrapper = false;
        for (i, w) in self.words.iter().enumerate() {
            let wrapper = wrappers.contains(&w.text);
            // A wrapper's own options and numbers (`npx -y`, `timeout 300`).
            let wrapper_arg = after_wrapper
                && (w.text.starts_with('-') || w.text.starts_with(|c: char| c.is_ascii_digit()));
            let skip = is_assignment(&w.text) || DECLARERS.contains(&w.text.as_str());
            if !(wrapper || wrapper_arg || skip) {
                return Some((i, w));
            }
            after_wrapper |= wrapper;
        }
        None
    }

    /// The name an assignment command (`NAME=...`, `export NAME=...`) sets.
    pub fn assigned(&self) -> Option<&str> {
        let first = self
            .words
            .iter()
            .find(|w| !DECLARERS.contains(&w.text.as_str()))?;
        let (name, _) = first.text.split_once('=')?;
        is_name(name).then_some(name)
    }
}

const DECLARERS: &[&str] = &["export", "local", "declare", "readonly", "typeset"];

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(n, _)| is_name(n))
}

/// `$NAME` or `${NAME...}` in the script (not inside single quotes).
#[derive(Debug, Clone)]
pub struct VarUse {
    pub range: Range<usize>,
    pub name: String,
}

/// Commands are listed in the order they finish: a `$(...)` before the command holding it, so
/// reading them in order sees what an assignment captures before the assignment.
#[derive(Debug, Default)]
pub struct Script {
    pub commands: Vec<Command>,
    pub vars: Vec<VarUse>,
}

#[derive(Clone, Copy, PartialEq)]
enum Quote {
    None,
    Single,
    Double,
}

/// One nesting level: the top, or the inside of a `$(...)` / `<(...)`.
struct Level {
    quote: Quote,
    words: Vec<Word>,
    word: Option<(usize, String)>,
    start: Option<usize>,
    /// The command that pipes into the one being read.
    piped_from: Option<usize>,
}

impl Level {
    fn new() -> Self {
        Level {
            quote: Quote::None,
            words: Vec::new(),
            word: None,
            start: None,
            piped_from: None,
        }
    }

    fn push_char(&mut self, at: usize, c: char) {
        self.start.get_or_insert(at);
        match &mut self.word {
            Some((_, text)) => text.push(c),
            None => self.word = Some((at, c.to_string())),
        }
    }

    /// Marks the word as begun (a quote opens a word even if it stays empty).
    fn touch(&mut self, at: usize) {
        self.start.get_or_insert(at);
        if self.word.is_none() {
            self.word = Some((at, String::new()));
        }
    }

    fn end_word(&mut self, at: usize) {
        if let Some((start, text)) = self.word.take() {
            self.words.push(Word {
                range: start..at,
                text,
            });
        }
    }

    /// Ends the current command at `at`; returns its index in `out`, if it had words.
    fn end_command(&mut self, at: usize, out: &mut Vec<Command>) -> Option<usize> {
        self.end_word(at);
        let start = self.start.take()?;
        if self.words.is_empty() {
            return None;
        }
        out.push(Command {
            words: std::mem::take(&mut self.words),
            range: start..at,
            piped_from: self.piped_from.take(),
        });
        Some(out.len() - 1)
    }
}

/// Reads a script.
pub fn read(script: &str) -> Script {
    let bytes = script.as_bytes();
    let mut out = Script::default();
    let mut levels = vec![Level::new()];
    // Heredocs announced on the current line: (delimiter, expands variables).
    let mut pending_heredocs: Vec<(String, bool)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = script[i..].chars().next().unwrap_or(' ');
        let len = c.len_utf8();
        let nested = levels.len() > 1;
        let level = levels.last_mut().expect("a level");
        match (level.quote, c) {
            (Quote::Single, '\'') => level.quote = Quote::None,
            (Quote::Single, _) => level.push_char(i, c),
            (Quote::Double, '"') => level.quote = Quote::None,
            (Quote::None, '\'') => {
                level.touch(i);
                level.quote = Quote::Single;
            }
            (Quote::None, '"') => {
                level.touch(i);
                level.quote = Quote::Double;
            }
            (_, '\\') if i + 1 < bytes.len() => {
                let next = script[i + 1..].chars().next().unwrap_or(' ');
                if next != '\n' {
                    level.push_char(i, next);
                }
                i += 1 + next.len_utf8();
                continue;
            }
            (_, '$') if bytes.get(i + 1) == Some(&b'(') && bytes.get(i + 2) != Some(&b'(') => {
                level.touch(i);
                levels.push(Level::new());
                i += 2;
                continue;
            }
            // A workflow expression, pasted in before the shell runs: one piece of a word.
            (_, '$') if script[i..].starts_with("${{") => {
                let end = script[i..].find("}}").map_or(bytes.len(), |j| i + j + 2);
                for (k, ch) in script[i..end].char_indices() {
                    level.push_char(i + k, ch);
                }
                i = end;
                continue;
            }
            (_, '$') => match var_at(script, i) {
                Some(var) => {
                    for (k, ch) in script[i..var.range.end].char_indices() {
                        level.push_char(i + k, ch);
                    }
                    i = var.range.end;
                    out.vars.push(var);
                    continue;
                }
                None => level.push_char(i, '$'),
            },
            (Quote::None, '<' | '>') if bytes.get(i + 1) == Some(&b'(') => {
                level.touch(i);
                levels.push(Level::new());
                i += 2;
                continue;
            }
            (Quote::None, ')') if nested => {
                let mut inner = levels.pop().expect("nested level");
                inner.end_command(i, &mut out.commands);
                levels.last_mut().expect("outer level").push_char(i, ')');
            }
            (Quote::None, '#') if level.word.is_none() => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            (Quote::None, '<')
                if script[i..].starts_with("<<") && !script[i..].starts_with("<<<") =>
            {
                let (delim, expands, used) = heredoc_delimiter(&script[i + 2..]);
                level.end_word(i);
                if !delim.is_empty() {
                    pending_heredocs.push((delim, expands));
                }
                i += 2 + used;
                continue;
            }
            // A heredoc's body starts on the next line, in a `$(...)` too.
            (Quote::None, '\n') => {
                level.end_command(i, &mut out.commands);
                i += 1;
                for (delim, expands) in pending_heredocs.drain(..) {
                    i = skip_heredoc(script, i, &delim, expands, &mut out.vars);
                }
                continue;
            }
            // `2>&1` is a redirection, not a background command.
            (Quote::None, '&') if i > 0 && matches!(bytes[i - 1], b'>' | b'<') => {
                level.push_char(i, c);
            }
            (Quote::None, ';' | '&' | '(' | '{' | '}') => {
                level.end_command(i, &mut out.commands);
            }
            (Quote::None, '|') => {
                let piped = bytes.get(i + 1) != Some(&b'|');
                let ended = level.end_command(i, &mut out.commands);
                if piped {
                    level.piped_from = ended;
                } else {
                    i += 1;
                }
            }
            (Quote::None, ' ' | '\t' | '\r') => level.end_word(i),
            _ => level.push_char(i, c),
        }
        i += len;
    }
    while let Some(mut level) = levels.pop() {
        level.end_command(bytes.len(), &mut out.commands);
    }
    out
}

/// The variable used at `$` (at `i`): `$NAME`, `${NAME}`, `${NAME:-x}`.
fn var_at(script: &str, i: usize) -> Option<VarUse> {
    let rest = &script[i + 1..];
    let (name_start, braced) = if rest.starts_with('{') {
        (i + 2, true)
    } else {
        (i + 1, false)
    };
    let name_len = script[name_start..]
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    if name_len == 0 || script.as_bytes()[name_start].is_ascii_digit() {
        return None;
    }
    let mut end = name_start + name_len;
    if braced {
        end = script[end..].find('}').map_or(end, |j| end + j + 1);
    }
    Some(VarUse {
        range: i..end,
        name: script[name_start..name_start + name_len].to_string(),
    })
}

/// A heredoc's delimiter after `<<`: (delimiter, whether the body expands, bytes read).
fn heredoc_delimiter(after: &str) -> (String, bool, usize) {
    let mut used = 0;
    let rest = after
        .strip_prefix('-')
        .inspect(|_| used += 1)
        .unwrap_or(after);
    let trimmed = rest.trim_start_matches([' ', '\t']);
    used += rest.len() - trimmed.len();
    let quoted = trimmed.starts_with(['\'', '"']);
    let body = trimmed.trim_start_matches(['\'', '"']);
    used += trimmed.len() - body.len();
    let len = body
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        .count();
    let delim = body[..len].to_string();
    used += len;
    if quoted && after[used..].starts_with(['\'', '"']) {
        used += 1;
    }
    (delim, !quoted, used)
}

/// Skips a heredoc body starting at `i`, recording its variable uses when it expands; returns
/// where the script goes on.
fn skip_heredoc(
    script: &str,
    mut i: usize,
    delim: &str,
    expands: bool,
    vars: &mut Vec<VarUse>,
) -> usize {
    while i < script.len() {
        let end = script[i..].find('\n').map_or(script.len(), |j| i + j);
        let line = &script[i..end];
        if line.trim() == delim {
            return (end + 1).min(script.len());
        }
        if expands {
            let mut j = i;
            while let Some(k) = script[j..end].find('$').map(|k| j + k) {
                if let Some(v) = var_at(script, k) {
                    j = v.range.end.max(k + 1);
                    vars.push(v);
                } else {
                    j = k + 1;
                }
            }
        }
        i = end + 1;
    }
    script.len()
}

#[cfg(test)]
mod tests;
