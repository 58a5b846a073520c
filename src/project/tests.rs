use super::*;

fn v(s: &str) -> Version {
    Version::parse(s).unwrap_or_else(|| panic!("{s} parses"))
}

#[test]
fn versions_compare() {
    assert_eq!(v("2.6"), v("2.6.0"));
    assert!(v("2.6.0rc1") < v("2.6"));
    assert!(v("2.6.0.dev1") < v("2.6.0a1"));
    assert!(v("2.6.0a1") < v("2.6.0b1"));
    assert!(v("2.6.0b1") < v("2.6.0rc1"));
    assert!(v("2.5.1") < v("2.6"));
    assert!(v("2.10") > v("2.9"));
    assert!(v("1.2.post1") > v("1.2"));
    assert!(v("1.0.0-beta.2") < v("1.0.0"));
    assert!(v("1.0.0-beta.2") > v("1.0.0-beta.1"));
    assert_eq!(v("v5.0.1"), v("5.0.1"));
    assert_eq!(v("2.6.0+cu121"), v("2.6"));
    assert_eq!(v("1!2.0"), v("2.0"));
    assert_eq!(v("5.x").release(), &[5]);
    assert!(v("1.0.0-canary.3").is_pre());
    for bad in [
        "",
        "latest",
        "x",
        "*",
        "abc",
        "-1",
        "99999999999999999999999",
    ] {
        assert!(Version::parse(bad).is_none(), "{bad}");
    }
}

#[test]
fn specifiers_give_pin_or_lowest_bound() {
    use Requirement::*;
    let r = Requirement::parse;
    assert_eq!(r("==2.6.0"), Pinned(v("2.6.0")));
    assert_eq!(r("===2.6.0"), Pinned(v("2.6.0")));
    assert_eq!(r("4.2.1"), Pinned(v("4.2.1")));
    assert_eq!(r("=4.2.1"), Pinned(v("4.2.1")));
    assert_eq!(r(">=2.6"), AtLeast(v("2.6")));
    assert_eq!(r(">=2.6,<3"), AtLeast(v("2.6")));
    assert_eq!(r("(>= 2.6, < 3)"), AtLeast(v("2.6")));
    assert_eq!(r("~=2.6"), AtLeast(v("2.6")));
    assert_eq!(r("^5.0.1"), AtLeast(v("5.0.1")));
    assert_eq!(r("~5.1"), AtLeast(v("5.1")));
    assert_eq!(r("5.x"), AtLeast(v("5")));
    assert_eq!(r("==1.*"), AtLeast(v("1")));
    assert_eq!(r(">=1 <2 || ^3"), AtLeast(v("1")));
    assert_eq!(r("1.2.3 - 2.0"), AtLeast(v("1.2.3")));
    assert_eq!(r(">=1,<2,!=1.5"), AtLeast(v("1")));
    for any in [
        "",
        "*",
        "latest",
        "next",
        "<3",
        "!=1.0",
        "x",
        "^1 || latest",
    ] {
        assert_eq!(r(any), Any, "{any}");
    }
    for elsewhere in [
        "file:../x",
        "workspace:*",
        "link:./a",
        "git+https://github.com/a/b.git#abc",
        "github:a/b",
        "https://x.test/a.tgz",
        "user/repo",
        "npm:other@^1",
        "catalog:",
    ] {
        assert_eq!(r(elsewhere), Elsewhere, "{elsewhere}");
    }
}

#[test]
fn python_names_are_normalised() {
    assert_eq!(normalise_python("Llama_Index.Core"), "llama-index-core");
    assert_eq!(normalise_python("a--_.b"), "a-b");
    assert_eq!(Ecosystem::Npm.normalise("@Scope/x"), "@Scope/x");
    assert_eq!(Ecosystem::Cargo.normalise("Async_OpenAI"), "async-openai");
    assert_eq!(
        Ecosystem::of_family(crate::source::Family::Rust),
        Some(Ecosystem::Cargo)
    );
}

#[test]
fn requirements_txt() {
    let text = "# comment\nopenai>=1.0  # latest API\ntorch==2.6.0 \\\n    --hash=sha256:abc\n\
                -r other.txt\n-e ./local\nLangChain_Core[extra] ~= 0.2 ; python_version > '3.8'\n\
                ./wheels/x.whl\nhttps://x.test/y.tgz\nmylib @ git+https://github.com/a/b@abc\n\
                anthropic\n--index-url https://x\n";
    let deps = parse_requirements_txt(text);
    let names: Vec<&str> = deps.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        ["openai", "torch", "langchain-core", "mylib", "anthropic"]
    );
    assert_eq!(deps[0].requirement, Requirement::AtLeast(v("1.0")));
    assert_eq!(&text[deps[0].span.clone()], "openai>=1.0");
    assert_eq!(deps[0].spec, "openai>=1.0");
    assert_eq!(deps[1].requirement, Requirement::Pinned(v("2.6.0")));
    assert_eq!(&text[deps[1].span.clone()], "torch==2.6.0 \\");
    assert_eq!(deps[2].requirement, Requirement::AtLeast(v("0.2")));
    assert_eq!(deps[3].requirement, Requirement::Elsewhere);
    assert_eq!(deps[4].requirement, Requirement::Any);
    // Garbage never panics.
    for g in [
        "\\", "\\\n\\", "[", "==", "#", "a[", "é>=1", "a ; b", "\u{0}",
    ] {
        let _ = parse_requirements_txt(g);
    }
}

#[test]
fn pyproject_pep621_and_poetry() {
    let text = r#"
[build-system]
requires = ["hatchling"]

[project]
name = "x"
dependencies = [
  "openai>=1.0",
  "torch==2.6.0",
]
[project.optional-dependencies]
gpu = ["vllm"]

[dependency-groups]
dev = ["pytest>=8"]

[tool.poetry.dependencies]
python = "^3.10"
anthropic = "^0.30"
langchain = { version = "0.2.1", extras = ["x"] }
local = { path = "../local" }
"#;
    let m = parse_pyproject(text);
    assert!(m.library);
    let got: Vec<(&str, &Requirement, bool)> = m
        .deps
        .iter()
        .map(|d| (d.name.as_str(), &d.requirement, d.runtime))
        .collect();
    assert_eq!(
        got,
        [
            ("openai", &Requirement::AtLeast(v("1.0")), true),
            ("torch", &Requirement::Pinned(v("2.6.0")), true),
            ("vllm", &Requirement::Any, false),
            ("pytest", &Requirement::AtLeast(v("8")), false),
            ("anthropic", &Requirement::AtLeast(v("0.30")), true),
            ("langchain", &Requirement::Pinned(v("0.2.1")), true),
            ("local", &Requirement::Elsewhere, true),
        ]
    );
    assert_eq!(&text[m.deps[0].span.clone()], "\"openai>=1.0\"");
    assert_eq!(&text[m.deps[4].span.clone()], "anthropic = \"^0.30\"");
    // An application: no build system.
    assert!(!parse_pyproject("[project]\ndependencies = [\"openai\"]\n").library);
    assert!(!parse_pyproject("[build-system]\n[tool.poetry]\npackage-mode = false\n").library);
    for g in [
        "[project",
        "[project]\ndependencies = 3",
        "[project]\ndependencies = [1, \"a\"]",
        "x = \"\\",
    ] {
        let _ = parse_pyproject(g);
    }
}

#[test]
fn package_json() {
    let text = r#"{
  "name": "app",
  "private": true,
  "scripts": { "build": "next build" },
  "dependencies": {
    "openai": "^4.20.0",
    "@anthropic-ai/sdk": "0.30.1",
    "local": "file:../local",
    "nested": { "weird": 1 }
  },
  "devDependencies": { "ai": "*" },
  "main": "index.js"
}"#;
    let m = parse_package_json(text);
    assert!(!m.library, "private");
    let got: Vec<(&str, &Requirement, bool)> = m
        .deps
        .iter()
        .map(|d| (d.name.as_str(), &d.requirement, d.runtime))
        .collect();
    assert_eq!(
        got,
        [
            ("openai", &Requirement::AtLeast(v("4.20.0")), true),
            ("@anthropic-ai/sdk", &Requirement::Pinned(v("0.30.1")), true),
            ("local", &Requirement::Elsewhere, true),
            ("ai", &Requirement::Any, false),
        ]
    );
    assert_eq!(&text[m.deps[0].span.clone()], "\"openai\": \"^4.20.0\"");
    assert!(parse_package_json(r#"{"main": "x.js", "dependencies": {}}"#).library);
    assert!(!parse_package_json(r#"{"dependencies": {}}"#).library);
    for g in [
        "",
        "{",
        "{\"a\"",
        "[1]",
        "{\"dependencies\": {\"a\": ",
        "{\"a\": \"\\",
        "{\"x\": [[[[[[[",
        "}}}}",
    ] {
        let _ = parse_package_json(g);
    }
}

#[test]
fn cargo_requirements_are_caret_unless_exact() {
    use Requirement::*;
    let r = parse_cargo_requirement;
    assert_eq!(r("0.28"), AtLeast(v("0.28")));
    assert_eq!(r("1.2.3"), AtLeast(v("1.2.3")));
    assert_eq!(r("^0.28.1"), AtLeast(v("0.28.1")));
    assert_eq!(r("~1.2"), AtLeast(v("1.2")));
    assert_eq!(r(">=0.2, <0.3"), AtLeast(v("0.2")));
    assert_eq!(r("1.*"), AtLeast(v("1")));
    assert_eq!(r("=0.28"), AtLeast(v("0.28")), "every 0.28.x");
    assert_eq!(r("=0.28.0"), Pinned(v("0.28.0")));
    assert_eq!(r(" = 1.0.0-beta.2"), Pinned(v("1.0.0-beta.2")));
    assert_eq!(r("=1.0.0, <2"), AtLeast(v("1.0.0")));
    for any in ["", "*", "<0.3", "<=1, <2", "latest"] {
        assert_eq!(r(any), Any, "{any}");
    }
}

#[test]
fn cargo_toml() {
    let text = r#"
[package]
name = "app"
version = "0.1.0"

[dependencies]
async-openai = "0.28"
openai = { package = "async_openai", version = "=0.28.0" }
local = { path = "../local" }
at-commit = { git = "https://x.test/a", rev = "5d3d2b8" }
at-tag = { git = "https://x.test/a", tag = "v1.0" }
on-branch = { git = "https://x.test/a", branch = "dev" }
inherited = { workspace = true, features = ["x"] }
dotted.workspace = true

[dependencies.candle-core]
version = "0.8"

[target.'cfg(unix)'.dependencies]
hf-hub = "0.3"
ort = { version = "2", optional = true }

[dev-dependencies]
tokenizers = "0.20"

[build-dependencies]
tiktoken-rs = "0.6"
"#;
    let m = parse_cargo_toml(text);
    assert!(m.library, "no [[bin]]: decided on disk");
    assert!(m.auto_bins);
    assert!(m.workspace_deps.is_none());
    let got: Vec<(&str, &Requirement, bool, bool)> = m
        .deps
        .iter()
        .map(|d| (d.name.as_str(), &d.requirement, d.runtime, d.inherited))
        .collect();
    use Requirement::*;
    assert_eq!(
        got,
        [
            ("async-openai", &AtLeast(v("0.28")), true, false),
            ("async-openai", &Pinned(v("0.28.0")), true, false),
            ("local", &Elsewhere, true, false),
            ("at-commit", &Elsewhere, true, false),
            ("at-tag", &Elsewhere, true, false),
            ("on-branch", &Any, true, false),
            ("inherited", &Elsewhere, true, true),
            ("dotted", &Elsewhere, true, true),
            ("candle-core", &AtLeast(v("0.8")), true, false),
            ("hf-hub", &AtLeast(v("0.3")), true, false),
            ("ort", &AtLeast(v("2")), false, false),
            ("tokenizers", &AtLeast(v("0.20")), false, false),
            ("tiktoken-rs", &AtLeast(v("0.6")), false, false),
        ]
    );
    assert_eq!(&text[m.deps[0].span.clone()], "async-openai = \"0.28\"");
    assert_eq!(m.deps[0].spec, "async-openai = \"0.28\"");
    // A header table is reported on its header line.
    assert_eq!(&text[m.deps[8].span.clone()], "candle-core]");

    let bin =
        parse_cargo_toml("[package]\nname = \"x\"\nautobins = false\n[[bin]]\nname = \"x\"\n");
    assert!(!bin.library);
    assert!(!bin.auto_bins);
    let ws = parse_cargo_toml(
        "[workspace]\nmembers = [\"a\"]\n[workspace.dependencies]\nRig = { package = \"rig-core\", version = \"0.9\" }\n",
    );
    assert!(ws.library && !ws.auto_bins, "a virtual manifest");
    let rig = &ws.workspace_deps.as_ref().unwrap()["rig"];
    assert_eq!(
        (rig.name.as_str(), &rig.requirement),
        ("rig-core", &AtLeast(v("0.9")))
    );
    assert_eq!(
        parse_cargo_toml("[workspace]\n")
            .workspace_deps
            .map(|w| w.len()),
        Some(0)
    );
    for g in [
        "",
        "[",
        "[dependencies]\nx = ",
        "dependencies = 3",
        "[[dependencies]]\n",
        "target = 1",
    ] {
        let _ = parse_cargo_toml(g);
    }
}

#[test]
fn toml_lockfiles() {
    let uv = "version = 1\n[[package]]\nname = \"Torch\"\nversion = \"2.6.0\"\nsource = { registry = \"https://pypi.org/simple\" }\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\nsource = { editable = \".\" }\n[[package]]\nname = \"noversion\"\n";
    assert_eq!(
        parse_toml_lock(uv),
        [
            ("torch".to_string(), v("2.6.0")),
            ("app".to_string(), v("0.1.0"))
        ]
    );
    assert_eq!(
        parse_cargo_lock(
            "version = 4\n[[package]]\nname = \"Async_OpenAI\"\nversion = \"0.28.0\"\n"
        ),
        [("Async_OpenAI".to_string(), v("0.28.0"))]
    );
    assert!(parse_toml_lock("[[package]\nname=").is_empty());
    assert!(parse_toml_lock("package = 3").is_empty());
}

#[test]
fn package_lock_v1_v2_v3() {
    let v3 = r#"{"lockfileVersion": 3, "packages": {
        "": {"name": "app"},
        "node_modules/openai": {"version": "4.20.1"},
        "node_modules/@ai-sdk/openai": {"version": "1.0.0"},
        "node_modules/x/node_modules/openai": {"version": "3.0.0"},
        "node_modules/ws": {"link": true}
    }}"#;
    let mut got = parse_package_lock(v3);
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got,
        [
            ("@ai-sdk/openai".to_string(), v("1.0.0")),
            ("openai".to_string(), v("4.20.1"))
        ]
    );
    let v1 = r#"{"lockfileVersion": 1, "dependencies": {"openai": {"version": "3.3.0"}}}"#;
    assert_eq!(parse_package_lock(v1), [("openai".to_string(), v("3.3.0"))]);
    assert!(parse_package_lock("{").is_empty());
    assert!(parse_package_lock("[]").is_empty());
}

#[test]
fn pnpm_lock_versions() {
    let v5 = "lockfileVersion: 5.4\n\nspecifiers:\n  openai: ^3.0.0\n\ndependencies:\n  openai: 3.3.0\n  zod: 3.22.4_typescript@5.0.0\n\npackages:\n\n  /openai/3.3.0:\n    resolution: {integrity: sha512-x}\n  /@scope/pkg/1.0.0_react@18.0.0:\n    dev: false\n";
    let got = parse_pnpm_lock(v5);
    assert!(got.contains(&("openai".to_string(), v("3.3.0"))));
    assert!(got.contains(&("zod".to_string(), v("3.22.4"))));
    assert!(got.contains(&("@scope/pkg".to_string(), v("1.0.0"))));
    assert!(!got.iter().any(|(n, _)| n == "resolution"));

    let v6 = "lockfileVersion: '6.0'\n\ndependencies:\n  openai:\n    specifier: ^4.0.0\n    version: 4.20.1\n\npackages:\n\n  /@anthropic-ai/sdk@0.9.1(encoding@0.1.13):\n    resolution: {integrity: sha512-x}\n";
    let got = parse_pnpm_lock(v6);
    assert!(got.contains(&("openai".to_string(), v("4.20.1"))));
    assert!(got.contains(&("@anthropic-ai/sdk".to_string(), v("0.9.1"))));

    let v9 = "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      ai:\n        specifier: ^3.0.0\n        version: 3.4.7(react@18.2.0)(zod@3.23.8)\n      local:\n        specifier: workspace:*\n        version: link:../local\n\npackages:\n\n  '@ai-sdk/provider@0.0.24':\n    resolution: {integrity: sha512-x}\n\nsnapshots:\n\n  ai@3.4.7(react@18.2.0):\n    dependencies:\n      zod: 3.23.8\n";
    let got = parse_pnpm_lock(v9);
    assert!(got.contains(&("ai".to_string(), v("3.4.7"))));
    assert!(got.contains(&("@ai-sdk/provider".to_string(), v("0.0.24"))));
    assert!(!got.iter().any(|(n, _)| n == "local" || n == "zod"));
    for g in [
        "",
        ":",
        "packages:\n  :\n",
        "  - x\n:::\n'",
        "lockfileVersion: 5\npackages:\n  /x:\n",
    ] {
        let _ = parse_pnpm_lock(g);
    }
}

#[test]
fn yarn_lock_v1_and_berry() {
    let v1 = "# yarn lockfile v1\n\n\"@anthropic-ai/sdk@^0.9.0\", \"@anthropic-ai/sdk@^0.9.1\":\n  version \"0.9.1\"\n  dependencies:\n    openai \"^1.0.0\"\n\nopenai@^4.0.0:\n  version \"4.20.1\"\n  resolved \"https://x\"\n";
    let got = parse_yarn_lock(v1);
    assert_eq!(
        got,
        [
            ("@anthropic-ai/sdk".to_string(), v("0.9.1")),
            ("openai".to_string(), v("4.20.1"))
        ]
    );
    let berry = "__metadata:\n  version: 6\n\n\"app@workspace:.\":\n  version: 0.0.0-use.local\n\n\"openai@npm:^4.0.0\":\n  version: 4.20.1\n  resolution: \"openai@npm:4.20.1\"\n";
    assert_eq!(
        parse_yarn_lock(berry),
        [("openai".to_string(), v("4.20.1"))]
    );
    for g in ["", ":", "\"@:\n  version", "a@:\n  version \"\"\n", "@\n"] {
        let _ = parse_yarn_lock(g);
    }
}

#[test]
fn manifest_kinds() {
    use ManifestKind::*;
    assert_eq!(
        ManifestKind::of_path("a/requirements.txt"),
        Some(Requirements)
    );
    assert_eq!(
        ManifestKind::of_path("requirements-dev.txt"),
        Some(Requirements)
    );
    assert_eq!(
        ManifestKind::of_path("x/requirements/base.txt"),
        Some(Requirements)
    );
    assert_eq!(ManifestKind::of_path("pyproject.toml"), Some(PyProject));
    assert_eq!(ManifestKind::of_path("web/package.json"), Some(PackageJson));
    assert_eq!(
        ManifestKind::of_path("crates/app/Cargo.toml"),
        Some(CargoToml)
    );
    assert_eq!(ManifestKind::of_path("Cargo.lock"), None);
    assert_eq!(ManifestKind::of_path("notes.txt"), None);
    assert_eq!(ManifestKind::of_path("package-lock.json"), None);
}

#[test]
fn project_reads_nearest_directory_and_lockfiles() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    std::fs::create_dir(r.join(".git")).unwrap();
    std::fs::create_dir_all(r.join("svc/app")).unwrap();
    std::fs::write(
        r.join("uv.lock"),
        "[[package]]\nname = \"torch\"\nversion = \"2.5.1\"\n[[package]]\nname = \"openai\"\nversion = \"1.40.0\"\n",
    )
    .unwrap();
    std::fs::write(r.join("svc/requirements.txt"), "torch>=2.6\nnumpy\n").unwrap();
    std::fs::write(
        r.join("svc/app/package.json"),
        "{\"dependencies\": {\"ai\": \"^5.0.1\"}}",
    )
    .unwrap();
    std::fs::write(r.join("svc/app/yarn.lock"), "garbage: [\n\u{0}").unwrap();
    // Above the repository root: never read.
    let p = Project::of_file(&r.join("svc/app/main.py"));
    // The nearest mention wins: svc's range, not the root's lockfile.
    assert_eq!(p.version(Ecosystem::Python, "torch"), Some(&v("2.6")));
    assert_eq!(p.version(Ecosystem::Python, "OpenAI"), Some(&v("1.40.0")));
    assert!(p.locked(Ecosystem::Python, "torch"));
    assert!(!p.locked(Ecosystem::Python, "numpy"));
    assert_eq!(p.version(Ecosystem::Python, "numpy"), None);
    assert_eq!(p.version(Ecosystem::Npm, "ai"), Some(&v("5.0.1")));
    assert_eq!(p.version(Ecosystem::Npm, "openai"), None);
    // Cached: the same Arc for a second file of the directory.
    let again = Project::of_file(&r.join("svc/app/other.py"));
    assert_eq!(again.version(Ecosystem::Python, "torch"), Some(&v("2.6")));
}

#[test]
fn project_reads_cargo_lock_and_workspace_root() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    std::fs::create_dir(r.join(".git")).unwrap();
    std::fs::create_dir_all(r.join("crates/app/src")).unwrap();
    std::fs::write(
        r.join("Cargo.toml"),
        "[workspace]\nmembers = [\"crates/*\"]\n[workspace.dependencies]\nasync-openai = \"0.28\"\n",
    )
    .unwrap();
    std::fs::write(
        r.join("Cargo.lock"),
        "version = 4\n[[package]]\nname = \"async-openai\"\nversion = \"0.28.3\"\n[[package]]\nname = \"tokenizers\"\nversion = \"0.20.1\"\n",
    )
    .unwrap();
    std::fs::write(
        r.join("crates/app/Cargo.toml"),
        "[package]\nname = \"app\"\n[dependencies]\nasync-openai.workspace = true\ncandle-core = \"0.8\"\n",
    )
    .unwrap();
    std::fs::write(r.join("crates/app/src/main.rs"), "fn main() {}\n").unwrap();
    assert!(cargo_auto_bin(&r.join("crates/app/Cargo.toml")));
    assert!(!cargo_auto_bin(&r.join("Cargo.toml")));
    let p = Project::of_file(&r.join("crates/app/src/main.rs"));
    // The inherited dependency takes no version from the member; the root's lockfile gives it.
    assert_eq!(
        p.version(Ecosystem::Cargo, "async_openai"),
        Some(&v("0.28.3"))
    );
    assert!(p.locked(Ecosystem::Cargo, "async-openai"));
    assert_eq!(p.version(Ecosystem::Cargo, "candle-core"), Some(&v("0.8")));
    assert!(!p.locked(Ecosystem::Cargo, "candle-core"));
    let ws = p
        .cargo_workspace_dep("async_openai")
        .expect("the root's entry");
    assert_eq!(ws.requirement, Requirement::AtLeast(v("0.28")));
    assert!(p.cargo_workspace_dep("candle-core").is_none());
}

#[test]
fn manifests_name_their_own_package() {
    let npm = parse_package_json(
        r#"{"version": "1.0.0", "name": "@acme/files-mcp", "dependencies": {"a": "1"}}"#,
    );
    assert_eq!(npm.name.as_deref(), Some("@acme/files-mcp"));
    assert_eq!(
        parse_package_json(r#"{"dependencies": {"name": "1"}}"#).name,
        None
    );
    let pep621 = parse_pyproject("[project]\nname = \"Weather_MCP\"\n");
    assert_eq!(pep621.name.as_deref(), Some("Weather_MCP"));
    let poetry = parse_pyproject("[tool.poetry]\nname = \"chat-app\"\n");
    assert_eq!(poetry.name.as_deref(), Some("chat-app"));
    let cargo = parse_cargo_toml("[package]\nname = \"mcp-files\"\nversion = \"0.1.0\"\n");
    assert_eq!(cargo.name.as_deref(), Some("mcp-files"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"Weather_MCP\"\n",
    )
    .unwrap();
    let project = Project::of_dir(dir.path());
    assert!(project.publishes(Ecosystem::Python, "weather-mcp"));
    assert!(!project.publishes(Ecosystem::Npm, "weather-mcp"));
    assert!(!project.publishes(Ecosystem::Python, "mcp-server-fetch"));
}
