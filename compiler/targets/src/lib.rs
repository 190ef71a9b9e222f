//! The targets `hlc build` makes executables for, as one table of facts.
//! The compiler (runtime lookup, architecture check, linker choice, link
//! line) and `cargo xtask` (building a target's runtime, running its
//! programs under emulation) derive everything target-specific from it, so
//! a new target is a new row, not new code paths.

pub mod code_layout;

/// Instruction set.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Arch {
    X86_64,
    Aarch64,
}

/// C library an executable is linked with.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Libc {
    /// glibc, linked dynamically (libc, libm, libpthread, libdl).
    Gnu,
    /// musl, linked statically from the runtime's own copy: the executable
    /// has no dynamic section and runs on any Linux of its architecture.
    Musl,
    /// MinGW-w64's C runtime over Windows' `msvcrt.dll` (what Rust's
    /// `*-windows-gnu` targets and Debian's `gcc-mingw-w64` use); everything
    /// else MinGW provides is linked statically.
    Mingw,
}

/// Operating system.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Os {
    Linux,
    Windows,
}

/// One supported target.
#[derive(Debug, PartialEq, Eq)]
pub struct Target {
    /// Rust's (and cc-rs's) name for it.
    pub triple: &'static str,
    pub arch: Arch,
    pub os: Os,
    pub libc: Libc,
}

/// Every target `hlc build` supports.
pub const TARGETS: &[Target] = &[
    Target { triple: "x86_64-unknown-linux-gnu", arch: Arch::X86_64, os: Os::Linux, libc: Libc::Gnu },
    Target { triple: "aarch64-unknown-linux-gnu", arch: Arch::Aarch64, os: Os::Linux, libc: Libc::Gnu },
    Target { triple: "x86_64-unknown-linux-musl", arch: Arch::X86_64, os: Os::Linux, libc: Libc::Musl },
    Target { triple: "aarch64-unknown-linux-musl", arch: Arch::Aarch64, os: Os::Linux, libc: Libc::Musl },
    Target { triple: "x86_64-pc-windows-gnu", arch: Arch::X86_64, os: Os::Windows, libc: Libc::Mingw },
];

/// What a Windows executable may import: DLLs present on every Windows 10
/// and later system (checked against the import table in hlc's tests).
pub const WINDOWS_SYSTEM_DLLS: &[&str] = &[
    "kernel32.dll",
    "msvcrt.dll",
    "ntdll.dll",
    "advapi32.dll",
    "bcrypt.dll",
    "bcryptprimitives.dll",
    "userenv.dll",
    "ws2_32.dll",
    "user32.dll",
    "shell32.dll",
    "ole32.dll",
    "oleaut32.dll",
    "crypt32.dll",
    "secur32.dll",
    "synchronization.dll",
    "api-ms-win-core-synch-l1-2-0.dll",
];

/// What a fully static musl executable is linked with besides its own
/// objects and the runtime: the files Rust ships for each musl target in
/// `lib/rustlib/<triple>/lib/self-contained/`, which `cargo xtask runtime`
/// copies into `self-contained/` beside the target's `libhlrt.a`.
pub mod musl {
    /// Start files, before the program's objects (non-PIE static: `crt1.o`).
    pub const START_FILES: &[&str] = &["crt1.o", "crti.o", "crtbegin.o"];
    /// The unwinder and the C library, after the runtime.
    pub const LIBS: &[&str] = &["libunwind.a", "libc.a"];
    /// End files, last.
    pub const END_FILES: &[&str] = &["crtend.o", "crtn.o"];

    /// All of them.
    pub fn files() -> impl Iterator<Item = &'static str> {
        START_FILES.iter().chain(LIBS).chain(END_FILES).copied()
    }
}

impl Arch {
    /// The name in target triples and in `uname -m`.
    pub fn name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Aarch64 => "aarch64",
        }
    }

    /// The COFF header's `Machine` for objects of this architecture.
    pub fn coff_machine(self) -> u16 {
        match self {
            Arch::X86_64 => 0x8664,
            Arch::Aarch64 => 0xaa64,
        }
    }

    /// The architecture whose COFF `Machine` is `m`.
    pub fn from_coff_machine(m: u16) -> Option<Arch> {
        [Arch::X86_64, Arch::Aarch64].into_iter().find(|a| a.coff_machine() == m)
    }

    /// The ELF header's `e_machine` for objects of this architecture.
    pub fn elf_machine(self) -> u16 {
        match self {
            Arch::X86_64 => 62,
            Arch::Aarch64 => 183,
        }
    }

    /// The architecture whose ELF `e_machine` is `m`.
    pub fn from_elf_machine(m: u16) -> Option<Arch> {
        [Arch::X86_64, Arch::Aarch64].into_iter().find(|a| a.elf_machine() == m)
    }

    /// The GNU toolchain prefix Debian's cross compilers use: `<prefix>-gcc`.
    pub fn gnu_prefix(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64-linux-gnu",
            Arch::Aarch64 => "aarch64-linux-gnu",
        }
    }

    /// Debian's packages of a GNU C toolchain (compiler and C library) for
    /// this architecture, as installed on another architecture.
    pub fn debian_packages(self) -> &'static str {
        match self {
            Arch::X86_64 => "gcc-x86-64-linux-gnu libc6-dev-amd64-cross",
            Arch::Aarch64 => "gcc-aarch64-linux-gnu libc6-dev-arm64-cross",
        }
    }

    /// Where Debian's cross C library for this architecture lives (the
    /// dynamic loader and shared libraries an emulator needs, `qemu -L`).
    pub fn debian_sysroot(self) -> String {
        format!("/usr/{}", self.gnu_prefix())
    }

    /// The qemu user-mode emulator that runs this architecture's programs.
    pub fn qemu(self) -> &'static str {
        match self {
            Arch::X86_64 => "qemu-x86_64",
            Arch::Aarch64 => "qemu-aarch64",
        }
    }

    /// The architecture this program was compiled for.
    pub fn host() -> Arch {
        if cfg!(target_arch = "aarch64") {
            Arch::Aarch64
        } else {
            Arch::X86_64
        }
    }
}

impl Os {
    /// The operating system this program was compiled for.
    pub fn host() -> Os {
        if cfg!(windows) {
            Os::Windows
        } else {
            Os::Linux
        }
    }
}

impl Target {
    /// The row for `triple`, if supported.
    pub fn find(triple: &str) -> Option<&'static Target> {
        TARGETS.iter().find(|t| t.triple == triple)
    }

    /// The target this program was compiled for.
    pub fn host() -> &'static Target {
        let libc = if cfg!(windows) {
            Libc::Mingw
        } else if cfg!(target_env = "musl") {
            Libc::Musl
        } else {
            Libc::Gnu
        };
        TARGETS
            .iter()
            .find(|t| t.arch == Arch::host() && t.libc == libc)
            .expect("hlc runs on a target it supports")
    }

    /// Whether executables for this target run here without emulation.
    pub fn runs_natively(&self) -> bool {
        self.arch == Arch::host() && self.os == Os::host()
    }

    /// The GNU toolchain prefix of this target's C compiler: `<prefix>-gcc`
    /// (Debian's cross compilers; MinGW-w64's for Windows).
    pub fn gnu_prefix(&self) -> &'static str {
        match self.os {
            Os::Linux => self.arch.gnu_prefix(),
            Os::Windows => match self.arch {
                Arch::X86_64 => "x86_64-w64-mingw32",
                Arch::Aarch64 => "aarch64-w64-mingw32",
            },
        }
    }

    /// What executables' file names end with (`hlc build -o game` gets it
    /// added when missing).
    pub fn exe_suffix(&self) -> &'static str {
        match self.os {
            Os::Linux => "",
            Os::Windows => ".exe",
        }
    }

    /// `sizeof(jmp_buf)` in the target's C library: the offset of
    /// `hl_trap_ctx.prev` in the trap contexts generated code builds.
    pub fn jmp_buf_size(&self) -> u32 {
        match (self.os, self.arch) {
            // glibc and musl: 8 words of registers, a flag and the signal mask
            // (musl's is the same size).
            (Os::Linux, Arch::X86_64) => 200,
            (Os::Linux, Arch::Aarch64) => 312,
            // MinGW's `_JBTYPE` is 16 aligned 16-byte slots.
            (Os::Windows, _) => 256,
        }
    }

    /// Whether `_setjmp` takes a second argument, the frame to unwind to
    /// (MinGW's x64 `_setjmp(buf, frame)`). Generated code passes null: the
    /// matching `longjmp` then restores registers without an SEH unwind,
    /// as `_setjmp`/`longjmp` do on Linux.
    pub fn setjmp_takes_frame(&self) -> bool {
        self.os == Os::Windows
    }

    /// Whether executables are position-independent code (ELF PIE). COFF
    /// has no GOT: Windows images are relocated by the loader instead.
    pub fn pic(&self) -> bool {
        self.os == Os::Linux
    }

    /// The environment variable naming this target's C compiler, as cc-rs
    /// reads it: `CC_aarch64_unknown_linux_gnu` (cc-rs also accepts the
    /// triple with hyphens).
    pub fn cc_env(&self) -> String {
        format!("CC_{}", self.triple.replace('-', "_"))
    }

    /// The same with the triple spelled as it is (`CC_aarch64-unknown-linux-gnu`).
    pub fn cc_env_hyphens(&self) -> String {
        format!("CC_{}", self.triple)
    }

    /// Cargo's variable naming the program that runs this target's
    /// executables (`CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER`).
    pub fn runner_env(&self) -> String {
        format!("CARGO_TARGET_{}_RUNNER", self.triple.replace('-', "_").to_uppercase())
    }

    /// Cargo's variable naming the linker for this target's Rust programs.
    pub fn cargo_linker_env(&self) -> String {
        format!("CARGO_TARGET_{}_LINKER", self.triple.replace('-', "_").to_uppercase())
    }

    /// Debian's packages providing the C compiler cc-rs uses to build this
    /// target's runtime (`<arch>-linux-gnu-gcc`, `<arch>-linux-musl-gcc`).
    pub fn c_compiler_packages(&self) -> &'static str {
        match (self.libc, self.arch) {
            (Libc::Gnu, a) => a.debian_packages(),
            (Libc::Mingw, _) => "gcc-mingw-w64-x86-64",
            (Libc::Musl, Arch::X86_64) => "musl-tools",
            // musl-dev of the other architecture: `dpkg --add-architecture arm64` first.
            (Libc::Musl, Arch::Aarch64) => "gcc-aarch64-linux-gnu musl-dev:arm64",
        }
    }

    /// `zig cc -target` for this target.
    pub fn zig_target(&self) -> String {
        match self.libc {
            Libc::Gnu => format!("{}-linux-gnu", self.arch.name()),
            Libc::Musl => format!("{}-linux-musl", self.arch.name()),
            Libc::Mingw => format!("{}-windows-gnu", self.arch.name()),
        }
    }

    /// The names of the golden programs' target-specific expected files
    /// (`expected.<key>.stdout`, with a `.why` beside it), most specific
    /// first: the operating system's, then the architecture's.
    pub fn expected_keys(&self) -> Vec<&'static str> {
        let mut keys = Vec::new();
        if self.os == Os::Windows {
            keys.push("windows");
        }
        keys.push(self.arch.name());
        keys
    }

    /// The list of supported triples, for diagnostics.
    pub fn supported() -> String {
        TARGETS.iter().map(|t| t.triple).collect::<Vec<_>>().join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_consistent() {
        for t in TARGETS {
            assert!(t.triple.starts_with(t.arch.name()), "{}", t.triple);
            let libc = match t.libc {
                Libc::Gnu | Libc::Mingw => "-gnu",
                Libc::Musl => "-musl",
            };
            assert!(t.triple.ends_with(libc), "{}", t.triple);
            let os = match t.os {
                Os::Linux => "-linux-",
                Os::Windows => "-windows-",
            };
            assert!(t.triple.contains(os), "{}", t.triple);
            assert_eq!(t.libc == Libc::Mingw, t.os == Os::Windows, "{}", t.triple);
            assert_eq!(Arch::from_coff_machine(t.arch.coff_machine()), Some(t.arch));
            assert_eq!(Target::find(t.triple), Some(t));
            assert_eq!(Arch::from_elf_machine(t.arch.elf_machine()), Some(t.arch));
        }
        assert_eq!(Target::find("aarch64-unknown-linux-gnu").unwrap().cc_env(), "CC_aarch64_unknown_linux_gnu");
        assert!(Target::host().runs_natively());
    }
}
