use super::*;
use crate::spec::registry::Registry;

#[test]
fn code_points_parse_single_points_and_ranges() {
    let cps = CodePoints::parse(&["200B".into(), "E0000-E007F".into()]).unwrap();
    assert!(cps.contains('\u{200B}'));
    assert!(cps.contains('\u{E0041}'));
    assert!(!cps.contains('\u{200C}'));
    assert!(CodePoints::parse(&["E007F-E0000".into()]).is_err());
    assert!(CodePoints::parse(&["zz".into()]).is_err());
}

#[test]
fn instruction_globs_match_the_end_of_a_path_in_any_case() {
    let set = path_globs(&["AGENTS.md".into(), ".cursor/rules/**".into()]).unwrap();
    assert!(set.is_match("AGENTS.md"));
    assert!(set.is_match("pkg/sub/agents.md"));
    assert!(set.is_match("repo/.cursor/rules/style.mdc"));
    assert!(!set.is_match("repo/cursor/rules/style.mdc"));
    assert!(!set.is_match("AGENTS.md.bak"));
}

#[test]
fn builtin_pack_classes_cover_tags_and_leave_ascii_alone() {
    let spec = &Registry::builtin().agent_text;
    assert_eq!(spec.rule_id, "AIG906");
    assert!(spec.class_of('a').is_none());
    assert!(spec.class_of('中').is_none());
    let tag = spec
        .class_of('\u{E0041}')
        .expect("tag characters are hidden");
    assert_eq!(tag.ascii_offset, Some(0xE0000));
    assert_eq!(spec.injection.as_ref().map(|i| i.rule_id), Some("AIG907"));
}

#[test]
fn an_unknown_report_or_rule_is_an_error() {
    let raw = RawHiddenText {
        name: "x".into(),
        code_points: vec!["200B".into()],
        report: "sometimes".into(),
        min_run: None,
        allowed_after: Vec::new(),
        allowed_run: None,
        unless_line_has: Vec::new(),
        ascii_offset: None,
        anywhere: false,
        kept_in_snippets: false,
    };
    assert!(HiddenClass::compile(raw).is_err());
    let text = RawAgentText {
        rule: "AIG999".into(),
        instruction_files: Vec::new(),
        description_keys: Vec::new(),
        schema_keys: Vec::new(),
        schema_files: Vec::new(),
    };
    assert!(AgentText::compile(Some(text), Vec::new(), None, &[]).is_err());
}
