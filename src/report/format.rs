//! Number formatting and tables shared by the renderings.

/// Every number a report prints goes through one of the formatters below:
/// an undefined value (NaN) is written "n/a", never "NaN".
const UNDEFINED: &str = "n/a";

/// `x` with `decimals` decimals (`12.30`).
pub(crate) fn fixed(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        UNDEFINED.into()
    } else {
        format!("{x:.decimals$}")
    }
}

/// `x` with a sign and `decimals` decimals (`+1.25`).
pub(crate) fn signed(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        UNDEFINED.into()
    } else {
        format!("{x:+.decimals$}")
    }
}

/// `x` in scientific notation with `decimals` decimals (`1.25e-3`).
pub(crate) fn sci(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        UNDEFINED.into()
    } else {
        format!("{x:.decimals$e}")
    }
}

/// A fraction as a percentage with `decimals` decimals (`3.125%`).
pub(crate) fn percent(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        UNDEFINED.into()
    } else {
        format!("{:.decimals$}%", 100.0 * x)
    }
}

/// A fraction as a signed percentage with `decimals` decimals (`+12.5%`).
pub(crate) fn signed_percent(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        UNDEFINED.into()
    } else {
        format!("{:+.decimals$}%", 100.0 * x)
    }
}

/// A probability as a rounded percentage for prose: "96%", "99.7%",
/// ">99.9%", "<0.1%"; "an undetermined" for anything that is not a
/// probability (so the sentence reads "with an undetermined probability").
pub(crate) fn prob_words(p: f64) -> String {
    if !(0.0..=1.0).contains(&p) {
        "an undetermined".into()
    } else if p > 0.999 {
        ">99.9%".into()
    } else if p < 0.001 {
        "<0.1%".into()
    } else if (0.01..=0.99).contains(&p) {
        format!("{:.0}%", 100.0 * p)
    } else {
        format!("{:.1}%", 100.0 * p)
    }
}

/// A number with `sig` significant digits, without exponent for the
/// magnitudes reports show (≥ 1e-6).
pub(crate) fn significant(x: f64, sig: i32) -> String {
    if x.is_nan() {
        return UNDEFINED.into();
    }
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let mag = x.abs().log10().floor() as i32;
    if mag < -6 {
        return format!("{x:.1e}");
    }
    let decimals = (sig - 1 - mag).max(0) as usize;
    format!("{x:.decimals$}")
}

/// A number in the `Display` of a result: `precision` decimals when the
/// formatter was given one (`{:.3}`), else 4 significant digits
/// (scientific below 1e-4 and from 1e7 in magnitude); "n/a" for NaN,
/// "inf" and "-inf" for infinities.
pub(crate) fn number(x: f64, precision: Option<usize>) -> String {
    if x.is_nan() {
        return UNDEFINED.into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    if let Some(p) = precision {
        return format!("{x:.p$}");
    }
    let a = x.abs();
    if a != 0.0 && !(1e-4..1e7).contains(&a) {
        format!("{x:.3e}")
    } else {
        significant(x, 4)
    }
}

/// [`number`] with a sign (`+0.004331`).
pub(crate) fn signed_number(x: f64, precision: Option<usize>) -> String {
    let s = number(x, precision);
    if x > 0.0 || (x == 0.0 && x.is_sign_positive()) {
        format!("+{s}")
    } else {
        s
    }
}

/// A level as a percentage without trailing zeros: `95`, `97.5`.
pub(crate) fn level_percent(level: f64) -> String {
    let s = format!("{:.6}", 100.0 * level);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A p-value or probability in the `Display` of a result: 4 significant
/// digits, scientific below 1e-4 (`0.03726`, `2.514e-9`).
pub(crate) fn probability(p: f64) -> String {
    number(p, None)
}

/// Escapes `|` so that a cell cannot break a Markdown table.
fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// A table of string cells rendered as aligned text or Markdown.
pub(crate) struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub(crate) fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Self {
        Self {
            header: header.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Columns padded to their widest cell, two spaces apart.
    pub(crate) fn text(&self) -> String {
        let widths: Vec<usize> = (0..self.header.len())
            .map(|i| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .chain([&self.header[i]])
                    .map(|c| c.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| {
            let s = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect::<Vec<_>>()
                .join("  ");
            format!("{}\n", s.trim_end())
        };
        let mut out = line(&self.header);
        for r in &self.rows {
            out.push_str(&line(r));
        }
        out
    }

    /// A GitHub-flavoured Markdown table.
    pub(crate) fn markdown(&self) -> String {
        let line = |cells: &[String]| {
            let inner: Vec<String> = cells.iter().map(|c| md_cell(c)).collect();
            format!("| {} |\n", inner.join(" | "))
        };
        let mut out = line(&self.header);
        out.push_str(&format!("|{}\n", "---|".repeat(self.header.len())));
        for r in &self.rows {
            out.push_str(&line(r));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_in_words() {
        assert_eq!(prob_words(0.9612), "96%");
        assert_eq!(prob_words(0.9971), "99.7%");
        assert_eq!(prob_words(0.99991), ">99.9%");
        assert_eq!(prob_words(0.0004), "<0.1%");
        assert_eq!(prob_words(0.004), "0.4%");
        for bad in [f64::NAN, -0.5, 5.0, f64::INFINITY] {
            assert_eq!(prob_words(bad), "an undetermined");
        }
        assert_eq!(fixed(f64::NAN, 4), "n/a");
        assert_eq!(percent(f64::NAN, 3), "n/a");
        assert_eq!(significant(f64::NAN, 2), "n/a");
    }

    #[test]
    fn display_numbers() {
        assert_eq!(number(0.0373, None), "0.03730");
        assert_eq!(number(2.5e-9, None), "2.500e-9");
        assert_eq!(number(80_681.38, None), "80681");
        assert_eq!(number(1.5e8, None), "1.500e8");
        assert_eq!(number(0.0, None), "0");
        assert_eq!(number(0.123456, Some(2)), "0.12");
        assert_eq!(number(f64::INFINITY, Some(2)), "inf");
        assert_eq!(number(f64::NEG_INFINITY, None), "-inf");
        assert_eq!(number(f64::NAN, None), "n/a");
        assert_eq!(signed_number(0.25, None), "+0.2500");
        assert_eq!(signed_number(-0.25, Some(1)), "-0.2");
        assert_eq!(probability(1.0), "1.000");
        assert_eq!(level_percent(0.95), "95");
        assert_eq!(level_percent(0.9), "90");
        assert_eq!(level_percent(0.975), "97.5");
    }

    #[test]
    fn significant_digits() {
        assert_eq!(significant(0.0041234, 2), "0.0041");
        assert_eq!(significant(12.34, 2), "12");
        assert_eq!(significant(0.0, 2), "0");
    }

    #[test]
    fn tables_align_and_escape() {
        let mut t = Table::new(["a", "bb"]);
        t.row(vec!["xyz".into(), "1|2".into()]);
        assert_eq!(t.text(), "a    bb\nxyz  1|2\n");
        assert_eq!(t.markdown(), "| a | bb |\n|---|---|\n| xyz | 1\\|2 |\n");
    }
}
