use super::*;

#[test]
fn sizes() {
    assert_eq!(parse_size("2MB"), Ok(2 * 1024 * 1024));
    assert_eq!(parse_size("512KB"), Ok(512 * 1024));
    assert_eq!(parse_size("1MiB"), Ok(1 << 20));
    assert_eq!(parse_size(" 100 "), Ok(100));
    assert_eq!(parse_size("3 gb"), Ok(3 << 30));
    assert!(parse_size("MB").is_err());
    assert!(parse_size("1.5MB").is_err());
    assert!(parse_size("-1").is_err());
    assert!(parse_size("99999999999999999999GB").is_err());
    assert!(parse_size("17179869184GB").is_err());
}

#[test]
fn typo_suggestions() {
    assert_eq!(closest("selct", &keys()), Some("select"));
    assert_eq!(closest("extend_select", &keys()), Some("extend-select"));
    assert_eq!(closest("failon", &keys()), Some("fail-on"));
    assert_eq!(closest("banana", &keys()), None);
}

#[test]
fn key_quoting() {
    assert_eq!(quote_key("AIG601"), "AIG601");
    assert_eq!(quote_key("tests/**"), "\"tests/**\"");
}
