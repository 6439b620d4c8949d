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
    assert_send_sync::<postab::report::Document>();
}
