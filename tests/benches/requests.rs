//! Per-request overhead of `heygen-client` against the same requests made with bare reqwest and
//! serde_json, on loopback (the cases and both sides: `heygen_tests::overhead`): small GETs, list
//! replies of about 1 MB, a POST with a nested body, a v3 create that carries an idempotency key
//! and a v3 list paged through ten pages.
//!
//! Run with `cargo bench -p heygen-tests --bench requests` (a few minutes); results are in
//! docs/benchmarks.md. With `HEYGEN_BENCH_DRIVE=<case>:<side>:<n>` set, the binary runs no
//! benchmark: it makes `n` requests of one case (`client` or `bare`) in `measured`, on one
//! thread, so that `valgrind --tool=callgrind --toggle-collect='*measured*'` counts the
//! instructions of exactly those (docs/benchmarks.md shows the command).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use criterion::Criterion;
use heygen_client as v3;
use heygen_client::legacy::types;
use heygen_tests::overhead::{Cases, bare};

/// The cases, by the name the driver takes: (name, criterion group).
const CASES: [(&str, &str); 7] = [
    ("small-get", "small GET (get_current_user)"),
    ("list", "1 MB list (list_videos)"),
    ("post", "nested POST (create_avatar_video_v2)"),
    ("v3-create", "v3 create with an idempotency key (create_video)"),
    ("v3-small-get", "v3 small GET (get_current_user)"),
    ("v3-list", "v3 1 MB list (list_videos)"),
    ("v3-pages", "v3 stream of 10 pages (list_videos_stream)"),
];

type Request<'a> = Pin<Box<dyn Future<Output = ()> + 'a>>;

/// One request of `case` through the client (`client`) or bare reqwest; the replies are
/// decoded and dropped.
fn request<'a>(cases: &'a Cases, case: &str, client: bool) -> Request<'a> {
    match (case, client) {
        ("small-get", true) => Box::pin(async { drop(cases.client.get_current_user().await.unwrap()) }),
        ("small-get", false) => {
            Box::pin(async { drop(cases.bare_get::<types::CurrentUserResponse>("/v1/user/me").await) })
        }
        ("list", true) => Box::pin(async { drop(cases.client.list_videos(Default::default()).await.unwrap()) }),
        ("list", false) => Box::pin(async { drop(cases.bare_get::<types::VideoListResponse>("/v1/video.list").await) }),
        ("post", true) => {
            Box::pin(async { drop(cases.client.create_avatar_video_v2(&cases.create_body).await.unwrap()) })
        }
        ("post", false) => Box::pin(async {
            let request = cases.bare.post(format!("{}/v2/video/generate", cases.server.uri())).json(&cases.create_body);
            drop(bare::<types::VideoIdV2Response>(request).await)
        }),
        ("v3-create", true) => Box::pin(async { drop(cases.v3.create_video(&cases.v3_create_body).await.unwrap()) }),
        ("v3-create", false) => Box::pin(async {
            let request = cases
                .bare
                .post(format!("{}/v3/videos", cases.server.uri()))
                .header("idempotency-key", idempotency_key())
                .json(&cases.v3_create_body);
            drop(bare::<v3::types::CreateVideoResponse>(request).await)
        }),
        ("v3-small-get", true) => Box::pin(async { drop(cases.v3.get_current_user().await.unwrap()) }),
        ("v3-small-get", false) => {
            Box::pin(async { drop(cases.bare_get::<v3::types::GetCurrentUserResponse>("/v3/users/me").await) })
        }
        ("v3-list", true) => Box::pin(async { drop(cases.v3.list_videos(Default::default()).await.unwrap()) }),
        ("v3-list", false) => {
            Box::pin(async { drop(cases.bare_get::<v3::types::ListVideosResponse>("/v3/videos").await) })
        }
        ("v3-pages", true) => Box::pin(async { drop(cases.client_pages().await) }),
        ("v3-pages", false) => Box::pin(async { drop(cases.bare_pages().await) }),
        _ => panic!("no case {case}; the cases are {:?}", CASES.map(|(name, _)| name)),
    }
}

/// A fresh random (version 4) UUID, the idempotency key a bare-reqwest caller would send, so
/// that the bare side also makes one per call and sends a header of the same size.
fn idempotency_key() -> String {
    let n = fastrand::u128(..);
    let variant = 0x8000 | ((n >> 52) & 0x3fff);
    format!(
        "{:08x}-{:04x}-4{:03x}-{variant:04x}-{:012x}",
        n >> 96,
        (n >> 80) & 0xffff,
        (n >> 68) & 0xfff,
        n & 0xffff_ffff_ffff
    )
}

fn benchmarks(c: &mut Criterion) {
    // The client side on one thread, as in the instruction-count driver: the mock server has
    // its own (wiremock's), so no request waits on a wake-up from another worker thread, which
    // on two cores swung the same comparison by more than 30% between runs.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let cases = runtime.block_on(Cases::start(false));
    for (case, title) in CASES {
        let mut group = c.benchmark_group(title);
        // The large cases take milliseconds each: fewer samples keep the whole run to minutes.
        if matches!(case, "list" | "v3-list" | "v3-pages") {
            group.sample_size(30);
        }
        for (side, client) in [("heygen-client", true), ("bare reqwest", false)] {
            group.bench_function(side, |b| b.to_async(&runtime).iter(|| request(&cases, case, client)));
        }
        group.finish();
    }
}

/// `n` requests of one case, on the calling thread: the function callgrind collects in.
#[inline(never)]
fn measured(runtime: &tokio::runtime::Runtime, cases: &Cases, case: &str, client: bool, n: usize) {
    runtime.block_on(async {
        for _ in 0..n {
            request(cases, case, client).await;
        }
    });
}

/// The instruction-count driver (see the module docs).
fn drive(spec: &str) {
    let parts: Vec<&str> = spec.split(':').collect();
    let [case, side, n] = parts[..] else { panic!("HEYGEN_BENCH_DRIVE is <case>:<client|bare>:<n>, not {spec}") };
    let client = match side {
        "client" => true,
        "bare" => false,
        _ => panic!("the side is `client` or `bare`, not {side}"),
    };
    let n: usize = n.parse().expect("a number of requests");
    // One thread for the client side; the mock server runs on its own thread (wiremock's).
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let cases = runtime.block_on(Cases::start(false));
    // Warm up (the connection, the callsites' interest, the allocator), outside `measured`: one
    // `block_on` per request, so that the compiler cannot fold this loop into `measured` itself.
    for _ in 0..3 {
        runtime.block_on(request(&cases, case, client));
    }
    measured(&runtime, &cases, case, client, n);
}

fn main() {
    if let Ok(spec) = std::env::var("HEYGEN_BENCH_DRIVE") {
        drive(&spec);
        return;
    }
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    benchmarks(&mut criterion);
    criterion.final_summary();
}
