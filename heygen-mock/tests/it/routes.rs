//! The fake's v3 routes are HeyGen's: each `operationId`, method and path the fake serves is
//! in `spec/heygen-v3.yaml` as written, and a path it does not serve gets HeyGen's 404.

use crate::common;

use heygen_mock::FakeHeyGen;
use yaml_rust2::{Yaml, YamlLoader};

/// `(operationId, METHOD, path)` of every operation in the v3 spec.
fn spec_operations() -> Vec<(String, String, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/heygen-v3.yaml");
    let text = std::fs::read_to_string(path).expect("the v3 spec beside the crate");
    let doc = &YamlLoader::load_from_str(&text).unwrap()[0];
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_hash().unwrap() {
        for (method, operation) in item.as_hash().unwrap() {
            if let (Yaml::String(method), Some(id)) = (method, operation["operationId"].as_str()) {
                operations.push((id.to_owned(), method.to_uppercase(), path.as_str().unwrap().to_owned()));
            }
        }
    }
    operations
}

#[test]
fn every_v3_route_of_the_fake_is_the_specs() {
    let spec = spec_operations();
    assert!(spec.len() > 80, "the spec was read");
    let served = heygen_mock::served_operations();
    let v3: Vec<_> = served.iter().filter(|(_, _, path)| path.starts_with("/v3/")).collect();
    assert!(v3.len() >= 25);
    for (id, method, path) in v3 {
        assert!(
            spec.iter().any(|(i, m, p)| i == id && m == method && p == path),
            "{id} {method} {path} is not in spec/heygen-v3.yaml"
        );
    }
}

#[tokio::test]
async fn a_path_the_fake_does_not_serve_is_heygens_404() {
    let fake = FakeHeyGen::start().await;
    let reply = common::raw_post(&fake, "/v3/avatars", None, &heygen_mock::samples::voice_clone()).await;
    assert_eq!(reply.status(), 404);
    let body = common::reported(&reply.bytes().await.unwrap());
    assert_eq!(body.code, "not_found");
    assert!(body.message.contains("/v3/avatars"));
}

/// `get_current_user` answers one made-up account whose `billing_type` names the balance that
/// is filled in, so a program's "who am I" check (the `whoami` example) runs against the fake.
#[tokio::test]
async fn the_account_behind_the_key_has_the_balance_its_billing_type_names() {
    let fake = FakeHeyGen::start().await;
    let user = fake.client().get_current_user().await.unwrap().into_inner().data;
    assert_eq!(user.billing_type, Some(heygen_mock::api::types::CurrentUserBillingType::Wallet));
    assert!(user.wallet.is_some() && user.subscription.is_none() && user.usage_based.is_none(), "{user:?}");
    assert!(user.email.is_some_and(|email| email.contains('@')));
    assert_eq!(fake.calls_to("get_current_user"), 1);
}

/// `create_speech` speaks with a voice clone of the fake once it is complete, and serves the
/// audio; a voice the fake does not hold (or not yet) is HeyGen's 404.
#[tokio::test]
async fn speech_comes_from_a_completed_voice_clone_and_its_audio_is_served() {
    use heygen_mock::api::types;
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    let clone = client.clone_voice(&heygen_mock::samples::voice_clone()).await.unwrap().into_inner().data;
    let voice_id = clone.voice_clone_id.expect("the fake names the clone");
    let speech =
        types::SpeechRequest::new("Hello there".parse::<types::SpeechRequestText>().unwrap(), voice_id.clone());
    let early = client.create_speech(&speech).await.unwrap_err();
    assert_eq!(early.status().map(|s| s.as_u16()), Some(404), "{early:?}");

    fake.advance(std::time::Duration::from_secs(60));
    let audio = client.create_speech(&speech).await.unwrap().into_inner().data;
    assert!(audio.duration > 0.0);
    let file = reqwest::get(&audio.audio_url).await.unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(Some(file.bytes().await.unwrap().to_vec()), fake.output_bytes(&audio.audio_url));

    let unknown =
        types::SpeechRequest::new("Hi".parse::<types::SpeechRequestText>().unwrap(), "voice_stock".to_owned());
    let err = client.create_speech(&unknown).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err:?}");
}
