//! Output formats, on synthetic scan results (no parsing involved).

use aiguard::finding::{
    Confidence, FileRole, Finding, FlowStep, Location, ScanResult, Severity, SkipReason, Skipped,
};
use aiguard::report::{self, Format, ReportOptions};
use aiguard::spec::registry::Registry;
use serde_json::Value;
use std::path::PathBuf;

fn loc(path: &str, line: u32, col: u32, end_line: u32, end_col: u32) -> Location {
    Location {
        path: path.to_string(),
        line,
        col,
        end_line,
        end_col,
        start_byte: 0,
        end_byte: 0,
        cell: None,
        cell_line: None,
        cell_col: None,
    }
}

fn finding(rule: &str, location: Location, message: &str) -> Finding {
    let meta = Registry::builtin().get(rule).expect("built-in rule");
    Finding {
        rule_id: meta.id,
        rule_name: meta.name,
        severity: meta.severity,
        confidence: meta.confidence,
        message: message.to_string(),
        location,
        flow: Vec::new(),
        fingerprint: format!("00000000deadbeef:{rule}"),
        fixable: false,
        snippet: String::new(),
        snippet_line: 1,
        role: FileRole::Production,
        suppressed: None,
        edit: None,
    }
}

/// `models/load.py` line 11: `model = torch.load(path)`, with a line of context either side.
fn torch_finding() -> Finding {
    let mut f = finding(
        "AIG601",
        loc("models/load.py", 11, 9, 11, 25),
        "`torch.load` without `weights_only=True` unpickles arbitrary code",
    );
    f.snippet = "def load(path):\n    model = torch.load(path)\n    return model\n".to_string();
    f.snippet_line = 10;
    f.location = loc("models/load.py", 11, 13, 11, 29);
    f
}

fn notebook_finding() -> Finding {
    let mut f = finding(
        "AIG602",
        loc("notebooks/train model.ipynb", 42, 18, 42, 40),
        "`from_pretrained` with `trust_remote_code=True`",
    );
    f.location.cell = Some(3);
    f.location.cell_line = Some(2);
    f.snippet = "m = AutoModel.from_pretrained(name, trust_remote_code=True)\n".to_string();
    f.snippet_line = 2;
    f
}

fn flow_finding() -> Finding {
    let mut f = finding(
        "AIG602",
        loc("app/serve.py", 20, 5, 20, 60),
        "a model id from the request is loaded with `trust_remote_code=True`",
    );
    f.snippet =
        "    name = request.args\n    AutoModel.from_pretrained(name, trust_remote_code=True)\n\n"
            .to_string();
    f.snippet_line = 19;
    f.location = loc("app/serve.py", 20, 5, 20, 60);
    f.flow = vec![
        FlowStep {
            location: loc("app/serve.py", 3, 1, 3, 8),
            label: "request imported".to_string(),
        },
        FlowStep {
            location: loc("app/serve.py", 19, 12, 19, 24),
            label: "user input".to_string(),
        },
        FlowStep {
            location: loc("app/serve.py", 20, 5, 20, 60),
            label: "loaded with remote code".to_string(),
        },
    ];
    f
}

fn sample() -> ScanResult {
    let mut fixable = finding(
        "AIG601",
        loc("src/with space/ml,x.py", 3, 1, 5, 2),
        "multi-line finding",
    );
    fixable.fixable = true;
    fixable.severity = Severity::Medium; // an override
                                         // With --include-tests: a tutorial notebook's finding, marked as docs code.
    let mut tutorial = notebook_finding();
    tutorial.role = FileRole::Docs;
    let mut result = ScanResult {
        findings: vec![torch_finding(), tutorial, flow_finding(), fixable],
        suppressed: vec![finding("AIG601", loc("a.py", 1, 1, 1, 2), "silenced")],
        skipped: vec![
            Skipped {
                path: "assets/blob.bin".to_string(),
                reason: SkipReason::Binary,
                detail: None,
            },
            Skipped {
                path: "broken.py".to_string(),
                reason: SkipReason::SyntaxError,
                detail: Some("line 3".to_string()),
            },
        ],
        files_scanned: 12,
        bytes_scanned: 3456,
        ..Default::default()
    };
    result.files_by_language.insert("python".to_string(), 11);
    result.files_by_language.insert("notebook".to_string(), 1);
    result.sort();
    result
}

fn opts() -> ReportOptions {
    ReportOptions {
        color: false,
        width: 100,
        repo_root: PathBuf::from("/repo"),
        cwd: PathBuf::from("/repo/sub"),
        enabled_rules: vec!["AIG001", "AIG601", "AIG602", "AIG603"],
    }
}

fn render(format: Format, result: &ScanResult) -> String {
    report::render(format, result, Registry::builtin(), &opts())
}

fn sarif_json(result: &ScanResult) -> Value {
    serde_json::from_str(&render(Format::Sarif, result)).expect("SARIF is JSON")
}

#[test]
fn every_format_renders_something() {
    let result = sample();
    for format in [
        Format::Full,
        Format::Concise,
        Format::Json,
        Format::Sarif,
        Format::Github,
    ] {
        let out = render(format, &result);
        assert!(out.contains("AIG601"), "{format:?}: {out}");
        assert!(
            !out.contains("silenced"),
            "{format:?} shows a suppressed finding"
        );
    }
}

#[test]
fn full_shows_real_line_numbers_without_escape_codes() {
    let out = render(
        Format::Full,
        &ScanResult {
            findings: vec![torch_finding()],
            ..Default::default()
        },
    );
    println!("{out}");
    assert!(
        !out.contains('\x1b'),
        "colour codes with colour off: {out:?}"
    );
    assert!(out.contains("AIG601"));
    assert!(out.contains("`torch.load` without `weights_only=True` unpickles arbitrary code"));
    assert!(out.contains("models/load.py:11:13"), "{out}");
    // The frame numbers lines from snippet_line: 10, 11, 12.
    for n in [
        "10 │ def load(path):",
        "11 │     model = torch.load(path)",
        "12 │     return model",
    ] {
        assert!(out.contains(n), "missing {n:?} in\n{out}");
    }
    assert!(out.contains("unsafe-model-deserialization"), "{out}");
    assert!(out.contains("aiguard explain AIG601"), "{out}");
}

#[test]
fn full_colour_uses_escape_codes() {
    let mut o = opts();
    o.color = true;
    let out = report::render(
        Format::Full,
        &ScanResult {
            findings: vec![torch_finding()],
            ..Default::default()
        },
        Registry::builtin(),
        &o,
    );
    assert!(out.contains('\x1b'));
}

#[test]
fn full_labels_flow_steps_and_lists_the_ones_outside_the_frame() {
    let out = render(
        Format::Full,
        &ScanResult {
            findings: vec![flow_finding()],
            ..Default::default()
        },
    );
    println!("{out}");
    assert!(out.contains("user input"), "{out}");
    assert!(
        out.contains(
            "request imported at 3:1 -> user input at 19:12 -> loaded with remote code at 20:5"
        ),
        "{out}"
    );
}

#[test]
fn full_shows_the_notebook_cell() {
    let out = render(
        Format::Full,
        &ScanResult {
            findings: vec![notebook_finding()],
            ..Default::default()
        },
    );
    println!("{out}");
    assert!(
        out.contains("notebooks/train model.ipynb [cell 3]"),
        "{out}"
    );
    assert!(
        out.contains("2 │ m = AutoModel.from_pretrained(name, trust_remote_code=True)"),
        "{out}"
    );
}

#[test]
fn full_survives_out_of_range_and_hostile_input() {
    let mut f = torch_finding();
    f.location = loc("x.py", 900, 400, 3, 0);
    f.snippet = "\x1b[2Jé\u{301}\n".to_string();
    f.message = "bad\x1b]0;title\x07".to_string();
    let mut empty = torch_finding();
    empty.snippet.clear();
    let out = render(
        Format::Full,
        &ScanResult {
            findings: vec![f, empty],
            ..Default::default()
        },
    );
    assert!(!out.contains('\x1b'), "{out:?}");
    assert!(out.contains("(at x.py:900:400)"), "{out}");
    assert!(out.contains("(at models/load.py:11:13)"), "{out}");
}

#[test]
fn concise_lines() {
    let out = render(Format::Concise, &sample());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines.contains(
        &"models/load.py:11:13: AIG601 [high] `torch.load` without `weights_only=True` unpickles arbitrary code"
    ), "{out}");
    assert!(
        lines.contains(&"src/with space/ml,x.py:3:1: AIG601 [*] [medium] multi-line finding"),
        "{out}"
    );
    assert!(lines.contains(
        &"notebooks/train model.ipynb:42:18: AIG602 [high] `from_pretrained` with `trust_remote_code=True` (cell 3, line 2)"
    ), "{out}");
}

#[test]
fn github_annotations_escape_and_give_columns_only_on_one_line() {
    let mut f = finding(
        "AIG602",
        loc("dir:a,b/100%.py", 7, 2, 7, 9),
        "first line\nsecond 100%\r",
    );
    f.severity = Severity::Low;
    let result = ScanResult {
        findings: vec![f, sample().findings.remove(3)],
        ..Default::default()
    };
    let out = render(Format::Github, &result);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(
        lines[0],
        "::notice file=dir%3Aa%2Cb/100%25.py,line=7,endLine=7,col=2,endColumn=9,title=aiguard (AIG602)::dir:a,b/100%25.py:7:2: AIG602 first line%0Asecond 100%25%0D"
    );
    assert_eq!(
        lines[1],
        "::warning file=src/with space/ml%2Cx.py,line=3,endLine=5,title=aiguard (AIG601)::src/with space/ml,x.py:3:1: AIG601 multi-line finding"
    );
}

#[test]
fn json_has_the_documented_schema() {
    let v: Value = serde_json::from_str(&render(Format::Json, &sample())).expect("JSON");
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"]["name"], "aiguard");
    assert_eq!(v["tool"]["version"], env!("CARGO_PKG_VERSION"));
    let findings = v["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 4);
    for f in findings {
        for key in [
            "rule_id",
            "rule_name",
            "severity",
            "confidence",
            "message",
            "location",
            "flow",
            "fingerprint",
            "fixable",
            "role",
        ] {
            assert!(f.get(key).is_some(), "finding lacks {key}: {f}");
        }
        for key in ["path", "line", "column", "end_line", "end_column"] {
            assert!(
                f["location"].get(key).is_some(),
                "location lacks {key}: {f}"
            );
        }
    }
    let nb = findings
        .iter()
        .find(|f| f["location"]["path"] == "notebooks/train model.ipynb")
        .expect("notebook finding");
    assert_eq!(nb["location"]["cell"], 3);
    assert_eq!(nb["location"]["cell_line"], 2);
    assert_eq!(nb["role"], "docs");
    let flow = findings
        .iter()
        .find(|f| f["location"]["path"] == "app/serve.py")
        .expect("flow finding");
    assert_eq!(flow["flow"][1]["label"], "user input");
    assert_eq!(flow["flow"][1]["location"]["column"], 12);
    assert_eq!(flow["role"], "production");
    let s = &v["summary"];
    assert_eq!(s["files_scanned"], 12);
    assert_eq!(s["bytes_scanned"], 3456);
    assert_eq!(s["files_by_language"]["python"], 11);
    assert_eq!(s["findings_by_severity"]["high"], 3);
    assert_eq!(s["findings_by_severity"]["medium"], 1);
    assert_eq!(s["findings_by_severity"]["critical"], 0);
    assert_eq!(s["suppressed"], 1);
    assert_eq!(s["skipped"][0]["reason"], "binary");
    assert_eq!(s["skipped"][1]["detail"], "line 3");
}

#[test]
fn sarif_validates_against_the_schema_and_round_trips() {
    let text = render(Format::Sarif, &sample());
    let instance: Value = serde_json::from_str(&text).expect("JSON");
    let schema: Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The validator does reject a broken log.
    let mut broken = instance.clone();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(!validator.is_valid(&broken));
    let parsed: serde_sarif::sarif::Sarif = serde_json::from_str(&text).expect("serde-sarif");
    assert_eq!(parsed.runs.len(), 1);
}

#[test]
fn sarif_invariants() {
    let v = sarif_json(&sample());
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().is_some_and(|s| s.contains("sarif")));
    let runs = v["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "aiguard");
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"].as_str().is_some());
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert!(run["automationDetails"]["id"]
        .as_str()
        .is_some_and(|id| id.contains('/')));
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        "file:///repo/"
    );

    let rules = driver["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ["AIG001", "AIG601", "AIG602", "AIG603"]);
    for r in rules {
        for key in [
            "name",
            "shortDescription",
            "fullDescription",
            "helpUri",
            "defaultConfiguration",
        ] {
            assert!(r.get(key).is_some(), "rule lacks {key}: {r}");
        }
        assert!(r["help"]["text"].is_string() && r["help"]["markdown"].is_string());
        assert!(r["properties"]["security-severity"].is_string(), "{r}");
        assert!(r["properties"]["precision"].is_string(), "{r}");
        let tags = r["properties"]["tags"].as_array().expect("tags");
        assert!(tags.iter().any(|t| t == "security"));
        assert!(tags.len() <= 20);
    }
    let aig601 = &rules[1];
    assert_eq!(aig601["properties"]["security-severity"], "8.0");
    assert_eq!(aig601["defaultConfiguration"]["level"], "error");
    assert!(aig601["properties"]["tags"]
        .as_array()
        .is_some_and(|t| t.iter().any(|t| t == "external/cwe/cwe-502")));

    // CWE and OWASP LLM ids as taxonomies, with each rule related to its entries.
    let rels = aig601["relationships"].as_array().expect("relationships");
    let targets: Vec<(String, String)> = rels
        .iter()
        .map(|r| {
            let t = &r["target"];
            let component = t["toolComponent"]["index"].as_u64().expect("component") as usize;
            let index = t["index"].as_u64().expect("index") as usize;
            let taxon = &run["taxonomies"][component]["taxa"][index]["id"];
            assert_eq!(
                taxon, &t["id"],
                "relationship points at the wrong taxon: {r}"
            );
            (
                run["taxonomies"][component]["name"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                taxon.as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        targets.contains(&("CWE".to_string(), "502".to_string())),
        "{targets:?}"
    );
    assert!(
        targets.iter().any(|(_, id)| id == "LLM03:2025"),
        "{targets:?}"
    );
    assert!(aig601["fullDescription"]["text"]
        .as_str()
        .is_some_and(|t| t.starts_with("Flags loads that unpickle")));

    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 4);
    for r in results {
        let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(
            rules[idx]["id"], r["ruleId"],
            "ruleIndex points elsewhere: {r}"
        );
        let locs = r["locations"].as_array().expect("locations");
        assert_eq!(locs.len(), 1);
        let art = &locs[0]["physicalLocation"]["artifactLocation"];
        assert_eq!(art["uriBaseId"], "%SRCROOT%");
        assert!(
            art["uri"].as_str().is_some_and(|u| u.starts_with("sub/")),
            "{art}"
        );
        assert!(r["fingerprints"]["aiguard/v1"].is_string());
        assert!(r.get("partialFingerprints").is_none());
        assert!(r["message"]["text"].is_string());
    }
    let by_uri = |uri: &str| {
        results
            .iter()
            .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri)
            .unwrap_or_else(|| panic!("no result at {uri}: {results:#?}"))
    };
    // Overridden severity: the result's level follows the finding, not the rule default.
    let multi = by_uri("sub/src/with%20space/ml%2Cx.py");
    assert_eq!(multi["level"], "warning");
    let region = &multi["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (
            &region["startLine"],
            &region["startColumn"],
            &region["endLine"],
            &region["endColumn"]
        ),
        (
            &Value::from(3),
            &Value::from(1),
            &Value::from(5),
            &Value::from(2)
        )
    );
    let nb = by_uri("sub/notebooks/train%20model.ipynb");
    assert_eq!(nb["properties"]["notebookCell"], 3);
    assert_eq!(nb["properties"]["notebookCellLine"], 2);
    // The role of the result's code, on the result and on its file.
    assert_eq!(nb["properties"]["fileRole"], "docs");
    let artifact = &nb["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["properties"]["fileRole"], "docs");
    assert_eq!(
        by_uri("sub/app/serve.py")["properties"]["fileRole"],
        "production"
    );

    let flow = by_uri("sub/app/serve.py");
    let steps = flow["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .expect("thread flow locations");
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[1]["location"]["message"]["text"], "user input");
    assert_eq!(
        flow["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
    assert!(by_uri("sub/models/load.py").get("codeFlows").is_none());

    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notes = invocation["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0]["level"], "note");
    assert_eq!(notes[1]["level"], "warning");
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "sub/assets/blob.bin"
    );
    assert!(notes[1]["message"]["text"]
        .as_str()
        .is_some_and(|t| t.contains("broken.py") && t.contains("syntax error")));
}

#[test]
fn sarif_adds_rules_that_have_results_but_are_not_enabled() {
    let mut o = opts();
    o.enabled_rules = vec!["AIG603"];
    let text = report::render(
        Format::Sarif,
        &ScanResult {
            findings: vec![torch_finding()],
            ..Default::default()
        },
        Registry::builtin(),
        &o,
    );
    let v: Value = serde_json::from_str(&text).expect("JSON");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["rules"][1]["id"], "AIG601");
    assert_eq!(run["results"][0]["ruleIndex"], 1);
}

#[test]
fn sarif_paths_outside_the_repo_are_absolute_file_uris() {
    let result = ScanResult {
        findings: vec![finding("AIG601", loc("../../tmp/x y.py", 1, 1, 1, 2), "m")],
        ..Default::default()
    };
    let v = sarif_json(&result);
    let art = &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(art["uri"], "file:///tmp/x%20y.py");
    assert!(art.get("uriBaseId").is_none());
}

#[test]
fn sarif_caps_results_keeping_the_most_severe() {
    let mut findings = Vec::new();
    for i in 0..25_001u32 {
        let mut f = finding("AIG601", loc("a.py", i + 1, 1, i + 1, 2), "m");
        f.severity = if i == 0 {
            Severity::Info
        } else {
            Severity::High
        };
        findings.push(f);
    }
    let v = sarif_json(&ScanResult {
        findings,
        ..Default::default()
    });
    let run = &v["runs"][0];
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 25_000);
    assert_eq!(results[0]["level"], "error");
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notification");
    assert!(notes[0]["message"]["text"]
        .as_str()
        .is_some_and(|t| t.contains("25000")));
}

#[test]
fn summary_line_counts() {
    let line = report::summary_line(&sample());
    assert_eq!(
        line,
        "Found 4 findings (3 high, 1 medium) in 12 files (11 python, 1 notebook); 1 suppressed; \
         1 skipped (1 binary); 1 partly analysed (1 syntax error)"
    );
    let clean = ScanResult {
        files_scanned: 1,
        ..Default::default()
    };
    assert_eq!(report::summary_line(&clean), "No findings in 1 file");
    let mut left_out = ScanResult {
        files_scanned: 3,
        ..Default::default()
    };
    left_out.left_out.insert(FileRole::Test, 11);
    left_out.left_out.insert(FileRole::Example, 3);
    assert_eq!(
        report::summary_line(&left_out),
        "No findings in 3 files; 14 in tests, examples, benchmarks, docs and scripts not shown \
         (11 test, 3 example; --include-tests shows them)"
    );
}

#[test]
fn statistics_sorted_by_count() {
    let stats = report::statistics(&sample());
    assert_eq!(
        stats,
        "    2  AIG601  unsafe-model-deserialization\n    2  AIG602  trust-remote-code\n"
    );
    let _ = Confidence::High;
}

#[test]
fn full_maps_severity_to_miette_levels() {
    let mut medium = torch_finding();
    medium.severity = Severity::Medium;
    let mut low = torch_finding();
    low.severity = Severity::Low;
    let out = render(
        Format::Full,
        &ScanResult {
            findings: vec![torch_finding(), medium, low],
            ..Default::default()
        },
    );
    let glyphs: Vec<char> = out
        .lines()
        .filter_map(|l| l.trim_start().chars().next())
        .filter(|c| matches!(c, '×' | '⚠' | '☞'))
        .collect();
    assert_eq!(glyphs, ['×', '⚠', '☞'], "{out}");
}

/// A file name or message with terminal escapes (`\x1b]0;…\x07`, `\x1b[2J`) never reaches a
/// terminal or a CI log raw, in any text format.
#[test]
fn control_characters_in_paths_never_reach_the_output() {
    let mut f = finding(
        "AIG601",
        loc("a\x1b]0;pwned\x07.py", 1, 1, 1, 5),
        "msg \x1b[2J end",
    );
    f.snippet = "x = torch.load(p)\n".into();
    let result = ScanResult {
        findings: vec![f],
        ..Default::default()
    };
    for format in [Format::Full, Format::Concise, Format::Github] {
        let out = report::render(format, &result, Registry::builtin(), &opts());
        assert!(
            !out.chars().any(|c| c.is_control() && c != '\n'),
            "{format:?}: {out:?}"
        );
    }
}
