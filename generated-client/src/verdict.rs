//! Passing a verdict through reqwest's error: the typed [`Error`] the runtime reached about a
//! reply (a redirect or a body over the limit in the `exec` hook, an envelope failure in
//! `rt::decode`) has no channel of its own back
//! through progenitor, so it travels to [`crate::finish::finish`] as the source of the
//! `reqwest::Error` that `exec` or `decode` returns (a failed body read), which progenitor hands on
//! untouched.

use std::sync::Mutex;

use crate::error::Error;

pub(crate) use bytes_carrier::carry;

/// The verdict `exec` reached, carried to [`crate::finish::finish`] as the source of the
/// `reqwest::Error` it returns. Taken out once.
#[derive(Debug)]
pub(crate) struct Verdict(pub(crate) Mutex<Option<Error>>);

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the client refused the reply")
    }
}

impl std::error::Error for Verdict {}

/// The typed error `exec` decided on, if `error` carries one.
pub(crate) fn take_verdict(error: &reqwest::Error) -> Option<Error> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if let Some(verdict) = current.downcast_ref::<Verdict>() {
            return verdict.0.lock().ok()?.take();
        }
        source = current.source();
    }
    None
}

mod bytes_carrier {
    use futures_util::stream;
    use reqwest::Response;

    /// A `reqwest::Error` whose source is the verdict `error`: a body that fails with it, read.
    pub(crate) async fn carry(error: crate::error::Error) -> reqwest::Error {
        let verdict = super::Verdict(std::sync::Mutex::new(Some(error)));
        let failing = stream::iter([Err::<Vec<u8>, _>(verdict)]);
        let mut response = Response::from(http::Response::new(reqwest::Body::wrap_stream(failing)));
        loop {
            match response.chunk().await {
                Err(error) => return error,
                // The body's only item is the error; nothing else can come first.
                Ok(_) => continue,
            }
        }
    }
}
