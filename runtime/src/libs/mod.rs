//! Natives of HashLink's `.hdll` libraries other than `std`, one module per
//! library as in HashLink's `libs/` (symbols `<lib>_<name>` for `lib@name`).

pub mod fmt;
pub mod heaps;
pub mod sqlite;
pub mod ssl;
pub mod ui;
