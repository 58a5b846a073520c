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
mod tests {
    use super::*;

    fn run(packs: &[(&'static str, &str)]) -> Result<Vec<(&'static str, Table)>, String> {
        let mut parsed: Vec<(&str, Table)> = packs
            .iter()
            .map(|(f, t)| (*f, toml::from_str(t).expect("test pack parses")))
            .collect();
        expand(&mut parsed)?;
        Ok(parsed)
    }

    fn calls(t: &Table, table: &str, i: usize) -> Vec<String> {
        t[table].as_array().unwrap()[i]["calls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    }

    const SETS: &str = r#"
[[call_set]]
name = "a-chat"
summary = "two calls"
calls = ["a*chat", "a*chat_async"]
"#;

    #[test]
    fn expands_in_place_across_packs() {
        let out = run(&[
            ("sdks.toml", SETS),
            (
                "use.toml",
                r#"
[[sink]]
kind = "x"
calls = ["first", { set = "a-chat" }, "last"]
"#,
            ),
        ])
        .unwrap();
        assert!(!out[0].1.contains_key("call_set"));
        assert_eq!(
            calls(&out[1].1, "sink", 0),
            ["first", "a*chat", "a*chat_async", "last"]
        );
    }

    #[test]
    fn nested_sets_expand_and_set_true_is_not_a_reference() {
        let text = format!(
            "{SETS}\n[[call_set]]\nname = \"all-chat\"\ncalls = [\"b*chat\", {{ set = \"a-chat\" }}]\n\
             [[pattern]]\ncalls = [{{ set = \"all-chat\" }}, \"c\"]\n\
             unless_uses = [{{ arg = \"timeout\", set = true }}]\n"
        );
        let out = run(&[("p.toml", &text)]).unwrap();
        assert_eq!(
            calls(&out[0].1, "pattern", 0),
            ["b*chat", "a*chat", "a*chat_async", "c"]
        );
        let unless = &out[0].1["pattern"][0]["unless_uses"][0];
        assert_eq!(unless["set"].as_bool(), Some(true));
    }

    #[test]
    fn a_cycle_is_an_error() {
        let text = r#"
[[call_set]]
name = "x"
calls = [{ set = "y" }]
[[call_set]]
name = "y"
calls = ["g", { set = "x" }]
[[sink]]
calls = [{ set = "x" }]
"#;
        let err = run(&[("p.toml", text)]).unwrap_err();
        assert!(err.contains("cycle") && err.contains("p.toml"), "{err}");
    }

    #[test]
    fn an_unknown_name_is_an_error() {
        let err = run(&[
            ("s.toml", SETS),
            (
                "p.toml",
                "[[sink]]\ncalls = [{ set = \"a-chat\" }, { set = \"nope\" }]\n",
            ),
        ])
        .unwrap_err();
        assert!(err.contains("p.toml") && err.contains("\"nope\""), "{err}");
        let err = run(&[(
            "s.toml",
            "[[call_set]]\nname = \"x\"\ncalls = [{ set = \"z\" }]\n",
        )])
        .unwrap_err();
        assert!(err.contains("unknown call-set \"z\""), "{err}");
    }

    #[test]
    fn an_unused_set_is_an_error() {
        let err = run(&[("s.toml", SETS), ("p.toml", "[[sink]]\ncalls = [\"a\"]\n")]).unwrap_err();
        assert!(
            err.contains("s.toml") && err.contains("never referenced"),
            "{err}"
        );
    }

    #[test]
    fn a_reference_with_other_keys_is_an_error() {
        let err = run(&[
            ("s.toml", SETS),
            (
                "p.toml",
                "[[sink]]\ncalls = [{ set = \"a-chat\", arg = 0 }]\n",
            ),
        ])
        .unwrap_err();
        assert!(
            err.contains("p.toml") && err.contains("no other keys"),
            "{err}"
        );
    }

    #[test]
    fn bad_declarations_are_errors() {
        for (text, want) in [
            (
                "[[call_set]]\nname = \"Bad_Name\"\ncalls = []\n",
                "kebab-case",
            ),
            ("[[call_set]]\nname = \"x\"\n", "needs a `calls` list"),
            (
                "[[call_set]]\nname = \"x\"\ncalls = [1]\n",
                "neither a glob",
            ),
            (
                "[[call_set]]\nname = \"x\"\ncalls = []\nother = 1\n",
                "unknown key",
            ),
        ] {
            let err = run(&[("s.toml", text)]).unwrap_err();
            assert!(err.contains(want) && err.contains("s.toml"), "{err}");
        }
        let twice = run(&[("a.toml", SETS), ("b.toml", SETS)]).unwrap_err();
        assert!(twice.contains("also declared"), "{twice}");
    }
}
