//! `v3_translate_video <video_url> <language...>`: translates a video into each language with
//! HeyGen's v3 API, waits for every translation and prints their URLs.

mod common;

use heygen_client::WaitOptions;
use heygen_client::{self as v3, types};

fn main() -> std::process::ExitCode {
    common::main("v3_translate_video <video_url> <language...>", 2, |client, args| async move {
        run(&client, &args, &common::wait_options()).await
    })
}

pub async fn run(client: &v3::Client, args: &[String], wait: &WaitOptions) -> common::Outcome {
    // The required fields; the rest (captions, a title, ...) by name with `..new(...)`.
    let body = types::VideoTranslationCreateRequest::new(args[1..].to_vec(), types::RemoteAssetInput::url(&args[0]));
    // One job per language; the client's idempotency key makes a retried create safe.
    let ids = client.create_video_translation(&body).await?.into_inner().data.video_translation_ids;
    let mut lines = Vec::new();
    for id in ids {
        eprintln!("waiting for translation {id}");
        let done = client.wait_for_video_translation(&id, wait).await?;
        lines.push(done.video_url.unwrap_or_default());
    }
    Ok(lines)
}
