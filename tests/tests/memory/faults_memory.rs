//! Memory under a reply far larger than the body limit, measured from the outside: a counting
//! global allocator records the peak of live heap bytes while a fake server streams 200 MB.
//! Its own test binary (with the other memory test, never at the same time), so that no other
//! test's allocations blur the peak.

use std::sync::atomic::Ordering;
use std::time::Duration;

use heygen_client::{DEFAULT_MAX_BODY_BYTES, Error};

use crate::counting_alloc::{LIVE, PEAK};
use crate::fake::{FakeServer, Reply};

const STREAMED: usize = 200 * 1024 * 1024;

#[test]
fn a_200_mb_reply_never_takes_more_than_the_limit() {
    crate::alone(async {
        let server =
            FakeServer::start(|_, _| Reply::Stream { status: 200, chunk: vec![b' '; 256 * 1024], total: STREAMED })
                .await;
        let client = heygen_client::Client::builder()
            .api_key("key")
            .base_url(&server.url)
            .max_retries(0)
            .build_legacy()
            .unwrap();
        let before = LIVE.load(Ordering::SeqCst);
        PEAK.store(before, Ordering::SeqCst);

        let reply = tokio::time::timeout(Duration::from_secs(20), client.get_video_status("v1")).await.unwrap();
        let err = reply.unwrap_err();
        let over = PEAK.load(Ordering::SeqCst).saturating_sub(before);
        eprintln!("peak heap growth: {over} bytes (limit {DEFAULT_MAX_BODY_BYTES})");
        assert!(matches!(err, Error::BodyTooLarge { .. }), "{err:?}");
        // The body limit, plus room for the HTTP stack's buffers.
        let slack = 8 * 1024 * 1024;
        assert!(over < DEFAULT_MAX_BODY_BYTES + slack, "peak heap grew by {over} bytes for a {STREAMED}-byte reply");
    });
}
