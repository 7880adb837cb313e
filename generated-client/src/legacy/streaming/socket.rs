//! The audio-to-video WebSocket: connect, send typed client events, read typed server events.

use std::fmt;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker, ready};
use std::time::Duration;

use base64::Engine as _;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, Stream, StreamExt};
use serde::Deserialize as _;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::StreamingError;
use crate::legacy::types::{AudioToVideoClientEvent, AudioToVideoServerEvent};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Sample rate of the audio the API takes: PCM, signed 16-bit little-endian, mono.
pub const SAMPLE_RATE_HZ: usize = 24_000;
/// Bytes of that audio per second (two bytes a sample).
pub const BYTES_PER_SECOND: usize = SAMPLE_RATE_HZ * 2;
/// Audio per `agent.speak` message unless [`RealtimeSender::set_chunk_bytes`] says otherwise:
/// one second, the size HeyGen recommends.
pub const DEFAULT_CHUNK_BYTES: usize = BYTES_PER_SECOND;
/// The largest message HeyGen accepts on the socket.
pub const MAX_MESSAGE_BYTES: usize = 1_000_000;
/// The most audio one `agent.speak` message can carry and stay under [`MAX_MESSAGE_BYTES`] once
/// base64-encoded (15 s).
pub const MAX_CHUNK_BYTES: usize = 15 * BYTES_PER_SECOND;
/// How long [`connect`] waits for the socket to open.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the stream waits for the server to finish closing, after its close frame or after
/// [`RealtimeSender::close`], unless [`RealtimeEvents::set_close_timeout`] says otherwise.
pub const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long [`RealtimeEvents::wait_connected`] waits for `connected`.
pub const CONNECTED_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the stream waits for any message from the server (pings included) before it
/// reports the socket dead, unless [`RealtimeEvents::set_idle_timeout`] says otherwise.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// How much of a malformed server message [`StreamingError::Malformed`] keeps.
const MAX_KEPT_MESSAGE: usize = 4096;

/// A fresh id for an utterance or a control message: 32 random hex digits.
pub fn new_event_id() -> String {
    format!("{:032x}", fastrand::u128(..))
}

/// Opens the audio-to-video socket at `endpoint`, the `realtime_endpoint` of a `v2` streaming
/// session (see [`StreamingSession::connect`](super::StreamingSession::connect), which also
/// runs the REST calls around it). The URL itself is the credential: no header is sent.
///
/// Returns the two halves, so that audio can be sent while events are read: a
/// [`RealtimeSender`] and the [`RealtimeEvents`] stream. Wait for `session.state_updated` with
/// `connected` ([`RealtimeEvents::wait_connected`]) before sending speech.
pub async fn connect(endpoint: &str) -> Result<(RealtimeSender, RealtimeEvents), StreamingError> {
    let host = host_of(endpoint);
    let socket = match tokio::time::timeout(CONNECT_TIMEOUT, tokio_tungstenite::connect_async(endpoint)).await {
        Ok(Ok((socket, _response))) => socket,
        Ok(Err(error)) => return Err(StreamingError::Connect { host, source: Box::new(without_url(error)) }),
        Err(_) => {
            let source = std::io::Error::new(std::io::ErrorKind::TimedOut, "the socket did not open in time");
            return Err(StreamingError::Connect { host, source: Box::new(source) });
        }
    };
    let (sink, stream) = socket.split();
    let closing = Arc::new(Closing::default());
    let sender = RealtimeSender { sink, closing: closing.clone(), chunk_bytes: DEFAULT_CHUNK_BYTES };
    let events = RealtimeEvents {
        stream,
        closing,
        close: None,
        close_deadline: None,
        close_timeout: CLOSE_TIMEOUT,
        idle_timeout: Some(IDLE_TIMEOUT),
        idle: None,
        finished: false,
    };
    Ok((sender, events))
}

/// Scheme, host and port of the endpoint, for error messages: the path names the session and
/// lets anyone drive it, so it is never shown.
fn host_of(endpoint: &str) -> String {
    let (scheme, rest) = endpoint.split_once("://").unwrap_or(("", endpoint));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit('@').next().unwrap_or_default();
    if scheme.is_empty() { authority.to_owned() } else { format!("{scheme}://{authority}") }
}

/// tungstenite's errors can carry the request URL; keep them out of errors and logs.
fn without_url(error: tungstenite::Error) -> tungstenite::Error {
    match error {
        tungstenite::Error::Url(_) => tungstenite::Error::Url(tungstenite::error::UrlError::NoPathOrQuery),
        other => other,
    }
}

/// The client's close, shared by both halves: the reader starts its close deadline from it.
#[derive(Default)]
struct Closing {
    started: AtomicBool,
    /// The reader's waker, so that a reader already waiting learns of the close.
    reader: Mutex<Option<Waker>>,
}

impl Closing {
    fn start(&self) {
        self.started.store(true, Ordering::SeqCst);
        if let Some(waker) = self.reader.lock().ok().and_then(|mut w| w.take()) {
            waker.wake();
        }
    }

    fn started(&self) -> bool {
        self.started.load(Ordering::SeqCst)
    }
}

/// The sending half of the socket: speech, end of speech, interruptions, listening animations
/// and keep-alives, each as a typed [`AudioToVideoClientEvent`].
pub struct RealtimeSender {
    sink: SplitSink<Socket, Message>,
    closing: Arc<Closing>,
    chunk_bytes: usize,
}

impl fmt::Debug for RealtimeSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RealtimeSender").field("chunk_bytes", &self.chunk_bytes).finish_non_exhaustive()
    }
}

impl RealtimeSender {
    /// Sends one client event as a JSON text message. `Unknown` cannot be sent, and neither can
    /// a message larger than [`MAX_MESSAGE_BYTES`]: both fail with
    /// [`StreamingError::InvalidMessage`] before anything is sent.
    pub async fn send(&mut self, event: &AudioToVideoClientEvent) -> Result<(), StreamingError> {
        if matches!(event, AudioToVideoClientEvent::Unknown(_)) {
            return Err(StreamingError::InvalidMessage("`Unknown` is not a message the API takes".into()));
        }
        let text = serde_json::to_string(event).map_err(|e| StreamingError::InvalidMessage(e.to_string()))?;
        if text.len() > MAX_MESSAGE_BYTES {
            return Err(StreamingError::InvalidMessage(format!(
                "a message of {} bytes exceeds the API's limit of {MAX_MESSAGE_BYTES}",
                text.len()
            )));
        }
        self.sink.send(Message::text(text)).await.map_err(transport)
    }

    /// How much audio each `agent.speak` message of [`send_audio`](Self::send_audio) carries;
    /// rounded down to whole samples and kept between one sample and [`MAX_CHUNK_BYTES`].
    pub fn set_chunk_bytes(&mut self, bytes: usize) {
        self.chunk_bytes = (bytes & !1).clamp(2, MAX_CHUNK_BYTES);
    }

    /// See [`set_chunk_bytes`](Self::set_chunk_bytes); [`DEFAULT_CHUNK_BYTES`] unless set.
    pub fn chunk_bytes(&self) -> usize {
        self.chunk_bytes
    }

    /// Sends `pcm` (PCM16 little-endian, 24 kHz, mono) as `agent.speak` messages of at most
    /// [`chunk_bytes`](Self::chunk_bytes) each, base64-encoded, all carrying `event_id`.
    /// Call it as often as audio arrives, with the same `event_id` for the whole utterance, then
    /// [`end_speech`](Self::end_speech). Audio with an odd number of bytes (half a sample) fails
    /// with [`StreamingError::InvalidMessage`] before anything is sent. Returns the number of
    /// messages sent.
    pub async fn send_audio(&mut self, event_id: &str, pcm: &[u8]) -> Result<usize, StreamingError> {
        if !pcm.len().is_multiple_of(2) {
            return Err(StreamingError::InvalidMessage(format!(
                "{} bytes of audio is not a whole number of 16-bit samples",
                pcm.len()
            )));
        }
        let mut sent = 0;
        for chunk in pcm.chunks(self.chunk_bytes) {
            let audio = base64::engine::general_purpose::STANDARD.encode(chunk);
            self.send(&AudioToVideoClientEvent::AgentSpeak { audio, event_id: event_id.to_owned() }).await?;
            sent += 1;
        }
        Ok(sent)
    }

    /// Marks the end of the utterance `event_id`: the avatar says what it has and returns to idle.
    pub async fn end_speech(&mut self, event_id: &str) -> Result<(), StreamingError> {
        self.send(&AudioToVideoClientEvent::AgentSpeakEnd { event_id: event_id.to_owned() }).await
    }

    /// Cuts the avatar off and drops the speech it still has queued.
    pub async fn interrupt(&mut self) -> Result<(), StreamingError> {
        self.send(&AudioToVideoClientEvent::AgentInterrupt { event_id: Some(new_event_id()) }).await
    }

    /// Plays the listening animation (only while the avatar is idle).
    pub async fn start_listening(&mut self) -> Result<(), StreamingError> {
        self.send(&AudioToVideoClientEvent::AgentStartListening { event_id: new_event_id() }).await
    }

    /// Ends the listening animation.
    pub async fn stop_listening(&mut self) -> Result<(), StreamingError> {
        self.send(&AudioToVideoClientEvent::AgentStopListening { event_id: new_event_id() }).await
    }

    /// Restarts the session's idle countdown. Send it every few minutes while nothing is said.
    pub async fn keep_alive(&mut self) -> Result<(), StreamingError> {
        self.send(&AudioToVideoClientEvent::SessionKeepAlive { event_id: new_event_id() }).await
    }

    /// Closes the socket with a normal close frame. The [`RealtimeEvents`] stream then ends
    /// (`None`) once the server has answered, without an error, or after the close timeout
    /// ([`RealtimeEvents::set_close_timeout`]) if it never does. Closing the socket does not end
    /// the billed session: stop it too ([`StreamingSession::stop`](super::StreamingSession::stop)).
    pub async fn close(mut self) -> Result<(), StreamingError> {
        self.closing.start();
        let frame = CloseFrame { code: CloseCode::Normal, reason: "done".into() };
        match self.sink.send(Message::Close(Some(frame))).await {
            Ok(()) | Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => Ok(()),
            Err(error) => Err(transport(error)),
        }
    }
}

fn transport(error: tungstenite::Error) -> StreamingError {
    match error {
        tungstenite::Error::ConnectionClosed
        | tungstenite::Error::AlreadyClosed
        | tungstenite::Error::Protocol(tungstenite::error::ProtocolError::SendAfterClosing) => {
            StreamingError::Closed { code: None, reason: "the socket is already closed".into() }
        }
        tungstenite::Error::Protocol(tungstenite::error::ProtocolError::ResetWithoutClosingHandshake) => {
            StreamingError::Closed { code: None, reason: "the connection ended without a close frame".into() }
        }
        other => StreamingError::Transport(Box::new(without_url(other))),
    }
}

/// One message from the server: its `type` as sent, the typed event, and the JSON it came from.
#[derive(Debug, Clone)]
pub struct ServerEvent {
    /// The message's `type`, also for events this version does not know (`event` is then `Unknown`).
    pub kind: String,
    /// The message, typed.
    pub event: AudioToVideoServerEvent,
    /// The message as received, for fields the spec does not describe.
    pub raw: serde_json::Value,
}

impl ServerEvent {
    fn parse(text: &str) -> Result<Self, StreamingError> {
        let malformed = |reason: String| StreamingError::Malformed { reason, message: keep(text) };
        let raw: serde_json::Value = serde_json::from_str(text).map_err(|e| malformed(format!("not JSON: {e}")))?;
        let kind = match raw.get("type") {
            Some(serde_json::Value::String(kind)) => kind.clone(),
            _ => return Err(malformed("no string `type`".into())),
        };
        let event = AudioToVideoServerEvent::deserialize(&raw).map_err(|e| malformed(format!("`{kind}`: {e}")))?;
        Ok(Self { kind, event, raw })
    }
}

fn keep(text: &str) -> String {
    let mut end = text.len().min(MAX_KEPT_MESSAGE);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// The receiving half of the socket: a [`Stream`] of the server's events.
///
/// - A message that is not JSON, has no `type`, or does not fit its type's schema yields
///   [`StreamingError::Malformed`]; the stream goes on with the next message.
/// - A close the server starts (a close frame, or the connection dropping) yields
///   [`StreamingError::Closed`] with the close code and reason; the stream then ends.
/// - After [`RealtimeSender::close`], the server's answer ends the stream with no error.
/// - A failed read yields [`StreamingError::Transport`]; the stream then ends.
pub struct RealtimeEvents {
    stream: SplitStream<Socket>,
    closing: Arc<Closing>,
    /// The server's close, reported once the connection has ended (so the reply is flushed).
    close: Option<StreamingError>,
    /// Set by a close frame either way: past it, stop waiting for the server to hang up.
    close_deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    close_timeout: Duration,
    idle_timeout: Option<Duration>,
    /// Reset by every message: past it, the server is taken to be gone.
    idle: Option<Pin<Box<tokio::time::Sleep>>>,
    finished: bool,
}

impl fmt::Debug for RealtimeEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RealtimeEvents").field("finished", &self.finished).finish_non_exhaustive()
    }
}

impl RealtimeEvents {
    /// How long the stream waits for the server to finish a close (default [`CLOSE_TIMEOUT`]).
    pub fn set_close_timeout(&mut self, timeout: Duration) {
        self.close_timeout = timeout;
    }

    /// How long the stream waits for any message from the server before it yields
    /// [`StreamingError::TimedOut`] and ends (default [`IDLE_TIMEOUT`]; `None` waits forever).
    /// Pings count, so a live server that says nothing else is not cut off.
    pub fn set_idle_timeout(&mut self, timeout: Option<Duration>) {
        self.idle_timeout = timeout;
        self.idle = None;
    }

    /// Reads events until `session.state_updated` says `connected`, and returns those read
    /// before it (the `connected` one last). Fails with the stream's error, with
    /// [`StreamingError::Closed`] when the socket ends first, or with
    /// [`StreamingError::TimedOut`] after [`CONNECTED_TIMEOUT`].
    pub async fn wait_connected(&mut self) -> Result<Vec<ServerEvent>, StreamingError> {
        self.wait_connected_within(CONNECTED_TIMEOUT).await
    }

    /// [`wait_connected`](Self::wait_connected), giving up after `timeout`.
    pub async fn wait_connected_within(&mut self, timeout: Duration) -> Result<Vec<ServerEvent>, StreamingError> {
        match tokio::time::timeout(timeout, self.read_until_connected()).await {
            Ok(result) => result,
            Err(_) => Err(StreamingError::TimedOut { waiting_for: "the session to be connected", after: timeout }),
        }
    }

    async fn read_until_connected(&mut self) -> Result<Vec<ServerEvent>, StreamingError> {
        let mut seen = Vec::new();
        while let Some(event) = self.next().await {
            let event = event?;
            let connected = matches!(
                &event.event,
                AudioToVideoServerEvent::SessionStateUpdated {
                    state: crate::legacy::types::AudioToVideoSessionState::Connected
                }
            );
            seen.push(event);
            if connected {
                return Ok(seen);
            }
        }
        Err(StreamingError::Closed { code: None, reason: "the socket ended before the session was connected".into() })
    }

    fn closed_by_server(&self, frame: Option<CloseFrame>) -> StreamingError {
        match frame {
            Some(frame) => {
                StreamingError::Closed { code: Some(u16::from(frame.code)), reason: frame.reason.to_string() }
            }
            None => StreamingError::Closed { code: None, reason: String::new() },
        }
    }

    fn finish(&mut self, error: Option<StreamingError>) -> Poll<Option<Result<ServerEvent, StreamingError>>> {
        self.finished = true;
        let error = error.or_else(|| self.close.take());
        match error {
            Some(error) if !self.closing.started() => Poll::Ready(Some(Err(error))),
            _ => Poll::Ready(None),
        }
    }
}

impl Stream for RealtimeEvents {
    type Item = Result<ServerEvent, StreamingError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if self.finished {
                return Poll::Ready(None);
            }
            if let Ok(mut reader) = self.closing.reader.lock() {
                *reader = Some(cx.waker().clone());
            }
            if self.closing.started() && self.close_deadline.is_none() {
                self.close_deadline = Some(Box::pin(tokio::time::sleep(self.close_timeout)));
            }
            if let Some(deadline) = &mut self.close_deadline
                && deadline.as_mut().poll(cx).is_ready()
            {
                return self.finish(None);
            }
            let idle_timeout = self.idle_timeout;
            if let Some(timeout) = idle_timeout {
                let idle = self.idle.get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                if idle.as_mut().poll(cx).is_ready() {
                    let error = StreamingError::TimedOut { waiting_for: "a message from the server", after: timeout };
                    return self.finish(Some(error));
                }
            }
            let Some(message) = ready!(self.stream.poll_next_unpin(cx)) else {
                let lost =
                    StreamingError::Closed { code: None, reason: "the connection ended without a close frame".into() };
                let error = if self.close.is_some() { None } else { Some(lost) };
                return self.finish(error);
            };
            // Any message, a ping included, shows the server is there.
            self.idle = None;
            match message {
                Ok(Message::Text(text)) => return Poll::Ready(Some(ServerEvent::parse(text.as_str()))),
                Ok(Message::Binary(bytes)) => {
                    let reason = format!("a binary message of {} bytes; the API sends JSON text", bytes.len());
                    return Poll::Ready(Some(Err(StreamingError::Malformed { reason, message: String::new() })));
                }
                Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_)) => {}
                // Keep reading, so that tungstenite sends its reply, until the server hangs up.
                Ok(Message::Close(frame)) => {
                    self.close = Some(self.closed_by_server(frame));
                    let timeout = self.close_timeout;
                    self.close_deadline = Some(Box::pin(tokio::time::sleep(timeout)));
                }
                Err(error) => {
                    let error = match transport(error) {
                        StreamingError::Closed { .. } if self.close.is_some() => None,
                        other => Some(other),
                    };
                    return self.finish(error);
                }
            }
        }
    }
}
