//! Renderings of an experiment's [`Analysis`].

use super::format::{Table, fixed, percent, prob_words, sci, signed, signed_percent, significant};
use super::{Body, Document, Render};
use crate::analysis::{Analysis, Model, VariantAnalysis};
use crate::design::{Design, UnitTest};
use crate::interval::Interval;
use crate::repeated::{OrderEffect, UnitOfAnalysis};

/// Posterior probability from which a comparison is called conclusive.
const CONCLUSIVE: f64 = 0.95;

/// An amount of the metric in words: percentage points for rates, raw
/// units per denominator for counts.
fn amount(a: &Analysis, x: f64) -> String {
    match a.model {
        Model::BetaBinomial => format!("{} points of {}", significant(100.0 * x, 2), a.metric),
        _ => format!(
            "{} of {} ({} per unit of {})",
            significant(x, 2),
            a.metric,
            a.numerator,
            a.denominator
        ),
    }
}

fn rate(a: &Analysis, x: f64) -> String {
    match a.model {
        Model::BetaBinomial => percent(x, 3),
        _ => significant(x, 4),
    }
}

fn interval(a: &Analysis, i: &Interval) -> String {
    format!("{} – {}", rate(a, i.lower), rate(a, i.upper))
}

fn name(v: &VariantAnalysis) -> &str {
    if v.label.is_empty() { &v.id } else { &v.label }
}

/// What a unit of the design is called in prose, singular and plural.
fn unit_words(a: &Analysis) -> (&'static str, &'static str) {
    match a.design.design {
        Design::PairedPosts => ("block", "blocks"),
        _ => ("post", "posts"),
    }
}

/// The label of variant `id` (its id when unknown).
fn label_of<'a>(a: &'a Analysis, id: &'a str) -> &'a str {
    a.variants.iter().find(|v| v.id == id).map_or(id, name)
}

/// The verdict of a post design, from its unit-level comparisons; the
/// impression-level figure follows, labelled.
fn unit_verdict(a: &Analysis) -> String {
    let control = label_of(a, &a.control);
    let (unit, units) = unit_words(a);
    let prior = if a.options.history.is_some() {
        "with the post-to-post variation of this account's history"
    } else {
        "with the post-to-post variation estimated from these posts and a default prior (no account history given)"
    };
    let mut out = Vec::new();
    for c in &a.comparisons {
        let variant = label_of(a, &c.variant);
        let b = &c.bayes;
        let inside = if a.design.design == Design::PairedPosts {
            format!("Compared inside each of {} {units}", c.control_units)
        } else {
            format!(
                "Over {} {} of {control} and {} of {variant}",
                c.control_units,
                if c.control_units == 1 { unit } else { units },
                c.variant_units
            )
        };
        let call = if b.prob_b_better >= CONCLUSIVE {
            format!("{variant} is better")
        } else if b.prob_a_better >= CONCLUSIVE {
            format!("{control} is better")
        } else {
            "not conclusive yet".to_string()
        };
        let mut sentence = format!(
            "{inside}, {prior}: P({variant} is better than {control} for the typical {unit}) = {}, typical rate ratio {} ({} credible {} to {}): {call}.",
            fixed(b.prob_b_better, 3),
            fixed(b.mean.exp(), 3),
            percent(a.options.level, 0),
            fixed(b.rate_ratio_credible_interval.lower, 3),
            fixed(b.rate_ratio_credible_interval.upper, 3),
        );
        match &c.test {
            Some(t) => {
                let test = t.test();
                let p = c.adjusted_p_value.unwrap_or(test.p_value);
                sentence.push_str(&format!(
                    " The {} test: rate ratio {} ({} confidence {} to {}), p = {}.",
                    match t {
                        UnitTest::Paired(_) => "paired",
                        UnitTest::Posts(_) => "post-level",
                    },
                    fixed(test.log_rate_ratio.exp(), 3),
                    percent(test.level, 0),
                    fixed(test.rate_ratio_interval.lower, 3),
                    fixed(test.rate_ratio_interval.upper, 3),
                    fixed(p, 3)
                ));
            }
            None => sentence.push_str(&format!(
                " With one {unit} on a side there is no spread between {units} to test against, so there is no frequentist test."
            )),
        }
        out.push(sentence);
    }
    if let Some(naive) = a.variants.iter().find_map(|v| v.vs_control.as_ref()) {
        out.push(format!(
            "For comparison only, the impression-level figures (every impression an independent trial, which posts are not) give P(better) = {} and p = {}.",
            fixed(naive.prob_beats_control, 4),
            sci(naive.p_value, 2)
        ));
    }
    out.join(" ")
}

/// The unit-level comparisons as a table.
fn unit_table(a: &Analysis) -> Table {
    let (_, units) = unit_words(a);
    let level = percent(a.options.level, 0);
    let mut t = Table::new([
        "variant".to_string(),
        format!("{units} (control / variant)"),
        "P(better)".into(),
        format!("{level} credible (rate ratio)"),
        "test: rate ratio".into(),
        format!("{level} confidence"),
        "p (adjusted)".into(),
        "order of publication".into(),
    ]);
    for c in &a.comparisons {
        let dash = || "–".to_string();
        let test = c.test.as_ref().map(|t| t.test());
        let b = &c.bayes;
        t.row(vec![
            label_of(a, &c.variant).to_string(),
            format!("{} / {}", c.control_units, c.variant_units),
            fixed(b.prob_b_better, 4),
            format!(
                "{} – {}",
                fixed(b.rate_ratio_credible_interval.lower, 3),
                fixed(b.rate_ratio_credible_interval.upper, 3)
            ),
            test.map_or_else(dash, |t| fixed(t.log_rate_ratio.exp(), 3)),
            test.map_or_else(dash, |t| {
                format!(
                    "{} – {}",
                    fixed(t.rate_ratio_interval.lower, 3),
                    fixed(t.rate_ratio_interval.upper, 3)
                )
            }),
            c.adjusted_p_value.map_or_else(dash, |p| sci(p, 3)),
            match &c.test {
                Some(UnitTest::Paired(p)) => match p.order {
                    OrderEffect::NotRecorded => "not recorded".into(),
                    OrderEffect::Adjusted {
                        a_first, b_first, ..
                    } => format!("adjusted ({a_first} control first, {b_first} variant first)"),
                    OrderEffect::Confounded { .. } => {
                        "**confounded**: the same variant always went first".into()
                    }
                },
                _ => dash(),
            },
        ]);
    }
    t
}

/// The plain-language verdict of an analysis, one paragraph.
pub(crate) fn verdict(a: &Analysis) -> String {
    if !a.comparisons.is_empty() {
        return unit_verdict(a);
    }
    if a.design.unit() != UnitOfAnalysis::Impression {
        return format!(
            "Impression level only (post-to-post variation is not modelled for count-per-exposure metrics, so this is over-confident for posts): {}",
            impression_verdict(a)
        );
    }
    impression_verdict(a)
}

/// The verdict from the impression-level figures.
fn impression_verdict(a: &Analysis) -> String {
    let Some(best) = a
        .variants
        .iter()
        .max_by(|x, y| x.prob_best.total_cmp(&y.prob_best))
    else {
        return "No variants to compare.".into();
    };
    let control = a.variants.iter().find(|v| v.id == a.control);
    let control_name = control.map_or(a.control.as_str(), name);
    let k = a.variants.len();
    let mut out = match &best.vs_control {
        Some(c) => {
            let lead = if k == 2 {
                format!(
                    "{} beats {} with {} probability",
                    name(best),
                    control_name,
                    prob_words(c.prob_beats_control)
                )
            } else {
                format!(
                    "{} is the best of {k} variants with {} probability and beats {} (control) with {} probability",
                    name(best),
                    prob_words(best.prob_best),
                    control_name,
                    prob_words(c.prob_beats_control)
                )
            };
            let lead = if c.prob_beats_control >= CONCLUSIVE {
                lead
            } else {
                format!("Not yet conclusive: {lead}")
            };
            format!(
                "{lead}; choosing it risks losing {} on average.",
                amount(a, best.expected_loss)
            )
        }
        None => {
            let challenger = a
                .variants
                .iter()
                .filter_map(|v| v.vs_control.as_ref().map(|c| (v, c)))
                .max_by(|x, y| x.1.prob_beats_control.total_cmp(&y.1.prob_beats_control));
            let against = challenger.map_or(String::new(), |(v, c)| {
                format!(
                    "; the strongest challenger, {}, beats it with {} probability",
                    name(v),
                    prob_words(c.prob_beats_control)
                )
            });
            format!(
                "{} (control) stays ahead: it is the best with {} probability{against}. Keeping it risks losing {} on average.",
                name(best),
                prob_words(best.prob_best),
                amount(a, best.expected_loss)
            )
        }
    };
    if let Some(srm) = a.srm.as_ref().filter(|s| s.mismatch) {
        out.push_str(&format!(
            " **Warning:** the traffic split differs from the plan (sample ratio mismatch, p = {}); check the allocation before trusting the comparison.",
            sci(srm.p_value, 2)
        ));
    }
    out
}

fn table(a: &Analysis) -> Table {
    let level = percent(a.options.level, 0);
    let cmp = match a.model {
        Model::BetaBinomial => format!("difference {level} CI"),
        _ => format!("ratio {level} CI"),
    };
    let mut t = Table::new([
        "variant".to_string(),
        a.denominator.clone(),
        a.numerator.clone(),
        "rate".into(),
        format!("{level} credible"),
        "P(best)".into(),
        "expected loss".into(),
        "P(> control)".into(),
        "lift".into(),
        cmp,
        "p (adjusted)".into(),
    ]);
    for v in &a.variants {
        let c = v.vs_control.as_ref();
        let dash = || "–".to_string();
        t.row(vec![
            name(v).to_string(),
            v.denominator.to_string(),
            v.numerator.to_string(),
            rate(a, v.rate),
            interval(a, &v.credible_interval),
            fixed(v.prob_best, 4),
            sci(v.expected_loss, 2),
            c.map_or("control".into(), |c| fixed(c.prob_beats_control, 4)),
            c.map_or_else(dash, |c| {
                c.lift.map_or("n/a".into(), |l| signed_percent(l, 1))
            }),
            c.map_or_else(dash, |c| match (c.difference_interval, c.ratio_interval) {
                (Some(d), _) => format!(
                    "{} – {} pp",
                    signed(100.0 * d.lower, 3),
                    signed(100.0 * d.upper, 3)
                ),
                (None, Some(r)) => format!("{} – {}", fixed(r.lower, 3), fixed(r.upper, 3)),
                (None, None) => "n/a".into(),
            }),
            c.map_or_else(dash, |c| sci(c.adjusted_p_value, 3)),
        ]);
    }
    t
}

impl Render for Analysis {
    fn text(&self) -> String {
        format!("{self}\n{}\n", verdict(self).replace("**", ""))
    }

    fn markdown(&self) -> String {
        // The model and sample-ratio notes are the last two lines of the
        // `Display` table, kept in one place.
        let display = self.to_string();
        let notes: Vec<&str> = display.lines().rev().take(2).collect();
        let mut out = format!(
            "## {}: {} ({} / {})\n\n**Design:** {}\n\n{}{}\n\n",
            self.experiment,
            self.metric,
            self.numerator,
            self.denominator,
            self.design,
            self.calibration_text()
                .map_or(String::new(), |c| format!("**History:** {c}\n\n")),
            verdict(self),
        );
        if !self.comparisons.is_empty() {
            out.push_str(&format!(
                "### {}-level comparison with {} (the result)\n\n{}\n### Impression-level figures (for comparison only)\n\n",
                self.design.unit(),
                label_of(self, &self.control),
                unit_table(self).markdown()
            ));
        }
        out.push_str(&table(self).markdown());
        out.push('\n');
        for n in notes.iter().rev() {
            out.push_str(&format!("* {n}\n"));
        }
        out
    }

    fn document(&self) -> Document {
        Document::new(Body::Analysis(self.clone()))
    }
}
