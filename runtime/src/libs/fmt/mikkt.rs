//! `fmt@compute_mikkt_tangents`: per-vertex tangents with MikkTSpace
//! (`bevy_mikktspace`, a port that matches the reference C library libhl
//! links), reading the fields of a Haxe `Mikktspace` object.

/// The fields of Haxe's `hl.Mikktspace` / `hxd.tools.Mikktspace` object, in
/// declaration order after the type pointer (HL object layout).
#[repr(C)]
pub struct MikktInfo {
    pub t: *const u8,
    pub buffer: *mut f32,
    pub stride: i32,
    pub x_pos: i32,
    pub normal_pos: i32,
    pub uv_pos: i32,
    pub tangents: *mut f32,
    pub tangent_stride: i32,
    pub tangent_pos: i32,
    pub indexes: *mut i32,
    pub indices: i32,
}

/// The mesh as the C callbacks of libhl read it: triangle `face`'s vertex
/// `vert` is `indexes[face * 3 + vert]`, whose attributes are at
/// `buffer[v * stride + offset]`; tangents go to
/// `tangents[(face * 3 + vert) * tangentStride + tangentPos]` as x, y, z, sign.
struct Mesh<'a>(&'a MikktInfo);

impl Mesh<'_> {
    fn read<const N: usize>(&self, face: usize, vert: usize, offset: i32) -> [f32; N] {
        let i = self.0;
        // SAFETY: the Haxe object promises `indexes` holds `indices` entries
        // and `buffer` every vertex's attributes (libhl reads them unchecked).
        unsafe {
            let v = *i.indexes.add(face * 3 + vert);
            let p = (v as isize) * i.stride as isize + offset as isize;
            std::array::from_fn(|k| *i.buffer.offset(p + k as isize))
        }
    }
}

impl bevy_mikktspace::Geometry for Mesh<'_> {
    fn num_faces(&self) -> usize {
        (self.0.indices / 3).max(0) as usize
    }
    fn num_vertices_of_face(&self, _face: usize) -> usize {
        3
    }
    fn position(&self, face: usize, vert: usize) -> [f32; 3] {
        self.read(face, vert, self.0.x_pos)
    }
    fn normal(&self, face: usize, vert: usize) -> [f32; 3] {
        self.read(face, vert, self.0.normal_pos)
    }
    fn tex_coord(&self, face: usize, vert: usize) -> [f32; 2] {
        self.read(face, vert, self.0.uv_pos)
    }
    fn set_tangent(&mut self, ts: Option<bevy_mikktspace::TangentSpace>, face: usize, vert: usize) {
        // MikkTSpace's default space where it derived none: tangent +X,
        // orientation not preserved.
        let t = ts.unwrap_or_default().tangent_encoded();
        let i = self.0;
        let p = (face * 3 + vert) as isize * i.tangent_stride as isize + i.tangent_pos as isize;
        for (k, v) in t.into_iter().enumerate() {
            // SAFETY: the Haxe object promises `tangents` covers every
            // corner's entry (libhl writes them unchecked).
            unsafe { *i.tangents.offset(p + k as isize) = v };
        }
    }
}

/// `genTangSpace(ctx, threshold)`: false when the mesh has no triangle.
///
/// # Safety
/// `info`'s pointers must cover what its counts and strides address.
pub unsafe fn compute(info: &MikktInfo, threshold: f64) -> bool {
    if info.indices / 3 <= 0 {
        return false;
    }
    // The C library's `(float) cos((fAngularThreshold * (float) M_PI) / 180.0f)`.
    let angle = (threshold as f32 * std::f32::consts::PI) / 180.0f32;
    let cos = f64::from(angle).cos() as f32;
    bevy_mikktspace::generate_tangents_with_threshold(&mut Mesh(info), cos).is_ok()
}
