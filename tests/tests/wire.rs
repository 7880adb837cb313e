//! Every operation of the spec on the wire, through the generated dispatch table: each is called
//! with every parameter and body property the spec defines (`requests::full_request_for`), the
//! request it sends is rendered into one snapshot a reviewer can read (`snapshots/wire__requests.snap`,
//! in spec order), and the reply, the spec's success example, must parse with every value kept.
//! A new operation is covered as soon as `cargo xtask generate` adds it to `OPERATIONS`.

use std::fmt::Write as _;

use heygen_tests::generated_calls::{OPERATIONS, call};
use heygen_tests::requests::{full_request_for, parameters, route};
use heygen_tests::{API_KEY, Harness, example_response, operation_ids, success_example};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request};

#[tokio::test]
async fn every_operation_sends_what_the_spec_defines() {
    let h = Harness::start_with(|builder| builder.max_retries(0)).await;
    assert_eq!(OPERATIONS.to_vec(), operation_ids(), "the dispatch table is stale: run `cargo xtask generate`");

    let mut snapshot = String::new();
    let mut failures = Vec::new();
    for id in OPERATIONS {
        // Whatever arrives is answered, so that a wrong method or path shows in the snapshot
        // instead of ending the call with wiremock's 404.
        for server in [&h.api, &h.upload] {
            server.reset().await;
            Mock::given(any()).respond_with(example_response(id)).mount(server).await;
        }
        let input = full_request_for(id);
        let outcome = call(&h.client, id, &input).await;
        let mut sent = received(&h.api, "api").await;
        sent.extend(received(&h.upload, "upload").await);
        let [(host, request)] = sent.as_slice() else {
            // Shown in the snapshot too, which is asserted first.
            let why = outcome.err().map(|e| format!(": {e}")).unwrap_or_default();
            let problem = format!("sent {} requests, not one{why}", sent.len());
            _ = write!(snapshot, "## {id}\n{problem}\n\n");
            failures.push(format!("{id}: {problem}"));
            continue;
        };
        snapshot.push_str(&render(id, host, request));
        failures.extend(check_request(id, request, &input).into_iter().map(|f| format!("{id}: {f}")));
        match outcome {
            Ok(reply) => failures.extend(
                differences(&success_example(id), Some(&reply.body), "")
                    .into_iter()
                    .map(|f| format!("{id}: the parsed reply {f}")),
            ),
            Err(e) => failures.push(format!("{id}: {e}")),
        }
    }
    insta::assert_snapshot!("requests", snapshot);
    assert!(failures.is_empty(), "{} problems:\n  {}", failures.len(), failures.join("\n  "));
}

async fn received(server: &MockServer, host: &'static str) -> Vec<(&'static str, Request)> {
    let requests = server.received_requests().await.expect("request recording is on");
    requests.into_iter().map(|request| (host, request)).collect()
}

/// One request as a reviewer reads it: the operation, which configured host it went to, method,
/// path with the query sorted, content type, the name of the credential header (never its
/// value) and the body.
fn render(id: &str, host: &str, request: &Request) -> String {
    let mut query: Vec<&str> = request.url.query().into_iter().flat_map(|q| q.split('&')).collect();
    query.sort_unstable();
    let query = if query.is_empty() { String::new() } else { format!("?{}", query.join("&")) };
    let content_type = request.headers.get("content-type").map_or("-", |v| v.to_str().unwrap_or("<not text>"));
    let credentials: Vec<&str> =
        ["X-Api-Key", "Authorization"].into_iter().filter(|name| request.headers.contains_key(*name)).collect();
    let credentials = if credentials.is_empty() { "-".to_owned() } else { credentials.join(", ") };

    let mut out = format!("## {id}\n{} {host} {}{query}\n", request.method, request.url.path());
    let _ = writeln!(out, "content-type: {content_type}\ncredential: {credentials}");
    match serde_json::from_slice::<Value>(&request.body) {
        _ if request.body.is_empty() => out.push_str("no body\n"),
        Ok(json) if content_type == "application/json" => {
            out.push_str(&serde_json::to_string_pretty(&json).expect("JSON prints"));
            out.push('\n');
        }
        _ => _ = writeln!(out, "<{} bytes>", request.body.len()),
    }
    out.push('\n');
    out
}

/// What the snapshot cannot show a reviewer at a glance: the request takes the spec's method
/// and path, the API key is the configured one, and every argument given reached the wire.
fn check_request(id: &str, request: &Request, input: &heygen_tests::calls::Input) -> Vec<String> {
    let mut problems = Vec::new();
    let (method, template) = route(id);
    if !request.method.as_str().eq_ignore_ascii_case(method) {
        problems.push(format!("sent {} where the spec says {method}", request.method));
    }
    if !path_fits(request.url.path(), template) {
        problems.push(format!("sent the path {} where the spec says {template}", request.url.path()));
    }
    if request.headers.get("x-api-key").is_none_or(|key| key != API_KEY) {
        problems.push("did not send the configured API key as X-Api-Key".to_owned());
    }
    if request.headers.contains_key("authorization") {
        problems.push("sent an Authorization header from a client that has only an API key".to_owned());
    }
    for (name, location) in parameters(id) {
        let present = match location.as_str() {
            "query" => request.url.query_pairs().any(|(key, _)| key == name.as_str()),
            "header" => request.headers.contains_key(name.as_str()),
            _ => true, // path parameters: checked by `path_fits`
        };
        if !present {
            problems.push(format!("the {location} parameter `{name}` was not sent"));
        }
    }
    if let Some(body) = &input.body {
        match serde_json::from_slice::<Value>(&request.body) {
            Ok(sent) => {
                problems.extend(differences(body, Some(&sent), "").into_iter().map(|d| format!("the body {d}")))
            }
            Err(e) => problems.push(format!("the body is not JSON: {e}")),
        }
    }
    if let Some(bytes) = &input.bytes
        && request.body != *bytes
    {
        problems.push(format!("sent {} bytes, not the {} given", request.body.len(), bytes.len()));
    }
    problems
}

/// Whether `path` is an instance of the spec's `template`: the same literal segments, and one
/// non-empty segment for each `{parameter}`.
fn path_fits(path: &str, template: &str) -> bool {
    let (sent, spec): (Vec<_>, Vec<_>) = (path.split('/').collect(), template.split('/').collect());
    sent.len() == spec.len()
        && sent.iter().zip(&spec).all(|(sent, spec)| {
            if spec.starts_with('{') && spec.ends_with('}') { !sent.is_empty() } else { sent == spec }
        })
}

/// Where `actual` lacks a value of `expected` or holds another one, by JSON pointer. Numbers
/// compare by value (`1` and `1.0` are equal); a null or an empty array or object in `expected`
/// may also be absent from `actual`, as typed values leave out empty optional fields.
fn differences(expected: &Value, actual: Option<&Value>, at: &str) -> Vec<String> {
    let here = if at.is_empty() { "/" } else { at };
    match expected {
        Value::Object(fields) if !fields.is_empty() => fields
            .iter()
            .flat_map(|(key, value)| differences(value, actual.and_then(|a| a.get(key)), &format!("{at}/{key}")))
            .collect(),
        Value::Array(items) if !items.is_empty() => {
            let mut found: Vec<String> = items
                .iter()
                .enumerate()
                .flat_map(|(i, value)| differences(value, actual.and_then(|a| a.get(i)), &format!("{at}/{i}")))
                .collect();
            let length = actual.and_then(Value::as_array).map(Vec::len);
            if length.is_some_and(|length| length > items.len()) {
                found.push(format!("has {} items at {here}, not {}", length.unwrap_or_default(), items.len()));
            }
            found
        }
        Value::Null | Value::Array(_) | Value::Object(_) if actual.is_none_or(|a| a.is_null() || a == expected) => {
            Vec::new()
        }
        Value::Number(n) if actual.and_then(Value::as_f64) == n.as_f64() => Vec::new(),
        _ if actual == Some(expected) => Vec::new(),
        _ => vec![match actual {
            Some(actual) => format!("has {actual} at {here}, not {expected}"),
            None => format!("lacks {expected} at {here}"),
        }],
    }
}
