//! A short, deterministic stand-in for the fuzz targets (fuzz/, nightly) that CI runs on stable:
//! every fixture and every regression input (tests/data/fuzz-regressions/) through
//! `aiguard::fuzzing::check` (whole pipeline, every format, no panic, no secret printed, time
//! bound), then a seeded mutation loop over them: byte flips, splices between fixtures, tokens of
//! fuzz/aiguard.dict, truncation, duplication. `AIGUARD_FUZZ_ITERS` changes the number of
//! mutated inputs; a failing input is written to target/fuzz-smoke-failure.bin.

use aiguard::fuzzing::{self, Rng};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Instant;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// Mutated inputs checked by default: about 30 s in the debug profile on two cores.
const ITERATIONS: usize = 500;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().and_then(|e| e.to_str()) != Some("expect") {
            out.push(p);
        }
    }
}

/// Every fixture as an input (name byte from its file name, flags 0).
fn fixture_inputs() -> Vec<Vec<u8>> {
    let root = Path::new(ROOT).join("fixtures");
    let mut paths = Vec::new();
    files(&root, &mut paths);
    paths
        .iter()
        .map(|p| {
            let rel = p
                .strip_prefix(ROOT)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let mut v = vec![fuzzing::name_byte(&rel), 0];
            v.extend(std::fs::read(p).expect("read fixture"));
            v
        })
        .collect()
}

fn regression_inputs() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(ROOT).join("tests/data/fuzz-regressions");
    let mut paths = Vec::new();
    if dir.is_dir() {
        files(&dir, &mut paths);
    }
    paths
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read(p).expect("read")))
        .collect()
}

/// The tokens of the libFuzzer dictionary (`"..."` lines, with `\"`, `\\` and `\xNN` escapes).
fn dictionary() -> Vec<Vec<u8>> {
    let text = std::fs::read_to_string(Path::new(ROOT).join("fuzz/aiguard.dict")).expect("dict");
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(inner) = line
            .trim()
            .strip_prefix('"')
            .and_then(|l| l.strip_suffix('"'))
        else {
            continue;
        };
        let (mut tok, b) = (Vec::new(), inner.as_bytes());
        let mut i = 0;
        while i < b.len() {
            match (b[i], b.get(i + 1)) {
                (b'\\', Some(b'x')) => {
                    let hex = std::str::from_utf8(&b[i + 2..i + 4]).unwrap();
                    tok.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 4;
                }
                (b'\\', Some(&c)) => {
                    tok.push(c);
                    i += 2;
                }
                (c, _) => {
                    tok.push(c);
                    i += 1;
                }
            }
        }
        out.push(tok);
    }
    out
}

/// Runs the check; on a failure, saves the input and fails with what it was.
fn run(what: &str, data: &[u8]) -> fuzzing::Outcome {
    let front = catch_unwind(AssertUnwindSafe(|| fuzzing::front_ends(data)));
    let r = front.and_then(|()| catch_unwind(AssertUnwindSafe(|| fuzzing::check(data))));
    match r {
        Ok(o) => o,
        Err(e) => {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            let path = Path::new(ROOT).join("target/fuzz-smoke-failure.bin");
            let _ = std::fs::create_dir_all(path.parent().unwrap());
            let _ = std::fs::write(&path, data);
            panic!(
                "{what}: {msg}\ninput ({} bytes) saved to {}; replay it with \
                 `cargo +nightly fuzz run scan {}` in fuzz/",
                data.len(),
                path.display(),
                path.display()
            );
        }
    }
}

/// One mutation of `base`, as libFuzzer's would be, sometimes spliced with `other`.
fn mutate(rng: &mut Rng, base: &[u8], other: &[u8], dict: &[Vec<u8>]) -> Vec<u8> {
    let mut v = base.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = v.len();
        match rng.below(7) {
            // Flip bits of a few bytes (after the two header bytes, which get their own turn).
            0 => {
                for _ in 0..1 + rng.below(4) {
                    if len > 2 {
                        let i = 2 + rng.below(len - 2);
                        v[i] ^= 1 << rng.below(8);
                    }
                }
            }
            // Splice: a piece of another input in place of a piece of this one.
            1 => {
                let (a, b) = (rng.below(len + 1), rng.below(other.len() + 1));
                let n = rng.below(other.len() - b + 1);
                let cut = (a + rng.below(64)).min(len);
                v.splice(a..cut, other[b..b + n].iter().copied());
            }
            // A dictionary token at a random point.
            2 | 3 => {
                let tok = &dict[rng.below(dict.len())];
                let at = 2.min(len) + rng.below(len.saturating_sub(2) + 1);
                v.splice(at..at, tok.iter().copied());
            }
            // Truncation.
            4 => v.truncate(2 + rng.below(len.saturating_sub(2) + 1)),
            // Duplication of a range (deep nesting, repeated statements).
            5 => {
                let a = rng.below(len + 1);
                let b = (a + rng.below(200)).min(len);
                let piece: Vec<u8> = v[a..b].to_vec();
                for _ in 0..1 + rng.below(8) {
                    v.splice(b..b, piece.iter().copied());
                }
            }
            // Another name (language) or other flags.
            _ => {
                if len >= 2 {
                    let i = rng.below(2);
                    v[i] = rng.next_u64() as u8;
                }
            }
        }
    }
    v.truncate(64 * 1024);
    v
}

#[test]
fn fixtures_and_regressions_pass_the_fuzz_check() {
    let start = Instant::now();
    let (mut planted, mut found) = (0, 0);
    for mut input in fixture_inputs() {
        run("fixture", &input);
        // Again with both keys planted in an assignment, at two places.
        for at in [1u8, 6] {
            input[1] = 0x0C | 0x10 | (at << 5);
            let o = run("fixture with planted keys", &input);
            planted += o.planted;
            found += o.planted_found;
        }
    }
    for (name, input) in regression_inputs() {
        run(&name, &input);
    }
    // The planted keys are found most of the time (inside a string or comment of code they may
    // not be): the no-leak check for them is not vacuous.
    assert!(
        found * 2 > planted,
        "planted keys found: {found} of {planted}"
    );
    eprintln!(
        "fixtures: {found} of {planted} planted keys detected, {:.1?}",
        start.elapsed()
    );
}

#[test]
fn mutated_fixtures_pass_the_fuzz_check() {
    let start = Instant::now();
    let seeds = fixture_inputs();
    let dict = dictionary();
    assert!(dict.len() > 50, "dictionary: {} tokens", dict.len());
    let iterations = std::env::var("AIGUARD_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(ITERATIONS);
    let mut rng = Rng(0x5eed_a16a_0d5e_ed01);
    let (mut analysed, mut findings) = (0, 0);
    for i in 0..iterations {
        let base = &seeds[rng.below(seeds.len())];
        let other = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, base, other, &dict);
        let o = run(&format!("mutation {i}"), &input);
        analysed += usize::from(o.analysed);
        findings += o.findings;
    }
    eprintln!(
        "{iterations} mutated inputs: {analysed} analysed, {findings} findings, {:.1?}",
        start.elapsed()
    );
}
