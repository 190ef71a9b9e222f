//! Map natives: iteration orders must be HashLink's exactly. The expected
//! strings come from the reference VM (hl 1.17) running the equivalent Haxe
//! program (`Map<Int,Int>` / `Map<String,Int>` with the same operations).

use hlrt::abi::*;
use hlrt::std::dyn_i32;
use hlrt::std::maps::*;
use hlrt::std::ucs2::{ucs2_from_str, ucs2_to_string};

/// The tests keep GC pointers in Rust memory the collector does not scan.
fn no_gc() {
    hlrt::gc::hl_gc_enable(false);
}

unsafe fn int_keys(a: *mut varray) -> Vec<i32> {
    let p = varray::data(a) as *const i32;
    (0..(*a).size as usize).map(|i| *p.add(i)).collect()
}

unsafe fn dyn_values(a: *mut varray) -> Vec<i32> {
    let p = varray::data(a) as *const *mut vdynamic;
    (0..(*a).size as usize).map(|i| (**p.add(i)).v.i).collect()
}

unsafe fn str_keys(a: *mut varray) -> Vec<String> {
    let p = varray::data(a) as *const *const u16;
    (0..(*a).size as usize).map(|i| ucs2_to_string(*p.add(i))).collect()
}

fn join<T: ToString>(v: &[T]) -> String {
    v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(",")
}

#[test]
fn int_map_order_with_removals() {
    no_gc();
    unsafe {
        let m = hl_hialloc();
        for i in 0..60 {
            hl_hiset(m, (i * 7919) % 1000 - 500, dyn_i32(i));
        }
        let mut i = 0;
        while i < 60 {
            assert!(hl_hiremove(m, (i * 7919) % 1000 - 500));
            i += 3;
        }
        for j in 0..10 {
            hl_hiset(m, j * 1000003, dyn_i32(j));
        }
        assert_eq!(
            join(&int_keys(hl_hikeys(m))),
            "0,-307,17,-120,204,-391,3000009,-254,-67,207,394,6000018,123,-64,260,447,9000027,-335,-148,176,2000006,-198,-11,450,-469,-282,5000015,179,366,95,8000024,-279,45,-92,232,419,1000003,-363,-226,-39,4000012,422,-497,-310,151,338,7000021,-36,288,475"
        );
        assert_eq!(
            join(&dyn_values(hl_hivalues(m))),
            "0,47,43,20,16,11,3,34,7,53,26,6,17,44,40,13,9,35,8,4,2,58,31,50,49,22,5,41,14,5,8,59,55,32,28,1,1,23,46,19,4,38,37,10,29,2,7,56,52,25"
        );
        assert_eq!(hl_hisize(m), 50);
        assert!(!hl_hiremove(m, 12345));
        assert!(hl_hiexists(m, 1000003));
        assert!(!hl_hiexists(m, 1000004));
        assert_eq!((*hl_higet(m, 1000003)).v.i, 1);
        assert!(hl_higet(m, 1000004).is_null());
    }
}

#[test]
fn string_map_order() {
    no_gc();
    unsafe {
        let s = hl_hballoc();
        let key = |k: &str| ucs2_from_str(k);
        for i in 0..50 {
            hl_hbset(s, key(&format!("k{i}")), dyn_i32(i));
        }
        for i in 0..50 {
            if i % 4 == 1 {
                assert!(hl_hbremove(s, key(&format!("k{i}"))));
            }
        }
        hl_hbset(s, key("é"), dyn_i32(1));
        hl_hbset(s, key("日本"), dyn_i32(2));
        hl_hbset(s, key(""), dyn_i32(3));
        hl_hbset(s, key("k7"), dyn_i32(70));
        for i in 50..60 {
            hl_hbset(s, key(&format!("key{i}")), dyn_i32(i));
        }
        assert_eq!(
            str_keys(hl_hbkeys(s)).join(","),
            ",k30,k14,k22,k31,k15,k23,k40,k32,k24,k16,key50,k42,k34,k26,k18,key51,k43,k35,k27,k19,key52,k44,k36,k28,key53,k0,key54,日本,k46,k38,key55,k47,k39,k2,key56,k48,k3,key57,k4,key58,é,key59,k6,k10,k7,k11,k8,k12,k20"
        );
        assert_eq!(
            join(&dyn_values(hl_hbvalues(s))),
            "3,30,14,22,31,15,23,40,32,24,16,50,42,34,26,18,51,43,35,27,19,52,44,36,28,53,0,54,2,46,38,55,47,39,2,56,48,3,57,4,58,1,59,6,10,70,11,8,12,20"
        );
        assert!(hl_hbexists(s, key("k7")));
        assert!(!hl_hbexists(s, key("k5")));
        assert_eq!((*hl_hbget(s, key("k7"))).v.i, 70);
    }
}

#[test]
fn big_int_map_crossing_byte_indices() {
    no_gc();
    unsafe {
        let b = hl_hialloc();
        for i in 0..300 {
            hl_hiset(b, i * 37 - 2000, dyn_i32(i));
        }
        for i in 0..300 {
            if i % 5 == 0 {
                hl_hiremove(b, i * 37 - 2000);
            }
        }
        for i in 0..20 {
            hl_hiset(b, -i * 101, dyn_i32(i));
        }
        assert_eq!(
            join(&int_keys(hl_hikeys(b))),
            "0,6399,3476,553,-1313,8138,2292,6954,4031,1108,8693,2847,7509,4586,1663,3402,479,-1704,-202,8064,5141,2218,3957,1034,-1149,8619,5696,2773,4512,1589,-594,-909,6251,3328,-1778,5067,2144,-39,6806,3883,-1223,5622,2699,-1616,7361,4438,-668,6177,3254,331,-1852,7916,4993,-113,6732,3809,886,-1297,8471,5548,-505,7287,4364,1441,-742,9026,6103,257,-1926,7842,4919,1996,-187,6658,812,-1371,-1212,8397,5474,2551,7213,1367,-816,8952,6029,183,3106,7768,1922,-261,-1919,6584,3661,738,-101,8323,2477,7139,4216,1293,8878,109,3032,7694,4771,1848,-808,3587,664,-1519,8249,5326,2403,4142,1219,-964,8804,5881,2958,-1515,4697,1774,-409,6436,3513,-1593,5252,2329,6991,4068,-1038,5807,2884,-404,7546,4623,-483,6362,3439,516,-1667,8101,5178,6917,3994,1071,-1112,-1111,8656,5733,7472,4549,1626,-557,6288,442,-1741,8027,5104,2181,-2,-1818,6843,997,-1186,8582,5659,2736,7398,1552,-631,6214,3291,368,7953,2107,-76,-707,6769,3846,923,8508,2662,7324,4401,1478,9063,3217,294,-1889,-1414,7879,4956,2033,3772,849,-1334,8434,5511,2588,4327,1404,-779,8989,6066,3143,-1963,-303,4882,1959,-224,6621,3698,-1408,5437,2514,7176,4253,-853,-1010,5992,146,3069,7731,4808,-298,6547,3624,701,-1482,8286,5363,-1717,7102,4179,1256,-927,8841,5918,72,7657,4734,1811,-372,6473,627,-1556,8212,5289,2366,-606,7028,1182,-1001,8767,5844,2921,7583,1737,-446"
        );
    }
}

#[test]
fn small_map_slot_reuse() {
    no_gc();
    unsafe {
        let c = hl_hialloc();
        for i in 0..10 {
            hl_hiset(c, i, dyn_i32(i));
        }
        hl_hiremove(c, 3);
        hl_hiremove(c, 5);
        hl_hiset(c, 100, dyn_i32(1));
        hl_hiset(c, 3, dyn_i32(2));
        assert_eq!(join(&int_keys(hl_hikeys(c))), "7,0,8,1,100,9,2,3,4,6");

        let d = hl_hballoc();
        for i in 0..20 {
            hl_hbset(d, ucs2_from_str(&format!("x{i}")), dyn_i32(i));
        }
        for i in 0..20 {
            hl_hbremove(d, ucs2_from_str(&format!("x{i}")));
        }
        for i in 0..5 {
            hl_hbset(d, ucs2_from_str(&format!("y{i}")), dyn_i32(i));
        }
        assert_eq!(str_keys(hl_hbkeys(d)).join(","), "y3,y4,y0,y1,y2");
    }
}

#[test]
fn empty_and_cleared_maps() {
    no_gc();
    unsafe {
        let m = hl_hialloc();
        assert_eq!(hl_hisize(m), 0);
        assert!(!hl_hiremove(m, 1));
        assert!(hl_higet(m, 1).is_null());
        let k = hl_hikeys(m);
        assert_eq!((*k).size, 0);
        assert_eq!((*k).at, hlt_i32.get());
        // Empty Dynamic arrays are one shared static, as in libhl.
        let v1 = hl_hivalues(m);
        let v2 = hl_hbvalues(hl_hballoc());
        assert_eq!(v1, v2);
        assert_eq!((*v1).t, hlt_array.get());
        hl_hiset(m, 5, dyn_i32(5));
        hl_hiclear(m);
        assert_eq!(hl_hisize(m), 0);
        assert!(!hl_hiexists(m, 5));
        hl_hiset(m, 6, dyn_i32(6));
        assert_eq!(int_keys(hl_hikeys(m)), vec![6]);
    }
}

#[test]
fn int64_and_object_maps() {
    no_gc();
    unsafe {
        let m = hl_hi64alloc();
        for i in 0..40i64 {
            hl_hi64set(m, i << 33 | i, dyn_i32(i as i32));
        }
        assert_eq!(hl_hi64size(m), 40);
        assert_eq!((*hl_hi64get(m, 5i64 << 33 | 5)).v.i, 5);
        assert!(hl_hi64remove(m, 7i64 << 33 | 7));
        assert!(!hl_hi64exists(m, 7i64 << 33 | 7));
        let keys = hl_hi64keys(m);
        assert_eq!((*keys).size, 39);
        assert_eq!((*keys).at, hlt_i64.get());

        let o = hl_hoalloc();
        let objs: Vec<*mut vdynamic> = (0..30).map(|i| dyn_i32(i)).collect();
        for (i, &k) in objs.iter().enumerate() {
            hl_hoset(o, k, dyn_i32(i as i32 * 10));
        }
        assert_eq!((*hl_hoget(o, objs[4])).v.i, 40);
        // Keys compare by address, not by value.
        assert!(!hl_hoexists(o, dyn_i32(4)));
        assert!(hl_horemove(o, objs[4]));
        assert_eq!(hl_hosize(o), 29);
        // A boxed bytes key is stored as the raw pointer.
        let s = ucs2_from_str("abc");
        let boxed = hlrt::gc::hl_gc_alloc_gen(hlt_bytes.get(), 16, mem::KIND_DYNAMIC) as *mut vdynamic;
        (*boxed).t = hlt_bytes.get();
        (*boxed).v.ptr = s.cast();
        hl_hoset(o, boxed, dyn_i32(1));
        let keys = hl_hokeys(o);
        let kp = varray::data(keys) as *const *mut vdynamic;
        assert!((0..(*keys).size as usize).any(|i| *kp.add(i) == s.cast()));
    }
}
