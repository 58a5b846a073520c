use super::*;

#[test]
fn paths_follow_splices_into_the_callee_and_back() {
    let mut t = Trace::default();
    let sp = |n| Span::new(n, n + 1);
    let src = t.push(sp(1), Note::Source("llm".into()), NO_STEP);
    let arg = t.push(sp(2), Note::Arg("f".into()), src);
    let param = t.push(sp(10), Note::Param("x".into()), NO_STEP);
    let ret = t.push(sp(11), Note::Return, param);
    let splice = t.push(sp(2), Note::Splice { callee: ret }, arg);
    let after = t.push(sp(3), Note::Assign("y".into()), splice);
    let spans: Vec<u32> = t.path(after).iter().map(|s| s.span.start).collect();
    assert_eq!(spans, [1, 2, 10, 11, 3]);
}

#[test]
fn join_keeps_the_first_path_per_kind() {
    let l = |kind, trace| Label {
        kind,
        cleared: 0,
        flags: 0,
        trace,
    };
    let mut a = vec![l(0, 1)];
    assert!(!join(&mut a, &[l(0, 2)]));
    assert!(join(&mut a, &[l(1, 3)]));
    assert_eq!(a, [l(0, 1), l(1, 3)]);
}
