//! The crate's promise, checked by a seeded random driver: every public
//! constructor and analysis, fed edge values (0, 1, 2⁵³, `u64::MAX`, NaN, ±∞,
//! subnormals, 10^±300, empty/duplicate/huge names, 1–200 variants, levels 0
//! and 1, DST gaps, `DateTime::MIN_UTC`/`MAX_UTC`; posts of unknown variants,
//! duplicate post ids, blocks of one variant or two posts of one variant,
//! missing publication times, 1 to 10¹² trials a post, account histories of
//! 0–2,000 posts), either returns a typed error or a value that keeps its
//! invariants:
//!
//! * no panic;
//! * probabilities and p-values finite and in [0, 1]; `P(best)` sums to 1
//!   within 1e-12, and so do `P(B better) + P(A better)` of the unit-level
//!   comparisons; losses finite and ≥ 0 (`+∞` where documented);
//! * intervals inside their parameter's range with `lower ≤ upper`;
//! * every call within a time bound (`FUZZ_BUDGET_MS`, 1,000 ms by default
//!   here, where the test profile is barely optimised and the machine shared;
//!   the long run below uses 100 ms in release);
//! * what serialises reads back (JSON; the new post-level types read back
//!   equal), and what deserialises was validated.
//!
//! An invariant a library bug still breaks is excused where it is checked,
//! marked `// FINDING:` with a reproducer (none at present).
//!
//! `cargo test` runs a fixed-seed sweep of moderate size. The long run:
//!
//! ```text
//! FUZZ_CALLS=1000000 FUZZ_BUDGET_MS=100 FUZZ_SEED=7 \
//!   cargo test --release --test api_fuzz -- --ignored --nocapture
//! ```

use std::fmt::Debug;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use postab::analysis::{Analysis, AnalysisOptions};
use postab::bandit::{
    EpsilonGreedy, FixedSplit, Policy, ThompsonBeta, ThompsonGamma, TopTwoThompson, Ucb1,
};
use postab::bayes::{
    self, BetaPosterior, BetaPrior, DecisionRule, GammaPosterior, GammaPrior, NormalPosterior,
    Posterior,
};
use postab::design::{Design, DesignSource, UnitTest};
use postab::freq::{
    self, Alternative, Correction, DifferenceCiMethod, Mde, PoissonTestMethod, Proportion,
    ProportionCiMethod, RateCount, RateRatioCiMethod, SampleSizeFormula, SampleSummary,
    StratifiedTables, TestDesign, ZTestOptions,
};
use postab::numeric;
use postab::repeated::{
    AccountHistory, Block, HierarchicalPosterior, LogRatioTest, MAX_PLANNED_POSTS,
    MIN_HISTORY_POSTS, Order, PairedComparison, PostPlan, PostRatioComparison, PostVariance,
    UnitOfAnalysis, paired_bayes, paired_test, post_bayes, post_ratio_test, post_ratio_test_with,
};
use postab::report::{Document, Render};
use postab::schedule::{Slots, UtcOffsets};
use postab::sequential::{GroupSequential, Msprt, MsprtMonitor, SpendingFunction, Tally};
use postab::sim::{ExpectedLossRule, FixedHorizon, Simulation, SimulationReport};
use postab::sim::{
    MAX_POST_IMPRESSIONS, PostDesign, PostSimulation, PostSimulationReport, PublicationOrder,
};
use postab::{Counts, Experiment, Interval, Metric, Outcome, Post};

// ---------------------------------------------------------------------------
// The driver
// ---------------------------------------------------------------------------

/// A fuzz target and its weight in the sweep.
type Target = (fn(&mut Fuzz), u32);

struct Fuzz {
    rng: Xoshiro256PlusPlus,
    /// The call in progress, for the watchdog.
    current: Arc<Mutex<(Instant, String)>>,
    budget: Duration,
    calls: u64,
    findings: Vec<String>,
    slowest: (Duration, String),
}

/// What a call's result must satisfy; `Err` carries the broken invariant.
type Check = std::result::Result<(), String>;

impl Fuzz {
    fn new(seed: u64, budget: Duration) -> Self {
        let current = Arc::new(Mutex::new((Instant::now(), String::new())));
        watchdog(Arc::clone(&current), budget * 20);
        Fuzz {
            current,
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
            budget,
            calls: 0,
            findings: Vec::new(),
            slowest: (Duration::ZERO, String::new()),
        }
    }

    /// Runs `f` (described by `what`), catching panics, timing it and checking
    /// its result with `check`.
    fn call<T>(
        &mut self,
        what: impl Fn() -> String,
        f: impl FnOnce() -> T,
        check: impl FnOnce(&T) -> Check,
    ) -> Option<T> {
        self.calls += 1;
        let start = Instant::now();
        if let Ok(mut c) = self.current.lock() {
            *c = (start, what());
        }
        let out = catch_unwind(AssertUnwindSafe(f));
        let took = start.elapsed();
        if let Ok(mut c) = self.current.lock() {
            c.1.clear();
        }
        if took > self.slowest.0 {
            self.slowest = (took, what());
        }
        if took > self.budget {
            self.finding(format!("slow ({took:?}): {}", what()));
        }
        match out {
            Err(e) => {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                self.finding(format!("panic {msg:?}: {}", what()));
                None
            }
            Ok(v) => {
                if let Err(broken) = check(&v) {
                    self.finding(format!("{broken}: {}", what()));
                }
                Some(v)
            }
        }
    }

    fn finding(&mut self, s: String) {
        if self.findings.len() < 200 {
            self.findings.push(short(&s));
        }
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.rng.random_range(0..xs.len())]
    }

    fn coin(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    /// Any float: edge values, log-uniform magnitudes, unit-interval values.
    fn f64(&mut self) -> f64 {
        match self.rng.random_range(0..10) {
            0..=3 => self.pick(EDGE_F64),
            4..=6 => {
                let x = 10f64.powf(self.rng.random_range(-12.0..12.0));
                if self.coin(0.1) { -x } else { x }
            }
            _ => self.rng.random::<f64>(),
        }
    }

    /// A shape or scale parameter: mostly positive, log-uniform over
    /// [1e-3, 1e10], sometimes an edge value.
    fn shape(&mut self) -> f64 {
        if self.coin(0.7) {
            10f64.powf(self.rng.random_range(-3.0..10.0))
        } else {
            self.f64()
        }
    }

    /// A level or probability: the usual ones, the edges, anything.
    fn level(&mut self) -> f64 {
        if self.coin(0.6) {
            self.pick(&[
                0.5,
                0.8,
                0.9,
                0.95,
                0.99,
                0.999,
                1e-6,
                0.05,
                0.01,
                1.0 - 1e-12,
            ])
        } else {
            self.f64()
        }
    }

    /// Any count: edge values or log-uniform in [1, 10^12].
    fn u64(&mut self) -> u64 {
        if self.coin(0.3) {
            self.pick(EDGE_U64)
        } else {
            10f64.powf(self.rng.random_range(0.0..12.0)) as u64
        }
    }

    /// `(successes, trials)`, mostly valid.
    fn counts(&mut self) -> (u64, u64) {
        let n = self.u64();
        let s = match self.rng.random_range(0..10) {
            0 => 0,
            1 => n,
            2 => n.saturating_add(1),
            3 => self.u64(),
            _ => (n as f64 * self.rng.random::<f64>().powi(3)) as u64,
        };
        (s, n)
    }

    fn time(&mut self) -> DateTime<Utc> {
        match self.rng.random_range(0..6) {
            0 => self.pick(&[
                DateTime::<Utc>::MIN_UTC,
                DateTime::<Utc>::MAX_UTC,
                DateTime::UNIX_EPOCH,
            ]),
            1 => {
                // around the 2026 spring-forward and autumn-back transitions
                let base = self.pick(&[1_774_746_000i64, 1_792_890_000]);
                let secs = base + self.rng.random_range(-7_200..7_200);
                Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
            }
            2 => {
                let secs = self
                    .rng
                    .random_range(-8_334_601_228_800i64..8_210_266_876_799);
                Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
            }
            _ => {
                let secs = self.rng.random_range(1_600_000_000i64..1_900_000_000);
                Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
            }
        }
    }

    fn tz(&mut self) -> Tz {
        self.pick(&[
            chrono_tz::Europe::London,
            chrono_tz::America::Los_Angeles,
            chrono_tz::Etc::GMTPlus12,
            chrono_tz::Etc::GMTMinus14,
            chrono_tz::Asia::Tokyo,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::Pacific::Apia,
            chrono_tz::America::St_Johns,
            chrono_tz::UTC,
        ])
    }

    fn name(&mut self) -> String {
        match self.rng.random_range(0..8) {
            0 => String::new(),
            1 => "x".repeat(10_000),
            2 => "ünï ☃ \u{0} \n\t\"".into(),
            _ => format!("v{}", self.rng.random_range(0..4)),
        }
    }

    fn beta(&mut self) -> Option<BetaPosterior> {
        if self.coin(0.5) {
            let (s, n) = self.counts();
            BetaPosterior::from_counts(s, n).ok()
        } else {
            BetaPosterior::new(self.shape(), self.shape()).ok()
        }
    }

    fn gamma(&mut self) -> Option<GammaPosterior> {
        GammaPosterior::new(self.shape(), self.shape()).ok()
    }

    fn normal(&mut self) -> Option<NormalPosterior> {
        let mean = if self.coin(0.8) {
            self.rng.random_range(-10.0..10.0)
        } else {
            self.f64()
        };
        NormalPosterior::new(mean, self.shape()).ok()
    }

    fn tally(&mut self) -> Option<Tally> {
        let (s, n) = self.counts();
        Tally::new(s, n).ok()
    }

    fn proportion(&mut self) -> Option<Proportion> {
        let (s, n) = self.counts();
        Proportion::new(s, n).ok()
    }

    fn arms<T>(&mut self, max: usize, mut g: impl FnMut(&mut Self) -> Option<T>) -> Vec<T> {
        let k = if self.coin(0.9) {
            self.rng.random_range(1..=max.min(6))
        } else {
            self.rng.random_range(1..=max)
        };
        (0..k).filter_map(|_| g(self)).collect()
    }
}

/// `s` with long runs of one character collapsed and at most 1,500 characters.
fn short(s: &str) -> String {
    let mut out = String::new();
    let mut run = (None, 0usize);
    for c in s.chars() {
        run = if run.0 == Some(c) {
            (Some(c), run.1 + 1)
        } else {
            (Some(c), 1)
        };
        if run.1 <= 8 {
            out.push(c);
        } else if run.1 == 9 {
            out.push('…');
        }
        if out.len() >= 1_500 {
            out.push('…');
            break;
        }
    }
    out
}

/// A call that hangs cannot be interrupted: after `limit` the watchdog names
/// it and ends the process, so a hang fails the run instead of stalling it.
fn watchdog(current: Arc<Mutex<(Instant, String)>>, limit: Duration) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(100));
            let Ok(c) = current.lock() else { return };
            if !c.1.is_empty() && c.0.elapsed() > limit {
                eprintln!("hang (> {limit:?}): {}", short(&c.1));
                std::process::exit(101);
            }
        }
    });
}

const EDGE_F64: &[f64] = &[
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    2.0,
    1e-17,
    1e-100,
    5e-324,
    2.2e-308,
    1e-300,
    1e300,
    f64::MAX,
    -f64::MAX,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    9_007_199_254_740_992.0,
    1.844_674_407_370_955_2e19,
    1e-3,
    1e-2,
    0.05,
    0.95,
    0.99,
    1.0 - 1e-16,
    1e-6,
    1e6,
    1e9,
    1e10,
    1e15,
    1e18,
    0.999_999_999,
    1.75e-5,
];

const EDGE_U64: &[u64] = &[
    0,
    1,
    2,
    3,
    10,
    100,
    1 << 53,
    (1 << 53) + 1,
    u64::MAX,
    u64::MAX - 1,
    u64::MAX / 2,
    1_000_000_000,
    10_000_000_000,
    i64::MAX as u64,
];

// ---------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------

fn prob(name: &str, x: f64) -> Check {
    if (0.0..=1.0).contains(&x) {
        Ok(())
    } else {
        Err(format!("{name} = {x:e} outside [0, 1]"))
    }
}

fn probs(name: &str, xs: &[f64]) -> Check {
    xs.iter().try_for_each(|&x| prob(name, x))
}

fn sums_to_one(name: &str, xs: &[f64]) -> Check {
    probs(name, xs)?;
    let s: f64 = xs.iter().sum();
    if (s - 1.0).abs() <= 1e-12 {
        Ok(())
    } else {
        Err(format!("{name} sums to {s:e}: {xs:?}"))
    }
}

fn loss(name: &str, x: f64) -> Check {
    if x.is_finite() && x >= 0.0 {
        Ok(())
    } else {
        Err(format!("{name} = {x:e}, not a finite loss ≥ 0"))
    }
}

fn finite(name: &str, x: f64) -> Check {
    if x.is_finite() {
        Ok(())
    } else {
        Err(format!("{name} = {x} not finite"))
    }
}

/// `lower ≤ upper`, both inside `[lo, hi]`.
fn within(name: &str, iv: &Interval, lo: f64, hi: f64) -> Check {
    if iv.lower <= iv.upper && iv.lower >= lo && iv.upper <= hi {
        Ok(())
    } else {
        Err(format!(
            "{name} [{:e}, {:e}] not an interval inside [{lo}, {hi}]",
            iv.lower, iv.upper
        ))
    }
}

/// Typed errors must render (their `Display` is part of the promise).
fn result<T>(r: &postab::Result<T>, ok: impl FnOnce(&T) -> Check) -> Check {
    match r {
        Ok(v) => ok(v),
        Err(e) => {
            let msg = e.to_string();
            if msg.is_empty() {
                Err("empty error message".into())
            } else {
                Ok(())
            }
        }
    }
}

fn any<T>(_: &T) -> Check {
    Ok(())
}

// ---------------------------------------------------------------------------
// Targets: one function per area, each making one to a few calls
// ---------------------------------------------------------------------------

fn posterior_ops<P: Posterior>(fz: &mut Fuzz, p: P) {
    let (lo, hi) = p.support();
    let x = fz.f64();
    fz.call(
        || format!("{p:?}.cdf/sf({x:e})"),
        || (p.cdf(x), p.sf(x)),
        |&(c, s)| {
            if x.is_nan() {
                return Ok(());
            }
            prob("cdf", c)?;
            prob("sf", s)
        },
    );
    let level = fz.level();
    fz.call(
        || format!("{p:?}.credible_interval({level:e})"),
        || p.credible_interval(level),
        |r| result(r, |iv| within("credible interval", iv, lo, hi)),
    );
    fz.call(
        || format!("{p:?}.quantile({level:e})"),
        || p.quantile(level),
        |r| {
            result(r, |&q| {
                if lo <= q && q <= hi {
                    Ok(())
                } else {
                    Err(format!("quantile {q:e} outside support"))
                }
            })
        },
    );
    fz.call(
        || format!("{p:?}.mean/std_dev"),
        || (p.mean(), p.std_dev()),
        |&(m, s)| {
            finite("mean", m)?;
            finite("sd", s)
        },
    );
}

fn two_arm<P: Posterior>(fz: &mut Fuzz, a: P, b: P) {
    fz.call(
        || format!("prob_beats({a:?}, {b:?})"),
        || bayes::prob_beats(&a, &b),
        |r| {
            prob("b_beats_a", r.b_beats_a)?;
            prob("a_beats_b", r.a_beats_b)?;
            let s = r.b_beats_a + r.a_beats_b;
            if (s - 1.0).abs() <= 1e-12 {
                Ok(())
            } else {
                Err(format!("P(B>A) + P(A>B) = {s:e}"))
            }
        },
    );
    fz.call(
        || format!("expected_loss({a:?}, {b:?})"),
        || bayes::expected_loss(&a, &b),
        |r| {
            loss("choose_a", r.choose_a)?;
            loss("choose_b", r.choose_b)
        },
    );
}

fn ranking<P: Posterior>(fz: &mut Fuzz, ps: Vec<P>) {
    let desc = format!("rank({ps:?})");
    let desc = if desc.len() > 2_000 {
        format!("rank({} × {:?} …)", ps.len(), ps[0])
    } else {
        desc
    };
    fz.call(
        || desc.clone(),
        || bayes::rank(&ps),
        |r| {
            result(r, |rk| {
                sums_to_one("P(best)", &rk.prob_best)?;
                sums_to_one("P(worst)", &rk.prob_worst)?;
                rk.expected_loss
                    .iter()
                    .try_for_each(|&l| loss("expected loss", l))?;
                rk.expected_loss_lower_better
                    .iter()
                    .try_for_each(|&l| loss("expected loss (lower better)", l))
            })
        },
    );
}

fn bayes_target(fz: &mut Fuzz) {
    match fz.rng.random_range(0..12) {
        0 => {
            let (a, b) = (fz.f64(), fz.f64());
            fz.call(
                || format!("BetaPosterior::new({a:e}, {b:e})"),
                || BetaPosterior::new(a, b),
                |r| result(r, any),
            );
            let (s, n) = fz.counts();
            let prior = BetaPrior::new(fz.shape(), fz.shape());
            if let Ok(prior) = prior {
                fz.call(
                    || format!("{prior:?}.update({s}, {n})"),
                    || prior.update(s, n),
                    |r| result(r, any),
                );
            }
        }
        1 | 2 => {
            if let Some(p) = fz.beta() {
                posterior_ops(fz, p);
                let level = fz.level();
                fz.call(
                    || format!("{p:?}.hdi({level:e})"),
                    || p.hdi(level),
                    |r| result(r, |iv| within("hdi", iv, 0.0, 1.0)),
                );
            }
        }
        3 | 4 => {
            if let (Some(a), Some(b)) = (fz.beta(), fz.beta()) {
                two_arm(fz, a, b);
            }
        }
        5 => {
            let ps = if fz.coin(0.1) {
                match fz.beta() {
                    Some(p) => vec![p; fz.rng.random_range(2..200)],
                    None => vec![],
                }
            } else {
                fz.arms(12, Fuzz::beta)
            };
            ranking(fz, ps);
        }
        6 => {
            if let (Some(a), Some(b)) = (fz.beta(), fz.beta()) {
                let t = fz.f64();
                fz.call(
                    || format!("prob_lift_above({a:?}, {b:?}, {t:e})"),
                    || bayes::prob_lift_above(&a, &b, t),
                    |r| result(r, |&p| prob("P(lift > t)", p)),
                );
                let level = fz.level();
                fz.call(
                    || format!("lift_interval({a:?}, {b:?}, {level:e})"),
                    || bayes::lift_interval(&a, &b, level),
                    |r| result(r, |iv| within("lift interval", iv, -1.0, f64::INFINITY)),
                );
            }
        }
        7 => {
            if let Some(g) = fz.gamma() {
                posterior_ops(fz, g);
            }
            if let (Some(a), Some(b)) = (fz.gamma(), fz.gamma()) {
                two_arm(fz, a, b);
            }
            let gs = fz.arms(8, Fuzz::gamma);
            ranking(fz, gs);
        }
        8 => {
            if let Some(n) = fz.normal() {
                posterior_ops(fz, n);
            }
            if let (Some(a), Some(b)) = (fz.normal(), fz.normal()) {
                two_arm(fz, a, b);
            }
            let ns = fz.arms(8, Fuzz::normal);
            ranking(fz, ns);
        }
        9 => {
            let ps = fz.arms(5, Fuzz::beta);
            let (t, rope) = (fz.f64(), fz.f64());
            let control = fz.rng.random_range(0..3);
            if let Ok(rule) = DecisionRule::new(t).and_then(|r| r.with_rope(rope)) {
                fz.call(
                    || format!("decide({ps:?}, {control}, {t:e}, {rope:e})"),
                    || bayes::decide(&ps, control, &rule),
                    |r| result(r, any),
                );
            }
        }
        10 => {
            let history: Vec<(u64, u64)> = (0..fz.rng.random_range(0..8))
                .map(|_| fz.counts())
                .collect();
            fz.call(
                || format!("fit_beta_prior({history:?})"),
                || bayes::fit_beta_prior(&history),
                |r| {
                    result(r, |p| {
                        if p.alpha() > 0.0
                            && p.beta() > 0.0
                            && p.alpha().is_finite()
                            && p.beta().is_finite()
                        {
                            Ok(())
                        } else {
                            Err(format!("fitted prior {p:?}"))
                        }
                    })
                },
            );
        }
        _ => {
            let ps = fz.arms(4, Fuzz::beta);
            let draws = fz.pick(&[0usize, 1, 10, 1000]);
            let seed = fz.rng.random::<u64>();
            fz.call(
                || format!("monte_carlo({ps:?}, {draws})"),
                || {
                    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
                    bayes::monte_carlo(&ps, draws, &mut rng, |x| x[0])
                },
                |r| result(r, |e| finite("mc mean", e.mean)),
            );
        }
    }
}

fn numeric_target(fz: &mut Fuzz) {
    let (a, b, x) = (
        fz.shape(),
        fz.shape(),
        if fz.coin(0.5) {
            fz.rng.random::<f64>()
        } else {
            fz.f64()
        },
    );
    // Shapes outside [numeric::MIN_BETA_SHAPE, MAX_BETA_SHAPE] (1e-10, 1e20)
    // and beyond MAX_GAMMA_SHAPE (1e20) are documented to return NaN.
    let in_domain = a >= numeric::MIN_BETA_SHAPE
        && b >= numeric::MIN_BETA_SHAPE
        && a <= numeric::MAX_BETA_SHAPE
        && b <= numeric::MAX_BETA_SHAPE
        && (0.0..=1.0).contains(&x);
    let dom = |name: &'static str| move |v: &f64| if in_domain { prob(name, *v) } else { Ok(()) };
    match fz.rng.random_range(0..9) {
        0 => {
            fz.call(
                || format!("beta_inc({a:e}, {b:e}, {x:e})"),
                || numeric::beta_inc(a, b, x),
                dom("I_x"),
            );
        }
        1 => {
            fz.call(
                || format!("beta_inc_upper({a:e}, {b:e}, {x:e})"),
                || numeric::beta_inc_upper(a, b, x),
                dom("1 − I_x"),
            );
        }
        2 => {
            fz.call(
                || format!("beta_inc_inv({a:e}, {b:e}, {x:e})"),
                || numeric::beta_inc_inv(a, b, x),
                dom("I⁻¹"),
            );
        }
        3 => {
            let in_domain = a > 0.0 && a <= numeric::MAX_GAMMA_SHAPE && b >= 0.0;
            fz.call(
                || format!("gamma_p/q({a:e}, {b:e})"),
                || (numeric::gamma_p(a, b), numeric::gamma_q(a, b)),
                |&(p, q)| {
                    if in_domain {
                        prob("P", p)?;
                        prob("Q", q)
                    } else {
                        Ok(())
                    }
                },
            );
        }
        4 => {
            let in_domain = b > 0.0 && 0.5 * b <= numeric::MAX_GAMMA_SHAPE && a >= 0.0;
            fz.call(
                || format!("chi2_sf({a:e}, {b:e})"),
                || numeric::chi2_sf(a, b),
                |&p| {
                    if in_domain {
                        prob("chi2 sf", p)
                    } else {
                        Ok(())
                    }
                },
            );
        }
        5 => {
            let in_domain = a > 0.0 && a <= numeric::MAX_GAMMA_SHAPE && (0.0..=1.0).contains(&x);
            fz.call(
                || format!("gamma_inc_inv({a:e}, {x:e})"),
                || {
                    (
                        numeric::gamma_inc_inv(a, x),
                        numeric::gamma_inc_inv_upper(a, x),
                    )
                },
                |&(p, q)| {
                    if in_domain && (p < 0.0 || q < 0.0 || p.is_nan() || q.is_nan()) {
                        Err(format!("inverse {p:e} {q:e}"))
                    } else {
                        Ok(())
                    }
                },
            );
        }
        6 => {
            let z = fz.f64();
            fz.call(
                || format!("normal_*({z:e})"),
                || {
                    (
                        numeric::normal_cdf(z),
                        numeric::normal_sf(z),
                        numeric::normal_quantile(x),
                        numeric::normal_isf(x),
                    )
                },
                |&(c, s, _, _)| {
                    if z.is_nan() {
                        Ok(())
                    } else {
                        prob("Φ", c)?;
                        prob("1 − Φ", s)
                    }
                },
            );
        }
        7 => {
            let dims = fz.rng.random_range(0..4);
            let start: Vec<f64> = (0..dims).map(|_| fz.f64()).collect();
            let step: Vec<f64> = (0..fz.pick(&[dims, dims, 0, dims + 1]))
                .map(|_| fz.f64())
                .collect();
            let tol = fz.f64();
            let evals = fz.pick(&[0usize, 1, 10, 1000]);
            fz.call(
                || format!("nelder_mead(Σx², {start:?}, {step:?}, {tol:e}, {evals})"),
                || {
                    numeric::nelder_mead(
                        |v| v.iter().map(|t| t * t).sum(),
                        &start,
                        &step,
                        tol,
                        evals,
                    )
                },
                any,
            );
        }
        _ => {
            fz.call(
                || format!("ln_gamma/ln_beta({a:e}, {b:e})"),
                || (numeric::ln_gamma(a), numeric::ln_beta(a, b)),
                |&(g, lb)| {
                    if a > 0.0 && b > 0.0 && a < 1e300 && b < 1e300 {
                        finite("lnΓ", g)?;
                        finite("ln B", lb)
                    } else {
                        Ok(())
                    }
                },
            );
        }
    }
}

fn freq_target(fz: &mut Fuzz) {
    let level = fz.level();
    match fz.rng.random_range(0..13) {
        12 => {
            let k = fz.pick(&[0usize, 1, 2, 3, 12, 50]);
            let tables: Vec<[[u64; 2]; 2]> = (0..k)
                .map(|_| {
                    let (sa, na) = fz.counts();
                    let (sb, nb) = fz.counts();
                    [[sa, na.saturating_sub(sa)], [sb, nb.saturating_sub(sb)]]
                })
                .collect();
            let t = fz.call(
                || format!("StratifiedTables::new({tables:?})"),
                || StratifiedTables::new(&tables),
                |r| result(r, any),
            );
            if let Some(Ok(t)) = t {
                let cc = fz.coin(0.5);
                fz.call(
                    || format!("{t:?}.cmh_test({cc})"),
                    || t.cmh_test(cc),
                    |r| result(r, |c| prob("CMH p", c.p_value)),
                );
                fz.call(
                    || format!("{t:?}.pooled_odds_ratio({level:e})"),
                    || t.pooled_odds_ratio(level),
                    |r| {
                        result(r, |o| {
                            within("MH odds-ratio CI", &o.interval, 0.0, f64::INFINITY)
                        })
                    },
                );
                fz.call(
                    || format!("{t:?}.breslow_day({cc})"),
                    || t.breslow_day(cc),
                    |r| result(r, |b| prob("Breslow-Day p", b.p_value)),
                );
                fz.call(
                    || format!("{t:?}.pooled_risk_ratio()"),
                    || t.pooled_risk_ratio(),
                    |r| result(r, |&rr| finite("MH risk ratio", rr)),
                );
            }
        }
        0 | 1 => {
            if let Some(p) = fz.proportion() {
                let m = fz.pick(&[
                    ProportionCiMethod::Wald,
                    ProportionCiMethod::Wilson,
                    ProportionCiMethod::WilsonCorrected,
                    ProportionCiMethod::AgrestiCoull,
                    ProportionCiMethod::Jeffreys,
                    ProportionCiMethod::ClopperPearson,
                ]);
                fz.call(
                    || format!("proportion_ci({p:?}, {level:e}, {m:?})"),
                    || freq::proportion_ci(p, level, m),
                    |r| result(r, |iv| within("proportion CI", iv, 0.0, 1.0)),
                );
            }
        }
        2 | 3 => {
            if let (Some(a), Some(b)) = (fz.proportion(), fz.proportion()) {
                let m = fz.pick(&[
                    DifferenceCiMethod::Wald,
                    DifferenceCiMethod::AgrestiCaffo,
                    DifferenceCiMethod::Newcombe,
                ]);
                fz.call(
                    || format!("difference_ci({a:?}, {b:?}, {level:e}, {m:?})"),
                    || freq::difference_ci(a, b, level, m),
                    |r| result(r, |iv| within("difference CI", iv, -1.0, 1.0)),
                );
                fz.call(
                    || format!("ratio_ci({a:?}, {b:?}, {level:e})"),
                    || freq::ratio_ci(a, b, level),
                    |r| result(r, |iv| within("ratio CI", iv, 0.0, f64::INFINITY)),
                );
                fz.call(
                    || format!("odds_ratio_ci({a:?}, {b:?}, {level:e})"),
                    || freq::odds_ratio_ci(a, b, level),
                    |r| result(r, |iv| within("odds-ratio CI", iv, 0.0, f64::INFINITY)),
                );
            }
        }
        4 => {
            if let (Some(a), Some(b)) = (fz.proportion(), fz.proportion()) {
                let alt = fz.pick(&[
                    Alternative::TwoSided,
                    Alternative::Larger,
                    Alternative::Smaller,
                ]);
                let delta = if fz.coin(0.7) { 0.0 } else { fz.f64() };
                let cc = fz.coin(0.3);
                let opts = ZTestOptions::default()
                    .with_alternative(alt)
                    .with_continuity_correction(cc)
                    .with_null_difference(delta);
                fz.call(
                    || format!("two_proportion_ztest({a:?}, {b:?}, {opts:?})"),
                    || freq::two_proportion_ztest(a, b, opts),
                    |r| result(r, |t| prob("z-test p", t.p_value)),
                );
                fz.call(
                    || format!("fisher_exact({a:?}, {b:?}, {alt:?})"),
                    || freq::fisher_exact(a, b, alt),
                    |r| result(r, |t| prob("Fisher p", t.p_value)),
                );
            }
        }
        5 => {
            let arms = fz.arms(8, Fuzz::proportion);
            let yates = fz.coin(0.5);
            fz.call(
                || format!("chi_square_arms({arms:?}, {yates})"),
                || freq::chi_square_arms(&arms, yates),
                |r| result(r, |t| prob("chi-square p", t.p_value)),
            );
            fz.call(
                || format!("g_test_arms({arms:?})"),
                || freq::g_test_arms(&arms),
                |r| result(r, |t| prob("G p", t.p_value)),
            );
            let control = fz.rng.random_range(0..3);
            fz.call(
                || format!("compare_to_control({arms:?}, {control})"),
                || freq::compare_to_control(&arms, control, Default::default()),
                |r| {
                    result(r, |cs| {
                        cs.iter().try_for_each(|c| {
                            prob("p", c.p_value)?;
                            prob("adjusted p", c.adjusted_p_value)?;
                            within("difference CI", &c.interval, -1.0, 1.0)
                        })
                    })
                },
            );
        }
        6 => {
            let observed: Vec<u64> = (0..fz.rng.random_range(0..5)).map(|_| fz.u64()).collect();
            let split: Vec<f64> = (0..fz.pick(&[observed.len(), observed.len(), 2]))
                .map(|_| if fz.coin(0.7) { 1.0 } else { fz.f64() })
                .collect();
            fz.call(
                || format!("sample_ratio_mismatch({observed:?}, {split:?})"),
                || freq::sample_ratio_mismatch(&observed, &split),
                |r| result(r, |t| prob("SRM p", t.p_value)),
            );
        }
        7 => {
            let ps: Vec<f64> = (0..fz.rng.random_range(0..6))
                .map(|_| {
                    if fz.coin(0.7) {
                        fz.rng.random::<f64>()
                    } else {
                        fz.f64()
                    }
                })
                .collect();
            let c = fz.pick(&[
                Correction::Unadjusted,
                Correction::Bonferroni,
                Correction::Sidak,
                Correction::Holm,
                Correction::Hochberg,
                Correction::BenjaminiHochberg,
                Correction::BenjaminiYekutieli,
            ]);
            let alpha = fz.level();
            fz.call(
                || format!("multiple_comparisons({ps:?}, {c:?}, {alpha:e})"),
                || freq::multiple_comparisons(&ps, c, alpha),
                |r| result(r, |a| probs("adjusted p", &a.adjusted)),
            );
        }
        8 => {
            let (ca, cb) = (fz.u64(), fz.u64());
            let (ea, eb) = (fz.shape(), fz.shape());
            if let (Ok(a), Ok(b)) = (RateCount::new(ca, ea), RateCount::new(cb, eb)) {
                let ratio = if fz.coin(0.6) { 1.0 } else { fz.f64() };
                let alt = fz.pick(&[
                    Alternative::TwoSided,
                    Alternative::Larger,
                    Alternative::Smaller,
                ]);
                let m = fz.pick(&[
                    PoissonTestMethod::ExactConditional,
                    PoissonTestMethod::Score,
                ]);
                fz.call(
                    || format!("poisson_rate_test({a:?}, {b:?}, {ratio:e}, {alt:?}, {m:?})"),
                    || freq::poisson_rate_test(a, b, ratio, alt, m),
                    |r| result(r, |t| prob("Poisson p", t.p_value)),
                );
                let cm = fz.pick(&[
                    RateRatioCiMethod::ExactConditional,
                    RateRatioCiMethod::WaldLog,
                ]);
                fz.call(
                    || format!("rate_ratio_ci({a:?}, {b:?}, {level:e}, {cm:?})"),
                    || freq::rate_ratio_ci(a, b, level, cm),
                    |r| result(r, |iv| within("rate-ratio CI", iv, 0.0, f64::INFINITY)),
                );
                fz.call(
                    || format!("poisson_rate_ci({a:?}, {level:e})"),
                    || freq::poisson_rate_ci(a, level),
                    |r| result(r, |iv| within("rate CI", iv, 0.0, f64::INFINITY)),
                );
            }
        }
        9 => {
            let mk = |fz: &mut Fuzz| {
                SampleSummary::new(
                    if fz.coin(0.6) {
                        fz.rng.random_range(-10.0..10.0)
                    } else {
                        fz.f64()
                    },
                    fz.shape(),
                    fz.u64(),
                )
                .ok()
            };
            if let (Some(a), Some(b)) = (mk(fz), mk(fz)) {
                let alt = fz.pick(&[
                    Alternative::TwoSided,
                    Alternative::Larger,
                    Alternative::Smaller,
                ]);
                fz.call(
                    || format!("welch_t_test({a:?}, {b:?}, {alt:?}, {level:e})"),
                    || freq::welch_t_test(a, b, alt, level),
                    |r| {
                        result(r, |t| {
                            prob("Welch p", t.p_value)?;
                            within("Welch CI", &t.interval, f64::NEG_INFINITY, f64::INFINITY)
                        })
                    },
                );
            }
        }
        _ => {
            let baseline = if fz.coin(0.6) {
                fz.rng.random::<f64>()
            } else {
                fz.f64()
            };
            let alt = fz.pick(&[
                Alternative::TwoSided,
                Alternative::Larger,
                Alternative::Smaller,
            ]);
            let f = fz.pick(&[
                SampleSizeFormula::CohenH,
                SampleSizeFormula::CohenHOneTail,
                SampleSizeFormula::PooledNullUnpooledAlt,
                SampleSizeFormula::Unpooled,
            ]);
            let design = TestDesign::new(baseline)
                .with_alpha(fz.level())
                .with_alternative(alt)
                .with_ratio(if fz.coin(0.6) { 1.0 } else { fz.f64() })
                .with_formula(f);
            let mde = if fz.coin(0.5) {
                Mde::Relative(fz.f64())
            } else {
                Mde::Absolute(fz.f64())
            };
            let power = fz.level();
            let n = fz.f64();
            fz.call(
                || format!("{design:?}.sample_size({mde:?}, {power:e})"),
                || design.sample_size(mde, power),
                |r| {
                    result(r, |s| {
                        finite("n control", s.control)?;
                        finite("n variant", s.variant)
                    })
                },
            );
            fz.call(
                || format!("{design:?}.power({mde:?}, {n:e})"),
                || design.power(mde, n),
                |r| result(r, |&p| prob("power", p)),
            );
            fz.call(
                || format!("{design:?}.detectable_effect({n:e}, {power:e})"),
                || design.detectable_effect(n, power),
                |r| result(r, |d| finite("mde", d.absolute)),
            );
        }
    }
}

fn sequential_target(fz: &mut Fuzz) {
    match fz.rng.random_range(0..4) {
        0 => {
            let (alpha, tau) = (fz.level(), fz.f64());
            let test = if fz.coin(0.5) {
                Msprt::new(alpha, tau)
            } else {
                Msprt::tuned(alpha, fz.level(), fz.u64())
            };
            if let Ok(test) = test {
                let mut monitor = MsprtMonitor::new(test);
                for _ in 0..fz.rng.random_range(1..4) {
                    if let (Some(c), Some(t)) = (fz.tally(), fz.tally()) {
                        fz.call(
                            || format!("{test:?} look({c:?}, {t:?})"),
                            || monitor.update(c, t),
                            |r| {
                                result(r, |l| {
                                    prob("mSPRT p", l.p_value)?;
                                    within("confidence sequence", &l.confidence_sequence, -1.0, 1.0)
                                })
                            },
                        );
                    }
                }
            }
        }
        1 | 2 => {
            let spending = fz.pick(&[
                SpendingFunction::OBrienFleming,
                SpendingFunction::Pocock,
                SpendingFunction::Power { rho: 2.0 },
                SpendingFunction::Power { rho: f64::NAN },
                SpendingFunction::Power { rho: 1e-300 },
            ]);
            let (alpha, t) = (fz.level(), fz.f64());
            fz.call(
                || format!("{spending:?}.spent({alpha:e}, {t:e})"),
                || spending.spent(alpha, t),
                |r| result(r, |&s| prob("spent", s)),
            );
            if let Ok(gs) = GroupSequential::new(alpha, spending) {
                let mut looks: Vec<f64> = match fz.rng.random_range(0..4) {
                    0 => vec![0.5, 0.5 + 1e-15, 1.0],
                    1 => vec![0.5, 0.5 + 1e-9, 1.0],
                    2 => (0..fz.rng.random_range(0..8)).map(|_| fz.f64()).collect(),
                    _ => {
                        let k = fz.rng.random_range(1..12);
                        (1..=k).map(|i| i as f64 / k as f64).collect()
                    }
                };
                if fz.coin(0.2) {
                    looks.reverse();
                }
                fz.call(
                    || format!("{gs:?}.boundaries({looks:?})"),
                    || gs.boundaries(&looks),
                    |r| result(r, |b| probs("cumulative alpha", &b.cumulative_alpha)),
                );
            }
        }
        _ => {
            let s = fz.pick(&[SpendingFunction::OBrienFleming, SpendingFunction::Pocock]);
            if let Ok(gs) = GroupSequential::new(0.05, s) {
                let mut m = gs.monitor();
                for _ in 0..fz.rng.random_range(1..5) {
                    let t = fz.f64();
                    fz.call(
                        || format!("{gs:?} next_boundary({t:e})"),
                        || m.next_boundary(t),
                        |r| result(r, any),
                    );
                }
            }
        }
    }
}

fn bandit_target(fz: &mut Fuzz) {
    let arms = fz.arms(10, Fuzz::tally);
    let seed = fz.rng.random::<u64>();
    fn run<P: Policy + Debug>(fz: &mut Fuzz, p: P, arms: &[Tally], seed: u64) {
        fz.call(
            || format!("{p:?}.weights({arms:?})"),
            || {
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
                let mut w = vec![0.0; arms.len()];
                p.weights(arms, &mut rng, &mut w).map(|()| w)
            },
            |r| result(r, |w| sums_to_one("weights", w)),
        );
        fz.call(
            || format!("{p:?}.choose({arms:?})"),
            || {
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
                p.choose(arms, &mut rng)
            },
            |r| {
                result(r, |&i| {
                    if i < arms.len() {
                        Ok(())
                    } else {
                        Err(format!("arm {i} of {}", arms.len()))
                    }
                })
            },
        );
    }
    match fz.rng.random_range(0..6) {
        0 => {
            if let Ok(prior) = BetaPrior::new(fz.shape(), fz.shape()) {
                run(fz, ThompsonBeta::new().with_prior(prior), &arms, seed)
            }
        }
        1 => {
            if let Ok(p) = ThompsonGamma::new().with_prior(fz.shape(), fz.shape()) {
                run(fz, p, &arms, seed)
            }
        }
        2 => {
            let beta = fz.level();
            if let (Ok(p), Ok(prior)) = (
                TopTwoThompson::new(beta),
                BetaPrior::new(fz.shape(), fz.shape()),
            ) {
                run(fz, p.with_prior(prior), &arms, seed)
            }
        }
        3 => run(fz, Ucb1, &arms, seed),
        4 => {
            if let Ok(p) = EpsilonGreedy::new(fz.level()) {
                run(fz, p, &arms, seed)
            }
        }
        _ => {
            let w: Vec<f64> = (0..arms.len()).map(|_| fz.f64()).collect();
            if let Ok(p) = FixedSplit::new(w) {
                run(fz, p, &arms, seed)
            }
        }
    }
}

fn sim_target(fz: &mut Fuzz) {
    let rates: Vec<f64> = (0..fz.rng.random_range(0..5))
        .map(|_| {
            if fz.coin(0.8) {
                fz.rng.random::<f64>() * 0.1
            } else {
                fz.f64()
            }
        })
        .collect();
    let traffic = if fz.coin(0.7) {
        fz.rng.random_range(0..2_000)
    } else {
        fz.pick(EDGE_U64)
    };
    let looks = if fz.coin(0.8) {
        fz.rng.random_range(0..6)
    } else {
        fz.pick(&[usize::MAX, usize::MAX / 2, 1 << 40])
    };
    let reps = if fz.coin(0.8) {
        fz.rng.random_range(0..6)
    } else {
        fz.pick(&[usize::MAX, 1 << 40])
    };
    let seed = fz.rng.random::<u64>();
    let desc = format!("Simulation({rates:?}, traffic {traffic}, looks {looks}, reps {reps})");
    let report = if fz.coin(0.5) {
        let alpha = fz.level();
        fz.call(
            || desc.clone(),
            || {
                let rule = FixedHorizon::new(alpha)?;
                Simulation::builder(rates.clone())
                    .traffic_per_look(traffic)
                    .looks(looks)
                    .replications(reps)
                    .seed(seed)
                    .threads(1)
                    .stopping(rule)
                    .build()?
                    .run()
            },
            |r| result(r, check_sim),
        )
    } else {
        let t = fz.f64();
        fz.call(
            || desc.clone(),
            || {
                let rule = ExpectedLossRule::new(t)?;
                Simulation::builder(rates.clone())
                    .traffic_per_look(traffic)
                    .looks(looks)
                    .replications(reps)
                    .seed(seed)
                    .threads(1)
                    .stopping(rule)
                    .build()?
                    .run()
            },
            |r| result(r, check_sim),
        )
    };
    if let Some(Ok(rep)) = report {
        round_trip(fz, "SimulationReport", &rep);
    }
}

fn check_sim(r: &SimulationReport) -> Check {
    prob("rejection rate", r.rejection_rate())?;
    if let Some(p) = r.power() {
        prob("power", p)?;
    }
    if let Some(p) = r.false_positive_rate() {
        prob("false-positive rate", p)?;
    }
    let _ = (r.text(), r.markdown());
    Ok(())
}

fn schedule_target(fz: &mut Fuzz) {
    let tz = fz.tz();
    let slots = match fz.rng.random_range(0..3) {
        0 => Slots::hour_of_day(tz),
        1 => Slots::weekday(tz),
        _ => Slots::hour_of_week(tz),
    };
    let sdesc = format!("Slots({tz}, {:?})", slots.scheme());
    match fz.rng.random_range(0..5) {
        0 => {
            let at = fz.time();
            fz.call(
                || format!("{sdesc}.index_of/local_time({at})"),
                || {
                    (
                        slots.index_of(at),
                        slots.local_time(at).map(|t| t.naive_local()),
                    )
                },
                any,
            );
        }
        1 => {
            let (a, b) = (fz.time(), fz.time());
            fz.call(
                || format!("UtcOffsets::new({tz}, {a}, {b})"),
                || UtcOffsets::new(tz, a, b).map(|o| o.transitions().count()),
                |r| result(r, any),
            );
            fz.call(
                || format!("{sdesc}.exposure({a}, {b})"),
                || slots.exposure(a, b),
                |r| {
                    result(r, |e| {
                        if e.unassigned_seconds >= 0 && e.seconds.values().all(|&s| s >= 0) {
                            Ok(())
                        } else {
                            Err("negative exposure".into())
                        }
                    })
                },
            );
        }
        2 => {
            let times: Vec<DateTime<Utc>> =
                (0..fz.rng.random_range(0..6)).map(|_| fz.time()).collect();
            let other = fz.tz();
            fz.call(
                || format!("compare_audiences({times:?}, {sdesc}, {other})"),
                || postab::schedule::compare_audiences(&times, &slots, other),
                |r| result(r, any),
            );
        }
        _ => {
            // Posts published at random times, with events at other random
            // times: slots come from the publication times.
            let mut exp = Experiment::builder("slots")
                .variant("a", "A")
                .variant("b", "B")
                .control("a")
                .build()
                .expect("valid");
            let mut log = Vec::new();
            for i in 0..fz.rng.random_range(0..6) {
                let v = fz.pick(&["a", "b"]);
                // Some posts without a publication time (a typed error).
                let at = fz.coin(0.9).then(|| fz.time());
                let id = format!("p{i}");
                let post = postab::Post::new(id.clone(), v).expect("post");
                exp.add_post(match at {
                    Some(at) => post.published_at(at),
                    None => post,
                })
                .expect("new post");
                if fz.coin(0.2) {
                    let c = fz.post_counts();
                    let _ = exp.add_post_counts(&id, c);
                }
                for _ in 0..fz.rng.random_range(0..3) {
                    let o = if fz.coin(0.5) {
                        Outcome::Impression
                    } else {
                        Outcome::Click
                    };
                    let n = if fz.coin(0.9) { 1 } else { fz.u64() };
                    let when = fz.time();
                    let recorded = exp.record_post_n(&id, o.clone(), when, n);
                    log.push((id.clone(), at, o, when, n, recorded.is_ok()));
                }
            }
            let variant = fz.pick(&[None, None, Some("a"), Some("b"), Some("zz")]);
            let desc = format!(
                "{sdesc}.bucket_experiment({variant:?}) of posts {} and events {log:?}",
                describe_posts(&exp)
            );
            // Every selected post lands in one slot or in `unassigned`; a
            // selected post without a publication time is an error.
            let selected: Vec<&postab::Post> = exp
                .posts()
                .iter()
                .filter(|p| variant.is_none_or(|v| v == p.variant()))
                .collect();
            let untimed = selected.iter().any(|p| p.publication_time().is_none());
            let table = fz.call(
                || desc.clone(),
                || slots.bucket_experiment(&exp, variant),
                |r| match r {
                    Ok(_) if untimed || variant == Some("zz") => {
                        Err("posts without a time or an unknown variant bucketed".into())
                    }
                    Ok(t) => {
                        let n = t.iter().map(|(_, b)| b.posts().len()).sum::<usize>()
                            + t.unassigned().posts().len();
                        if n == selected.len() {
                            Ok(())
                        } else {
                            Err(format!("{n} posts bucketed of {}", selected.len()))
                        }
                    }
                    Err(postab::Error::MissingPublicationTime { .. }) if !untimed => {
                        Err("every post has a time, yet one is missing".into())
                    }
                    r => result(r, any),
                },
            );
            if let Some(Ok(t)) = &table {
                round_trip(fz, "SlotCounts", t);
            }
            if let Some(Ok(table)) = table {
                let prior = BetaPrior::new(fz.shape(), fz.shape());
                if let Ok(prior) = prior {
                    let m = Metric::click_through();
                    fz.call(
                        || format!("{desc}.prob_best({prior:?})"),
                        || table.prob_best(&m, &prior),
                        |r| {
                            result(r, |v| {
                                let ps: Vec<f64> = v.iter().map(|x| x.1).collect();
                                if ps.is_empty() {
                                    Ok(())
                                } else {
                                    sums_to_one("slot P(best)", &ps)
                                }
                            })
                        },
                    );
                    let report = fz.call(
                        || format!("SlotReport::new({desc}, {prior:?})"),
                        || postab::report::SlotReport::new(&table, &m, &prior, None),
                        |r| {
                            result(r, |rep| {
                                let (t, md) = (rep.text(), rep.markdown());
                                if t.contains("NaN") || md.contains("NaN") {
                                    Err("NaN printed".into())
                                } else {
                                    Ok(())
                                }
                            })
                        },
                    );
                    if let Some(Ok(rep)) = report {
                        round_trip(fz, "SlotReport", &rep);
                        let doc = rep.document();
                        fz.call(
                            || "SlotReport document round trip".into(),
                            || doc.to_json().and_then(|j| Document::from_json(&j)),
                            |r| match r {
                                Ok(_) => Ok(()),
                                Err(e) => Err(format!("own JSON refused: {e}")),
                            },
                        );
                    }
                    if let Some(label) = slots.labels().first().cloned() {
                        fz.call(
                            || format!("{desc}.compare_to({label:?}, {prior:?})"),
                            || table.compare_to(&label, &m, &prior),
                            |r| {
                                result(r, |v| {
                                    v.iter().try_for_each(|c| {
                                        prob("P(beats control)", c.prob_beats_control)?;
                                        loss("loss", c.expected_loss.choose_a)?;
                                        loss("loss", c.expected_loss.choose_b)
                                    })
                                })
                            },
                        );
                    }
                }
            }
        }
    }
}

fn experiment_target(fz: &mut Fuzz) {
    let k = if fz.coin(0.9) {
        fz.rng.random_range(1..5)
    } else {
        fz.rng.random_range(1..200)
    };
    let mut builder = Experiment::builder(fz.name());
    let mut ids = Vec::new();
    for i in 0..k {
        let id = if fz.coin(0.9) {
            format!("v{i}")
        } else {
            fz.name()
        };
        ids.push(id.clone());
        builder = builder.variant(id, fz.name());
    }
    let control = if fz.coin(0.9) {
        ids[0].clone()
    } else {
        fz.name()
    };
    let built = fz.call(
        || format!("Experiment::build({ids:?}, control {control:?})"),
        || builder.control(control.clone()).build(),
        |r| result(r, any),
    );
    let Some(Ok(exp)) = built else { return };
    for id in ids.clone() {
        let (s, n) = fz.counts();
        let r = fz.u64();
        let c = Counts::new()
            .with(&Outcome::Impression, n)
            .and_then(|c| c.with(&Outcome::Click, s))
            .and_then(|c| c.with(&Outcome::Reply, r));
        let Ok(c) = c else { continue };
        fz.call(
            || format!("add_counts({id:?}, {c:?})"),
            || exp.add_counts(&id, c.clone()),
            |r| result(r, any),
        );
        if fz.coin(0.3) {
            let at = fz.time();
            fz.call(
                || format!("record({id:?}, click, {at})"),
                || exp.record(&id, Outcome::Click, at),
                |r| result(r, any),
            );
        }
    }
    let metric = if fz.coin(0.7) {
        Metric::click_through()
    } else {
        Metric::per_exposure("replies", [Outcome::Reply], Outcome::Impression)
            .expect("a valid metric")
    };
    let mut options = postab::analysis::AnalysisOptions::default();
    if fz.coin(0.5) {
        options.level = fz.level();
        if let Ok(p) = BetaPrior::new(fz.shape(), fz.shape()) {
            options.prior = p;
        }
        if let Ok(p) = GammaPrior::new(fz.shape(), fz.shape().abs()) {
            options.gamma_prior = p;
        }
    }
    let data: Vec<(String, Option<Counts>)> = exp
        .variants()
        .iter()
        .map(|v| (short(v.id()), exp.counts(v.id()).ok()))
        .collect();
    let desc = format!(
        "analyze_with(control {:?}, {data:?}, {}, {options:?})",
        short(exp.control()),
        metric.name()
    );
    let analysis = fz.call(
        || desc.clone(),
        || exp.analyze_with(&metric, &options),
        |r| result(r, check_analysis),
    );
    if let Some(Ok(a)) = analysis {
        round_trip(fz, "Analysis", &a);
        #[cfg(feature = "plot")]
        {
            fz.call(
                || format!("plot::posterior_densities of {desc}"),
                || postab::report::plot::posterior_densities(&a),
                |r| result(r, any),
            );
            let id = a.variants.last().map(|v| v.id.clone()).unwrap_or_default();
            fz.call(
                || format!("plot::lift_density({id:?}) of {desc}"),
                || postab::report::plot::lift_density(&a, &id),
                |r| result(r, any),
            );
        }
        let doc = a.document();
        fz.call(
            || format!("Document round trip of {desc}"),
            || doc.to_json().and_then(|j| Document::from_json(&j)),
            |r| match r {
                Ok(_) => Ok(()),
                Err(e) => Err(format!("own JSON refused: {e}")),
            },
        );
    }
}

fn repeated_target(fz: &mut Fuzz) {
    let a = fz.arms(12, Fuzz::proportion);
    let b = fz.arms(12, Fuzz::proportion);
    match fz.rng.random_range(0..4) {
        0 => {
            fz.call(
                || format!("post_level_test({a:?}, {b:?})"),
                || postab::repeated::post_level_test(&a, &b),
                |r| {
                    result(r, |t| {
                        prob("post-level p", t.p_value)?;
                        within("post-level CI", &t.ci95, -1.0, 1.0)
                    })
                },
            );
            fz.call(
                || format!("naive_binomial_test({a:?}, {b:?})"),
                || postab::repeated::naive_binomial_test(&a, &b),
                |r| result(r, |t| prob("naive p", t.p_value)),
            );
        }
        1 => {
            fz.call(
                || format!("ratio_estimate({a:?})"),
                || postab::repeated::ratio_estimate(&a),
                |r| {
                    result(r, |e| {
                        prob("rate", e.rate)?;
                        finite("se", e.std_error)
                    })
                },
            );
            fz.call(
                || format!("fit_beta_binomial({a:?})"),
                || postab::repeated::fit_beta_binomial(&a),
                |r| {
                    result(r, |f| {
                        prob("mean", f.mean)?;
                        prob("ICC", f.intra_post_correlation)
                    })
                },
            );
        }
        _ => {
            if let Ok(prior) = BetaPrior::new(fz.shape(), fz.shape()) {
                fz.call(
                    || format!("compare_overdispersed({a:?}, {b:?}, {prior:?})"),
                    || postab::repeated::compare_overdispersed(&a, &b, &prior),
                    |r| {
                        result(r, |c| {
                            prob("P(B > A)", c.prob_b_beats_a)?;
                            loss("loss", c.expected_loss.choose_a)?;
                            loss("loss", c.expected_loss.choose_b)
                        })
                    },
                );
            }
        }
    }
}

fn tracker_target(fz: &mut Fuzz) {
    let tracker = if fz.coin(0.5) {
        postab::Tracker::new()
    } else {
        match postab::Tracker::with_variants(["a", "b"]) {
            Ok(t) => t,
            Err(_) => return,
        }
    };
    for _ in 0..fz.rng.random_range(1..6) {
        let id = fz.pick(&["a", "b", "", "c"]);
        let (at, n) = (fz.time(), fz.u64());
        let o = if fz.coin(0.5) {
            Outcome::Impression
        } else {
            Outcome::Click
        };
        fz.call(
            || format!("tracker.record_n({id:?}, {o:?}, {at}, {n})"),
            || tracker.record_n(id, o.clone(), at, n),
            |r| result(r, any),
        );
    }
    let (from, to) = (fz.time(), fz.time());
    fz.call(
        || format!("tracker.all_counts_between({from}, {to})"),
        || tracker.all_counts_between(from, to),
        |r| {
            result(r, |m| {
                m.values()
                    .try_for_each(|c| {
                        if c.is_overflowed() {
                            c.check_exact().map_err(|e| e.to_string())
                        } else {
                            Ok(())
                        }
                    })
                    .or(Ok(()))
            })
        },
    );
}

fn import_target(fz: &mut Fuzz) {
    const HEAD: &str = "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,Permalink Clicks";
    let mut csv = String::from(HEAD);
    for _ in 0..fz.rng.random_range(0..5) {
        let id = fz.u64();
        let date = fz.pick(&[
            "\"Mon, Jun 01, 2026\"",
            "\"Feb 30, 2026\"",
            "",
            "\"Mon, Jun 01, 99999\"",
        ]);
        let nums: Vec<String> = (0..13)
            .map(|_| match fz.rng.random_range(0..6) {
                0 => "-".into(),
                1 => "1e400".into(),
                2 => "18446744073709551616".into(),
                _ => fz.u64().to_string(),
            })
            .collect();
        csv.push_str(&format!(
            "\n{id},{date},{},https://x.com/a/status/{id},{}",
            fz.name().replace(['\n', '"', ','], " "),
            nums.join(",")
        ));
    }
    let mode = if fz.coin(0.5) {
        postab::import::ImportMode::Strict
    } else {
        postab::import::ImportMode::Lenient
    };
    let report = fz.call(
        || format!("read_export_str({csv:.2000}, {mode:?})"),
        || postab::import::read_export_str(&csv, mode),
        |r| result(r, any),
    );
    if let Some(Ok(report)) = report {
        let rules = postab::import::VariantRules::new()
            .phrase("a", "a")
            .rule(|_| Some("b".into()));
        let grouping = rules.group(&report.posts);
        fz.call(
            || format!("grouping.to_experiment of {csv:.2000}"),
            || {
                grouping
                    .to_experiment("imported", "a", Metric::click_through())
                    .and_then(|e| e.analyze(&Metric::click_through()))
            },
            |r| result(r, any),
        );
        // Blocks from the posts: none, an empty key, a few shared keys, one
        // key per post (blocks of one variant).
        let mode = fz.rng.random_range(0..4);
        let block_of = move |p: &postab::import::PostRecord| match mode {
            0 => None,
            1 => Some(String::new()),
            2 => Some(format!("b{}", p.x_id().unwrap_or(0) % 3)),
            _ => Some(p.id.clone()),
        };
        let options = fz.analysis_options(2);
        fz.call(
            || format!("grouping.to_experiment_in_blocks(mode {mode}) of {csv:.2000}"),
            || {
                grouping
                    .to_experiment_in_blocks("imported", "a", Metric::click_through(), block_of)
                    .and_then(|e| e.analyze_with(&Metric::click_through(), &options))
            },
            |r| result(r, check_analysis),
        );
    }
}

fn reports_target(fz: &mut Fuzz) {
    let alpha = fz.level();
    if let (Ok(test), Ok(prior)) = (
        Msprt::new(alpha, fz.shape()),
        BetaPrior::new(fz.shape(), fz.shape()),
    ) {
        let mut m = postab::report::MonitoringReport::new(fz.name(), "a", "b", test, prior);
        for _ in 0..fz.rng.random_range(1..4) {
            if let (Some(c), Some(t)) = (fz.tally(), fz.tally()) {
                let at = if fz.coin(0.5) { Some(fz.time()) } else { None };
                fz.call(
                    || format!("monitoring({test:?}, {prior:?}).look({c:?}, {t:?})"),
                    || m.look(at, c, t).cloned(),
                    |r| result(r, any),
                );
            }
        }
        let (text, md) = (m.text(), m.markdown());
        if text.contains("NaN") || md.contains("NaN") {
            fz.finding(format!("NaN printed in monitoring report {m:?}"));
        }
        round_trip(fz, "MonitoringReport", &m);
        let doc = m.document();
        fz.call(
            || "MonitoringReport document round trip".into(),
            || doc.to_json().and_then(|j| Document::from_json(&j)),
            |r| match r {
                Ok(_) => Ok(()),
                Err(e) => Err(format!("own JSON refused: {e}")),
            },
        );
        #[cfg(feature = "plot")]
        fz.call(
            || "plot::monitoring".into(),
            || postab::report::plot::monitoring(&m),
            |r| result(r, any),
        );
    }
}

/// A value that serialises must read back.
fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(fz: &mut Fuzz, name: &str, v: &T) {
    fz.call(
        || format!("{name} JSON round trip"),
        || {
            serde_json::to_string(v)
                .map_err(|e| e.to_string())
                .and_then(|j| serde_json::from_str::<T>(&j).map_err(|e| format!("{e}: {j:.300}")))
        },
        |r| match r {
            Ok(_) => Ok(()),
            Err(e) => Err(format!("{name} does not read its own JSON: {e}")),
        },
    );
}

/// JSON with edge values in every field: what deserialises must be usable
/// without breaking an invariant (i.e. it was validated).
fn deser_target(fz: &mut Fuzz) {
    fn num(fz: &mut Fuzz) -> String {
        let x = fz.f64();
        if x.is_finite() {
            format!("{x:e}")
        } else {
            fz.pick(&["\"inf\"", "\"NaN\"", "null", "-1"]).to_string()
        }
    }
    let (x, y) = (num(fz), num(fz));
    match fz.rng.random_range(0..10) {
        0 => {
            let json = format!(r#"{{"alpha": {x}, "beta": {y}}}"#);
            let p = fz.call(
                || format!("BetaPosterior from {json}"),
                || serde_json::from_str::<BetaPosterior>(&json),
                any,
            );
            if let Some(Ok(p)) = p
                && let Some(b) = fz.beta()
            {
                two_arm(fz, p, b);
            }
            let q = fz.call(
                || format!("BetaPrior from {json}"),
                || serde_json::from_str::<BetaPrior>(&json),
                any,
            );
            if let Some(Ok(q)) = q {
                fz.call(
                    || format!("{q:?}.update(3, 10)"),
                    || q.update(3, 10).map(|p| bayes::prob_beats(&p, &p)),
                    |r| result(r, |b| prob("P", b.b_beats_a)),
                );
            }
        }
        1 => {
            let json = format!(r#"{{"shape": {x}, "rate": {y}}}"#);
            let p = fz.call(
                || format!("GammaPosterior from {json}"),
                || serde_json::from_str::<GammaPosterior>(&json),
                any,
            );
            if let Some(Ok(p)) = p
                && let Some(b) = fz.gamma()
            {
                two_arm(fz, p, b);
            }
        }
        2 => {
            let json = format!(r#"{{"mean": {x}, "sd": {y}}}"#);
            let p = fz.call(
                || format!("NormalPosterior from {json}"),
                || serde_json::from_str::<NormalPosterior>(&json),
                any,
            );
            if let Some(Ok(p)) = p {
                posterior_ops(fz, p);
            }
        }
        3 => {
            let json = format!(r#"{{"alpha": {x}, "tau": {y}, "null_difference": 0.0}}"#);
            let t = fz.call(
                || format!("Msprt from {json}"),
                || serde_json::from_str::<Msprt>(&json),
                any,
            );
            if let (Some(Ok(t)), Some(c), Some(d)) = (t, fz.tally(), fz.tally()) {
                fz.call(
                    || format!("{t:?}.look({c:?}, {d:?})"),
                    || t.look(c, d),
                    |r| result(r, |l| prob("p", l.p_value)),
                );
            }
        }
        4 => {
            let json = format!(r#"{{"epsilon": {x}}}"#);
            let p = fz.call(
                || format!("EpsilonGreedy from {json}"),
                || serde_json::from_str::<EpsilonGreedy>(&json),
                any,
            );
            if let Some(Ok(p)) = p
                && (p.epsilon().is_nan() || !(0.0..=1.0).contains(&p.epsilon()))
            {
                fz.finding(format!("EpsilonGreedy accepted {json}"));
            }
        }
        5 => {
            let json = format!(
                r#"{{"clicks": 5, "clicks": 7, "impressions": {}}}"#,
                fz.u64()
            );
            fz.call(
                || format!("Counts from {json}"),
                || serde_json::from_str::<Counts>(&json),
                |r| {
                    if r.is_ok() {
                        Err("duplicate key accepted".into())
                    } else {
                        Ok(())
                    }
                },
            );
            let json = r#"{"retweets": 2, "reposts": 3}"#;
            fz.call(
                || format!("Counts from {json}"),
                || serde_json::from_str::<Counts>(json),
                |r| {
                    if r.is_ok() {
                        Err("one outcome under two names accepted".into())
                    } else {
                        Ok(())
                    }
                },
            );
        }
        6 => {
            let json = format!(r#"{{"lower": {x}, "upper": {y}}}"#);
            fz.call(
                || format!("Interval from {json}"),
                || serde_json::from_str::<Interval>(&json),
                |r| match r {
                    Ok(iv) if iv.lower.partial_cmp(&iv.upper).is_none_or(|o| o.is_gt()) => {
                        Err(format!("accepted {iv:?}"))
                    }
                    _ => Ok(()),
                },
            );
        }
        7 => {
            let json = format!(r#"{{"alpha": {x}, "spending": "Pocock"}}"#);
            let g = fz.call(
                || format!("GroupSequential from {json}"),
                || serde_json::from_str::<GroupSequential>(&json),
                any,
            );
            if let Some(Ok(g)) = g {
                fz.call(
                    || format!("{g:?}.boundaries([0.5, 1])"),
                    || g.boundaries(&[0.5, 1.0]),
                    |r| result(r, |b| probs("cumulative alpha", &b.cumulative_alpha)),
                );
            }
        }
        8 => {
            let json = format!(r#"{{"weights": [{x}, {y}]}}"#);
            let p = fz.call(
                || format!("FixedSplit from {json}"),
                || serde_json::from_str::<FixedSplit>(&json),
                any,
            );
            if let Some(Ok(p)) = p
                && let (Some(a), Some(b)) = (fz.tally(), fz.tally())
            {
                let arms = [a, b];
                fz.call(
                    || format!("{p:?}.weights"),
                    || {
                        let mut w = [0.0; 2];
                        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
                        p.weights(&arms, &mut rng, &mut w).map(|()| w)
                    },
                    |r| result(r, |w| sums_to_one("weights", w)),
                );
            }
        }
        _ => {
            let json = format!(r#"{{"loss_threshold": {x}, "rope": {y}}}"#);
            let rule = fz.call(
                || format!("DecisionRule from {json}"),
                || serde_json::from_str::<DecisionRule>(&json),
                any,
            );
            if let Some(Ok(rule)) = rule {
                let ps = fz.arms(3, Fuzz::beta);
                fz.call(
                    || format!("decide({ps:?}, 0, {rule:?})"),
                    || bayes::decide(&ps, 0, &rule),
                    |r| result(r, any),
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Posts as the unit: posts in experiments, designs, unit-level comparisons,
// account histories, post plans and the post simulator
// ---------------------------------------------------------------------------

/// Every invariant of an [`Analysis`]: the impression-level figures and the
/// unit-level comparisons (the design's unit, `P(B better) + P(A better) =
/// 1`, ordered intervals, a test exactly when there is an adjusted p-value,
/// adjusted p-values not below the raw ones), and no `NaN` printed.
fn check_analysis(a: &Analysis) -> Check {
    let pb: Vec<f64> = a.variants.iter().map(|v| v.prob_best).collect();
    sums_to_one("P(best)", &pb)?;
    for v in &a.variants {
        loss("expected loss", v.expected_loss)?;
        within(
            "credible interval",
            &v.credible_interval,
            0.0,
            f64::INFINITY,
        )?;
        within(
            "confidence interval",
            &v.confidence_interval,
            0.0,
            f64::INFINITY,
        )?;
        if let Some(c) = &v.vs_control {
            prob("P(beats control)", c.prob_beats_control)?;
            prob("p", c.p_value)?;
            prob("adjusted p", c.adjusted_p_value)?;
            if let Some(iv) = &c.difference_interval {
                within("difference interval", iv, f64::NEG_INFINITY, f64::INFINITY)?;
            }
            if let Some(iv) = &c.ratio_interval {
                within("ratio interval", iv, 0.0, f64::INFINITY)?;
            }
        }
    }
    let unit = a.design.unit();
    for c in &a.comparisons {
        if c.unit != unit || c.bayes.unit != unit {
            return Err(format!(
                "comparison of {:?} at unit {} / {} in a {} design",
                c.variant, c.unit, c.bayes.unit, a.design.design
            ));
        }
        check_hierarchical(&c.bayes)?;
        match (&c.test, c.adjusted_p_value) {
            (Some(t), Some(p)) => {
                check_log_ratio(t.test())?;
                prob("adjusted unit p", p)?;
                if p < t.p_value() * (1.0 - 1e-12) {
                    return Err(format!(
                        "adjusted unit p {p:e} below the raw {:e}",
                        t.p_value()
                    ));
                }
                if let UnitTest::Paired(pc) = t {
                    check_paired(pc)?;
                }
            }
            (None, None) => {}
            (t, p) => {
                return Err(format!(
                    "unit test {} but adjusted p-value {p:?}",
                    if t.is_some() { "present" } else { "absent" }
                ));
            }
        }
        if let Some(s) = &c.stratified {
            prob("CMH p", s.cmh.p_value)?;
            within(
                "MH odds-ratio interval",
                &s.odds_ratio.interval,
                0.0,
                f64::INFINITY,
            )?;
            if let Some(bd) = &s.breslow_day {
                prob("Breslow-Day p", bd.p_value)?;
            }
        }
    }
    let (text, md) = (a.text(), a.markdown());
    if text.contains("NaN") || md.contains("NaN") {
        return Err("NaN printed".into());
    }
    Ok(())
}

/// A hierarchical posterior: `P(δ > 0) + P(δ < 0) = 1`, a finite mean,
/// ordered intervals (the rate ratio's in [0, ∞]), losses ≥ 0 that are
/// both finite or both `+∞`, a finite `τ` median ≥ 0.
fn check_hierarchical(h: &HierarchicalPosterior) -> Check {
    for (name, p) in [
        ("P(B better)", h.prob_b_better),
        ("P(A better)", h.prob_a_better),
    ] {
        prob(name, p)?;
    }
    let s = h.prob_b_better + h.prob_a_better;
    if (s - 1.0).abs() > 1e-12 {
        return Err(format!("P(B better) + P(A better) = {s:e}"));
    }
    finite("posterior mean of δ", h.mean)?;
    within(
        "credible interval of δ",
        &h.credible_interval,
        f64::NEG_INFINITY,
        f64::INFINITY,
    )?;
    within(
        "rate-ratio credible interval",
        &h.rate_ratio_credible_interval,
        0.0,
        f64::INFINITY,
    )?;
    if !(h.loss_choose_a >= 0.0 && h.loss_choose_b >= 0.0)
        || h.loss_choose_a.is_finite() != h.loss_choose_b.is_finite()
    {
        return Err(format!(
            "losses {:e} (choose A), {:e} (choose B)",
            h.loss_choose_a, h.loss_choose_b
        ));
    }
    if !(h.tau_median >= 0.0 && h.tau_median.is_finite()) {
        return Err(format!("τ median {:e}", h.tau_median));
    }
    Ok(())
}

/// A t-test of a log rate ratio: p in [0, 1], a finite estimate inside its
/// interval, a standard error ≥ 0, degrees of freedom > 0, the rate ratio's
/// interval in [0, ∞].
fn check_log_ratio(t: &LogRatioTest) -> Check {
    prob("log-ratio p", t.p_value)?;
    finite("log rate ratio", t.log_rate_ratio)?;
    if !(t.std_error >= 0.0 && t.degrees_of_freedom > 0.0) {
        return Err(format!(
            "standard error {:e}, {:e} degrees of freedom",
            t.std_error, t.degrees_of_freedom
        ));
    }
    within(
        "log-ratio interval",
        &t.log_ratio_interval,
        f64::NEG_INFINITY,
        f64::INFINITY,
    )?;
    within(
        "rate-ratio interval",
        &t.rate_ratio_interval,
        0.0,
        f64::INFINITY,
    )?;
    let slack = 1e-12 * t.log_rate_ratio.abs().max(1.0);
    if t.log_rate_ratio < t.log_ratio_interval.lower - slack
        || t.log_rate_ratio > t.log_ratio_interval.upper + slack
    {
        return Err(format!(
            "estimate {:e} outside its interval [{:e}, {:e}]",
            t.log_rate_ratio, t.log_ratio_interval.lower, t.log_ratio_interval.upper
        ));
    }
    Ok(())
}

fn check_paired(p: &PairedComparison) -> Check {
    if p.unit != UnitOfAnalysis::Block || p.blocks < 2 {
        return Err(format!("paired comparison of {} {}s", p.blocks, p.unit));
    }
    check_log_ratio(&p.test)?;
    prob("random-effects p", p.random_effects.p_value)?;
    finite("random-effects estimate", p.random_effects.log_rate_ratio)?;
    if !(p.random_effects.tau_squared >= 0.0 && p.random_effects.std_error >= 0.0) {
        return Err(format!("random effects {:?}", p.random_effects));
    }
    within(
        "random-effects interval",
        &p.random_effects.interval,
        f64::NEG_INFINITY,
        f64::INFINITY,
    )
}

fn check_post_ratio(r: &PostRatioComparison) -> Check {
    if r.unit != UnitOfAnalysis::Post || r.posts_a < 2 || r.posts_b < 2 {
        return Err(format!(
            "post comparison of {} + {} {}s",
            r.posts_a, r.posts_b, r.unit
        ));
    }
    check_log_ratio(&r.test)
}

/// A value that serialises must read back as itself.
fn round_trip_eq<T>(fz: &mut Fuzz, name: &str, v: &T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + Debug,
{
    fz.call(
        || format!("{name} JSON round trip"),
        || {
            serde_json::to_string(v)
                .map_err(|e| e.to_string())
                .and_then(|j| {
                    serde_json::from_str::<T>(&j)
                        .map(|back| (back, j.clone()))
                        .map_err(|e| format!("{e}: {j:.300}"))
                })
        },
        |r| match r {
            Ok((back, _)) if back == v => Ok(()),
            Ok((_, j)) => Err(format!("{name} reads its JSON back changed: {j}")),
            Err(e) => Err(format!("{name} does not read its own JSON: {e}")),
        },
    );
}

/// Posts as `[(successes, trials), …]`, long lists shortened.
fn pairs(ps: &[Proportion]) -> String {
    let show = |ps: &[Proportion]| {
        ps.iter()
            .map(|p| format!("({}, {})", p.successes(), p.trials()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if ps.len() <= 40 {
        format!("[{}]", show(ps))
    } else {
        format!(
            "[{} posts: {}, …, {}]",
            ps.len(),
            show(&ps[..20]),
            show(&ps[ps.len() - 5..])
        )
    }
}

impl Fuzz {
    /// One post's `(successes, trials)`: 1 trial, 10¹² trials, edge counts;
    /// 0 or all successes, sometimes more successes than trials.
    fn post_pair(&mut self) -> (u64, u64) {
        let n = match self.rng.random_range(0..10) {
            0 => 1,
            1 => 1_000_000_000_000,
            2 => self.pick(EDGE_U64),
            _ => 10f64.powf(self.rng.random_range(0.0..5.0)) as u64,
        };
        let s = match self.rng.random_range(0..10) {
            0 => 0,
            1 => n,
            2 => n.saturating_add(1),
            3 => self.rng.random_range(0..=n),
            _ => (n as f64 * 0.1 * self.rng.random::<f64>()) as u64,
        };
        (s, n)
    }

    /// 1–200 posts (mostly a few), the valid ones of [`Fuzz::post_pair`].
    fn post_list(&mut self) -> Vec<Proportion> {
        let m = if self.coin(0.85) {
            self.rng.random_range(1..=6)
        } else {
            self.rng.random_range(1..=200)
        };
        (0..m)
            .filter_map(|_| {
                let (s, n) = self.post_pair();
                Proportion::new(s, n).ok()
            })
            .collect()
    }

    /// An account's past posts: 0 to 2,000, mostly an ordinary account
    /// (a 0.5–5 % rate, hundreds to thousands of impressions), sometimes
    /// edge posts.
    fn history_posts(&mut self) -> Vec<Proportion> {
        let m = match self.rng.random_range(0..10) {
            0 => self.pick(&[0, 1, MIN_HISTORY_POSTS - 1, MIN_HISTORY_POSTS]),
            1 => self.rng.random_range(200..=2_000),
            _ => self.rng.random_range(MIN_HISTORY_POSTS..60),
        };
        let edgy = self.coin(0.3);
        let rate = 10f64.powf(self.rng.random_range(-2.3..-1.3));
        (0..m)
            .filter_map(|_| {
                let (s, n) = if edgy && self.coin(0.3) {
                    self.post_pair()
                } else {
                    let n = 10f64.powf(self.rng.random_range(2.0..4.0)) as u64;
                    let p = (rate * self.rng.random_range(0.3..3.0)).min(1.0);
                    ((n as f64 * p) as u64, n)
                };
                Proportion::new(s, n).ok()
            })
            .collect()
    }

    fn history(&mut self) -> Option<AccountHistory> {
        let posts = self.history_posts();
        let h = self.call(
            || format!("AccountHistory::fit({})", pairs(&posts)),
            || AccountHistory::fit(&posts),
            |r| result(r, check_history),
        );
        h.and_then(Result::ok)
    }

    /// A post's counts: impressions and clicks from [`Fuzz::post_pair`]
    /// (clicks may exceed impressions), sometimes none, sometimes
    /// `u64::MAX` of each.
    fn post_counts(&mut self) -> Counts {
        let (s, n) = match self.rng.random_range(0..12) {
            0 => return Counts::new(),
            1 => (u64::MAX, u64::MAX),
            2 => (self.u64(), u64::MAX),
            _ => self.post_pair(),
        };
        Counts::new()
            .with(&Outcome::Impression, n)
            .and_then(|c| c.with(&Outcome::Click, s))
            .unwrap_or_default()
    }

    /// A post's counts in an experiment: mostly an ordinary post (100 to
    /// 10⁴ impressions, a rate up to 10 %), sometimes [`Fuzz::post_counts`].
    fn experiment_post_counts(&mut self) -> Counts {
        if self.coin(0.03) {
            return self.post_counts();
        }
        let n = 10f64.powf(self.rng.random_range(2.0..4.0)) as u64;
        let s = (n as f64 * 0.1 * self.rng.random::<f64>()) as u64;
        Counts::new()
            .with(&Outcome::Impression, n)
            .and_then(|c| c.with(&Outcome::Click, s))
            .unwrap_or_default()
    }

    fn design(&mut self) -> Design {
        self.pick(&[
            Design::RandomisedExposure,
            Design::IndependentPosts,
            Design::PairedPosts,
        ])
    }

    /// Analysis options: the level, split, correction and history at random.
    fn analysis_options(&mut self, variants: usize) -> AnalysisOptions {
        let mut o = AnalysisOptions::default();
        if self.coin(0.5) {
            o.level = self.level();
        }
        if self.coin(0.15) {
            let len = self.pick(&[variants, variants, variants + 1, 1]);
            o.split = Some(
                (0..len)
                    .map(|_| if self.coin(0.8) { 1.0 } else { self.f64() })
                    .collect(),
            );
        }
        if self.coin(0.3) {
            o.correction = self.pick(&[
                Correction::Unadjusted,
                Correction::Bonferroni,
                Correction::Sidak,
                Correction::Holm,
                Correction::Hochberg,
                Correction::BenjaminiHochberg,
                Correction::BenjaminiYekutieli,
            ]);
        }
        if self.coin(0.3) {
            o.history = self.history();
        }
        o
    }
}

fn check_history(h: &AccountHistory) -> Check {
    if h.posts().len() < MIN_HISTORY_POSTS {
        return Err(format!("a history of {} posts", h.posts().len()));
    }
    prob("pooled rate", h.pooled_rate())?;
    if !(h.tau_median() >= 0.0 && h.tau_median().is_finite()) {
        return Err(format!("τ median {:e}", h.tau_median()));
    }
    Ok(())
}

/// Compact description of an experiment's posts for reproducers:
/// `id:variant[block]@time clicks/impressions` (with recorded events).
fn describe_posts(exp: &Experiment) -> String {
    let mut s = String::new();
    for p in exp.posts() {
        let c = exp
            .post_counts(p.id())
            .map(|c| format!("{}/{}", c.clicks(), c.impressions()))
            .unwrap_or_else(|e| format!("<{e}>"));
        s.push_str(&format!(
            "{:?}:{:?}[{:?}]@{:?} {c}; ",
            short(p.id()),
            p.variant(),
            p.block(),
            p.publication_time().map(|t| t.timestamp())
        ));
    }
    s
}

fn posts_target(fz: &mut Fuzz) {
    let k = if fz.coin(0.6) {
        2
    } else {
        fz.rng.random_range(3..=4)
    };
    let ids: Vec<String> = (0..k).map(|i| format!("v{i}")).collect();
    let declared = if fz.coin(0.5) {
        None
    } else {
        Some(fz.design())
    };
    let mut builder = Experiment::builder("posts").control("v0");
    for id in &ids {
        builder = builder.variant(id.clone(), "text");
    }
    if let Some(d) = declared {
        builder = builder.design(d);
    }
    let built = fz.call(
        || format!("ExperimentBuilder({ids:?}).design({declared:?}).build()"),
        || builder.build(),
        |r| match r {
            Ok(_) => Ok(()),
            Err(e) => Err(format!("a valid experiment refused: {e}")),
        },
    );
    let Some(Ok(mut exp)) = built else { return };

    // Posts, in one of three shapes: blocks with one post per variant
    // (now and then a post missing, a second post of a variant, a stray
    // key), independent posts of random variants, or anything (unknown
    // variants, duplicate and odd ids, block keys from a small pool so that
    // some blocks hold one variant and some two posts of one variant).
    // Publication times are sometimes missing.
    let mut plan: Vec<(String, String, Option<String>)> = Vec::new();
    let variant = |fz: &mut Fuzz| ids[fz.rng.random_range(0..k)].clone();
    match fz.rng.random_range(0..10) {
        0..=3 => {
            for b in 0..fz.rng.random_range(1..=8) {
                for v in &ids {
                    if fz.coin(0.04) {
                        continue;
                    }
                    let key = if fz.coin(0.04) {
                        format!("b{}", fz.rng.random_range(0..8))
                    } else {
                        format!("b{b}")
                    };
                    plan.push((format!("{v}-{b}"), v.clone(), Some(key.clone())));
                    if fz.coin(0.03) {
                        plan.push((format!("{v}-{b}x"), v.clone(), Some(key)));
                    }
                }
            }
        }
        4..=7 => {
            for i in 0..fz.rng.random_range(2 * k..=16) {
                let id = if fz.coin(0.05) {
                    format!("p{}", i / 2)
                } else {
                    format!("p{i}")
                };
                let block = fz.coin(0.05).then(|| "b0".to_string());
                plan.push((id, variant(fz), block));
            }
        }
        _ => {
            let n = if fz.coin(0.9) {
                fz.rng.random_range(0..12)
            } else {
                fz.rng.random_range(0..60)
            };
            let blocked = fz.coin(0.5);
            for _ in 0..n {
                let id = if fz.coin(0.1) {
                    fz.name()
                } else {
                    format!("p{}", fz.rng.random_range(0..16))
                };
                let v = if fz.coin(0.1) {
                    fz.pick(&["zz", ""]).to_string()
                } else {
                    variant(fz)
                };
                let block = ((blocked && fz.coin(0.9)) || fz.coin(0.1)).then(|| {
                    if fz.coin(0.05) {
                        String::new()
                    } else {
                        format!("b{}", fz.rng.random_range(0..5))
                    }
                });
                plan.push((id, v, block));
            }
        }
    }
    let mut batch = Vec::new();
    for (id, variant, block) in plan {
        let post = fz.call(
            || format!("Post::new({:?}, {variant:?})", short(&id)),
            || Post::new(id.clone(), variant.clone()),
            |r| match r {
                Ok(_) if id.is_empty() || variant.is_empty() => Err("an empty id accepted".into()),
                Err(_) if !id.is_empty() && !variant.is_empty() => {
                    Err("a valid post refused".into())
                }
                r => result(r, any),
            },
        );
        let Some(Ok(mut post)) = post else { continue };
        if fz.coin(0.9) {
            post = post.published_at(fz.time());
        }
        if let Some(key) = block {
            let p = post.clone();
            let r = fz.call(
                || format!("{post:?}.in_block({key:?})"),
                || p.in_block(key.clone()),
                |r| result(r, any),
            );
            if let Some(Ok(p)) = r {
                post = p;
            }
        }
        post = post.with_counts(fz.experiment_post_counts());
        if fz.coin(0.2) {
            round_trip_eq(fz, "Post", &post);
        }
        if fz.coin(0.3) {
            batch.push(post);
            continue;
        }
        let before = exp.posts().len();
        let known = exp.variant(post.variant()).is_some();
        let duplicate = exp.post(post.id()).is_some();
        let desc = format!("add_post({post:?}) to {}", describe_posts(&exp));
        let p = post.clone();
        let added = fz.call(|| desc.clone(), || exp.add_post(p), |r| result(r, any));
        if let Some(r) = added {
            let after = exp.posts().len();
            let ok = match r {
                Ok(()) => known && !duplicate && after == before + 1,
                Err(_) => (duplicate || !known) && after == before,
            };
            if !ok || (r.is_ok() && exp.post(post.id()) != Some(&post)) {
                fz.finding(format!(
                    "add_post: {r:?} with {before} → {after} posts (variant known {known}, duplicate id {duplicate}): {desc}"
                ));
            }
        }
    }
    if !batch.is_empty() {
        let before = exp.posts().to_vec();
        let desc = format!("add_posts({batch:?}) to {}", describe_posts(&exp));
        let b = batch.clone();
        let added = fz.call(|| desc.clone(), || exp.add_posts(b), |r| result(r, any));
        let grew = exp.posts().len() - before.len();
        match added {
            Some(Ok(())) if grew != batch.len() || exp.posts()[..before.len()] != before[..] => {
                fz.finding(format!("add_posts added {grew} of {}: {desc}", batch.len()))
            }
            Some(Err(_)) if exp.posts() != &before[..] => {
                fz.finding(format!("add_posts failed but changed the posts: {desc}"))
            }
            _ => {}
        }
    }

    // Top-ups and events, for known and unknown posts.
    let events = if fz.coin(0.3) {
        fz.rng.random_range(1..4)
    } else {
        0
    };
    for _ in 0..events {
        let id = match exp.posts().len() {
            0 => "p0".to_string(),
            m if fz.coin(0.9) => exp.posts()[fz.rng.random_range(0..m)].id().to_string(),
            _ => fz.name(),
        };
        let o = [Outcome::Impression, Outcome::Click, Outcome::Reply][fz.rng.random_range(0..3)]
            .clone();
        match fz.rng.random_range(0..3) {
            0 => {
                let c = if fz.coin(0.2) {
                    fz.post_counts()
                } else {
                    fz.experiment_post_counts()
                };
                fz.call(
                    || format!("add_post_counts({:?}, {c:?})", short(&id)),
                    || exp.add_post_counts(&id, c.clone()),
                    |r| result(r, any),
                );
            }
            1 => {
                let at = fz.time();
                fz.call(
                    || format!("record_post({:?}, {o:?}, {at})", short(&id)),
                    || exp.record_post(&id, o.clone(), at),
                    |r| result(r, any),
                );
            }
            _ => {
                let (at, n) = (fz.time(), fz.u64());
                fz.call(
                    || format!("record_post_n({:?}, {o:?}, {at}, {n})", short(&id)),
                    || exp.record_post_n(&id, o.clone(), at, n),
                    |r| result(r, any),
                );
            }
        }
    }
    // Now and then data of a variant not attributed to any post.
    if fz.coin(0.08) {
        let c = fz.post_counts();
        let _ = exp.add_counts("v1", c);
    }
    let mut ids_now: Vec<String> = exp.posts().iter().map(|p| p.id().to_string()).collect();
    ids_now.truncate(4);
    ids_now.push("no-such-post".into());
    for id in &ids_now {
        let e = &exp;
        fz.call(
            || format!("post_counts({:?}) of {}", short(id), describe_posts(e)),
            || (e.post(id).cloned(), e.post_counts(id)),
            |(p, r)| {
                let known = id != "no-such-post";
                if p.as_ref().map(Post::id) != known.then_some(id.as_str()) {
                    return Err(format!("post({:?}) is {p:?}", short(id)));
                }
                match r {
                    Err(postab::Error::UnknownPost { .. }) if known => {
                        Err("a known post is unknown".into())
                    }
                    Ok(_) if !known => Err("counts of an unknown post".into()),
                    r => result(r, any),
                }
            },
        );
    }

    let options = fz.analysis_options(k);
    let rate = fz.coin(0.85);
    let metric = if rate {
        Metric::click_through()
    } else {
        Metric::per_exposure("replies", [Outcome::Reply], Outcome::Impression)
            .expect("a valid metric")
    };
    let desc = format!(
        "design {declared:?}, posts {}, options level {:e} split {:?} {:?} history {:?} posts, metric {}",
        describe_posts(&exp),
        options.level,
        options.split,
        options.correction,
        options.history.as_ref().map(|h| h.posts().len()),
        metric.name()
    );
    let e = &exp;
    let choice = fz.call(
        || format!("Experiment::design({desc})"),
        || e.design(&options),
        |r| {
            result(r, |c| {
                let expected = match (declared, &options.split) {
                    (Some(d), _) => Some((d, DesignSource::Declared)),
                    (None, Some(_)) => Some((Design::RandomisedExposure, DesignSource::Declared)),
                    (None, None) => None,
                };
                match expected {
                    Some((d, s)) if (c.design, c.source) != (d, s) => {
                        Err(format!("design {c} where {d:?} was declared"))
                    }
                    None if c.source != DesignSource::Inferred
                        || (c.design == Design::PairedPosts)
                            != e.posts().iter().any(|p| p.block().is_some()) =>
                    {
                        Err(format!("inferred design {c}"))
                    }
                    _ => Ok(()),
                }
            })
        },
    );
    let default = fz.coin(0.3) && options == AnalysisOptions::default();
    let analysis = fz.call(
        || format!("analyze_with({desc})"),
        || {
            if default {
                e.analyze(&metric)
            } else {
                e.analyze_with(&metric, &options)
            }
        },
        |r| {
            result(r, |a| {
                check_analysis(a)?;
                if let Some(Ok(c)) = &choice
                    && a.design != *c
                {
                    return Err(format!("analysed as {} but design() says {c}", a.design));
                }
                // Rates and counts per exposure under either post design
                // (post by post, or block by block).
                let unit_level = !matches!(a.design.design, Design::RandomisedExposure);
                if unit_level && a.comparisons.len() != k - 1 {
                    return Err(format!(
                        "{} unit comparisons for {k} variants",
                        a.comparisons.len()
                    ));
                }
                if !unit_level && !a.comparisons.is_empty() {
                    return Err("unit comparisons without a post design".into());
                }
                Ok(())
            })
        },
    );
    if let Some(Ok(a)) = analysis {
        round_trip_eq(fz, "Analysis", &a);
        let doc = a.document();
        fz.call(
            || format!("Document round trip of {desc}"),
            || doc.to_json().and_then(|j| Document::from_json(&j)),
            |r| match r {
                Ok(d) if *d == doc => Ok(()),
                Ok(_) => Err("document reads back changed".into()),
                Err(e) => Err(format!("own JSON refused: {e}")),
            },
        );
    }
    if fz.coin(0.3) {
        round_trip_eq(fz, "Experiment", &exp);
    }
}

fn unit_target(fz: &mut Fuzz) {
    let level = fz.level();
    match fz.rng.random_range(0..8) {
        0 | 1 => {
            let (a, b) = (fz.post_list(), fz.post_list());
            let desc = format!("{}, {}, {level:e}", pairs(&a), pairs(&b));
            let r = fz.call(
                || format!("post_ratio_test({desc})"),
                || post_ratio_test(&a, &b, level),
                |r| result(r, check_post_ratio),
            );
            if let Some(Ok(r)) = r {
                round_trip_eq(fz, "PostRatioComparison", &r);
            }
            let v = fz.pick(&[PostVariance::Pooled, PostVariance::Welch]);
            fz.call(
                || format!("post_ratio_test_with({desc}, {v:?})"),
                || post_ratio_test_with(&a, &b, level, v),
                |r| {
                    result(r, |t| {
                        check_post_ratio(t)?;
                        if t.variance == v {
                            Ok(())
                        } else {
                            Err(format!("asked {v:?}, got {:?}", t.variance))
                        }
                    })
                },
            );
        }
        2 | 3 => {
            let (a, b) = (fz.post_list(), fz.post_list());
            let history = if fz.coin(0.5) { fz.history() } else { None };
            let h = fz.call(
                || {
                    format!(
                        "post_bayes({}, {}, {level:e}, history {:?})",
                        pairs(&a),
                        pairs(&b),
                        history.as_ref().map(|h| pairs(h.posts()))
                    )
                },
                || post_bayes(&a, &b, level, history.as_ref()),
                |r| {
                    result(r, |h| {
                        check_hierarchical(h)?;
                        if h.unit == UnitOfAnalysis::Post {
                            Ok(())
                        } else {
                            Err(format!("unit {}", h.unit))
                        }
                    })
                },
            );
            if let Some(Ok(h)) = h {
                round_trip_eq(fz, "HierarchicalPosterior", &h);
            }
        }
        4 | 5 => {
            let k = if fz.coin(0.9) {
                fz.rng.random_range(0..=8)
            } else {
                fz.rng.random_range(0..200)
            };
            // Orders: none, all, or some recorded (a typed error).
            let orders = fz.rng.random_range(0..3);
            let mut blocks = Vec::new();
            for i in 0..k {
                let (sa, na) = fz.post_pair();
                let (sb, nb) = fz.post_pair();
                let (Ok(a), Ok(b)) = (Proportion::new(sa, na), Proportion::new(sb, nb)) else {
                    continue;
                };
                let key = match fz.rng.random_range(0..20) {
                    0 => String::new(),
                    1 => "dup".to_string(),
                    _ => format!("b{i}"),
                };
                let block = fz.call(
                    || format!("Block::new({key:?}, {a:?}, {b:?})"),
                    || Block::new(key.clone(), a, b),
                    |r| result(r, any),
                );
                let Some(Ok(mut block)) = block else { continue };
                if orders == 1 || (orders == 2 && fz.coin(0.5)) {
                    block = block.with_order(fz.pick(&[Order::AFirst, Order::BFirst]));
                }
                blocks.push(block);
            }
            let desc = blocks
                .iter()
                .map(|b| {
                    format!(
                        "{:?}:({}, {})/({}, {}) {:?}",
                        b.key(),
                        b.a().successes(),
                        b.a().trials(),
                        b.b().successes(),
                        b.b().trials(),
                        b.order()
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            let t = fz.call(
                || format!("paired_test([{desc}], {level:e})"),
                || paired_test(&blocks, level),
                |r| result(r, check_paired),
            );
            if let Some(Ok(t)) = t {
                round_trip_eq(fz, "PairedComparison", &t);
            }
            let history = if fz.coin(0.4) { fz.history() } else { None };
            let h = fz.call(
                || {
                    format!(
                        "paired_bayes([{desc}], {level:e}, history {:?})",
                        history.as_ref().map(|h| pairs(h.posts()))
                    )
                },
                || paired_bayes(&blocks, level, history.as_ref()),
                |r| {
                    result(r, |h| {
                        check_hierarchical(h)?;
                        if h.unit == UnitOfAnalysis::Block {
                            Ok(())
                        } else {
                            Err(format!("unit {}", h.unit))
                        }
                    })
                },
            );
            if let Some(Ok(h)) = h {
                round_trip_eq(fz, "HierarchicalPosterior", &h);
            }
        }
        6 => {
            let Some(h) = fz.history() else { return };
            let desc = format!("AccountHistory({})", pairs(h.posts()));
            let q = fz.level();
            fz.call(
                || format!("{desc}.tau_quantile({q:e})"),
                || h.tau_quantile(q),
                |r| {
                    result(r, |&t| {
                        if t >= 0.0 && t.is_finite() {
                            Ok(())
                        } else {
                            Err(format!("τ quantile {t:e}"))
                        }
                    })
                },
            );
            fz.call(
                || format!("{desc}.tau_interval({level:e})"),
                || h.tau_interval(level),
                |r| result(r, |iv| within("τ interval", iv, 0.0, f64::INFINITY)),
            );
            fz.call(
                || format!("{desc}.concentration_median/interval({level:e})"),
                || (h.concentration_median(), h.concentration_interval(level)),
                |(m, iv)| {
                    result(m, |&m| {
                        if m > 0.0 && m.is_finite() {
                            Ok(())
                        } else {
                            Err(format!("concentration median {m:e}"))
                        }
                    })?;
                    result(iv, |iv| {
                        within("concentration interval", iv, 0.0, f64::INFINITY)
                    })
                },
            );
            round_trip_eq(fz, "AccountHistory", &h);
        }
        _ => {
            let plan = PostPlan {
                rate: if fz.coin(0.7) {
                    10f64.powf(fz.rng.random_range(-4.0..-0.5))
                } else {
                    fz.f64()
                },
                lift: if fz.coin(0.7) {
                    fz.rng.random_range(-0.9..2.0)
                } else {
                    fz.f64()
                },
                impressions: fz.shape(),
                concentration: fz.shape(),
            };
            let (alpha, power) = (fz.level(), fz.level());
            let count = fz.pick(&[0usize, 1, 2, 3, 12, 1_000, MAX_PLANNED_POSTS, usize::MAX]);
            let sd = fz.call(
                || format!("{plan:?}.log_ratio_sd()"),
                || plan.log_ratio_sd(),
                |r| {
                    result(r, |&s| {
                        if s > 0.0 && s.is_finite() {
                            Ok(())
                        } else {
                            Err(format!("sd {s:e}"))
                        }
                    })
                },
            );
            fz.call(
                || format!("{plan:?}.paired_power/independent_power({count}, {alpha:e})"),
                || {
                    (
                        plan.paired_power(count, alpha),
                        plan.independent_power(count, alpha),
                    )
                },
                |(a, b)| {
                    result(a, |&p| prob("paired power", p))?;
                    result(b, |&p| prob("independent power", p))
                },
            );
            let needed = fz.call(
                || format!("{plan:?}.blocks_needed/posts_needed({alpha:e}, {power:e})"),
                || {
                    (
                        plan.blocks_needed(alpha, power),
                        plan.posts_needed(alpha, power),
                    )
                },
                |(a, b)| {
                    let at_least = |n: &usize| {
                        if *n >= 2 && *n <= MAX_PLANNED_POSTS {
                            Ok(())
                        } else {
                            Err(format!("{n} needed"))
                        }
                    };
                    result(a, at_least)?;
                    result(b, at_least)
                },
            );
            if let Some((Ok(k), Ok(m))) = needed {
                fz.call(
                    || format!("{plan:?} power at {k} blocks / {m} posts ≥ {power:e}"),
                    || {
                        (
                            plan.paired_power(k, alpha),
                            plan.independent_power(m, alpha),
                        )
                    },
                    |(a, b)| match (a, b) {
                        (Ok(a), Ok(b)) if *a >= power && *b >= power => Ok(()),
                        _ => Err(format!("the planned sizes fall short: {a:?}, {b:?}")),
                    },
                );
            }
            if let Some(Ok(_)) = sd {
                round_trip_eq(fz, "PostPlan", &plan);
            }
        }
    }
}

fn post_sim_target(fz: &mut Fuzz) {
    let k = fz.pick(&[0usize, 1, 2, 2, 2, 2, 3, 4]);
    let rates: Vec<f64> = (0..k)
        .map(|_| {
            if fz.coin(0.85) {
                10f64.powf(fz.rng.random_range(-3.0..-1.0))
            } else {
                fz.pick(&[0.0, 1.0, 1e-9, 1.0 - 1e-9, 0.5, f64::NAN, -0.1, 2.0])
            }
        })
        .collect();
    let design = if fz.coin(0.5) {
        PostDesign::independent(if fz.coin(0.9) {
            fz.rng.random_range(1..8)
        } else {
            fz.pick(&[0, 500_000, 1_000_000, usize::MAX])
        })
    } else {
        PostDesign::paired(
            if fz.coin(0.9) {
                fz.rng.random_range(2..10)
            } else {
                fz.pick(&[0, 1, 500_000, usize::MAX])
            },
            if fz.coin(0.8) {
                fz.rng.random_range(0.0..1.5)
            } else {
                fz.f64()
            },
            fz.pick(&[PublicationOrder::Alternating, PublicationOrder::AFirst]),
        )
    };
    let reps = if fz.coin(0.9) {
        fz.rng.random_range(1..=8)
    } else {
        fz.pick(&[0, 10_000_001, usize::MAX])
    };
    let seed = fz.rng.random::<u64>();
    let alpha = fz.level();
    let kappa = match fz.rng.random_range(0..10) {
        0..=4 => 100.0, // the default
        5..=7 => 10f64.powf(fz.rng.random_range(0.0..4.0)),
        _ => fz.f64(),
    };
    let mut b = PostSimulation::builder(rates.clone())
        .design(design)
        .replications(reps)
        .seed(seed)
        .alpha(alpha)
        .concentration(kappa)
        .independent_analysis(fz.pick(&[PostVariance::Pooled, PostVariance::Welch]));
    if fz.coin(0.5) {
        let median = if fz.coin(0.8) {
            10f64.powf(fz.rng.random_range(0.0..4.0))
        } else {
            fz.f64()
        };
        let spread = if fz.coin(0.8) {
            fz.rng.random_range(1.0..4.0)
        } else {
            fz.f64()
        };
        b = b.impressions(median, spread);
    }
    if fz.coin(0.3) {
        b = b.order_effect(if fz.coin(0.8) {
            fz.rng.random_range(-1.0..1.0)
        } else {
            fz.f64()
        });
    }
    if fz.coin(0.5) {
        b = b.threads(fz.pick(&[0, 1, 1, 2, usize::MAX]));
    }
    let desc = format!("{b:?}");
    let built = fz.call(
        || format!("PostSimulation::build({desc})"),
        || b.build(),
        |r| result(r, any),
    );
    let Some(Ok(sim)) = built else { return };
    fz.call(
        || format!("true_difference(0..={k}) of {desc}"),
        || (0..=k).map(|v| sim.true_difference(v)).collect::<Vec<_>>(),
        |d| {
            let ok = d
                .iter()
                .enumerate()
                .all(|(v, x)| x.is_some_and(f64::is_finite) == (v < k));
            if ok && d[0] == Some(0.0) {
                Ok(())
            } else {
                Err(format!("true differences {d:?}"))
            }
        },
    );
    // Time: keep a run to a few thousand simulated posts.
    let per_rep = design.posts_per_variant().saturating_mul(k);
    if per_rep <= 100 {
        let i = fz.rng.random_range(0..reps.saturating_add(1).min(20));
        let rep = fz.call(
            || format!("replication({i}) of {desc}"),
            || sim.replication(i).map(|r| (r, sim.replication(i))),
            |r| {
                if i >= reps {
                    return match r {
                        Ok(_) => Err(format!("replication {i} of {reps}")),
                        Err(_) => result(r, any),
                    };
                }
                result(r, |(rep, again)| {
                    if again.as_ref() != Ok(rep) {
                        return Err("replication not reproducible".into());
                    }
                    let m = design.posts_per_variant();
                    let shaped = rep.variants() == k
                        && (0..k).all(|v| rep.posts(v).len() == m)
                        && rep.posts(k).is_empty()
                        && rep.is_paired() == design.is_paired()
                        && rep.orders().is_none_or(|o| o.len() == m);
                    let counts_ok = (0..k)
                        .flat_map(|v| rep.posts(v))
                        .all(|p| p.trials() >= 1 && p.trials() <= MAX_POST_IMPRESSIONS);
                    if shaped && counts_ok {
                        Ok(())
                    } else {
                        Err(format!("replication {rep:?}"))
                    }
                })
            },
        );
        if let Some(Ok((rep, _))) = rep {
            let v = fz.rng.random_range(0..=k);
            fz.call(
                || format!("replication({i}).blocks({v}) of {desc}"),
                || rep.blocks(v),
                |r| match r {
                    Ok(b) if !(rep.is_paired() && v >= 1 && v < k) => {
                        Err(format!("{} blocks of variant {v}", b.len()))
                    }
                    Err(_) if rep.is_paired() && v >= 1 && v < k => {
                        Err("blocks of a paired replication refused".into())
                    }
                    r => result(r, any),
                },
            );
            round_trip_eq(fz, "PostReplication", &rep);
        }
    }
    if per_rep.saturating_mul(reps) <= 400 {
        let report = fz.call(
            || format!("run({desc})"),
            || sim.run(),
            |r| result(r, |rep| check_post_sim(rep, k, reps)),
        );
        if let Some(Ok(report)) = report {
            round_trip_eq(fz, "PostSimulationReport", &report);
        }
    }
}

/// A post simulation's report.
fn check_post_sim(r: &PostSimulationReport, k: usize, reps: usize) -> Check {
    if r.comparisons.len() + 1 != k || r.replications != reps {
        return Err(format!(
            "{} comparisons, {} replications",
            r.comparisons.len(),
            r.replications
        ));
    }
    for c in &r.comparisons {
        finite("true difference", c.true_difference)?;
        finite("ln of the mean ratio", c.log_mean_ratio)?;
        let rows = [
            Some(&c.post_level),
            c.unpaired.as_ref(),
            Some(&c.impression_level),
            c.cmh.as_ref(),
        ];
        for s in rows.into_iter().flatten() {
            if s.replications != reps as u64 || s.rejections + s.undefined > s.replications {
                return Err(format!("summary {s:?}"));
            }
            prob("rejection rate", s.rejection_rate())?;
            finite("rejection rate SE", s.rejection_rate_se())?;
            if let Some(cv) = &s.coverage {
                if cv.covered > cv.intervals || cv.intervals + s.undefined > s.replications {
                    return Err(format!("coverage {cv:?} of {s:?}"));
                }
                prob("coverage", cv.rate())?;
                finite("coverage SE", cv.rate_se())?;
                loss("mean interval width", cv.mean_width)?;
                finite("mean estimate", cv.mean_estimate)?;
            }
        }
    }
    if r.to_string().contains("NaN") {
        return Err("NaN printed".into());
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------

fn sweep(seed: u64, calls: u64, budget: Duration) -> Fuzz {
    std::panic::set_hook(Box::new(|_| {}));
    let mut fz = Fuzz::new(seed, budget);
    let targets: &[Target] = &[
        (bayes_target, 30),
        (numeric_target, 10),
        (freq_target, 20),
        (sequential_target, 6),
        (bandit_target, 6),
        (sim_target, 2),
        (schedule_target, 8),
        (experiment_target, 8),
        (deser_target, 10),
        (repeated_target, 6),
        (tracker_target, 3),
        (import_target, 2),
        (reports_target, 4),
        (posts_target, 8),
        (unit_target, 8),
        (post_sim_target, 2),
    ];
    // FUZZ_ONLY=3,7 restricts the sweep to those targets (by index above).
    let only: Vec<usize> = std::env::var("FUZZ_ONLY")
        .map(|v| v.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_default();
    let targets: Vec<Target> = targets
        .iter()
        .enumerate()
        .filter(|(i, _)| only.is_empty() || only.contains(i))
        .map(|(_, t)| *t)
        .collect();
    let total: u32 = targets.iter().map(|t| t.1).sum();
    while fz.calls < calls {
        let mut r = fz.rng.random_range(0..total);
        for &(t, w) in &targets {
            if r < w {
                t(&mut fz);
                break;
            }
            r -= w;
        }
    }
    let _ = std::panic::take_hook();
    fz
}

fn report(fz: &Fuzz, took: Duration) {
    eprintln!(
        "{} calls in {took:.1?}; slowest {:?}: {:.300}; {} findings",
        fz.calls,
        fz.slowest.0,
        fz.slowest.1,
        fz.findings.len()
    );
    for f in &fz.findings {
        eprintln!("  {f:.600}");
    }
}

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn fixed_seed_sweep_keeps_every_invariant() {
    let start = Instant::now();
    let fz = sweep(
        env("FUZZ_SEED", 20_261_201),
        env("FUZZ_CALLS", 20_000),
        Duration::from_millis(env("FUZZ_BUDGET_MS", 1_000)),
    );
    report(&fz, start.elapsed());
    assert!(
        fz.findings.is_empty(),
        "{} findings, first: {}",
        fz.findings.len(),
        fz.findings[0]
    );
}

/// The long run (≥ 10⁶ calls, release, 100 ms budget); see the module docs.
#[test]
#[ignore]
fn long_sweep() {
    let start = Instant::now();
    let fz = sweep(
        env("FUZZ_SEED", 7),
        env("FUZZ_CALLS", 1_000_000),
        Duration::from_millis(env("FUZZ_BUDGET_MS", 100)),
    );
    report(&fz, start.elapsed());
    assert!(fz.findings.is_empty(), "{} findings", fz.findings.len());
}
