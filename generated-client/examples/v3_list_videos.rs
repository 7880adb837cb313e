//! `v3_list_videos`: prints the id and status of every video in the account with HeyGen's v3
//! API, one page at a time.

mod common;

use futures_util::TryStreamExt;
use heygen_client as v3;

fn main() -> std::process::ExitCode {
    common::main("v3_list_videos", 0, |client, _| async move { run(&client).await })
}

pub async fn run(client: &v3::Client) -> common::Outcome {
    let mut lines = Vec::new();
    // Pages are fetched as the stream is read, so the first videos print before the last page.
    let mut videos = client.list_videos_stream(v3::params::ListVideosParams { limit: Some(100), ..Default::default() });
    while let Some(video) = videos.try_next().await? {
        lines.push(format!("{} {}", video.id, video.status));
    }
    eprintln!("{} videos", lines.len());
    Ok(lines)
}
