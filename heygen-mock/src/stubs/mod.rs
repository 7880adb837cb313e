//! Typed stubs: [`MockHeyGen`], a stateless mock of HeyGen's v3 API on 127.0.0.1 whose replies
//! a test sets per operation, as values of the client's types.
//!
//! Each operation has a method named like the client's (`mock.create_video()`) that starts a
//! [`Stub`]: conditions on the typed request ([`Stub::with_body`], [`Stub::with_path`],
//! [`Stub::with_query`], [`Stub::when`]), then what it answers: a typed reply
//! ([`Stub::reply`]), the spec's example of it ([`Stub::mount`]), HeyGen's error body
//! ([`Stub::fail`]) or a hang-up ([`Stub::hang_up`]), optionally late ([`Stub::delay`]) or cut
//! short ([`Stub::cut_body`]). The per-operation facts are generated from the client's operation
//! model (`generated.rs`); this module is the runtime they share.
//!
//! The newest stub that matches answers. A request no stub matches gets 404 `not_found` whose
//! message names the closest stub and why it did not match; [`MockHeyGen::unmatched`] hands the
//! same text to the test.

#[rustfmt::skip] // formatted by prettyplease in `cargo xtask generate`
mod generated;
mod matching;

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::task::JoinHandle;

pub use generated::*;

use crate::ApiFailure;

/// The largest request body the mock reads; a larger one is refused with 413, as HeyGen does.
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// What the generated code declares about one operation.
pub trait Operation: Send + Sync + 'static {
    /// The request body as the client sends it: its JSON body type, [`RawBody`] for a form or
    /// binary body, `()` for none.
    type Body: Serialize + DeserializeOwned + fmt::Debug + Clone + Send + Sync + 'static;
    /// The success reply's type in the client.
    type Reply: Serialize + DeserializeOwned + fmt::Debug + Send + Sync + 'static;
    /// The `operationId`, which is also the client's method name.
    const ID: &'static str;
    /// `GET`, `POST`, ...
    const METHOD: &'static str;
    /// The path template, such as `/v3/videos/{video_id}`.
    const PATH: &'static str;
    /// The status of a success reply.
    const STATUS: u16;
    /// How the request body is sent.
    const BODY: BodyKind;
    /// The spec's example of the success reply, as JSON text.
    const EXAMPLE: Option<&'static str>;

    /// The spec's example of the reply, decoded: `None` when the spec has none, or when it does
    /// not decode as [`Reply`](Self::Reply) (a test checks that every v3 example does).
    fn example() -> Option<Result<Self::Reply, String>> {
        Self::EXAMPLE.map(|text| serde_json::from_str(text).map_err(|e| e.to_string()))
    }
}

/// How an operation's request body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No body.
    None,
    /// JSON, decoded as the client's body type.
    Json,
    /// A multipart form or raw bytes, kept as they came ([`RawBody`]).
    Raw,
}

/// A form or binary request body, as received.
#[derive(Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RawBody(pub Vec<u8>);

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawBody({} bytes)", self.0.len())
    }
}

/// Something that is handed every operation's marker type by [`visit_operations`].
pub trait Visitor {
    /// Called once for each operation.
    fn visit<O: Operation>(&mut self);
}

/// A request the mock received for an operation: its typed body and its parameters. Credentials
/// are not kept.
#[derive(Debug, Clone)]
pub struct Request<B> {
    /// The body, decoded as the operation's body type.
    pub body: B,
    /// Path parameters by their name in the spec (`video_id`).
    pub path: BTreeMap<String, String>,
    /// Query parameters in the order sent (a repeated one appears several times).
    pub query: Vec<(String, String)>,
    /// The `Idempotency-Key` header, if one was sent.
    pub idempotency_key: Option<String>,
}

impl<B> Request<B> {
    /// The path parameter `name`.
    pub fn path_param(&self, name: &str) -> Option<&str> {
        self.path.get(name).map(String::as_str)
    }

    /// The first query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// A request as it arrived, before any operation's types are applied to it.
#[derive(Clone)]
pub(crate) struct Raw {
    pub(crate) operation: Option<&'static str>,
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) path_params: BTreeMap<String, String>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Bytes,
    pub(crate) idempotency_key: Option<String>,
}

impl Raw {
    fn typed<O: Operation>(&self) -> Result<Request<O::Body>, String> {
        Ok(Request {
            body: decode_body::<O>(&self.body)?,
            path: self.path_params.clone(),
            query: self.query.clone(),
            idempotency_key: self.idempotency_key.clone(),
        })
    }
}

fn decode_body<O: Operation>(bytes: &[u8]) -> Result<O::Body, String> {
    let decoded = match O::BODY {
        BodyKind::Json => serde_json::from_slice(bytes),
        BodyKind::None => serde_json::from_value(Value::Null),
        BodyKind::Raw => serde_json::from_value(serde_json::to_value(RawBody(bytes.to_vec())).unwrap_or(Value::Null)),
    };
    decoded.map_err(|e| format!("the body does not decode as the request type of `{}`: {e}", O::ID))
}

/// What a stub answers.
#[derive(Clone, Debug)]
enum Answer {
    /// The success status and the typed reply, serialized.
    Reply {
        status: u16,
        body: Value,
    },
    Fail(ApiFailure),
    /// The connection closes without a reply.
    HangUp,
}

/// A condition a request must meet, checked against its typed form.
type Check = Box<dyn Fn(&Raw) -> Vec<String> + Send + Sync>;

struct Mounted {
    operation: &'static str,
    /// 1-based, in mount order, for messages.
    number: usize,
    check: Check,
    answer: Answer,
    delay: Option<Duration>,
    cut_body: bool,
    remaining: Option<u32>,
    expected: Option<u32>,
    hits: u32,
}

#[derive(Default)]
struct State {
    stubs: Vec<Mounted>,
    log: Vec<Raw>,
    unmatched: Vec<String>,
}

/// A typed mock of HeyGen's v3 API, served on 127.0.0.1 while this value lives.
///
/// Its stubs answer only what the test sets (see the module documentation); for a fake that
/// keeps state (jobs, idempotency, uploads, webhooks) use [`FakeHeyGen`](crate::FakeHeyGen).
pub struct MockHeyGen {
    state: Arc<Mutex<State>>,
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl fmt::Debug for MockHeyGen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockHeyGen").field("addr", &self.addr).finish()
    }
}

impl Drop for MockHeyGen {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockHeyGen {
    /// Starts a mock with no stubs on a free port of 127.0.0.1.
    ///
    /// # Panics
    /// When no loopback port can be bound.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.expect("a free port on 127.0.0.1");
        let addr = listener.local_addr().expect("a bound listener has an address");
        let state = Arc::new(Mutex::new(State::default()));
        let task = tokio::spawn(serve(listener, Arc::clone(&state)));
        Self { state, addr, task }
    }

    /// The base URL, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A v3 client of this mock.
    pub fn client(&self) -> crate::api::Client {
        crate::api::client(&self.url(), "mock-api-key")
    }

    /// Every request received for `O` (whether a stub answered it or not), typed, in order.
    ///
    /// # Panics
    /// When a request's body does not decode as `O`'s body type: the message says why.
    pub fn received<O: Operation>(&self) -> Vec<Request<O::Body>> {
        let log: Vec<Raw> = self.lock().log.iter().filter(|raw| raw.operation == Some(O::ID)).cloned().collect();
        log.iter().map(|raw| raw.typed::<O>().unwrap_or_else(|e| panic!("a request to {}: {e}", O::ID))).collect()
    }

    /// The number of requests received, for any operation or none.
    pub fn request_count(&self) -> usize {
        self.lock().log.len()
    }

    /// Why each request that no stub matched was not answered, in order: the message of the
    /// 404 the caller received.
    pub fn unmatched(&self) -> Vec<String> {
        self.lock().unmatched.clone()
    }

    /// Checks every stub's [`expect`](Stub::expect)ation: `Err` lists those whose count of
    /// answers differs.
    pub fn verify(&self) -> Result<(), String> {
        let failures: Vec<String> = self
            .lock()
            .stubs
            .iter()
            .filter_map(|stub| {
                let expected = stub.expected?;
                (expected != stub.hits).then(|| {
                    format!(
                        "stub #{} of `{}` answered {} time(s), expected {expected}",
                        stub.number, stub.operation, stub.hits
                    )
                })
            })
            .collect();
        if failures.is_empty() { Ok(()) } else { Err(failures.join("; ")) }
    }

    /// Removes every stub (the log stays).
    pub fn reset(&self) {
        self.lock().stubs.clear();
    }

    /// A stub of `O`; the generated per-operation methods call this.
    pub fn stub<O: Operation>(&self) -> Stub<'_, O> {
        Stub {
            mock: self,
            checks: Vec::new(),
            predicates: 0,
            delay: None,
            cut_body: false,
            times: None,
            expected: None,
            _operation: PhantomData,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panic while the lock was held (a test's predicate) leaves the state whole.
    state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A stub of operation `O` being built; it answers nothing until it is mounted by one of
/// [`reply`](Self::reply), [`mount`](Self::mount), [`fail`](Self::fail) or
/// [`hang_up`](Self::hang_up).
#[must_use = "a stub answers nothing until `reply`, `mount`, `fail` or `hang_up` mounts it"]
pub struct Stub<'m, O: Operation> {
    mock: &'m MockHeyGen,
    checks: Vec<Check>,
    predicates: usize,
    delay: Option<Duration>,
    cut_body: bool,
    times: Option<u32>,
    expected: Option<u32>,
    _operation: PhantomData<O>,
}

impl<O: Operation> fmt::Debug for Stub<'_, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stub").field("operation", &O::ID).field("conditions", &self.checks.len()).finish()
    }
}

impl<O: Operation> Stub<'_, O> {
    /// Matches only a body equal to `body` (compared as JSON, so fields the client leaves out
    /// and fields sent as `null` differ as they do on the wire).
    pub fn with_body(mut self, body: &O::Body) -> Self {
        let expected = serde_json::to_value(body).unwrap_or(Value::Null);
        self.checks.push(Box::new(move |raw| match raw.typed::<O>() {
            Err(e) => vec![e],
            Ok(request) => {
                let actual = serde_json::to_value(&request.body).unwrap_or(Value::Null);
                matching::difference(&expected, &actual, "")
                    .map(|d| format!("the body differs: {d}"))
                    .into_iter()
                    .collect()
            }
        }));
        self
    }

    /// Matches only a request whose path parameter `name` (as the spec names it) is `value`.
    pub fn with_path(mut self, name: &str, value: &str) -> Self {
        let (name, value) = (name.to_owned(), value.to_owned());
        self.checks.push(Box::new(move |raw| match raw.path_params.get(&name) {
            Some(actual) if *actual == value => Vec::new(),
            actual => vec![format!("path parameter `{name}` is {actual:?}, the stub wants {value:?}")],
        }));
        self
    }

    /// Matches only a request whose query parameter `name` is `value`.
    pub fn with_query(mut self, name: &str, value: &str) -> Self {
        let (name, value) = (name.to_owned(), value.to_owned());
        self.checks.push(Box::new(move |raw| {
            let actual = raw.query.iter().find(|(key, _)| *key == name).map(|(_, v)| v);
            match actual {
                Some(actual) if *actual == value => Vec::new(),
                actual => vec![format!("query parameter `{name}` is {actual:?}, the stub wants {value:?}")],
            }
        }));
        self
    }

    /// Matches only a request for which `predicate` holds (each `when` is numbered, from 1, in
    /// the message of a request it turns away).
    pub fn when(mut self, predicate: impl Fn(&Request<O::Body>) -> bool + Send + Sync + 'static) -> Self {
        self.predicates += 1;
        let number = self.predicates;
        self.checks.push(Box::new(move |raw| match raw.typed::<O>() {
            Err(e) => vec![e],
            Ok(request) if predicate(&request) => Vec::new(),
            Ok(_) => vec![format!("its `.when` predicate #{number} is false")],
        }));
        self
    }

    /// Answers only the next `n` requests it matches; later ones fall through to older stubs.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Expects exactly `n` answers by the time [`MockHeyGen::verify`] runs.
    pub fn expect(mut self, n: u32) -> Self {
        self.expected = Some(n);
        self
    }

    /// Answers after `delay` (wall time).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Sends the head and half the body, then closes the connection.
    pub fn cut_body(mut self) -> Self {
        self.cut_body = true;
        self
    }

    /// The bodies of every request received for this operation so far, typed (this mounts
    /// nothing). See [`MockHeyGen::received`] for the parameters too.
    pub fn received(&self) -> Vec<O::Body> {
        self.mock.received::<O>().into_iter().map(|request| request.body).collect()
    }

    /// Mounts the stub answering `reply` with the operation's success status.
    pub fn reply(self, reply: O::Reply) -> StubHandle {
        let body = serde_json::to_value(&reply).expect("a reply of the client's types serializes");
        self.answer(Answer::Reply { status: O::STATUS, body })
    }

    /// Mounts the stub answering the spec's example of the reply.
    ///
    /// # Panics
    /// When the spec has no example for the operation, or one that does not decode as its reply
    /// type (the operation's documentation says which): give one with [`reply`](Self::reply).
    pub fn mount(self) -> StubHandle {
        match O::example() {
            Some(Ok(reply)) => self.reply(reply),
            Some(Err(e)) => {
                panic!("the spec's example of `{}`'s reply does not decode: {e}; set one with `reply`", O::ID)
            }
            None => panic!("the spec has no example of `{}`'s reply; set one with `reply`", O::ID),
        }
    }

    /// Mounts the stub answering HeyGen's error body (status, code, message, `param`,
    /// `Retry-After`).
    pub fn fail(self, failure: ApiFailure) -> StubHandle {
        self.answer(Answer::Fail(failure))
    }

    /// Mounts the stub closing the connection without a reply.
    pub fn hang_up(self) -> StubHandle {
        self.answer(Answer::HangUp)
    }

    fn answer(self, answer: Answer) -> StubHandle {
        let checks = self.checks;
        let mut state = self.mock.lock();
        let number = state.stubs.len() + 1;
        state.stubs.push(Mounted {
            operation: O::ID,
            number,
            check: Box::new(move |raw| checks.iter().flat_map(|check| check(raw)).collect()),
            answer,
            delay: self.delay,
            cut_body: self.cut_body,
            remaining: self.times,
            expected: self.expected,
            hits: 0,
        });
        StubHandle { state: Arc::clone(&self.mock.state), index: number - 1 }
    }
}

/// A mounted stub, to read how often it answered.
#[derive(Clone)]
pub struct StubHandle {
    state: Arc<Mutex<State>>,
    index: usize,
}

impl fmt::Debug for StubHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StubHandle").field("number", &(self.index + 1)).field("hits", &self.hits()).finish()
    }
}

impl StubHandle {
    /// How many requests this stub answered.
    pub fn hits(&self) -> u32 {
        lock(&self.state).stubs.get(self.index).map_or(0, |stub| stub.hits)
    }
}

/// The connection is to close without a reply.
#[derive(Debug)]
struct HangUp;

impl fmt::Display for HangUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a stub hung up")
    }
}

impl std::error::Error for HangUp {}

/// Accepts connections until the mock is dropped. hyper serves each connection directly (not
/// axum's `serve`) so that a stub can hang up: a service error closes the connection with no
/// reply.
async fn serve(listener: tokio::net::TcpListener, state: Arc<Mutex<State>>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request: http::Request<hyper::body::Incoming>| {
                let state = Arc::clone(&state);
                async move { handle(&state, request.map(Body::new)).await }
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
        });
    }
}

async fn handle(state: &Mutex<State>, request: http::Request<Body>) -> Result<Response, HangUp> {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        let failure = ApiFailure::new(413, "payload_too_large", "the request body is larger than the mock reads");
        return Ok(failure.into_response());
    };
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let route = matching::route(&method, &path);
    let raw = Raw {
        operation: route.as_ref().map(|(id, _)| *id),
        method,
        path,
        path_params: route.map(|(_, params)| params).unwrap_or_default(),
        query: matching::query(parts.uri.query().unwrap_or("")),
        body,
        idempotency_key: parts.headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned),
    };
    let chosen = {
        let mut state = lock(state);
        state.log.push(raw.clone());
        let found = state.stubs.iter_mut().rev().find(|stub| {
            stub.operation == raw.operation.unwrap_or("") && stub.remaining != Some(0) && (stub.check)(&raw).is_empty()
        });
        match found {
            Some(stub) => {
                stub.hits += 1;
                if let Some(remaining) = &mut stub.remaining {
                    *remaining -= 1;
                }
                Ok((stub.answer.clone(), stub.delay, stub.cut_body))
            }
            None => {
                let message = matching::explain(&raw, &state.stubs);
                state.unmatched.push(message.clone());
                Err(message)
            }
        }
    };
    let (answer, delay, cut) = match chosen {
        Ok(chosen) => chosen,
        Err(message) => return Ok(ApiFailure::new(404, "not_found", message).into_response()),
    };
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let response = match answer {
        Answer::HangUp => return Err(HangUp),
        Answer::Fail(failure) => failure.into_response(),
        Answer::Reply { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let body = serde_json::to_vec(&body).unwrap_or_default();
            let mut response = Response::new(Body::from(body));
            *response.status_mut() = status;
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
    };
    Ok(if cut { crate::faults::cut(response).await } else { response })
}
