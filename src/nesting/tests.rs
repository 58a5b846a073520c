use super::*;

/// The same answers as a look at every span: smallest first, ties to the first given.
#[test]
fn finds_what_a_scan_finds() {
    let spans: Vec<Span> = [
        (0, 100),
        (10, 50),
        (10, 50),
        (20, 30),
        (30, 40),
        (60, 90),
        (95, 99),
    ]
    .iter()
    .map(|&(a, b)| Span::new(a, b))
    .collect();
    let n = Nesting::new(spans.clone());
    for start in 0..101 {
        for end in start..101 {
            let at = Span::new(start, end);
            let mut scan: Vec<usize> = (0..spans.len())
                .filter(|&i| contains(spans[i], at))
                .collect();
            scan.sort_by_key(|&i| (spans[i].end - spans[i].start, i));
            assert_eq!(n.around(at), scan, "{at:?}");
        }
    }
}
