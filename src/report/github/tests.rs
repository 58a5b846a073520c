use super::*;

#[test]
fn escapes() {
    assert_eq!(escape_data("100%\r\nx:y,z"), "100%25%0D%0Ax:y,z");
    assert_eq!(escape_property("a%b:c,d\n"), "a%25b%3Ac%2Cd%0A");
}
