use super::*;
use crate::source::Family;

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
    let caller = dir_parts("langflow/api/v1/validate.py");
    assert_eq!(caller, v(&["langflow", "api", "v1"]));
    let module = |dir: &[String], t: &str| target_module(dir, t).map(|(m, f)| (m.join("."), f));
    let want = |m: &str, f: &str| Some((m.to_string(), f.to_string()));
    assert_eq!(
        module(&caller, "langflow.utils.validate.validate_code"),
        want("langflow.utils.validate", "validate_code")
    );
    assert_eq!(
        module(&caller, "..base.run"),
        want("langflow.api.base", "run")
    );
    assert_eq!(
        module(&dir_parts("pkg/__init__.py"), ".parser.parse"),
        want("pkg.parser", "parse")
    );
    assert_eq!(
        module(&dir_parts("web/app/page.ts"), "../lib/run.exec"),
        want("web.lib.run", "exec")
    );
    // ESM spells the compiled file; an index file's imports start from its own directory.
    assert_eq!(
        module(&dir_parts("srv/tools/index.ts"), "./fs.js.readFile"),
        want("srv.tools.fs", "readFile")
    );
    assert_eq!(module(&caller, ".....x.f"), None);
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

fn method(class: &str, function: &str, sinks: u32, declaration: bool) -> FnSummary {
    FnSummary {
        class: Some(class.to_string()),
        function: function.to_string(),
        params: v(&["cmd"]),
        sinks: Some(vec![sinks]),
        onward: Vec::new(),
        passes: Vec::new(),
        declaration,
        checks: Vec::new(),
        escaped: Vec::new(),
    }
}

#[test]
fn overrides_follow_the_bases_a_class_imports_transitively() {
    let mut methods = Methods::default();
    // File 0: `Runner`; 1: `Shell(Runner)`; 2: `Loud(Shell)`; 3: another file's `Runner` base,
    // `Db(Runner)` importing it from file 4; 5: `Other`, no base.
    methods.add(
        0,
        Some(Family::Python),
        &[method("Runner", "run", 0, false)],
    );
    methods.add(1, Some(Family::Python), &[method("Shell", "run", 1, false)]);
    methods.add(2, Some(Family::Python), &[method("Loud", "run", 1, false)]);
    methods.add(3, Some(Family::Python), &[method("Db", "run", 2, false)]);
    methods.add(5, Some(Family::Python), &[method("Other", "run", 1, false)]);
    methods.add_base(1, "Shell", "Runner", Some(0));
    methods.add_base(2, "Loud", "Shell", Some(1));
    methods.add_base(3, "Db", "Runner", Some(4));
    let arg = ArgRef::Position(0);
    let found: Vec<(usize, &str)> = methods
        .overrides("Runner", 0, "run", &arg)
        .into_iter()
        .map(|(f, s)| (f, s.class.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(found, [(1, "Shell"), (2, "Loud")]);
    // A base the import does not place in the scan is taken by its name.
    methods.add_base(3, "Db", "Runner", None);
    assert_eq!(methods.overrides("Runner", 0, "run", &arg).len(), 3);
    // A keyword no override takes.
    let kw = ArgRef::Keyword("other".into());
    assert!(methods.overrides("Runner", 0, "run", &kw).is_empty());
}

#[test]
fn methods_stand_in_only_for_their_own_language_and_functions_are_found_where_re_exported() {
    let mut methods = Methods::default();
    methods.add(0, Some(Family::Python), &[method("Shell", "run", 0, false)]);
    methods.add(
        1,
        Some(Family::TypeScript),
        &[method("Runner", "run", 1, false)],
    );
    let python: Vec<usize> = methods.named("run", 0).iter().map(|(f, _)| *f).collect();
    let ts: Vec<usize> = methods.named("run", 1).iter().map(|(f, _)| *f).collect();
    assert_eq!((python, ts), (vec![0], vec![1]));
    let mut start = method("Runner", "start", 1, false);
    start.class = None;
    methods.add(2, Some(Family::TypeScript), &[start.clone()]);
    methods.add(3, Some(Family::TypeScript), &[start]);
    assert_eq!(methods.reexported("start", |f| f == 2), Some(2));
    // Two definitions say nothing of which one the re-export is.
    assert_eq!(methods.reexported("start", |_| true), None);
    assert_eq!(methods.reexported("run", |_| true), None);
}
