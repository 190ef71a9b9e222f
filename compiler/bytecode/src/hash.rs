//! HashLink's field-name hash (`hl_hash_gen`), the one definition used by the
//! compiler (constant hashes of `DynGet`/`DynSet`) and the runtime (field
//! lookup tables), so both always agree.

/// Hash of a name given as UTF-16 code units (without the terminating NUL).
pub fn hl_hash_utf16(name: impl IntoIterator<Item = u16>) -> i32 {
    let mut h: i32 = 0;
    for c in name {
        h = h.wrapping_mul(223).wrapping_add(c as i32);
    }
    h % 0x1FFF_FF7B
}

/// Hash of a UTF-8 name, as the runtime would hash its UTF-16 form.
pub fn hl_hash_str(name: &str) -> i32 {
    hl_hash_utf16(name.encode_utf16())
}

/// The hash HashLink gives every field name of a module. `hl_hash_gen`
/// resolves collisions by giving a later name the next free value, so a hash
/// depends on the order names are first seen: the type table (fields, then
/// methods of each object; fields of each virtual), then the names of dynamic
/// field accesses in code order. The compiler (constants) and the runtime
/// (lookup tables, and its name cache, seeded in this same order) both use it.
#[derive(Clone, Debug, Default)]
pub struct FieldHashes {
    /// Names in registration order, for seeding the runtime's cache.
    pub order: Vec<String>,
    /// The position in `order` of the name holding each hash. A name is found
    /// from its own hash, probing upwards as registration did (the hashes
    /// it skipped were taken then and stay taken), so each name is stored once.
    // FxHash: this map is filled at every start-up, and its keys come from
    // the module being loaded (colliding names could only slow down that
    // module's own start).
    by_hash: rustc_hash::FxHashMap<i32, u32>,
}

/// The names of dynamic field accesses (`DynGet`, `DynSet`) in code order:
/// registered after the types' names, as HashLink's loader does.
pub fn dynamic_names(m: &crate::Module) -> Vec<crate::StrIdx> {
    let ops = m.functions.iter().flat_map(|f| &f.ops);
    ops.filter_map(|op| match op {
        crate::Op::DynGet { name, .. } | crate::Op::DynSet { name, .. } => Some(*name),
        _ => None,
    })
    .collect()
}

impl FieldHashes {
    pub fn new(m: &crate::Module) -> FieldHashes {
        FieldHashes::with_dynamic_names(m, &dynamic_names(m))
    }

    /// The hashes of `m`'s names when its code, which [`dynamic_names`]
    /// reads, is not at hand: `dynamic` is what that gave for the module with
    /// its code.
    pub fn with_dynamic_names(m: &crate::Module, dynamic: &[crate::StrIdx]) -> FieldHashes {
        let mut h = FieldHashes::default();
        for t in &m.types {
            match t {
                crate::Type::Obj(o) | crate::Type::Struct(o) => {
                    for f in &o.fields {
                        h.register(&m.str(f.name));
                    }
                    for p in &o.protos {
                        h.register(&m.str(p.name));
                    }
                }
                crate::Type::Virtual(v) => {
                    for f in &v.fields {
                        h.register(&m.str(f.name));
                    }
                }
                _ => {}
            }
        }
        for &name in dynamic {
            h.register(&m.str(name));
        }
        h
    }

    fn register(&mut self, name: &str) -> i32 {
        let (v, known) = self.probe(name);
        if !known {
            self.by_hash.insert(v, self.order.len() as u32);
            self.order.push(name.to_string());
        }
        v
    }

    /// The first hash from the name's own that no other name holds, and
    /// whether `name` holds it.
    fn probe(&self, name: &str) -> (i32, bool) {
        let mut v = hl_hash_str(name);
        while let Some(&i) = self.by_hash.get(&v) {
            if self.order[i as usize] == name {
                return (v, true);
            }
            v = v.wrapping_add(1);
        }
        (v, false)
    }

    /// The hash of `name` if it is one of the module's names.
    pub fn known(&self, name: &str) -> Option<i32> {
        let (v, known) = self.probe(name);
        known.then_some(v)
    }

    /// The hash of `name`: its registered one, or what `hl_hash_gen` would give it next.
    pub fn get(&self, name: &str) -> i32 {
        self.probe(name).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colliding_names_take_the_next_free_hash_in_registration_order() {
        // Find two different names with the same hash.
        let mut seen = std::collections::HashMap::new();
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let (a, b) = (0..400_000u32)
            .map(|_| {
                (0..8)
                    .map(|_| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        (b'a' + ((seed >> 33) % 26) as u8) as char
                    })
                    .collect::<String>()
            })
            .find_map(|n| {
                let h = hl_hash_str(&n);
                seen.insert(h, n.clone()).map(|prev| (prev, n))
            })
            .expect("a collision among 400k names");
        let mut h = FieldHashes::default();
        let ha = h.register(&a);
        let hb = h.register(&b);
        assert_eq!(ha, hl_hash_str(&a));
        assert_eq!(hb, ha + 1);
        assert_eq!(h.get(&b), hb);
        assert_eq!(h.order, vec![a, b]);
    }

    #[test]
    fn hash_is_the_223_polynomial_modulo() {
        assert_eq!(hl_hash_str(""), 0);
        assert_eq!(hl_hash_str("a"), 97);
        assert_eq!(hl_hash_str("ab"), 97 * 223 + 98);
        // Wraps like C's int arithmetic and keeps the sign of the dividend.
        let long = "abcdefghijklmnopqrstuvwxyz";
        let mut h: i32 = 0;
        for c in long.bytes() {
            h = h.wrapping_mul(223).wrapping_add(c as i32);
        }
        assert_eq!(hl_hash_str(long), h % 0x1FFF_FF7B);
    }
}
