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
}
