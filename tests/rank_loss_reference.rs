//! Expected losses of K ≥ 3 arms (`bayes::rank`) against mpmath
//! (`tests/data/rank-loss-mpmath.json`, made by
//! `tests/data/rank_loss_reference.py` at 30 digits, every `F_j` and
//! `S_j = 1 − F_j` integrated from its own tail), on the leader's loss
//! (highest mean, higher is better) and on the lowest arm's loss when lower
//! is better, from 2·10⁴ to 10⁹ trials. Tolerance: the leader's loss 1e-12
//! relative at every size, down to a loss of 1e-18 (a leader 8 standard
//! deviations ahead at 2·10⁸ trials; a zero-click arm at 10⁹ impressions),
//! measured worst 9.0e-13; the lowest arm's loss 2e-11, measured worst
//! 1.1e-12 (printed). The other arms' losses are the leader's plus the
//! difference of the means (checked to 1e-12 relative).

use postab::bayes::{BetaPosterior, Posterior, rank};

mod common;
use common::{num, rel};

#[test]
fn leader_losses_match_mpmath() -> Result<(), postab::Error> {
    let cases = common::document_cases("rank-loss-mpmath.json");
    assert!(cases.len() >= 6);
    let mut worst: f64 = 0.0;
    for c in &cases {
        let name = c["name"].as_str().expect("name");
        let arms = c["counts"]
            .as_array()
            .expect("counts")
            .iter()
            .map(|p| {
                BetaPosterior::from_counts(p[0].as_u64().expect("s"), p[1].as_u64().expect("n"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        assert!(arms.len() >= 3, "{name}");
        let r = rank(&arms)?;
        let (top, bottom) = (
            c["top"].as_u64().expect("top") as usize,
            c["bottom"].as_u64().expect("bottom") as usize,
        );
        for (got, want, what, tol) in [
            (
                r.expected_loss[top],
                num(&c["loss_top"]),
                "leader's loss",
                1e-12,
            ),
            (
                r.expected_loss_lower_better[bottom],
                num(&c["loss_bottom_lower_better"]),
                "lowest arm's loss, lower better",
                2e-11,
            ),
        ] {
            let e = rel(got, want);
            println!("{name} {what}: {got:e} vs {want:e} (relative {e:e})");
            assert!(
                e < tol,
                "{name} {what}: {got:e} vs {want:e} (relative {e:e})"
            );
            worst = worst.max(e);
        }
        for (k, arm) in arms
            .iter()
            .enumerate()
            .filter(|&(k, _)| k != top && k != bottom)
        {
            let want = num(&c["loss_top"]) + (arms[top].mean() - arm.mean());
            assert!(rel(r.expected_loss[k], want) < 1e-12, "{name} arm {k}");
            let want = num(&c["loss_bottom_lower_better"]) + (arm.mean() - arms[bottom].mean());
            assert!(
                rel(r.expected_loss_lower_better[k], want) < 1e-12,
                "{name} arm {k}"
            );
        }
    }
    println!("K-arm losses vs mpmath: worst relative error {worst:e}");
    Ok(())
}
