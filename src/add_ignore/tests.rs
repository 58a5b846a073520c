use super::*;

fn codes(c: &[&'static str]) -> BTreeSet<&'static str> {
    c.iter().copied().collect()
}

#[test]
fn merges_into_existing_comment() {
    let m = merge(
        "    # aiguard: ignore[AIG601] ours",
        "#",
        &codes(&["AIG301"]),
        Some("r"),
    );
    assert_eq!(
        m.as_deref(),
        Some("    # aiguard: ignore[AIG601, AIG301] ours")
    );
    let m = merge(
        "x = 1  # aiguard: ignore[AIG301]",
        "#",
        &codes(&["AIG301"]),
        None,
    );
    assert_eq!(m.as_deref(), Some("x = 1  # aiguard: ignore[AIG301]"));
    let m = merge(
        "// aiguard: ignore[AIG301]",
        "//",
        &codes(&["AIG302"]),
        Some("why"),
    );
    assert_eq!(m.as_deref(), Some("// aiguard: ignore[AIG301, AIG302] why"));
    assert_eq!(merge("# a comment", "#", &codes(&["AIG301"]), None), None);
    assert_eq!(
        merge("# aiguard: ignore", "#", &codes(&["AIG301"]), None),
        None
    );
}

#[test]
fn text_files_with_hash_comments() {
    assert!(hash_comment_file("pyproject.toml"));
    assert!(hash_comment_file("requirements-dev.txt"));
    assert!(hash_comment_file("config/.env.local"));
    assert!(!hash_comment_file("package.json"));
}
