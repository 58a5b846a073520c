//! Named call-sets: a `[[call_set]]` table names a list of call globs once
//! (`name = "openai-chat"`, `calls = [...]`), and any list in any pack refers to it with an
//! inline-table element `{ set = "openai-chat" }`, expanded in place at load time, before the
//! packs are deserialized. A set's `calls` may refer to other sets. See docs/rule-packs.md.
//!
//! Named condition-sets work the same way: a `[[condition_set]]` names a list of conditions
//! (`conditions = [...]`), and a `when`, `unless` or `any` list refers to it with
//! `{ conditions = "model-http-call" }`, so one long URL test is written once.
//!
//! Pure functions over parsed packs: unknown names, cycles, sets never referenced and inline
//! tables that mix `set = "..."` with other keys are errors naming the pack file. An inline table
//! whose `set` is not a string (`{ arg = "timeout", set = true }`) is not a reference.

use std::collections::{BTreeMap, BTreeSet};
use toml::{Table, Value};

/// One kind of named list: its table, the key of its list, the key of a reference to it, what
/// messages call it and what its elements must be.
struct Named {
    table: &'static str,
    list: &'static str,
    reference: &'static str,
    what: &'static str,
    element: fn(&Value) -> bool,
    element_is: &'static str,
}

const CALL_SETS: Named = Named {
    table: "call_set",
    list: "calls",
    reference: "set",
    what: "call-set",
    element: |v| matches!(v, Value::String(_)),
    element_is: "a glob string",
};

const CONDITION_SETS: Named = Named {
    table: "condition_set",
    list: "conditions",
    reference: "conditions",
    what: "condition-set",
    element: |v| matches!(v, Value::Table(_)),
    element_is: "a condition",
};

/// The keys of a `[[call_set]]` table.
pub const KEYS: &[&str] = &["name", "calls", "summary"];

/// The keys of a `[[condition_set]]` table.
pub const CONDITION_SET_KEYS: &[&str] = &["name", "conditions", "summary"];

struct Set<'f> {
    file: &'f str,
    calls: Vec<Value>,
}

/// Take the `[[call_set]]` and `[[condition_set]]` tables out of the packs and expand every
/// `{ set = "..." }` and `{ conditions = "..." }` in place.
pub fn expand(packs: &mut [(&str, Table)]) -> Result<(), String> {
    expand_named(&CALL_SETS, packs)?;
    expand_named(&CONDITION_SETS, packs)
}

fn expand_named(kind: &Named, packs: &mut [(&str, Table)]) -> Result<(), String> {
    let what = kind.what;
    let mut sets: BTreeMap<String, Set> = BTreeMap::new();
    for (file, pack) in packs.iter_mut() {
        let file: &str = file;
        for (name, calls) in take_sets(kind, file, pack)? {
            if let Some(other) = sets.get(&name) {
                return Err(format!(
                    "{file}: {what} {name:?} is also declared in {}",
                    other.file
                ));
            }
            sets.insert(name, Set { file, calls });
        }
    }
    let mut used = BTreeSet::new();
    let mut resolved: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for name in sets.keys() {
        resolve(kind, name, &sets, &mut resolved, &mut Vec::new(), &mut used)?;
    }
    for (file, pack) in packs.iter_mut() {
        for (key, value) in pack.iter_mut() {
            expand_value(kind, value, &resolved, &mut used)
                .map_err(|e| format!("{file}: {key}: {e}"))?;
        }
    }
    if let Some((name, set)) = sets.iter().find(|(n, _)| !used.contains(*n)) {
        return Err(format!("{}: {what} {name:?} is never referenced", set.file));
    }
    Ok(())
}

/// Remove and check the pack's tables of this kind: (name, list as written).
fn take_sets(
    kind: &Named,
    file: &str,
    pack: &mut Table,
) -> Result<Vec<(String, Vec<Value>)>, String> {
    let (table, list, what) = (kind.table, kind.list, kind.what);
    let Some(raw) = pack.remove(table) else {
        return Ok(Vec::new());
    };
    let Value::Array(tables) = raw else {
        return Err(format!(
            "{file}: {table} must be an array of tables ([[{table}]])"
        ));
    };
    let mut out = Vec::new();
    for t in tables {
        let Value::Table(mut t) = t else {
            return Err(format!(
                "{file}: {table} must be an array of tables ([[{table}]])"
            ));
        };
        let name = match t.remove("name") {
            Some(Value::String(s)) if is_kebab(&s) => s,
            Some(v) => return Err(format!("{file}: {what} name {v} is not kebab-case")),
            None => return Err(format!("{file}: a [[{table}]] without a name")),
        };
        let calls = match t.remove(list) {
            Some(Value::Array(calls)) => calls,
            _ => return Err(format!("{file}: {what} {name:?} needs a `{list}` list")),
        };
        if !matches!(t.remove("summary"), None | Some(Value::String(_))) {
            return Err(format!("{file}: {what} {name:?}: summary must be a string"));
        }
        if let Some(k) = t.keys().next() {
            return Err(format!("{file}: {what} {name:?}: unknown key {k:?}"));
        }
        out.push((name, calls));
    }
    Ok(out)
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// `Some(name)` for a reference `{ set = "name" }` (or the kind's own key); an error for a
/// reference with other keys.
fn reference<'v>(kind: &Named, v: &'v Value) -> Result<Option<&'v str>, String> {
    let key = kind.reference;
    let Value::Table(t) = v else {
        return Ok(None);
    };
    let Some(Value::String(name)) = t.get(key) else {
        return Ok(None);
    };
    if t.len() != 1 {
        let others: Vec<&str> = t.keys().map(String::as_str).filter(|k| *k != key).collect();
        return Err(format!(
            "{{ {key} = {name:?} }} takes no other keys (found {})",
            others.join(", ")
        ));
    }
    Ok(Some(name))
}

/// The calls of set `name`, its references expanded; `stack` holds the sets being resolved.
fn resolve(
    kind: &Named,
    name: &str,
    sets: &BTreeMap<String, Set>,
    resolved: &mut BTreeMap<String, Vec<Value>>,
    stack: &mut Vec<String>,
    used: &mut BTreeSet<String>,
) -> Result<(), String> {
    if resolved.contains_key(name) {
        return Ok(());
    }
    let set = &sets[name];
    if let Some(at) = stack.iter().position(|s| s == name) {
        let cycle = stack[at..].join(" -> ");
        return Err(format!(
            "{}: {}s refer to each other in a cycle: {cycle} -> {name}",
            set.file, kind.what
        ));
    }
    let what = kind.what;
    stack.push(name.to_string());
    let mut out = Vec::new();
    for v in &set.calls {
        let inner =
            reference(kind, v).map_err(|e| format!("{}: {what} {name:?}: {e}", set.file))?;
        match inner {
            Some(inner) => {
                if !sets.contains_key(inner) {
                    return Err(format!(
                        "{}: {what} {name:?} refers to unknown {what} {inner:?}",
                        set.file
                    ));
                }
                used.insert(inner.to_string());
                resolve(kind, inner, sets, resolved, stack, used)?;
                out.extend(resolved[inner].iter().cloned());
            }
            None if (kind.element)(v) => {
                // References nested in an element (a condition's `any` list): their sets first.
                let mut nested = Vec::new();
                nested_references(kind, v, &mut nested);
                for inner in nested {
                    if !sets.contains_key(&inner) {
                        return Err(format!(
                            "{}: {what} {name:?} refers to unknown {what} {inner:?}",
                            set.file
                        ));
                    }
                    resolve(kind, &inner, sets, resolved, stack, used)?;
                }
                let mut v = v.clone();
                expand_value(kind, &mut v, resolved, used)
                    .map_err(|e| format!("{}: {what} {name:?}: {e}", set.file))?;
                out.push(v);
            }
            None => {
                return Err(format!(
                    "{}: {what} {name:?}: {v} is neither {} nor {{ {} = \"...\" }}",
                    set.file, kind.element_is, kind.reference
                ))
            }
        }
    }
    stack.pop();
    resolved.insert(name.to_string(), out);
    Ok(())
}

/// The names of the references in the arrays under `v`.
fn nested_references(kind: &Named, v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Array(items) => {
            for item in items {
                match reference(kind, item) {
                    Ok(Some(name)) => out.push(name.to_string()),
                    _ => nested_references(kind, item, out),
                }
            }
        }
        Value::Table(t) => t
            .values()
            .for_each(|inner| nested_references(kind, inner, out)),
        _ => {}
    }
}

/// Replace every reference in the arrays under `v` by its set's calls, in place.
fn expand_value(
    kind: &Named,
    v: &mut Value,
    resolved: &BTreeMap<String, Vec<Value>>,
    used: &mut BTreeSet<String>,
) -> Result<(), String> {
    match v {
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for mut item in std::mem::take(items) {
                match reference(kind, &item)? {
                    Some(name) => {
                        let calls = resolved
                            .get(name)
                            .ok_or_else(|| format!("unknown {} {name:?}", kind.what))?;
                        used.insert(name.to_string());
                        out.extend(calls.iter().cloned());
                    }
                    None => {
                        expand_value(kind, &mut item, resolved, used)?;
                        out.push(item);
                    }
                }
            }
            *items = out;
        }
        Value::Table(t) => {
            if let Some(Value::String(name)) = t.get(kind.reference) {
                return Err(format!(
                    "{{ {} = {name:?} }} is a {} reference, allowed only as a list element",
                    kind.reference, kind.what
                ));
            }
            for (key, inner) in t.iter_mut() {
                expand_value(kind, inner, resolved, used).map_err(|e| format!("{key}: {e}"))?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests;
