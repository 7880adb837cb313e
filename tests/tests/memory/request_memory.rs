//! Peak heap per request of the 1.1 MB lists of the `requests` bench (`heygen_tests::overhead`),
//! through the client and through bare reqwest: the client's within 1.2x.

use std::future::Future;
use std::sync::atomic::Ordering;

use heygen_client::legacy::types;
use heygen_tests::overhead::Cases;

use crate::counting_alloc::{LIVE, PEAK, ThisThreadOnly};

/// The most heap one call of `request` holds at once, above what was live before it: the largest
/// of three calls, after one that warms the connection and the allocator up.
async fn peak_heap<F: Future>(mut request: impl FnMut() -> F) -> usize {
    drop(request().await);
    let mut peak = 0;
    for _ in 0..3 {
        let before = LIVE.load(Ordering::SeqCst);
        PEAK.store(before, Ordering::SeqCst);
        drop(request().await);
        peak = peak.max(PEAK.load(Ordering::SeqCst) - before);
    }
    peak
}

/// Peak heap per request of the 1.1 MB lists (legacy and v3), the client's within 1.2x bare
/// reqwest's. The mock server's own allocations (it copies the reply for each request) happen on
/// its thread and are not counted.
#[test]
fn a_large_list_takes_at_most_1_2x_the_heap_of_bare_reqwest() {
    crate::alone(async {
        let cases = Cases::start(false).await;
        let _counting = ThisThreadOnly::new();
        let legacy = (
            peak_heap(|| async { cases.client.list_videos(Default::default()).await.unwrap() }).await,
            peak_heap(|| cases.bare_get::<types::VideoListResponse>("/v1/video.list")).await,
        );
        let v3 = (
            peak_heap(|| async { cases.v3.list_videos(Default::default()).await.unwrap() }).await,
            peak_heap(|| cases.bare_get::<heygen_client::types::ListVideosResponse>("/v3/videos")).await,
        );
        for (name, (client, bare)) in [("legacy list_videos", legacy), ("v3 list_videos", v3)] {
            let ratio = client as f64 / bare as f64;
            eprintln!(
                "{name}: peak heap per request {client} bytes (client), {bare} bytes (bare reqwest), {ratio:.2}x"
            );
            assert!(ratio <= 1.2, "{name}: the client's peak heap per request is {ratio:.2}x bare reqwest's");
        }
    })
}
