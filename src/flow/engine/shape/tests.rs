use super::*;

fn label(kind: u16) -> Label {
    Label {
        kind,
        cleared: 0,
        flags: 0,
        trace: NO_STEP,
    }
}

fn kinds(t: &Taint) -> Vec<u16> {
    t.iter().map(|l| l.kind).collect()
}

/// `(a, b)` with `a` of kind 1 and `b` clean.
fn pair() -> Shape {
    let mut s = Shape::default();
    assert!(s.set(Key::Pos(0), vec![label(1)], None));
    assert!(s.set(Key::Pos(1), Taint::new(), None));
    s
}

#[test]
fn a_part_carries_only_its_own_taint_and_other_parts_the_rest() {
    let s = pair();
    assert_eq!(kinds(s.get(KeyRef::Pos(0)).0), [1]);
    assert!(s.get(KeyRef::Pos(1)).0.is_empty());
    let o = Shape::opaque(vec![label(2)]);
    assert_eq!(kinds(o.get(KeyRef::Name("x")).0), [2]);
}

#[test]
fn a_join_gives_each_part_what_either_side_has_there() {
    let mut other = Shape::opaque(vec![label(3)]);
    assert!(other.set(Key::Name("k".into()), vec![label(2)], None));
    let j = pair().joined(&other);
    // Named on one side only: the other side's rest.
    assert_eq!(kinds(j.get(KeyRef::Pos(0)).0), [1, 3]);
    assert_eq!(kinds(j.get(KeyRef::Pos(1)).0), [3]);
    assert_eq!(kinds(j.get(KeyRef::Name("k")).0), [2]);
    assert_eq!(kinds(&j.rest), [3]);
}

#[test]
fn shapes_are_bounded_in_parts_and_depth() {
    let mut s = Shape::default();
    for i in 0..MAX_PARTS as u8 {
        assert!(s.set(Key::Pos(i), Taint::new(), None));
    }
    assert!(!s.set(Key::Pos(MAX_PARTS as u8), Taint::new(), None));
    // A part's own shape is kept one level down, not two: `top["b"]["a"]` is read whole.
    let inner = Rc::new(pair());
    let mut outer = Shape::default();
    outer.set(Key::Name("a".into()), vec![label(1)], Some(inner));
    assert_eq!(outer.depth(), 2);
    let mut top = Shape::default();
    top.set(Key::Name("b".into()), vec![label(1)], Some(Rc::new(outer)));
    assert_eq!(top.depth(), MAX_DEPTH);
    let b = top.get(KeyRef::Name("b")).1.expect("first level kept");
    let (a, below) = b.get(KeyRef::Name("a"));
    assert_eq!(kinds(a), [1]);
    assert!(below.is_none());
}

#[test]
fn paths_for_another_file_round_trip_and_a_rest_means_the_whole_value() {
    let mut s = Shape::default();
    s.set(
        Key::Name("answer".into()),
        vec![label(1)],
        Some(Rc::new(pair())),
    );
    s.set(Key::Name("id".into()), Taint::new(), None);
    let paths = s.paths_of(&|l: &Label| l.kind == 1);
    let expected = vec![vec![Step::Key("answer".into()), Step::Position(0)]];
    assert_eq!(paths.as_ref(), Some(&expected));
    let back = Shape::at_paths(&expected, &[label(1)]).expect("within bounds");
    let (answer, inner) = back.get(KeyRef::Name("answer"));
    assert_eq!(kinds(answer), [1]);
    let inner = inner.expect("nested part");
    assert_eq!(kinds(inner.get(KeyRef::Pos(0)).0), [1]);
    assert!(inner.get(KeyRef::Pos(1)).0.is_empty());
    assert!(back.get(KeyRef::Name("id")).0.is_empty());
    assert_eq!(
        Shape::opaque(vec![label(1)]).paths_of(&|l: &Label| l.kind == 1),
        None
    );
}

#[test]
fn a_kind_of_the_whole_value_no_part_explains_may_be_in_any_part() {
    let s = Rc::new(pair()).covering(&[label(1), label(5)]);
    assert_eq!(kinds(s.get(KeyRef::Pos(0)).0), [1, 5]);
    assert_eq!(kinds(s.get(KeyRef::Pos(1)).0), [5]);
    assert_eq!(kinds(&s.rest), [5]);
}
