use super::*;

#[test]
fn encodes_reserved_characters() {
    assert_eq!(encode("a b/c#d%e.py"), "a%20b/c%23d%25e.py");
    assert_eq!(encode("é"), "%C3%A9");
}

#[test]
fn normalises_dot_segments() {
    assert_eq!(
        normalise(Path::new("/r/a/../b/./c")),
        PathBuf::from("/r/b/c")
    );
}

#[test]
fn caps_flow_steps_keeping_the_sink() {
    let kept: Vec<usize> = capped_steps(120).collect();
    assert_eq!(kept.len(), MAX_FLOW_STEPS);
    assert_eq!(kept.last(), Some(&119));
    assert_eq!(capped_steps(3).collect::<Vec<_>>(), vec![0, 1, 2]);
}
