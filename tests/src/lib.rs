//! Shared test support: the workspace's spec, its examples, and a client wired to mock servers.

pub mod calls;
pub mod capture;
pub mod corpus;
pub mod mutate;
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

use heygen_client::{Client, ClientBuilder};
use heygen_codegen::Spec;
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

/// `spec/heygen.yaml`, loaded and validated once.
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = workspace_root().join(heygen_codegen::SPEC_PATH);
        let source = std::fs::read_to_string(&path).expect("spec/heygen.yaml is readable");
        heygen_codegen::load_and_validate(&path, &source).unwrap_or_else(|e| panic!("{e}"))
    })
}

/// Every operationId in the spec, in document order.
pub fn operation_ids() -> Vec<String> {
    spec().api.operations.iter().map(|op| op.id.clone()).collect()
}

/// The example of `operation_id`'s success response, as written in the spec.
pub fn success_example(operation_id: &str) -> Value {
    let op = spec()
        .api
        .operations
        .iter()
        .find(|op| op.id == operation_id)
        .unwrap_or_else(|| panic!("no operation {operation_id} in the spec"));
    let success = op.success.as_ref().unwrap_or_else(|| panic!("{operation_id} has no success response"));
    let media = success.media_type.as_deref().expect("success content").replace('/', "~1");
    let pointer = format!("{}/responses/{}/content/{media}/example", op.pointer, success.key);
    spec().json.pointer(&pointer).cloned().unwrap_or(Value::Null)
}

/// A mock for one operation's request: it checks the method, the path and the API key header;
/// tests add matchers for the query and body.
pub fn call(http_method: &str, http_path: &str) -> MockBuilder {
    Mock::given(method(http_method)).and(path(http_path)).and(header("x-api-key", API_KEY))
}

/// A 200 response carrying `operation_id`'s example.
pub fn example_response(operation_id: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(success_example(operation_id))
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
        let builder = Client::builder().api_key(API_KEY).base_url(api.uri()).upload_base_url(upload.uri());
        let client = configure(builder).build().expect("a valid test client");
        Self { api, upload, client }
    }
}
