//! Acceptance: events → Parquet → DataFusion `GROUP BY` → counts equals the
//! in-process tracker's counts, exactly.
//!
//! Size: 10⁷ events (about 20 s in the default test profile). Events are seeded and spread over 12 experiments, 2–3 variants, 5 posts
//! per variant, 5 outcomes (one custom), multiplicities 1–3 and sub-second
//! times over three days; the tracker side records them through handles
//! and `add_batch`, independently of the Arrow code.
#![cfg(feature = "datafusion")]

use std::collections::BTreeMap;

use postab::columnar::{
    EventBatchBuilder, ParquetSink, events_schema, read_post_counts, read_variant_counts,
};
use postab::rand::rngs::Xoshiro256PlusPlus;
use postab::rand::{RngExt, SeedableRng};
use postab::sql::datafusion::arrow::array::{Array, AsArray};
use postab::sql::datafusion::arrow::datatypes::UInt64Type;
use postab::sql::datafusion::prelude::{ParquetReadOptions, SessionContext};
use postab::tracker::{CompactEvent, Handle, OutcomeSlot, Scope, TrackerConfig};
use postab::{Counts, Outcome, Tracker};

const EVENTS: usize = 10_000_000;
const EXPERIMENTS: usize = 12;
const POSTS: usize = 5;
const CHUNK: usize = 1 << 16;

struct Exp {
    name: String,
    variants: Vec<String>,
    by_variant: Tracker,
    by_post: Tracker,
    variant_handles: Vec<Handle>,
    /// Per variant, per post: (post id, handle in `by_post`).
    posts: Vec<Vec<(String, Handle)>>,
    slots: Vec<OutcomeSlot>,
    post_slots: Vec<OutcomeSlot>,
}

fn outcomes() -> Vec<Outcome> {
    vec![
        Outcome::Impression,
        Outcome::Click,
        Outcome::Like,
        Outcome::Repost,
        Outcome::custom("signups").expect("valid"),
    ]
}

fn setup() -> postab::Result<Vec<Exp>> {
    (0..EXPERIMENTS)
        .map(|e| {
            let name = format!("exp-{e:02}");
            let variants: Vec<String> = (0..2 + e % 2).map(|v| format!("v{v}")).collect();
            let by_variant = TrackerConfig::new().experiment(&name).build()?;
            let by_post = TrackerConfig::new()
                .experiment(&name)
                .scope(Scope::Posts)
                .build()?;
            let variant_handles = variants
                .iter()
                .map(|v| by_variant.handle(v))
                .collect::<postab::Result<Vec<_>>>()?;
            let posts = variants
                .iter()
                .map(|v| {
                    (0..POSTS)
                        .map(|p| {
                            let id = format!("{name}/{v}/p{p}");
                            let h = by_post.handle(&id)?;
                            Ok((id, h))
                        })
                        .collect::<postab::Result<Vec<_>>>()
                })
                .collect::<postab::Result<Vec<_>>>()?;
            let slots = outcomes()
                .iter()
                .map(|o| by_variant.outcome_slot(o))
                .collect::<postab::Result<Vec<_>>>()?;
            let post_slots = outcomes()
                .iter()
                .map(|o| by_post.outcome_slot(o))
                .collect::<postab::Result<Vec<_>>>()?;
            Ok(Exp {
                name,
                variants,
                by_variant,
                by_post,
                variant_handles,
                posts,
                slots,
                post_slots,
            })
        })
        .collect()
}

/// Writes the events to `path` and records them into the trackers.
fn generate(exps: &[Exp], path: &std::path::Path) -> postab::Result<()> {
    let outcomes = outcomes();
    let start = 1_795_478_400_i64; // 2026-11-24T00:00:00Z
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(16);
    let mut sink = ParquetSink::create(path, events_schema())?;
    let mut builder = EventBatchBuilder::new();
    let mut by_variant: Vec<Vec<CompactEvent>> = vec![Vec::new(); exps.len()];
    let mut by_post: Vec<Vec<CompactEvent>> = vec![Vec::new(); exps.len()];
    let mut written = 0;
    while written < EVENTS {
        let rows = CHUNK.min(EVENTS - written);
        for _ in 0..rows {
            let e = rng.random_range(0..exps.len());
            let exp = &exps[e];
            let v = rng.random_range(0..exp.variants.len());
            // Impressions dominate, as in real logs.
            let o = match rng.random_range(0..20u32) {
                0..=13 => 0,
                14..=16 => 1,
                17 => 2,
                18 => 3,
                _ => 4,
            };
            let n = rng.random_range(1..=3u32);
            let micros = start * 1_000_000 + rng.random_range(0..3 * 86_400 * 1_000_000_i64);
            let secs = micros.div_euclid(1_000_000);
            let at = postab::chrono::DateTime::from_timestamp_micros(micros).expect("in range");
            // One event in eight is not attributed to a post.
            let post = (rng.random_range(0..8u32) != 0).then(|| rng.random_range(0..POSTS));
            builder.push(
                &exp.name,
                &exp.variants[v],
                post.map(|p| exp.posts[v][p].0.as_str()),
                &outcomes[o],
                at,
                u64::from(n),
            )?;
            by_variant[e].push(
                CompactEvent::at_unix_seconds(exp.variant_handles[v], exp.slots[o], secs).times(n),
            );
            if let Some(p) = post {
                by_post[e].push(
                    CompactEvent::at_unix_seconds(exp.posts[v][p].1, exp.post_slots[o], secs)
                        .times(n),
                );
            }
        }
        sink.write(&builder.finish()?)?;
        for (exp, (ev, ep)) in exps.iter().zip(by_variant.iter_mut().zip(&mut by_post)) {
            exp.by_variant.add_batch(ev)?;
            exp.by_post.add_batch(ep)?;
            ev.clear();
            ep.clear();
        }
        written += rows;
    }
    sink.close()
}

#[test]
fn parquet_group_by_equals_tracker_counts() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("postab-roundtrip-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("events.parquet");
    let exps = setup()?;
    generate(&exps, &path)?;

    // What the trackers hold.
    let mut want_variants: BTreeMap<(String, String), Counts> = BTreeMap::new();
    let mut want_posts: BTreeMap<(String, String, String), Counts> = BTreeMap::new();
    for exp in &exps {
        for (variant, counts) in exp.by_variant.all_counts() {
            want_variants.insert((exp.name.clone(), variant), counts);
        }
        for (post, counts) in exp.by_post.all_counts() {
            let variant = post
                .split('/')
                .nth(1)
                .expect("exp/variant/post")
                .to_string();
            want_posts.insert((exp.name.clone(), variant, post), counts);
        }
    }
    let total: u64 = want_variants
        .values()
        .map(|c| c.iter().map(|(_, n)| n).sum::<u64>())
        .sum();
    assert!(total >= EVENTS as u64, "every event has n ≥ 1: {total}");

    let runtime = tokio::runtime::Runtime::new()?;
    let ctx = SessionContext::new();
    postab::sql::register(&ctx);
    let (variants, posts, wide) = runtime.block_on(async {
        ctx.register_parquet(
            "events",
            path.to_str().expect("utf-8 path"),
            ParquetReadOptions::default(),
        )
        .await?;
        let variants = ctx
            .sql(
                "SELECT experiment, variant, outcome, SUM(n) AS count \
                 FROM events GROUP BY experiment, variant, outcome",
            )
            .await?
            .collect()
            .await?;
        let posts = ctx
            .sql(
                "SELECT experiment, variant, post, outcome, SUM(n) AS count \
                 FROM events WHERE post IS NOT NULL \
                 GROUP BY experiment, variant, post, outcome",
            )
            .await?
            .collect()
            .await?;
        let wide = ctx
            .sql(
                "SELECT experiment, variant, postab_counts(outcome, n) AS c \
                 FROM events WHERE outcome <> 'signups' GROUP BY experiment, variant",
            )
            .await?
            .collect()
            .await?;
        Ok::<_, postab::sql::datafusion::error::DataFusionError>((variants, posts, wide))
    })?;

    let got_variants = read_variant_counts(&variants)?;
    assert_eq!(got_variants.len(), want_variants.len());
    assert_eq!(got_variants, want_variants);
    let got_posts = read_post_counts(&posts)?;
    assert_eq!(got_posts.len(), want_posts.len());
    assert_eq!(got_posts, want_posts);

    // The aggregate: the built-in outcomes of each variant, in one struct.
    let mut rows = 0;
    for batch in &wide {
        let experiment = postab::sql::datafusion::arrow::compute::cast(
            batch.column(0),
            &postab::sql::datafusion::arrow::datatypes::DataType::Utf8,
        )?;
        let variant = postab::sql::datafusion::arrow::compute::cast(
            batch.column(1),
            &postab::sql::datafusion::arrow::datatypes::DataType::Utf8,
        )?;
        let c = batch.column(2).as_struct();
        for i in 0..batch.num_rows() {
            let key = (
                experiment.as_string::<i32>().value(i).to_string(),
                variant.as_string::<i32>().value(i).to_string(),
            );
            let want = &want_variants[&key];
            for o in Outcome::builtins() {
                let column = c
                    .column_by_name(o.name())
                    .expect("a field per outcome")
                    .as_primitive::<UInt64Type>();
                assert!(column.is_valid(i));
                assert_eq!(column.value(i), want.get(&o), "{key:?} {o}");
            }
            rows += 1;
        }
    }
    assert_eq!(rows, want_variants.len());
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
