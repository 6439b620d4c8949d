//! Renderings of the simulation harness's [`SimulationReport`].

use super::format::{Table, significant};
use super::{Body, Document, Render};
use crate::sim::SimulationReport;

fn summary(r: &SimulationReport) -> Table {
    let mut t = Table::new(["quantity", "value"]);
    let rates: Vec<String> = r
        .true_rates
        .iter()
        .map(|p| format!("{:.3}%", 100.0 * p))
        .collect();
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
        format!("{value:.4} ± {:.4} (1 s.e.)", r.rejection_rate_se()),
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
            "{:.2} / {} / {}",
            r.mean_looks(),
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
        format!("{:.1} / {:.1}", r.mean_impressions, r.mean_successes),
    ]);
    t
}

fn stopping_times(r: &SimulationReport) -> Table {
    let mut t = Table::new(["look", "replications ended", "cumulative share"]);
    let mut acc = 0;
    for (i, &c) in r.ended_at.iter().enumerate().filter(|(_, c)| **c > 0) {
        acc += c;
        t.row(vec![
            (i + 1).to_string(),
            c.to_string(),
            format!("{:.3}", acc as f64 / r.replications.max(1) as f64),
        ]);
    }
    t
}

fn verdict(r: &SimulationReport) -> String {
    match (r.false_positive_rate(), r.power()) {
        (Some(fpr), _) => format!(
            "With no true difference, this design declared a winner in {:.1}% of {} replications (false-positive rate).",
            100.0 * fpr,
            r.replications
        ),
        (_, Some(power)) => format!(
            "This design found a truly best arm in {:.1}% of {} replications (power), after {:.1} looks on average.",
            100.0 * power,
            r.replications,
            r.mean_looks()
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
