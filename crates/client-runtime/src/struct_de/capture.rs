//! A deserializer that keeps its own error when a value fails. Through `erased_serde` an error
//! travels as text, and serde_json, given text back, appends the position a second time
//! ("… at line 1 column 9 at line 1 column 9"); the slot's caller returns the kept error
//! instead, exactly as the deserializer made it.

use serde::de::{self, Deserializer, Visitor};

pub struct Capture<'k, 'de, D: Deserializer<'de>> {
    inner: D,
    kept: &'k mut Option<D::Error>,
    marker: std::marker::PhantomData<&'de ()>,
}

impl<'k, 'de, D: Deserializer<'de>> Capture<'k, 'de, D> {
    pub fn new(inner: D, kept: &'k mut Option<D::Error>) -> Self {
        Self { inner, kept, marker: std::marker::PhantomData }
    }
}

/// Keeps `error` and hands the erasure a stand-in, which the slot's caller replaces.
fn keep<E: de::Error>(kept: &mut Option<E>, error: E) -> E {
    *kept = Some(error);
    E::custom("the value's error (kept)")
}

macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            let Capture { inner, kept, .. } = self;
            inner.$method($($arg,)* visitor).map_err(|e| keep(kept, e))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Capture<'_, 'de, D> {
    type Error = D::Error;

    forward! {
        deserialize_any(); deserialize_bool(); deserialize_i8(); deserialize_i16(); deserialize_i32();
        deserialize_i64(); deserialize_i128(); deserialize_u8(); deserialize_u16(); deserialize_u32();
        deserialize_u64(); deserialize_u128(); deserialize_f32(); deserialize_f64(); deserialize_char();
        deserialize_str(); deserialize_string(); deserialize_bytes(); deserialize_byte_buf();
        deserialize_option(); deserialize_unit(); deserialize_seq(); deserialize_map();
        deserialize_identifier(); deserialize_ignored_any();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}
