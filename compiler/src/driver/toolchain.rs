//! What linking an executable for a target needs from outside hlc: the
//! runtime library built for that target, a linker driver that can produce
//! its executables, and the target's system libraries. Every per-target fact
//! comes from the table in `hlc-targets`; nothing here names a target.

use hlc_targets::{musl, Arch, Libc, Os, Target};
use miette::{miette, Diagnostic, Result};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The target a build is for: `--target`, else the host.
pub fn target(triple: Option<&str>) -> Result<&'static Target> {
    match triple {
        None => Ok(Target::host()),
        Some(t) => Target::find(t).ok_or_else(|| {
            miette!(
                code = "hlc::unknown_target",
                help = format!("supported targets: {}", Target::supported()),
                "hlc cannot build executables for `{t}`"
            )
        }),
    }
}

/// The runtime library could not be found.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("cannot find the hlc runtime library (libhlrt.a) for {triple}")]
#[diagnostic(code(hlc::runtime_missing), help("{how}; looked in: {searched}"))]
pub struct RuntimeMissing {
    pub triple: &'static str,
    pub how: String,
    pub searched: String,
}

/// The runtime library found is for another architecture.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("`{path}` is a runtime library for {found}, not for {triple}")]
#[diagnostic(code(hlc::runtime_wrong_target), help("{how}"))]
pub struct RuntimeWrongTarget {
    pub path: String,
    pub found: String,
    pub triple: &'static str,
    pub how: String,
}

/// How a user gets the runtime for `t`.
fn how_to_get_runtime(t: &Target) -> String {
    if t == Target::host() {
        format!(
            "build it with `cargo build -p hlrt` (it is built next to `hlc`) or `cargo xtask runtime --target {}`, or point HLC_RUNTIME_DIR at a directory holding {}/libhlrt.a",
            t.triple, t.triple
        )
    } else {
        format!(
            "build it with `cargo xtask runtime --target {}` (from hlc's source tree), or point HLC_RUNTIME_DIR at a directory holding {}/libhlrt.a",
            t.triple, t.triple
        )
    }
}

/// The directories searched for `t`'s runtime, in order:
/// `$HLC_RUNTIME_DIR/<triple>`, `<dir of hlc>/<triple>`, then cargo's output
/// for the target (`$CARGO_TARGET_DIR/<triple>/release`, or the target
/// directory `hlc` itself was built into). For the host target, the
/// directories themselves too, where `cargo build` puts `libhlrt.a` next to `hlc`.
pub fn runtime_dirs(t: &Target) -> Vec<PathBuf> {
    let host = t == Target::host();
    let env_dir = std::env::var_os("HLC_RUNTIME_DIR").map(PathBuf::from);
    let exe_dir = std::env::current_exe().ok().and_then(|e| e.parent().map(Path::to_path_buf));
    let mut dirs = Vec::new();
    if let Some(d) = &env_dir {
        dirs.push(d.join(t.triple));
        if host {
            dirs.push(d.clone());
        }
    }
    if let Some(d) = &exe_dir {
        dirs.push(d.join(t.triple));
        if host {
            dirs.push(d.clone());
            if let Some(up) = d.parent() {
                dirs.push(up.to_path_buf()); // target/debug/deps → target/debug
            }
        }
    }
    // Cargo's layout: <target dir>/<triple>/release, hlc being <target dir>/<profile>/hlc
    // (or <target dir>/<profile>/deps/... for test binaries).
    let mut cargo_dirs: Vec<PathBuf> = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).into_iter().collect();
    if let Some(d) = &exe_dir {
        cargo_dirs.extend(d.ancestors().skip(1).take(2).map(Path::to_path_buf));
    }
    for c in cargo_dirs {
        let d = c.join(t.triple).join("release");
        if !dirs.contains(&d) {
            dirs.push(d);
        }
    }
    dirs
}

/// A file beside a musl target's runtime archive (in `self-contained/`, as
/// Rust ships musl's C library, start files and unwinder).
fn self_contained(runtime: &Path, file: &str) -> PathBuf {
    runtime.with_file_name("self-contained").join(file)
}

/// Finds `t`'s `libhlrt.a` and checks that it was built for `t`'s
/// architecture (and, for musl, that its C library is beside it).
pub fn find_runtime(t: &'static Target) -> Result<PathBuf> {
    let dirs = runtime_dirs(t);
    let Some(archive) = dirs.iter().map(|d| d.join("libhlrt.a")).find(|p| p.is_file()) else {
        return Err(RuntimeMissing {
            triple: t.triple,
            how: how_to_get_runtime(t),
            searched: dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", "),
        }
        .into());
    };
    check_architecture(&archive, t)?;
    if t.libc == Libc::Musl {
        for f in musl::files() {
            let file = self_contained(&archive, f);
            if !file.is_file() {
                return Err(miette!(
                    code = "hlc::runtime_incomplete",
                    help = how_to_get_runtime(t),
                    "the runtime for {} at `{}` lacks the C library file `{}`",
                    t.triple,
                    archive.display(),
                    file.display()
                ));
            }
        }
    }
    Ok(archive)
}

/// The object format and machine of an archive member.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Machine {
    /// ELF `e_machine`.
    Elf(u16),
    /// COFF `Machine`.
    Coff(u16),
}

impl Machine {
    fn of(t: &Target) -> Machine {
        match t.os {
            Os::Linux => Machine::Elf(t.arch.elf_machine()),
            Os::Windows => Machine::Coff(t.arch.coff_machine()),
        }
    }

    fn describe(self) -> String {
        match self {
            Machine::Elf(m) => match Arch::from_elf_machine(m) {
                Some(a) => format!("{} (ELF)", a.name()),
                None => format!("an unknown architecture (ELF machine {m})"),
            },
            Machine::Coff(m) => match Arch::from_coff_machine(m) {
                Some(a) => format!("{} Windows (COFF)", a.name()),
                None => format!("an unknown architecture (COFF machine {m:#x})"),
            },
        }
    }
}

/// The format and machine of the first object in a static library (`ar`
/// format), reading only member headers: runtime archives are 50–150 MB.
pub fn archive_architecture(path: &Path) -> Result<Option<Machine>> {
    use std::io::{Read as _, Seek as _, SeekFrom};
    let cannot = |e: std::io::Error| miette!("cannot read `{}`: {e}", path.display());
    let mut f = std::fs::File::open(path).map_err(cannot)?;
    let mut magic = [0u8; 8];
    f.read_exact(&mut magic).map_err(cannot)?;
    if &magic != b"!<arch>\n" {
        return Err(miette!("`{}` is not a static library", path.display()));
    }
    let mut header = [0u8; 60];
    while f.read_exact(&mut header).is_ok() {
        let size: u64 = std::str::from_utf8(&header[48..58])
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(|| miette!("`{}`: a corrupt archive member header", path.display()))?;
        let next = f.stream_position().map_err(cannot)? + size + (size & 1);
        // "/", "//" and "/SYM64/" are the symbol and name tables, not objects.
        if header[0] != b'/' || header[1] != b' ' && header[1] != b'/' && !header.starts_with(b"/SYM64/") {
            let mut ident = [0u8; 20];
            if size >= 20 && f.read_exact(&mut ident).is_ok() {
                if ident.starts_with(b"\x7fELF") {
                    let m = [ident[18], ident[19]];
                    return Ok(Some(Machine::Elf(if ident[5] == 2 { u16::from_be_bytes(m) } else { u16::from_le_bytes(m) })));
                }
                // A COFF object starts with its Machine; an import library's
                // short import member starts with 0, 0xffff (skipped).
                let m = u16::from_le_bytes([ident[0], ident[1]]);
                if Arch::from_coff_machine(m).is_some() {
                    return Ok(Some(Machine::Coff(m)));
                }
            }
        }
        f.seek(SeekFrom::Start(next)).map_err(cannot)?;
    }
    Ok(None)
}

fn check_architecture(archive: &Path, t: &'static Target) -> Result<()> {
    match archive_architecture(archive)? {
        Some(m) if m == Machine::of(t) => Ok(()),
        found => Err(RuntimeWrongTarget {
            path: archive.display().to_string(),
            found: match found {
                Some(m) => m.describe(),
                None => "no architecture (it holds no object file)".to_string(),
            },
            triple: t.triple,
            how: how_to_get_runtime(t),
        }
        .into()),
    }
}

/// A linker driver: a C compiler driver (gcc, clang) or `zig cc`.
pub struct Linker {
    program: String,
    args: Vec<String>,
    /// How it was chosen, for messages.
    pub source: String,
}

impl Linker {
    fn from_command_line(text: &str, source: String) -> Option<Linker> {
        let mut words = text.split_whitespace().map(str::to_string);
        let program = words.next()?;
        Some(Linker { program, args: words.collect(), source })
    }

    pub fn program(&self) -> &str {
        &self.program
    }
}

/// Looks for a program on `PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

/// A binutils program for `t` (`objcopy`, `ld.gold`): `<gnu prefix>-<tool>`
/// on `PATH` (Debian's `binutils-<arch>-linux-gnu`, MinGW-w64's), or the
/// unprefixed one when `t` is the host's architecture and system.
pub fn binutil(t: &Target, tool: &str) -> Option<PathBuf> {
    on_path(&format!("{}-{tool}", t.gnu_prefix())).or_else(|| if t.runs_natively() { on_path(tool) } else { None })
}

/// The linker for `t`: `$CC_<triple>` (cc-rs's convention, with underscores
/// or with the triple as written), then — for the host target only — `$CC`,
/// then `cc` if the target has the host's architecture, then
/// `<arch>-linux-gnu-gcc` on `PATH` (Debian's cross compilers), then
/// `zig cc -target <arch>-linux-<libc>`.
pub fn linker(t: &'static Target) -> Result<Linker> {
    for var in [t.cc_env(), t.cc_env_hyphens()] {
        if let Some(v) = std::env::var(&var).ok().filter(|v| !v.trim().is_empty()) {
            return Linker::from_command_line(&v, format!("${var}")).ok_or_else(|| miette!("${var} is empty"));
        }
    }
    if t == Target::host() {
        if let Some(v) = std::env::var("CC").ok().filter(|v| !v.trim().is_empty()) {
            return Linker::from_command_line(&v, "$CC".into()).ok_or_else(|| miette!("$CC is empty"));
        }
    }
    // The system's own compiler links for its own architecture (musl too:
    // the C library comes from the runtime directory).
    if t.runs_natively() && on_path("cc").is_some() {
        return Ok(Linker { program: "cc".into(), args: vec![], source: "PATH".into() });
    }
    let gcc = format!("{}-gcc", t.gnu_prefix());
    if on_path(&gcc).is_some() {
        return Ok(Linker { program: gcc, args: vec![], source: "PATH".into() });
    }
    if on_path("zig").is_some() {
        return Ok(Linker { program: "zig".into(), args: vec!["cc".into(), "-target".into(), t.zig_target()], source: "PATH".into() });
    }
    Err(miette!(
        code = "hlc::linker_missing",
        help = format!(
            "install a C toolchain for {arch} (on Debian: `apt-get install {pkgs}`), or name one with {var} (e.g. {var}={gcc}); `zig` on PATH works too",
            arch = t.triple,
            pkgs = t.c_compiler_packages(),
            var = t.cc_env(),
        ),
        "no linker for {}: neither ${} nor {gcc} nor zig was found",
        t.triple,
        t.cc_env(),
    ))
}

/// What the link line holds beyond the program's inputs: `head` goes
/// before them (driver arguments, start files), `tail` after the runtime
/// (system libraries, end files).
pub struct LinkLine {
    pub head: Vec<OsString>,
    pub tail: Vec<OsString>,
    /// The link is GNU gold's (which takes `--section-ordering-file`).
    pub gold: bool,
}

/// The target-specific parts of the link line. Unused sections are removed
/// (on Windows with `release` only); `release` also strips symbols and
/// debug information; `soname`: the output must carry its soname.
pub fn link_line(t: &Target, linker: &Linker, runtime: &Path, release: bool, soname: bool) -> LinkLine {
    let mut head: Vec<OsString> = linker.args.iter().map(OsString::from).collect();
    let mut tail: Vec<OsString> = Vec::new();
    let zig = linker.program.rsplit('/').next() == Some("zig");
    match t.libc {
        Libc::Gnu => {
            // What Rust's standard library needs from the system (`--print native-static-libs`),
            // with the unwinder linked statically (libgcc_eh) instead of libgcc_s.so:
            // executables depend only on libc, libm, libpthread and libdl.
            if zig {
                // zig builds LLVM's libunwind for the target instead.
                tail.push("-lunwind".into());
            } else {
                tail.extend(["-static-libgcc", "-lgcc_eh"].map(OsString::from));
            }
            tail.extend(["-lutil", "-lrt", "-lpthread", "-lm", "-ldl", "-lc"].map(OsString::from));
        }
        Libc::Musl => {
            // Fully static and not position-independent: no dynamic section at
            // all. musl, its start files and the unwinder come from the runtime
            // directory (Rust's self-contained copies), so any driver for the
            // architecture can link.
            head.extend(["-nostdlib", "-nostartfiles", "-static", "-no-pie"].map(OsString::from));
            head.extend(musl::START_FILES.iter().map(|f| self_contained(runtime, f).into_os_string()));
            tail.extend(musl::LIBS.iter().map(|f| self_contained(runtime, f).into_os_string()));
            if !zig {
                tail.push("-lgcc".into());
            }
            tail.extend(musl::END_FILES.iter().map(|f| self_contained(runtime, f).into_os_string()));
        }
        Libc::Mingw => {
            // `-static`: MinGW's own libraries (libgcc, winpthread) go into the
            // executable, which then imports only system DLLs (msvcrt.dll,
            // kernel32.dll, ...: `hlc_targets::WINDOWS_SYSTEM_DLLS`).
            head.push("-static".into());
            // What Rust's standard library needs on windows-gnu
            // (`--print native-static-libs`) and what the runtime calls.
            tail.extend(
                [
                    "-lkernel32", "-ladvapi32", "-lntdll", "-luserenv", "-lws2_32", "-lbcrypt", "-lsynchronization",
                    "-lgcc_eh", "-l:libpthread.a", "-lmsvcrt", "-lmingwex", "-lmingw32", "-lgcc", "-lmsvcrt",
                    "-luser32", "-lkernel32",
                ]
                .map(OsString::from),
            );
            // The main thread's stack: 8 MiB, as Linux gives (Windows' default is 1 MiB).
            tail.push(format!("-Wl,--stack,{}", 8 << 20).into());
        }
    }
    // GNU gold links an ELF executable in about half of ld.bfd's time (hello
    // world: 0.21 s against 0.37 s); used when the driver was found on PATH
    // (a linker named in $CC or $CC_<triple> is used as it is) and the
    // target's gold is installed. Not for an executable that must carry a
    // soname (`soname`: it answers to `libhl.so` for the `.hdll`s it loads),
    // which gold leaves out of executables.
    let gold = t.os == Os::Linux && linker.source == "PATH" && !zig && !soname && binutil(t, "ld.gold").is_some();
    if gold {
        head.push("-fuse-ld=gold".into());
    }
    // Unused runtime code is left out of every Linux executable: what a hello
    // world keeps resident drops from 5.8 to 3.6 MB. For a PE image it removes
    // little and made the default link 0.9 s slower (2.0 -> 2.9 s), so there
    // only `--release` asks for it.
    if t.os == Os::Linux || release {
        tail.push("-Wl,--gc-sections".into());
    }
    if release {
        tail.push("-s".into());
    }
    LinkLine { head, tail, gold }
}

/// A command running `linker` with `line.head` already added.
pub fn link_command(linker: &Linker, line: &LinkLine) -> Command {
    let mut cmd = Command::new(&linker.program);
    cmd.args(&line.head);
    cmd
}
