//! Named call-sets: a `[[call_set]]` table names a list of call globs once
//! (`name = "openai-chat"`, `calls = [...]`), and any list in any pack refers to it with an
//! inline-table element `{ set = "openai-chat" }`, expanded in place at load time, before the
//! packs are deserialized. A set's `calls` may refer to other sets. See docs/rule-packs.md.
//!
//! Pure functions over parsed packs: unknown names, cycles, sets never referenced and inline
//! tables that mix `set = "..."` with other keys are errors naming the pack file. An inline table
//! whose `set` is not a string (`{ arg = "timeout", set = true }`) is not a reference.

use std::collections::{BTreeMap, BTreeSet};
use toml::{Table, Value};

const TABLE: &str = "call_set";

/// The keys of a `[[call_set]]` table.
pub const KEYS: &[&str] = &["name", "calls", "summary"];

struct Set<'f> {
    file: &'f str,
    calls: Vec<Value>,
}

/// Take the `[[call_set]]` tables out of the packs and expand every `{ set = "..." }` in place.
pub fn expand(packs: &mut [(&str, Table)]) -> Result<(), String> {
    let mut sets: BTreeMap<String, Set> = BTreeMap::new();
    for (file, pack) in packs.iter_mut() {
        let file: &str = file;
        for (name, calls) in take_sets(file, pack)? {
            if let Some(other) = sets.get(&name) {
                return Err(format!(
                    "{file}: call-set {name:?} is also declared in {}",
                    other.file
                ));
            }
            sets.insert(name, Set { file, calls });
        }
    }
    let mut used = BTreeSet::new();
    let mut resolved: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for name in sets.keys() {
        resolve(name, &sets, &mut resolved, &mut Vec::new(), &mut used)?;
    }
    for (file, pack) in packs.iter_mut() {
        for (key, value) in pack.iter_mut() {
            expand_value(value, &resolved, &mut used).map_err(|e| format!("{file}: {key}: {e}"))?;
        }
    }
    if let Some((name, set)) = sets.iter().find(|(n, _)| !used.contains(*n)) {
        return Err(format!(
            "{}: call-set {name:?} is never referenced",
            set.file
        ));
    }
    Ok(())
}

/// Remove and check the pack's `[[call_set]]` tables: (name, calls as written).
fn take_sets(file: &str, pack: &mut Table) -> Result<Vec<(String, Vec<Value>)>, String> {
    let Some(raw) = pack.remove(TABLE) else {
        return Ok(Vec::new());
    };
    let Value::Array(tables) = raw else {
        return Err(format!(
            "{file}: {TABLE} must be an array of tables ([[{TABLE}]])"
        ));
    };
    let mut out = Vec::new();
    for t in tables {
        let Value::Table(mut t) = t else {
            return Err(format!(
                "{file}: {TABLE} must be an array of tables ([[{TABLE}]])"
            ));
        };
        let name = match t.remove("name") {
            Some(Value::String(s)) if is_kebab(&s) => s,
            Some(v) => return Err(format!("{file}: call-set name {v} is not kebab-case")),
            None => return Err(format!("{file}: a [[{TABLE}]] without a name")),
        };
        let calls = match t.remove("calls") {
            Some(Value::Array(calls)) => calls,
            _ => return Err(format!("{file}: call-set {name:?} needs a `calls` list")),
        };
        if !matches!(t.remove("summary"), None | Some(Value::String(_))) {
            return Err(format!(
                "{file}: call-set {name:?}: summary must be a string"
            ));
        }
        if let Some(k) = t.keys().next() {
            return Err(format!("{file}: call-set {name:?}: unknown key {k:?}"));
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

/// `Some(name)` for a reference `{ set = "name" }`; an error for a reference with other keys.
fn reference(v: &Value) -> Result<Option<&str>, String> {
    let Value::Table(t) = v else {
        return Ok(None);
    };
    let Some(Value::String(name)) = t.get("set") else {
        return Ok(None);
    };
    if t.len() != 1 {
        let others: Vec<&str> = t
            .keys()
            .map(String::as_str)
            .filter(|k| *k != "set")
            .collect();
        return Err(format!(
            "{{ set = {name:?} }} takes no other keys (found {})",
            others.join(", ")
        ));
    }
    Ok(Some(name))
}

/// The calls of set `name`, its references expanded; `stack` holds the sets being resolved.
fn resolve(
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
            "{}: call-sets refer to each other in a cycle: {cycle} -> {name}",
            set.file
        ));
    }
    stack.push(name.to_string());
    let mut out = Vec::new();
    for v in &set.calls {
        let inner = reference(v).map_err(|e| format!("{}: call-set {name:?}: {e}", set.file))?;
        match inner {
            Some(inner) => {
                if !sets.contains_key(inner) {
                    return Err(format!(
                        "{}: call-set {name:?} refers to unknown call-set {inner:?}",
                        set.file
                    ));
                }
                used.insert(inner.to_string());
                resolve(inner, sets, resolved, stack, used)?;
                out.extend(resolved[inner].iter().cloned());
            }
            None if matches!(v, Value::String(_)) => out.push(v.clone()),
            None => {
                return Err(format!(
                    "{}: call-set {name:?}: {v} is neither a glob string nor {{ set = \"...\" }}",
                    set.file
                ))
            }
        }
    }
    stack.pop();
    resolved.insert(name.to_string(), out);
    Ok(())
}

/// Replace every reference in the arrays under `v` by its set's calls, in place.
fn expand_value(
    v: &mut Value,
    resolved: &BTreeMap<String, Vec<Value>>,
    used: &mut BTreeSet<String>,
) -> Result<(), String> {
    match v {
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for mut item in std::mem::take(items) {
                match reference(&item)? {
                    Some(name) => {
                        let calls = resolved
                            .get(name)
                            .ok_or_else(|| format!("unknown call-set {name:?}"))?;
                        used.insert(name.to_string());
                        out.extend(calls.iter().cloned());
                    }
                    None => {
                        expand_value(&mut item, resolved, used)?;
                        out.push(item);
                    }
                }
            }
            *items = out;
        }
        Value::Table(t) => {
            if let Some(Value::String(name)) = t.get("set") {
                return Err(format!(
                    "{{ set = {name:?} }} is a call-set reference, allowed only as a list element"
                ));
            }
            for (key, inner) in t.iter_mut() {
                expand_value(inner, resolved, used).map_err(|e| format!("{key}: {e}"))?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests;
