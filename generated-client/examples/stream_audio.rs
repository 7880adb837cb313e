//! Drives a streaming avatar with a recorded voice over HeyGen's audio-to-video WebSocket.
//!
//! ```sh
//! HEYGEN_API_KEY=... cargo run -p heygen-client --features streaming --example stream_audio -- <avatar_id> <pcm_file>
//! ```
//!
//! `<pcm_file>` is raw PCM, signed 16-bit little-endian, mono, 24 kHz, such as
//! `ffmpeg -i speech.wav -f s16le -ac 1 -ar 24000 speech.pcm`. The example creates and starts a
//! session, waits for its socket to be connected, streams the file in one-second chunks at the
//! pace it plays, prints each server event's type on stderr, waits for the
//! avatar to finish, stops the session and prints its id as the last line on stdout.
//! `HEYGEN_BASE_URL` points it at another host (a mock server, for instance).

use std::process::ExitCode;
use std::time::Duration;

use futures_util::StreamExt;
use heygen_client::legacy::Client;
use heygen_client::legacy::streaming::{
    BYTES_PER_SECOND, DEFAULT_CHUNK_BYTES, RealtimeEvents, StreamingError, StreamingSession, new_event_id,
};
use heygen_client::legacy::types::{AudioToVideoServerEvent, CreateStreamingSessionRequest};
use tokio::time::{Instant, sleep_until, timeout};

/// Audio sent ahead of real time, so the avatar never waits for the next chunk.
const LEAD: Duration = Duration::from_secs(2);
/// How long to wait for the avatar to finish once all the audio is sent, beyond its length.
const FINISH_GRACE: Duration = Duration::from_secs(30);

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(session_id) => {
            println!("{session_id}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {}", one_line(&*error));
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<String, Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(avatar_id), Some(pcm_file), None) = (args.next(), args.next(), args.next()) else {
        return Err("usage: stream_audio <avatar_id> <pcm_file>".into());
    };
    let pcm = std::fs::read(&pcm_file).map_err(|e| format!("cannot read {pcm_file}: {e}"))?;
    if pcm.is_empty() || !pcm.len().is_multiple_of(2) {
        return Err(format!("{pcm_file} is not PCM16 audio ({} bytes)", pcm.len()).into());
    }
    let client = Client::from_env()?;
    let request = CreateStreamingSessionRequest { avatar_id: Some(avatar_id), ..Default::default() };

    let session_id = StreamingSession::run(&client, request, async |session: &StreamingSession| {
        eprintln!("session {} started", session.id());
        if let Some(room) = &session.info().url {
            eprintln!("viewers join the LiveKit room {room} with the session's access_token");
        }
        let (mut speech, mut events) = session.connect().await?;
        for event in events.wait_connected().await? {
            eprintln!("event: {}", event.kind);
        }

        let utterance = new_event_id();
        let seconds = pcm.len() as f64 / BYTES_PER_SECOND as f64;
        eprintln!("streaming {seconds:.1} s of audio");
        let send = async {
            let start = Instant::now();
            for (i, chunk) in pcm.chunks(DEFAULT_CHUNK_BYTES).enumerate() {
                // Chunk i plays from second i; send it no earlier than LEAD before that.
                sleep_until((start + Duration::from_secs(i as u64)).checked_sub(LEAD).unwrap_or(start)).await;
                speech.send_audio(&utterance, chunk).await?;
            }
            speech.end_speech(&utterance).await?;
            eprintln!("all audio sent");
            Ok::<_, StreamingError>(())
        };
        let limit = Duration::from_secs_f64(seconds) + FINISH_GRACE;
        let spoken = async {
            match timeout(limit, print_until_spoken(&mut events, &utterance)).await {
                Ok(result) => result,
                Err(_) => {
                    eprintln!("warning: the avatar did not report finishing within {} s", limit.as_secs());
                    Ok(())
                }
            }
        };
        tokio::try_join!(send, spoken)?;
        speech.close().await?;
        Ok(session.id().to_owned())
    })
    .await?;
    eprintln!("session stopped");
    Ok(session_id)
}

/// Prints each event's type until the avatar has said `utterance`.
async fn print_until_spoken(events: &mut RealtimeEvents, utterance: &str) -> Result<(), StreamingError> {
    while let Some(event) = events.next().await {
        let event = event?;
        eprintln!("event: {}", event.kind);
        if matches!(&event.event, AudioToVideoServerEvent::AgentSpeakEnded { event_id, .. } if event_id == utterance) {
            return Ok(());
        }
    }
    Err(StreamingError::Closed { code: None, reason: "the socket ended before the avatar finished".into() })
}

/// The error and its causes on one line.
fn one_line(error: &dyn std::error::Error) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !line.contains(&text) {
            line = format!("{line}: {text}");
        }
        source = cause.source();
    }
    line.replace('\n', " ")
}
