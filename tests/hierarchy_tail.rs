//! Threshold tails of the hierarchical posterior, `P(δ > t)`
//! ([`post_prob_above`], [`paired_prob_above`]): against brute-force
//! two-dimensional integrals (`tests/data/hierarchy_tail_reference.py`,
//! nested QUADPACK over `(δ, τ)` without the closed form in `δ`), equal to
//! `prob_b_better` at `t = 0`, decreasing in `t`, symmetric under swapping
//! the variants, and typed errors for bad thresholds.
use postab::Error;
use postab::repeated::{
    AccountHistory, Block, Proportion, paired_bayes, paired_prob_above, post_bayes, post_prob_above,
};
use serde_json::Value;

/// Relative tolerance against the brute-force reference.
const TOL: f64 = 1e-8;

fn load(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("data")).expect("json")
}

fn posts(v: &Value) -> Vec<Proportion> {
    v.as_array()
        .expect("posts")
        .iter()
        .map(|p| {
            Proportion::new(p[0].as_u64().expect("s"), p[1].as_u64().expect("n")).expect("post")
        })
        .collect()
}

fn blocks(v: &Value) -> Vec<Block> {
    v.as_array()
        .expect("blocks")
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let n = |j: usize| b[j].as_u64().expect("count");
            Block::new(
                format!("b{i}"),
                Proportion::new(n(0), n(1)).expect("a"),
                Proportion::new(n(2), n(3)).expect("b"),
            )
            .expect("block")
        })
        .collect()
}

/// A case of the reference: posts or blocks, with its history if any.
struct Case {
    name: String,
    data: Data,
    history: Option<AccountHistory>,
}

enum Data {
    Posts(Vec<Proportion>, Vec<Proportion>),
    Blocks(Vec<Block>),
}

impl Case {
    fn read(v: &Value) -> Self {
        let data = if v["unit"] == "block" {
            Data::Blocks(blocks(&v["blocks"]))
        } else {
            Data::Posts(posts(&v["a"]), posts(&v["b"]))
        };
        let history = v
            .get("history")
            .map(|h| AccountHistory::fit(&posts(h)).expect("history"));
        Self {
            name: v["name"].as_str().expect("name").to_string(),
            data,
            history,
        }
    }

    fn prob_above(&self, t: f64) -> f64 {
        let h = self.history.as_ref();
        match &self.data {
            Data::Posts(a, b) => post_prob_above(a, b, t, h).expect("posts"),
            Data::Blocks(blocks) => paired_prob_above(blocks, t, h).expect("blocks"),
        }
    }

    fn prob_b_better(&self) -> f64 {
        let h = self.history.as_ref();
        match &self.data {
            Data::Posts(a, b) => post_bayes(a, b, 0.95, h).expect("posts").prob_b_better,
            Data::Blocks(blocks) => paired_bayes(blocks, 0.95, h).expect("blocks").prob_b_better,
        }
    }
}

fn cases() -> Vec<(Case, Vec<(f64, f64)>)> {
    let doc = load("tests/data/hierarchy-tail-reference.json");
    doc["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            let tails = c["tails"]
                .as_array()
                .expect("tails")
                .iter()
                .map(|t| {
                    (
                        t["threshold"].as_f64().expect("t"),
                        t["prob_above"].as_f64().expect("p"),
                    )
                })
                .collect();
            (Case::read(c), tails)
        })
        .collect()
}

#[test]
fn tails_match_brute_force_integrals() {
    let (mut worst, mut worst_tiny, mut smallest) = (0.0f64, 0.0f64, 1.0f64);
    let mut checked = 0;
    let all = cases();
    for (case, tails) in &all {
        for &(t, want) in tails {
            let got = case.prob_above(t);
            let err = (got - want).abs() / want;
            assert!(
                err <= TOL,
                "{} at t = {t}: {got:e} vs {want:e} (relative error {err:e})",
                case.name
            );
            worst = worst.max(err);
            if want < 1e-6 {
                worst_tiny = worst_tiny.max(err);
            }
            smallest = smallest.min(want);
            checked += 1;
        }
    }
    assert!(all.len() >= 4 && checked >= 12, "{} cases", all.len());
    assert!(smallest < 1e-9, "no tiny tail: smallest {smallest:e}");
    println!(
        "{checked} tails of {} cases: worst relative error {worst:e}; tails below 1e-6 \
         (smallest {smallest:e}): {worst_tiny:e}",
        all.len()
    );
}

/// At `t = 0` the tail is `prob_b_better` at level 0.95, bit for bit: the
/// same engine, the same layout.
#[test]
fn threshold_zero_is_prob_b_better() {
    let doc = load("tests/data/calibration-reference.json");
    let mut n = 0;
    for c in doc["cases"].as_array().expect("cases") {
        let mut spec = c.clone();
        if let Some(h) = c["history"].as_str() {
            spec["history"] = doc["histories"][h]["posts"].clone();
        } else {
            spec.as_object_mut().expect("case").remove("history");
        }
        let case = Case::read(&spec);
        assert_eq!(
            case.prob_above(0.0).to_bits(),
            case.prob_b_better().to_bits(),
            "{}",
            case.name
        );
        n += 1;
    }
    for (case, _) in cases() {
        assert_eq!(
            case.prob_above(0.0).to_bits(),
            case.prob_b_better().to_bits(),
            "{}",
            case.name
        );
        n += 1;
    }
    assert!(n >= 20);
}

/// `P(δ > t)` decreases in `t`, from near 1 to tails far below 1e-9.
#[test]
fn decreasing_in_the_threshold() {
    for (case, _) in cases() {
        let mut last = f64::INFINITY;
        let mut prev_t = f64::NAN;
        for k in -60..=60 {
            let t = k as f64 * 0.05;
            let p = case.prob_above(t);
            assert!((0.0..=1.0).contains(&p), "{} at {t}: {p}", case.name);
            assert!(
                p <= last,
                "{}: P(δ > {t}) = {p:e} above P(δ > {prev_t}) = {last:e}",
                case.name
            );
            last = p;
            prev_t = t;
        }
    }
}

/// Swapping the variants turns `δ` into `−δ`: `P(δ > t)` for B against A
/// and `P(δ > −t)` for A against B add up to 1.
#[test]
fn swapping_the_variants_mirrors_the_tail() {
    for (case, tails) in cases() {
        let h = case.history.as_ref();
        let swapped = |t: f64| match &case.data {
            Data::Posts(a, b) => post_prob_above(b, a, t, h).expect("posts"),
            Data::Blocks(blocks) => {
                let mirrored: Vec<Block> = blocks
                    .iter()
                    .map(|x| Block::new(x.key(), x.b(), x.a()).expect("block"))
                    .collect();
                paired_prob_above(&mirrored, t, h).expect("blocks")
            }
        };
        for (t, _) in tails {
            let (p, q) = (case.prob_above(t), swapped(-t));
            assert!(
                (p + q - 1.0).abs() <= 1e-12,
                "{} at {t}: {p} + {q} = {}",
                case.name,
                p + q
            );
        }
    }
}

#[test]
fn bad_thresholds_and_inputs_are_typed_errors() {
    let p = |y, n| Proportion::new(y, n).expect("post");
    let (a, b) = ([p(20, 1_000), p(25, 1_100)], [p(30, 1_000)]);
    let blocks = [
        Block::new("x", p(20, 1_000), p(25, 1_000)).expect("block"),
        Block::new("y", p(30, 1_200), p(28, 1_100)).expect("block"),
    ];
    for t in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        for r in [
            post_prob_above(&a, &b, t, None),
            paired_prob_above(&blocks, t, None),
        ] {
            match r {
                Err(Error::InvalidParameter { name, .. }) => assert_eq!(name, "threshold"),
                other => panic!("threshold {t}: {other:?}"),
            }
        }
    }
    assert!(matches!(
        post_prob_above(&a, &[], 0.0, None),
        Err(Error::TooFewPosts { ref group, .. }) if group == "B"
    ));
    assert!(matches!(
        paired_prob_above(&blocks[..1], 0.0, None),
        Err(Error::TooFew { .. })
    ));
    let twice = [blocks[0].clone(), blocks[0].clone()];
    assert!(matches!(
        paired_prob_above(&twice, 0.0, None),
        Err(Error::DuplicateBlock { .. })
    ));
}
