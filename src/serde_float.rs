//! The JSON form of floats that may be infinite or NaN.
//!
//! JSON has no infinity or NaN, and `serde_json` writes them as `null`, which
//! it then refuses to read back as a number. Every result field that can be
//! non-finite (an unbounded interval end, an undefined ratio) is written in
//! this form instead:
//!
//! | value | JSON |
//! |---|---|
//! | finite `x` | the number `x` (shortest round-trip form) |
//! | `+∞` | the string `"inf"` |
//! | `−∞` | the string `"-inf"` |
//! | NaN | the string `"NaN"` |
//!
//! Reading accepts a number or one of those three strings (also
//! `"infinity"`, `"+inf"`, case-insensitive); anything else is an error.
//!
//! Use on a field as `#[serde(with = "crate::serde_float")]`; inside
//! containers (`Option<f64>`, `Vec<f64>`) use [`ExtF64`] as the element.

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An `f64` that serialises in the extended form above.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ExtF64(pub(crate) f64);

impl Serialize for ExtF64 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let x = self.0;
        if x.is_finite() {
            s.serialize_f64(x)
        } else if x.is_nan() {
            s.serialize_str("NaN")
        } else if x > 0.0 {
            s.serialize_str("inf")
        } else {
            s.serialize_str("-inf")
        }
    }
}

struct ExtVisitor;

impl Visitor<'_> for ExtVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number or one of the strings \"inf\", \"-inf\", \"NaN\"")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        match v.to_ascii_lowercase().as_str() {
            "inf" | "+inf" | "infinity" | "+infinity" => Ok(f64::INFINITY),
            "-inf" | "-infinity" => Ok(f64::NEG_INFINITY),
            "nan" => Ok(f64::NAN),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}

impl<'de> Deserialize<'de> for ExtF64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ExtVisitor).map(ExtF64)
    }
}

/// Serialises one `f64` in the extended form.
pub(crate) fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    ExtF64(*x).serialize(s)
}

/// Reads one `f64` in the extended form.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    ExtF64::deserialize(d).map(|x| x.0)
}

#[cfg(test)]
mod tests {
    use super::ExtF64;

    #[test]
    fn round_trips_every_class() {
        for x in [
            0.0,
            -0.0,
            1.5e-308,
            5e-324,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            let json = serde_json::to_string(&ExtF64(x)).unwrap();
            let back: ExtF64 = serde_json::from_str(&json).unwrap();
            assert_eq!(back.0.to_bits(), x.to_bits(), "{json}");
        }
        assert_eq!(
            serde_json::to_string(&ExtF64(f64::INFINITY)).unwrap(),
            "\"inf\""
        );
        let nan: ExtF64 =
            serde_json::from_str(&serde_json::to_string(&ExtF64(f64::NAN)).unwrap()).unwrap();
        assert!(nan.0.is_nan());
        assert!(serde_json::from_str::<ExtF64>("\"infinite\"").is_err());
        assert!(serde_json::from_str::<ExtF64>("null").is_err());
    }
}
