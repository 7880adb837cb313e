//! Reading a reply: its body chunk by chunk under a limit, the part of a body an error keeps
//! (capped, secrets redacted) and its request id.

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
    Whole(Vec<u8>),
    /// Its first `limit` bytes: there was more.
    Cut(Vec<u8>),
}

/// Reads `response`'s body chunk by chunk, never holding more than `limit` bytes (nor reserving
/// more than that, whatever `Content-Length` claims).
pub(crate) async fn read_limited(mut response: Response, limit: usize) -> reqwest::Result<Body> {
    let declared = response.content_length().and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
    let mut body = Vec::with_capacity(declared.min(limit).min(1 << 20));
    while let Some(chunk) = response.chunk().await? {
        let room = limit - body.len();
        let take = chunk.len().min(room);
        if body.capacity() - body.len() < take {
            // Grow by doubling, but never past the limit.
            let wanted = (body.len() + take).max(body.capacity() * 2).min(limit);
            body.reserve_exact(wanted - body.len());
        }
        body.extend_from_slice(&chunk[..take]);
        if take < chunk.len() {
            return Ok(Body::Cut(body));
        }
    }
    Ok(Body::Whole(body))
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
