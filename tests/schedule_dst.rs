//! Posting slots across DST changes in Europe/London and America/Los_Angeles.

use chrono::{DateTime, Duration, Utc, Weekday};
use chrono_tz::{America::Los_Angeles, Europe::London, Tz};
use postab::schedule::{SlotLabel, SlotScheme, Slots, UtcOffsets, Window, compare_audiences};
use postab::{Error, Outcome, counts};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Exposure of every local hour over one local calendar day given in UTC.
fn day_exposure(tz: Tz, from: &str, to: &str) -> Vec<i64> {
    let e = Slots::hour_of_day(tz).exposure(t(from), t(to)).unwrap();
    (0..24).map(|h| e.seconds[&SlotLabel::Hour(h)]).collect()
}

#[test]
fn london_spring_forward_is_a_23_hour_day() {
    // 2026-03-29 local midnight (GMT) to 2026-03-30 local midnight (BST).
    let e = day_exposure(London, "2026-03-29T00:00:00Z", "2026-03-29T23:00:00Z");
    assert_eq!(e[1], 0, "01:00-02:00 does not exist");
    assert!(e.iter().enumerate().all(|(h, &s)| h == 1 || s == 3600));
    assert_eq!(e.iter().sum::<i64>(), 23 * 3600);
    let slots = Slots::hour_of_day(London);
    assert_eq!(
        slots.slot_of(t("2026-03-29T00:59:59Z")),
        Some(&SlotLabel::Hour(0))
    );
    assert_eq!(
        slots.slot_of(t("2026-03-29T01:00:00Z")),
        Some(&SlotLabel::Hour(2))
    );
}

#[test]
fn london_fall_back_is_a_25_hour_day() {
    // 2026-10-25 local midnight (BST, 23:00 UTC the day before) to the next (GMT).
    let e = day_exposure(London, "2026-10-24T23:00:00Z", "2026-10-26T00:00:00Z");
    assert_eq!(e[1], 7200, "01:00-02:00 happens twice");
    assert_eq!(e.iter().sum::<i64>(), 25 * 3600);
    let slots = Slots::hour_of_day(London);
    // 00:30 UTC = 01:30 BST, 01:30 UTC = 01:30 GMT: same slot.
    assert_eq!(
        slots.slot_of(t("2026-10-25T00:30:00Z")),
        Some(&SlotLabel::Hour(1))
    );
    assert_eq!(
        slots.slot_of(t("2026-10-25T01:30:00Z")),
        Some(&SlotLabel::Hour(1))
    );
    assert_eq!(
        slots.slot_of(t("2026-10-25T02:30:00Z")),
        Some(&SlotLabel::Hour(2))
    );
}

#[test]
fn los_angeles_spring_forward_and_fall_back() {
    // 2026-03-08: 02:00 PST -> 03:00 PDT (10:00 UTC).
    let e = day_exposure(Los_Angeles, "2026-03-08T08:00:00Z", "2026-03-09T07:00:00Z");
    assert_eq!(e[2], 0);
    assert_eq!(e.iter().sum::<i64>(), 23 * 3600);
    // 2026-11-01: 02:00 PDT -> 01:00 PST (09:00 UTC).
    let e = day_exposure(Los_Angeles, "2026-11-01T07:00:00Z", "2026-11-02T08:00:00Z");
    assert_eq!(e[1], 7200);
    assert_eq!(e.iter().sum::<i64>(), 25 * 3600);
    let slots = Slots::hour_of_day(Los_Angeles);
    assert_eq!(
        slots.slot_of(t("2026-11-01T08:30:00Z")),
        Some(&SlotLabel::Hour(1))
    );
    assert_eq!(
        slots.slot_of(t("2026-11-01T09:30:00Z")),
        Some(&SlotLabel::Hour(1))
    );
    assert_eq!(
        slots.slot_of(t("2026-03-08T10:00:00Z")),
        Some(&SlotLabel::Hour(3))
    );
}

#[test]
fn offsets_table_finds_transitions_to_the_second() {
    let o = UtcOffsets::new(
        Los_Angeles,
        t("2026-01-01T00:00:00Z"),
        t("2027-01-01T00:00:00Z"),
    )
    .unwrap();
    let got: Vec<(DateTime<Utc>, i32)> = o
        .transitions()
        .map(|(at, off)| (at, off.local_minus_utc()))
        .collect();
    assert_eq!(
        got,
        [
            (t("2026-03-08T10:00:00Z"), -7 * 3600),
            (t("2026-11-01T09:00:00Z"), -8 * 3600)
        ]
    );
    assert!(matches!(
        UtcOffsets::new(London, t("2027-01-01T00:00:00Z"), t("2026-01-01T00:00:00Z")),
        Err(Error::InvalidTimeWindow { .. })
    ));
}

#[test]
fn bucketer_matches_slow_path_in_and_out_of_range_any_order() {
    for tz in [
        London,
        Los_Angeles,
        chrono_tz::Asia::Kolkata,
        chrono_tz::Australia::Lord_Howe,
    ] {
        let slots = Slots::hour_of_week(tz);
        let b = slots
            .bucketer(t("2026-03-01T00:00:00Z"), t("2026-12-01T00:00:00Z"))
            .unwrap();
        // Every 7 minutes 13 seconds across a wider range than the table, then shuffled-ish.
        let mut times: Vec<i64> = (0..90_000).map(|i| 1_767_225_600 + i * 433).collect();
        times.reverse();
        times.swap(10, 50_000);
        let hist = b.histogram(&times);
        let mut slow = vec![0u64; 168];
        for &s in &times {
            let at = DateTime::from_timestamp(s, 0).unwrap();
            slow[slots.index_of(at).unwrap()] += 1;
            assert_eq!(b.index_of(at), slots.index_of(at));
        }
        assert_eq!(hist.per_slot, slow, "{tz}");
        assert_eq!(hist.unassigned, 0);
    }
}

#[test]
fn windows_wrap_midnight_and_respect_weekdays() {
    let slots = Slots::new(
        London,
        SlotScheme::Windows(vec![
            Window::new("friday late", "22:00", "01:00")
                .unwrap()
                .on([Weekday::Fri]),
            Window::new("breakfast", "07:00", "09:00").unwrap(),
        ]),
    )
    .unwrap();
    // 2026-01-09 is a Friday; London is on GMT.
    let late = SlotLabel::Window("friday late".into());
    assert_eq!(slots.slot_of(t("2026-01-09T23:30:00Z")), Some(&late));
    assert_eq!(slots.slot_of(t("2026-01-10T00:30:00Z")), Some(&late)); // Saturday 00:30
    assert_eq!(slots.slot_of(t("2026-01-10T23:30:00Z")), None); // Saturday night
    assert_eq!(
        slots.slot_of(t("2026-01-10T07:00:00Z")),
        Some(&SlotLabel::Window("breakfast".into()))
    );
    // A week has 7 * 2 h of breakfast and 3 h of Friday late.
    let e = slots
        .exposure(t("2026-01-05T00:00:00Z"), t("2026-01-12T00:00:00Z"))
        .unwrap();
    assert_eq!(e.hours(&late), 3.0);
    assert_eq!(e.hours(&SlotLabel::Window("breakfast".into())), 14.0);
    assert_eq!(e.unassigned_seconds, (168 - 17) * 3600);
    let dup = Slots::new(
        London,
        SlotScheme::Windows(vec![
            Window::new("a", "07:00", "09:00").unwrap(),
            Window::new("a", "10:00", "11:00").unwrap(),
        ]),
    );
    assert!(matches!(dup, Err(Error::InvalidSlotWindow { .. })));
    let overlap = Slots::new(
        London,
        SlotScheme::Windows(vec![
            Window::new("a", "07:00", "09:00").unwrap(),
            Window::new("b", "08:59", "11:00").unwrap(),
        ]),
    );
    assert_eq!(
        overlap,
        Err(Error::OverlappingWindows {
            first: "a".into(),
            second: "b".into(),
            at: "Mon 08:59".into()
        })
    );
}

#[test]
fn weekday_slots_follow_local_date() {
    let slots = Slots::weekday(Los_Angeles);
    // Monday 2026-01-05 03:00 UTC is Sunday evening in Los Angeles.
    assert_eq!(
        slots.slot_of(t("2026-01-05T03:00:00Z")),
        Some(&SlotLabel::Weekday(Weekday::Sun))
    );
    assert_eq!(
        Slots::weekday(London).slot_of(t("2026-01-05T03:00:00Z")),
        Some(&SlotLabel::Weekday(Weekday::Mon))
    );
}

/// Issue 12: posting slots come from the post's publication time, never
/// from its events' times: clicks arriving 100 minutes after an 08:00 post
/// used to make 09:00 look best.
#[test]
fn posts_bucket_by_publication_time_not_event_time() {
    let mut exp = postab::Experiment::builder("when")
        .variant("a", "A")
        .variant("b", "B")
        .control("a")
        .build()
        .unwrap();
    // Across the autumn DST change: 22:30 UTC on 24 Oct is 23:30 BST,
    // 01:10 UTC on 25 Oct is 01:10 GMT.
    for (id, variant, at) in [
        ("p1", "a", "2026-10-24T22:30:00Z"),
        ("p2", "b", "2026-10-25T01:10:00Z"),
        ("p3", "a", "2026-05-04T07:00:00Z"),
    ] {
        exp.add_post(postab::Post::new(id, variant).unwrap().published_at(t(at)))
            .unwrap();
        exp.record_post_n(id, Outcome::Impression, t(at) + Duration::minutes(5), 100)
            .unwrap();
        exp.record_post_n(id, Outcome::Click, t(at) + Duration::minutes(100), 7)
            .unwrap();
    }
    let slots = Slots::hour_of_day(London);
    let table = slots.bucket_experiment(&exp, None).unwrap();
    assert_eq!(table.counts(&SlotLabel::Hour(23)).unwrap().clicks(), 7);
    assert_eq!(table.counts(&SlotLabel::Hour(1)).unwrap().clicks(), 7);
    assert_eq!(table.counts(&SlotLabel::Hour(8)).unwrap().clicks(), 7);
    // Where the clicks happened (01:10 BST, 02:50 GMT, 09:40 BST) is empty.
    for h in [2, 9] {
        assert_eq!(table.counts(&SlotLabel::Hour(h)).unwrap().clicks(), 0);
    }
    let only_a = slots.bucket_experiment(&exp, Some("a")).unwrap();
    assert_eq!(only_a.counts(&SlotLabel::Hour(1)).unwrap().clicks(), 0);
    assert_eq!(
        slots.bucket_experiment(&exp, Some("z")).unwrap_err(),
        Error::UnknownVariant { id: "z".into() }
    );
    exp.add_post(postab::Post::new("undated", "a").unwrap())
        .unwrap();
    assert_eq!(
        slots.bucket_experiment(&exp, None).unwrap_err(),
        Error::MissingPublicationTime {
            post: "undated".into()
        }
    );
    let json = serde_json::to_string(&table).unwrap();
    assert_eq!(
        serde_json::from_str::<postab::schedule::SlotCounts>(&json).unwrap(),
        table
    );
    let json = serde_json::to_string(&slots).unwrap();
    assert_eq!(serde_json::from_str::<Slots>(&json).unwrap(), slots);
}

#[test]
fn slot_counts_become_an_experiment() {
    let slots = Slots::hour_of_day(London);
    let posts = [
        (
            t("2026-05-04T07:00:00Z"),
            counts! { impressions: 100, clicks: 9 },
        ),
        (
            t("2026-05-04T17:00:00Z"),
            counts! { impressions: 100, clicks: 4 },
        ),
    ];
    let table = slots
        .bucket_posts(posts.iter().map(|(a, c)| (*a, c)))
        .unwrap();
    let exp = table
        .to_experiment(
            "slots",
            &SlotLabel::Hour(8),
            postab::Metric::click_through(),
        )
        .unwrap();
    assert_eq!(exp.control(), "08:00-09:00");
    assert_eq!(exp.counts("18:00-19:00").unwrap().clicks(), 4);
    // Each slot's posts stay posts, so the analysis counts posts.
    assert_eq!(exp.posts().len(), 2);
    assert_eq!(exp.post("18:00-19:00 #1").unwrap().counts().clicks(), 4);
    assert_eq!(
        table
            .to_experiment("s", &SlotLabel::Hour(3), postab::Metric::click_through())
            .unwrap_err(),
        Error::UnknownSlot {
            label: "03:00-04:00".into()
        }
    );
    let rates = table.rates(&postab::Metric::click_through()).unwrap();
    assert_eq!(rates.len(), 24);
}

#[test]
fn audiences_compare_across_dst_mismatch() {
    // 09:00 Pacific every day from 2026-03-05 to 2026-04-03: the US changes on
    // 8 March, the UK on 29 March, so for three weeks London is only 7 h ahead.
    let pacific = Slots::hour_of_day(Los_Angeles);
    let schedule: Vec<DateTime<Utc>> = (0..30)
        .map(|d| {
            let day = t("2026-03-05T00:00:00Z") + Duration::days(d);
            let local = day
                .with_timezone(&Los_Angeles)
                .date_naive()
                .and_hms_opt(9, 0, 0)
                .unwrap();
            local
                .and_local_timezone(Los_Angeles)
                .single()
                .unwrap()
                .with_timezone(&Utc)
        })
        .collect();
    let cmp = compare_audiences(&schedule, &pacific, London).unwrap();
    assert_eq!(cmp.count_in(&SlotLabel::Hour(9)).0, 30);
    let (_, at_16) = cmp.count_in(&SlotLabel::Hour(16));
    let (_, at_17) = cmp.count_in(&SlotLabel::Hour(17));
    assert_eq!((at_16, at_17), (21, 9));
    assert_eq!(cmp.same_slot(), 0);
}
