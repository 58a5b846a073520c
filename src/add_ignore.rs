//! `--add-ignore[=REASON]`: write an `aiguard: ignore[...]` comment above every current finding,
//! as ruff's `--add-noqa` does.
//!
//! The comment goes on its own line above the first line of the smallest statement holding the
//! finding (the line a comment must target to cover a multi-line statement, see
//! [`crate::suppress`]), with that line's indentation. A line that already carries an
//! `aiguard: ignore[...]` comment aimed at the same line gets the new codes merged into it
//! instead of a second comment. Notebooks are not supported (the comment would have to go into a
//! cell's JSON string), nor are files that cannot hold a `#` or `//` comment (JSON).

use crate::finding::Finding;
use crate::source::{Language, Source};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What `--add-ignore` did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Comments written or extended, one per target line.
    pub added: usize,
    /// Files changed.
    pub files: usize,
    /// Findings that got a comment.
    pub covered: Vec<Finding>,
    /// Findings left alone, with a reason per file.
    pub left: Vec<Finding>,
    pub notes: Vec<String>,
}

/// Whether a non-code file takes `#` comments.
fn hash_comment_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    matches!(
        ext,
        "toml" | "yaml" | "yml" | "txt" | "cfg" | "ini" | "env" | "in" | "sh"
    ) || name.starts_with(".env")
}

/// Add suppression comments for `findings` (display paths relative to the working directory).
pub fn add(findings: Vec<Finding>, reason: Option<&str>) -> Outcome {
    let mut by_file: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
    for f in findings {
        by_file.entry(f.location.path.clone()).or_default().push(f);
    }
    let mut out = Outcome::default();
    for (path, fs) in by_file {
        let language = Language::from_path(Path::new(&path));
        let refuse = match language {
            _ if path == "-" => Some("standard input cannot be edited"),
            Language::Notebook => Some("notebooks are not supported by --add-ignore"),
            Language::Text if !hash_comment_file(&path) => {
                Some("this kind of file cannot hold an aiguard comment")
            }
            _ => None,
        };
        if let Some(why) = refuse {
            out.notes.push(format!(
                "{path}: {why}; left {} finding(s) as they are",
                fs.len()
            ));
            out.left.extend(fs);
            continue;
        }
        match edit_file(&path, language, &fs, reason) {
            Ok(0) => out.left.extend(fs),
            Ok(n) => {
                out.added += n;
                out.files += 1;
                out.covered.extend(fs);
            }
            Err(e) => {
                out.notes.push(format!("{path}: {e}"));
                out.left.extend(fs);
            }
        }
    }
    out
}

fn edit_file(
    path: &str,
    language: Language,
    findings: &[Finding],
    reason: Option<&str>,
) -> Result<usize, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| "not UTF-8: left unchanged (--add-ignore rewrites UTF-8 files only)")?;
    let source = Source::new(path.to_string(), language, text.clone());
    let stmts = if language == Language::Text {
        Vec::new()
    } else {
        let mut module = crate::lang::parse(&source);
        crate::resolve::resolve(&mut module);
        module.statement_lines(&source.lines)
    };
    // Target line -> codes to add there.
    let mut targets: BTreeMap<u32, BTreeSet<&str>> = BTreeMap::new();
    for f in findings {
        let line = f.location.line;
        let target = stmts
            .iter()
            .copied()
            .filter(|&(a, b)| a <= line && line <= b)
            .min_by_key(|&(a, b)| b - a)
            .map_or(line, |(a, _)| a);
        targets.entry(target).or_default().insert(f.rule_id);
    }
    let prefix = language.comment_prefix();
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut lines: Vec<String> = split_lines(&text);
    let mut added = 0;
    // From the bottom up, so earlier line numbers stay valid.
    for (&target, codes) in targets.iter().rev() {
        let idx = target as usize - 1;
        if idx >= lines.len() {
            continue;
        }
        // An own-line directive right above (stacked comments included), or one at the end of
        // the line itself.
        let mut merged = false;
        let mut above = idx;
        while above > 0 && lines[above - 1].trim_start().starts_with(prefix) {
            above -= 1;
            if let Some(new) = merge(&lines[above], prefix, codes, reason) {
                if new != lines[above] {
                    lines[above] = new;
                    added += 1;
                }
                merged = true;
                break;
            }
        }
        if !merged {
            if let Some(new) = merge(&lines[idx], prefix, codes, reason) {
                if new != lines[idx] {
                    lines[idx] = new;
                    added += 1;
                }
                merged = true;
            }
        }
        if merged {
            continue;
        }
        let line = &lines[idx];
        let indent: String = line
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let list: Vec<&str> = codes.iter().copied().collect();
        let mut comment = format!("{indent}{prefix} aiguard: ignore[{}]", list.join(", "));
        if let Some(r) = reason.filter(|r| !r.trim().is_empty()) {
            comment.push(' ');
            comment.push_str(r.trim());
        }
        lines.insert(idx, comment);
        added += 1;
    }
    if added > 0 {
        let mut new = lines.join(newline);
        if text.ends_with('\n') {
            new.push_str(newline);
        }
        std::fs::write(path, new).map_err(|e| format!("cannot write: {e}"))?;
    }
    Ok(added)
}

/// Lines without their terminators.
fn split_lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

/// `line` with `codes` merged into its `aiguard: ignore[...]` comment, or `None` when it has no
/// such comment (or only a bare or unreadable one, which is left alone).
fn merge(line: &str, prefix: &str, codes: &BTreeSet<&str>, reason: Option<&str>) -> Option<String> {
    let at = line.find(prefix)?;
    let comment = &line[at..];
    let key = comment.find("aiguard:")?;
    let after_key = &comment[key + "aiguard:".len()..];
    let rest = after_key.trim_start().strip_prefix("ignore")?;
    let open = rest.strip_prefix('[')?;
    let close = open.find(']')?;
    let list = &open[..close];
    let tail = &open[close + 1..];
    let mut present: Vec<String> = list
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    for c in codes {
        if !present.iter().any(|p| p.eq_ignore_ascii_case(c)) {
            present.push((*c).to_string());
        }
    }
    let mut tail = tail.to_string();
    if tail.trim().is_empty() {
        if let Some(r) = reason.filter(|r| !r.trim().is_empty()) {
            tail = format!(" {}", r.trim());
        }
    }
    // Byte offset of `[` in `line`.
    let bracket = line.len() - open.len() - 1;
    Some(format!(
        "{}[{}]{tail}",
        &line[..bracket],
        present.join(", ")
    ))
}

#[cfg(test)]
mod tests;
