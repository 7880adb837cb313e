//! A user's test of "create a video, wait for it, receive its webhook, fetch the file", run
//! against `FakeHeyGen` instead of HeyGen: no credits, no waiting, no JSON written by hand.
//!
//! `cargo run -p heygen-mock --example video_with_webhook`

use std::time::{Duration, Instant};

use heygen_mock::api::{WaitOptions, types, webhook};
use heygen_mock::{FakeHeyGen, WebhookReceiver};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let fake = FakeHeyGen::start().await;
    // Your code would build its own client with `fake.url()` as the base URL.
    let client = fake.client();

    // Where HeyGen would deliver events: a server of the test's own.
    let receiver = WebhookReceiver::start().await;
    let endpoint =
        types::WebhookEndpointCreateRequest { url: receiver.url().to_owned(), events: None, entity_id: None };
    let endpoint = client.create_webhook_endpoint(&endpoint).await?.into_inner().data;
    let secret = endpoint.secret.ok_or("the create reply shows the secret")?;

    // Any typed request; `samples` has one of each kind.
    let request = heygen_mock::samples::avatar_video("launch");
    let video_id = client.create_video(&request).await?.into_inner().data.video_id;

    // The render takes five seconds of the fake's time; move its clock instead of waiting.
    fake.advance(Duration::from_secs(60));
    let wait = WaitOptions { interval: Duration::from_millis(5), ..WaitOptions::default() };
    let video = client.wait_for_video(&video_id, &wait).await?;

    let delivery = receiver.next(Duration::from_secs(5)).await.ok_or("no webhook arrived")?;
    let verified = webhook::verify(&delivery.headers, &delivery.body, &secret)?;
    println!("webhook {} for event {:?}", verified.event_type, verified.event_id);

    let url = video.video_url.ok_or("a completed video has a URL")?;
    let file = reqwest::get(&url).await?.bytes().await?;
    println!("video {video_id}: {} bytes from {url}", file.len());
    println!("done in {:?}", started.elapsed());
    Ok(())
}
