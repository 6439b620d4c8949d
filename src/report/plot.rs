//! SVG plots of reports (feature `plot`): hand-written SVG 1.1, no
//! dependencies, viewable in any browser and embeddable in Markdown.
//!
//! * [`posterior_densities`]: each variant's posterior density, its
//!   credible interval a bar beneath;
//! * [`lift_density`]: the density of a variant's relative lift over the
//!   control, the area of `lift > 0` shaded and `P(lift > 0)` marked;
//! * [`slot_heat_map`]: rate per local weekday × hour;
//! * [`stopping_times`]: histogram of the look at which simulated
//!   replications stopped;
//! * [`rejection_by_looks`]: the false-positive rate (A/A) or power of
//!   simulated designs against their number of looks;
//! * [`monitoring`]: `P(treatment > control)` and the always-valid p-value
//!   look by look.
//!
//! Variant `i` is drawn in [`colour`]`(i)`; no two series of a plot share
//! a colour. The canvas grows to fit long labels (variant names, titles).
//!
//! # Example
//! ```
//! use postab::report::plot;
//! use postab::{counts, Experiment, Metric};
//!
//! let mut exp = Experiment::builder("launch-post")
//!     .variant("question", "Is your posting schedule too rigid? {link}")
//!     .variant("statement", "There is no single right way to run an account. {link}")
//!     .control("question")
//!     .build()?;
//! exp.add_counts("question", counts! { impressions: 12_400, clicks: 310 })?;
//! exp.add_counts("statement", counts! { impressions: 12_000, clicks: 352 })?;
//! let analysis = exp.analyze(&Metric::click_through())?;
//! let svg = plot::posterior_densities(&analysis)?;
//! assert!(svg.starts_with("<svg") && svg.contains(&plot::colour(1)));
//! let lift = plot::lift_density(&analysis, "statement")?;
//! assert!(lift.contains("P(lift &gt; 0)"));
//! # Ok::<(), postab::Error>(())
//! ```

use std::fmt::Write as _;

use super::{MonitoringReport, SlotReport};
use crate::analysis::{Analysis, FittedPosterior, Model, VariantAnalysis};
use crate::bayes::Posterior;
use crate::error::{Error, Result};
use crate::numeric::quad::panel_rule;
use crate::schedule::SlotLabel;
use crate::sim::SimulationReport;

/// The first eight series colours, in variant order; [`colour`] continues
/// with generated colours after them.
pub const PALETTE: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
];

/// Heat-map colour of the lowest rate.
pub const HEAT_LOW: &str = "#f7fbff";
/// Heat-map colour of the highest rate.
pub const HEAT_HIGH: &str = "#08306b";
/// Heat-map colour of a slot without data.
pub const HEAT_EMPTY: &str = "#e0e0e0";

/// Colour of reference lines (the zero of a lift, a test's α) and axes.
const GREY: &str = "#555555";
/// Outline of the heat map's most likely best slot.
const BEST: &str = "#d62728";

fn undefined(reason: &str) -> Error {
    Error::Undefined {
        statistic: "plot",
        reason: reason.to_string(),
    }
}

/// The colour (`#rrggbb`) of series `i`: [`PALETTE`]`[i]` for the first
/// eight, then colours of hues a golden angle apart at three lightnesses.
/// The first 24 differ by at least 40 (of 255) in some channel, and no two
/// of the first 990 are equal, so the series of a plot do not share a
/// colour.
pub fn colour(i: usize) -> String {
    if let Some(c) = PALETTE.get(i) {
        return (*c).to_string();
    }
    let k = i - PALETTE.len();
    let hue = (k as f64 * 137.507_764 + 240.0).rem_euclid(360.0);
    hsl(hue, 0.7, [0.4, 0.6, 0.25][k % 3])
}

/// `#rrggbb` of a colour given as hue (degrees), saturation and lightness.
fn hsl(h: f64, s: f64, l: f64) -> String {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let hp = h / 60.0;
    let x = c * (1.0 - (hp.rem_euclid(2.0) - 1.0).abs());
    let (r, g, b) = match hp as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    let byte = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    format!("#{:02x}{:02x}{:02x}", byte(r), byte(g), byte(b))
}

/// Canvas width without long labels; it grows to fit them.
const WIDTH: f64 = 720.0;
/// Canvas height without a long legend; it grows to fit one.
const HEIGHT: f64 = 400.0;
const LEFT: f64 = 70.0;
/// Width of the plot area (it grows with a long title or x label).
const PLOT_WIDTH: f64 = WIDTH - LEFT - MIN_RIGHT;
/// Room right of the plot area without a legend that needs more.
const MIN_RIGHT: f64 = 170.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 50.0;
const POINTS: usize = 300;
const FONT: f64 = 12.0;
const TITLE_FONT: f64 = 15.0;
/// Space kept free between text and the canvas edge.
const MARGIN: f64 = 10.0;
/// Legend: swatch offset from the plot area and text offset from the swatch.
const LEGEND_GAP: f64 = 15.0;
const LEGEND_TEXT: f64 = 20.0;

/// A generous estimate of the width of `s` set in a sans-serif font of
/// `size` pixels (per-character widths at or above DejaVu Sans and Arial).
fn text_width(s: &str, size: f64) -> f64 {
    let em: f64 = s
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' => 0.34,
            'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' | 'I' | '/' => 0.45,
            'm' | 'w' | 'M' | 'W' | '%' | '@' | '—' => 1.0,
            c if c.is_ascii_uppercase() => 0.8,
            c if c.is_ascii() => 0.65,
            // Greek, arrows, CJK, emoji: assume a full em.
            _ => 1.0,
        })
        .sum();
    em * size
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Spacing of legend entries.
const LEGEND_ROW: f64 = 20.0;

/// The canvas height that fits a legend of `entries` entries.
fn canvas_height(entries: usize) -> f64 {
    HEIGHT.max(TOP + 10.0 + LEGEND_ROW * entries.saturating_sub(1) as f64 + MARGIN)
}

/// The texts around a chart, known before drawing so that the canvas can
/// be made wide enough for them.
struct Labels<'a> {
    title: &'a str,
    x: &'a str,
    y: &'a str,
    legend: Vec<(String, String)>,
}

/// A chart area mapping data coordinates to pixels.
struct Chart {
    svg: String,
    x: (f64, f64),
    y: (f64, f64),
    /// Width of the plot area.
    plot_width: f64,
    /// Canvas height.
    height: f64,
    x_label: String,
    y_label: String,
    legend: Vec<(String, String)>,
}

impl Chart {
    fn new(labels: Labels<'_>, x: (f64, f64), y: (f64, f64)) -> Self {
        let legend_width = labels
            .legend
            .iter()
            .map(|(name, _)| text_width(name, FONT))
            .fold(0.0, f64::max);
        let right = MIN_RIGHT.max(LEGEND_GAP + LEGEND_TEXT + legend_width + MARGIN);
        // The title is centred on the canvas, the x label on the plot area.
        let title = text_width(labels.title, TITLE_FONT) + 2.0 * MARGIN;
        let x_label = text_width(labels.x, FONT) + 2.0 * MARGIN;
        let plot_width = PLOT_WIDTH.max(x_label).max(title - LEFT - right);
        let width = (LEFT + plot_width + right).ceil();
        let height = canvas_height(labels.legend.len());
        let mut svg = String::new();
        let _ = write!(
            svg,
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="{FONT}"><rect width="100%" height="100%" fill="#ffffff"/><text x="{}" y="24" text-anchor="middle" font-size="{TITLE_FONT}">{}</text>"##,
            width / 2.0,
            esc(labels.title)
        );
        Self {
            svg,
            x,
            y,
            plot_width,
            height,
            x_label: labels.x.to_string(),
            y_label: labels.y.to_string(),
            legend: labels.legend,
        }
    }

    /// Right edge of the plot area in pixels.
    fn right(&self) -> f64 {
        LEFT + self.plot_width
    }

    fn px(&self, x: f64) -> f64 {
        LEFT + (x - self.x.0) / (self.x.1 - self.x.0) * self.plot_width
    }

    fn py(&self, y: f64) -> f64 {
        self.height - BOTTOM - (y - self.y.0) / (self.y.1 - self.y.0) * (self.height - TOP - BOTTOM)
    }

    fn points(&self, pts: impl IntoIterator<Item = (f64, f64)>) -> String {
        pts.into_iter()
            .map(|(x, y)| format!("{:.2},{:.2}", self.px(x), self.py(y)))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn line(&mut self, pts: &[(f64, f64)], colour: &str) {
        let p = self.points(pts.iter().copied());
        let _ = write!(
            self.svg,
            r#"<polyline points="{p}" fill="none" stroke="{colour}" stroke-width="2.5"/>"#
        );
    }

    /// The area under `pts` down to y = 0.
    fn area(&mut self, pts: &[(f64, f64)], colour: &str, opacity: f64) {
        let (Some(first), Some(last)) = (pts.first(), pts.last()) else {
            return;
        };
        let p = self.points(
            std::iter::once((first.0, 0.0))
                .chain(pts.iter().copied())
                .chain([(last.0, 0.0)]),
        );
        let _ = write!(
            self.svg,
            r#"<polygon points="{p}" fill="{colour}" fill-opacity="{opacity}" stroke="none"/>"#
        );
    }

    /// A horizontal segment in pixel coordinates.
    fn hsegment(&mut self, x0: f64, x1: f64, y: f64, colour: &str, thickness: f64) {
        let _ = write!(
            self.svg,
            r#"<line x1="{x0:.2}" y1="{y:.2}" x2="{x1:.2}" y2="{y:.2}" stroke="{colour}" stroke-width="{thickness:.2}"/>"#
        );
    }

    fn vline(&mut self, x: f64, colour: &str, dash: bool) {
        let (px, y0, y1) = (self.px(x), self.py(self.y.0), self.py(self.y.1));
        let dash = if dash {
            r#" stroke-dasharray="5,4""#
        } else {
            ""
        };
        let _ = write!(
            self.svg,
            r#"<line x1="{px:.2}" y1="{y0:.2}" x2="{px:.2}" y2="{y1:.2}" stroke="{colour}" stroke-width="1.5"{dash}/>"#
        );
    }

    fn text(&mut self, x: f64, y: f64, anchor: &str, s: &str) {
        let _ = write!(
            self.svg,
            r#"<text x="{x:.2}" y="{y:.2}" text-anchor="{anchor}">{}</text>"#,
            esc(s)
        );
    }

    /// The x label centred under the plot area.
    fn x_label(&mut self) {
        let label = std::mem::take(&mut self.x_label);
        self.text(
            LEFT + self.plot_width / 2.0,
            self.height - 12.0,
            "middle",
            &label,
        );
    }

    /// Both axes with x ticks, y ticks if `y_tick` is given, and the labels.
    fn axes(&mut self, x_tick: impl Fn(f64) -> String, y_tick: Option<&dyn Fn(f64) -> String>) {
        let (x0, x1, y0) = (self.px(self.x.0), self.px(self.x.1), self.py(self.y.0));
        let y1 = self.py(self.y.1);
        let _ = write!(
            self.svg,
            r##"<path d="M{x0:.2},{y1:.2} V{y0:.2} H{x1:.2}" fill="none" stroke="#333333"/>"##
        );
        for t in ticks(self.x.0, self.x.1) {
            let px = self.px(t);
            let _ = write!(
                self.svg,
                r##"<line x1="{px:.2}" y1="{y0:.2}" x2="{px:.2}" y2="{:.2}" stroke="#333333"/>"##,
                y0 + 5.0
            );
            self.text(px, y0 + 18.0, "middle", &x_tick(t));
        }
        if let Some(y_tick) = y_tick {
            for t in ticks(self.y.0, self.y.1) {
                let py = self.py(t);
                let _ = write!(
                    self.svg,
                    r##"<line x1="{:.2}" y1="{py:.2}" x2="{x0:.2}" y2="{py:.2}" stroke="#333333"/>"##,
                    x0 - 5.0
                );
                self.text(x0 - 8.0, py + 4.0, "end", &y_tick(t));
            }
        }
        self.x_label();
        let _ = write!(
            self.svg,
            r#"<text x="16" y="{:.2}" text-anchor="middle" transform="rotate(-90 16 {:.2})">{}</text>"#,
            (y0 + y1) / 2.0,
            (y0 + y1) / 2.0,
            esc(&self.y_label)
        );
    }

    fn finish(mut self) -> String {
        let x = self.right() + LEGEND_GAP;
        for (i, (name, colour)) in std::mem::take(&mut self.legend).iter().enumerate() {
            let y = TOP + 10.0 + LEGEND_ROW * i as f64;
            let _ = write!(
                self.svg,
                r##"<rect x="{x:.2}" y="{:.2}" width="14" height="10" fill="{colour}" stroke="#999999" stroke-width="0.5"/>"##,
                y - 9.0
            );
            self.text(x + LEGEND_TEXT, y, "start", name);
        }
        self.svg.push_str("</svg>\n");
        self.svg
    }
}

/// About five round tick positions in `[lo, hi]`.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return vec![lo];
    }
    let raw = span / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= 6.0)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

fn tick_text(t: f64, scale: f64, suffix: &str) -> String {
    let v = t * scale;
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{}{suffix}", if s == "-0" { "0" } else { s })
}

fn name(v: &VariantAnalysis) -> String {
    if v.label.is_empty() {
        v.id.clone()
    } else {
        v.label.clone()
    }
}

fn pdf(p: &FittedPosterior, x: f64) -> f64 {
    let d = match p {
        FittedPosterior::Beta(b) => b.ln_pdf(x).exp(),
        FittedPosterior::Gamma(g) => g.ln_pdf(x).exp(),
    };
    if d.is_finite() { d } else { 0.0 }
}

fn quantile(p: &FittedPosterior, q: f64) -> Result<f64> {
    match p {
        FittedPosterior::Beta(b) => b.quantile(q),
        FittedPosterior::Gamma(g) => g.quantile(q),
    }
}

fn grid(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| lo + (hi - lo) * i as f64 / (n - 1) as f64)
        .collect()
}

fn units(a: &Analysis) -> (f64, &'static str) {
    match a.model {
        Model::BetaBinomial => (100.0, "%"),
        _ => (1.0, ""),
    }
}

/// Each variant's posterior density of the rate in [`colour`]`(i)` for
/// variant `i`, and under the densities a strip with each variant's
/// credible interval as a bar of its colour (bars never overlap, so no
/// colours blend).
///
/// # Errors
/// [`Error::Undefined`] if a density cannot be drawn (a degenerate
/// posterior); errors of the posterior quantiles.
pub fn posterior_densities(a: &Analysis) -> Result<String> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in &a.variants {
        lo = lo.min(quantile(&v.posterior, 0.0005)?);
        hi = hi.max(quantile(&v.posterior, 0.9995)?);
    }
    let pad = 0.05 * (hi - lo);
    let (lo, hi) = ((lo - pad).max(0.0), hi + pad);
    let xs = grid(lo, hi, POINTS);
    let curves: Vec<Vec<(f64, f64)>> = a
        .variants
        .iter()
        .map(|v| xs.iter().map(|&x| (x, pdf(&v.posterior, x))).collect())
        .collect();
    let top = curves.iter().flatten().map(|p| p.1).fold(0.0, f64::max);
    if !(top.is_finite() && top > 0.0 && hi > lo) {
        return Err(undefined(
            "posterior density plot of a degenerate posterior",
        ));
    }
    // The interval strip: one row per variant below density 0.
    let n = a.variants.len().max(1) as f64;
    let row = (140.0 / n).min(12.0);
    let strip = row * n + 6.0;
    let area = canvas_height(a.variants.len()) - TOP - BOTTOM;
    let y1 = 1.08 * top;
    let y0 = -y1 * strip / (area - strip);
    let title = format!("{}: posterior of {}", a.experiment, a.metric);
    let x_label = format!(
        "{} = {} / {}; bars: {}% credible intervals",
        a.metric,
        a.numerator,
        a.denominator,
        tick_text(a.options.level, 100.0, "")
    );
    let colours: Vec<String> = (0..a.variants.len()).map(colour).collect();
    let legend = a
        .variants
        .iter()
        .zip(&colours)
        .map(|(v, c)| (name(v), c.clone()))
        .collect();
    let labels = Labels {
        title: &title,
        x: &x_label,
        y: "posterior density",
        legend,
    };
    let mut c = Chart::new(labels, (lo, hi), (y0, y1));
    let (left, right, zero) = (c.px(lo), c.px(hi), c.py(0.0));
    c.hsegment(left, right, zero, "#bbbbbb", 1.0);
    for (i, (v, col)) in a.variants.iter().zip(&colours).enumerate() {
        let ci = &v.credible_interval;
        let (x0, x1) = (c.px(ci.lower.max(lo)), c.px(ci.upper.min(hi)));
        let y = zero + 6.0 + row * (i as f64 + 0.5);
        c.hsegment(x0, x1, y, col, (0.6 * row).min(6.0));
    }
    for (curve, col) in curves.iter().zip(&colours) {
        c.line(curve, col);
    }
    let (scale, suffix) = units(a);
    c.axes(|t| tick_text(t, scale, suffix), None);
    Ok(c.finish())
}

/// Density of `(B − A)/A` at each `t`: `∫ x f_A(x) f_B((1 + t) x) dx`
/// over the central 1 − 2e-7 mass of the relatively narrower posterior.
fn lift_pdf<P: Posterior>(a: &P, b: &P, ts: &[f64]) -> Result<Vec<f64>> {
    // f(t) = ∫ x f_A(x) f_B((1 + t)x) dx = ∫ y/(1 + t)² f_A(y/(1 + t)) f_B(y) dy,
    // integrated over whichever posterior is narrower relative to its mean
    // (the other's density is then smooth on the nodes), by 12-point
    // Gauss–Legendre on 16 panels between its 1e-7 quantiles.
    let relative = |p: &P| p.std_dev() / p.mean();
    let over_a = relative(a) <= relative(b);
    let (narrow, other) = if over_a { (a, b) } else { (b, a) };
    let (lo, hi) = (narrow.quantile(1e-7)?, narrow.quantile(1.0 - 1e-7)?);
    let (kn, ko) = (narrow.ln_pdf_kernel(), other.ln_pdf_kernel());
    let rule = panel_rule();
    const PANELS: usize = 16;
    let width = (hi - lo) / PANELS as f64;
    let nodes: Vec<(f64, f64)> = (0..PANELS)
        .flat_map(|p| {
            let mid = lo + width * (p as f64 + 0.5);
            rule.nodes
                .iter()
                .zip(&rule.weights)
                .map(move |(&u, &w)| (mid + 0.5 * width * u, 0.5 * width * w))
        })
        .map(|(x, w)| (x, w * kn.eval(x).exp()))
        .collect();
    let finite = |d: f64| if d.is_finite() { d } else { 0.0 };
    Ok(ts
        .iter()
        .map(|&t| {
            let c = 1.0 + t;
            nodes
                .iter()
                .map(|&(x, w)| {
                    finite(if over_a {
                        x * w * ko.eval(c * x).exp()
                    } else {
                        x / (c * c) * w * ko.eval(x / c).exp()
                    })
                })
                .sum()
        })
        .collect())
}

/// The density of the relative lift `(rate_variant − rate_control) /
/// rate_control` of variant `id` over the control, the area of lift > 0
/// shaded and `P(lift > 0)` marked, in the variant's colour.
///
/// # Errors
/// [`Error::UnknownVariant`] if `id` is not a variant other than the
/// control; [`Error::Undefined`] when the lift density cannot be drawn.
pub fn lift_density(a: &Analysis, id: &str) -> Result<String> {
    let unknown = || Error::UnknownVariant { id: id.to_string() };
    let (i, v) = a
        .variants
        .iter()
        .enumerate()
        .find(|(_, v)| v.id == id)
        .ok_or_else(unknown)?;
    let vs = v.vs_control.as_ref().ok_or_else(unknown)?;
    let control = a
        .variants
        .iter()
        .find(|c| c.id == a.control)
        .ok_or_else(unknown)?;
    // The range: where B/A − 1 puts most of its mass, from the posteriors' quantiles.
    let q = |p: &FittedPosterior, x: f64| quantile(p, x);
    let lo = q(&v.posterior, 0.001)? / q(&control.posterior, 0.999)? - 1.0;
    let hi = q(&v.posterior, 0.999)? / q(&control.posterior, 0.001)? - 1.0;
    let lo = lo.max(-1.0 + 1e-9);
    if !(lo.is_finite() && hi.is_finite() && hi > lo) {
        return Err(undefined("lift density of a degenerate posterior"));
    }
    let ts = grid(lo, hi, POINTS);
    let ys = match (control.posterior, v.posterior) {
        (FittedPosterior::Beta(ca), FittedPosterior::Beta(vb)) => lift_pdf(&ca, &vb, &ts)?,
        (FittedPosterior::Gamma(ca), FittedPosterior::Gamma(vb)) => lift_pdf(&ca, &vb, &ts)?,
        _ => {
            return Err(undefined("lift of posteriors of different families"));
        }
    };
    let top = ys.iter().copied().fold(0.0, f64::max);
    if !(top.is_finite() && top > 0.0) {
        return Err(undefined("lift density of a degenerate posterior"));
    }
    let curve: Vec<(f64, f64)> = ts.iter().copied().zip(ys).collect();
    let title = format!(
        "{} vs {}: relative lift in {}",
        name(v),
        name(control),
        a.metric
    );
    let col = colour(i);
    let labels = Labels {
        title: &title,
        x: "relative lift over the control (shaded: lift > 0)",
        y: "posterior density",
        legend: vec![(name(v), col.clone())],
    };
    let mut c = Chart::new(labels, (lo, hi), (0.0, 1.08 * top));
    // The shaded area starts exactly at lift 0 (interpolated between grid points).
    let mut positive: Vec<(f64, f64)> = curve
        .windows(2)
        .find(|w| w[0].0 < 0.0 && w[1].0 >= 0.0)
        .map(|w| {
            let f = -w[0].0 / (w[1].0 - w[0].0);
            vec![(0.0, w[0].1 + f * (w[1].1 - w[0].1))]
        })
        .unwrap_or_default();
    positive.extend(curve.iter().copied().filter(|p| p.0 >= 0.0));
    c.area(&positive, &col, 0.3);
    c.line(&curve, &col);
    if lo < 0.0 && hi > 0.0 {
        c.vline(0.0, GREY, true);
    }
    // `P(lift > 0)` once, beside the zero line, on whichever side has room.
    let label = format!("P(lift > 0) = {:.3}", vs.prob_beats_control);
    let x = c.px(0.0f64.clamp(lo, hi));
    if x + 6.0 + text_width(&label, FONT) <= c.right() {
        c.text(x + 6.0, TOP + 16.0, "start", &label);
    } else {
        c.text(x - 6.0, TOP + 16.0, "end", &label);
    }
    c.axes(|t| tick_text(t, 100.0, "%"), None);
    Ok(c.finish())
}

/// The cell of a slot in the weekday × hour grid: `(row, hour)`, row 0-6
/// for Monday-Sunday or 0 for an hour of any day.
fn cell(label: &SlotLabel) -> Option<(usize, usize)> {
    match label {
        SlotLabel::HourOfWeek(d, h) => Some((d.num_days_from_monday() as usize, usize::from(*h))),
        SlotLabel::Hour(h) => Some((0, usize::from(*h))),
        _ => None,
    }
}

fn hex(c: &str) -> [f64; 3] {
    let v = |i: usize| {
        c.get(i..i + 2)
            .and_then(|s| u8::from_str_radix(s, 16).ok())
            .map_or(0.0, f64::from)
    };
    [v(1), v(3), v(5)]
}

/// Linear interpolation between two `#rrggbb` colours.
fn mix(lo: &str, hi: &str, t: f64) -> String {
    let (a, b) = (hex(lo), hex(hi));
    let t = t.clamp(0.0, 1.0);
    let c: Vec<u8> = (0..3)
        .map(|k| (a[k] + (b[k] - a[k]) * t).round() as u8)
        .collect();
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// A weekday × local-hour heat map of the slots' rates (hour-of-week
/// slots; hour-of-day slots give one row), from [`HEAT_LOW`] (lowest rate)
/// to [`HEAT_HIGH`] (highest), [`HEAT_EMPTY`] where there is no data; the
/// slot most likely best is outlined.
///
/// # Errors
/// [`Error::InvalidParameter`] for schemes other than hour of week or hour
/// of day.
pub fn slot_heat_map(r: &SlotReport) -> Result<String> {
    let cells: Vec<((usize, usize), f64)> = r
        .rates
        .iter()
        .filter_map(|s| cell(&s.label).map(|c| (c, s.rate)))
        .collect();
    if cells.len() != r.rates.len() {
        return Err(Error::InvalidParameter {
            name: "slot scheme",
            value: f64::NAN,
            expected: "hour-of-week or hour-of-day slots for a heat map",
        });
    }
    let week = r
        .rates
        .iter()
        .any(|s| matches!(s.label, SlotLabel::HourOfWeek(..)));
    let rows = if week { 7 } else { 1 };
    let (min, max) = cells
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |m, c| {
            (m.0.min(c.1), m.1.max(c.1))
        });
    let title = format!("{} by local hour ({})", r.metric, r.tz);
    let labels = Labels {
        title: &title,
        x: "local hour",
        y: "",
        legend: vec![
            (format!("lowest {:.3}%", 100.0 * min), HEAT_LOW.into()),
            (format!("highest {:.3}%", 100.0 * max), HEAT_HIGH.into()),
            ("no data".into(), HEAT_EMPTY.into()),
            ("most likely best".into(), BEST.into()),
        ],
    };
    let mut c = Chart::new(labels, (0.0, 24.0), (0.0, rows as f64));
    let (w, h) = (c.px(1.0) - c.px(0.0), c.py(0.0) - c.py(1.0));
    let best = r
        .prob_best
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .and_then(|(l, _)| cell(l));
    for row in 0..rows {
        for hour in 0..24 {
            let rate = cells.iter().find(|(k, _)| *k == (row, hour)).map(|c| c.1);
            let fill = match rate {
                Some(x) if max > min => mix(HEAT_LOW, HEAT_HIGH, (x - min) / (max - min)),
                Some(_) => HEAT_HIGH.to_string(),
                None => HEAT_EMPTY.to_string(),
            };
            let (x, y) = (c.px(hour as f64), c.py((rows - row) as f64));
            let _ = write!(
                c.svg,
                r##"<rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" fill="{fill}" stroke="#ffffff"/>"##
            );
        }
        let day = if week {
            ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][row]
        } else {
            "any day"
        };
        let y = c.py((rows - row) as f64 - 0.5) + 4.0;
        c.text(LEFT - 8.0, y, "end", day);
    }
    if let Some((row, hour)) = best {
        let (x, y) = (c.px(hour as f64), c.py((rows - row) as f64));
        let _ = write!(
            c.svg,
            r##"<rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" fill="none" stroke="{BEST}" stroke-width="3"/>"##
        );
    }
    let y0 = c.py(0.0);
    for hour in (0..=24).step_by(3) {
        c.text(
            c.px(hour as f64),
            y0 + 18.0,
            "middle",
            &format!("{hour:02}:00"),
        );
    }
    c.x_label();
    Ok(c.finish())
}

/// Histogram of the look at which the replications of a simulation ended
/// (bars in [`colour`]`(0)`).
///
/// # Errors
/// [`Error::Undefined`] when no replication was recorded.
pub fn stopping_times(r: &SimulationReport) -> Result<String> {
    let top = r.ended_at.iter().copied().max().unwrap_or(0);
    if top == 0 {
        return Err(undefined(
            "stopping-time histogram of a simulation without replications",
        ));
    }
    let n = r.ended_at.len() as f64;
    let title = format!(
        "Stopping times: {} replications, {} looks",
        r.replications, r.looks
    );
    let labels = Labels {
        title: &title,
        x: "look at which the replication ended",
        y: "replications",
        legend: vec![(format!("mean {:.1} looks", r.mean_looks()), colour(0))],
    };
    let mut c = Chart::new(labels, (0.5, n + 0.5), (0.0, 1.08 * top as f64));
    let w = (c.px(1.0) - c.px(0.0)) * 0.85;
    for (i, &count) in r.ended_at.iter().enumerate() {
        let x = c.px(i as f64 + 1.0) - w / 2.0;
        let (y, base) = (c.py(count as f64), c.py(0.0));
        let _ = write!(
            c.svg,
            r#"<rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{:.2}" fill="{}"/>"#,
            base - y,
            colour(0)
        );
    }
    c.axes(|t| tick_text(t, 1.0, ""), Some(&|t| tick_text(t, 1.0, "")));
    Ok(c.finish())
}

/// The rejection rate (false-positive rate for A/A scenarios, else the
/// share of replications declaring any winner) of simulations of the same
/// design with different numbers of looks, against the number of looks, in
/// [`colour`]`(1)` with ±2 standard-error whiskers.
///
/// # Errors
/// [`Error::TooFew`] with fewer than one simulation.
pub fn rejection_by_looks(reports: &[SimulationReport]) -> Result<String> {
    if reports.is_empty() {
        return Err(Error::TooFew {
            what: "simulations to plot",
            got: 0,
            min: 1,
        });
    }
    let mut pts: Vec<(f64, f64, f64)> = reports
        .iter()
        .map(|r| (r.looks as f64, r.rejection_rate(), r.rejection_rate_se()))
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (lo, hi) = (pts[0].0, pts[pts.len() - 1].0);
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 1.0, hi + 1.0)
    };
    let pad = 0.05 * (hi - lo);
    let top = pts.iter().map(|p| p.1 + 2.0 * p.2).fold(0.0, f64::max);
    let null = reports.iter().all(SimulationReport::is_null);
    let what = if null {
        "false-positive rate"
    } else {
        "rejection rate"
    };
    let title = format!("{what} against the number of looks");
    let labels = Labels {
        title: &title,
        x: "number of looks",
        y: what,
        legend: vec![(format!("{what} ± 2 s.e."), colour(1))],
    };
    let mut c = Chart::new(
        labels,
        (lo - pad, hi + pad),
        (0.0, (1.1 * top).clamp(0.01, 1.0)),
    );
    for &(x, y, se) in &pts {
        let (px, y0, y1) = (c.px(x), c.py((y - 2.0 * se).max(0.0)), c.py(y + 2.0 * se));
        let _ = write!(
            c.svg,
            r#"<line x1="{px:.2}" y1="{y0:.2}" x2="{px:.2}" y2="{y1:.2}" stroke="{}" stroke-width="1.5"/>"#,
            colour(1)
        );
    }
    let line: Vec<(f64, f64)> = pts.iter().map(|p| (p.0, p.1)).collect();
    c.line(&line, &colour(1));
    for &(x, y) in &line {
        let _ = write!(
            c.svg,
            r#"<circle cx="{:.2}" cy="{:.2}" r="4" fill="{}"/>"#,
            c.px(x),
            c.py(y),
            colour(1)
        );
    }
    c.axes(|t| tick_text(t, 1.0, ""), Some(&|t| tick_text(t, 1.0, "")));
    Ok(c.finish())
}

/// `P(treatment > control)` ([`colour`]`(0)`) and the running always-valid
/// p-value ([`colour`]`(1)`) at every look of a monitored test, with the
/// test's α dashed.
///
/// # Errors
/// [`Error::TooFew`] without looks.
pub fn monitoring(m: &MonitoringReport) -> Result<String> {
    if m.looks.is_empty() {
        return Err(Error::TooFew {
            what: "looks to plot",
            got: 0,
            min: 1,
        });
    }
    let n = m.looks.len() as f64;
    let title = format!(
        "{}: {} vs {} look by look",
        m.experiment, m.treatment, m.control
    );
    let alpha = m.monitor.test().alpha();
    let labels = Labels {
        title: &title,
        x: "look",
        y: "probability",
        legend: vec![
            (format!("P({} > {})", m.treatment, m.control), colour(0)),
            ("always-valid p-value".into(), colour(1)),
            (format!("α = {alpha}"), GREY.into()),
        ],
    };
    let mut c = Chart::new(labels, (0.5, n.max(1.5) + 0.5), (0.0, 1.0));
    let (x0, x1, ya) = (c.px(c.x.0), c.px(c.x.1), c.py(alpha));
    let _ = write!(
        c.svg,
        r##"<line x1="{x0:.2}" y1="{ya:.2}" x2="{x1:.2}" y2="{ya:.2}" stroke="{GREY}" stroke-dasharray="5,4"/>"##
    );
    let series = |f: &dyn Fn(&super::MonitoringLook) -> f64| -> Vec<(f64, f64)> {
        m.looks
            .iter()
            .enumerate()
            .map(|(i, l)| (i as f64 + 1.0, f(l)))
            .collect()
    };
    c.line(&series(&|l| l.prob_beats_control), &colour(0));
    c.line(&series(&|l| l.msprt.p_value), &colour(1));
    c.axes(|t| tick_text(t, 1.0, ""), Some(&|t| tick_text(t, 1.0, "")));
    Ok(c.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lift density against the derivative of the lift's distribution
    /// function (central difference of `prob_lift_above`), whichever
    /// posterior is the narrower one, and with one 10⁶ times narrower.
    #[test]
    fn lift_density_is_the_derivative_of_the_lift_distribution() {
        use crate::bayes::{BetaPosterior, prob_lift_above};
        let beta = |a: f64, b: f64| BetaPosterior::new(a, b).expect("valid");
        for (a, b) in [
            (beta(300.0, 19_700.0), beta(36.0, 1_964.0)),
            (beta(36.0, 1_964.0), beta(300.0, 19_700.0)),
            (beta(3e8, 1.97e10), beta(40.0, 1_960.0)),
            (beta(40.0, 1_960.0), beta(3e8, 1.97e10)),
        ] {
            let centre = b.mean() / a.mean() - 1.0;
            let sd = (a.std_dev() / a.mean()).hypot(b.std_dev() / b.mean());
            let ts = [centre - sd, centre, centre + 0.5 * sd];
            let pdf = lift_pdf(&a, &b, &ts).expect("density");
            for (&t, &d) in ts.iter().zip(&pdf) {
                let h = 1e-3 * sd;
                let above = |t: f64| prob_lift_above(&a, &b, t).expect("tail");
                let want = (above(t - h) - above(t + h)) / (2.0 * h);
                assert!(((d - want) / want).abs() < 1e-4, "t {t}: {d} vs {want}");
            }
        }
    }

    #[test]
    fn round_ticks() {
        assert_eq!(
            ticks(0.0, 1.0),
            vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
        );
        assert_eq!(ticks(1.0, 1.0), vec![1.0]);
        assert_eq!(tick_text(0.025, 100.0, "%"), "2.5%");
    }

    #[test]
    fn colour_mixing() {
        assert_eq!(mix(HEAT_LOW, HEAT_HIGH, 0.0), HEAT_LOW);
        assert_eq!(mix(HEAT_LOW, HEAT_HIGH, 1.0), HEAT_HIGH);
        assert_eq!(mix("#000000", "#ffffff", 0.5), "#808080");
    }
}
