//! Renders a short avatar video and prints its URL: `heygen-consumer-check <avatar_id> <voice_id>`.
//! It is only compiled (by CI), never run: what matters is that a typical program builds against
//! the crate's public API from outside the workspace: default features (v3 only), typed
//! requests, no JSON, and no warnings (`deny(warnings)`).

#![deny(warnings)]

use std::time::Duration;

use heygen_client::{Client, Error, WaitOptions, types};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(avatar_id), Some(voice_id)) = (args.next(), args.next()) else {
        return Err("usage: heygen-consumer-check <avatar_id> <voice_id>".into());
    };
    // A caller's own HTTP client (a proxy, extra roots...); it must not follow redirects.
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let client = Client::builder().from_env().http_client(http).timeout(Duration::from_secs(60)).build()?;

    let request: types::CreateVideoRequest = types::CreateVideoFromAvatar {
        title: Some("consumer check".into()),
        voice_id: Some(voice_id),
        script: Some("Hello from Rust.".into()),
        ..types::CreateVideoFromAvatar::new(avatar_id)
    }
    .into();
    // The client sends a fresh idempotency key, the same on every retry: no second video.
    let video_id = match client.create_video(&request).await {
        Ok(reply) => reply.into_inner().data.video_id,
        Err(Error::Api(e)) if e.status == 429 => {
            return Err(format!("rate limited; retry after {:?}", e.retry_after).into());
        }
        Err(Error::Api(e)) => {
            let code = e.code.as_ref().map(ToString::to_string).unwrap_or_default();
            return Err(format!("HeyGen refused the video ({} {code}): {:?}", e.status, e.message).into());
        }
        // Whatever else went wrong, HeyGen may have made the video: the key resumes it.
        Err(other) => match other.idempotency_key() {
            Some(key) => client.with_idempotency_key(key)?.create_video(&request).await?.into_inner().data.video_id,
            None => return Err(other.into()),
        },
    };
    eprintln!("rendering {video_id}");

    let options = WaitOptions::default().on_progress(|p| eprintln!("{} after {:?}", p.status, p.elapsed));
    match client.wait_for_video(&video_id, &options).await {
        Ok(video) => println!("{}", video.video_url.as_deref().unwrap_or("(no URL)")),
        Err(Error::JobFailed { status, reason, .. }) => {
            return Err(format!("the video ended {status}: {}", reason.unwrap_or_default()).into());
        }
        Err(Error::WaitTimeout { waited, .. }) => return Err(format!("still rendering after {waited:?}").into()),
        Err(other) => return Err(other.into()),
    }
    Ok(())
}
