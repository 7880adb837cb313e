//! Model: what the generator knows about an API, built by `build` in the one walk of the spec
//! (through [`crate::load_and_validate`], which gives it as [`crate::Spec::api`]). It is public
//! and read-only, for tests that ask what the generator knows of a document.
//!
//! Every later stage reads this model instead of the spec: the progenitor stage, the binding of
//! progenitor's items (`bind`), every emitter (`emit`) and both halves of [`crate::diff`]. Spec
//! facts are resolved once here (`$ref`s, path-level parameters, the one success response, the
//! parsed extensions), so the emitters cannot disagree about them.

mod build;
mod examples;
pub mod required;
mod rules;
pub(crate) mod schema;

use serde::Deserialize;

pub(crate) use build::build;

/// Spec extension that marks a POST as safe to send twice (the default is: only GET, HEAD, PUT
/// and DELETE are).
pub const IDEMPOTENT: &str = "x-idempotent";
/// Spec extension that turns a paged list into a `<operation>_stream` method.
pub const PAGINATION: &str = "x-pagination";
/// Spec extension that turns a job's status operation into a `wait_for_<job>` method.
pub const WAITER: &str = "x-waiter";
/// Spec extension, in the legacy document, naming an operation's v3 successors.
pub const REPLACED_BY: &str = "x-replaced-by";
/// Spec extension that marks an operation on which HeyGen honours an idempotency key.
pub const IDEMPOTENCY_KEY: &str = "x-idempotency-key";
/// Spec extension of `info`: the day HeyGen retires the API the document describes
/// (`YYYY-MM-DD`). The one home of that date: the deprecation notes and the migration guide
/// quote it, and the tests hold the hand-written mentions to it.
pub const END_OF_LIFE: &str = "x-end-of-life";

/// An API document, as the emitters need it.
#[derive(Debug, Clone, Default)]
pub struct Api {
    /// The servers the spec declares; the first is every operation's default host.
    pub servers: Vec<String>,
    /// The runtime's host for each of [`Api::servers`] (same order).
    pub hosts: Vec<Host>,
    /// The security scheme names of the document-wide `security` list, in order.
    pub default_security: Vec<String>,
    /// Every operation, in document order (paths, then methods in `openapiv3`'s order).
    pub operations: Vec<Operation>,
    /// `info.x-end-of-life` ([`END_OF_LIFE`]): the day HeyGen retires this API, `YYYY-MM-DD`.
    pub end_of_life: Option<String>,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The `operationId`. An operation without one (a problem, so the emitters never see it)
    /// gets `METHOD path`, which keys it in a diff of a third-party document.
    pub id: String,
    /// Lower-case HTTP method, as in the spec (`get`, `post`).
    pub method: String,
    pub path: String,
    /// JSON pointer of the operation object, for located messages.
    pub pointer: String,
    pub summary: String,
    pub deprecated: bool,
    /// `externalDocs.url`: the operation's page in HeyGen's reference.
    pub reference: Option<String>,
    /// Index into [`Api::servers`] of the host the operation is sent to.
    pub server: usize,
    /// The security schemes the operation accepts, any one of which will do.
    pub security: Vec<String>,
    /// The host the operation is sent to, as the runtime knows it.
    pub host: Host,
    /// The credentials the operation accepts (its security schemes, as the runtime knows them).
    pub credentials: Vec<Credential>,
    /// Whether sending the request twice has the effect of sending it once.
    pub idempotent: bool,
    /// Where HeyGen takes an idempotency key for this operation, if it takes one.
    pub idempotency_key: Option<IdempotencyKey>,
    /// What replaces this legacy operation in HeyGen's v3 API (`x-replaced-by`).
    pub replaced_by: Option<Replacement>,
    /// The `#[deprecated]` note of its methods: its v3 successor when it has one (after the day
    /// HeyGen retires the document's API, [`Api::end_of_life`]), else HeyGen's own deprecation.
    pub deprecation: Option<String>,
    /// Path-level and operation-level parameters, `$ref`s resolved, in declaration order
    /// (operation-level ones override path-level ones of the same name and place).
    pub parameters: Vec<Parameter>,
    pub body: Option<Body>,
    /// The one success response (validation reports operations with none or several).
    pub success: Option<Success>,
    /// The workflow methods the operation's extensions ask for, in extension order.
    pub workflows: Vec<Workflow>,
}

impl Operation {
    /// `GET`, `POST`, ...
    pub fn http_method(&self) -> String {
        self.method.to_uppercase()
    }
}

/// A host the hand-written runtime routes to (`heygen_client::rt::Host`). Each server of a spec
/// maps to one by its host name, so the runtime learns hosts as types, not by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Host {
    /// `api.<domain>`: the REST API.
    #[default]
    Api,
    /// `upload.<domain>`: raw uploads.
    Upload,
}

impl Host {
    /// The runtime's variant name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Api => "Api",
            Self::Upload => "Upload",
        }
    }
}

/// A credential the runtime knows how to attach (`heygen_client::rt::Credential`). Each security
/// scheme maps to one by what it is (its type, place and header), not by its name, so renaming a
/// scheme changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// An `apiKey` scheme in the `X-Api-Key` header.
    ApiKey,
    /// An `http` scheme with `bearer`: `Authorization: Bearer <token>`.
    Bearer,
}

impl Credential {
    /// The runtime's variant name.
    pub fn name(self) -> &'static str {
        match self {
            Self::ApiKey => "ApiKey",
            Self::Bearer => "Bearer",
        }
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

impl Location {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
            Self::Cookie => "cookie",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Parameter {
    /// The wire name.
    pub name: String,
    pub location: Location,
    pub required: bool,
    /// Whether the schema is a string (a cursor must be).
    pub is_string: bool,
    pub pointer: String,
}

#[derive(Debug, Clone)]
pub struct Body {
    /// The media types, in spec order.
    pub media_types: Vec<String>,
    /// A raw upload in several formats: the caller's `Content-Type` header says which.
    pub raw_upload: bool,
    /// A `multipart/form-data` form, which progenitor cannot generate: the method takes a
    /// `reqwest::multipart::Form`.
    pub multipart: bool,
}

/// `x-replaced-by`: the v3 operations that take over a legacy one (none, when v3 has no
/// successor yet), with a note for the migration guide.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Replacement {
    /// v3 `operationId`s, the main successor first.
    pub operations: Vec<String>,
    /// What changes for the caller, or why there is no successor.
    #[serde(default)]
    pub note: Option<String>,
}

/// `x-idempotency-key`: where a key that makes retries safe goes. With one, HeyGen answers a
/// repeat of the same call with the first reply, so the runtime may retry a create.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "in", rename_all = "lowercase", deny_unknown_fields)]
pub enum IdempotencyKey {
    /// The `Idempotency-Key` header (declared as an optional header parameter).
    Header,
    /// A field of the JSON body (background removal's `request_id`).
    Body { field: String },
}

#[derive(Debug, Clone)]
pub struct Success {
    /// The declared status (`2XX` counts as 200).
    pub status: u16,
    /// The status as the spec writes it (`200`, `2XX`).
    pub key: String,
    /// The media type of the body, if it has one.
    pub media_type: Option<String>,
    /// The named schema of a JSON body (`components.schemas` key).
    pub schema: Option<String>,
    /// Which of HeyGen's envelope fields the body schema has.
    pub envelope: EnvelopeFields,
}

/// The envelope fields a response schema has, merged over its `allOf` members.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EnvelopeFields {
    /// `Some(required)` when there is a `code`.
    pub code: Option<bool>,
    pub error: bool,
    pub message: bool,
    pub msg: bool,
}

/// A workflow method an extension asks for.
#[derive(Debug, Clone)]
pub enum Workflow {
    Pages(Pagination),
    Wait(Waiter),
}

/// `x-pagination`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Pagination {
    /// The query parameter that takes the cursor.
    pub cursor_param: String,
    /// Dotted path of the reply field with the next cursor (null or empty at the end).
    pub next_cursor: String,
    /// Dotted path of the reply field with the page's items (an array of a named schema).
    pub items: String,
    /// Dotted path of a boolean reply field that is false on the last page (v3's `has_more`).
    #[serde(default)]
    pub has_more: Option<String>,
}

/// `x-waiter`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Waiter {
    /// `wait_for_<job>`.
    pub job: String,
    /// Dotted path of the reply field returned when the job is done (a named schema).
    pub result: String,
    /// Dotted path of the reply field with the job's state.
    pub status: String,
    pub succeeded: Vec<String>,
    /// Any state in neither list means "still running".
    pub failed: Vec<String>,
    /// Dotted path of the reply field that says why the job failed.
    pub reason: Option<String>,
    /// States in which the job waits for the caller (a consent to give, an answer to send):
    /// the wait ends with the client's `Error::JobNeedsAction`, neither a failure nor a hang.
    #[serde(default)]
    pub needs_action: Vec<String>,
}
