//! Index newtypes: every table of a HashLink module is addressed by its own
//! index type, so a string index can never be used where a type index is meant.

use std::fmt;

macro_rules! index_types {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub u32);

        impl $name {
            /// The index as a `usize`, for indexing the table it addresses.
            #[inline]
            pub fn idx(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    )*};
}

index_types! {
    /// A virtual register of the function being read.
    Reg;
    /// An entry of the module's `ints` table.
    IntIdx;
    /// An entry of the module's `floats` table.
    FloatIdx;
    /// An entry of the module's `strings` table.
    StrIdx;
    /// An entry of the `bytes` table (HLB v5+); before v5 `OBytes` names a string.
    BytesIdx;
    /// An entry of the module's `types` table.
    TypeIdx;
    /// A global variable.
    GlobalIdx;
    /// A function index in the shared function/native index space (`findex`).
    FunIdx;
    /// A field of an object or virtual type, counted over the whole super chain.
    FieldIdx;
    /// A constructor of an enum type.
    ConstructIdx;
    /// An entry of the debug file-name table.
    FileIdx;
}
