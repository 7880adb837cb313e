//! The REST side of an audio-to-video session: create, start, stop, always stop.

// The streaming endpoints are deprecated in favour of HeyGen's LiveAvatar; this module is what
// drives them, so their warnings say nothing here.
#![allow(deprecated)]

use tokio::runtime::Handle;

use super::{RealtimeEvents, RealtimeSender, StreamingError};
use crate::ApiError;
use crate::legacy::Client;
use crate::legacy::types::{
    CreateStreamingSessionRequest, SendStreamingTaskRequest, StartStreamingSessionRequest, StreamingApiVersion,
    StreamingSession as SessionInfo, StreamingSessionIdRequest, StreamingTask, StreamingTaskType,
};
use progenitor_client::ClientInfo;

/// A live streaming session, created and started by [`StreamingSession::start`].
///
/// The session is billed until it is stopped, and closing its socket does not stop it. So it is
/// always stopped: by [`stop`](Self::stop), by [`run`](Self::run) whatever its body returns, by
/// `start` itself when starting fails, by `start` when HeyGen created the session but its reply
/// did not decode (by the id in the raw reply, when it has one), and when dropped unstopped (on
/// error, `?`, panic, or a `stop` that failed or was cancelled) a task on the Tokio runtime it
/// was started in sends the stop. A stop is retried on transient failures (timeouts, lost
/// connections, 429 and 5xx), since stopping twice is harmless.
///
/// One case no library can cover: a session dropped while its Tokio runtime is shutting down
/// (or after it is gone) gets a stop task that never runs. Stop sessions before the runtime
/// ends (`run` does); otherwise HeyGen ends the session at its idle timeout.
///
/// Works with an API key or a session token ([`ClientBuilder::session_token`](crate::ClientBuilder::session_token)),
/// since every call it makes accepts both. Its `Debug` output redacts the session's credentials
/// (`access_token`, `realtime_endpoint`'s path, any token or credential field).
pub struct StreamingSession {
    client: Client,
    info: SessionInfo,
    stopped: bool,
    runtime: Option<Handle>,
}

impl StreamingSession {
    /// Creates a session (`create_streaming_session`) and starts it (`start_streaming_session`).
    /// `version` defaults to `v2`, the flow that has a LiveKit room and a `realtime_endpoint`.
    /// When starting fails the session is stopped before the error is returned.
    pub async fn start(client: &Client, mut request: CreateStreamingSessionRequest) -> Result<Self, StreamingError> {
        request.version.get_or_insert(StreamingApiVersion::V2);
        let created = match client.create_streaming_session(&request).await {
            Ok(created) => created.into_inner(),
            Err(crate::Error::Decode(error)) => {
                // HeyGen created a session it described in a way we cannot read: stop it by the
                // id in the raw reply, if it has one, so it is not billed until it idles out.
                if let Some(id) = session_id_in(&error.body)
                    && let Err(stop_error) = stop_session(client, &id).await
                {
                    tracing::warn!(session_id = %id, error = %stop_error, "could not stop a session whose creation reply did not decode");
                }
                return Err(crate::Error::Decode(error).into());
            }
            Err(error) => return Err(error.into()),
        };
        // From here on the session exists; `session` stops it on every path.
        let session =
            Self { client: client.clone(), info: created.data, stopped: false, runtime: Handle::try_current().ok() };
        let start = StartStreamingSessionRequest { session_id: session.info.session_id.clone(), sdp: None };
        if let Err(error) = client.start_streaming_session(&start).await {
            if let Err(stop_error) = session.stop().await {
                tracing::warn!(session_id = %start.session_id, error = %stop_error, "could not stop a session that failed to start");
            }
            return Err(error.into());
        }
        Ok(session)
    }

    /// Starts a session, runs `body` with it, then stops it, whether `body` succeeded or not.
    /// Returns `body`'s error if it failed, else the stop's error if that failed.
    pub async fn run<T>(
        client: &Client,
        request: CreateStreamingSessionRequest,
        body: impl AsyncFnOnce(&StreamingSession) -> Result<T, StreamingError>,
    ) -> Result<T, StreamingError> {
        let session = Self::start(client, request).await?;
        let result = body(&session).await;
        let stopped = session.stop().await;
        let value = result?;
        stopped?;
        Ok(value)
    }

    /// The session's id.
    pub fn id(&self) -> &str {
        &self.info.session_id
    }

    /// What `create_streaming_session` returned: the LiveKit `url` and viewer `access_token`
    /// (to watch the avatar), `realtime_endpoint`, limits.
    pub fn info(&self) -> &SessionInfo {
        &self.info
    }

    /// Opens the session's audio-to-video socket; see [`connect`](super::connect).
    pub async fn connect(&self) -> Result<(RealtimeSender, RealtimeEvents), StreamingError> {
        match self.info.realtime_endpoint.as_deref() {
            Some(endpoint) if !endpoint.is_empty() => super::connect(endpoint).await,
            _ => Err(StreamingError::NoRealtimeEndpoint { session_id: self.info.session_id.clone() }),
        }
    }

    /// Makes the avatar say `text` with its own voice (`send_streaming_task`, `repeat`), for
    /// sessions driven by text tasks rather than audio.
    pub async fn speak_text(&self, text: &str) -> Result<StreamingTask, StreamingError> {
        let task = SendStreamingTaskRequest {
            session_id: self.info.session_id.clone(),
            text: text.to_owned(),
            task_mode: None,
            task_type: Some(StreamingTaskType::Repeat),
        };
        Ok(self.client.send_streaming_task(&task).await?.into_inner().data)
    }

    /// Restarts the idle countdown over REST (`keep_streaming_session_alive`); the socket's
    /// [`RealtimeSender::keep_alive`] does the same.
    pub async fn keep_alive(&self) -> Result<(), StreamingError> {
        self.client.keep_streaming_session_alive(&self.id_request()).await?;
        Ok(())
    }

    /// Stops the session (`close_streaming_session`), ending the billing; retried on transient
    /// failures. The session counts as stopped only once a stop succeeded: if this fails, or
    /// the future is dropped before it ends, dropping the session sends the stop again.
    pub async fn stop(mut self) -> Result<(), StreamingError> {
        stop_session(&self.client, &self.info.session_id).await?;
        self.stopped = true;
        Ok(())
    }

    fn id_request(&self) -> StreamingSessionIdRequest {
        StreamingSessionIdRequest { session_id: self.info.session_id.clone() }
    }
}

impl Drop for StreamingSession {
    fn drop(&mut self) {
        if self.stopped {
            return;
        }
        let runtime = self.runtime.clone().or_else(|| Handle::try_current().ok());
        let (client, request) = (self.client.clone(), self.id_request());
        let Some(runtime) = runtime else {
            tracing::warn!(session_id = %request.session_id, "streaming session dropped outside a Tokio runtime; it was not stopped");
            return;
        };
        runtime.spawn(async move {
            if let Err(error) = stop_session(&client, &request.session_id).await {
                tracing::warn!(session_id = %request.session_id, %error, "could not stop a dropped streaming session");
            }
        });
    }
}

impl std::fmt::Debug for StreamingSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut info = serde_json::to_value(&self.info).unwrap_or_default();
        crate::redact::redact_value(&mut info);
        f.debug_struct("StreamingSession")
            .field("session_id", &self.info.session_id)
            .field("info", &format_args!("{info}"))
            .field("stopped", &self.stopped)
            .finish_non_exhaustive()
    }
}

/// How many times a stop is retried after a transient failure, at least.
const STOP_RETRIES: u32 = 3;

/// Stops the session `id`, again after failures that may pass. A stop that reached HeyGen but
/// whose reply was lost may find the session gone on the next attempt (404): that is a stop.
async fn stop_session(client: &Client, id: &str) -> Result<(), crate::Error> {
    let request = StreamingSessionIdRequest { session_id: id.to_owned() };
    let policy = client.inner().retry.clone();
    let retries = policy.max_retries.max(STOP_RETRIES);
    let mut attempt = 1;
    loop {
        let error = match client.close_streaming_session(&request).await {
            Ok(_) => return Ok(()),
            Err(crate::Error::Api(e)) if attempt > 1 && e.status == reqwest::StatusCode::NOT_FOUND => return Ok(()),
            Err(error) => error,
        };
        let transient = match &error {
            crate::Error::Timeout { .. } | crate::Error::Connection { .. } => true,
            crate::Error::Api(e) => e.status.is_server_error() || e.status == reqwest::StatusCode::TOO_MANY_REQUESTS,
            _ => false,
        };
        if !transient || attempt > retries {
            return Err(error);
        }
        let delay = match &error {
            crate::Error::Api(ApiError { retry_after: Some(wait), .. }) => (*wait).min(policy.max_retry_after),
            _ => policy.backoff(attempt),
        };
        tracing::warn!(session_id = %id, %error, ?delay, "stopping the streaming session failed; trying again");
        tokio::time::sleep(delay).await;
        attempt += 1;
    }
}

/// The session id in a raw `create_streaming_session` reply (`data.session_id`).
fn session_id_in(body: &str) -> Option<String> {
    let reply: serde_json::Value = serde_json::from_str(body).ok()?;
    let id = reply.get("data")?.get("session_id")?.as_str()?;
    (!id.is_empty()).then(|| id.to_owned())
}
