//! Wire tests for the Streaming, Streaming Knowledge Base and Webhooks operations: the request the
//! client sends (method, path, query, `X-Api-Key`, body) and the typed parse of the spec's example
//! response. A request that does not match its mock gets wiremock's 404, so the call fails.

// HeyGen marks the ten Streaming operations deprecated (superseded by LiveAvatar), so their
// generated methods carry `#[deprecated]`; they are still part of the client and must be tested.
#![allow(deprecated)]

use heygen_client::types;
use heygen_tests::{Harness, assert_parsed_example, call, example_response};
use serde_json::json;
use wiremock::matchers::{body_json, query_param};

const SESSION_ID: &str = "eba59f0d-71f5-11ef-b8af-d2e5560124bc";

// ---------------------------------------------------------------------------------------------
// Streaming
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_streaming_session() {
    let h = Harness::start().await;
    call("POST", "/v1/streaming.new")
        .and(body_json(json!({
            "quality": "medium",
            "avatar_id": "Wayne_20240711",
            "version": "v2",
            "voice": {"voice_id": "26b2064088674c80b1e5fc5ab1a068ea", "rate": 1.0},
            "activity_idle_timeout": 120
        })))
        .respond_with(example_response("create_streaming_session"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::CreateStreamingSessionRequest {
        quality: Some(types::StreamingQuality::Medium),
        avatar_id: Some("Wayne_20240711".into()),
        version: Some(types::StreamingApiVersion::V2),
        voice: Some(types::StreamingVoiceSettings {
            voice_id: Some("26b2064088674c80b1e5fc5ab1a068ea".into()),
            rate: Some(1.0),
            emotion: None,
            elevenlabs_settings: None,
        }),
        activity_idle_timeout: Some(120),
        ..Default::default()
    };
    let reply = h.client.create_streaming_session(&body).await.unwrap().into_inner();
    assert_eq!(reply.code, 100);
    assert_eq!(reply.data.session_id, SESSION_ID);
    assert_eq!(reply.data.url.as_deref(), Some("wss://heygen-feapbkvq.livekit.cloud"));
    assert_eq!(reply.data.session_duration_limit, Some(600));
    assert!(reply.data.sdp.is_none());
    assert_parsed_example("create_streaming_session", &reply);
}

#[tokio::test]
async fn start_streaming_session() {
    let h = Harness::start().await;
    call("POST", "/v1/streaming.start")
        .and(body_json(json!({"session_id": SESSION_ID})))
        .respond_with(example_response("start_streaming_session"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::StartStreamingSessionRequest { session_id: SESSION_ID.into(), sdp: None };
    let reply = h.client.start_streaming_session(&body).await.unwrap().into_inner();
    assert_eq!(reply.code, Some(100));
    assert_eq!(reply.message.as_deref(), Some("success"));
    assert!(reply.data.is_none());
    assert_parsed_example("start_streaming_session", &reply);
}

#[tokio::test]
async fn list_active_streaming_sessions() {
    let h = Harness::start().await;
    call("GET", "/v1/streaming.list")
        .respond_with(example_response("list_active_streaming_sessions"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.list_active_streaming_sessions().await.unwrap().into_inner();
    let sessions = &reply.data.sessions;
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0].session_id, SESSION_ID);
    assert_eq!(sessions[0].status, Some(types::StreamingSessionStatus::Connected));
    assert_eq!(sessions[1].status, Some(types::StreamingSessionStatus::New));
    assert_eq!(sessions[1].created_at, Some(1726045260.0));
    assert_parsed_example("list_active_streaming_sessions", &reply);
}

#[tokio::test]
async fn list_streaming_session_history() {
    let h = Harness::start().await;
    call("GET", "/v2/streaming.list")
        .and(query_param("page", "1"))
        .and(query_param("page_size", "20"))
        .respond_with(example_response("list_streaming_session_history"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply =
        h.client.list_streaming_session_history(None, None, Some(1), Some(20), None, None).await.unwrap().into_inner();
    assert_eq!(reply.data.total, Some(2));
    assert_eq!(reply.data.next_pagination_token, None);
    assert_eq!(reply.data.data[1].avatar_id.as_deref(), Some("Anna_public_3_20240108"));
    assert_eq!(reply.data.data[0].duration, Some(312.0));
    assert_parsed_example("list_streaming_session_history", &reply);
}

#[tokio::test]
async fn send_streaming_task() {
    let h = Harness::start().await;
    call("POST", "/v1/streaming.task")
        .and(body_json(json!({
            "session_id": SESSION_ID,
            "text": "Hello! How can I help you today?",
            "task_type": "repeat",
            "task_mode": "async"
        })))
        .respond_with(example_response("send_streaming_task"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::SendStreamingTaskRequest {
        session_id: SESSION_ID.into(),
        text: "Hello! How can I help you today?".into(),
        task_type: Some(types::StreamingTaskType::Repeat),
        task_mode: Some(types::StreamingTaskMode::Async),
    };
    let reply = h.client.send_streaming_task(&body).await.unwrap().into_inner();
    assert_eq!(reply.data.task_id, "3f6e2a90-71f5-11ef-a1b2-d2e5560124bc");
    assert_eq!(reply.data.duration_ms, Some(2480.5));
    assert_parsed_example("send_streaming_task", &reply);
}

#[tokio::test]
async fn close_streaming_session() {
    let h = Harness::start().await;
    call("POST", "/v1/streaming.stop")
        .and(body_json(json!({"session_id": SESSION_ID})))
        .respond_with(example_response("close_streaming_session"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::StreamingSessionIdRequest { session_id: SESSION_ID.into() };
    let reply = h.client.close_streaming_session(&body).await.unwrap().into_inner();
    assert_eq!(reply.code, Some(100));
    assert!(reply.error.is_none());
    assert_parsed_example("close_streaming_session", &reply);
}

#[tokio::test]
async fn interrupt_streaming_task() {
    let h = Harness::start().await;
    call("POST", "/v1/streaming.interrupt")
        .and(body_json(json!({"session_id": SESSION_ID})))
        .respond_with(example_response("interrupt_streaming_task"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::StreamingSessionIdRequest { session_id: SESSION_ID.into() };
    let reply = h.client.interrupt_streaming_task(&body).await.unwrap().into_inner();
    assert_eq!(reply.code, Some(100));
    assert_eq!(reply.message.as_deref(), Some("success"));
    assert_parsed_example("interrupt_streaming_task", &reply);
}

#[tokio::test]
async fn create_streaming_session_token() {
    let h = Harness::start().await;
    call("POST", "/v1/streaming.create_token")
        .respond_with(example_response("create_streaming_session_token"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.create_streaming_session_token().await.unwrap().into_inner();
    assert!(reply.error.is_none());
    assert_eq!(reply.data.token, "NjQ0ZDFhYjI5ZTQ4NDJkYmEzZmM3ZDFhYjI5ZTQ4NDItMTcyNjA0NTIwMA==");
    assert_parsed_example("create_streaming_session_token", &reply);
    let sent = &h.api.received_requests().await.unwrap()[0];
    assert!(sent.body.is_empty(), "the operation declares no request body");
}

#[tokio::test]
async fn list_streaming_avatars() {
    let h = Harness::start().await;
    call("GET", "/v1/streaming/avatar.list")
        .respond_with(example_response("list_streaming_avatars"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.list_streaming_avatars().await.unwrap().into_inner();
    assert_eq!(reply.data.len(), 2);
    assert_eq!(reply.data[0].default_voice.as_deref(), Some("26b2064088674c80b1e5fc5ab1a068ea"));
    assert_eq!(reply.data[1].default_voice, None);
    assert_eq!(reply.data[1].is_public, Some(false));
    assert_parsed_example("list_streaming_avatars", &reply);
}

#[tokio::test]
async fn keep_streaming_session_alive() {
    let h = Harness::start().await;
    call("POST", "/v1/streaming.keep_alive")
        .and(body_json(json!({"session_id": SESSION_ID})))
        .respond_with(example_response("keep_streaming_session_alive"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::StreamingSessionIdRequest { session_id: SESSION_ID.into() };
    let reply = h.client.keep_streaming_session_alive(&body).await.unwrap().into_inner();
    assert_eq!(reply.code, 100);
    assert!(reply.data.is_none());
    assert_parsed_example("keep_streaming_session_alive", &reply);
}

// ---------------------------------------------------------------------------------------------
// Streaming Knowledge Base
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_knowledge_bases() {
    let h = Harness::start().await;
    call("GET", "/v1/streaming/knowledge_base/list")
        .respond_with(example_response("list_knowledge_bases"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.list_knowledge_bases().await.unwrap().into_inner();
    let kb = &reply.data.list[0];
    assert_eq!(kb.id, "1f2e3d4c5b6a47988776655443322110");
    assert_eq!(kb.name.as_deref(), Some("Support desk"));
    assert_eq!(kb.created_ts, Some(json!(1726045200)));
    assert_parsed_example("list_knowledge_bases", &reply);
}

#[tokio::test]
async fn create_knowledge_base() {
    let h = Harness::start().await;
    call("POST", "/v1/streaming/knowledge_base/create")
        .and(body_json(json!({
            "name": "Support desk",
            "opening": "Hi, I'm the support assistant. How can I help?",
            "prompt": "You answer questions about our product politely and briefly."
        })))
        .respond_with(example_response("create_knowledge_base"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::CreateKnowledgeBaseRequest {
        name: "Support desk".into(),
        opening: Some("Hi, I'm the support assistant. How can I help?".into()),
        prompt: Some("You answer questions about our product politely and briefly.".into()),
    };
    let reply = h.client.create_knowledge_base(&body).await.unwrap().into_inner();
    assert_eq!(reply.code, Some(100));
    assert_eq!(reply.data.as_ref().and_then(|d| d.id.as_deref()), Some("1f2e3d4c5b6a47988776655443322110"));
    assert_eq!(reply.message.as_deref(), Some("success"));
    assert_parsed_example("create_knowledge_base", &reply);
}

#[tokio::test]
async fn update_knowledge_base() {
    let h = Harness::start().await;
    // The id carries a `/`, which must travel percent-encoded inside its path segment.
    call("POST", "/v1/streaming/knowledge_base/kb%2F1f2e3d4c5b6a47988776655443322110")
        .and(body_json(json!({
            "name": "Support desk",
            "prompt": "You answer questions about our product politely, briefly and in English."
        })))
        .respond_with(example_response("update_knowledge_base"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::UpdateKnowledgeBaseRequest {
        name: Some("Support desk".into()),
        opening: None,
        prompt: Some("You answer questions about our product politely, briefly and in English.".into()),
    };
    let reply =
        h.client.update_knowledge_base("kb/1f2e3d4c5b6a47988776655443322110", &body).await.unwrap().into_inner();
    assert_eq!(reply.code, Some(100));
    assert!(reply.data.is_none());
    assert_parsed_example("update_knowledge_base", &reply);
}

#[tokio::test]
async fn delete_knowledge_base() {
    let h = Harness::start().await;
    call("POST", "/v1/streaming/knowledge_base/1f2e3d4c5b6a47988776655443322110/delete")
        .respond_with(example_response("delete_knowledge_base"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.delete_knowledge_base("1f2e3d4c5b6a47988776655443322110").await.unwrap().into_inner();
    assert_eq!(reply.code, Some(100));
    assert_eq!(reply.message.as_deref(), Some("success"));
    assert_parsed_example("delete_knowledge_base", &reply);
}

// ---------------------------------------------------------------------------------------------
// Webhooks
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_webhook_endpoints() {
    let h = Harness::start().await;
    call("GET", "/v1/webhook/endpoint.list")
        .respond_with(example_response("list_webhook_endpoints"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.list_webhook_endpoints().await.unwrap().into_inner();
    let endpoint = &reply.data[0];
    assert_eq!(endpoint.endpoint_id, "bc107bc9f1d444ad9245f99858e236f0");
    assert_eq!(endpoint.events, None, "null means every event");
    assert_eq!(endpoint.status.as_deref(), Some("enabled"));
    assert_parsed_example("list_webhook_endpoints", &reply);
}

#[tokio::test]
async fn create_webhook_endpoint() {
    let h = Harness::start().await;
    call("POST", "/v1/webhook/endpoint.add")
        .and(body_json(json!({
            "url": "https://example.com/heygen/webhook",
            "events": ["avatar_video.success", "avatar_video.fail"]
        })))
        .respond_with(example_response("create_webhook_endpoint"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::CreateWebhookEndpointRequest {
        url: "https://example.com/heygen/webhook".into(),
        events: Some(vec!["avatar_video.success".into(), "avatar_video.fail".into()]),
        entity_id: None,
    };
    let reply = h.client.create_webhook_endpoint(&body).await.unwrap().into_inner();
    assert_eq!(reply.data.endpoint_id, "7d2e4f6a8b0c4d1e9f3a5b7c9d1e3f5a");
    assert_eq!(reply.data.events.as_deref().map(<[String]>::len), Some(2));
    assert_eq!(reply.data.secret.as_deref(), Some("9Qz1c_TS_Ab3kLmN-OpQrStUvWx=="));
    assert_parsed_example("create_webhook_endpoint", &reply);
}

#[tokio::test]
async fn update_webhook_endpoint() {
    let h = Harness::start().await;
    // Leaving `events` out keeps the endpoint's current list.
    call("PATCH", "/v1/webhook/endpoint.update")
        .and(body_json(json!({
            "endpoint_id": "7d2e4f6a8b0c4d1e9f3a5b7c9d1e3f5a",
            "url": "https://example.com/heygen/webhook-v2"
        })))
        .respond_with(example_response("update_webhook_endpoint"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::UpdateWebhookEndpointRequest {
        endpoint_id: "7d2e4f6a8b0c4d1e9f3a5b7c9d1e3f5a".into(),
        url: Some("https://example.com/heygen/webhook-v2".into()),
        events: None,
    };
    let reply = h.client.update_webhook_endpoint(&body).await.unwrap().into_inner();
    let endpoint = reply.data.as_ref().expect("the example carries the endpoint");
    assert_eq!(endpoint.url, "https://example.com/heygen/webhook-v2");
    assert_eq!(endpoint.events, None);
    assert_parsed_example("update_webhook_endpoint", &reply);
}

#[tokio::test]
async fn delete_webhook_endpoint() {
    let h = Harness::start().await;
    call("DELETE", "/v1/webhook/endpoint.delete")
        .and(query_param("endpoint_id", "7d2e4f6a8b0c4d1e9f3a5b7c9d1e3f5a"))
        .respond_with(example_response("delete_webhook_endpoint"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.delete_webhook_endpoint("7d2e4f6a8b0c4d1e9f3a5b7c9d1e3f5a").await.unwrap().into_inner();
    assert_eq!(reply.code, Some(100));
    assert!(reply.data.is_none());
    assert_parsed_example("delete_webhook_endpoint", &reply);
}

#[tokio::test]
async fn list_webhook_event_types() {
    let h = Harness::start().await;
    call("GET", "/v1/webhook/webhook.list")
        .respond_with(example_response("list_webhook_event_types"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.list_webhook_event_types().await.unwrap().into_inner();
    assert_eq!(reply.code, 100);
    assert_eq!(reply.data.len(), 7);
    assert!(reply.data.iter().any(|t| t == "personalized_video"));
    assert_parsed_example("list_webhook_event_types", &reply);
}
