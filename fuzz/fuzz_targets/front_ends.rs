//! Parse, lower and resolve every language: no panic, within the time bound.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    aiguard::fuzzing::front_ends(data);
});
