//! Count cells as the export readers (X CSV, LinkedIn sheets) write them,
//! and the errors that name a bad one.

use crate::Error;

/// Why a count cell is not a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BadCount {
    /// Not a whole number (text, a fraction, a thousands separator, too
    /// large).
    NonNumeric,
    /// A whole number below zero.
    Negative,
}

impl BadCount {
    /// The error naming the cell: its line (spreadsheet row), column header
    /// and 1-based column number, and its text.
    pub(crate) fn at(self, line: u64, column: &str, column_number: usize, value: String) -> Error {
        let column = column.to_string();
        match self {
            BadCount::NonNumeric => Error::NonNumericCount {
                line,
                column,
                column_number,
                value,
            },
            BadCount::Negative => Error::NegativeCount {
                line,
                column,
                column_number,
                value,
            },
        }
    }
}

/// A count written as text: `1376`, `+1376`, `1376.0` (any zero fraction);
/// `-` or empty (after trimming ASCII spaces) is "not reported" (`None`).
#[inline]
pub(crate) fn parse_count_text(cell: &[u8]) -> Result<Option<u64>, BadCount> {
    // The tweet-activity export writes counts as `1376.0`.
    let digits = match cell {
        [whole @ .., b'.', b'0'] => whole,
        _ => cell,
    };
    match plain_digits(digits) {
        Some(n) => Ok(Some(n)),
        None => general_count(cell),
    }
}

/// The common cell, 1 to 19 ASCII digits and nothing else (cannot
/// overflow), without checked arithmetic; `None` for anything else.
#[inline]
pub(crate) fn plain_digits(cell: &[u8]) -> Option<u64> {
    if cell.is_empty() || cell.len() > 19 {
        return None;
    }
    let mut n = 0u64;
    for &b in cell {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n * 10 + u64::from(d);
    }
    Some(n)
}

/// [`parse_count_text`] for any cell.
fn general_count(cell: &[u8]) -> Result<Option<u64>, BadCount> {
    let s = cell.trim_ascii();
    if s.is_empty() || s == b"-" {
        return Ok(None);
    }
    let (negative, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, s),
    };
    // One pass: digits, then an optional `.` followed by zeros only.
    let mut n: u64 = 0;
    let mut rest = digits.iter();
    let mut any = false;
    for &b in rest.by_ref() {
        match b {
            b'0'..=b'9' => {
                any = true;
                n = n
                    .checked_mul(10)
                    .and_then(|n| n.checked_add(u64::from(b - b'0')))
                    .ok_or(BadCount::NonNumeric)?;
            }
            b'.' if any => {
                if rest.all(|&b| b == b'0') {
                    break;
                }
                return Err(BadCount::NonNumeric);
            }
            _ => return Err(BadCount::NonNumeric),
        }
    }
    if !any {
        return Err(BadCount::NonNumeric);
    }
    if negative && n > 0 {
        return Err(BadCount::Negative);
    }
    Ok(Some(n))
}

/// A count stored as a number (a spreadsheet cell): a whole, finite value
/// from 0 to 2⁶⁴ − 1.
#[cfg(feature = "linkedin")]
pub(crate) fn count_from_f64(x: f64) -> Result<u64, BadCount> {
    if x.is_finite() && x.fract() == 0.0 && x < 0.0 {
        Err(BadCount::Negative)
    } else if x.is_finite() && x.fract() == 0.0 && x < 18_446_744_073_709_551_616.0 {
        // Whole and in range: the conversion is exact.
        Ok(x as u64)
    } else {
        Err(BadCount::NonNumeric)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_counts() {
        assert_eq!(parse_count_text(b" 1376 "), Ok(Some(1376)));
        assert_eq!(parse_count_text(b"1376.00"), Ok(Some(1376)));
        assert_eq!(parse_count_text(b"+7"), Ok(Some(7)));
        assert_eq!(parse_count_text(b"-0"), Ok(Some(0)));
        assert_eq!(parse_count_text(b"0"), Ok(Some(0)));
        assert_eq!(
            parse_count_text(b"9999999999999999999"),
            Ok(Some(9_999_999_999_999_999_999))
        );
        assert_eq!(
            parse_count_text(b"18446744073709551615"),
            Ok(Some(u64::MAX))
        );
        assert_eq!(parse_count_text(b"-"), Ok(None));
        assert_eq!(parse_count_text(b""), Ok(None));
        assert_eq!(parse_count_text(b"-3"), Err(BadCount::Negative));
        for bad in [
            &b"1,376"[..],
            b"1.5",
            b"x",
            b".0",
            b"99999999999999999999",
            b"18446744073709551616",
        ] {
            assert_eq!(parse_count_text(bad), Err(BadCount::NonNumeric), "{bad:?}");
        }
    }

    #[cfg(feature = "linkedin")]
    #[test]
    fn float_counts() {
        assert_eq!(count_from_f64(12.0), Ok(12));
        assert_eq!(count_from_f64(-0.0), Ok(0));
        assert_eq!(count_from_f64(-2.0), Err(BadCount::Negative));
        for bad in [0.5, f64::NAN, f64::INFINITY, 1e20] {
            assert_eq!(count_from_f64(bad), Err(BadCount::NonNumeric), "{bad}");
        }
    }
}
