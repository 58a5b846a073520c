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
    /// Sink kinds a sanitizer already made the data safe for.
    pub cleared: u32,
    /// How the data was placed on its way (`trace::SPLICED`, ...).
    pub flags: u8,
    /// Where the data came from, for the callee's finding (`request body ... (api/v1/x.py:13)`).
    pub origin: String,
}

/// Data entering a file from another file of the scan.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seed {
    /// A caller elsewhere passes data to parameter `arg` of `function` (a method of `class`).
    Param {
        class: Option<String>,
        function: String,
        arg: ArgRef,
        kind: u8,
        cleared: u32,
        flags: u8,
        origin: String,
    },
    /// Calling `call` (as this file names it) returns data: a function of another file returns
    /// a model's reply (`x.CodeGenerator().generate_code`).
    Return {
        call: String,
        kind: u8,
        origin: String,
    },
}

/// A function or method of this file whose return value carries data of `kind`.
#[derive(Debug, Clone)]
pub struct Returned {
    pub class: Option<String>,
    pub function: String,
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

/// The directory a file is in, as components (`pkg/__init__.py` -> `[pkg]`): what relative
/// imports start from.
pub fn dir_parts(display_path: &str) -> Vec<String> {
    let path = display_path.trim_start_matches("./");
    let mut parts: Vec<String> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .map(str::to_string)
        .collect();
    parts.pop();
    parts
}

/// The module, class and function a call target names. Relative targets (`.utils.run`,
/// `../helpers.run`, `./a.js.run`) are resolved against the caller's directory.
pub fn target_of(caller_dir: &[String], target: &str) -> Option<Target> {
    match target.split_once("().") {
        Some((class_path, method)) if !method.contains("()") => {
            let (module, class) = target_module(caller_dir, class_path)?;
            Some((module, Some(class), method.to_string()))
        }
        Some(_) => None,
        None => {
            let (module, function) = target_module(caller_dir, target)?;
            Some((module, None, function))
        }
    }
}

/// Extensions a TS/JS import may spell (`./a.js` is `a.ts` once compiled from TypeScript).
const SCRIPT_EXTENSIONS: &[&str] = &[".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx", ".jsx"];

/// The module a call target names, as components, and the function name.
fn target_module(caller_dir: &[String], target: &str) -> Option<(Vec<String>, String)> {
    // TS/JS: `./helpers.run`, `../lib/x.js.run`.
    if target.starts_with("./") || target.starts_with("../") {
        let (path, func) = target.rsplit_once('.')?;
        let path = SCRIPT_EXTENSIONS
            .iter()
            .find_map(|ext| path.strip_suffix(ext))
            .unwrap_or(path);
        let mut parts: Vec<String> = caller_dir.to_vec();
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
        // `.x` is the caller's own package (its directory); each further dot goes up one.
        let package_len = caller_dir.len().checked_sub(level - 1)?;
        parts.extend(caller_dir[..package_len].iter().cloned());
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
mod tests;
