//! Code generation drivers over the shared lowering: `aot` writes an object
//! file and links it with the runtime into an executable; `isa` builds the
//! Cranelift target from a triple; `natives` checks which natives the
//! linked libraries provide.

pub mod aot;
pub mod isa;
pub mod natives;
