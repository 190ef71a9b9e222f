//! The Cranelift ISA and target facts for a target triple.

use crate::lower::TargetInfo;
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable as _};
use hlbc::layout::Target;
use miette::{miette, Result};
use std::str::FromStr as _;
use target_lexicon::{Architecture, Triple};

/// Optimisation level, as `-O0/-O1/-O2`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum OptLevel {
    None,
    Speed,
    SpeedAndSize,
    /// The cheapest code to produce (no optimisation, single-pass register
    /// allocation): for code that runs once, such as the entry point's
    /// initialisation of every class.
    Once,
}

/// Builds the ISA for `triple` (the host when `None`).
///
/// Cranelift's `is_pic` is off for both drivers. In position-independent mode
/// it addresses *every* symbol through the GOT (a load for each type, global,
/// constant and the loop poll's flag, with relocations the linker cannot relax);
/// instead, an executable's code and data are linked into one image, so every
/// symbol is declared near (`colocated`) and reached PC-relative (`lea`, `call`
/// rel32 with a PLT32 relocation for shared-library natives), which is valid in
/// a PIE. The JIT addresses the runtime absolutely.
pub fn build(triple: Option<&str>, opt: OptLevel) -> Result<(OwnedTargetIsa, TargetInfo, Triple)> {
    let triple = match triple {
        Some(t) => Triple::from_str(t).map_err(|e| miette!("unknown target triple `{t}`: {e}"))?,
        None => Triple::host(),
    };
    let row = match triple.architecture {
        Architecture::X86_64 | Architecture::Aarch64(_) => hlc_targets::Target::find(&triple.to_string()),
        other => return Err(miette!("unsupported target architecture `{other}` (supported: x86_64, aarch64)")),
    };
    // A triple outside the table (e.g. `x86_64-unknown-linux`, spelled
    // differently) gets the facts of the host row of its architecture.
    let row = row.unwrap_or_else(hlc_targets::Target::host);
    let mut flags = settings::builder();
    let set = |b: &mut settings::Builder, k: &str, v: &str| b.set(k, v).map_err(|e| miette!("cranelift setting {k}={v}: {e}"));
    set(&mut flags, "opt_level", match opt {
        OptLevel::None | OptLevel::Once => "none",
        OptLevel::Speed => "speed",
        OptLevel::SpeedAndSize => "speed_and_size",
    })?;
    if opt == OptLevel::Once {
        set(&mut flags, "regalloc_algorithm", "single_pass")?;
    }
    set(&mut flags, "is_pic", "false")?;
    set(&mut flags, "preserve_frame_pointers", "true")?;
    // Probe large frames page by page, so deep recursion always hits the guard page.
    set(&mut flags, "enable_probestack", "true")?;
    set(&mut flags, "probestack_strategy", "inline")?;
    set(&mut flags, "enable_verifier", if cfg!(debug_assertions) { "true" } else { "false" })?;
    // Cranelift settings to try without rebuilding: `HLC_CRANELIFT_FLAGS=name=value,...`.
    if let Ok(extra) = std::env::var("HLC_CRANELIFT_FLAGS") {
        for kv in extra.split(',').filter(|s| !s.is_empty()) {
            let (k, v) = kv.split_once('=').ok_or_else(|| miette!("HLC_CRANELIFT_FLAGS: `{kv}` is not name=value"))?;
            set(&mut flags, k.trim(), v.trim())?;
        }
    }
    let isa = cranelift_codegen::isa::lookup(triple.clone())
        .map_err(|e| miette!("no code generator for `{triple}`: {e}"))?
        .finish(settings::Flags::new(flags))
        .map_err(|e| miette!("cannot configure the code generator for `{triple}`: {e}"))?;
    let info = TargetInfo {
        layout: Target { ptr: isa.pointer_bytes() as u32 },
        call_conv: isa.default_call_conv(),
        jmp_buf_size: row.jmp_buf_size(),
        setjmp_takes_frame: row.setjmp_takes_frame(),
        // Off only to measure what polls cost: a loop that neither allocates
        // nor calls a native then holds up collections, as in HashLink.
        loop_polls: std::env::var_os("HLC_LOOP_POLLS").is_none_or(|v| v != "0"),
    };
    Ok((isa, info, triple))
}
