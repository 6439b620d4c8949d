//! Does "Check out our latest post on ..." help, or is the bare link better?
//!
//! An account posts its articles either with a call to action ("Check out our
//! latest post on XYZ: [link]") or without ("XYZ: [link]"). After a month the
//! analytics show more clicks without the call to action. This example walks
//! through the Bayesian answer: posteriors, the relative lift with its
//! credible interval, the expected loss of each choice, and a decision.
//!
//! Run with `cargo run --example call_to_action`.

use postab::bayes::{
    BetaPrior, Decision, DecisionRule, Posterior, decide, expected_loss, fit_beta_prior,
    lift_interval, prob_beats, prob_lift_above,
};

fn main() -> Result<(), postab::Error> {
    // link clicks / impressions over a month
    let (cta_clicks, cta_impr) = (1_184, 61_250);
    let (bare_clicks, bare_impr) = (1_391, 60_880);

    // The account's history gives an informative prior (Beta–Binomial ML fit
    // over past posts' clicks / impressions).
    let history = [
        (210, 11_800),
        (95, 6_400),
        (330, 15_200),
        (150, 9_900),
        (260, 12_700),
        (120, 7_300),
        (180, 10_050),
    ];
    let prior = fit_beta_prior(&history)?;
    println!(
        "prior fitted to {} past posts: Beta({:.1}, {:.1}), mean click-through {:.2}%",
        history.len(),
        prior.alpha(),
        prior.beta(),
        100.0 * prior.alpha() / (prior.alpha() + prior.beta())
    );

    for (name, prior) in [
        ("uniform prior Beta(1, 1)", BetaPrior::uniform()),
        ("history prior", prior),
    ] {
        let cta = prior.update(cta_clicks, cta_impr)?;
        let bare = prior.update(bare_clicks, bare_impr)?;
        println!("\n== {name}");
        for (label, p) in [("with call to action", &cta), ("bare link", &bare)] {
            let ci = p.credible_interval(0.95)?;
            println!(
                "  {label:<20} Beta({:.0}, {:.0})  mean {:.3}%  95% CrI [{:.3}%, {:.3}%]",
                p.alpha(),
                p.beta(),
                100.0 * p.mean(),
                100.0 * ci.lower,
                100.0 * ci.upper
            );
        }
        let beat = prob_beats(&cta, &bare);
        let lift = lift_interval(&cta, &bare, 0.95)?;
        println!(
            "  P(bare link beats call to action) = {:.5}",
            beat.b_beats_a
        );
        println!(
            "  relative lift of the bare link: 95% CrI [{:+.1}%, {:+.1}%], P(lift > +5%) = {:.3}",
            100.0 * lift.lower,
            100.0 * lift.upper,
            prob_lift_above(&cta, &bare, 0.05)?
        );
        let loss = expected_loss(&cta, &bare);
        println!(
            "  expected loss: keep the call to action {:.4} pp, drop it {:.1e} pp",
            100.0 * loss.choose_a,
            100.0 * loss.choose_b
        );
        // Stop when the leader risks less than 0.01 percentage points.
        let rule = DecisionRule::new(1e-4)?.with_rope(0.02)?;
        match decide(&[cta, bare], 0, &rule)? {
            Decision::Ship {
                variant,
                expected_loss,
                ..
            } => println!(
                "  decision: ship {} (expected loss {:.1e} pp is below the 0.01 pp you care about)",
                ["the call to action", "the bare link"][variant],
                100.0 * expected_loss
            ),
            Decision::Equivalent { prob_within_rope } => {
                println!("  decision: equivalent within ±2% (probability {prob_within_rope:.3})")
            }
            Decision::KeepRunning {
                leader,
                expected_loss,
                ..
            } => println!(
                "  decision: keep running; leader {leader} still risks {:.4} pp",
                100.0 * expected_loss
            ),
            _ => println!("  decision: (unknown)"),
        }
    }
    Ok(())
}
