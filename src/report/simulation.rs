//! Renderings of the simulation harness's [`SimulationReport`].

use std::fmt;

use super::format::{Table, fixed, percent, significant};
use super::{Body, Document, Render};
use crate::sim::SimulationReport;

fn summary(r: &SimulationReport) -> Table {
    let mut t = Table::new(["quantity", "value"]);
    let rates: Vec<String> = r.true_rates.iter().map(|p| percent(*p, 3)).collect();
    t.row(vec![
        "true rates (arm 0 = control)".into(),
        rates.join(", "),
    ]);
    t.row(vec![
        "replications × looks".into(),
        format!("{} × {}", r.replications, r.looks),
    ]);
    t.row(vec!["seed".into(), r.seed.to_string()]);
    let (name, value) = match (r.false_positive_rate(), r.power()) {
        (Some(fpr), _) => ("false-positive rate", fpr),
        (None, Some(power)) => ("power", power),
        (None, None) => ("rejection rate", r.rejection_rate()),
    };
    t.row(vec![
        name.into(),
        format!(
            "{} ± {} (1 s.e.)",
            fixed(value, 4),
            fixed(r.rejection_rate_se(), 4)
        ),
    ]);
    let winners: Vec<String> = r
        .winners
        .iter()
        .enumerate()
        .map(|(k, w)| format!("arm {k}: {w}"))
        .chain([format!("none: {}", r.no_winner)])
        .collect();
    t.row(vec!["winners".into(), winners.join(", ")]);
    t.row(vec![
        "stopped by the rule".into(),
        format!("{} of {}", r.stopped, r.replications),
    ]);
    t.row(vec![
        "looks: mean / median / 90%".into(),
        format!(
            "{} / {} / {}",
            fixed(r.mean_looks(), 2),
            r.looks_quantile(0.5),
            r.looks_quantile(0.9)
        ),
    ]);
    t.row(vec![
        "mean regret (successes)".into(),
        significant(r.mean_regret, 4),
    ]);
    t.row(vec![
        "mean impressions / successes".into(),
        format!(
            "{} / {}",
            fixed(r.mean_impressions, 1),
            fixed(r.mean_successes, 1)
        ),
    ]);
    t
}

fn stopping_times(r: &SimulationReport) -> Table {
    let mut t = Table::new(["look", "replications ended", "cumulative share"]);
    let mut acc: u64 = 0;
    for (i, &c) in r.ended_at.iter().enumerate().filter(|(_, c)| **c > 0) {
        acc = acc.saturating_add(c);
        t.row(vec![
            (i + 1).to_string(),
            c.to_string(),
            fixed(acc as f64 / r.replications.max(1) as f64, 3),
        ]);
    }
    t
}

fn verdict(r: &SimulationReport) -> String {
    match (r.false_positive_rate(), r.power()) {
        (Some(fpr), _) => format!(
            "With no true difference, this design declared a winner in {} of {} replications (false-positive rate).",
            percent(fpr, 1),
            r.replications
        ),
        (_, Some(power)) => format!(
            "This design found a truly best arm in {} of {} replications (power), after {} looks on average.",
            percent(power, 1),
            r.replications,
            fixed(r.mean_looks(), 1)
        ),
        _ => format!("{} replications.", r.replications),
    }
}

impl Render for SimulationReport {
    fn text(&self) -> String {
        format!("simulation\n{}{}\n", summary(self).text(), verdict(self))
    }

    fn markdown(&self) -> String {
        format!(
            "## Simulation\n\n{}\n\n{}\n### Stopping times\n\n{}",
            verdict(self),
            summary(self).markdown(),
            stopping_times(self).markdown()
        )
    }

    fn document(&self) -> Document {
        Document::new(Body::Simulation(self.clone()))
    }
}

/// The terminal text of [`Render::text`]: a summary table and a verdict.
impl fmt::Display for SimulationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}
