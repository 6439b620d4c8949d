//! Property tests of the Bayesian engine over small, realistic and extreme counts.

use postab::bayes::{BetaPosterior, prob_beats, rank};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

/// 96 cases from a fixed seed, so that CI runs are reproducible.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 96,
        rng_seed: RngSeed::Fixed(20_261_126),
        ..ProptestConfig::default()
    }
}

/// (successes, trials) from 0/1 up to 10⁹ trials, all-zero and all-success included.
fn counts() -> impl Strategy<Value = (u64, u64)> {
    prop_oneof![
        (1u64..200).prop_flat_map(|n| (0..=n, Just(n))),
        (1u64..1_000_000_000).prop_flat_map(|n| (0..=n.min(5_000_000), Just(n))),
        (1u64..1_000_000_000).prop_map(|n| (0, n)),
        (1u64..100_000).prop_map(|n| (n, n)),
    ]
}

fn post((s, n): (u64, u64)) -> BetaPosterior {
    BetaPosterior::from_counts(s, n).expect("s <= n")
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn beat_probabilities_are_complementary(a in counts(), b in counts()) {
        let p = prob_beats(&post(a), &post(b));
        prop_assert!(p.b_beats_a.is_finite() && p.a_beats_b.is_finite());
        prop_assert!((0.0..=1.0).contains(&p.b_beats_a) && (0.0..=1.0).contains(&p.a_beats_b));
        prop_assert!((p.b_beats_a + p.a_beats_b - 1.0).abs() < 1e-12, "{p:?}");
    }

    #[test]
    fn beat_is_antisymmetric(a in counts(), b in counts()) {
        let ab = prob_beats(&post(a), &post(b));
        let ba = prob_beats(&post(b), &post(a));
        prop_assert!((ab.b_beats_a - ba.a_beats_b).abs() < 1e-12);
    }

    #[test]
    fn beat_is_monotone_in_successes((s, n) in counts(), a in counts(), extra in 1u64..50) {
        let s2 = (s + extra).min(n);
        let base = prob_beats(&post(a), &post((s, n))).b_beats_a;
        let more = prob_beats(&post(a), &post((s2, n))).b_beats_a;
        prop_assert!(more >= base - 1e-12, "{base} -> {more}");
    }

    #[test]
    fn prob_best_sums_to_one_and_follows_labels(arms in proptest::collection::vec(counts(), 2..6), rot in 0usize..5) {
        let ds: Vec<BetaPosterior> = arms.iter().copied().map(post).collect();
        let r = rank(&ds).expect("K >= 2");
        let total: f64 = r.prob_best.iter().sum();
        prop_assert!((total - 1.0).abs() < 1e-9, "sum {total}");
        prop_assert!(r.prob_best.iter().chain(&r.prob_worst).all(|p| p.is_finite() && (-1e-12..=1.0 + 1e-12).contains(p)));
        prop_assert!(r.expected_loss.iter().all(|l| l.is_finite() && *l >= 0.0));
        // Relabelling: rotating the input rotates the output.
        let k = ds.len();
        let shift = rot % k;
        let mut rotated = ds.clone();
        rotated.rotate_left(shift);
        let rr = rank(&rotated).expect("K >= 2");
        for i in 0..k {
            prop_assert!((rr.prob_best[i] - r.prob_best[(i + shift) % k]).abs() < 1e-9);
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// The one-pass expected loss equals the size-biasing identity
    /// `E[(A − B)⁺] = m_A P(A′ > B) − m_B P(A > B′)` evaluated with two
    /// independent `P(· > ·)` sums.
    #[test]
    fn expected_loss_matches_size_biasing(a in counts(), b in counts()) {
        let (pa, pb) = (post(a), post(b));
        let up = |p: &BetaPosterior| BetaPosterior::new(p.alpha() + 1.0, p.beta()).expect("valid");
        let (ma, mb) = (pa.alpha() / (pa.alpha() + pa.beta()), pb.alpha() / (pb.alpha() + pb.beta()));
        let choose_b = ma * prob_beats(&pb, &up(&pa)).b_beats_a - mb * prob_beats(&up(&pb), &pa).b_beats_a;
        let loss = postab::bayes::expected_loss(&pa, &pb);
        let scale = ma.max(mb);
        prop_assert!((loss.choose_b - choose_b.max(0.0)).abs() <= 1e-9 * choose_b.abs() + 1e-15 * scale,
            "{loss:?} vs {choose_b}");
        prop_assert!(loss.choose_a >= 0.0 && loss.choose_b >= 0.0);
        prop_assert!(((loss.choose_a - loss.choose_b) - (mb - ma)).abs() <= 1e-12 * scale);
    }
}
