//! The REST side of an audio-to-video session: create, start, stop, always stop.

// The streaming endpoints are deprecated in favour of HeyGen's LiveAvatar; this module is what
// drives them, so their warnings say nothing here.
#![allow(deprecated)]

use tokio::runtime::Handle;

use super::{RealtimeEvents, RealtimeSender, StreamingError};
use crate::Client;
use crate::types::{
    CreateStreamingSessionRequest, SendStreamingTaskRequest, StartStreamingSessionRequest, StreamingApiVersion,
    StreamingSession as SessionInfo, StreamingSessionIdRequest, StreamingTask, StreamingTaskType,
};

/// A live streaming session, created and started by [`StreamingSession::start`].
///
/// The session is billed until it is stopped, and closing its socket does not stop it. So it is
/// always stopped: by [`stop`](Self::stop), by [`run`](Self::run) whatever its body returns, by
/// `start` itself when starting fails, and when dropped unstopped (on error, `?` or panic) a
/// task on the Tokio runtime it was started in sends the stop.
///
/// Works with an API key or a session token ([`ClientBuilder::session_token`](crate::ClientBuilder::session_token)),
/// since every call it makes accepts both.
#[derive(Debug)]
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
        let created = client.create_streaming_session(&request).await?.into_inner();
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

    /// Stops the session (`close_streaming_session`), ending the billing. The session counts as
    /// stopped even if the call fails: it is not sent again on drop.
    pub async fn stop(mut self) -> Result<(), StreamingError> {
        self.stopped = true;
        self.client.close_streaming_session(&self.id_request()).await?;
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
            if let Err(error) = client.close_streaming_session(&request).await {
                tracing::warn!(session_id = %request.session_id, %error, "could not stop a dropped streaming session");
            }
        });
    }
}
