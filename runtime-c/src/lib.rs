//! The C part of the hlc runtime: only what Rust cannot express (none yet),
//! and `include/hl.h`, the header native extensions compile against.
