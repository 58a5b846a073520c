//! The whole single-file pipeline and every output: no panic, no secret printed, within the time
//! bound (see `aiguard::fuzzing::check`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    aiguard::fuzzing::check(data);
});
