//! Reading a reply: its body chunk by chunk under a limit, the part of a body an error keeps
//! (capped, secrets redacted) and its request id.

use bytes::Bytes;
use reqwest::Response;
use reqwest::header::HeaderMap;

/// How much of an unexpected body an error keeps.
pub(crate) const MAX_KEPT_BODY: usize = 64 * 1024;

/// Headers that carry a request id, in order of preference.
const REQUEST_ID_HEADERS: [&str; 3] = ["x-request-id", "request-id", "x-amzn-requestid"];

/// The reply's request id, from the first of [`REQUEST_ID_HEADERS`] it carries.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS.iter().find_map(|name| headers.get(*name)?.to_str().ok().map(str::to_owned))
}

/// The body as text, cut to [`MAX_KEPT_BODY`] bytes at a character boundary, with secrets taken
/// out by the logs' rule ([`crate::redact::redact_text`]): a reply that failed to decode may hold
/// a token, a webhook secret or a presigned URL, and a storage host's XML error echoes the
/// signed request.
pub(crate) fn kept_body(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_KEPT_BODY)]);
    crate::redact::redact_text(text.trim_end_matches('\u{FFFD}'))
}

/// A body as read.
pub(crate) enum Body {
    /// All of it.
    Whole(Bytes),
    /// Its first `limit` bytes: there was more.
    Cut(Bytes),
}

/// Reads `response`'s body chunk by chunk, never holding more than `limit` bytes (nor reserving
/// more than that, whatever `Content-Length` claims).
pub(crate) async fn read_limited(response: &mut Response, limit: usize) -> reqwest::Result<Body> {
    let declared = response.content_length().and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
    let Some(first) = response.chunk().await? else { return Ok(Body::Whole(Bytes::new())) };
    if first.len() > limit {
        return Ok(Body::Cut(first.slice(..limit)));
    }
    // Most replies arrive in one chunk: it is the body as it came, without a copy.
    let Some(mut chunk) = response.chunk().await? else { return Ok(Body::Whole(first)) };
    let mut body = Vec::with_capacity(room(declared, limit, first.len()));
    body.extend_from_slice(&first);
    drop(first);
    loop {
        let take = chunk.len().min(limit - body.len());
        if body.capacity() - body.len() < take {
            body.reserve_exact(room(declared, limit, body.len() + take) - body.len());
        }
        body.extend_from_slice(&chunk[..take]);
        if take < chunk.len() {
            return Ok(Body::Cut(body.into()));
        }
        match response.chunk().await? {
            Some(next) => chunk = next,
            None => return Ok(Body::Whole(body.into())),
        }
    }
}

/// The capacity to give a body buffer that must hold `needed` bytes: what `Content-Length`
/// declares (`declared`, 0 when it declares nothing), so that the buffer is allocated once at
/// its final size (growing a 1 MB buffer copies it), but never more than the limit, which a
/// server could as well fill. Without a declared length it doubles.
fn room(declared: usize, limit: usize, needed: usize) -> usize {
    let wanted = if declared >= needed { declared } else { needed.saturating_mul(2) };
    wanted.min(limit).max(needed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_bodies_are_capped_and_whole_characters() {
        let body = "€".repeat(MAX_KEPT_BODY);
        let kept = kept_body(body.as_bytes());
        assert!(kept.len() <= MAX_KEPT_BODY);
        assert!(!kept.contains('\u{FFFD}'), "a cut character is dropped, not replaced");
    }
}
