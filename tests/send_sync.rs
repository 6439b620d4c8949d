//! Every public data type can be shared between threads.

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn public_types_are_send_and_sync() {
    assert_send_sync::<postab::Experiment>();
    assert_send_sync::<postab::Tracker>();
    assert_send_sync::<postab::Counts>();
    assert_send_sync::<postab::Variant>();
    assert_send_sync::<postab::Metric>();
    assert_send_sync::<postab::Error>();
    assert_send_sync::<postab::analysis::Analysis>();
    assert_send_sync::<postab::bayes::BetaPosterior>();
    assert_send_sync::<postab::bayes::GammaPosterior>();
    assert_send_sync::<postab::bayes::NormalPosterior>();
    assert_send_sync::<postab::bayes::Ranking>();
    assert_send_sync::<postab::freq::ZTest>();
    assert_send_sync::<postab::sim::SimulationReport>();
    assert_send_sync::<postab::schedule::Slots>();
    assert_send_sync::<postab::Post>();
    assert_send_sync::<postab::ExperimentBuilder>();
    assert_send_sync::<postab::analysis::AnalysisOptions>();
    assert_send_sync::<postab::design::Design>();
    assert_send_sync::<postab::design::DesignChoice>();
    assert_send_sync::<postab::design::UnitComparison>();
    assert_send_sync::<postab::design::UnitTest>();
    assert_send_sync::<postab::design::StratifiedComparison>();
    assert_send_sync::<postab::repeated::AccountHistory>();
    assert_send_sync::<postab::repeated::HierarchicalPosterior>();
    assert_send_sync::<postab::repeated::LogRatioTest>();
    assert_send_sync::<postab::repeated::PostRatioComparison>();
    assert_send_sync::<postab::repeated::PostVariance>();
    assert_send_sync::<postab::repeated::Block>();
    assert_send_sync::<postab::repeated::PairedComparison>();
    assert_send_sync::<postab::repeated::PostPlan>();
    assert_send_sync::<postab::sim::PostSimulation>();
    assert_send_sync::<postab::sim::PostSimulationBuilder>();
    assert_send_sync::<postab::sim::PostSimulationReport>();
    assert_send_sync::<postab::sim::PostReplication>();
    assert_send_sync::<postab::sim::PostDesign>();
    assert_send_sync::<postab::schedule::SlotCounts>();
    assert_send_sync::<postab::import::Grouping<'static>>();
    #[cfg(feature = "csv")]
    {
        assert_send_sync::<postab::import::ExportTable>();
        assert_send_sync::<postab::import::ExportPost<'static>>();
        assert_send_sync::<postab::import::Grouping<'static, postab::import::ExportPost<'static>>>(
        );
    }
    assert_send_sync::<postab::report::Document>();
}

/// Issue 13: `add_counts` needed `&mut self`, so an `Arc<Experiment>` that
/// recorded events could not take a count top-up. Both now go through a
/// shared reference, from several threads at once, and nothing is lost.
#[test]
fn a_shared_experiment_takes_top_ups_and_events_from_threads() -> Result<(), postab::Error> {
    use postab::{Experiment, Outcome, counts};
    use std::sync::Arc;
    let exp = Arc::new(
        Experiment::builder("shared")
            .variant("a", "A")
            .variant("b", "B")
            .control("a")
            .build()?,
    );
    let at = "2026-11-24T08:00:00Z".parse().expect("time");
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let exp = Arc::clone(&exp);
            std::thread::spawn(move || -> Result<(), postab::Error> {
                for _ in 0..250 {
                    exp.add_counts("a", counts! { impressions: 10, clicks: 1 })?;
                    exp.record("b", Outcome::Click, at)?;
                }
                Ok(())
            })
        })
        .collect();
    for w in workers {
        w.join().expect("no panic")?;
    }
    assert_eq!(exp.added_counts("a")?.impressions(), 10_000);
    assert_eq!(exp.counts("a")?.clicks(), 1_000);
    assert_eq!(exp.counts("b")?.clicks(), 1_000);
    // Unknown ids are refused through the shared reference too.
    assert!(exp.add_counts("z", counts! { impressions: 1 }).is_err());
    Ok(())
}
