//! `translate_video <video_url> <output_language>`: translates a video, waits for it and prints
//! the translated video's URL.

mod common;

use heygen_client::{Client, WaitOptions, types};

fn main() -> std::process::ExitCode {
    common::main("translate_video <video_url> <output_language>", 2, |client, args| async move {
        run(&client, &args, &common::wait_options()).await
    })
}

pub async fn run(client: &Client, args: &[String], wait: &WaitOptions) -> common::Outcome {
    // `new` takes the required fields; the rest are set by name, or left out.
    let body = types::TranslateVideoRequest {
        output_language: Some(args[1].clone()),
        ..types::TranslateVideoRequest::new(&args[0])
    };
    let job = client.translate_video(&body).await?.into_inner().data;
    let id = job.video_translate_id.ok_or("HeyGen returned no translation id")?;
    eprintln!("translation {id} started; waiting for it");
    let translation = client.wait_for_video_translation(&id, wait).await?;
    Ok(vec![translation.url.ok_or("the translation finished without a URL")?])
}
