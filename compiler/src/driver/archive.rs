//! Writing a static archive (`--emit staticlib`): the runtime archive's
//! members as they are, plus the program object, under a new symbol index.
//! (GNU `ar` cannot be used to add the member: it fails to read some of the
//! objects of a Rust static library and drops their symbols from the index.)

use super::natives::Library;
use std::collections::BTreeMap;

/// The GNU archive holding `extra` (name, bytes, global symbols it defines)
/// followed by every member of `lib` (whose file bytes are `lib_data`).
pub fn write(lib: &Library, lib_data: &[u8], extra: (&str, &[u8], &[String])) -> Vec<u8> {
    // Members in order, with the symbols each one is the index's entry for.
    let mut members: Vec<(&str, &[u8])> = vec![(extra.0, extra.1)];
    let mut symbols: Vec<(String, usize)> = extra.2.iter().map(|s| (s.clone(), 0)).collect();
    for m in &lib.members {
        members.push((m.name.as_str(), &lib_data[m.range.clone()]));
    }
    let mut by_member: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for (name, &m) in &lib.symbols {
        by_member.entry(m + 1).or_default().push(name);
    }
    for (m, mut names) in by_member {
        names.sort_unstable();
        symbols.extend(names.into_iter().map(|n| (n.to_string(), m)));
    }

    // Long names ("//" member) for names that do not fit in 15 bytes.
    let mut long_names = Vec::new();
    let header_names: Vec<String> = members
        .iter()
        .map(|(name, _)| {
            if name.len() <= 15 && !name.contains('/') {
                format!("{name}/")
            } else {
                let at = long_names.len();
                long_names.extend_from_slice(name.as_bytes());
                long_names.extend_from_slice(b"/\n");
                format!("/{at}")
            }
        })
        .collect();

    // The symbol index ("/" member): count, member offsets, names (big-endian u32s).
    let names_len: usize = symbols.iter().map(|(n, _)| n.len() + 1).sum();
    let index_size = 4 + 4 * symbols.len() + names_len;
    let padded = |n: usize| n + (n & 1);
    let mut offset = 8 + 60 + padded(index_size);
    if !long_names.is_empty() {
        offset += 60 + padded(long_names.len());
    }
    let mut member_offsets = Vec::with_capacity(members.len());
    for (_, data) in &members {
        member_offsets.push(offset);
        offset += 60 + padded(data.len());
    }

    let mut out = Vec::with_capacity(offset);
    out.extend_from_slice(b"!<arch>\n");
    let mut index = Vec::with_capacity(index_size);
    index.extend_from_slice(&(symbols.len() as u32).to_be_bytes());
    for (_, m) in &symbols {
        index.extend_from_slice(&(member_offsets[*m] as u32).to_be_bytes());
    }
    for (n, _) in &symbols {
        index.extend_from_slice(n.as_bytes());
        index.push(0);
    }
    put_member(&mut out, "/", &index);
    if !long_names.is_empty() {
        put_member(&mut out, "//", &long_names);
    }
    for ((_, data), name) in members.iter().zip(&header_names) {
        put_member(&mut out, name, data);
    }
    out
}

fn put_member(out: &mut Vec<u8>, name: &str, data: &[u8]) {
    let header = format!("{name:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n", 0, 0, 0, 644, data.len());
    debug_assert_eq!(header.len(), 60);
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_points_at_member_headers() {
        let lib = Library {
            path: "x.a".into(),
            kind: super::super::natives::LibKind::Archive,
            members: vec![],
            symbols: Default::default(),
            signatures: Default::default(),
        };
        let out = write(&lib, &[], ("a_rather_long_member_name.o", b"abc", &["sym".to_string()]));
        let archive = object::read::archive::ArchiveFile::parse(&*out).unwrap();
        let members: Vec<_> = archive.members().map(|m| m.unwrap()).collect();
        assert_eq!(members.len(), 1);
        assert_eq!(members[0].name(), b"a_rather_long_member_name.o");
        assert_eq!(members[0].data(&*out).unwrap(), b"abc");
        let syms: Vec<_> = archive.symbols().unwrap().unwrap().map(|s| s.unwrap()).collect();
        assert_eq!(syms.len(), 1);
        assert_eq!(syms[0].name(), b"sym");
        let m = archive.member(syms[0].offset()).unwrap();
        assert_eq!(m.name(), b"a_rather_long_member_name.o");
    }
}
