//! `v3_create_video <avatar_id> <voice_id> <text...>`: creates a video with HeyGen's v3 API
//! from an avatar look, a voice and a script, waits for it to render and prints its URL.

mod common;

use heygen_client::WaitOptions;
use heygen_client::{self as v3, types};

fn main() -> std::process::ExitCode {
    common::main("v3_create_video <avatar_id> <voice_id> <text...>", 3, |client, args| async move {
        run(&client, &args, &common::wait_options()).await
    })
}

pub async fn run(client: &v3::Client, args: &[String], wait: &WaitOptions) -> common::Outcome {
    // One struct per kind of video (avatar, image, cinematic avatar, studio): the required
    // fields in `new`, the rest by name, and `.into()` the request.
    let body: types::CreateVideoRequest = types::CreateVideoFromAvatar {
        voice_id: Some(args[1].clone()),
        script: Some(args[2..].join(" ")),
        ..types::CreateVideoFromAvatar::new(&args[0])
    }
    .into();
    // No key given: the client makes one, so a retry after a timeout cannot render (and bill)
    // the video twice.
    let video_id = client.create_video(&body).await?.into_inner().data.video_id;
    eprintln!("created video {video_id}; waiting for it to render");
    let video = client.wait_for_video(&video_id, wait).await?;
    Ok(vec![video.video_url.ok_or("the video completed without a URL")?])
}
