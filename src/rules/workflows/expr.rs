//! GitHub expressions: the `${{ ... }}` of a value, the context references inside one
//! (`github.event.issue.body`, `steps.ai.outputs.response`), and what an `if:` condition admits
//! (trusted-author guards).

use crate::spec::workflows::WorkflowSettings;
use std::collections::BTreeSet;
use std::ops::Range;

/// The `${{ ... }}` expressions of a value: (range of the whole `${{ ... }}`, range of its inside).
pub fn expressions(value: &str) -> Vec<(Range<usize>, Range<usize>)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = value[from..].find("${{").map(|i| i + from) {
        let inner = open + 3;
        let Some(close) = value[inner..].find("}}").map(|i| i + inner) else {
            break;
        };
        out.push((open..close + 2, inner..close));
        from = close + 2;
    }
    out
}

/// A context reference inside an expression, lowercased, with indexes as `.key` (`['body']`) or
/// `.*` (`[0]`): (its range in the expression, its segments).
pub fn references(expr: &str) -> Vec<(Range<usize>, Vec<String>)> {
    let bytes = expr.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let ident_start = |b: u8| b.is_ascii_alphabetic() || b == b'_';
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\'' {
            // A string literal: its text is no reference.
            i += 1;
            while i < bytes.len() && bytes[i] != b'\'' {
                i += 1;
            }
            i += 1;
            continue;
        }
        let after_word = i > 0 && (ident(bytes[i - 1]) || bytes[i - 1] == b'.');
        if !ident_start(b) || after_word {
            i += 1;
            continue;
        }
        let start = i;
        let mut segments = Vec::new();
        let mut seg_start = i;
        while i < bytes.len() && ident(bytes[i]) {
            i += 1;
        }
        segments.push(expr[seg_start..i].to_ascii_lowercase());
        loop {
            if i < bytes.len() && bytes[i] == b'.' {
                i += 1;
                seg_start = i;
                while i < bytes.len() && (ident(bytes[i]) || bytes[i] == b'*') {
                    i += 1;
                }
                if i == seg_start {
                    break;
                }
                segments.push(expr[seg_start..i].to_ascii_lowercase());
            } else if i < bytes.len() && bytes[i] == b'[' {
                let Some(close) = expr[i..].find(']').map(|c| c + i) else {
                    break;
                };
                let key = expr[i + 1..close].trim();
                let quoted = key.len() >= 2 && key.starts_with('\'') && key.ends_with('\'');
                segments.push(if quoted {
                    key[1..key.len() - 1].to_ascii_lowercase()
                } else {
                    "*".to_string()
                });
                i = close + 1;
            } else {
                break;
            }
        }
        // A function's name is no reference.
        let called = expr[i..].trim_start().starts_with('(');
        if !called {
            out.push((start..i, segments));
        }
    }
    out
}

fn segments_match(pattern: &[String], path: &[String]) -> bool {
    pattern.len() == path.len()
        && pattern
            .iter()
            .zip(path)
            .all(|(p, s)| p == "*" || s == "*" || p == s)
}

/// Outsider-written event text a reference holds: the matching `untrusted` entry's entity, or
/// `None`. An object holding such text (`github.event.issue`) holds it too.
pub fn untrusted_entity(path: &[String], settings: &WorkflowSettings) -> Option<String> {
    for pattern in &settings.untrusted {
        let segs: Vec<String> = pattern.split('.').map(str::to_string).collect();
        let whole = segments_match(&segs, path);
        let holds = path.len() < segs.len() && segments_match(&segs[..path.len()], path);
        if whole || holds {
            return Some(entity_of(pattern, path, settings));
        }
    }
    None
}

fn entity_of(pattern: &str, path: &[String], settings: &WorkflowSettings) -> String {
    if let Some(e) = settings.aliases.get(pattern) {
        return e.clone();
    }
    match path {
        [g, e, entity, ..] if g == "github" && e == "event" => entity.clone(),
        // `github.event` or `github` whole: anyone's.
        _ => "*".to_string(),
    }
}

/// Whether a reference names one of `refs` (dotted, any case).
pub fn names_any(path: &[String], refs: &[String]) -> bool {
    let joined = path.join(".");
    refs.iter().any(|r| r.eq_ignore_ascii_case(&joined))
}

/// The entities whose text an `if:` condition admits only from trusted people when the workflow
/// runs for `event` (unknown for a reusable workflow): every way the condition can hold checks
/// them. `"*"` stands for every entity: the condition cannot hold for this event at all.
pub fn guarded(
    condition: &str,
    settings: &WorkflowSettings,
    event: Option<&str>,
) -> BTreeSet<String> {
    let cond = condition.replace("${{", " ").replace("}}", " ");
    let mut parser = Parser {
        s: cond.as_bytes(),
        text: &cond,
        i: 0,
        settings,
        event,
    };
    parser.or().unwrap_or_default()
}

fn never() -> BTreeSet<String> {
    ["*".to_string()].into()
}

/// Guards of `a && b`: either's.
fn union(mut a: BTreeSet<String>, b: BTreeSet<String>) -> BTreeSet<String> {
    if a.contains("*") || b.contains("*") {
        return never();
    }
    a.extend(b);
    a
}

/// Guards of `a || b`: both's.
fn intersection(a: BTreeSet<String>, b: BTreeSet<String>) -> BTreeSet<String> {
    if a.contains("*") {
        return b;
    }
    if b.contains("*") {
        return a;
    }
    a.intersection(&b).cloned().collect()
}

/// Whether `entity`'s text is admitted only from trusted people under these guards.
pub fn covers(guards: &BTreeSet<String>, entity: &str) -> bool {
    guards.contains("*") || guards.contains(entity)
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    settings: &'a WorkflowSettings,
    event: Option<&'a str>,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, op: &str) -> bool {
        self.skip_ws();
        if self.text[self.i..].starts_with(op) {
            self.i += op.len();
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Option<BTreeSet<String>> {
        let mut acc = self.and()?;
        while self.eat("||") {
            let next = self.and()?;
            acc = intersection(acc, next);
        }
        Some(acc)
    }

    fn and(&mut self) -> Option<BTreeSet<String>> {
        let mut acc = self.unary()?;
        while self.eat("&&") {
            let next = self.unary()?;
            acc = union(acc, next);
        }
        Some(acc)
    }

    fn unary(&mut self) -> Option<BTreeSet<String>> {
        self.skip_ws();
        if self.text[self.i..].starts_with('!') && !self.text[self.i..].starts_with("!=") {
            let start = self.i;
            self.i += 1;
            let inner = self.unary()?;
            // `!github.event.pull_request.head.repo.fork` is a check of its own; otherwise a
            // negation admits what its operand did not check, so it guards nothing, unless
            // its operand always holds for this event.
            if let Some(entity) = same_repo(&self.text[start..self.i], self.settings) {
                return Some([entity].into());
            }
            return Some(
                if inner.is_empty() && self.always(&self.text[start + 1..self.i]) {
                    never()
                } else {
                    BTreeSet::new()
                },
            );
        }
        if self.eat("(") {
            let inner = self.or()?;
            self.eat(")");
            return Some(inner);
        }
        let start = self.i;
        let mut depth = 0usize;
        while self.i < self.s.len() {
            let c = self.s[self.i];
            match c {
                b'\'' => {
                    self.i += 1;
                    while self.i < self.s.len() && self.s[self.i] != b'\'' {
                        self.i += 1;
                    }
                }
                b'(' => depth += 1,
                b')' if depth == 0 => break,
                b')' => depth -= 1,
                b'&' | b'|' if depth == 0 && self.s.get(self.i + 1) == Some(&c) => break,
                _ => {}
            }
            self.i += 1;
        }
        if self.i == start {
            return None;
        }
        Some(atom_guards(
            &self.text[start..self.i],
            self.settings,
            self.event,
        ))
    }

    /// Whether an operand is `github.event_name == '<this event>'`.
    fn always(&self, operand: &str) -> bool {
        event_test(operand, self.event) == Some(true)
    }
}

/// The entity a same-repository check clears.
fn same_repo(atom: &str, settings: &WorkflowSettings) -> Option<String> {
    let squeezed: String = atom.chars().filter(|c| !c.is_whitespace()).collect();
    let squeezed = squeezed.trim_start_matches('(').trim_end_matches(')');
    settings
        .same_repo
        .iter()
        .find(|(s, _)| s.eq_ignore_ascii_case(squeezed))
        .map(|(_, entity)| entity.clone())
}

/// The quoted literals of a condition, and the strings inside a `fromJSON('[...]')` list.
fn literals(atom: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, part) in atom.split('\'').enumerate() {
        if i % 2 == 1 {
            if part.trim_start().starts_with('[') {
                out.extend(
                    part.split('"')
                        .enumerate()
                        .filter(|(j, _)| j % 2 == 1)
                        .map(|(_, s)| s.to_string()),
                );
            } else {
                out.push(part.to_string());
            }
        }
    }
    out
}

/// For `github.event_name == 'x'` (or `!=`), whether it holds when the workflow runs for
/// `event`; `None` for any other condition or an unknown event.
fn event_test(atom: &str, event: Option<&str>) -> Option<bool> {
    let event = event?;
    let names_event = references(atom)
        .iter()
        .any(|(_, p)| p.len() == 2 && p[0] == "github" && p[1] == "event_name");
    if !names_event || atom.contains("contains(") {
        return None;
    }
    let lits = literals(atom);
    let [name] = lits.as_slice() else {
        return None;
    };
    let equal = name.eq_ignore_ascii_case(event);
    if atom.contains("!=") {
        Some(!equal)
    } else if atom.contains("==") {
        Some(equal)
    } else {
        None
    }
}

/// What one comparison or call of a condition guards.
fn atom_guards(atom: &str, settings: &WorkflowSettings, event: Option<&str>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Some(entity) = same_repo(atom, settings) {
        out.insert(entity);
        return out;
    }
    match event_test(atom, event) {
        Some(false) => return never(),
        Some(true) => return out,
        None => {}
    }
    if atom.contains("!=") {
        return out;
    }
    let lits = literals(atom);
    for (_, path) in references(atom) {
        let last = path.last().map(String::as_str);
        if last == Some("author_association") && path.len() == 4 && path[1] == "event" {
            let trusted = !lits.is_empty()
                && lits.iter().all(|l| {
                    settings
                        .trusted_associations
                        .iter()
                        .any(|t| t.eq_ignore_ascii_case(l))
                });
            // The check needs the entity: on an event without it, the condition never holds.
            let absent = event
                .and_then(|e| settings.event_entities.get(e))
                .is_some_and(|carried| !carried.contains(&path[2]));
            if trusted && absent {
                return never();
            }
            if trusted {
                out.insert(path[2].clone());
            }
        }
        let compared = atom.contains("==") && !lits.is_empty();
        if compared && names_any(&path, &settings.actor_refs) {
            out.extend(settings.actor_entities.iter().cloned());
        }
        if compared && path.len() == 5 && path[1] == "event" && path[3] == "user" {
            out.insert(path[2].clone());
        }
    }
    out
}

#[cfg(test)]
mod tests;
