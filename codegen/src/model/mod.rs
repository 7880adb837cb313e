//! Model: what the generator knows about an API, built by [`build`] in the one walk of the spec.
//!
//! Every later stage reads this model instead of the spec: the progenitor stage, the binding of
//! progenitor's items ([`crate::bind`]), every emitter ([`crate::emit`]) and both halves of
//! [`crate::diff`]. Spec facts are resolved once here (`$ref`s, path-level parameters, the one
//! success response, the parsed extensions), so the emitters cannot disagree about them.

mod build;
mod examples;
pub(crate) mod schema;

use serde::Deserialize;

pub use build::build;

/// Spec extension that marks a POST as safe to send twice (the default is: only GET, HEAD, PUT
/// and DELETE are).
pub const IDEMPOTENT: &str = "x-idempotent";
/// Spec extension that turns a paged list into a `<operation>_stream` method.
pub const PAGINATION: &str = "x-pagination";
/// Spec extension that turns a job's status operation into a `wait_for_<job>` method.
pub const WAITER: &str = "x-waiter";

/// An API document, as the emitters need it.
#[derive(Debug, Clone, Default)]
pub struct Api {
    /// The servers the spec declares; the first is every operation's default host.
    pub servers: Vec<String>,
    /// The security scheme names of the document-wide `security` list, in order.
    pub default_security: Vec<String>,
    /// Every operation, in document order (paths, then methods in `openapiv3`'s order).
    pub operations: Vec<Operation>,
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
    /// Whether sending the request twice has the effect of sending it once.
    pub idempotent: bool,
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
}
