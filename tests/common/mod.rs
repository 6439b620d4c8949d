//! Helpers shared by the reference-value tests.
#![allow(dead_code)]

use serde_json::Value;

/// All cases of `kind` in `tests/data/<file>`.
pub fn cases(file: &str, kind: &str) -> Vec<Value> {
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).expect("reference file");
    let all: Vec<Value> = serde_json::from_str(&text).expect("valid JSON");
    all.into_iter().filter(|c| c["kind"] == kind).collect()
}

/// The `cases` array of the document `tests/data/<file>`
/// (`{"source": …, "cases": [...]}`).
pub fn document_cases(file: &str) -> Vec<Value> {
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).expect("reference file");
    let doc: Value = serde_json::from_str(&text).expect("valid JSON");
    doc["cases"].as_array().expect("cases").clone()
}

/// A number stored as a JSON number or as a decimal string (`*_hp` fields).
pub fn num(v: &Value) -> f64 {
    match v {
        Value::String(s) => s.parse().expect("decimal string"),
        other => other.as_f64().expect("number"),
    }
}

/// Relative error (absolute when the reference is 0).
pub fn rel(got: f64, want: f64) -> f64 {
    if want == 0.0 {
        got.abs()
    } else {
        (got / want - 1.0).abs()
    }
}

/// A JSON integer.
pub fn int(v: &Value) -> u64 {
    v.as_u64().expect("integer")
}

/// A contingency table stored as a JSON array of rows of integers.
pub fn table(v: &Value) -> Vec<Vec<u64>> {
    v.as_array()
        .expect("rows")
        .iter()
        .map(|r| r.as_array().expect("row").iter().map(int).collect())
        .collect()
}
