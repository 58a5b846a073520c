//! `[[fix]]` tables: the mechanical edit that fixes a finding on a call, for `--fix`.
//!
//! A table names the rules and calls it fixes and one change:
//! - `add_keyword = "weights_only=True"` appends a keyword argument (not when the call already
//!   passes that keyword: its value is the author's choice);
//! - `rename_method = "safe_load"` renames the called method (`yaml.load` -> `yaml.safe_load`,
//!   keeping the receiver as written), dropping the keywords in `drop_keywords` (`Loader=...`).
//!   A bare imported name (`from yaml import load`) is not renamed: that would need an import.
//!
//! Fixes apply to findings whose span is exactly a matching call.

use crate::finding::{Edit, Hit};
use crate::ir::{Call, ExprKind, Module};
use crate::spec::fixes::{Change, Fix};
use std::collections::HashMap;

/// Give each hit on a call the edit of the first table that fixes it.
pub fn attach(fixes: &[Fix], module: &Module, text: &str, hits: &mut [Hit]) {
    if fixes.is_empty()
        || !hits
            .iter()
            .any(|h| fixes.iter().any(|f| f.rules.iter().any(|r| r == h.rule_id)))
    {
        return;
    }
    let mut calls: HashMap<(u32, u32), &Call> = HashMap::new();
    module.walk_exprs(&mut |e| {
        if let ExprKind::Call(c) = &e.kind {
            calls.insert((e.span.start, e.span.end), c);
        }
    });
    for hit in hits.iter_mut().filter(|h| h.fix.is_none() && !h.in_raw) {
        let Some(call) = calls.get(&(hit.span.start, hit.span.end)) else {
            continue;
        };
        let Some(name) = call.qualified.as_deref() else {
            continue;
        };
        hit.fix = fixes
            .iter()
            .filter(|f| f.rules.iter().any(|r| r == hit.rule_id))
            .filter(|f| f.calls.iter().any(|g| g.matches(name)))
            .find_map(|f| edit(&f.change, call, hit.span.end as usize, text));
    }
}

fn edit(change: &Change, call: &Call, call_end: usize, text: &str) -> Option<Edit> {
    match change {
        Change::AddKeyword(keyword) => {
            let name = keyword.split('=').next().unwrap_or(keyword).trim();
            if call.args.iter().any(|a| a.name.as_deref() == Some(name)) {
                return None;
            }
            let (at, text) = match call.args.last() {
                Some(last) => (last.span.end as usize, format!(", {keyword}")),
                None => (call_end.checked_sub(1)?, keyword.clone()),
            };
            Some(Edit {
                start: at,
                end: at,
                text,
            })
        }
        Change::RenameMethod { to, drop } => {
            let ExprKind::Attribute { attr, .. } = &call.callee.kind else {
                return None;
            };
            let callee_end = call.callee.span.end as usize;
            let start = callee_end.checked_sub(attr.len())?;
            if text.get(start..callee_end)? != &**attr {
                return None;
            }
            let mut args = Vec::new();
            for a in &call.args {
                if a.name
                    .as_deref()
                    .is_some_and(|n| drop.iter().any(|d| d == n))
                {
                    continue;
                }
                args.push(text.get(a.span.range())?);
            }
            Some(Edit {
                start,
                end: call_end,
                text: format!("{to}({})", args.join(", ")),
            })
        }
    }
}
