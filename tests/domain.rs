//! Domain model: variants, outcomes, counts, tracker, metrics, experiments.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::thread;

use chrono::{DateTime, Duration, Utc};
use postab::metric::MetricData;
use postab::post::MediaKind;
use postab::{Counts, Error, Event, Experiment, Metric, Outcome, Tracker, Variant, counts};

fn t0() -> DateTime<Utc> {
    "2026-11-24T08:00:00Z".parse().expect("valid time")
}

fn two_variants() -> Experiment {
    Experiment::builder("launch-post")
        .variant("question", "Is your posting schedule too rigid? {link}")
        .variant(
            "statement",
            "There is no single right way to run an account. {link}",
        )
        .control("question")
        .metric(Metric::click_through())
        .build()
        .expect("valid experiment")
}

// ---------------------------------------------------------------- bad inputs

#[test]
fn empty_variant_id() {
    assert_eq!(Variant::new("", "text"), Err(Error::EmptyVariantId));
    let err = Experiment::builder("x")
        .variant("a", "A")
        .variant("", "B")
        .control("a")
        .build()
        .unwrap_err();
    assert_eq!(err, Error::EmptyVariantId);
    assert_eq!(
        Tracker::with_variants(["a", ""]).unwrap_err(),
        Error::EmptyVariantId
    );
    assert_eq!(
        Tracker::new().record("", Outcome::Click, t0()),
        Err(Error::EmptyVariantId)
    );
    assert_eq!(
        Tracker::new().record_batch([Event::new("", Outcome::Click, t0())]),
        Err(Error::EmptyVariantId)
    );
}

#[test]
fn duplicate_variant_id() {
    let err = Experiment::builder("x")
        .variant("a", "A")
        .variant("b", "B")
        .variant("a", "A again")
        .control("a")
        .build()
        .unwrap_err();
    assert_eq!(err, Error::DuplicateVariant { id: "a".into() });
    assert!(err.to_string().contains("\"a\""));
    assert_eq!(
        Tracker::with_variants(["a", "b", "b"]).unwrap_err(),
        Error::DuplicateVariant { id: "b".into() }
    );
}

#[test]
fn unknown_variant() {
    let exp = two_variants();
    let unknown = || Error::UnknownVariant { id: "other".into() };
    assert_eq!(
        exp.add_counts("other", counts! { impressions: 1 }),
        Err(unknown())
    );
    assert_eq!(exp.record("other", Outcome::Click, t0()), Err(unknown()));
    assert_eq!(
        exp.record_batch([Event::new("other", Outcome::Click, t0())]),
        Err(unknown())
    );
    assert_eq!(exp.counts("other"), Err(unknown()));
    assert_eq!(Tracker::new().counts("other"), Err(unknown()));
    assert!(unknown().to_string().contains("\"other\""));
}

#[test]
fn too_few_variants() {
    let err = Experiment::builder("x")
        .variant("a", "A")
        .control("a")
        .build()
        .unwrap_err();
    assert_eq!(err, Error::TooFewVariants { got: 1 });
    assert!(err.to_string().contains("got 1"));
    let err = Experiment::builder("x").build().unwrap_err();
    assert_eq!(err, Error::TooFewVariants { got: 0 });
}

#[test]
fn missing_control() {
    let err = Experiment::builder("x")
        .variant("a", "A")
        .variant("b", "B")
        .build()
        .unwrap_err();
    assert_eq!(err, Error::MissingControl);
}

#[test]
fn unknown_control() {
    let err = Experiment::builder("x")
        .variant("a", "A")
        .variant("b", "B")
        .control("c")
        .build()
        .unwrap_err();
    assert_eq!(err, Error::UnknownControl { id: "c".into() });
    assert!(err.to_string().contains("\"c\""));
}

#[test]
fn successes_exceed_trials() {
    let err = Metric::click_through()
        .extract("statement", &counts! { impressions: 10, clicks: 11 })
        .unwrap_err();
    assert_eq!(
        err,
        Error::SuccessesExceedTrials {
            variant: "statement".into(),
            successes: 11,
            trials: 10
        }
    );
    let msg = err.to_string();
    assert!(
        msg.contains("statement") && msg.contains("11") && msg.contains("10"),
        "{msg}"
    );
    // engagement sums its outcomes before comparing
    let err = Metric::engagement_rate()
        .extract("q", &counts! { impressions: 10, clicks: 5, likes: 6 })
        .unwrap_err();
    assert_eq!(
        err,
        Error::SuccessesExceedTrials {
            variant: "q".into(),
            successes: 11,
            trials: 10
        }
    );
}

#[test]
fn counter_overflow() {
    let mut c = counts! { clicks: u64::MAX - 1 };
    let err = c.add_count(&Outcome::Click, 2).unwrap_err();
    assert_eq!(
        err,
        Error::CountOverflow {
            variant: None,
            outcome: "clicks".into(),
            current: u64::MAX - 1,
            added: 2
        }
    );
    assert_eq!(c.clicks(), u64::MAX - 1, "failed add changes nothing");

    let tracker = Tracker::new();
    tracker
        .record_n("a", Outcome::Like, t0(), u64::MAX)
        .expect("fits");
    assert_eq!(
        tracker.record("a", Outcome::Like, t0()),
        Err(Error::CountOverflow {
            variant: Some("a".into()),
            outcome: "likes".into(),
            current: u64::MAX,
            added: 1
        })
    );
    // overflow inside one batch
    let err = Tracker::new()
        .record_batch([
            Event::new("b", Outcome::Impression, t0()).times(u64::MAX),
            Event::new("b", Outcome::Impression, t0()).times(3),
        ])
        .unwrap_err();
    assert_eq!(
        err,
        Error::CountOverflow {
            variant: Some("b".into()),
            outcome: "impressions".into(),
            current: u64::MAX,
            added: 3
        }
    );

    let exp = two_variants();
    exp.add_counts("question", counts! { impressions: u64::MAX })
        .expect("fits");
    let err = exp
        .add_counts("question", counts! { impressions: 5 })
        .unwrap_err();
    assert_eq!(
        err,
        Error::CountOverflow {
            variant: Some("question".into()),
            outcome: "impressions".into(),
            current: u64::MAX,
            added: 5
        }
    );
    assert!(err.to_string().contains("question"));
    // added counts + tracked events
    exp.record("question", Outcome::Impression, t0())
        .expect("tracker alone fits");
    assert!(matches!(
        exp.counts("question"),
        Err(Error::CountOverflow { variant: Some(v), .. }) if v == "question"
    ));
}

#[test]
fn poisoned_counts_are_rejected_by_consumers() {
    let poisoned = counts! { impressions: u64::MAX } + counts! { impressions: 1 };
    assert!(poisoned.is_overflowed());
    let expected = Error::CountOverflow {
        variant: Some("statement".into()),
        outcome: "impressions".into(),
        current: u64::MAX,
        added: 1,
    };
    assert_eq!(
        Metric::click_through().extract("statement", &poisoned),
        Err(expected.clone())
    );
    let exp = two_variants();
    assert_eq!(exp.add_counts("statement", poisoned), Err(expected));
    assert!(exp.counts("statement").expect("known").is_empty());
}

#[test]
fn numerator_sum_overflow() {
    let c = counts! { impressions: 1, reposts: u64::MAX, quotes: 1 };
    let m = Metric::per_exposure(
        "amp",
        [Outcome::Repost, Outcome::Quote],
        Outcome::Impression,
    )
    .expect("valid");
    assert_eq!(
        m.extract("a", &c),
        Err(Error::CountOverflow {
            variant: Some("a".into()),
            outcome: "(reposts + quotes)".into(),
            current: u64::MAX,
            added: 1
        })
    );
}

#[test]
fn unknown_outcome() {
    assert_eq!(
        "retweeets".parse::<Outcome>(),
        Err(Error::UnknownOutcome {
            name: "retweeets".into()
        })
    );
}

#[test]
fn empty_outcome_name() {
    assert_eq!(Outcome::custom(""), Err(Error::EmptyOutcomeName));
    assert_eq!(
        Tracker::new().record("a", Outcome::Custom(String::new()), t0()),
        Err(Error::EmptyOutcomeName)
    );
    assert_eq!(
        Counts::new().with(&Outcome::Custom(String::new()), 1),
        Err(Error::EmptyOutcomeName)
    );
}

#[test]
fn reserved_outcome_name() {
    for name in ["clicks", "Retweets", "_overflow"] {
        assert_eq!(
            Outcome::custom(name),
            Err(Error::ReservedOutcomeName { name: name.into() })
        );
    }
    assert_eq!(
        Counts::new().with(&Outcome::Custom("likes".into()), 1),
        Err(Error::ReservedOutcomeName {
            name: "likes".into()
        })
    );
}

#[test]
fn invalid_metric() {
    assert_eq!(
        Metric::rate("", [Outcome::Click], Outcome::Impression),
        Err(Error::InvalidMetric {
            name: String::new(),
            reason: "the name is empty".into()
        })
    );
    assert_eq!(
        Metric::per_exposure("none", [], Outcome::Impression),
        Err(Error::InvalidMetric {
            name: "none".into(),
            reason: "the numerator lists no outcome".into()
        })
    );
}

#[test]
fn duplicate_metric() {
    let err = Experiment::builder("x")
        .variant("a", "A")
        .variant("b", "B")
        .control("a")
        .metric(Metric::click_through())
        .metric(Metric::click_through())
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        Error::DuplicateMetric {
            name: "click_through".into()
        }
    );
}

#[test]
fn invalid_time_window() {
    let t = Tracker::with_variants(["a", "b"]).expect("valid");
    let later = t0() + Duration::hours(1);
    assert_eq!(
        t.counts_between("a", later, t0()),
        Err(Error::InvalidTimeWindow {
            from: later,
            to: t0()
        })
    );
}

// -------------------------------------------------------------------- counts

#[test]
fn counts_merge_exactly() {
    let days = [
        counts! { impressions: 12_400, clicks: 310, reposts: 41 },
        counts! { impressions: 9_000, clicks: 200, likes: 7 },
        Counts::new()
            .with(&Outcome::custom("signups").expect("valid"), 4)
            .expect("fits"),
    ];
    let by_ref: Counts = days.iter().sum();
    let by_value: Counts = days.clone().into_iter().sum();
    let mut by_assign = Counts::new();
    for d in &days {
        by_assign += d;
    }
    let by_add = &(&days[0] + &days[1]) + &days[2];
    for total in [&by_ref, &by_value, &by_assign, &by_add] {
        assert_eq!(total.impressions(), 21_400);
        assert_eq!(total.clicks(), 510);
        assert_eq!(total.reposts(), 41);
        assert_eq!(total.likes(), 7);
        assert_eq!(total.get(&Outcome::custom("signups").expect("valid")), 4);
        assert!(!total.is_overflowed());
    }
    assert_eq!(by_ref, by_value);
    assert_eq!(by_ref, by_assign);
    assert_eq!(by_ref, by_add);
    assert_eq!(
        days[0].checked_add(&days[1]).expect("fits"),
        &days[0] + &days[1]
    );
}

#[test]
fn counts_merge_near_u64_max() {
    let near = counts! { impressions: u64::MAX - 10, clicks: 5 };
    // exact up to the last unit
    let full = near
        .checked_add(&counts! { impressions: 10 })
        .expect("fits");
    assert_eq!(full.impressions(), u64::MAX);
    assert!(!full.is_overflowed());

    // one more: saturate and poison
    let over = &full + &counts! { impressions: 1, clicks: 1 };
    assert!(over.is_overflowed());
    assert_eq!(over.impressions(), u64::MAX);
    assert_eq!(over.clicks(), 6, "other outcomes stay exact");
    let first = Error::CountOverflow {
        variant: None,
        outcome: "impressions".into(),
        current: u64::MAX,
        added: 1,
    };
    assert_eq!(over.check_exact(), Err(first.clone()));

    // the poison survives further merges, in either order, and sums
    let later = &counts! { clicks: 1 } + &over;
    assert!(later.is_overflowed());
    assert_eq!(later.check_exact(), Err(first.clone()));
    let summed: Counts = [full.clone(), full.clone(), counts! {}].into_iter().sum();
    assert!(summed.is_overflowed());

    // checked_add reports instead of saturating
    assert_eq!(
        full.checked_add(&counts! { impressions: 1 }),
        Err(first.clone())
    );
    assert_eq!(over.checked_add(&counts! {}), Err(first));

    // custom outcomes too
    let signups = Outcome::custom("signups").expect("valid");
    let a = Counts::new().with(&signups, u64::MAX).expect("fits");
    let poisoned = &a + &a;
    assert_eq!(poisoned.get(&signups), u64::MAX);
    assert_eq!(
        poisoned.check_exact(),
        Err(Error::CountOverflow {
            variant: None,
            outcome: "signups".into(),
            current: u64::MAX,
            added: u64::MAX
        })
    );
}

#[test]
fn counts_macro() {
    let c = counts! { impressions: 12_400, clicks: 310, reposts: 41, likes: 3, replies: 2, quotes: 1, profile_visits: 9, follows: 4, };
    assert_eq!(
        (c.impressions(), c.clicks(), c.reposts(), c.likes()),
        (12_400, 310, 41, 3)
    );
    assert_eq!(
        (c.replies(), c.quotes(), c.profile_visits(), c.follows()),
        (2, 1, 9, 4)
    );
    assert_eq!(counts! {}, Counts::new());
    let n = 7;
    assert_eq!(counts! { clicks: n * 2 }.clicks(), 14);
    // repeated keys add up; past u64::MAX they saturate and poison, never panic
    assert_eq!(counts! { clicks: 1, clicks: 2 }.clicks(), 3);
    let over = counts! { clicks: u64::MAX, clicks: 1 };
    assert!(over.is_overflowed());
    assert_eq!(over.clicks(), u64::MAX);
}

#[test]
fn counts_serde_as_plain_map() {
    let c = counts! { impressions: 12_400, clicks: 310, reposts: 41 };
    let json = serde_json::to_string(&c).expect("serialises");
    assert_eq!(json, r#"{"impressions":12400,"clicks":310,"reposts":41}"#);
    assert_eq!(serde_json::from_str::<Counts>(&json).expect("parses"), c);
    let with_custom: Counts =
        serde_json::from_str(r#"{"impressions": 5, "bookmarks": 2}"#).expect("parses");
    assert_eq!(
        with_custom.get(&Outcome::custom("bookmarks").expect("valid")),
        2
    );
    let poisoned = counts! { likes: u64::MAX, likes: 9 };
    let back: Counts = serde_json::from_str(&serde_json::to_string(&poisoned).expect("serialises"))
        .expect("parses");
    assert_eq!(back, poisoned);
    assert!(back.is_overflowed());
}

// ------------------------------------------------------------------- tracker

#[test]
fn concurrent_ingest_is_exact() {
    const THREADS: usize = 4;
    const PER_THREAD: usize = 250_000;
    const IDS: [&str; 2] = ["question", "statement"];
    const OUTCOMES: [Outcome; 3] = [Outcome::Impression, Outcome::Click, Outcome::Repost];
    let (ids, outcomes) = (IDS, OUTCOMES);
    let tracker = Arc::new(Tracker::with_variants(ids).expect("valid"));
    // event i of any thread: variant i % 2, outcome i % 3, multiplicity 1 + i % 4
    fn event(i: usize) -> Event<'static> {
        Event::new(
            IDS[i % 2],
            OUTCOMES[i % 3].clone(),
            t0() + Duration::seconds(i as i64),
        )
        .times(1 + (i % 4) as u64)
    }
    let handles: Vec<_> = (0..THREADS)
        .map(|thread| {
            let tracker = Arc::clone(&tracker);
            thread::spawn(move || -> postab::Result<()> {
                if thread % 2 == 0 {
                    for i in 0..PER_THREAD {
                        let e = event(i);
                        tracker.record_n(
                            e.variant(),
                            e.outcome().clone(),
                            e.at(),
                            e.multiplicity(),
                        )?;
                    }
                } else {
                    let all: Vec<usize> = (0..PER_THREAD).collect();
                    for chunk in all.chunks(10_000) {
                        tracker.record_batch(chunk.iter().map(|&i| event(i)))?;
                    }
                }
                Ok(())
            })
        })
        .collect();
    for h in handles {
        h.join().expect("thread did not panic").expect("recorded");
    }

    let mut expected: BTreeMap<(&str, Outcome), u64> = BTreeMap::new();
    for i in 0..PER_THREAD {
        let e = event(i);
        *expected
            .entry((ids[i % 2], e.outcome().clone()))
            .or_default() += THREADS as u64 * e.multiplicity();
    }
    let all = tracker.all_counts();
    assert_eq!(all.len(), 2);
    let mut grand_total = 0;
    for id in ids {
        for outcome in &outcomes {
            let got = all[id].get(outcome);
            assert_eq!(got, expected[&(id, outcome.clone())], "{id} {outcome}");
            grand_total += got;
        }
        assert_eq!(all[id], tracker.counts(id).expect("known"));
    }
    assert_eq!(grand_total, THREADS as u64 * (PER_THREAD as u64 / 4) * 10);
}

#[test]
fn windowed_counts() {
    let t = Tracker::new();
    let h = |hours: i64| t0() + Duration::hours(hours);
    t.record_batch([
        Event::new("a", Outcome::Impression, h(0)).times(100),
        Event::new("a", Outcome::Click, h(0)),
        Event::new("a", Outcome::Impression, h(1)).times(50),
        Event::new("a", Outcome::Click, h(1)).times(2),
        Event::new("b", Outcome::Impression, h(2)).times(70),
    ])
    .expect("valid");
    t.record("a", Outcome::Click, h(2)).expect("valid");

    let first_hour = t.counts_between("a", h(0), h(1)).expect("known");
    assert_eq!(first_hour, counts! { impressions: 100, clicks: 1 });
    let second_hour = t.counts_between("a", h(1), h(2)).expect("known");
    assert_eq!(second_hour, counts! { impressions: 50, clicks: 2 });
    assert!(t.counts_between("a", h(1), h(1)).expect("known").is_empty());
    let everything = t.counts_between("a", h(-1), h(3)).expect("known");
    assert_eq!(everything, t.counts("a").expect("known"));
    assert_eq!(everything, counts! { impressions: 150, clicks: 4 });

    let windowed = t.all_counts_between(h(2), h(3)).expect("valid window");
    assert_eq!(windowed["a"], counts! { clicks: 1 });
    assert_eq!(windowed["b"], counts! { impressions: 70 });
}

#[test]
fn failed_batch_changes_nothing() {
    let t = Tracker::with_variants(["a", "b"]).expect("valid");
    t.record("a", Outcome::Click, t0()).expect("valid");
    let before = t.clone();
    let err = t
        .record_batch([
            Event::new("a", Outcome::Click, t0()),
            Event::new("b", Outcome::Click, t0()),
            Event::new("c", Outcome::Click, t0()),
        ])
        .unwrap_err();
    assert_eq!(err, Error::UnknownVariant { id: "c".into() });
    assert_eq!(t, before);
}

#[test]
fn open_tracker_learns_ids() {
    let t = Tracker::new();
    assert!(t.variant_ids().is_empty());
    t.record("b", Outcome::Click, t0()).expect("valid");
    t.record_batch([Event::new("a".to_string(), Outcome::Like, t0()).times(0)])
        .expect("valid");
    assert_eq!(t.variant_ids(), ["a", "b"]);
    assert!(t.counts("a").expect("known").is_empty());
}

// --------------------------------------------------------------- experiments

#[test]
fn experiment_accumulates_counts_and_events() {
    let exp = two_variants();
    exp.add_counts(
        "question",
        counts! { impressions: 12_400, clicks: 310, reposts: 41 },
    )
    .expect("valid");
    exp.add_counts("question", counts! { impressions: 600, clicks: 10 })
        .expect("valid");
    exp.record("statement", Outcome::Click, t0())
        .expect("valid");
    exp.record_n("statement", Outcome::Impression, t0(), 13_000)
        .expect("valid");
    exp.record_batch([Event::new("statement", Outcome::Click, t0()).times(349)])
        .expect("valid");

    assert_eq!(
        exp.counts("question").expect("known"),
        counts! { impressions: 13_000, clicks: 320, reposts: 41 }
    );
    assert_eq!(
        exp.counts("statement").expect("known"),
        counts! { impressions: 13_000, clicks: 350 }
    );
    assert_eq!(exp.name(), "launch-post");
    assert_eq!(exp.control(), "question");
    assert_eq!(exp.metrics(), [Metric::click_through()]);
    assert_eq!(
        exp.variants().iter().map(Variant::id).collect::<Vec<_>>(),
        ["question", "statement"]
    );
    let data = Metric::click_through()
        .extract("statement", &exp.counts("statement").expect("known"))
        .expect("valid");
    assert_eq!(
        data,
        MetricData::Binomial {
            successes: 350,
            trials: 13_000
        }
    );
}

#[test]
fn experiment_json_round_trip() {
    let rich = Variant::new("statement", "There is no single right way. {link}")
        .expect("valid")
        .with_label("Statement")
        .with_call_to_action("Read it")
        .with_link("https://example.com/post")
        .with_media(MediaKind::Image)
        .with_hashtags(["#socialmedia", "#writing"])
        .with_scheduled_at(t0())
        .with_tag("author", "sam");
    let exp = Experiment::builder("launch-post")
        .variant("question", "Is your posting schedule too rigid? {link}")
        .variant_full(rich)
        .variant("cta", "Read why schedules fail {link}")
        .control("question")
        .metric(Metric::click_through())
        .metric(Metric::engagement_rate())
        .metric(
            Metric::per_exposure(
                "replies_per_impression",
                [Outcome::Reply],
                Outcome::Impression,
            )
            .expect("valid"),
        )
        .build()
        .expect("valid");
    let signups = Outcome::custom("newsletter signups").expect("valid");
    exp.add_counts(
        "question",
        counts! { impressions: 12_400, clicks: 310 }
            .with(&signups, 3)
            .expect("fits"),
    )
    .expect("valid");
    for i in 0..50 {
        exp.record("statement", Outcome::Click, t0() + Duration::minutes(i))
            .expect("valid");
    }
    exp.record_n("cta", signups.clone(), t0(), 2)
        .expect("valid");

    let json = serde_json::to_string_pretty(&exp).expect("serialises");
    let back: Experiment = serde_json::from_str(&json).expect("parses");
    assert_eq!(back, exp);
    for v in exp.variants() {
        assert_eq!(
            back.counts(v.id()).expect("known"),
            exp.counts(v.id()).expect("known")
        );
    }
    assert_eq!(back.variant("statement"), exp.variant("statement"));
    // still a live experiment with a fixed variant set after the round trip
    assert_eq!(
        back.record("nope", Outcome::Click, t0()),
        Err(Error::UnknownVariant { id: "nope".into() })
    );
    assert_eq!(
        serde_json::to_string_pretty(&back).expect("serialises"),
        json
    );
}
