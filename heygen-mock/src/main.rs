//! `heygen-mock`: the fake HeyGen v3 API over HTTP, for curl and for projects in other
//! languages. Its clock follows wall time.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use clap::Parser;
use heygen_mock::{FakeHeyGen, Pace, Timing};

/// Serves a fake of HeyGen's v3 API (videos, translations, lipsyncs, voice clones, background
/// removals, uploads, webhooks) in memory, until stopped.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The port to listen on (0 picks a free one, printed at start).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The address to listen on.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// Fake seconds per real second: 10 makes every job ten times faster.
    #[arg(long, default_value_t = 1.0)]
    pace: f64,
    /// Fake seconds a job spends pending.
    #[arg(long, default_value_t = 1.0)]
    pending_secs: f64,
    /// Fake seconds a job spends processing before it ends.
    #[arg(long, default_value_t = 4.0)]
    processing_secs: f64,
    /// Accept only this API key (any non-empty key by default).
    #[arg(long)]
    api_key: Option<String>,
    /// The next N jobs fail.
    #[arg(long, default_value_t = 0)]
    fail_next: u32,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    if !(args.pace.is_finite() && args.pace > 0.0) {
        return Err("--pace must be a positive number".into());
    }
    let seconds = |s: f64, flag: &str| {
        Duration::try_from_secs_f64(s).map_err(|_| format!("{flag} must be a number of seconds, 0 or more"))
    };
    let timing = Timing {
        pending: seconds(args.pending_secs, "--pending-secs")?,
        processing: seconds(args.processing_secs, "--processing-secs")?,
    };
    let mut builder = FakeHeyGen::builder()
        .addr(SocketAddr::new(args.host, args.port))
        .pace(Pace::Wall(args.pace))
        .timing(timing)
        // A person or a program in another language waits on real time, so do deliveries.
        .webhook_retries([1, 5, 30, 120].map(Duration::from_secs));
    if let Some(key) = args.api_key {
        builder = builder.api_key(key);
    }
    let fake = builder.start().await?;
    fake.fail_next(args.fail_next);
    println!("heygen-mock serving HeyGen's v3 API at {}", fake.url());
    // Serves until the process is stopped.
    std::future::pending::<()>().await;
    Ok(())
}
