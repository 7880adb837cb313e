//! Memory under a reply far larger than the body limit, measured from the outside: a counting
//! global allocator records the peak of live heap bytes while a fake server streams 200 MB.
//! Its own test binary, so that no other test's allocations blur the peak.

#[path = "support/fake.rs"]
mod fake;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use fake::{FakeServer, Reply};
use heygen_client::{Client, DEFAULT_MAX_BODY_BYTES, Error};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
            PEAK.fetch_max(live, Ordering::SeqCst);
        }
        pointer
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            if new_size >= layout.size() {
                let live = LIVE.fetch_add(new_size - layout.size(), Ordering::SeqCst) + new_size - layout.size();
                PEAK.fetch_max(live, Ordering::SeqCst);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::SeqCst);
            }
        }
        moved
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const STREAMED: usize = 200 * 1024 * 1024;

#[tokio::test]
async fn a_200_mb_reply_never_takes_more_than_the_limit() {
    let server =
        FakeServer::start(|_, _| Reply::Stream { status: 200, chunk: vec![b' '; 256 * 1024], total: STREAMED }).await;
    let client = Client::builder().api_key("key").base_url(&server.url).max_retries(0).build().unwrap();
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
}
