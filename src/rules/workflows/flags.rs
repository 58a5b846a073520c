//! What leaves an agent unrestricted (AIG902): tool allow-lists that allow any shell command,
//! switches that turn approvals or the sandbox off.

use crate::spec::workflows::AgentCli;
use std::ops::Range;

/// A word of a command line or an input: its range in the value and its text.
pub type Arg<'a> = (Range<usize>, &'a str);

/// The unrestricted switches and tools among a command line's words, as (range, what).
pub fn unrestricted_args(args: &[Arg], cli: &AgentCli) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    for (i, (range, word)) in args.iter().enumerate() {
        let next = args.get(i + 1).map(|(_, w)| *w);
        for flag in &cli.unrestricted_flags {
            let hit = match flag.split_once(' ') {
                Some((name, value)) => {
                    (*word == name && next == Some(value)) || *word == format!("{name}={value}")
                }
                None => word == flag,
            };
            if hit {
                out.push((range.clone(), flag.clone()));
            }
        }
        for flag in &cli.tool_flags {
            let inline = word
                .strip_prefix(flag.as_str())
                .and_then(|r| r.strip_prefix('='));
            let lists: Vec<&Arg> = match inline {
                Some(_) => vec![&args[i]],
                None if word == flag => args[i + 1..]
                    .iter()
                    .take_while(|(_, w)| !w.starts_with('-'))
                    .collect(),
                None => continue,
            };
            for (range, list) in lists {
                let list = list
                    .strip_prefix(flag.as_str())
                    .map_or(*list, |r| r.trim_start_matches('='));
                if let Some(tool) = unrestricted_tool(list, &cli.unrestricted_tools) {
                    out.push((range.clone(), tool));
                }
            }
        }
    }
    out
}

/// The first unrestricted tool of an allow-list (`Read,Bash`, a JSON list, a YAML list).
pub fn unrestricted_tool(list: &str, unrestricted: &[String]) -> Option<String> {
    tool_names(list)
        .map(|(_, t)| t)
        .find(|t| unrestricted.iter().any(|u| u == t))
        .map(str::to_string)
}

/// The names of an allow-list with their ranges: split at commas, spaces, quotes and brackets
/// (but not inside a tool's own parentheses: `Bash(git log:*)`).
pub fn tool_names(list: &str) -> impl Iterator<Item = (Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut depth = 0usize;
    for (i, c) in list.char_indices() {
        let splits = depth == 0 && (c == ',' || c.is_whitespace() || "\"'[]{}:".contains(c));
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if splits {
            if let Some(s) = start.take() {
                out.push((s..i, &list[s..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s..list.len(), &list[s..]));
    }
    out.into_iter()
}

/// The words of an input holding command-line arguments (`claude_args`), split at spaces
/// outside quotes, with quotes removed: (range of the word, text).
pub fn args_words(value: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let mut word: Option<(usize, String)> = None;
    let mut quote: Option<char> = None;
    for (i, c) in value.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => {
                quote = Some(c);
                word.get_or_insert((i, String::new()));
            }
            (None, c) if c.is_whitespace() || c == '\\' => {
                if let Some((start, text)) = word.take() {
                    out.push((start..i, text));
                }
            }
            (_, c) => word.get_or_insert((i, String::new())).1.push(c),
        }
    }
    if let Some((start, text)) = word {
        out.push((start..value.len(), text));
    }
    // A JSON list of arguments (`["--yolo", "-m", "x"]`) gives its words with brackets and commas.
    for (_, text) in &mut out {
        *text = text
            .trim_matches(|c| c == '[' || c == ']' || c == ',')
            .to_string();
    }
    out
}

#[cfg(test)]
mod tests;
