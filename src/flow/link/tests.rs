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
