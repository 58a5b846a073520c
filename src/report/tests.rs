use super::*;

#[test]
fn sanitize_replaces_control_characters() {
    assert_eq!(sanitize("a\x1b[31mb", false), "a\u{FFFD}[31mb");
    assert_eq!(sanitize("a\nb\r", false), "a b ");
    assert_eq!(sanitize("a\nb\r", true), "a\nb\u{FFFD}");
    assert!(matches!(
        sanitize("plain\ttext", false),
        std::borrow::Cow::Borrowed(_)
    ));
}
