//! Loading code into the running program: `--hot-reload` (HashLink's
//! `std@sys_check_reload`) and plugins (`std@sys_load_plugin`,
//! `std@sys_resolve_type`).
//!
//! **Hot reload.** When the `.hl` file has changed, the new module is matched
//! against what runs ([`identity`]): every type must be one the program
//! already has (a named type with the same layout, or an unnamed type of the
//! same structure; the program's objects must keep fitting their types), or
//! the reload is refused with one line on stderr and the program goes on
//! unchanged. Functions with the same identity and code are kept; changed
//! ones are compiled anew (lazily) and take over the slot of the function
//! they replace, so every later call, however it is made (direct, virtual,
//! through a closure made before or after), reaches the new code, while
//! frames already running finish in the old; new functions get slots of
//! their own. The new module's constants and globals come with it (globals
//! it shares with the program keep their storage). A file that cannot be
//! read or parsed (half-written) is ignored until it changes again.
//!
//! Unlike `hl --hot-reload` with Haxe 4.2.5 bytecode, the entry point is not
//! run again (that would re-run `main`), so the program keeps its state.
//!
//! **Plugins.** `sys_load_plugin(path)` loads another `.hl` into the program:
//! its named types that have the same layout as the program's are the
//! program's, the others are built for it; it gets its own globals and
//! functions, and its entry point runs. `sys_resolve_type(t, gt)` makes the
//! plugin's copies of a shared class's methods call the program's, and
//! returns the program's class object.

use super::identity::Keys;
use super::{activate, generation, natives, prepare, Generation, Plan, Slot};
use crate::driver::isa::OptLevel;
use hlbc::{Module, Type, TypeIdx};
use hlrt::abi::{hl_type, vbyte, vdynamic};
use std::collections::{HashMap, HashSet};
use std::ffi::{c_char, c_void, CStr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use target_lexicon::Architecture;

/// A function of the running program.
struct LiveFn {
    slot: Slot,
    trampoline: u64,
    fingerprint: String,
}

/// What the running program is made of, by identity (see [`identity`]).
pub struct Live {
    file: PathBuf,
    /// Modification time and size of the file last looked at.
    stamp: Option<(std::time::SystemTime, u64)>,
    functions: HashMap<String, LiveFn>,
    /// `hl_type` address by type key.
    types: HashMap<String, u64>,
    /// Layout key by named type.
    layouts: HashMap<String, String>,
    /// Storage address by global key.
    globals: HashMap<String, u64>,
    opt: OptLevel,
    arch: Architecture,
    verbose: bool,
}

/// The program's state for `sys_check_reload`: the hook has no context argument.
static LIVE: Mutex<Option<Live>> = Mutex::new(None);

fn stamp(path: &Path) -> Option<(std::time::SystemTime, u64)> {
    let md = std::fs::metadata(path).ok()?;
    Some((md.modified().ok()?, md.len()))
}

impl Live {
    /// The program's first module `m`, as generation `g` runs it with `plan`.
    pub fn new(file: PathBuf, m: &Module, plan: &Plan, g: &Generation, opt: OptLevel, arch: Architecture, verbose: bool) -> Live {
        let mut live = Live {
            stamp: stamp(&file),
            file,
            functions: HashMap::new(),
            types: HashMap::new(),
            layouts: HashMap::new(),
            globals: HashMap::new(),
            opt,
            arch,
            verbose,
        };
        let keys = Keys::new(m);
        live.record(m, &keys, plan, &g.slots, &(0..g.slots.len()).map(|f| g.stubs.trampoline(f)).collect::<Vec<_>>());
        live
    }

    /// Adds what module `m` brought (run as `plan`, through `slots` and `trampolines`).
    fn record(&mut self, m: &Module, keys: &Keys, plan: &Plan, slots: &[Slot], trampolines: &[u64]) {
        for (t, k) in keys.types.iter().enumerate() {
            self.types.entry(k.clone()).or_insert(plan.types[t]);
            if let Some((name, layout)) = keys.layout(m, TypeIdx(t as u32)) {
                self.layouts.entry(name).or_insert(layout);
            }
        }
        for (g, k) in keys.globals.iter().enumerate() {
            self.globals.entry(k.clone()).or_insert(plan.globals[g]);
        }
        for (i, f) in m.functions.iter().enumerate() {
            let Some(id) = keys.functions[f.findex.idx()].clone() else { continue };
            let fingerprint = keys.fingerprint(m, i);
            self.functions.insert(id, LiveFn { slot: slots[f.findex.idx()], trampoline: trampolines[f.findex.idx()], fingerprint });
        }
    }

    /// Reloads `path` if it changed; returns whether code was replaced.
    fn check(&mut self, path: &Path) -> bool {
        let now = stamp(path);
        if now.is_none() || now == self.stamp {
            return false;
        }
        self.stamp = now;
        let Ok(data) = std::fs::read(path) else { return false };
        // A file being written is not a module yet: wait for its next change.
        let Ok(m) = hlbc::read_module(&data) else { return false };
        let verified = hlbc::verify_module(&m).map_err(|e| e.to_string());
        match verified.and_then(|()| self.reload(Arc::new(m))) {
            Ok(changed) => changed,
            Err(why) => {
                eprintln!("hlc: hot reload of {} refused: {why}; the program keeps its current code", path.display());
                false
            }
        }
    }

    fn reload(&mut self, m: Arc<Module>) -> Result<bool, String> {
        let keys = Keys::new(&m);
        // Every type must be one the program has.
        let mut shared_types = Vec::with_capacity(m.types.len());
        for t in 0..m.types.len() {
            let ti = TypeIdx(t as u32);
            if let Some((name, layout)) = keys.layout(&m, ti) {
                match self.layouts.get(&name) {
                    None => return Err(format!("type {name} is new (restart to add types)")),
                    Some(l) if *l != layout => return Err(format!("type {name} has changed")),
                    Some(_) => {}
                }
            }
            shared_types.push(self.types.get(&keys.types[t]).map(|&a| a as *mut hl_type));
        }
        // Functions: kept, replaced or new.
        let nfun = m.fun_table().len();
        let mut plan = Plan {
            slots: vec![None; nfun],
            trampolines: vec![None; nfun],
            compile: vec![false; nfun],
            natives: Vec::new(),
            missing: HashSet::new(),
            types: Vec::new(),
            globals: Vec::new(),
        };
        let (mut changed, mut added) = (Vec::new(), 0);
        for (i, f) in m.functions.iter().enumerate() {
            let fx = f.findex.idx();
            match keys.functions[fx].as_ref().and_then(|id| self.functions.get(id)) {
                Some(live) => {
                    plan.slots[fx] = Some(live.slot);
                    plan.trampolines[fx] = Some(live.trampoline);
                    if keys.fingerprint(&m, i) != live.fingerprint {
                        plan.compile[fx] = true;
                        changed.push(keys.hl_name(&m, i));
                    }
                }
                None => {
                    plan.compile[fx] = true;
                    added += 1;
                }
            }
        }
        if changed.is_empty() {
            return Ok(false);
        }
        let resolved = natives::resolve(&m, &self.file).map_err(|e| e.to_string())?;
        if let Some(n) = resolved.missing.iter().find(|n| !n.optional) {
            return Err(format!("native {} is not provided by any library", n.name));
        }
        plan.natives = resolved.found.iter().map(|&(i, a)| (m.natives[i].findex.idx(), a)).collect();
        plan.missing = resolved.missing.iter().map(|n| n.index).collect();
        let shared_globals: Vec<Option<*mut u8>> =
            keys.globals.iter().map(|k| self.globals.get(k).map(|&a| a as *mut u8)).collect();
        let g = load(&m, &mut plan, &shared_types, &shared_globals, self.opt, self.arch, self.verbose)?;
        if self.verbose {
            eprintln!("hlc: hot reload: {} changed ({}), {added} new", changed.len(), changed.join(", "));
        }
        activate(g, &plan);
        let trampolines: Vec<u64> = (0..nfun).map(|f| plan.trampolines[f].unwrap_or_else(|| g.stubs.trampoline(f))).collect();
        self.record(&m, &keys, &plan, &g.slots, &trampolines);
        Ok(true)
    }
}

/// Loads module `m` into the runtime and builds its generation (not yet
/// active); fills in `plan`'s type and global addresses.
fn load(
    m: &Arc<Module>,
    plan: &mut Plan,
    shared_types: &[Option<*mut hl_type>],
    shared_globals: &[Option<*mut u8>],
    opt: OptLevel,
    arch: Architecture,
    verbose: bool,
) -> Result<&'static Generation, String> {
    let prepared = prepare(arch, plan).map_err(|e| e.to_string())?;
    let functions: Vec<*mut c_void> = prepared.trampolines.iter().map(|&t| t as *mut c_void).collect();
    let p = hlrt::start::program();
    // SAFETY: shared types and globals are the program's, with the same
    // layouts (the callers check); the trampolines lead to this module's code.
    let inst = unsafe { p.load_extension(m.clone(), shared_types, shared_globals, functions) }.map_err(|e| e.0)?;
    plan.types = (0..m.types.len()).map(|t| inst.ty(TypeIdx(t as u32)) as u64).collect();
    plan.globals = (0..m.globals.len()).map(|g| inst.global_addr(hlbc::GlobalIdx(g as u32)) as u64).collect();
    let g = generation(m, opt, plan, prepared, None, verbose).map_err(|e| format!("{e:?}"))?;
    g.debug_module.store(inst.debug_id, std::sync::atomic::Ordering::Relaxed);
    Ok(g)
}

/// `hl_setup.reload_check`: `alt`, if not null, names the file to look at instead.
unsafe extern "C" fn check_reload(alt: *mut vbyte) -> bool {
    // Reading, comparing and compiling touch no GC memory: collections may proceed.
    hlrt::gc::set_blocking(true);
    let changed = std::panic::catch_unwind(|| {
        let mut guard = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        let Some(live) = guard.as_mut() else { return false };
        let path = if alt.is_null() {
            live.file.clone()
        } else {
            // SAFETY: HashLink passes the alternative file as a NUL-terminated (UTF-8) path.
            PathBuf::from(unsafe { CStr::from_ptr(alt as *const c_char) }.to_string_lossy().into_owned())
        };
        live.check(&path)
    });
    hlrt::gc::set_blocking(false);
    changed.unwrap_or(false)
}

/// Turns on `sys_check_reload` for the program `live` describes.
pub fn enable(live: Live) {
    *LIVE.lock().unwrap_or_else(|e| e.into_inner()) = Some(live);
    // SAFETY: hl_setup is written before the program's code runs.
    unsafe { (*std::ptr::addr_of_mut!(hlrt::std::sys::hl_setup)).reload_check = Some(check_reload) };
}

// ---------------------------------------------------------------------------
// Plugins

/// A loaded plugin: its module and the address of each of its types.
struct Plugin {
    module: Arc<Module>,
    keys: Keys,
    types: Vec<u64>,
    slots: Vec<Slot>,
}

struct Plugins {
    opt: OptLevel,
    arch: Architecture,
    verbose: bool,
    loaded: Vec<Plugin>,
}

static PLUGINS: Mutex<Option<Plugins>> = Mutex::new(None);

/// Turns on `sys_load_plugin` and `sys_resolve_type`.
pub fn enable_plugins(opt: OptLevel, arch: Architecture, verbose: bool) {
    *PLUGINS.lock().unwrap_or_else(|e| e.into_inner()) = Some(Plugins { opt, arch, verbose, loaded: Vec::new() });
    // SAFETY: hl_setup is written before the program's code runs.
    unsafe {
        let setup = std::ptr::addr_of_mut!(hlrt::std::sys::hl_setup);
        (*setup).load_plugin = Some(load_plugin);
        (*setup).resolve_type = Some(resolve_type);
    }
}

/// The program's first module, its keys and the address of each of its types.
fn host() -> (Arc<Module>, Keys, Vec<u64>) {
    let p = hlrt::start::program();
    let m = p.main.module.clone();
    let keys = Keys::new(&m);
    let types = (0..m.types.len()).map(|t| p.main.ty(TypeIdx(t as u32)) as u64).collect();
    (m, keys, types)
}

impl Plugins {
    /// Loads the plugin at `path`; returns its entry point.
    fn load(&mut self, path: &Path) -> Result<unsafe extern "C" fn(), String> {
        let data = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let m = Arc::new(hlbc::read_module(&data).map_err(|e| format!("{}: {e}", path.display()))?);
        hlbc::verify_module(&m).map_err(|e| format!("{}: {e}", path.display()))?;
        let keys = Keys::new(&m);
        let (host_m, host_keys, host_types) = host();
        // The host's types by key, and the layouts of its named ones.
        let mut by_key: HashMap<&str, u64> = HashMap::new();
        let mut layouts: HashMap<String, String> = HashMap::new();
        for (t, &addr) in host_types.iter().enumerate() {
            by_key.entry(&host_keys.types[t]).or_insert(addr);
            if let Some((name, layout)) = host_keys.layout(&host_m, TypeIdx(t as u32)) {
                layouts.insert(name, layout);
            }
        }
        // The plugin's types are its own (its initialisation sets its classes'
        // globals), but a class with the host's layout takes the host's name,
        // so values pass between them and casts succeed (as hl does); types
        // without a name are the host's when it has the same.
        let mut shared_types = Vec::with_capacity(m.types.len());
        let mut aliases = Vec::new();
        for t in 0..m.types.len() {
            let named = matches!(m.types[t], Type::Obj(_) | Type::Struct(_) | Type::Enum(_) | Type::Abstract(_));
            let host_t = by_key.get(keys.types[t].as_str()).copied();
            if let (Some((name, layout)), Some(h)) = (keys.layout(&m, TypeIdx(t as u32)), host_t) {
                if layouts.get(&name) == Some(&layout) && matches!(m.types[t], Type::Obj(_) | Type::Struct(_)) {
                    aliases.push((t, h));
                }
            }
            shared_types.push(if named { None } else { host_t.map(|a| a as *mut hl_type) });
        }
        let nfun = m.fun_table().len();
        let resolved = natives::resolve(&m, path).map_err(|e| e.to_string())?;
        if let Some(n) = resolved.missing.iter().find(|n| !n.optional) {
            return Err(format!("native {} is not provided by any library", n.name));
        }
        let mut plan = Plan {
            slots: vec![None; nfun],
            trampolines: vec![None; nfun],
            compile: super::fun_kinds(&m),
            natives: resolved.found.iter().map(|&(i, a)| (m.natives[i].findex.idx(), a)).collect(),
            missing: resolved.missing.iter().map(|n| n.index).collect(),
            types: Vec::new(),
            globals: Vec::new(),
        };
        let g = load(&m, &mut plan, &shared_types, &vec![None; m.globals.len()], self.opt, self.arch, self.verbose)?;
        for (t, h) in aliases {
            // SAFETY: both are object types built by the runtime; a name is an immutable UTF-16 string.
            unsafe { (*(*(plan.types[t] as *mut hl_type)).obj()).name = (*(*(h as *mut hl_type)).obj()).name };
        }
        activate(g, &plan);
        if self.verbose {
            eprintln!("hlc: loaded plugin {} ({} functions)", path.display(), m.functions.len());
        }
        let entry = g.stubs.trampoline(m.entrypoint.idx());
        self.loaded.push(Plugin { module: m, keys, types: plan.types, slots: g.slots.clone() });
        // SAFETY: the entry point's trampoline leads to code taking no argument and returning nothing.
        Ok(unsafe { std::mem::transmute::<u64, unsafe extern "C" fn()>(entry) })
    }

    /// `sys_resolve_type(t, gt)` for a plugin's class `t` and class object type `gt`.
    fn resolve(&self, t: *mut hl_type, gt: *mut hl_type) -> Option<*mut vdynamic> {
        let p = hlrt::start::program();
        let (host_m, host_keys, _) = host();
        let plugin = self.loaded.iter().find(|pl| pl.types.contains(&(t as u64)))?;
        let pt = plugin.types.iter().position(|&a| a == t as u64)?;
        let pgt = plugin.types.iter().position(|&a| a == gt as u64)?;
        let host_index = |key: &str| host_keys.types.iter().position(|k| k == key);
        let ht = host_index(&plugin.keys.types[pt])?;
        let hgt = host_index(&plugin.keys.types[pgt])?;
        let (Some(po), Some(ho)) = (plugin.module.types[pt].as_obj(), host_m.types[ht].as_obj()) else { return None };
        let (Some(pgo), Some(hgo)) = (plugin.module.types[pgt].as_obj(), host_m.types[hgt].as_obj()) else { return None };
        // The plugin's copies of the class's methods and static functions now run the host's.
        let host_fun = |f: hlbc::FunIdx| p.main.functions.get(f.idx()).copied();
        let redirect = |pf: hlbc::FunIdx, hf: hlbc::FunIdx| {
            if let (Some(slot), Some(code)) = (plugin.slots.get(pf.idx()), host_fun(hf)) {
                slot.store(code.cast(), std::sync::atomic::Ordering::Release);
            }
        };
        for (a, b) in po.protos.iter().zip(&ho.protos) {
            redirect(a.findex, b.findex);
        }
        for (a, b) in pgo.bindings.iter().zip(&hgo.bindings) {
            redirect(a.1, b.1);
        }
        // The host's class object.
        let g = ho.global.or(hgo.global)?;
        // SAFETY: the global holds the class object (a pointer), set by the host's initialisation.
        Some(unsafe { *(p.main.global_addr(g) as *mut *mut vdynamic) })
    }
}

/// `hl_setup.load_plugin`: loads and starts the plugin at `path` (UTF-8).
unsafe extern "C" fn load_plugin(path: *mut c_char) -> bool {
    // SAFETY: the runtime passes a NUL-terminated path.
    let path = PathBuf::from(unsafe { CStr::from_ptr(path) }.to_string_lossy().into_owned());
    hlrt::gc::set_blocking(true);
    let loaded = std::panic::catch_unwind(|| {
        let mut guard = PLUGINS.lock().unwrap_or_else(|e| e.into_inner());
        guard.as_mut().map(|p| p.load(&path)).unwrap_or_else(|| Err("plugins are not enabled".into()))
    })
    .unwrap_or_else(|_| Err("internal error".into()));
    hlrt::gc::set_blocking(false);
    let entry = match loaded {
        Ok(entry) => entry,
        Err(why) => {
            eprintln!("hlc: cannot load plugin {}: {why}", path.display());
            return false;
        }
    };
    drop(path);
    // An exception in the plugin's initialisation propagates to the caller, as
    // in hl. SAFETY: no value with a destructor is live in this frame across the call.
    unsafe { entry() };
    true
}

/// `hl_setup.resolve_type`.
unsafe extern "C" fn resolve_type(t: *mut hl_type, gt: *mut hl_type) -> *mut vdynamic {
    let guard = PLUGINS.lock().unwrap_or_else(|e| e.into_inner());
    guard.as_ref().and_then(|p| p.resolve(t, gt)).unwrap_or(std::ptr::null_mut())
}
