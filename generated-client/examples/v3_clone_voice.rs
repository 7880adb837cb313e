//! `v3_clone_voice <recording.mp3> <name> <text...>`: clones a voice from a recording with
//! HeyGen's v3 API, waits until the clone is ready, then speaks the text with it and prints the
//! audio's URL.

mod common;

use heygen_client::WaitOptions;
use heygen_client::{self as v3, types};

fn main() -> std::process::ExitCode {
    common::main("v3_clone_voice <recording.mp3> <name> <text...>", 3, |client, args| async move {
        run(&client, &args, &common::wait_options()).await
    })
}

pub async fn run(client: &v3::Client, args: &[String], wait: &WaitOptions) -> common::Outcome {
    // The recording goes inline (base64); `AssetInput::url` or `asset_id` take one HeyGen can fetch.
    let audio = types::AssetInput::from_file(&args[0]).await?;
    // A name HeyGen's length limits refuse fails here, before anything is sent.
    let body = types::VoiceCloneRequest::new(audio, args[1].parse::<types::VoiceCloneRequestVoiceName>()?);
    let voice_id = client.clone_voice(&body).await?.into_inner().data.voice_clone_id;
    // HeyGen does not promise the id in this reply (docs/v3-required-fields.md).
    let voice_id = voice_id.ok_or("HeyGen's reply carries no voice_clone_id")?;
    eprintln!("cloning voice {voice_id}");
    // HeyGen says `complete` (not `completed`) for a ready clone; the waiter knows.
    client.wait_for_voice_clone(&voice_id, wait).await?;
    let speech = types::SpeechRequest::new(args[2..].join(" ").parse::<types::SpeechRequestText>()?, voice_id);
    Ok(vec![client.create_speech(&speech).await?.into_inner().data.audio_url])
}
