//! Memory under a 1 GiB direct upload, measured from the outside: a counting global allocator
//! records the peak of live heap bytes while the file is hashed and streamed to a fake
//! presigned host. The file is sparse (zeros, with its MiB index written at the start of every
//! MiB), so making it costs neither time nor disk, and the temporary directory is removed at
//! the end. The fake (API and storage in one, on 127.0.0.1) drains the `PUT` through a
//! fixed buffer, so its own allocations stay small too. Its own test binary (with
//! the other memory test, never at the same time), so that no other test's allocations blur the
//! peak.

use std::io::{Seek, SeekFrom, Write};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use heygen_client::DirectUploadOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::counting_alloc::{LIVE, PEAK};

const FILE_SIZE: u64 = 1024 * 1024 * 1024;
/// A mark every this many bytes.
const MIB: u64 = 1024 * 1024;

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

/// The file's byte at `offset`: the MiB's index (little-endian) in its first 8 bytes, else 0.
fn pattern(offset: u64) -> u8 {
    let within = offset % MIB;
    if within < 8 { (offset / MIB).to_le_bytes()[within as usize] } else { 0 }
}

/// Whether `chunk`, found at `offset`, is the file's: its marks byte by byte, the zeros between
/// them as whole slices (a `memcmp`, fast even in a debug build).
fn matches_file(chunk: &[u8], offset: u64) -> bool {
    static ZEROS: [u8; 64 * 1024] = [0; 64 * 1024];
    let mut at = 0;
    while at < chunk.len() {
        let position = offset + at as u64;
        if position % MIB < 8 {
            if chunk[at] != pattern(position) {
                return false;
            }
            at += 1;
            continue;
        }
        let run = ((MIB - position % MIB) as usize).min(chunk.len() - at).min(ZEROS.len());
        if chunk[at..at + run] != ZEROS[..run] {
            return false;
        }
        at += run;
    }
    true
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
        // Only the marks need a look; everything else is zero.
        intact &= matches_file(&buffer[..n], offset);
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
            "asset_id": "as_1gb",
            "upload_url": format!("{base}/bucket/as_1gb?X-Amz-Signature=sig"),
            "upload_headers": {"Content-Type": "video/mp4"},
            "expires_in_seconds": 900,
            "max_bytes": 5_000_000_000u64,
            "status": "pending_upload",
        }})
        .to_string()
    } else {
        serde_json::json!({"data": {"asset_id": "as_1gb", "url": "https://files.example/x.mp4",
            "mime_type": "video/mp4", "size_bytes": FILE_SIZE, "status": "processing"}})
        .to_string()
    };
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
        reply.len()
    );
    let _ = socket.write_all(response.as_bytes()).await;
}

#[test]
fn a_1_gb_upload_streams_from_disk_with_bounded_memory() {
    crate::alone(async {
        // The file: sparse, with a mark at the start of every MiB.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.mp4");
        {
            let mut file = std::fs::File::create(&path).unwrap();
            file.set_len(FILE_SIZE).unwrap();
            for start in (0..FILE_SIZE).step_by(MIB as usize) {
                file.seek(SeekFrom::Start(start)).unwrap();
                file.write_all(&(start / MIB).to_le_bytes()).unwrap();
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
        let client = heygen_client::Client::builder().api_key("key").base_url(&base).max_retries(0).build().unwrap();
        let options = DirectUploadOptions::default().with_checksum();

        let before = LIVE.load(Ordering::SeqCst);
        PEAK.store(before, Ordering::SeqCst);
        let upload = client.direct_upload_file(&path, &options);
        let started = std::time::Instant::now();
        let asset = tokio::time::timeout(Duration::from_secs(600), upload).await.unwrap().unwrap();
        let over = PEAK.load(Ordering::SeqCst).saturating_sub(before);

        eprintln!("peak heap growth: {over} bytes for a {FILE_SIZE}-byte upload, in {:?}", started.elapsed());
        assert_eq!(asset.asset_id, "as_1gb");
        let stored = stored.lock().unwrap();
        assert_eq!(stored.bytes, FILE_SIZE);
        assert!(stored.intact, "the file arrived as it is on disk");
        // Its value is checked on a small file in it/v3_uploads.rs; here, that reading for it is bounded.
        let declared = stored.declared_sha256.as_deref().unwrap_or_default();
        assert!(declared.len() == 64 && declared.bytes().all(|b| b.is_ascii_hexdigit()), "{declared:?}");
        assert!(!stored.api_key_seen, "the key went to the storage host");
        // A few chunks in flight, the HTTP stack's buffers, the fake's own: far below the file.
        assert!(over < 64 * 1024 * 1024, "peak heap grew by {over} bytes for a {FILE_SIZE}-byte file");
        drop(stored);
        drop(dir);
        assert!(!path.exists(), "the 1 GiB file is not kept");
    });
}
