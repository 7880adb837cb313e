//! Shared test support: the workspace's spec, its examples, and a client wired to mock servers.

pub mod calls;
pub mod capture;
pub mod corpus;
pub mod heygen_doc;
pub mod mutate;
pub mod overhead;
pub mod requests;

/// Calls any operation by its `operationId`: generated from the spec by `cargo xtask generate`.
#[allow(clippy::all)]
#[rustfmt::skip] // formatted by prettyplease in `cargo xtask generate`
pub mod generated_calls;

/// The same for the v3 client.
#[allow(clippy::all)]
#[rustfmt::skip] // formatted by prettyplease in `cargo xtask generate`
pub mod generated_calls_v3;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use calls::{CallError, Reply};
use heygen_client::ClientBuilder;
use heygen_client::legacy::Client;
use heygen_codegen::Spec;
use heygen_codegen::model::Operation;
use serde_json::Value;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

/// The API key every test client sends; tests assert it arrives as `X-Api-Key`.
pub const API_KEY: &str = "hg-test-key-4f1c9a";

pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace root")
}

pub fn fixture(name: &str) -> PathBuf {
    workspace_root().join("tests/fixtures").join(name)
}

/// A tool or third-party document installed into .tools/ by tools/install.sh, which CI runs
/// first.
pub fn installed_tool(relative: &str) -> PathBuf {
    let path = workspace_root().join(".tools").join(relative);
    assert!(path.exists(), "{} is missing: run `bash tools/install.sh` first", path.display());
    path
}

/// Which document a driver works with: the generator's own description of it, so that one
/// driver covers both documents.
pub use heygen_codegen::Document;

/// What the tests ask of a [`Document`] beyond where its files are: its spec loaded once, its
/// examples, and its generated dispatch table.
pub trait DocumentExt: Copy {
    /// The document's spec, loaded and validated once.
    fn spec(self) -> &'static Spec;

    /// Every operationId in the spec, in document order.
    fn operation_ids(self) -> Vec<String> {
        self.spec().api.operations.iter().map(|op| op.id.clone()).collect()
    }

    /// The operations of the generated dispatch table, in the order it was generated.
    fn operations(self) -> &'static [&'static str];

    /// Calls `operation_id` through the document's dispatch table: on `client` itself for the
    /// legacy document, on `client.v3()` (the same configuration) for v3.
    fn call<'a>(
        self,
        client: &'a Client,
        operation_id: &'a str,
        input: &'a calls::Input,
    ) -> impl Future<Output = Result<Reply, CallError>> + 'a;

    /// The model of `operation_id`.
    fn operation(self, operation_id: &str) -> &'static Operation;

    /// The example of `operation_id`'s success response, as written in the spec.
    fn success_example(self, operation_id: &str) -> Value {
        let op = self.operation(operation_id);
        let success = op.success.as_ref().unwrap_or_else(|| panic!("{operation_id} has no success response"));
        let media = success.media_type.as_deref().expect("success content").replace('/', "~1");
        let pointer = format!("{}/responses/{}/content/{media}/example", op.pointer, success.key);
        self.spec().json.pointer(&pointer).cloned().unwrap_or(Value::Null)
    }

    /// A response with `operation_id`'s success status (a batch create's is 202) carrying its
    /// example.
    fn example_response(self, operation_id: &str) -> ResponseTemplate {
        let status = self.operation(operation_id).success.as_ref().map_or(200, |success| success.status);
        ResponseTemplate::new(status).set_body_json(self.success_example(operation_id))
    }
}

impl DocumentExt for Document {
    fn spec(self) -> &'static Spec {
        static SPECS: [OnceLock<Spec>; 2] = [OnceLock::new(), OnceLock::new()];
        let slot = match self {
            Self::Legacy => &SPECS[0],
            Self::V3 => &SPECS[1],
        };
        slot.get_or_init(|| {
            let path = workspace_root().join(self.spec_path());
            let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            heygen_codegen::load_and_validate(&path, &source).unwrap_or_else(|e| panic!("{e}"))
        })
    }

    fn operations(self) -> &'static [&'static str] {
        match self {
            Self::Legacy => &generated_calls::OPERATIONS,
            Self::V3 => &generated_calls_v3::OPERATIONS,
        }
    }

    async fn call(self, client: &Client, operation_id: &str, input: &calls::Input) -> Result<Reply, CallError> {
        match self {
            Self::Legacy => generated_calls::call(client, operation_id, input).await,
            Self::V3 => generated_calls_v3::call(&client.v3(), operation_id, input).await,
        }
    }

    fn operation(self, operation_id: &str) -> &'static Operation {
        let operations = &self.spec().api.operations;
        operations
            .iter()
            .find(|op| op.id == operation_id)
            .unwrap_or_else(|| panic!("no operation {operation_id} in {}", self.spec_path()))
    }
}

/// `spec/heygen.yaml`, loaded and validated once.
pub fn spec() -> &'static Spec {
    Document::Legacy.spec()
}

/// Every operationId of the legacy spec, in document order.
pub fn operation_ids() -> Vec<String> {
    Document::Legacy.operation_ids()
}

/// The example of the legacy `operation_id`'s success response, as written in the spec.
pub fn success_example(operation_id: &str) -> Value {
    Document::Legacy.success_example(operation_id)
}

/// A mock for one operation's request: it checks the method, the path and the API key header;
/// tests add matchers for the query and body.
pub fn call(http_method: &str, http_path: &str) -> MockBuilder {
    Mock::given(method(http_method)).and(path(http_path)).and(header("x-api-key", API_KEY))
}

/// A 200 response carrying the legacy `operation_id`'s example.
pub fn example_response(operation_id: &str) -> ResponseTemplate {
    Document::Legacy.example_response(operation_id)
}

/// Asserts that `parsed` holds every value of `operation_id`'s example: serializing it back gives
/// the example, up to nulls (absent and null are both `None`) and integer-valued floats. A field
/// the types do not know would be dropped, and fail this.
pub fn assert_parsed_example<T: serde::Serialize>(operation_id: &str, parsed: &T) {
    let parsed = normalized(serde_json::to_value(parsed).expect("typed values serialize"));
    let example = normalized(success_example(operation_id));
    assert_eq!(parsed, example, "{operation_id}: the parsed response differs from the spec's example");
}

/// `value` with null fields dropped and every number as a float, so that a typed reply serialized
/// back compares equal to the JSON it was parsed from.
pub fn normalized(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, normalized(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(normalized).collect()),
        Value::Number(n) => serde_json::json!(n.as_f64().expect("finite")),
        other => other,
    }
}

/// A client pointed at mock servers: one for the API host, one for the upload host.
pub struct Harness {
    pub api: MockServer,
    pub upload: MockServer,
    pub client: Client,
}

impl Harness {
    pub async fn start() -> Self {
        Self::start_with(|builder| builder).await
    }

    /// Like [`Harness::start`], with the builder adjusted (retries, timeouts) before the build.
    pub async fn start_with(configure: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Self {
        let (api, upload) = (MockServer::start().await, MockServer::start().await);
        let builder =
            heygen_client::Client::builder().api_key(API_KEY).base_url(api.uri()).upload_base_url(upload.uri());
        let client = configure(builder).build_legacy().expect("a valid test client");
        Self { api, upload, client }
    }
}

/// Whether `text` is a UUID in its canonical form (8-4-4-4-12 lower-case hex digits), as the
/// client's idempotency keys are.
pub fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

/// Where `actual` lacks a value of `expected` or holds another one, by JSON pointer. Numbers
/// compare by value (`1` and `1.0` are equal); a null or an empty array or object in `expected`
/// may also be absent from `actual`, as typed values leave out empty optional fields.
pub fn differences(expected: &Value, actual: Option<&Value>, at: &str) -> Vec<String> {
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
