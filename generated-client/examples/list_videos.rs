//! `list_videos`: prints the id of every video in the account, across all pages.

mod common;

use futures_util::TryStreamExt;
use heygen_client::Client;
use heygen_client::params::ListVideosParams;

fn main() -> std::process::ExitCode {
    common::main("list_videos", 0, |client, _| async move { run(&client).await })
}

pub async fn run(client: &Client) -> common::Outcome {
    let videos = client.list_videos_stream(ListVideosParams { limit: Some(100), ..Default::default() });
    let videos: Vec<_> = videos.try_collect().await?;
    eprintln!("{} videos", videos.len());
    Ok(videos.into_iter().map(|video| video.video_id).collect())
}
