use super::*;

#[test]
fn a_timed_phase_is_counted_and_shown_in_the_table() {
    enable();
    let before = RUNS[Phase::Resolve as usize].load(Ordering::Relaxed);
    let value = time(Phase::Resolve, || 41 + 1);
    assert_eq!(value, 42);
    assert_eq!(
        RUNS[Phase::Resolve as usize].load(Ordering::Relaxed),
        before + 1
    );
    let table = table();
    for name in ["walk", "parse", "lower", "flow", "link", "report", "total"] {
        assert!(table.contains(name), "{name} missing from\n{table}");
    }
}
