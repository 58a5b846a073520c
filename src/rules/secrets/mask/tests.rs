use super::*;
use crate::spec::registry::Registry;

fn mask(text: &str, known: &[&str]) -> String {
    let known = known.iter().map(|s| s.to_string()).collect();
    mask_output(text, &known, &Registry::builtin().secrets)
}

#[test]
fn known_values_are_masked_raw_and_json_escaped() {
    let v = "Zq8\"pW3x/9vLm2Kd";
    assert_eq!(mask(&format!("a {v} b"), &[v]), "a ******** b");
    let json = serde_json::to_string(&format!("x={v}")).unwrap();
    assert_eq!(mask(&json, &[v]), "\"x=********\"");
    // Fragments are left alone.
    assert_eq!(mask("abc xyz", &["abc"]), "abc xyz");
    // A key printed in pieces (split at its punctuation) is masked piece by piece.
    let key = "sk-proj-Qw7TJXs9aFtSxiu1AdHSv6Uo43j5";
    assert_eq!(
        mask("call: Qw7TJXs9aFtSxiu1AdHSv6Uo43j5.messages.create", &[key]),
        "call: ********.messages.create"
    );
}

#[test]
fn key_shapes_are_masked_even_when_unknown() {
    let key = format!(
        "gsk_{}",
        "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC7dE9fG1hJ3kL5m"
    );
    let out = mask(&format!("model: {key}\n"), &[]);
    assert!(!out.contains(&key[4..]), "{out}");
    assert_eq!(mask("nothing here\n", &[]), "nothing here\n");
}
