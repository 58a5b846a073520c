//! The JavaScript of a `github-script` step, read line by line: which locals hold what an `env:`
//! entry or an expression held (`const request = process.env.REQUEST`), and what the script
//! publishes with `core.setOutput('name', value)`.

use super::{merge, Origins};
use std::collections::HashMap;
use std::ops::Range;

/// What a script publishes.
pub struct Published {
    /// Output name (lowercase) -> what it holds.
    pub outputs: HashMap<String, Origins>,
}

/// Reads a script. `env` is what an `env:` name holds; `exprs` what each expression range holds.
pub fn read(
    script: &str,
    env_prefixes: &[String],
    output_calls: &[String],
    env: &dyn Fn(&str) -> Option<Origins>,
    exprs: &[(Range<usize>, Origins)],
) -> Published {
    let mut locals: HashMap<String, Origins> = HashMap::new();
    let mut outputs: HashMap<String, Origins> = HashMap::new();
    let mut at = 0;
    for line in script.split_inclusive('\n') {
        let range = at..at + line.len();
        at = range.end;
        let mut held = Origins::new();
        for (r, o) in exprs {
            if r.start >= range.start && r.start < range.end {
                merge(&mut held, o);
            }
        }
        for prefix in env_prefixes {
            for (i, _) in line.match_indices(prefix.as_str()) {
                let rest = &line[i + prefix.len()..];
                let name: String = rest
                    .trim_start_matches(['[', '\'', '"'])
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if let Some(o) = env(&name) {
                    merge(&mut held, &o);
                }
            }
        }
        for (name, o) in &locals {
            if mentions(line, name) {
                merge(&mut held, o);
            }
        }
        if let Some(name) = declared(line) {
            locals.insert(name.to_string(), held.clone());
        }
        for call in output_calls {
            if let Some(i) = line.find(&format!("{call}(")) {
                let args = &line[i + call.len() + 1..];
                let quoted = args.trim_start().trim_start_matches(['\'', '"', '`']);
                let name: String = quoted
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                    .collect();
                if !name.is_empty() {
                    merge(outputs.entry(name.to_ascii_lowercase()).or_default(), &held);
                }
            }
        }
    }
    Published { outputs }
}

/// The name a line declares (`const x =`, `let x =`, `var x =`).
fn declared(line: &str) -> Option<&str> {
    let rest = ["const ", "let ", "var "]
        .iter()
        .find_map(|k| line.trim_start().strip_prefix(k))?;
    let name_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$')
        .count();
    let after = rest[name_len..].trim_start();
    (name_len > 0 && after.starts_with('=') && !after.starts_with("==")).then(|| &rest[..name_len])
}

/// Whether `line` names the identifier `name` (not as part of a longer one or a property).
fn mentions(line: &str, name: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    line.match_indices(name).any(|(i, _)| {
        let before = line[..i].chars().next_back();
        let after = line[i + name.len()..].chars().next();
        !before.is_some_and(|c| ident(c) || c == '.') && !after.is_some_and(ident)
    })
}
