//! The audio-to-video WebSocket transport and session helper (`heygen_client::legacy::streaming`), against
//! a scripted WebSocket server on 127.0.0.1 and wiremock for the REST calls around it.

use std::future::Future;
use std::time::Duration;

use base64::Engine as _;
use futures_util::{SinkExt, StreamExt};
use heygen_client::legacy::streaming::{self, DEFAULT_CHUNK_BYTES, StreamingError, StreamingSession};
use heygen_client::legacy::types;
use heygen_client::legacy::types::{AudioToVideoClientEvent, AudioToVideoServerEvent, AudioToVideoSessionState};
use heygen_tests::{API_KEY, Harness, call, example_response, success_example};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

type ServerSocket = WebSocketStream<TcpStream>;

/// The path of the realtime endpoint; like HeyGen's, it names the session and is its credential.
const ENDPOINT_PATH: &str = "/v2-alpha/interactive-avatar/session/sess-secret-9f2c";
const SESSION_ID: &str = "eba59f0d-71f5-11ef-b8af-d2e5560124bc";
/// Bounds every wait, so a broken client fails a test instead of hanging it.
const LIMIT: Duration = Duration::from_secs(10);

/// A WebSocket server for one connection, running `script` on it. Returns the `ws://` URL and
/// the script's result (what it received).
async fn ws_server<F, Fut>(script: F) -> (String, JoinHandle<Vec<Value>>)
where
    F: FnOnce(ServerSocket) -> Fut + Send + 'static,
    Fut: Future<Output = Vec<Value>> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a local port");
    let url = format!("ws://{}{ENDPOINT_PATH}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (tcp, _) = tokio::time::timeout(LIMIT, listener.accept()).await.expect("a client connects").unwrap();
        let socket = tokio_tungstenite::accept_async(tcp).await.expect("a WebSocket handshake");
        tokio::time::timeout(LIMIT, script(socket)).await.expect("the server script finishes")
    });
    (url, task)
}

async fn send_json(socket: &mut ServerSocket, value: Value) {
    socket.send(Message::text(value.to_string())).await.expect("the server sends");
}

async fn connected(socket: &mut ServerSocket) {
    send_json(socket, json!({"type": "session.state_updated", "state": "connecting"})).await;
    send_json(socket, json!({"type": "session.state_updated", "state": "connected"})).await;
}

/// The next text message from the client, as JSON; `None` when the client closed.
async fn receive(socket: &mut ServerSocket) -> Option<Value> {
    loop {
        match socket.next().await? {
            Ok(Message::Text(text)) => return Some(serde_json::from_str(text.as_str()).expect("clients send JSON")),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// Everything the client sends until it closes.
async fn receive_all(socket: &mut ServerSocket) -> Vec<Value> {
    let mut received = Vec::new();
    while let Some(message) = receive(socket).await {
        received.push(message);
    }
    received
}

/// `seconds` of recognisable PCM16 audio.
fn pcm(seconds: f64) -> Vec<u8> {
    let samples = (seconds * 24_000.0) as usize;
    (0..samples).flat_map(|i| ((i % 30_000) as i16).to_le_bytes()).collect()
}

async fn next_event(events: &mut streaming::RealtimeEvents) -> Option<Result<streaming::ServerEvent, StreamingError>> {
    tokio::time::timeout(LIMIT, events.next()).await.expect("the stream yields in time")
}

fn keys(message: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = message.as_object().expect("an object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

// ---------------------------------------------------------------------------------------------
// The socket
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn messages_go_out_in_order_with_the_documented_shapes() {
    let (url, server) = ws_server(|mut socket| async move {
        connected(&mut socket).await;
        let mut received = Vec::new();
        // Speech until its end, then say it was spoken, then the rest until the client closes.
        while let Some(message) = receive(&mut socket).await {
            let end = message["type"] == "agent.speak_end";
            let utterance = message["event_id"].clone();
            received.push(message);
            if end {
                let task = json!({"id": "task-1"});
                send_json(&mut socket, json!({"type": "agent.speak_started", "event_id": utterance, "task": task}))
                    .await;
                send_json(&mut socket, json!({"type": "agent.speak_ended", "event_id": utterance, "task": task})).await;
                break;
            }
        }
        received.extend(receive_all(&mut socket).await);
        received
    })
    .await;

    let (mut sender, mut events) = streaming::connect(&url).await.unwrap();
    let before = events.wait_connected().await.unwrap();
    let states: Vec<_> = before
        .iter()
        .map(|e| match &e.event {
            AudioToVideoServerEvent::SessionStateUpdated { state } => state.clone(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(states, [AudioToVideoSessionState::Connecting, AudioToVideoSessionState::Connected]);
    assert_eq!(before[1].kind, "session.state_updated");

    let audio = pcm(2.5);
    let utterance = streaming::new_event_id();
    assert_eq!(sender.chunk_bytes(), DEFAULT_CHUNK_BYTES);
    // Nothing is sent for audio that is not whole samples, nor for `Unknown`.
    assert!(matches!(sender.send_audio(&utterance, &audio[..3]).await, Err(StreamingError::InvalidMessage(_))));
    assert!(matches!(
        sender.send(&AudioToVideoClientEvent::Unknown(serde_json::json!({"type": "agent.dance"}))).await,
        Err(StreamingError::InvalidMessage(_))
    ));
    assert_eq!(sender.send_audio(&utterance, &audio).await.unwrap(), 3);
    sender.end_speech(&utterance).await.unwrap();

    let started = next_event(&mut events).await.unwrap().unwrap();
    match &started.event {
        AudioToVideoServerEvent::AgentSpeakStarted { event_id, task } => {
            assert_eq!(event_id, &utterance);
            assert_eq!(task.as_ref().map(|t| t.id.as_str()), Some("task-1"));
        }
        other => panic!("expected agent.speak_started, got {other:?}"),
    }
    let ended = next_event(&mut events).await.unwrap().unwrap();
    assert_eq!(ended.kind, "agent.speak_ended");
    assert!(
        matches!(&ended.event, AudioToVideoServerEvent::AgentSpeakEnded { event_id, .. } if *event_id == utterance)
    );

    sender.interrupt().await.unwrap();
    sender.start_listening().await.unwrap();
    sender.stop_listening().await.unwrap();
    sender.keep_alive().await.unwrap();
    sender.close().await.unwrap();
    // A close we started ends the stream without an error.
    assert!(next_event(&mut events).await.is_none());

    let received = server.await.unwrap();
    let types: Vec<&str> = received.iter().map(|m| m["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "agent.speak",
            "agent.speak",
            "agent.speak",
            "agent.speak_end",
            "agent.interrupt",
            "agent.start_listening",
            "agent.stop_listening",
            "session.keep_alive"
        ]
    );
    // Speech: one-second chunks of base64 PCM under the utterance's id, which decode to the audio.
    let mut decoded = Vec::new();
    for (i, chunk) in received[..3].iter().enumerate() {
        assert_eq!(keys(chunk), ["audio", "event_id", "type"]);
        assert_eq!(chunk["event_id"], utterance.as_str());
        let bytes = base64::engine::general_purpose::STANDARD.decode(chunk["audio"].as_str().unwrap()).unwrap();
        assert_eq!(bytes.len(), if i < 2 { 48_000 } else { 24_000 });
        decoded.extend(bytes);
    }
    assert_eq!(decoded, audio);
    assert_eq!(received[3], json!({"type": "agent.speak_end", "event_id": utterance}));
    // Control messages carry fresh, distinct ids.
    let mut ids: Vec<&str> = received[4..].iter().map(|m| m["event_id"].as_str().expect("an event_id")).collect();
    for message in &received[4..] {
        assert_eq!(keys(message), ["event_id", "type"]);
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 4);
    assert!(!ids.contains(&utterance.as_str()));
}

#[tokio::test]
async fn a_server_closing_mid_stream_is_a_typed_error() {
    let (url, server) = ws_server(|mut socket| async move {
        connected(&mut socket).await;
        let first = receive(&mut socket).await.expect("a first chunk");
        let frame = CloseFrame { code: CloseCode::Again, reason: "session ended: idle timeout".into() };
        socket.close(Some(frame)).await.unwrap();
        // Drive the close handshake to its end.
        while socket.next().await.is_some() {}
        vec![first]
    })
    .await;

    let (mut sender, mut events) = streaming::connect(&url).await.unwrap();
    events.wait_connected().await.unwrap();
    let utterance = streaming::new_event_id();
    sender.send_audio(&utterance, &pcm(1.0)).await.unwrap();

    let error = next_event(&mut events).await.expect("an item").unwrap_err();
    match &error {
        StreamingError::Closed { code, reason } => {
            assert_eq!(*code, Some(1013));
            assert_eq!(reason, "session ended: idle timeout");
        }
        other => panic!("expected Closed, got {other:?}"),
    }
    assert!(error.to_string().contains("code 1013"), "{error}");
    assert!(next_event(&mut events).await.is_none(), "the stream ends after the close");
    // Sending on a closed socket is the same typed error.
    let resent = sender.send_audio(&utterance, &pcm(0.5)).await.unwrap_err();
    assert!(matches!(resent, StreamingError::Closed { .. }), "{resent:?}");
    assert_eq!(server.await.unwrap()[0]["type"], "agent.speak");
}

#[tokio::test]
async fn a_server_that_closes_but_never_hangs_up_does_not_hang_the_stream() {
    let (url, _server) = ws_server(|mut socket| async move {
        connected(&mut socket).await;
        let frame = CloseFrame { code: CloseCode::Away, reason: "maintenance".into() };
        socket.send(Message::Close(Some(frame))).await.unwrap();
        // Keep the connection open, reading nothing, past the client's grace period.
        tokio::time::sleep(Duration::from_secs(7)).await;
        Vec::new()
    })
    .await;

    let (_sender, mut events) = streaming::connect(&url).await.unwrap();
    events.wait_connected().await.unwrap();
    let started = std::time::Instant::now();
    let error = next_event(&mut events).await.expect("an item").unwrap_err();
    assert!(matches!(error, StreamingError::Closed { code: Some(1001), .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(7), "the stream waited for the server to hang up");
    assert!(next_event(&mut events).await.is_none());
}

#[tokio::test]
async fn a_connection_dropped_without_a_close_frame_is_a_typed_error() {
    let (url, server) = ws_server(|mut socket| async move {
        connected(&mut socket).await;
        drop(socket);
        Vec::new()
    })
    .await;

    let (_sender, mut events) = streaming::connect(&url).await.unwrap();
    events.wait_connected().await.unwrap();
    server.await.unwrap();
    let error = next_event(&mut events).await.expect("an item").unwrap_err();
    assert!(matches!(error, StreamingError::Closed { code: None, .. }), "{error:?}");
    assert!(next_event(&mut events).await.is_none());
}

#[tokio::test]
async fn malformed_server_messages_are_typed_errors_and_the_stream_goes_on() {
    let (url, server) = ws_server(|mut socket| async move {
        for text in [
            "this is not JSON",
            r#"{"state": "connected"}"#,
            r#"{"type": "agent.speak_started", "task": {"id": "t"}}"#,
            r#"{"type": "session.state_updated", "state": 7}"#,
        ] {
            socket.send(Message::text(text)).await.unwrap();
        }
        socket.send(Message::binary(vec![0u8, 1, 2])).await.unwrap();
        send_json(&mut socket, json!({"type": "agent.gesture", "gesture": "wave"})).await;
        send_json(&mut socket, json!({"type": "agent.state", "state": "talking"})).await;
        send_json(&mut socket, json!({"type": "session.state_updated", "state": "reconnecting"})).await;
        send_json(&mut socket, json!({"type": "error", "error": {"code": 400, "message": "bad audio"}})).await;
        send_json(&mut socket, json!({"type": "agent.speak_ended", "event_id": "u-1", "extra": true})).await;
        socket.close(Some(CloseFrame { code: CloseCode::Normal, reason: "bye".into() })).await.unwrap();
        while socket.next().await.is_some() {}
        Vec::new()
    })
    .await;

    let (_sender, mut events) = streaming::connect(&url).await.unwrap();
    for expected in ["not JSON", "no string `type`", "`agent.speak_started`", "`session.state_updated`", "binary"] {
        match next_event(&mut events).await.expect("an item") {
            Err(StreamingError::Malformed { reason, .. }) => assert!(reason.contains(expected), "{reason}"),
            other => panic!("expected Malformed ({expected}), got {other:?}"),
        }
    }
    // A malformed message keeps what was received.
    let unknown = next_event(&mut events).await.unwrap().unwrap();
    assert_eq!(unknown.kind, "agent.gesture");
    assert!(matches!(unknown.event, AudioToVideoServerEvent::Unknown(_)));
    assert_eq!(unknown.raw["gesture"], "wave");
    let state = next_event(&mut events).await.unwrap().unwrap();
    assert!(matches!(state.event, AudioToVideoServerEvent::AgentState));
    let reconnecting = next_event(&mut events).await.unwrap().unwrap();
    assert!(matches!(
        reconnecting.event,
        AudioToVideoServerEvent::SessionStateUpdated { state: AudioToVideoSessionState::Unknown(ref s) } if s == "reconnecting"
    ));
    let error = next_event(&mut events).await.unwrap().unwrap();
    assert!(matches!(&error.event, AudioToVideoServerEvent::Error { error: Some(e) } if e["message"] == "bad audio"));
    let ended = next_event(&mut events).await.unwrap().unwrap();
    assert!(
        matches!(&ended.event, AudioToVideoServerEvent::AgentSpeakEnded { event_id, task: None } if event_id == "u-1")
    );
    // Even a normal close is the server's doing, so it is reported.
    let closed = next_event(&mut events).await.unwrap().unwrap_err();
    assert!(matches!(closed, StreamingError::Closed { code: Some(1000), ref reason } if reason == "bye"), "{closed:?}");
    assert!(next_event(&mut events).await.is_none());
    server.await.unwrap();
}

#[tokio::test]
async fn malformed_message_errors_keep_the_message() {
    let (url, _server) = ws_server(|mut socket| async move {
        socket.send(Message::text(r#"{"type": 5}"#)).await.unwrap();
        receive_all(&mut socket).await
    })
    .await;
    let (_sender, mut events) = streaming::connect(&url).await.unwrap();
    match next_event(&mut events).await.expect("an item") {
        Err(StreamingError::Malformed { message, .. }) => assert_eq!(message, r#"{"type": 5}"#),
        other => panic!("expected Malformed, got {other:?}"),
    }
}

#[tokio::test]
async fn a_failed_connection_is_a_typed_error_that_hides_the_endpoint_path() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let error = streaming::connect(&format!("ws://{address}{ENDPOINT_PATH}")).await.unwrap_err();
    match &error {
        StreamingError::Connect { host, .. } => assert_eq!(host, &format!("ws://{address}")),
        other => panic!("expected Connect, got {other:?}"),
    }
    assert!(!format!("{error} {error:?}").contains("sess-secret"), "{error:?}");
}

// ---------------------------------------------------------------------------------------------
// The session helper
// ---------------------------------------------------------------------------------------------

/// `create_streaming_session`'s example reply, pointing at `endpoint`.
fn new_session_reply(endpoint: Option<&str>) -> ResponseTemplate {
    let mut body = success_example("create_streaming_session");
    body["data"]["realtime_endpoint"] = endpoint.map_or(Value::Null, |e| json!(e));
    ResponseTemplate::new(200).set_body_json(body)
}

async fn mount_session_calls(api: &MockServer, endpoint: Option<&str>) {
    call("POST", "/v1/streaming.new").respond_with(new_session_reply(endpoint)).mount(api).await;
    call("POST", "/v1/streaming.start")
        .and(body_json(json!({"session_id": SESSION_ID})))
        .respond_with(example_response("start_streaming_session"))
        .mount(api)
        .await;
    call("POST", "/v1/streaming.stop")
        .and(body_json(json!({"session_id": SESSION_ID})))
        .respond_with(example_response("close_streaming_session"))
        .mount(api)
        .await;
}

/// The paths of the REST calls the mock received, in order.
async fn rest_calls(api: &MockServer) -> Vec<String> {
    api.received_requests().await.unwrap_or_default().iter().map(|r| r.url.path().to_owned()).collect()
}

/// Waits (bounded) until a stop has arrived, for stops sent from a drop.
async fn wait_for_stop(api: &MockServer) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + LIMIT;
    loop {
        let calls = rest_calls(api).await;
        if calls.iter().any(|p| p == "/v1/streaming.stop") || tokio::time::Instant::now() > deadline {
            return calls;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn avatar_request() -> types::CreateStreamingSessionRequest {
    types::CreateStreamingSessionRequest { avatar_id: Some("Wayne_20240711".into()), ..Default::default() }
}

#[tokio::test]
async fn a_session_runs_the_documented_sequence_with_a_session_token() {
    let api = MockServer::start().await;
    let (url, server) = ws_server(|mut socket| async move {
        connected(&mut socket).await;
        receive_all(&mut socket).await
    })
    .await;
    // Every call carries the token, never an API key; `version` defaults to v2.
    let bearer = || Mock::given(header("authorization", "Bearer st-7d1e")).and(method("POST"));
    bearer()
        .and(path("/v1/streaming.new"))
        .and(body_json(json!({"avatar_id": "Wayne_20240711", "version": "v2"})))
        .respond_with(new_session_reply(Some(&url)))
        .mount(&api)
        .await;
    for (op, call_path) in
        [("start_streaming_session", "/v1/streaming.start"), ("close_streaming_session", "/v1/streaming.stop")]
    {
        bearer()
            .and(path(call_path))
            .and(body_json(json!({"session_id": SESSION_ID})))
            .respond_with(example_response(op))
            .mount(&api)
            .await;
    }
    let client = heygen_client::Client::builder().session_token("st-7d1e").base_url(api.uri()).build_legacy().unwrap();

    let utterance = streaming::new_event_id();
    let id = StreamingSession::run(&client, avatar_request(), async |session: &StreamingSession| {
        assert_eq!(rest_calls(&api).await, ["/v1/streaming.new", "/v1/streaming.start"]);
        assert_eq!(session.info().url.as_deref(), Some("wss://heygen-feapbkvq.livekit.cloud"));
        let (mut sender, mut events) = session.connect().await?;
        events.wait_connected().await?;
        sender.send_audio(&utterance, &pcm(0.5)).await?;
        sender.end_speech(&utterance).await?;
        sender.close().await?;
        Ok(session.id().to_owned())
    })
    .await
    .unwrap();

    assert_eq!(id, SESSION_ID);
    assert_eq!(rest_calls(&api).await, ["/v1/streaming.new", "/v1/streaming.start", "/v1/streaming.stop"]);
    for request in api.received_requests().await.unwrap() {
        assert!(request.headers.get("x-api-key").is_none());
    }
    let types: Vec<Value> = server.await.unwrap().into_iter().map(|m| m["type"].clone()).collect();
    assert_eq!(types, ["agent.speak", "agent.speak_end"]);
}

#[tokio::test]
async fn a_session_is_stopped_when_its_body_fails() {
    let h = Harness::start().await;
    let (url, _server) = ws_server(|mut socket| async move {
        connected(&mut socket).await;
        socket.close(Some(CloseFrame { code: CloseCode::Error, reason: "internal".into() })).await.unwrap();
        while socket.next().await.is_some() {}
        Vec::new()
    })
    .await;
    mount_session_calls(&h.api, Some(&url)).await;

    let result = StreamingSession::run(&h.client, avatar_request(), async |session: &StreamingSession| {
        let (_sender, mut events) = session.connect().await?;
        events.wait_connected().await?;
        while let Some(event) = events.next().await {
            event?;
        }
        Ok(())
    })
    .await;

    assert!(matches!(result, Err(StreamingError::Closed { code: Some(1011), .. })), "{result:?}");
    assert_eq!(rest_calls(&h.api).await, ["/v1/streaming.new", "/v1/streaming.start", "/v1/streaming.stop"]);
}

#[tokio::test]
async fn a_session_without_a_realtime_endpoint_fails_and_is_stopped() {
    let h = Harness::start().await;
    mount_session_calls(&h.api, None).await;
    let result = StreamingSession::run(&h.client, avatar_request(), async |session: &StreamingSession| {
        session.connect().await.map(drop)
    })
    .await;
    match result {
        Err(StreamingError::NoRealtimeEndpoint { session_id }) => assert_eq!(session_id, SESSION_ID),
        other => panic!("expected NoRealtimeEndpoint, got {other:?}"),
    }
    assert_eq!(rest_calls(&h.api).await, ["/v1/streaming.new", "/v1/streaming.start", "/v1/streaming.stop"]);
}

#[tokio::test]
async fn a_session_that_fails_to_start_is_stopped() {
    let h = Harness::start_with(|b| b.max_retries(0)).await;
    call("POST", "/v1/streaming.new").respond_with(new_session_reply(None)).mount(&h.api).await;
    call("POST", "/v1/streaming.start")
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"code": 400006, "message": "no capacity"})))
        .mount(&h.api)
        .await;
    call("POST", "/v1/streaming.stop").respond_with(example_response("close_streaming_session")).mount(&h.api).await;

    let error = StreamingSession::start(&h.client, avatar_request()).await.unwrap_err();
    match &error {
        StreamingError::Api(heygen_client::Error::Api(e)) => assert_eq!(e.status, 400),
        other => panic!("expected the start's API error, got {other:?}"),
    }
    assert_eq!(rest_calls(&h.api).await, ["/v1/streaming.new", "/v1/streaming.start", "/v1/streaming.stop"]);
}

#[tokio::test]
async fn a_dropped_session_is_stopped_and_a_stopped_one_only_once() {
    let h = Harness::start().await;
    mount_session_calls(&h.api, None).await;

    let session = StreamingSession::start(&h.client, avatar_request()).await.unwrap();
    drop(session);
    assert_eq!(wait_for_stop(&h.api).await, ["/v1/streaming.new", "/v1/streaming.start", "/v1/streaming.stop"]);

    h.api.reset().await;
    mount_session_calls(&h.api, None).await;
    let session = StreamingSession::start(&h.client, avatar_request()).await.unwrap();
    session.stop().await.unwrap();
    // A drop after the stop would send a second one; give it the time to.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(rest_calls(&h.api).await, ["/v1/streaming.new", "/v1/streaming.start", "/v1/streaming.stop"]);
    for request in h.api.received_requests().await.unwrap() {
        assert_eq!(request.headers.get("x-api-key").unwrap(), API_KEY);
    }
}

#[tokio::test]
async fn a_session_dropped_by_a_panicking_task_is_stopped() {
    let h = Harness::start().await;
    mount_session_calls(&h.api, None).await;
    let client = h.client.clone();
    let task = tokio::spawn(async move {
        let _session = StreamingSession::start(&client, avatar_request()).await.unwrap();
        panic!("the caller's code failed");
    });
    assert!(task.await.unwrap_err().is_panic());
    assert_eq!(wait_for_stop(&h.api).await, ["/v1/streaming.new", "/v1/streaming.start", "/v1/streaming.stop"]);
}
