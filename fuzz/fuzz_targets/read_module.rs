//! Fuzz target: the HLB reader (and the printer, on whatever it accepts)
//! must never panic, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = hlbc::read_module(data) {
        let _ = hlbc::dump::dump(&m);
    }
});
