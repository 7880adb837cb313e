//! Property tests: arbitrary input never makes the client or the generator panic, only fail
//! with a typed error.
//!
//! - Replies: arbitrary bytes, arbitrary JSON and mutations of the spec's examples, with a 2xx
//!   or an error status, go through the real client (against a local mock) for the operations
//!   with the largest response types. Each must decode, or end in `Error::Decode` (a 2xx that is
//!   not what the spec says) or `Error::Api` (an error status, or a 200 whose envelope reports a
//!   failure), never a panic or another error.
//! - Specs: mutations of `spec/heygen.yaml` (a node replaced, removed, or the text cut) go
//!   through `load_and_validate` and, when valid, the whole generator: `Ok` or a typed error.
//!
//! Case counts are small so `cargo test` stays quick; `PROPTEST_CASES=N` runs N cases per test.

use std::path::Path;
use std::sync::{Arc, Mutex};

use heygen_client::Error;
use heygen_tests::calls::CallError;
use heygen_tests::generated_calls::call;
use heygen_tests::requests::request_for;
use heygen_tests::{API_KEY, Document, operation_ids, spec, success_example};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;
use wiremock::matchers::any as any_request;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// How many operations, largest success example first, the reply properties exercise.
const LARGEST: usize = 6;

fn config(default_cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(default_cases);
    Config { cases, failure_persistence: None, ..Config::default() }
}

/// Any JSON value, nested a few levels.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![Just("data"), Just("code"), Just("error"), Just("message"), Just("status"), Just("id")]
            .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((key(), inner), 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

/// Object keys: mostly the envelope's and common field names, so mutations hit real fields.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop_oneof![Just("data"), Just("code"), Just("error"), Just("message"), Just("msg"), Just("id"), Just("status")]
            .prop_map(str::to_owned),
        1 => "[a-z_]{1,10}",
    ]
}

/// Every JSON pointer in `value`, the root included.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out)
            }
        }
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| pointers(v, format!("{at}/{i}"), out)),
        _ => {}
    }
    out.push(at);
}

/// `value` with the node at the `pick`-th pointer replaced by `with`, or removed when `with` is
/// `None` (the root cannot be removed, so it is replaced by null).
fn mutate(mut value: Value, pick: usize, with: Option<Value>) -> Value {
    let mut all = Vec::new();
    pointers(&value, String::new(), &mut all);
    let at = &all[pick % all.len()];
    match (with, at.rsplit_once('/')) {
        (Some(new), _) => *value.pointer_mut(at).expect("a pointer of the value") = new,
        (None, None) => value = Value::Null,
        (None, Some((parent, last))) => match value.pointer_mut(parent).expect("a parent") {
            Value::Object(map) => {
                map.remove(&last.replace("~1", "/").replace("~0", "~"));
            }
            Value::Array(items) => {
                items.remove(last.parse::<usize>().expect("an index"));
            }
            _ => unreachable!("a parent is a collection"),
        },
    }
    value
}

/// Serves whatever status and body the current case put in the slot.
struct Canned(Arc<Mutex<(u16, Vec<u8>)>>);

impl Respond for Canned {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let (status, body) = self.0.lock().unwrap().clone();
        ResponseTemplate::new(status).set_body_raw(body, "application/json")
    }
}

/// The operations whose success examples are largest: the biggest response types.
fn largest_operations() -> Vec<String> {
    let mut ids = operation_ids();
    ids.sort_by_key(|id| std::cmp::Reverse(success_example(id).to_string().len()));
    ids.truncate(LARGEST);
    ids
}

/// A reply body: raw bytes, any JSON, or the operation's example with one node replaced or removed.
fn reply_body(example: Value) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        json().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        (any::<usize>(), proptest::option::of(json())).prop_map(move |(pick, with)| serde_json::to_vec(&mutate(
            example.clone(),
            pick,
            with
        ))
        .unwrap()),
    ]
}

#[test]
fn arbitrary_replies_decode_or_fail_with_a_typed_error() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let slot = Arc::new(Mutex::new((200, Vec::new())));
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(any_request()).respond_with(Canned(slot.clone())).mount(&server).await;
        server
    });
    let client = heygen_client::Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .upload_base_url(server.uri())
        .max_retries(0)
        .build_legacy()
        .unwrap();
    for id in largest_operations() {
        let input = request_for(Document::Legacy, &id);
        let status = prop_oneof![3 => Just(200u16), 1 => 400u16..600];
        let mut runner = TestRunner::new(config(48));
        let result = runner.run(&(status, reply_body(success_example(&id))), |(status, body)| {
            *slot.lock().unwrap() = (status, body.clone());
            let outcome = runtime.block_on(call(&client, &id, &input));
            let shown = String::from_utf8_lossy(&body);
            match outcome {
                Ok(reply) => prop_assert_eq!(reply.status, status, "decoded a {} reply: {}", status, shown),
                Err(CallError::Client(Error::Decode(e))) => {
                    prop_assert_eq!(status, 200, "a Decode error for status {}: {}", status, shown);
                    prop_assert_eq!(e.status.as_u16(), 200);
                }
                Err(CallError::Client(Error::Api(e))) => prop_assert_eq!(e.status.as_u16(), status, "{}", shown),
                Err(other) => return Err(TestCaseError::fail(format!("{id}: unexpected error {other} for {shown}"))),
            }
            Ok(())
        });
        if let Err(e) = result {
            panic!("{id}: {e}");
        }
    }
}

/// The spec as JSON text (JSON is YAML), so structural mutations need no YAML writer.
fn spec_json() -> &'static Value {
    &spec().json
}

#[test]
fn mutated_specs_load_and_generate_or_fail_with_a_typed_error() {
    let source = std::fs::read_to_string(heygen_tests::workspace_root().join(Document::Legacy.spec_path())).unwrap();
    let text_mutation = (any::<prop::sample::Index>(), 0..3u8).prop_map({
        let source = source.clone();
        move |(at, kind)| {
            let lines: Vec<&str> = source.lines().collect();
            let line = at.index(lines.len());
            match kind {
                // Cut the file at a line.
                0 => lines[..line].join("\n"),
                // Drop a line.
                1 => {
                    lines.iter().enumerate().filter(|(i, _)| *i != line).map(|(_, l)| *l).collect::<Vec<_>>().join("\n")
                }
                // Indent a line one step deeper.
                _ => {
                    let mut lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                    lines[line] = format!("  {}", lines[line]);
                    lines.join("\n")
                }
            }
        }
    });
    let node_mutation = (any::<usize>(), proptest::option::of(json()))
        .prop_map(|(pick, with)| serde_json::to_string_pretty(&mutate(spec_json().clone(), pick, with)).unwrap());
    let mut runner = TestRunner::new(config(24));
    let file = Path::new("mutated.yaml");
    let result = runner.run(&prop_oneof![text_mutation, node_mutation], |mutated| {
        match heygen_codegen::generate_from_source(Document::Legacy, file, &mutated) {
            Ok(files) => prop_assert!(files.iter().all(|f| f.contents.starts_with("// @generated"))),
            Err(heygen_codegen::Error::Spec(e)) => {
                prop_assert!(!e.problems.is_empty(), "a spec error without problems");
                prop_assert!(e.problems.iter().all(|p| p.line >= 1), "a problem without a line: {}", e);
            }
            Err(_) => {}
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The generators above reach deep: a mutation of a leaf keeps every other node.
#[test]
fn mutate_changes_only_the_picked_node() {
    let value: Value = serde_json::json!({"a": {"b": [1, 2]}, "c": "d"});
    let mut all = Vec::new();
    pointers(&value, String::new(), &mut all);
    assert_eq!(all, ["/a/b/0", "/a/b/1", "/a/b", "/a", "/c", ""]);
    assert_eq!(mutate(value.clone(), 1, None), serde_json::json!({"a": {"b": [1]}, "c": "d"}));
    assert_eq!(mutate(value.clone(), 4, Some(Value::Null)), serde_json::json!({"a": {"b": [1, 2]}, "c": null}));
    assert_eq!(mutate(value, 5, None), Value::Null);
}

/// Webhook verification takes anything a sender can put on the wire: arbitrary bodies, headers
/// and secrets give a typed result, never a panic; a body signed with the right secret is
/// accepted unless it is not an event.
#[test]
fn webhook_verification_takes_arbitrary_input() {
    use heygen_client::legacy::webhook::{self, WebhookError};
    use hmac::{KeyInit, Mac};
    let input = (
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..256),
            json().prop_map(|v| serde_json::to_vec(&v).unwrap())
        ],
        "[ -~]{0,70}",
        ".{0,24}",
        any::<bool>(),
    );
    let mut runner = TestRunner::new(config(256));
    let result = runner.run(&input, |(body, signature, secret, sign)| {
        let signature = if sign {
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
            mac.update(&body);
            hex::encode(mac.finalize().into_bytes())
        } else {
            signature
        };
        let mut headers = http::HeaderMap::new();
        if let Ok(value) = signature.parse() {
            headers.insert("signature", value);
        }
        match webhook::verify(&headers, &body, &secret) {
            Ok(delivery) => prop_assert!(sign && !secret.trim().is_empty(), "an unsigned body verified: {delivery:?}"),
            Err(WebhookError::Malformed(_)) => prop_assert!(sign, "only a correctly signed body gets parsed"),
            Err(WebhookError::EmptySecret) => prop_assert!(secret.trim().is_empty(), "a non-blank secret was refused"),
            Err(_) => prop_assert!(!sign, "a correctly signed body was rejected"),
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
