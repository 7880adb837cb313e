//! The contract test: every operation of the generated client against Stoplight Prism, a mock
//! server that no one here wrote, serving `spec/heygen.yaml`. Prism answers 422 to a request
//! that does not match the spec and otherwise the spec's example for the operation, which the
//! client must parse into its types.
//!
//! Needs a running Prism, so it is ignored by plain `cargo test`; `cargo xtask contract`
//! installs and starts Prism, runs this with `HEYGEN_CONTRACT_BASE_URL` set, and stops it.

use std::time::Duration;

use heygen_client::Client;
use heygen_tests::generated_calls::{OPERATIONS, call};
use heygen_tests::requests::request_for;
use heygen_tests::{API_KEY, normalized, operation_ids, success_example};

/// The variable `cargo xtask contract` sets to Prism's address.
const BASE_URL_VARIABLE: &str = "HEYGEN_CONTRACT_BASE_URL";

#[tokio::test]
#[ignore = "needs a running Prism: run `cargo xtask contract`"]
async fn every_operation_against_prism() {
    let base_url = std::env::var(BASE_URL_VARIABLE)
        .unwrap_or_else(|_| panic!("{BASE_URL_VARIABLE} is not set: run this through `cargo xtask contract`"));
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(&base_url)
        .upload_base_url(&base_url)
        .max_retries(0)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a valid client");
    assert_eq!(OPERATIONS.to_vec(), operation_ids(), "the dispatch table is stale: run `cargo xtask generate`");

    let mut failures = Vec::new();
    for id in OPERATIONS {
        let input = request_for(id);
        match call(&client, id, &input).await {
            // Prism sends the spec's example; the typed reply must hold all of it.
            Ok(reply) if normalized(reply.body.clone()) == normalized(success_example(id)) => {}
            Ok(reply) => {
                failures.push(format!("{id}: the parsed reply {} differs from the spec's example", reply.body))
            }
            Err(e) => failures.push(format!("{id}: {e}\n    request: {input:?}")),
        }
    }
    let validated = OPERATIONS.len() - failures.len();
    println!("{validated}/{} operations validated", OPERATIONS.len());
    assert!(failures.is_empty(), "{} operations failed against Prism:\n  {}", failures.len(), failures.join("\n  "));
}
