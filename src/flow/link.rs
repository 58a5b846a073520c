//! Flows across the files of one scan. A call to a function imported from another file of the
//! repository, with tainted arguments, is recorded as an [`ExternalCall`]; the scan then analyses
//! the callee's file again with those parameters seeded ([`Seed`]), so the finding lands on the
//! sink, in the callee's file, and names the caller's source. `langflow/api/v1/validate.py` passes
//! the request body to `validate_code()`, and `utils/validate.py` `exec`s it: one finding, at the
//! `exec`.

use std::collections::HashMap;

/// Which parameter an argument binds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ArgRef {
    Position(usize),
    Keyword(String),
}

/// A call with tainted arguments to a function the file imports.
#[derive(Debug, Clone)]
pub struct ExternalCall {
    /// The callee's qualified name as the caller imports it (`langflow.utils.validate.validate_code`,
    /// `.utils.run`, `./helpers.run`).
    pub target: String,
    pub arg: ArgRef,
    pub kind: u8,
    /// Where the data came from, for the callee's finding (`request body ... (api/v1/x.py:13)`).
    pub origin: String,
}

/// Data entering a function of this file from a caller in another file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Seed {
    /// The class, for a method (`Parser().parse` -> `Parser`).
    pub class: Option<String>,
    pub function: String,
    pub arg: ArgRef,
    pub kind: u8,
    pub origin: String,
}

/// A file's module path: its path without extension (and without a trailing `__init__`/`index`),
/// as components (`langflow/utils/validate.py` -> `[langflow, utils, validate]`).
pub fn module_parts(display_path: &str) -> Vec<String> {
    let path = display_path.trim_start_matches("./");
    let stem = match path.rsplit_once('.') {
        Some((s, ext)) if !ext.contains('/') => s,
        _ => path,
    };
    let mut parts: Vec<String> = stem
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .map(str::to_string)
        .collect();
    if matches!(parts.last().map(String::as_str), Some("__init__" | "index")) {
        parts.pop();
    }
    parts
}

/// A call target: the module (components), the class for a method call on an instance
/// (`pkg.mod.Parser().parse`), and the function or method name.
pub type Target = (Vec<String>, Option<String>, String);

/// The module, class and function a call target names. Relative targets (`.utils.run`,
/// `../helpers.run`) are resolved against the caller's module path.
pub fn target_of(caller: &[String], target: &str) -> Option<Target> {
    match target.split_once("().") {
        Some((class_path, method)) if !method.contains("()") => {
            let (module, class) = target_module(caller, class_path)?;
            Some((module, Some(class), method.to_string()))
        }
        Some(_) => None,
        None => {
            let (module, function) = target_module(caller, target)?;
            Some((module, None, function))
        }
    }
}

/// The module a call target names, as components, and the function name.
fn target_module(caller: &[String], target: &str) -> Option<(Vec<String>, String)> {
    // TS/JS: `./helpers.run`, `../lib/x.run`.
    if target.starts_with("./") || target.starts_with("../") {
        let (path, func) = target.rsplit_once('.')?;
        let mut parts: Vec<String> = caller[..caller.len().saturating_sub(1)].to_vec();
        for seg in path.split('/') {
            match seg {
                "." | "" => {}
                ".." => {
                    parts.pop()?;
                }
                s => parts.push(s.to_string()),
            }
        }
        if matches!(parts.last().map(String::as_str), Some("index")) {
            parts.pop();
        }
        return Some((parts, func.to_string()));
    }
    let level = target.bytes().take_while(|b| *b == b'.').count();
    let rest = &target[level..];
    let (module, func) = rest.rsplit_once('.')?;
    let mut parts: Vec<String> = Vec::new();
    if level > 0 {
        // `.x` is the caller's package; each further dot goes up one.
        let package_len = caller.len().checked_sub(level)?;
        parts.extend(caller[..package_len].iter().cloned());
    }
    parts.extend(
        module
            .split('.')
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    );
    Some((parts, func.to_string()))
}

/// Files by every suffix of their module path, so `langflow.utils.validate` finds
/// `src/backend/langflow/utils/validate.py` whatever directory the scan started in.
#[derive(Debug, Default)]
pub struct ModuleIndex {
    by_suffix: HashMap<String, Vec<usize>>,
}

impl ModuleIndex {
    pub fn add(&mut self, parts: &[String], file: usize) {
        for start in 0..parts.len() {
            self.by_suffix
                .entry(parts[start..].join("."))
                .or_default()
                .push(file);
        }
    }

    /// Files whose module path ends with `module`. A name that several files share (`utils`) is
    /// ambiguous and gives none: a wrong link would be worse than none.
    pub fn lookup(&self, module: &[String]) -> Option<usize> {
        match self.by_suffix.get(&module.join("."))?.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn module_paths_and_targets() {
        assert_eq!(
            module_parts("src/langflow/utils/validate.py"),
            v(&["src", "langflow", "utils", "validate"])
        );
        assert_eq!(module_parts("./pkg/__init__.py"), v(&["pkg"]));
        assert_eq!(module_parts("web/lib/index.ts"), v(&["web", "lib"]));
        let caller = v(&["langflow", "api", "v1", "validate"]);
        assert_eq!(
            target_module(&caller, "langflow.utils.validate.validate_code"),
            Some((
                v(&["langflow", "utils", "validate"]),
                "validate_code".into()
            ))
        );
        assert_eq!(
            target_module(&caller, "..base.run"),
            Some((v(&["langflow", "api", "base"]), "run".into()))
        );
        assert_eq!(
            target_module(&v(&["web", "app", "page"]), "../lib/run.exec"),
            Some((v(&["web", "lib", "run"]), "exec".into()))
        );
        assert_eq!(target_module(&caller, ".....x.f"), None);
        assert_eq!(
            target_of(&caller, "llama_index.parser.Parser().parse"),
            Some((
                v(&["llama_index", "parser"]),
                Some("Parser".into()),
                "parse".into()
            ))
        );
    }

    #[test]
    fn ambiguous_modules_do_not_link() {
        let mut ix = ModuleIndex::default();
        ix.add(&v(&["a", "utils"]), 0);
        ix.add(&v(&["b", "utils"]), 1);
        ix.add(&v(&["a", "validate"]), 2);
        assert_eq!(ix.lookup(&v(&["utils"])), None);
        assert_eq!(ix.lookup(&v(&["a", "utils"])), Some(0));
        assert_eq!(ix.lookup(&v(&["validate"])), Some(2));
    }
}
