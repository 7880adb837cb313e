//! Every operation of both documents on the wire, through their generated dispatch tables: each
//! is called with every parameter and body property its spec defines
//! (`requests::full_request_for`), the request it sends is rendered into one snapshot per
//! document that a reviewer can read (`snapshots/it__wire__requests.snap` for the legacy
//! document, `snapshots/it__wire__v3_requests.snap` for v3, in spec order), and the reply, the spec's success
//! example, must parse with every value kept. A new operation is covered as soon as
//! `cargo xtask generate` adds it to the dispatch table.

use std::fmt::Write as _;

use heygen_codegen::model::IdempotencyKey;
use heygen_tests::requests::{full_request_for, parameters, route};
use heygen_tests::{API_KEY, Document, DocumentExt, Harness, differences, is_uuid};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request};

/// HeyGen's idempotency key header (v3).
const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

#[tokio::test]
async fn every_legacy_operation_sends_what_the_spec_defines() {
    let (snapshot, failures) = drive(Document::Legacy).await;
    insta::assert_snapshot!("requests", snapshot);
    assert!(failures.is_empty(), "{} problems:\n  {}", failures.len(), failures.join("\n  "));
}

#[tokio::test]
async fn every_v3_operation_sends_what_the_spec_defines() {
    let (snapshot, failures) = drive(Document::V3).await;
    insta::assert_snapshot!("v3_requests", snapshot);
    assert!(failures.is_empty(), "{} problems:\n  {}", failures.len(), failures.join("\n  "));
}

/// Calls every operation of `doc` once; returns the rendered requests and what went wrong.
async fn drive(doc: Document) -> (String, Vec<String>) {
    let h = Harness::start_with(|builder| builder.max_retries(0)).await;
    assert_eq!(
        doc.operations().to_vec(),
        doc.operation_ids(),
        "the {} dispatch table is stale: run `cargo xtask generate`",
        doc.name()
    );

    let mut snapshot = String::new();
    let mut failures = Vec::new();
    for &id in doc.operations() {
        // Whatever arrives is answered, so that a wrong method or path shows in the snapshot
        // instead of ending the call with wiremock's 404.
        for server in [&h.api, &h.upload] {
            server.reset().await;
            Mock::given(any()).respond_with(doc.example_response(id)).mount(server).await;
        }
        let mut input = full_request_for(doc, id);
        let keyed = doc.operation(id).idempotency_key.as_ref();
        if keyed == Some(&IdempotencyKey::Header) {
            // Left to the client, which makes one per call: the snapshot shows that it did.
            input.params.remove(IDEMPOTENCY_KEY);
        }
        let outcome = doc.call(&h.client, id, &input).await;
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
        let problems = check_request(doc, id, request, &input);
        failures.extend(problems.into_iter().map(|f| format!("{id}: {f}")));
        let key = request.headers.get(IDEMPOTENCY_KEY).map(|v| v.to_str().unwrap_or_default());
        match (keyed, key) {
            (Some(IdempotencyKey::Header), Some(key)) if is_uuid(key) => {}
            (Some(IdempotencyKey::Header), key) => {
                failures.push(format!("{id}: sent the idempotency key {key:?}, not a UUID"))
            }
            (_, Some(key)) => failures.push(format!("{id}: sent an idempotency key ({key}) it does not take")),
            (_, None) => {}
        }
        match outcome {
            Ok(reply) => failures.extend(
                differences(&doc.success_example(id), Some(&reply.body), "")
                    .into_iter()
                    .map(|f| format!("{id}: the parsed reply {f}")),
            ),
            Err(e) => failures.push(format!("{id}: {e}")),
        }
    }
    (snapshot, failures)
}

async fn received(server: &MockServer, host: &'static str) -> Vec<(&'static str, Request)> {
    let requests = server.received_requests().await.expect("request recording is on");
    requests.into_iter().map(|request| (host, request)).collect()
}

/// One request as a reviewer reads it: the operation, which configured host it went to, method,
/// path with the query sorted, content type (a multipart boundary left out, as it is random), the
/// name of the credential header (never its value), whether an idempotency key was sent (its
/// value is random; `drive` checks that it is a UUID), and the body.
fn render(id: &str, host: &str, request: &Request) -> String {
    let mut query: Vec<&str> = request.url.query().into_iter().flat_map(|q| q.split('&')).collect();
    query.sort_unstable();
    let query = if query.is_empty() { String::new() } else { format!("?{}", query.join("&")) };
    let content_type = request.headers.get("content-type").map_or("-", |v| v.to_str().unwrap_or("<not text>"));
    let form = multipart_boundary(content_type).map(|boundary| form_parts(&request.body, boundary));
    let content_type = if form.is_some() { "multipart/form-data" } else { content_type };
    let credentials: Vec<&str> =
        ["X-Api-Key", "Authorization"].into_iter().filter(|name| request.headers.contains_key(*name)).collect();
    let credentials = if credentials.is_empty() { "-".to_owned() } else { credentials.join(", ") };

    let mut out = format!("## {id}\n{} {host} {}{query}\n", request.method, request.url.path());
    let _ = writeln!(out, "content-type: {content_type}\ncredential: {credentials}");
    if request.headers.contains_key(IDEMPOTENCY_KEY) {
        let _ = writeln!(out, "{IDEMPOTENCY_KEY}: <uuid>");
    }
    match serde_json::from_slice::<Value>(&request.body) {
        _ if request.body.is_empty() => out.push_str("no body\n"),
        _ if form.is_some() => {
            let names: Vec<&str> = form.iter().flatten().map(|(name, _)| name.as_str()).collect();
            let _ = writeln!(out, "<multipart form: {}>", names.join(", "));
        }
        Ok(json) if content_type == "application/json" => {
            out.push_str(&serde_json::to_string_pretty(&json).expect("JSON prints"));
            out.push('\n');
        }
        _ => _ = writeln!(out, "<{} bytes>", request.body.len()),
    }
    out.push('\n');
    out
}

/// The boundary of a `multipart/form-data` content type.
fn multipart_boundary(content_type: &str) -> Option<&str> {
    let rest = content_type.strip_prefix("multipart/form-data")?;
    rest.split(';').find_map(|part| part.trim().strip_prefix("boundary=")).map(|b| b.trim_matches('"'))
}

/// The parts of a multipart body, by the name their `Content-Disposition` gives, with their
/// content; an unreadable part is left out (and then fails the checks that look for it).
fn form_parts(body: &[u8], boundary: &str) -> Vec<(String, Vec<u8>)> {
    let delimiter = format!("--{boundary}");
    split(body, delimiter.as_bytes())
        .into_iter()
        .filter_map(|part| {
            let part = part.strip_prefix(b"\r\n")?;
            let end = part.windows(4).position(|w| w == b"\r\n\r\n")?;
            let headers = String::from_utf8_lossy(&part[..end]);
            let name = headers.split("name=\"").nth(1)?.split('"').next()?.to_owned();
            let content = part[end + 4..].strip_suffix(b"\r\n")?;
            Some((name, content.to_vec()))
        })
        .collect()
}

/// `bytes` cut at every occurrence of `delimiter`, the pieces between them.
fn split<'a>(mut bytes: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    while let Some(at) = bytes.windows(delimiter.len()).position(|w| w == delimiter) {
        pieces.push(&bytes[..at]);
        bytes = &bytes[at + delimiter.len()..];
    }
    pieces.push(bytes);
    pieces
}

/// What the snapshot cannot show a reviewer at a glance: the request takes the spec's method
/// and path, the API key is the configured one, and every argument given reached the wire.
fn check_request(doc: Document, id: &str, request: &Request, input: &heygen_tests::calls::Input) -> Vec<String> {
    let mut problems = Vec::new();
    let (method, template) = route(doc, id);
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
    for (name, location) in parameters(doc, id) {
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
    if let Some(bytes) = &input.bytes {
        let content_type = request.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
        match multipart_boundary(content_type) {
            // The generated form sends the bytes as the field `file`, as HeyGen's upload takes them.
            Some(boundary) => {
                let parts = form_parts(&request.body, boundary);
                if !parts.iter().any(|(name, content)| name == "file" && content == bytes) {
                    let names: Vec<&str> = parts.iter().map(|(name, _)| name.as_str()).collect();
                    problems.push(format!(
                        "sent the form fields {names:?}, without the {} bytes given as `file`",
                        bytes.len()
                    ));
                }
            }
            None if request.body != *bytes => {
                problems.push(format!("sent {} bytes, not the {} given", request.body.len(), bytes.len()))
            }
            None => {}
        }
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
