//! `v3_upload_large_file <path>`: uploads a file of any size with HeyGen's v3 direct upload,
//! streamed from disk with its SHA-256 checked, reporting progress on stderr, and prints the
//! asset id.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};

use heygen_client::{self as v3, DirectUploadOptions};

fn main() -> std::process::ExitCode {
    common::main("v3_upload_large_file <path>", 1, |client, args| async move { run(&client, &args).await })
}

pub async fn run(client: &v3::Client, args: &[String]) -> common::Outcome {
    // Progress comes once per 64 KiB chunk, which would flood the terminal: print once per 10 MB.
    let printed = AtomicU64::new(0);
    let options = DirectUploadOptions::default().with_checksum().on_progress(move |p| {
        let tens = p.sent / 10_000_000;
        if printed.fetch_max(tens, Ordering::Relaxed) < tens || p.sent == p.total {
            eprintln!("{} of {} MB sent", p.sent / 1_000_000, p.total / 1_000_000);
        }
    });
    let asset = client.direct_upload_file(&args[0], &options).await?;
    eprintln!("stored as {:?} ({:?} bytes, {:?})", asset.mime_type, asset.size_bytes, asset.status);
    Ok(vec![asset.asset_id])
}
