//! Snapshot tests of the text, Markdown and JSON renderings of reports.
//!
//! Each rendering is compared with a file in `tests/snapshots/`. After an
//! intended change of a rendering, regenerate the files with
//!
//! ```text
//! UPDATE_SNAPSHOTS=1 cargo test --test report_snapshots
//! ```
//!
//! and review the diff (`git diff tests/snapshots`) before committing.
//!
//! Text and Markdown must match exactly. JSON must match in structure, strings
//! and integers, and in floats to a relative 1e-9 (the crate's documented
//! accuracy), so that last-digit changes of the numerics do not churn the
//! snapshots.

#[path = "report_fixtures.rs"]
mod fixtures;

use std::path::PathBuf;

use fixtures::Res;
use postab::report::{Body, Document, Render, SCHEMA_VERSION};
use serde_json::Value;

/// JSON values equal up to a relative 1e-9 in floats.
fn close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * x.abs().max(y.abs()) + 1e-300,
                _ => false,
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| close(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| close(v, w)))
        }
        _ => a == b,
    }
}

fn same(name: &str, expected: &str, actual: &str) -> Res<bool> {
    if expected == actual {
        return Ok(true);
    }
    if name.ends_with(".json") {
        let (e, a): (Value, Value) = (
            serde_json::from_str(expected)?,
            serde_json::from_str(actual)?,
        );
        return Ok(close(&e, &a));
    }
    Ok(false)
}

fn check(name: &str, actual: &str) -> Res<()> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual)?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "{}: {e}; run `UPDATE_SNAPSHOTS=1 cargo test --test report_snapshots` to create it",
            path.display()
        )
    })?;
    assert!(
        same(name, &expected, actual)?,
        "snapshot {name} differs; if the change is intended run \
         `UPDATE_SNAPSHOTS=1 cargo test --test report_snapshots`.\n--- expected\n{expected}\n--- actual\n{actual}"
    );
    Ok(())
}

fn all_renderings<R: Render>(name: &str, r: &R) -> Res<Document> {
    check(&format!("{name}.txt"), &r.text())?;
    check(&format!("{name}.md"), &r.markdown())?;
    let json = r.to_json()?;
    check(&format!("{name}.json"), &json)?;
    let doc = Document::from_json(&json)?;
    assert_eq!(doc.schema_version, SCHEMA_VERSION);
    assert_eq!(doc, r.document());
    Ok(doc)
}

#[test]
fn two_variant_analysis() -> Res<()> {
    let a = fixtures::two_variants()?;
    let doc = all_renderings("analysis_two", &a)?;
    assert_eq!(doc.body, Body::Analysis(a.clone()));
    // Two totals whose posts are unknown: one post per variant.
    assert!(
        a.markdown()
            .contains("no spread between posts to test against")
    );
    assert!(a.markdown().contains("For comparison only"));
    Ok(())
}

#[test]
fn paired_analysis() -> Res<()> {
    let a = fixtures::paired()?;
    let doc = all_renderings("analysis_paired", &a)?;
    assert_eq!(doc.body, Body::Analysis(a.clone()));
    let md = a.markdown();
    assert!(
        md.contains("**Design:** paired posts (inferred; unit: block)"),
        "{md}"
    );
    assert!(md.contains("Compared inside each of 6 blocks"), "{md}");
    assert!(
        md.contains("adjusted (3 control first, 3 variant first)"),
        "{md}"
    );
    Ok(())
}

#[test]
fn three_variant_analysis() -> Res<()> {
    let a = fixtures::three_variants()?;
    let doc = all_renderings("analysis_three", &a)?;
    assert_eq!(doc.body, Body::Analysis(a.clone()));
    assert!(a.markdown().contains("Plain (control) stays ahead"));
    // What was tested: the texts differ and are shown, in text and Markdown.
    assert!(a.text().contains("what differs between the variants:"));
    assert!(
        a.markdown()
            .contains("| Ask | Read it and tell me: {link} |")
    );
    Ok(())
}

#[test]
fn count_metric_analysis() -> Res<()> {
    let a = fixtures::replies()?;
    let doc = all_renderings("analysis_replies", &a)?;
    assert_eq!(doc.body, Body::Analysis(a.clone()));
    // Counts per exposure get the post-level result too (one post a side
    // here), the impression-level Poisson figures labelled beside it.
    assert!(
        a.markdown()
            .contains("P(Ask is better than Plain for the typical post)")
    );
    Ok(())
}

#[test]
fn slot_report() -> Res<()> {
    let s = fixtures::slots()?;
    let doc = all_renderings("slots", &s)?;
    assert_eq!(doc.body, Body::Slots(s));
    Ok(())
}

#[test]
fn simulation_report() -> Res<()> {
    let r = fixtures::simulation()?;
    let doc = all_renderings("simulation", &r)?;
    assert_eq!(doc.body, Body::Simulation(r));
    Ok(())
}

#[test]
fn monitoring_report() -> Res<()> {
    let m = fixtures::monitoring()?;
    let doc = all_renderings("monitoring", &m)?;
    assert_eq!(doc.body, Body::Monitoring(m));
    Ok(())
}

#[test]
fn other_schema_versions_are_refused() -> Res<()> {
    let json = fixtures::two_variants()?.to_json()?;
    let newer = json.replacen("\"schema_version\": 3", "\"schema_version\": 4", 1);
    let err = Document::from_json(&newer).map(|_| ()).unwrap_err();
    assert!(matches!(
        err,
        postab::Error::UnsupportedSchemaVersion {
            found: 4,
            supported: 3
        }
    ));
    let older = json.replacen("\"schema_version\": 3", "\"schema_version\": 0", 1);
    assert!(matches!(
        Document::from_json(&older),
        Err(postab::Error::UnsupportedSchemaVersion { found: 0, .. })
    ));
    assert!(matches!(
        Document::from_json("{\"schema_version\": 1, \"kind\": \"nope\"}"),
        Err(postab::Error::InvalidReport { .. })
    ));
    assert!(matches!(
        Document::from_json("not json"),
        Err(postab::Error::InvalidReport { .. })
    ));
    Ok(())
}

/// A version 1 document (the slots snapshot as written before version 2)
/// still reads: its `z` is the statistic, with the normal reference.
#[test]
fn version_1_documents_still_read() -> Res<()> {
    let json = std::fs::read_to_string("tests/data/slots-schema-v1.json")?;
    assert!(json.contains("\"schema_version\": 1") && json.contains("\"z\":"));
    let doc = Document::from_json(&json)?;
    let Body::Slots(report) = doc.body else {
        panic!("a slots document");
    };
    let test = report
        .vs_control
        .iter()
        .find_map(|c| c.impression_level)
        .expect("a rate comparison");
    assert!(test.statistic.is_finite() && test.degrees_of_freedom == f64::INFINITY);
    Ok(())
}

/// A version 1 analysis document still reads, with the sample-ratio check
/// it carried.
#[test]
fn version_1_analysis_still_reads() -> Res<()> {
    let json = std::fs::read_to_string("tests/data/analysis-schema-v1.json")?;
    let doc = Document::from_json(&json)?;
    let Body::Analysis(a) = doc.body else {
        panic!("an analysis document");
    };
    assert!(a.srm.is_some_and(|s| !s.mismatch));
    Ok(())
}

/// A version 2 analysis document (impression-level only) still reads, as
/// an impression-level analysis with no unit-level comparisons.
#[test]
fn version_2_analysis_still_reads() -> Res<()> {
    let json = std::fs::read_to_string("tests/data/analysis-schema-v2.json")?;
    assert!(json.contains("\"schema_version\": 2"));
    let doc = Document::from_json(&json)?;
    let Body::Analysis(a) = doc.body else {
        panic!("an analysis document");
    };
    assert_eq!(a.design.design, postab::design::Design::RandomisedExposure);
    assert!(a.comparisons.is_empty() && a.srm.is_none());
    Ok(())
}

/// Issue 13: the table printed expected loss as a rate (`6.50e-6`) while
/// the verdict said "0.00065 percentage points". One unit now: the leader's
/// loss reads the same in the table (pp), the verdict (percentage points)
/// and Markdown, and the JSON keeps the raw fraction with its unit named.
#[test]
fn expected_loss_reads_in_one_unit() -> Res<()> {
    let a = fixtures::three_variants()?;
    let leader = a.variant(a.leader()).ok_or("the leader")?;
    let text = a.text();
    let verdict = text.lines().last().ok_or("a verdict")?;
    let words = verdict
        .split("risks losing ")
        .nth(1)
        .and_then(|s| s.split(" percentage points").next())
        .ok_or_else(|| format!("no loss in the verdict: {verdict}"))?;
    let row = text
        .lines()
        .find(|l| l.starts_with(leader.label.as_str()) && l.contains(" pp "))
        .ok_or("the leader's row")?;
    assert!(row.contains(&format!(" {words} pp ")), "{row} vs {verdict}");
    let shown: f64 = words.parse()?;
    let exact = 100.0 * leader.expected_loss;
    assert!((shown - exact).abs() <= 0.05 * exact, "{shown} vs {exact}");
    assert!(a.markdown().contains(&format!("| {words} pp |")));
    let json: serde_json::Value = serde_json::from_str(&a.to_json()?)?;
    assert_eq!(
        json["result"]["rate_unit"],
        "click_through = clicks / impressions, a fraction: 0.031 is 3.1 %"
    );
    let losses: Vec<f64> = json["result"]["variants"]
        .as_array()
        .ok_or("variants")?
        .iter()
        .filter_map(|v| v["expected_loss"].as_f64())
        .collect();
    assert!(losses.contains(&leader.expected_loss));
    Ok(())
}
