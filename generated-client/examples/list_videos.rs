//! `list_videos`: prints the id of every video in the account, across all pages.

mod common;

use futures_util::TryStreamExt;
use heygen_client::Client;

fn main() -> std::process::ExitCode {
    common::main("list_videos", 0, |client, _| async move { run(&client).await })
}

pub async fn run(client: &Client) -> common::Outcome {
    let videos: Vec<_> = client.list_videos_stream(None, Some(100), None).try_collect().await?;
    eprintln!("{} videos", videos.len());
    Ok(videos.into_iter().map(|video| video.video_id).collect())
}
