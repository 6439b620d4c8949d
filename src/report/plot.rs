//! SVG plots of reports (feature `plot`): hand-written SVG 1.1, no
//! dependencies, viewable in any browser and embeddable in Markdown.
//!
//! * [`posterior_densities`]: each variant's posterior density, its
//!   credible interval shaded;
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
//! Variant `i` is drawn in [`colour`]`(i)`.
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
//! assert!(svg.starts_with("<svg") && svg.contains(plot::colour(1)));
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

/// Series colours, in variant order (repeating after eight).
pub const PALETTE: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
];

/// Heat-map colour of the lowest rate.
pub const HEAT_LOW: &str = "#f7fbff";
/// Heat-map colour of the highest rate.
pub const HEAT_HIGH: &str = "#08306b";
/// Heat-map colour of a slot without data.
pub const HEAT_EMPTY: &str = "#e0e0e0";

fn undefined(reason: &str) -> Error {
    Error::Undefined {
        statistic: "plot",
        reason: reason.to_string(),
    }
}

/// The colour of series `i`.
pub fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 400.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 170.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 50.0;
const POINTS: usize = 300;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A chart area mapping data coordinates to pixels.
struct Chart {
    svg: String,
    x: (f64, f64),
    y: (f64, f64),
}

impl Chart {
    fn new(title: &str, x: (f64, f64), y: (f64, f64)) -> Self {
        let mut svg = String::new();
        let _ = write!(
            svg,
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="#ffffff"/><text x="{}" y="24" text-anchor="middle" font-size="15">{}</text>"##,
            WIDTH / 2.0,
            esc(title)
        );
        Self { svg, x, y }
    }

    fn px(&self, x: f64) -> f64 {
        LEFT + (x - self.x.0) / (self.x.1 - self.x.0) * (WIDTH - LEFT - RIGHT)
    }

    fn py(&self, y: f64) -> f64 {
        HEIGHT - BOTTOM - (y - self.y.0) / (self.y.1 - self.y.0) * (HEIGHT - TOP - BOTTOM)
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

    fn axes(&mut self, x_label: &str, y_label: &str, x_tick: impl Fn(f64) -> String) {
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
        self.text((x0 + x1) / 2.0, HEIGHT - 12.0, "middle", x_label);
        let _ = write!(
            self.svg,
            r#"<text x="20" y="{:.2}" text-anchor="middle" transform="rotate(-90 20 {:.2})">{}</text>"#,
            (y0 + y1) / 2.0,
            (y0 + y1) / 2.0,
            esc(y_label)
        );
    }

    fn legend(&mut self, entries: &[(String, &str)]) {
        let x = WIDTH - RIGHT + 15.0;
        for (i, (name, colour)) in entries.iter().enumerate() {
            let y = TOP + 10.0 + 20.0 * i as f64;
            let _ = write!(
                self.svg,
                r##"<rect x="{x}" y="{:.2}" width="14" height="10" fill="{colour}" stroke="#999999" stroke-width="0.5"/>"##,
                y - 9.0
            );
            self.text(x + 20.0, y, "start", name);
        }
    }

    fn finish(mut self) -> String {
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

/// Each variant's posterior density of the rate, its credible interval
/// shaded, in [`colour`]`(i)` for variant `i`.
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
    let title = format!("{}: posterior of {}", a.experiment, a.metric);
    let mut c = Chart::new(&title, (lo, hi), (0.0, 1.08 * top));
    for (i, (v, curve)) in a.variants.iter().zip(&curves).enumerate() {
        let ci = &v.credible_interval;
        let mut band: Vec<(f64, f64)> = vec![(ci.lower, pdf(&v.posterior, ci.lower))];
        band.extend(
            curve
                .iter()
                .copied()
                .filter(|(x, _)| *x > ci.lower && *x < ci.upper),
        );
        band.push((ci.upper, pdf(&v.posterior, ci.upper)));
        c.area(&band, colour(i), 0.25);
    }
    for (i, curve) in curves.iter().enumerate() {
        c.line(curve, colour(i));
    }
    let (scale, suffix) = units(a);
    c.axes(
        &format!(
            "{} ({} per {}); shaded: {:.0}% credible interval",
            a.metric,
            a.numerator,
            a.denominator,
            100.0 * a.options.level
        ),
        "posterior density",
        |t| tick_text(t, scale, suffix),
    );
    let legend: Vec<(String, &str)> = a
        .variants
        .iter()
        .enumerate()
        .map(|(i, v)| (name(v), colour(i)))
        .collect();
    c.legend(&legend);
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
    let mut c = Chart::new(&title, (lo, hi), (0.0, 1.08 * top));
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
    c.area(&positive, colour(i), 0.3);
    c.line(&curve, colour(i));
    if lo < 0.0 && hi > 0.0 {
        c.vline(0.0, "#333333", true);
    }
    let label = format!("P(lift > 0) = {:.3}", vs.prob_beats_control);
    let x = c.px(0.0f64.clamp(lo, hi));
    c.text(x + 6.0, TOP + 16.0, "start", &label);
    c.axes("relative lift over the control", "posterior density", |t| {
        tick_text(t, 100.0, "%")
    });
    c.legend(&[(label, colour(i))]);
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
    let mut c = Chart::new(&title, (0.0, 24.0), (0.0, rows as f64));
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
            r##"<rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" fill="none" stroke="#d62728" stroke-width="3"/>"##
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
    c.text(WIDTH / 2.0 - 50.0, HEIGHT - 12.0, "middle", "local hour");
    c.legend(&[
        (format!("lowest {:.3}%", 100.0 * min), HEAT_LOW),
        (format!("highest {:.3}%", 100.0 * max), HEAT_HIGH),
        ("no data".into(), HEAT_EMPTY),
        ("most likely best".into(), "#d62728"),
    ]);
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
    let mut c = Chart::new(&title, (0.5, n + 0.5), (0.0, 1.08 * top as f64));
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
    c.axes("look at which the replication ended", "replications", |t| {
        tick_text(t, 1.0, "")
    });
    c.legend(&[(format!("mean {:.1} looks", r.mean_looks()), colour(0))]);
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
    let mut c = Chart::new(
        &format!("{what} against the number of looks"),
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
    c.line(&line, colour(1));
    for &(x, y) in &line {
        let _ = write!(
            c.svg,
            r#"<circle cx="{:.2}" cy="{:.2}" r="4" fill="{}"/>"#,
            c.px(x),
            c.py(y),
            colour(1)
        );
    }
    c.axes("number of looks", what, |t| tick_text(t, 1.0, ""));
    c.legend(&[(format!("{what} ± 2 s.e."), colour(1))]);
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
    let mut c = Chart::new(&title, (0.5, n.max(1.5) + 0.5), (0.0, 1.0));
    let alpha = m.monitor.test().alpha();
    let (x0, x1, ya) = (c.px(c.x.0), c.px(c.x.1), c.py(alpha));
    let _ = write!(
        c.svg,
        r##"<line x1="{x0:.2}" y1="{ya:.2}" x2="{x1:.2}" y2="{ya:.2}" stroke="#555555" stroke-dasharray="5,4"/>"##
    );
    let series = |f: &dyn Fn(&super::MonitoringLook) -> f64| -> Vec<(f64, f64)> {
        m.looks
            .iter()
            .enumerate()
            .map(|(i, l)| (i as f64 + 1.0, f(l)))
            .collect()
    };
    c.line(&series(&|l| l.prob_beats_control), colour(0));
    c.line(&series(&|l| l.msprt.p_value), colour(1));
    c.axes("look", "probability", |t| tick_text(t, 1.0, ""));
    c.legend(&[
        (format!("P({} > {})", m.treatment, m.control), colour(0)),
        ("always-valid p-value".into(), colour(1)),
        (format!("α = {alpha}"), "#555555"),
    ]);
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
