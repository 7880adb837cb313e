//! Memory under a 200 MB direct upload, measured from the outside: a counting global allocator
//! records the peak of live heap bytes while the file is hashed and streamed to a fake
//! presigned host. The fake (API and storage in one, on 127.0.0.1) drains the `PUT` through a
//! fixed buffer, so its own allocations stay small too. Its own test binary, so that no other
//! test's allocations blur the peak.

use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use heygen_client::Client;
use heygen_client::v3::DirectUploadOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::{LIVE, PEAK};

const FILE_SIZE: u64 = 200 * 1024 * 1024;

/// What the fake storage host received.
#[derive(Default)]
struct Stored {
    bytes: u64,
    /// Every byte was the file's (checked against its pattern, cheaper than hashing it again).
    intact: bool,
    /// The checksum the client declared when it reserved the upload.
    declared_sha256: Option<String>,
    api_key_seen: bool,
}

/// The file's byte at `offset`.
fn pattern(offset: u64) -> u8 {
    (offset % 251) as u8
}

/// One request per connection: the head, then the body drained through a fixed buffer and
/// compared with the file's pattern, then a reply.
async fn serve(mut socket: TcpStream, base: String, stored: Arc<Mutex<Stored>>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 64 * 1024 || socket.read(&mut byte).await.unwrap_or(0) == 0 {
            return;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length: u64 = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut buffer = vec![0u8; 64 * 1024];
    let (mut offset, mut intact, mut small_body) = (0u64, true, Vec::new());
    while offset < length {
        let want = buffer.len().min((length - offset) as usize);
        let n = socket.read(&mut buffer[..want]).await.unwrap_or(0);
        if n == 0 {
            return;
        }
        intact &= buffer[..n].iter().zip(offset..).all(|(byte, at)| *byte == pattern(at));
        if length < 64 * 1024 {
            small_body.extend_from_slice(&buffer[..n]);
        }
        offset += n as u64;
    }
    let reply = if head.starts_with("put ") {
        let mut stored = stored.lock().unwrap();
        (stored.bytes, stored.intact) = (length, intact);
        stored.api_key_seen = head.contains("x-api-key");
        String::new()
    } else if head.starts_with("post /v3/assets/direct-uploads ") {
        let request: serde_json::Value = serde_json::from_slice(&small_body).unwrap_or_default();
        stored.lock().unwrap().declared_sha256 = request["checksum_sha256"].as_str().map(str::to_owned);
        serde_json::json!({"data": {
            "asset_id": "as_200mb",
            "upload_url": format!("{base}/bucket/as_200mb?X-Amz-Signature=sig"),
            "upload_headers": {"Content-Type": "video/mp4"},
            "expires_in_seconds": 900,
            "max_bytes": 5_000_000_000u64,
            "status": "pending_upload",
        }})
        .to_string()
    } else {
        serde_json::json!({"data": {"asset_id": "as_200mb", "url": "https://files.example/x.mp4",
            "mime_type": "video/mp4", "size_bytes": FILE_SIZE, "status": "processing"}})
        .to_string()
    };
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
        reply.len()
    );
    let _ = socket.write_all(response.as_bytes()).await;
}

#[tokio::test]
async fn a_200_mb_upload_streams_from_disk_with_bounded_memory() {
    // The file, written in 1 MiB pieces.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.mp4");
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        for start in (0..FILE_SIZE).step_by(1024 * 1024) {
            let piece: Vec<u8> = (start..start + 1024 * 1024).map(pattern).collect();
            file.write_all(&piece).unwrap();
        }
    }

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let stored = Arc::new(Mutex::new(Stored::default()));
    let (server_base, server_stored) = (base.clone(), stored.clone());
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(serve(socket, server_base.clone(), server_stored.clone()));
        }
    });
    let client = Client::builder().api_key("key").base_url(&base).max_retries(0).build().unwrap().v3();
    let options = DirectUploadOptions::default().with_checksum();

    let before = LIVE.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let upload = client.direct_upload_file(&path, &options);
    let asset = tokio::time::timeout(Duration::from_secs(120), upload).await.unwrap().unwrap();
    let over = PEAK.load(Ordering::SeqCst).saturating_sub(before);

    eprintln!("peak heap growth: {over} bytes for a {FILE_SIZE}-byte upload");
    assert_eq!(asset.asset_id, "as_200mb");
    let stored = stored.lock().unwrap();
    assert_eq!(stored.bytes, FILE_SIZE);
    assert!(stored.intact, "the file arrived as it is on disk");
    // Its value is checked on a small file in v3_uploads.rs; here, that reading for it is bounded.
    let declared = stored.declared_sha256.as_deref().unwrap_or_default();
    assert!(declared.len() == 64 && declared.bytes().all(|b| b.is_ascii_hexdigit()), "{declared:?}");
    assert!(!stored.api_key_seen, "the key went to the storage host");
    // A few chunks in flight, the HTTP stack's buffers, the fake's own: far below the file.
    assert!(over < 8 * 1024 * 1024, "peak heap grew by {over} bytes for a {FILE_SIZE}-byte file");
}
