//! The contract test: every operation of the generated clients against Stoplight Prism, a mock
//! server that no one here wrote, serving one of our documents (`spec/heygen.yaml` or
//! `spec/heygen-v3.yaml`). Prism answers 422 to a request that does not match the document and
//! otherwise the document's example for the operation, which the client must parse into its
//! types.
//!
//! Needs a running Prism, so it is ignored by plain `cargo test`; `cargo xtask contract`
//! installs Prism and, for each document, starts it, runs this with `HEYGEN_CONTRACT_BASE_URL`
//! and `HEYGEN_CONTRACT_DOCUMENT` set, and stops it.

use std::time::Duration;

use heygen_client::legacy::Client;
use heygen_tests::calls::{CallError, Input, Reply};
use heygen_tests::requests::request_for;
use heygen_tests::{API_KEY, Document, DocumentExt, differences};
use reqwest::multipart::{Form, Part};

/// The variable `cargo xtask contract` sets to Prism's address.
const BASE_URL_VARIABLE: &str = "HEYGEN_CONTRACT_BASE_URL";
/// The variable that names the document Prism serves: `legacy` or `v3`.
const DOCUMENT_VARIABLE: &str = "HEYGEN_CONTRACT_DOCUMENT";

#[tokio::test]
#[ignore = "needs a running Prism: run `cargo xtask contract`"]
async fn every_operation_against_prism() {
    let through_xtask = |variable: &str| {
        std::env::var(variable)
            .unwrap_or_else(|_| panic!("{variable} is not set: run this through `cargo xtask contract`"))
    };
    let base_url = through_xtask(BASE_URL_VARIABLE);
    let document = through_xtask(DOCUMENT_VARIABLE);
    let doc = Document::ALL
        .into_iter()
        .find(|doc| doc.name() == document)
        .unwrap_or_else(|| panic!("{DOCUMENT_VARIABLE}={document}: not `legacy` or `v3`"));
    let client = heygen_client::Client::builder()
        .api_key(API_KEY)
        .base_url(&base_url)
        .upload_base_url(&base_url)
        .max_retries(0)
        .timeout(Duration::from_secs(30))
        .build_legacy()
        .expect("a valid client");
    assert_eq!(
        doc.operations().to_vec(),
        doc.operation_ids(),
        "the dispatch table is stale: run `cargo xtask generate`"
    );

    let mut failures = Vec::new();
    for &id in doc.operations() {
        let input = request_for(doc, id);
        match call(doc, &client, id, &input).await {
            // Prism sends the document's example; the typed reply must hold all of it.
            Ok(reply) => {
                let missed = differences(&doc.success_example(id), Some(&reply.body), "");
                if !missed.is_empty() {
                    failures.push(format!("{id}: the parsed reply {}", missed.join("; ")));
                }
            }
            Err(e) => failures.push(format!("{id}: {e}\n    request: {input:?}")),
        }
    }
    let validated = doc.operations().len() - failures.len();
    println!("{}: {validated}/{} operations validated", doc.spec_path(), doc.operations().len());
    assert!(failures.is_empty(), "{} operations failed against Prism:\n  {}", failures.len(), failures.join("\n  "));
}

/// Calls `id` through the dispatch table, except a multipart upload. The table's form leaves its
/// file part without a media type (RFC 7578 only recommends one), and Prism's multipart parser
/// (parse-multipart-data) then crashes Prism itself, so the part is labelled here.
async fn call(doc: Document, client: &Client, id: &str, input: &Input) -> Result<Reply, CallError> {
    let body = doc.operation(id).body.as_ref();
    if !body.is_some_and(|body| body.media_types.iter().any(|media| media == "multipart/form-data")) {
        return doc.call(client, id, input).await;
    }
    assert_eq!((doc, id), (Document::V3, "upload_asset"), "a new multipart operation: label its file part here too");
    let file = Part::bytes(input.bytes()?).file_name("upload.bin");
    let file = file.mime_str("application/octet-stream").expect("a valid media type");
    let key: Option<String> = input.param("Idempotency-Key")?;
    let v3 = match key {
        Some(key) => client.v3().with_idempotency_key(key).map_err(CallError::Client)?,
        None => client.v3(),
    };
    let reply = v3.upload_asset(Form::new().part("file", file)).await;
    Ok(Reply::new(reply.map_err(CallError::Client)?))
}
