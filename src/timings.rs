//! Where a scan's time goes (`aiguard scan --time`): seconds spent in each phase, summed over
//! the threads, and how often it ran. Off by default; when off, timing a phase costs one relaxed
//! atomic load.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

/// The phases of a scan, in pipeline order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Listing the files to scan.
    Walk,
    /// Reading and decoding a file.
    Read,
    /// The result cache: keys hashed, results looked up, decoded and stored.
    Cache,
    /// The tree-sitter (or syn) parse.
    Parse,
    /// Lowering the syntax tree to the IR (the table leaves out the parse nested in it; Rust's
    /// syn parse counts here).
    Lower,
    /// Qualifying call names (`resolve.rs`).
    Resolve,
    /// Rules over the raw text: secrets, hidden characters, tool descriptions.
    Text,
    /// Name indexes, facts, pattern and loop rules.
    Patterns,
    /// The flow engine and the file's summaries.
    Flow,
    /// Findings built, suppressions, roles.
    Findings,
    /// Cross-file linking: working out which files to analyse again (the analyses it starts
    /// count under their own phases).
    Link,
    /// Writing the reports.
    Report,
}

const PHASES: [Phase; 12] = [
    Phase::Walk,
    Phase::Read,
    Phase::Cache,
    Phase::Parse,
    Phase::Lower,
    Phase::Resolve,
    Phase::Text,
    Phase::Patterns,
    Phase::Flow,
    Phase::Findings,
    Phase::Link,
    Phase::Report,
];

static ON: AtomicBool = AtomicBool::new(false);
static NANOS: [AtomicU64; PHASES.len()] = [const { AtomicU64::new(0) }; PHASES.len()];
static RUNS: [AtomicU64; PHASES.len()] = [const { AtomicU64::new(0) }; PHASES.len()];

/// Start recording (once, before the scan).
pub fn enable() {
    ON.store(true, Ordering::Relaxed);
}

/// Run `f`, counting its time under `phase` when recording.
pub fn time<T>(phase: Phase, f: impl FnOnce() -> T) -> T {
    if !ON.load(Ordering::Relaxed) {
        return f();
    }
    let start = Instant::now();
    let out = f();
    add(phase, start);
    out
}

/// Count the time since `start` under `phase` (for a phase that is not one closure).
pub fn add(phase: Phase, start: Instant) {
    if !ON.load(Ordering::Relaxed) {
        return;
    }
    let i = phase as usize;
    NANOS[i].fetch_add(start.elapsed().as_nanos() as u64, Ordering::Relaxed);
    RUNS[i].fetch_add(1, Ordering::Relaxed);
}

/// Whether phases are being recorded.
pub fn enabled() -> bool {
    ON.load(Ordering::Relaxed)
}

/// The table of what was recorded: phase, seconds (summed over threads), share, runs.
pub fn table() -> String {
    let mut secs: Vec<f64> = NANOS
        .iter()
        .map(|n| n.load(Ordering::Relaxed) as f64 / 1e9)
        .collect();
    // The front end is timed whole; its parse is timed inside it.
    secs[Phase::Lower as usize] =
        (secs[Phase::Lower as usize] - secs[Phase::Parse as usize]).max(0.0);
    let total: f64 = secs.iter().sum();
    let mut out = format!(
        "{:<10} {:>9} {:>6} {:>9}\n",
        "phase", "seconds", "share", "runs"
    );
    for (i, phase) in PHASES.iter().enumerate() {
        let share = if total > 0.0 { secs[i] / total } else { 0.0 };
        out.push_str(&format!(
            "{:<10} {:>9.3} {:>5.1}% {:>9}\n",
            format!("{phase:?}").to_lowercase(),
            secs[i],
            share * 100.0,
            RUNS[i].load(Ordering::Relaxed)
        ));
    }
    out.push_str(&format!("{:<10} {:>9.3}\n", "total", total));
    out
}

#[cfg(test)]
mod tests;
