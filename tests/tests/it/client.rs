//! The hand-written layer: configuration, credentials, host routing and secret hygiene.

#![allow(deprecated)] // the streaming calls used here are deprecated upstream (replaced by LiveAvatar)

use heygen_client::legacy::{Client, types};
use heygen_client::{BuildError, Error};
use heygen_tests::{API_KEY, Harness, example_response};
use wiremock::matchers::{header, header_exists, method, path};
use wiremock::{Mock, MockServer};

const TOKEN: &str = "sess-token-93b1e0";

#[tokio::test]
async fn session_token_client_drives_a_session_with_bearer_and_no_api_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/streaming.keep_alive"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(example_response("keep_streaming_session_alive"))
        .expect(1)
        .mount(&server)
        .await;
    let client = heygen_client::Client::builder().session_token(TOKEN).base_url(server.uri()).build_legacy().unwrap();
    let body = types::StreamingSessionIdRequest { session_id: "s-1".into() };
    client.keep_streaming_session_alive(&body).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| !r.headers.contains_key("x-api-key")), "no API key is sent");
}

#[tokio::test]
async fn session_token_client_refuses_operations_that_need_the_api_key() {
    let server = MockServer::start().await;
    let client = heygen_client::Client::builder().session_token(TOKEN).base_url(server.uri()).build_legacy().unwrap();
    let err = client.get_current_user().await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { operation: "get_current_user", message } if message.contains("session token"))
    );
    assert_eq!(
        err.to_string(),
        "get_current_user: invalid request: this operation does not accept a session token; build the client with an API key"
    );
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn api_key_client_sends_no_authorization_header() {
    let h = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/user/me"))
        .and(header_exists("x-api-key"))
        .respond_with(example_response("get_current_user"))
        .expect(1)
        .mount(&h.api)
        .await;
    h.client.get_current_user().await.unwrap();
    let requests = h.api.received_requests().await.unwrap();
    assert!(!requests[0].headers.contains_key("authorization"));
    assert!(!requests[0].headers.contains_key("api-version"), "progenitor's api-version header is dropped");
}

#[test]
fn secrets_never_appear_in_debug_output() {
    let builder = heygen_client::Client::builder().api_key(API_KEY);
    let client = builder.clone().build_legacy().unwrap();
    let token_client = heygen_client::Client::builder().session_token(TOKEN).build_legacy().unwrap();
    for text in [format!("{builder:?}"), format!("{client:?}"), format!("{client:#?}"), format!("{token_client:?}")] {
        assert!(!text.contains(API_KEY) && !text.contains(TOKEN), "secret in {text}");
        assert!(text.contains("redacted"), "{text}");
    }
}

#[test]
fn build_errors_are_clear_and_keep_secrets_out() {
    assert!(matches!(heygen_client::Client::builder().build_legacy(), Err(BuildError::MissingCredentials)));
    let bad_key = "bad\nkey-4f1c9a";
    let err = heygen_client::Client::builder().api_key(bad_key).build_legacy().unwrap_err();
    assert!(matches!(err, BuildError::InvalidCredentials));
    assert!(!err.to_string().contains("4f1c9a") && !format!("{err:?}").contains("4f1c9a"));
    let err = heygen_client::Client::builder().api_key(API_KEY).base_url("api.heygen.com").build_legacy().unwrap_err();
    assert!(err.to_string().contains("invalid base URL `api.heygen.com`"), "{err}");
    let err = heygen_client::Client::builder()
        .api_key(API_KEY)
        .upload_base_url("ftp://upload.heygen.com")
        .build_legacy()
        .unwrap_err();
    assert!(err.to_string().contains("http or https"), "{err}");
}

#[tokio::test]
async fn base_urls_may_end_with_a_slash_or_carry_a_path_prefix() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/proxy/heygen/v1/user/me"))
        .respond_with(example_response("get_current_user"))
        .expect(1)
        .mount(&server)
        .await;
    let client = heygen_client::Client::builder()
        .api_key(API_KEY)
        .base_url(format!("{}/proxy/heygen/", server.uri()))
        .build_legacy()
        .unwrap();
    client.get_current_user().await.unwrap();
}

/// Set on the children of `from_env_reads_the_key_and_both_hosts` to what the child checks.
const FROM_ENV_CHILD: &str = "HEYGEN_TESTS_FROM_ENV_CHILD";

/// `from_env` reads the process's environment, which a test must not change while it shares its
/// process with other tests (`set_var` is unsound while another thread may read the
/// environment). So the calls run in children: this test binary again, with only this test
/// selected and the variables set or removed on the child alone; the parent serves the mocks
/// and checks that each child ran this test and passed.
#[tokio::test]
async fn from_env_reads_the_key_and_both_hosts() {
    match std::env::var(FROM_ENV_CHILD).as_deref() {
        Ok("with_key") => {
            let client = Client::from_env().unwrap();
            client.upload_asset(types::AssetContentType::AudioMpeg, b"ID3".to_vec()).await.unwrap();
            return;
        }
        Ok("without_key") => {
            assert!(matches!(Client::from_env(), Err(BuildError::MissingCredentials)));
            return;
        }
        _ => {}
    }
    let (api, upload) = (MockServer::start().await, MockServer::start().await);
    Mock::given(method("POST"))
        .and(path("/v1/asset"))
        .and(header("x-api-key", "env-key-1"))
        .respond_with(example_response("upload_asset"))
        .expect(1)
        .mount(&upload)
        .await;
    let hosts = [("HEYGEN_BASE_URL", api.uri()), ("HEYGEN_UPLOAD_BASE_URL", upload.uri())];
    let with_key = [("HEYGEN_API_KEY", "env-key-1".to_owned())].into_iter().chain(hosts.clone());
    run_from_env_child("with_key", with_key.collect()).await;
    run_from_env_child("without_key", hosts.into()).await;
}

/// Runs `from_env_reads_the_key_and_both_hosts` alone in a child with `FROM_ENV_CHILD` set to
/// `check`, the `HEYGEN_*` variables of this process removed and `vars` set; panics unless that
/// one test ran and passed within a minute.
async fn run_from_env_child(check: &str, vars: Vec<(&'static str, String)>) {
    // The harness's name for the test: its module path without the binary's name.
    let test = concat!(module_path!(), "::from_env_reads_the_key_and_both_hosts");
    let test = test.split_once("::").map_or(test, |(_, rest)| rest);
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command.args([test, "--exact", "--test-threads=1"]).env(FROM_ENV_CHILD, check);
    for name in ["HEYGEN_API_KEY", "HEYGEN_BASE_URL", "HEYGEN_UPLOAD_BASE_URL"] {
        command.env_remove(name);
    }
    command.envs(vars).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the {check} child did not end within a minute");
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report = format!("{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "the {check} child failed:\n{report}");
    // A wrong name would select no test, and an empty run passes.
    assert!(stdout.contains("1 passed"), "the {check} child ran no test:\n{report}");
}
