//! Flows across the files of one scan. A call to a function imported from another file of the
//! repository, with tainted arguments, is recorded as an [`ExternalCall`]; the scan then analyses
//! the callee's file again with those parameters seeded ([`Seed`]), so the finding lands on the
//! sink, in the callee's file, and names the caller's source. `langflow/api/v1/validate.py` passes
//! the request body to `validate_code()`, and `utils/validate.py` `exec`s it: one finding, at the
//! `exec`.

use super::trace::{Flags, PRIVILEGED};
use crate::ir::Module;
use std::collections::HashMap;

/// Which parameter an argument binds.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum ArgRef {
    Position(usize),
    Keyword(String),
    /// A mapping spread into the call (`fn(**args)`): it may bind any parameter. The link
    /// stage seeds each parameter of the callee by name.
    Spread,
}

/// A function of another file, as a call names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callee {
    /// The qualified name (`langflow.utils.validate.validate_code`, `.utils.run`, `Service.llm.chat`).
    pub name: String,
    /// Whether only the method's name says what runs: the receiver is of no class the file
    /// knows (`self.llm.chat(...)`), so the scan's methods of that name stand in.
    pub by_name: bool,
    /// The call names a method of a class of this file (`Runner.run`) whose overrides in other
    /// files' subclasses may run instead (`self.run(x)` in a base).
    pub overrides: bool,
}

/// A call with tainted arguments to a function the file imports, or to a method by its name.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ExternalCall {
    /// The callee's qualified name as the caller imports it (`langflow.utils.validate.validate_code`,
    /// `.utils.run`, `./helpers.run`).
    pub target: String,
    /// See [`Callee::by_name`].
    pub by_name: bool,
    /// See [`Callee::overrides`].
    pub overrides: bool,
    pub arg: ArgRef,
    pub kind: u8,
    /// Sink kinds a sanitizer already made the data safe for.
    pub cleared: u32,
    /// How the data was placed on its way (`trace::SPLICED`, ...).
    pub flags: Flags,
    /// Where the data came from, for the callee's finding (`request body ... (api/v1/x.py:13)`).
    pub origin: String,
    /// The fields of the argument that carry the data (`run({ messages, summary })`: `summary`);
    /// `None` when the whole argument does.
    pub parts: Parts,
}

/// Data entering a file from another file of the scan.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Seed {
    /// A caller elsewhere passes data to parameter `arg` of `function` (a method of `class`).
    Param {
        class: Option<String>,
        function: String,
        arg: ArgRef,
        kind: u8,
        cleared: u32,
        flags: Flags,
        origin: String,
        /// The fields of the argument that carry the data; `None`: all of it.
        parts: Parts,
    },
    /// Calling `call` (as this file names it) returns data: a function of another file returns
    /// a model's reply (`x.CodeGenerator().generate_code`).
    Return {
        call: String,
        kind: u8,
        /// [`SHAPED`](super::trace::SHAPED) when only the method's name picked the functions.
        flags: Flags,
        origin: String,
        /// The parts of the returned value that carry the data (`return text, usage`: the
        /// first); `None` when the whole value does.
        parts: Parts,
    },
    /// Calling `call` checks an argument (another file's validator, `link::ParamCheck`).
    Checks { call: String, check: ParamCheck },
    /// Calling `call` returns what argument `param` was, placed as `flags` say: every method of
    /// that name in the scan does (`self.system_message(text)`, abstract here, returns
    /// `{"role": "system", "content": text}` in each class that defines it).
    Passes {
        call: String,
        param: usize,
        flags: Flags,
    },
    /// Calling `call` (a function of another file, by its import) returns what only the
    /// arguments bound to `kept` of its parameters `params` carry: its summary says the others
    /// do not reach its return value (`get_tool(name)` returns `REGISTRY.get(name)`, an entry
    /// the name only picks).
    Keeps {
        call: String,
        params: Vec<String>,
        kept: Vec<usize>,
    },
}

/// A function or method of this file whose return value carries data of `kind`, or a handle of
/// it (a model or a chain built on one, `kind` `llm`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Returned {
    pub class: Option<String>,
    pub function: String,
    pub kind: u8,
    pub origin: String,
    /// The parts of the returned tuple, dict or object that carry it; `None`: the whole value.
    pub parts: Parts,
}

/// The parts of a returned value that carry data, as paths into it (`[0]`, `["answer"]`);
/// `None` when the whole value does.
pub type Parts = Option<Vec<Vec<Step>>>;

/// One step into a returned value: an element of a tuple or list, or a key or field.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Step {
    Position(u8),
    Key(String),
}

/// The parts of a value several functions may have returned (methods of one name in several
/// classes): every part any of them returns it in, or the whole value when one returns it whole.
pub fn union_of_parts<'p>(all: impl IntoIterator<Item = &'p Parts>) -> Parts {
    let mut out: Vec<Vec<Step>> = Vec::new();
    for parts in all {
        for p in parts.as_ref()? {
            if !out.contains(p) {
                out.push(p.clone());
            }
        }
    }
    Some(out)
}

/// What one function of a file does with what callers pass it: the scan's summary of it, read
/// where a call cannot name its callee's class (`self.llm.chat(...)`, `llm` of no known class)
/// and the methods of that name stand in. Serialisable, so a cache can keep it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FnSummary {
    pub class: Option<String>,
    pub function: String,
    /// The parameters a caller passes (a method's receiver left out), by name.
    pub params: Vec<String>,
    /// For each of `params`, the sink kinds it reaches (a bit set); `None` when the file was not
    /// analysed (it had no source), so nothing is known.
    pub sinks: Option<Vec<u32>>,
    /// The parameters passed on to a function of another file, which may sink them.
    pub onward: Vec<usize>,
    /// The parameters that reach the return value, with how they were placed on the way
    /// (`trace::PRIVILEGED`: `return {"role": "system", "content": text}`).
    pub passes: Vec<(usize, Flags)>,
    /// The body only declares it (an abstract method): the classes defining it say what it does.
    pub declaration: bool,
    /// The parameters it checks: it raises unless they pass, or returns true only if they do.
    pub checks: Vec<ParamCheck>,
    /// The parameters stored where other functions read them (a field of `self`, a closure).
    pub escaped: Vec<usize>,
}

/// A parameter a function checks, and the sink kinds (bits) a call proves it safe for: whenever
/// the call returns (`check_cmd(cmd)` raises otherwise) or only when its result is true
/// (`is_allowed(cmd)`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct ParamCheck {
    pub param: usize,
    pub kinds: u32,
    pub when_true: bool,
}

impl FnSummary {
    /// A function's summary before (or without) analysis: its class, name and parameters.
    /// Its parameters are the arguments it takes, by position: the names a pattern destructures
    /// from one argument (`function f({ url, path })`) are one parameter, named after the first.
    pub fn declared(module: &Module, fi: usize) -> Option<FnSummary> {
        let f = module.functions.get(fi)?;
        if f.name.is_empty() {
            return None;
        }
        let class = f.class.and_then(|ci| module.classes.get(ci));
        let offset = Self::receivers(module, fi);
        let positions = f.argument_positions();
        let mut params = Vec::new();
        for (i, p) in f.params.iter().enumerate().skip(offset) {
            if positions[i] >= offset + params.len() {
                params.push(p.name.to_string());
            }
        }
        Some(FnSummary {
            class: class.map(|c| c.name.to_string()),
            function: f.name.to_string(),
            params,
            sinks: None,
            onward: Vec::new(),
            passes: Vec::new(),
            declaration: f.is_declaration(),
            checks: Vec::new(),
            escaped: Vec::new(),
        })
    }

    /// How many leading parameters of function `fi` are its receiver (a Python method's `self`),
    /// which a summary leaves out.
    pub fn receivers(module: &Module, fi: usize) -> usize {
        let Some(f) = module.functions.get(fi) else {
            return 0;
        };
        let class = f.class.and_then(|ci| module.classes.get(ci));
        usize::from(class.is_some() && f.params.first().is_some_and(|p| is_receiver_name(&p.name)))
    }

    /// The parameter an argument binds.
    pub fn param(&self, arg: &ArgRef) -> Option<usize> {
        arg.binds(&self.params)
    }
}

impl ArgRef {
    /// The parameter of `params` (by name, a method's receiver left out) this argument binds.
    pub fn binds(&self, params: &[String]) -> Option<usize> {
        match self {
            ArgRef::Position(p) => (*p < params.len()).then_some(*p),
            ArgRef::Keyword(k) => params.iter().position(|p| p == k),
            ArgRef::Spread => None,
        }
    }

    /// What each argument of `call` binds, in order: a keyword, or the next position; `None`
    /// for a spread (`*args`, `**kwargs`), which binds parameters no one can name.
    pub fn of_args(call: &crate::ir::Call) -> impl Iterator<Item = Option<ArgRef>> + '_ {
        let mut position = 0;
        call.args.iter().map(move |a| match (&a.name, a.splat) {
            (Some(name), _) => Some(ArgRef::Keyword(name.to_string())),
            (None, crate::ir::Splat::None) => {
                position += 1;
                Some(ArgRef::Position(position - 1))
            }
            _ => None,
        })
    }
}

/// Most methods of one name that may stand in for a call naming only the method: with more, the
/// name says too little of what runs.
const MAX_STAND_INS: usize = 24;

/// A method's language family and name.
type FamilyName = (Option<crate::source::Family>, String);

/// The scan's methods by name, for calls whose receiver is of no known class, and its classes
/// by the bases they name, for calls that may run a subclass's override.
#[derive(Debug, Default)]
pub struct Methods {
    /// Methods by language family and name: (file, summary).
    by_name: HashMap<FamilyName, Vec<(usize, FnSummary)>>,
    /// The functions outside classes, by name: the files defining one.
    functions: HashMap<String, Vec<usize>>,
    /// Each file's language family: a method stands in only for calls of its own language.
    families: HashMap<usize, crate::source::Family>,
    /// Base class name -> the classes naming it as a base: (class, its file, the file the base
    /// is imported from when the scan has it).
    subclasses: HashMap<String, Vec<(String, usize, Option<usize>)>>,
}

impl Methods {
    /// The methods (functions of a class) among a file's summaries.
    pub fn add(
        &mut self,
        file: usize,
        family: Option<crate::source::Family>,
        summaries: &[FnSummary],
    ) {
        if let Some(family) = family {
            self.families.insert(file, family);
        }
        for s in summaries {
            if s.class.is_none() {
                let files = self.functions.entry(s.function.clone()).or_default();
                if !files.contains(&file) {
                    files.push(file);
                }
                continue;
            }
            let entry = self
                .by_name
                .entry((family, s.function.clone()))
                .or_default();
            entry.push((file, s.clone()));
        }
    }

    /// The one file, among `files`, defining a function `name` outside classes: where a module
    /// that re-exports it (`export * from "./terminal"`, `from .terminal import start`) got it.
    /// None when none does, or several do (a name then says nothing of which it is).
    pub fn reexported(&self, name: &str, files: impl Fn(usize) -> bool) -> Option<usize> {
        let mut found = self.functions.get(name)?.iter().filter(|&&f| files(f));
        match (found.next(), found.next()) {
            (Some(&f), None) => Some(f),
            _ => None,
        }
    }

    /// Class `class` of `file` derives from the class `base` of `base_file` (`None`: of a file
    /// the import does not name, or the scan does not have).
    pub fn add_base(&mut self, file: usize, class: &str, base: &str, base_file: Option<usize>) {
        let subs = self.subclasses.entry(base.to_string()).or_default();
        let edge = (class.to_string(), file, base_file);
        if !subs.contains(&edge) {
            subs.push(edge);
        }
    }

    /// The methods called `name` of the classes derived from `class` of `file` (transitively, by
    /// the bases they name and import) that take argument `arg`: what a call of `class`'s method
    /// may run for an object of a subclass. None when there are more than a name can say.
    pub fn overrides(
        &self,
        class: &str,
        file: usize,
        name: &str,
        arg: &ArgRef,
    ) -> Vec<(usize, &FnSummary)> {
        let mut all = self.overriding(class, file, name);
        all.retain(|(_, s)| s.param(arg).is_some());
        all
    }

    /// The methods called `name` with a body of the classes derived from `class` of `file`,
    /// whatever parameters they take.
    pub fn overriding(&self, class: &str, file: usize, name: &str) -> Vec<(usize, &FnSummary)> {
        let family = self.families.get(&file).copied();
        let Some(all) = self.by_name.get(&(family, name.to_string())) else {
            return Vec::new();
        };
        let mut derived: Vec<(&str, usize)> = Vec::new();
        let mut queue = vec![(class, file)];
        while let Some((c, f)) = queue.pop() {
            for (sub, sub_file, base_file) in self.subclasses.get(c).into_iter().flatten() {
                let this_base = base_file.is_none_or(|b| b == f);
                let known = derived.contains(&(sub.as_str(), *sub_file));
                if this_base && !known && (sub.as_str(), *sub_file) != (class, file) {
                    derived.push((sub, *sub_file));
                    queue.push((sub, *sub_file));
                }
            }
            if derived.len() > MAX_STAND_INS {
                return Vec::new();
            }
        }
        all.iter()
            .filter(|(f, s)| {
                !s.declaration
                    && s.class
                        .as_deref()
                        .is_some_and(|c| derived.contains(&(c, *f)))
            })
            .map(|(f, s)| (*f, s))
            .collect()
    }

    /// Every method called `name` with a body in a file of the language family of `caller`,
    /// unless there are too many to say anything.
    pub fn named(&self, name: &str, caller: usize) -> Vec<(usize, &FnSummary)> {
        let family = self.families.get(&caller).copied();
        match self.by_name.get(&(family, name.to_string())) {
            Some(all) if all.len() <= MAX_STAND_INS => all
                .iter()
                .filter(|(_, s)| !s.declaration)
                .map(|(f, s)| (*f, s))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The arguments the methods called `name` return placed in a privileged message.
    /// Only those that return an argument vote (an unknown call's result carries its arguments
    /// anyway: what this adds is how they were placed, `{"role": "system", ...}`, which one
    /// provider passing the text on unwrapped does not undo).
    pub fn passes(&self, name: &str, caller: usize) -> Vec<(usize, Flags)> {
        let mut named = self.named(name, caller);
        named.retain(|(_, s)| !s.passes.is_empty());
        let Some(((_, first), rest)) = named.split_first() else {
            return Vec::new();
        };
        first
            .passes
            .iter()
            .filter_map(|&(p, flags)| {
                rest.iter()
                    .try_fold(flags, |acc, (_, s)| {
                        let (_, f) = s.passes.iter().find(|(q, _)| *q == p)?;
                        Some(acc | f)
                    })
                    .map(|f| (p, f))
            })
            // Only the role is worth a seed: an unknown call's result carries its arguments
            // already (and a seed analyses the caller's file again).
            .filter(|&(_, f)| f & PRIVILEGED != 0)
            .map(|(p, _)| (p, PRIVILEGED))
            .collect()
    }

    /// The methods that stand in for a call of `name` passing data as `arg`: those that take
    /// that argument, when the ones known to pass it to a sink share a sink kind (every
    /// provider's `submit_prompt` sends it to a model; some also log it). None when they share
    /// none (a `run` that shells out and a `run` that queries a database say nothing of which
    /// one a call runs), or when none is known, or may be, to sink it.
    pub fn stand_ins(&self, name: &str, arg: &ArgRef, caller: usize) -> Vec<(usize, &FnSummary)> {
        let mut takes = self.named(name, caller);
        takes.retain(|(_, s)| s.param(arg).is_some());
        let mut agreed: Option<u32> = None;
        let mut unknown = false;
        for (_, s) in &takes {
            let Some(kinds) = &s.sinks else {
                unknown = true;
                continue;
            };
            let p = s.param(arg);
            let k = p.and_then(|p| kinds.get(p)).copied().unwrap_or(0);
            if k != 0 {
                agreed = Some(agreed.map_or(k, |a| a & k));
            } else if p.is_some_and(|p| s.onward.contains(&p)) {
                unknown = true;
            }
        }
        match agreed {
            Some(0) => return Vec::new(),
            None if !unknown => return Vec::new(),
            _ => {}
        }
        takes
    }
}

/// A class and its bases: each base's name (last segment: `class Shell(base.Runner)` ->
/// `Runner`) and, when it is imported, its qualified name (`app.base.Runner`, `.base.Runner`).
pub type ClassBases = (String, Vec<(String, Option<String>)>);

/// The classes of a file with their bases.
pub fn class_bases(module: &Module) -> Vec<ClassBases> {
    let imports: HashMap<&str, &str> = module
        .imports
        .iter()
        .map(|i| (&*i.local, &*i.qualified))
        .collect();
    let imported = |e: &crate::ir::Expr| {
        let dotted = match &e.kind {
            crate::ir::ExprKind::Index { value, .. } => value.dotted(),
            _ => e.dotted(),
        }?;
        let (head, rest) = match dotted.split_once('.') {
            Some((h, r)) => (h, Some(r)),
            None => (dotted.as_str(), None),
        };
        let q = imports.get(head)?;
        Some(match rest {
            Some(r) => format!("{q}.{r}"),
            None => q.to_string(),
        })
    };
    module
        .classes
        .iter()
        .filter(|c| !c.bases.is_empty())
        .map(|c| {
            let bases = c
                .bases
                .iter()
                .filter_map(|b| Some((base_name(b)?.to_string(), imported(b))));
            (c.name.to_string(), bases.collect())
        })
        .collect()
}

/// The class a base expression names, last segment only: `Runner`, `base.Runner`,
/// `Tool[Args]` -> `Runner`, `Runner`, `Tool`.
pub fn base_name(e: &crate::ir::Expr) -> Option<&str> {
    use crate::ir::ExprKind;
    let mut cur = e;
    loop {
        match &cur.kind {
            ExprKind::Index { value, .. } => cur = value,
            ExprKind::Name(n) => return Some(n),
            ExprKind::Attribute { attr, .. } => return Some(attr),
            _ => return None,
        }
    }
}

/// A method's receiver, when it is its first parameter (`self`, `cls`, `this`).
pub(crate) fn is_receiver_name(n: &str) -> bool {
    matches!(n, "self" | "cls" | "this")
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

/// The module that made an imported object, and the method called on it (`app.db.store.run`,
/// `../runner.js.runner.run`: `run` of the object `store` made in `app.db`).
pub fn instance_target(caller_dir: &[String], target: &str) -> Option<(Vec<String>, String)> {
    if target.contains("()") {
        return None;
    }
    let (object, method) = target.rsplit_once('.')?;
    let (module, _instance) = target_module(caller_dir, object)?;
    Some((module, method.to_string()))
}

/// Extensions a TS/JS import may spell (`./a.js` is `a.ts` once compiled from TypeScript).
const SCRIPT_EXTENSIONS: &[&str] = &[".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx", ".jsx"];

/// The module a call target names, as components, and the function name.
fn target_module(caller_dir: &[String], target: &str) -> Option<(Vec<String>, String)> {
    // TS/JS path aliases (tsconfig `paths`, bundler aliases): `~/lib/x.run`, `@/utils/chain.make`,
    // `#app/db.query`, `$lib/llm.ask`. The first segment names a directory of the project, not a
    // package (npm names cannot start with `~`, `#` or `$`, and `@` needs a scope), so the rest
    // is the module, found by its suffix like any other.
    if let Some((alias, rest)) = target.split_once('/') {
        if matches!(alias.as_bytes().first(), Some(b'~' | b'#' | b'$')) || alias == "@" {
            let (path, func) = rest.rsplit_once('.')?;
            let parts = script_path(&[], path)?;
            return (!parts.is_empty()).then(|| (parts, func.to_string()));
        }
    }
    // TS/JS: `./helpers.run`, `../lib/x.js.run`.
    if target.starts_with("./") || target.starts_with("../") {
        let (path, func) = target.rsplit_once('.')?;
        return Some((script_path(caller_dir, path)?, func.to_string()));
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

/// A script's module path from `dir` and an import path (`../lib/x.js` -> `[.., lib, x]`): the
/// extension and a trailing `index` dropped.
fn script_path(dir: &[String], path: &str) -> Option<Vec<String>> {
    let path = SCRIPT_EXTENSIONS
        .iter()
        .find_map(|ext| path.strip_suffix(ext))
        .unwrap_or(path);
    let mut parts: Vec<String> = dir.to_vec();
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
    Some(parts)
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
