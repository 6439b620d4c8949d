//! Renderings of an experiment's [`Analysis`].

use std::fmt;

use super::format::{Table, fixed, percent, prob_words, sci, signed, signed_percent, significant};
use super::{Body, Document, Render};
use crate::analysis::{Analysis, Model, VariantAnalysis};
use crate::design::{Design, UnitTest};
use crate::interval::Interval;
use crate::repeated::{OrderEffect, UnitOfAnalysis};

/// Posterior probability from which a comparison is called conclusive.
const CONCLUSIVE: f64 = 0.95;

/// A rate as a person reads it: a percentage for a rate of successes per
/// trial (`3.125%`), 4 significant digits for events per unit of exposure.
fn rate(a: &Analysis, x: f64) -> String {
    match a.model {
        Model::BetaBinomial => percent(x, 3),
        _ => significant(x, 4),
    }
}

/// An interval of rates, `[2.950%, 3.214%]`.
fn interval(a: &Analysis, i: &Interval) -> String {
    format!("[{}, {}]", rate(a, i.lower), rate(a, i.upper))
}

/// A difference or loss of rates, in the one unit that tables and
/// verdicts share: percentage points for a rate of successes per trial
/// (`0.065 pp`), events per unit of exposure otherwise (`0.0012`). The
/// JSON keeps raw fractions and names them in [`Analysis::rate_unit`].
fn points(a: &Analysis, x: f64) -> String {
    match a.model {
        Model::BetaBinomial => format!("{} pp", significant(100.0 * x, 2)),
        _ => significant(x, 2),
    }
}

/// The same amount in words for a verdict.
fn amount(a: &Analysis, x: f64) -> String {
    match a.model {
        Model::BetaBinomial => format!(
            "{} percentage points of {}",
            significant(100.0 * x, 2),
            a.metric
        ),
        _ => format!(
            "{} of {} ({} per unit of {})",
            significant(x, 2),
            a.metric,
            a.numerator,
            a.denominator
        ),
    }
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
            "Impression level only (post-to-post variation is not modelled for count-per-exposure metrics in paired designs, so this is over-confident for posts): {}",
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

/// The impression-level table, one row per variant: the same table in
/// text (`Display`) and Markdown.
fn table(a: &Analysis) -> Table {
    let level = percent(a.options.level, 0);
    let (ci_name, cmp) = match a.model {
        Model::BetaBinomial => ("Wilson", "difference"),
        _ => ("exact", "ratio"),
    };
    let mut t = Table::new([
        "variant".to_string(),
        a.denominator.clone(),
        a.numerator.clone(),
        "rate".into(),
        format!("{level} credible"),
        format!("{ci_name} {level}"),
        "P(best)".into(),
        "expected loss".into(),
        "P(> control)".into(),
        "lift".into(),
        format!("{cmp} {level} CI"),
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
            interval(a, &v.confidence_interval),
            fixed(v.prob_best, 4),
            points(a, v.expected_loss),
            c.map_or("control".into(), |c| fixed(c.prob_beats_control, 4)),
            c.map_or_else(dash, |c| {
                c.lift.map_or("n/a".into(), |l| signed_percent(l, 1))
            }),
            c.map_or_else(dash, |c| match (c.difference_interval, c.ratio_interval) {
                (Some(d), _) => format!(
                    "[{}, {}] pp",
                    signed(100.0 * d.lower, 3),
                    signed(100.0 * d.upper, 3)
                ),
                (None, Some(r)) => format!("[{}, {}]", fixed(r.lower, 3), fixed(r.upper, 3)),
                (None, None) => "n/a".into(),
            }),
            c.map_or_else(dash, |c| {
                format!("{} ({})", sci(c.p_value, 3), sci(c.adjusted_p_value, 3))
            }),
        ]);
    }
    t
}

/// Longest attribute value a table shows before cutting it with `…`.
const ATTRIBUTE_WIDTH: usize = 60;

/// What differs between the variants (their differing attributes), one
/// row per variant; `None` when nothing is known to differ.
fn differences(a: &Analysis) -> Option<Table> {
    let keys: std::collections::BTreeSet<&str> = a
        .variants
        .iter()
        .flat_map(|v| v.attributes.keys().map(String::as_str))
        .collect();
    if keys.is_empty() {
        return None;
    }
    let mut t = Table::new(std::iter::once("variant").chain(keys.iter().copied()));
    for v in &a.variants {
        let mut row = vec![name(v).to_string()];
        for k in &keys {
            let value = v.attributes.get(*k).map_or("none", String::as_str);
            row.push(if value.chars().count() > ATTRIBUTE_WIDTH {
                let cut: String = value.chars().take(ATTRIBUTE_WIDTH - 1).collect();
                format!("{cut}…")
            } else {
                value.to_string()
            });
        }
        t.row(row);
    }
    Some(t)
}

/// The sample-ratio and model notes under the table.
fn notes(a: &Analysis) -> [String; 2] {
    let srm = match &a.srm {
        Some(srm) => format!(
            "sample ratio check: chi-square p = {}{}",
            fixed(srm.p_value, 4),
            if srm.mismatch {
                "  << MISMATCH: traffic split differs from the plan (p < 0.001)"
            } else {
                " (ok)"
            }
        ),
        None => "sample ratio check: none (no split declared; impressions of separately published posts are not a randomised split)".into(),
    };
    let model = match a.model {
        Model::BetaBinomial => format!(
            "impression-level model: every impression an independent trial (post-to-post variation not modelled); Beta({}, {}) prior, exact posterior probabilities; two-sided pooled z-test vs control, {:?}-adjusted; Wilson and Newcombe intervals; differences and expected losses in percentage points (pp)",
            a.options.prior.alpha(),
            a.options.prior.beta(),
            a.options.correction
        ),
        _ => format!(
            "impression-level model: events Poisson per unit of exposure (post-to-post variation not modelled); Gamma({}, {}) prior (shape, rate), exact posterior probabilities; two-sided exact conditional Poisson test vs control, {:?}-adjusted; exact Poisson intervals; expected losses in {} per unit of {}",
            a.options.gamma_prior.shape(),
            a.options.gamma_prior.rate(),
            a.options.correction,
            a.numerator,
            a.denominator
        ),
    };
    [srm, model]
}

/// The design, the unit-level result (post designs) and the
/// impression-level table with its notes.
impl fmt::Display for Analysis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {} ({} / {}), control = {}",
            self.experiment, self.metric, self.numerator, self.denominator, self.control
        )?;
        writeln!(f, "design: {}", self.design)?;
        if let Some(line) = self.calibration_text() {
            writeln!(f, "{line}")?;
        }
        if let Some(t) = differences(self) {
            write!(f, "what differs between the variants:\n{}", t.text())?;
        }
        let post_design = self.design.unit() != UnitOfAnalysis::Impression;
        if !self.comparisons.is_empty() {
            writeln!(
                f,
                "{}-level comparison with {} (the result):",
                self.design.unit(),
                self.control
            )?;
            for c in &self.comparisons {
                writeln!(f, "  {c}")?;
            }
            writeln!(
                f,
                "impression-level figures, for comparison only (they treat every impression as an independent trial, which posts are not):"
            )?;
        } else if post_design {
            writeln!(
                f,
                "{}-level comparison: not available for count-per-exposure metrics in paired designs (the paired analysis is of rates per impression); the impression-level figures below do not model post-to-post variation:",
                self.design.unit()
            )?;
        }
        write!(f, "{}", table(self).text())?;
        let [srm, model] = notes(self);
        write!(f, "{srm}\n{model}")
    }
}

impl Render for Analysis {
    fn text(&self) -> String {
        format!("{self}\n{}\n", verdict(self).replace("**", ""))
    }

    fn markdown(&self) -> String {
        let mut out = format!(
            "## {}: {} ({} / {})\n\n**Design:** {}\n\n{}{}{}\n\n",
            self.experiment,
            self.metric,
            self.numerator,
            self.denominator,
            self.design,
            self.calibration_text()
                .map_or(String::new(), |c| format!("**History:** {c}\n\n")),
            differences(self).map_or(String::new(), |t| format!(
                "**What differs between the variants:**\n\n{}\n",
                t.markdown()
            )),
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
        for n in notes(self) {
            out.push_str(&format!("* {n}\n"));
        }
        out
    }

    fn document(&self) -> Document {
        Document::new(Body::Analysis(self.clone()))
    }
}
