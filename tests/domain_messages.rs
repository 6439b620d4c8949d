//! Error messages name the offending values.

use postab::{Error, Outcome, counts};

#[test]
fn messages_name_values() {
    let mut c = counts! { clicks: u64::MAX };
    let err = c.add_count(&Outcome::Click, 7).unwrap_err();
    assert_eq!(
        err.to_string(),
        "count overflow: clicks 18446744073709551615 + 7 exceeds u64::MAX"
    );
    let err = Error::CountOverflow {
        variant: Some("question".into()),
        outcome: "clicks".into(),
        current: 1,
        added: 2,
    };
    assert_eq!(
        err.to_string(),
        "count overflow in variant \"question\": clicks 1 + 2 exceeds u64::MAX"
    );
    assert_eq!(
        Error::SuccessesExceedTrials {
            variant: "statement".into(),
            successes: 11,
            trials: 10
        }
        .to_string(),
        "variant \"statement\": 11 successes exceed 10 trials"
    );
    assert_eq!(
        Error::TooFewVariants { got: 1 }.to_string(),
        "an experiment needs at least 2 variants, got 1"
    );
}
