//! `std/date.c` in a fixed time zone. Expected values from the reference VM
//! run with `TZ=UTC` and `TZ=America/New_York`.

use hlrt::std::date::*;
use hlrt::std::ucs2::{ucs2_from_str, ucs2_to_string};

/// The tests keep GC pointers in Rust memory the collector does not scan.
fn no_gc() {
    hlrt::gc::hl_gc_enable(false);
}

extern "C" {
    fn tzset();
}

fn from_string(s: &str) -> i32 {
    unsafe { hl_date_from_string(ucs2_from_str(s).cast(), 0) }
}

/// All date checks run in one test: the time zone is process-wide.
#[test]
fn dates_in_fixed_zones() {
    no_gc();
    unsafe {
        std::env::set_var("TZ", "UTC");
        tzset();
        let d = hl_date_new(2020, 1, 29, 13, 45, 7);
        assert_eq!(d, 1582983907);
        assert_eq!(hl_date_get_time(d), 1582983907000.0);
        assert_eq!(hl_date_from_time(1.5e12), 1500000000);
        assert_eq!(hl_date_from_time(-1000.0), -1);
        assert_eq!(hl_date_from_time(1e20), 1569325056);
        assert_eq!(hl_date_from_time(f64::NAN), 0);
        let mut len = 0;
        let s = hl_date_to_string(d, &mut len);
        assert_eq!(ucs2_to_string(s as *const u16), "2020-02-29 13:45:07");
        assert_eq!(len, 19);
        assert_eq!(from_string("2020-02-29 13:45:07"), 1582983907);
        assert_eq!(from_string("2020-02-29"), 1582934400);
        assert_eq!(from_string("13:45:07"), 49507);
        assert_eq!(from_string("1999-12-31 23:59:59"), 946684799);
        assert_eq!(from_string("2020-13-45"), 1613260800);
        assert_eq!(from_string("ab:cd:ef"), 0);
        assert_eq!(from_string("1970-01-01 00:00:00"), 0);
        let (mut y, mut mo, mut day, mut h, mut m, mut s, mut w) = (0, 0, 0, 0, 0, 0, 0);
        hl_date_get_inf(1234567890, &mut y, &mut mo, &mut day, &mut h, &mut m, &mut s, &mut w);
        assert_eq!((y, mo, day, h, m, s, w), (2009, 1, 13, 23, 31, 30, 5));
        hl_date_get_utc_inf(-1, &mut y, &mut mo, &mut day, &mut h, &mut m, &mut s, &mut w);
        // Dates are read as unsigned: -1 is 2106-02-07 06:28:15.
        assert_eq!((y, mo, day, h, m, s, w), (2106, 1, 7, 6, 28, 15, 0));
        hl_date_get_inf(
            0,
            std::ptr::null_mut(),
            &mut mo,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        );
        assert_eq!(mo, 0);

        std::env::set_var("TZ", "America/New_York");
        tzset();
        assert_eq!(hl_date_new(2020, 1, 29, 13, 45, 7), 1583001907);
        assert_eq!(from_string("2020-02-29"), 1582952400);
        assert_eq!(from_string("13:45:07"), 49507);
        assert_eq!(from_string("1999-12-31 23:59:59"), 946702799);
        assert_eq!(from_string("1970-01-01 00:00:00"), 18000);
        let s = hl_date_to_string(1583001907, &mut len);
        assert_eq!(ucs2_to_string(s as *const u16), "2020-02-29 13:45:07");
        assert!(hl_date_now() > 1_600_000_000);
    }
}
