//! `create_video <avatar_id> <voice_id> <text...>`: creates an avatar video (V2), waits for it
//! and prints its URL.

mod common;

use heygen_client::{Client, WaitOptions, types};
use serde_json::json;

fn main() -> std::process::ExitCode {
    common::main("create_video <avatar_id> <voice_id> <text...>", 3, |client, args| async move {
        run(&client, &args, &common::wait_options()).await
    })
}

pub async fn run(client: &Client, args: &[String], wait: &WaitOptions) -> common::Outcome {
    // Request types are plain serde types: build them in code, or from JSON like this.
    let body: types::CreateAvatarVideoV2Request = serde_json::from_value(json!({
        "video_inputs": [{
            "character": {"type": "avatar", "avatar_id": args[0]},
            "voice": {"type": "text", "voice_id": args[1], "input_text": args[2..].join(" ")}
        }]
    }))?;
    let video_id = client.create_avatar_video_v2(&body).await?.into_inner().data.video_id;
    eprintln!("created video {video_id}; waiting for it to render");
    let video = client.wait_for_video(&video_id, wait).await?;
    Ok(vec![video.video_url.ok_or("the video completed without a URL")?])
}
