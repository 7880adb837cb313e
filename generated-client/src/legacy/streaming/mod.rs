//! HeyGen's WebSocket audio-to-video API (beta): drive a streaming avatar with your own speech.
//! Enabled by the `streaming` cargo feature.
//!
//! Your backend opens a `v2` streaming session over REST, then streams speech to the session's
//! `realtime_endpoint` as PCM16 24 kHz mono audio; HeyGen renders the lip-synced avatar into the
//! session's LiveKit room, where viewers watch it (no video comes back on the socket).
//!
//! - [`StreamingSession`] runs the REST side: create, start, stop; it stops the session on every
//!   path, including errors and drops. [`StreamingSession::run`] wraps the whole sequence.
//! - [`connect`] opens the socket and returns a [`RealtimeSender`] (speech, end of speech,
//!   interrupt, keep-alive, close) and [`RealtimeEvents`], a `Stream` of typed [`ServerEvent`]s.
//!
//! The messages, both ways, are the generated [`types::AudioToVideoClientEvent`] and
//! [`types::AudioToVideoServerEvent`], described in `spec/heygen.yaml` like every other type.
//!
//! ```no_run
//! use futures_util::StreamExt;
//! use heygen_client::legacy::Client;
//! use heygen_client::legacy::streaming::{StreamingSession, new_event_id};
//! use heygen_client::legacy::types::CreateStreamingSessionRequest;
//!
//! # async fn run(pcm: Vec<u8>) -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_env()?;
//! let request = CreateStreamingSessionRequest { avatar_id: Some("Wayne_20240711".into()), ..Default::default() };
//! StreamingSession::run(&client, request, async |session: &StreamingSession| {
//!     let (mut speech, mut events) = session.connect().await?;
//!     events.wait_connected().await?;
//!     let utterance = new_event_id();
//!     speech.send_audio(&utterance, &pcm).await?;
//!     speech.end_speech(&utterance).await?;
//!     while let Some(event) = events.next().await {
//!         let event = event?;
//!         eprintln!("{}", event.kind);
//!         if event.kind == "agent.speak_ended" {
//!             break;
//!         }
//!     }
//!     speech.close().await
//! })
//! .await?; // the session is stopped here, whatever happened inside
//! # Ok(())
//! # }
//! ```
//!
//! [`types::AudioToVideoClientEvent`]: crate::legacy::types::AudioToVideoClientEvent
//! [`types::AudioToVideoServerEvent`]: crate::legacy::types::AudioToVideoServerEvent

mod session;
mod socket;

pub use session::StreamingSession;
pub use socket::{
    BYTES_PER_SECOND, CLOSE_TIMEOUT, CONNECT_TIMEOUT, CONNECTED_TIMEOUT, DEFAULT_CHUNK_BYTES, IDLE_TIMEOUT,
    MAX_CHUNK_BYTES, MAX_MESSAGE_BYTES, RealtimeEvents, RealtimeSender, SAMPLE_RATE_HZ, ServerEvent, connect,
    new_event_id,
};

/// Why a streaming call failed. No variant shows the realtime endpoint's path, which is the
/// session's credential.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamingError {
    /// A REST call of the session sequence (create, start, stop) failed.
    #[error(transparent)]
    Api(#[from] crate::Error),
    /// The session has no `realtime_endpoint`: it was not created with `version` `v2`, or HeyGen
    /// offers no audio-to-video socket for it.
    #[error("the streaming session {session_id} has no realtime_endpoint (create it with version v2)")]
    NoRealtimeEndpoint {
        /// The session HeyGen created.
        session_id: String,
    },
    /// The socket could not be opened (refused, TLS, HTTP upgrade refused, timed out).
    #[error("cannot open the audio-to-video socket at {host}: {source}")]
    Connect {
        /// Scheme, host and port only.
        host: String,
        /// Why it failed.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The server closed the socket (a close frame, with its code and reason), or the connection
    /// ended without one (`code` is `None`). Also returned by sends after the socket closed.
    #[error("the audio-to-video socket was closed by the server{}{}", code.map(|c| format!(" with code {c}")).unwrap_or_default(), if reason.is_empty() { String::new() } else { format!(": {reason}") })]
    Closed {
        /// The close frame's code, if one came.
        code: Option<u16>,
        /// The close frame's reason; empty when none was given.
        reason: String,
    },
    /// The server sent a message that is not JSON, has no `type`, or does not fit the schema of
    /// its type. `message` keeps its first 4 KiB.
    #[error("malformed message from the audio-to-video socket: {reason}")]
    Malformed {
        /// What is wrong with it.
        reason: String,
        /// The message as received, cut to 4 KiB.
        message: String,
    },
    /// The message cannot be sent as it is (audio that is not whole samples, too large, or the
    /// `Unknown` event). Nothing was sent.
    #[error("cannot send on the audio-to-video socket: {0}")]
    InvalidMessage(String),
    /// Reading from or writing to the socket failed.
    #[error("audio-to-video socket: {0}")]
    Transport(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The server said nothing for too long: no `connected` within
    /// [`RealtimeEvents::wait_connected_within`]'s timeout, or no message at all within the idle
    /// timeout ([`RealtimeEvents::set_idle_timeout`]). The stream ends after it.
    #[error("the audio-to-video socket timed out waiting for {waiting_for} after {after:?}")]
    TimedOut {
        /// What did not come (`connected`, a message, the close).
        waiting_for: &'static str,
        /// How long it waited.
        after: std::time::Duration,
    },
}
