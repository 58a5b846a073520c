//! `--fix`: apply the mechanical edits findings carry (`torch.load(x)` ->
//! `torch.load(x, weights_only=True)`), or with `--diff` show them as a unified diff without
//! writing, as Ruff does.

use crate::finding::{Edit, Finding};
use std::collections::BTreeMap;

/// What `--fix` did or would do.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Findings whose edit was applied (or would be, with `--diff`).
    pub fixed: Vec<Finding>,
    /// Findings left to report.
    pub left: Vec<Finding>,
    /// Files changed.
    pub files: usize,
    /// The unified diff, with `--diff`.
    pub diff: String,
    /// Files that could not be read or written.
    pub errors: Vec<String>,
}

/// Apply (or, with `dry_run`, only diff) the edits of `findings`, file by file.
pub fn apply(findings: Vec<Finding>, dry_run: bool) -> Outcome {
    let mut out = Outcome::default();
    let mut by_file: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
    for f in findings {
        if f.edit.is_some() {
            by_file.entry(f.location.path.clone()).or_default().push(f);
        } else {
            out.left.push(f);
        }
    }
    for (path, mut group) in by_file {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                out.errors.push(format!("{path}: {e}"));
                out.left.extend(group);
                continue;
            }
        };
        // From the end, so earlier offsets stay valid; an edit overlapping one already taken
        // waits for the next run.
        group.sort_by_key(|f| std::cmp::Reverse(f.edit.as_ref().map_or(0, |e| e.start)));
        let mut new = text.clone();
        let mut limit = usize::MAX;
        for f in group {
            let e = f.edit.as_ref().expect("grouped by having an edit");
            if e.end > limit || !applies(&new, e) {
                out.left.push(f);
                continue;
            }
            new.replace_range(e.start..e.end, &e.text);
            limit = e.start;
            out.fixed.push(f);
        }
        if new == text {
            continue;
        }
        out.files += 1;
        if dry_run {
            out.diff.push_str(&unified_diff(&path, &text, &new));
        } else if let Err(e) = std::fs::write(&path, &new) {
            out.errors.push(format!("{path}: {e}"));
        }
    }
    out
}

fn applies(text: &str, e: &Edit) -> bool {
    e.start <= e.end
        && e.end <= text.len()
        && text.is_char_boundary(e.start)
        && text.is_char_boundary(e.end)
}

/// A unified diff of the lines that changed, three lines of context, hunks merged when close.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    if a.len() != b.len() {
        // Edits never add lines today; if one does, show the whole file.
        out.push_str(&format!("@@ -1,{} +1,{} @@\n", a.len(), b.len()));
        a.iter().for_each(|l| push_line(&mut out, '-', l));
        b.iter().for_each(|l| push_line(&mut out, '+', l));
        return out;
    }
    let changed: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    let mut i = 0;
    while i < changed.len() {
        let start = changed[i].saturating_sub(3);
        let mut end = (changed[i] + 4).min(a.len());
        let mut j = i + 1;
        while j < changed.len() && changed[j].saturating_sub(3) <= end {
            end = (changed[j] + 4).min(a.len());
            j += 1;
        }
        let n = end - start;
        out.push_str(&format!("@@ -{},{n} +{},{n} @@\n", start + 1, start + 1));
        for k in start..end {
            if a[k] == b[k] {
                push_line(&mut out, ' ', a[k]);
            } else {
                push_line(&mut out, '-', a[k]);
                push_line(&mut out, '+', b[k]);
            }
        }
        i = j;
    }
    out
}

fn push_line(out: &mut String, mark: char, line: &str) {
    out.push(mark);
    out.push_str(line);
    if !line.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

#[cfg(test)]
mod tests;
