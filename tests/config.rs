//! Config files, discovery, rule selection and `aiguard init`, through the library API and the CLI.

use aiguard::config::{self, Config, ConfigError};
use aiguard::finding::Severity;
use aiguard::spec::registry::Registry;
use assert_cmd::Command;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The rules a loaded config enables.
fn selection_of(c: &Config) -> Result<BTreeSet<&'static str>, String> {
    config::select_rules(
        Registry::builtin(),
        c.select.as_deref(),
        &c.extend_select,
        &c.ignore,
    )
}

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(&p, text).expect("write");
    p
}

fn found(start: &Path) -> PathBuf {
    config::discover(start)
        .expect("no error")
        .expect("a config")
        .path
        .expect("path set")
        .canonicalize()
        .expect("exists")
}

fn canon(p: PathBuf) -> PathBuf {
    p.canonicalize().expect("exists")
}

fn load_err(name: &str, text: &str) -> (PathBuf, ConfigError) {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(dir.path(), name, text);
    let e = config::load_file(&p).expect_err("should fail");
    // Keep the dir's path; the error names it.
    (p, e)
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn select(
    sel: Option<&[&str]>,
    extend: &[&str],
    ignore: &[&str],
) -> Result<BTreeSet<&'static str>, String> {
    let sel = sel.map(strings);
    config::select_rules(
        Registry::builtin(),
        sel.as_deref(),
        &strings(extend),
        &strings(ignore),
    )
}

fn ids(filter: impl Fn(&aiguard::spec::rule::RuleMeta) -> bool) -> BTreeSet<&'static str> {
    Registry::builtin()
        .rules
        .iter()
        .filter(|r| filter(r))
        .map(|r| r.id)
        .collect()
}

fn set(v: &[&'static str]) -> BTreeSet<&'static str> {
    v.iter().copied().collect()
}

// ---- discovery ----

#[test]
fn aiguard_toml_beats_dot_file_and_pyproject_in_the_same_dir() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(
        d,
        "pyproject.toml",
        "[tool.aiguard]\nselect = [\"AIG601\"]\n",
    );
    write(d, ".aiguard.toml", "select = [\"AIG602\"]\n");
    let a = write(d, "aiguard.toml", "select = [\"AIG603\"]\n");
    assert_eq!(found(d), canon(a.clone()));
    std::fs::remove_file(&a).expect("rm");
    assert_eq!(found(d), canon(d.join(".aiguard.toml")));
    std::fs::remove_file(d.join(".aiguard.toml")).expect("rm");
    let cfg = config::discover(d).expect("ok").expect("some");
    assert_eq!(cfg.select, Some(strings(&["AIG601"])));
}

#[test]
fn nearer_config_beats_farther_and_files_start_at_their_dir() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "aiguard.toml", "");
    let near = write(d, "pkg/.aiguard.toml", "");
    let file = write(d, "pkg/src/deep/model.py", "x = 1\n");
    assert_eq!(found(&file), canon(near));
    assert_eq!(
        found(&d.join("pkg/src")),
        canon(d.join("pkg/.aiguard.toml"))
    );
}

#[test]
fn pyproject_without_tool_aiguard_is_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let top = write(d, "aiguard.toml", "ignore = [\"AIG603\"]\n");
    // Mentions aiguard (as a dependency) but has no [tool.aiguard] table.
    write(
        d,
        "app/pyproject.toml",
        "[project]\nname = \"app\"\ndependencies = [\"aiguard\"]\n[tool.ruff]\nline-length = 99\n",
    );
    // Never mentions aiguard and is not even valid TOML: not read as config at all.
    write(d, "app/lib/pyproject.toml", "[project\n");
    assert_eq!(found(&d.join("app/lib")), canon(top));
}

#[test]
fn broken_config_found_by_discovery_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(dir.path(), "pyproject.toml", "[tool.aiguard]\nselect = [\n");
    let e = config::discover(dir.path()).expect_err("invalid TOML");
    assert_eq!(canon(e.file.clone()), canon(p));
}

// ---- keys ----

#[test]
fn every_key_is_parsed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(
        dir.path(),
        "aiguard.toml",
        r#"
select = ["AIG6", "AIG001"]
extend-select = ["AIG002"]
ignore = ["trust-remote-code"]
exclude = ["vendor/**"]
extend-exclude = ["*.gen.py"]
fail-on = "high"
max-filesize = "2MB"

[per-file-ignores]
"tests/**" = ["AIG601", "unpinned-model-revision"]

[severity]
AIG601 = "medium"
trust-remote-code = "critical"
"#,
    );
    let c = config::load_file(&p).expect("valid");
    assert_eq!(c.path.as_deref(), Some(p.as_path()));
    assert_eq!(c.select, Some(strings(&["AIG6", "AIG001"])));
    assert_eq!(c.extend_select, strings(&["AIG002"]));
    assert_eq!(c.ignore, strings(&["trust-remote-code"]));
    assert_eq!(c.exclude, Some(strings(&["vendor/**"])));
    assert_eq!(c.extend_exclude, strings(&["*.gen.py"]));
    assert_eq!(c.fail_on, Some(Severity::High));
    assert!(!c.fail_never);
    assert_eq!(c.max_filesize, Some(2 * 1024 * 1024));
    assert_eq!(
        c.per_file_ignores,
        vec![(
            "tests/**".to_string(),
            strings(&["AIG601", "unpinned-model-revision"])
        )]
    );
    // Rule names are resolved to codes.
    assert_eq!(c.severity.get("AIG601"), Some(&Severity::Medium));
    assert_eq!(c.severity.get("AIG602"), Some(&Severity::Critical));
    assert_eq!(c.severity.len(), 2);
}

#[test]
fn pyproject_table_fail_on_never_and_integer_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.aiguard]\nfail-on = \"never\"\nmax-filesize = 4096\n\n[tool.aiguard.severity]\naig603 = \"low\"\n",
    );
    let c = config::load_file(&p).expect("valid");
    assert!(c.fail_never);
    assert_eq!(c.fail_on, None);
    assert_eq!(c.max_filesize, Some(4096));
    assert_eq!(c.severity.get("AIG603"), Some(&Severity::Low));
}

#[test]
fn pyproject_without_table_loads_as_empty() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(dir.path(), "pyproject.toml", "[project]\nname = \"x\"\n");
    let c = config::load_file(&p).expect("valid");
    assert!(c.select.is_none() && c.ignore.is_empty() && c.severity.is_empty());
}

// ---- errors name the file and the key ----

#[test]
fn unknown_key_suggests_the_nearest() {
    let (p, e) = load_err("aiguard.toml", "selct = [\"AIG601\"]\n");
    assert_eq!(e.file, p);
    assert_eq!(e.key.as_deref(), Some("selct"));
    assert!(
        e.message
            .contains("unknown key \"selct\" (did you mean \"select\"?)"),
        "{e}"
    );
    let shown = e.to_string();
    assert!(
        shown.contains("aiguard.toml") && shown.contains("selct"),
        "{shown}"
    );

    let (_, e) = load_err("pyproject.toml", "[tool.aiguard]\nextend_select = []\n");
    assert_eq!(e.key.as_deref(), Some("tool.aiguard.extend_select"));
    assert!(e.message.contains("\"extend-select\""), "{e}");

    let (_, e) = load_err("aiguard.toml", "[tool.aiguard]\nselect = []\n");
    assert!(e.message.contains("top level"), "{e}");
}

#[test]
fn bad_values_are_errors_with_key_paths() {
    let cases: [(&str, &str, &str, &str); 12] = [
        (
            "aiguard.toml",
            "[severity]\nAIG601 = \"urgent\"\n",
            "severity.AIG601",
            "invalid severity \"urgent\"",
        ),
        (
            "aiguard.toml",
            "[severity]\nAIG999 = \"low\"\n",
            "severity.AIG999",
            "unknown rule \"AIG999\"",
        ),
        (
            "aiguard.toml",
            "[severity]\nAIG602 = \"low\"\ntrust-remote-code = \"high\"\n",
            "severity.trust-remote-code",
            "twice",
        ),
        (
            "aiguard.toml",
            "severity = \"low\"\n",
            "severity",
            "expected a table",
        ),
        (
            "pyproject.toml",
            "[tool.aiguard]\nselect = [\"AIG99\"]\n",
            "tool.aiguard.select",
            "unknown rule selector \"AIG99\"",
        ),
        (
            "aiguard.toml",
            "ignore = [\"no-such-rule\"]\n",
            "ignore",
            "unknown rule selector \"no-such-rule\"",
        ),
        (
            "aiguard.toml",
            "select = \"AIG601\"\n",
            "select",
            "expected a list of strings",
        ),
        (
            "aiguard.toml",
            "exclude = [\"a\", 3]\n",
            "exclude[1]",
            "expected a string, found an integer",
        ),
        (
            "aiguard.toml",
            "[per-file-ignores]\n\"tests/**\" = [\"AIG6O1\"]\n",
            "per-file-ignores.\"tests/**\"",
            "unknown rule selector \"AIG6O1\"",
        ),
        (
            "aiguard.toml",
            "[per-file-ignores]\n\"a/[b\" = [\"AIG601\"]\n",
            "per-file-ignores.\"a/[b\"",
            "invalid glob",
        ),
        ("aiguard.toml", "fail-on = \"error\"\n", "fail-on", "never"),
        (
            "aiguard.toml",
            "max-filesize = -1\n",
            "max-filesize",
            "expected a size",
        ),
    ];
    for (name, text, key, msg) in cases {
        let (p, e) = load_err(name, text);
        assert_eq!(e.file, p, "{text}");
        assert_eq!(e.key.as_deref(), Some(key), "{text}: {e}");
        assert!(e.message.contains(msg), "{text}: {e}");
    }
    let (_, e) = load_err("aiguard.toml", "max-filesize = \"lots\"\n");
    assert!(e.message.contains("invalid size \"lots\""), "{e}");
    let (_, e) = load_err("pyproject.toml", "[tool]\naiguard = 1\n");
    assert_eq!(e.key.as_deref(), Some("tool.aiguard"));
}

#[test]
fn toml_syntax_error_names_line_and_column() {
    let (p, e) = load_err(
        "aiguard.toml",
        "select = [\"AIG601\"]\nignore = [\"AIG602\"\nfail-on = \"high\"\n",
    );
    assert_eq!(e.file, p);
    assert_eq!(e.key, None);
    assert!(e.message.contains("invalid TOML at line "), "{e}");
    assert!(e.message.contains(", column "), "{e}");
}

// ---- selection ----

#[test]
fn selection_by_code_name_prefix_and_all() {
    let defaults = ids(|r| r.default_enabled);
    assert_eq!(select(None, &[], &[]), Ok(defaults.clone()));
    assert_eq!(select(Some(&["aig601"]), &[], &[]), Ok(set(&["AIG601"])));
    assert_eq!(
        select(Some(&["trust-remote-code"]), &[], &[]),
        Ok(set(&["AIG602"]))
    );
    assert_eq!(
        select(Some(&["AIG6"]), &[], &[]),
        Ok(ids(|r| r.default_enabled && r.id.starts_with("AIG6")))
    );
    assert_eq!(select(Some(&["AIG"]), &[], &[]), Ok(defaults.clone()));
    assert_eq!(select(Some(&["ALL"]), &[], &[]), Ok(ids(|_| true)));
    assert_eq!(select(Some(&[]), &[], &[]), Ok(BTreeSet::new()));
}

#[test]
fn off_by_default_rules_need_an_exact_code_or_all() {
    assert!(!select(Some(&["AIG"]), &[], &[])
        .expect("ok")
        .contains("AIG001"));
    assert_eq!(select(Some(&["AIG0"]), &[], &[]), Ok(BTreeSet::new()));
    assert_eq!(select(Some(&["AIG001"]), &[], &[]), Ok(set(&["AIG001"])));
    assert!(select(Some(&["all"]), &[], &[])
        .expect("ok")
        .contains("AIG001"));
    assert!(select(None, &["unused-suppression"], &[])
        .expect("ok")
        .contains("AIG001"));
}

#[test]
fn extend_select_adds_and_ignore_wins() {
    let got = select(Some(&["AIG601"]), &["AIG602"], &[]).expect("ok");
    assert_eq!(got, set(&["AIG601", "AIG602"]));
    let got = select(
        Some(&["AIG601"]),
        &["AIG601"],
        &["unsafe-model-deserialization"],
    );
    assert_eq!(got, Ok(BTreeSet::new()));
    // In ignore, a prefix also removes off-by-default rules.
    let got = select(Some(&["ALL"]), &[], &["AIG0"]).expect("ok");
    assert!(!got.contains("AIG001") && !got.contains("AIG002"));
    assert!(got.contains("AIG601"));
    assert_eq!(
        config::ignored_rules(Registry::builtin(), &strings(&["AIG0"])),
        Ok(set(&["AIG001", "AIG002"]))
    );
}

#[test]
fn unknown_selector_is_named() {
    for (sel, ext, ign) in [
        (Some(&["AIG99"][..]), &[][..], &[][..]),
        (None, &["AIG99"][..], &[][..]),
        (None, &[][..], &["AIG99"][..]),
    ] {
        let e = select(sel, ext, ign).expect_err("unknown");
        assert!(e.contains("unknown rule selector \"AIG99\""), "{e}");
    }
    assert!(select(Some(&[" "]), &[], &[]).is_err());
}

// ---- init ----

#[test]
fn init_template_loads_as_the_default_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(dir.path(), "aiguard.toml", config::init_template());
    let c = config::load_file(&p).expect("template is valid");
    let default = Config::default();
    assert_eq!(c.select, default.select);
    assert!(c.extend_select.is_empty() && c.ignore.is_empty() && c.per_file_ignores.is_empty());
    assert!(c.exclude.is_none() && c.fail_on.is_none() && !c.fail_never);
    assert!(c.max_filesize.is_none() && c.severity.is_empty());
    assert_eq!(selection_of(&c), select(None, &[], &[]));
    for key in config::keys() {
        assert!(
            config::init_template().contains(&format!("# {key}"))
                || config::init_template().contains(&format!("[{key}]")),
            "template lacks {key}"
        );
    }
    // Uncommenting every `# key = value` line gives a valid config with the default selection.
    let uncommented: String = config::init_template()
        .lines()
        .filter_map(|l| l.strip_prefix("# "))
        .filter(|l| l.contains(" = ") || l.starts_with('['))
        .map(|l| format!("{l}\n"))
        .collect();
    let p = write(dir.path(), "u/aiguard.toml", &uncommented);
    let c = config::load_file(&p).expect("uncommented template is valid");
    assert_eq!(selection_of(&c), select(None, &[], &[]));
    assert_eq!(c.max_filesize, Some(1024 * 1024));
    assert_eq!(c.fail_on, Some(Severity::Info));
}

#[test]
fn docs_describe_every_key() {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/configuration.md"),
    )
    .expect("docs/configuration.md");
    for key in config::keys() {
        assert!(doc.contains(&format!("`{key}`")), "docs lack {key}");
    }
}

#[test]
fn cli_init_writes_a_loadable_file_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().expect("tempdir");
    Command::cargo_bin("aiguard")
        .expect("bin")
        .args(["init"])
        .arg(dir.path())
        .assert()
        .success();
    let p = dir.path().join("aiguard.toml");
    config::load_file(&p).expect("written file loads");

    std::fs::write(&p, "select = [\"AIG601\"]\n").expect("edit");
    let out = Command::cargo_bin("aiguard")
        .expect("bin")
        .arg("init")
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(&p).expect("read"),
        "select = [\"AIG601\"]\n"
    );

    Command::cargo_bin("aiguard")
        .expect("bin")
        .args(["init", "--force"])
        .arg(dir.path())
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&p).expect("read"),
        config::init_template()
    );
}

// ---- scan with a bad config ----

fn scan_stderr(args: &[&str], dir: &Path) -> (Option<i32>, String) {
    let out = Command::cargo_bin("aiguard")
        .expect("bin")
        .current_dir(dir)
        .arg("scan")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_scan_with_bad_config_exits_2_naming_file_and_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "src/app.py", "x = 1\n");
    write(dir.path(), "bad.toml", "[severity]\nAIG601 = \"urgent\"\n");
    let (code, err) = scan_stderr(&["--config", "bad.toml", "src"], dir.path());
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("bad.toml") && err.contains("severity.AIG601"),
        "{err}"
    );
}

#[test]
fn cli_scan_discovers_the_config_and_reports_its_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "src/app.py", "x = 1\n");
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.aiguard]\nselct = [\"AIG601\"]\n",
    );
    let (code, err) = scan_stderr(&["src"], dir.path());
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("pyproject.toml") && err.contains("tool.aiguard.selct"),
        "{err}"
    );
    assert!(err.contains("did you mean \"select\""), "{err}");

    // --isolated ignores it.
    let (code, err) = scan_stderr(&["--isolated", "src"], dir.path());
    assert_ne!(code, Some(2), "{err}");
}
