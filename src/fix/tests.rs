use super::unified_diff;

#[test]
fn a_changed_line_is_one_hunk_with_context() {
    let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
    let new = "a\nb\nc\nD\ne\nf\ng\nh\n";
    let d = unified_diff("x.py", old, new);
    assert!(
        d.starts_with("--- a/x.py\n+++ b/x.py\n@@ -1,7 +1,7 @@\n"),
        "{d}"
    );
    assert!(d.contains("-d\n+D\n"));
    assert!(!d.contains(" h\n"));
}
