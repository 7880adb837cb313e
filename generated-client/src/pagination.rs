//! Cursor pagination as a lazy `Stream` of items; the generated `<operation>_stream` methods
//! call [`by_cursor`] with a closure that fetches one page.

use std::future::Future;

use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};

use crate::Error;

/// Every item of every page, fetching the next page only when the current one is used up.
/// `fetch` gets the cursor (none for the first page) and returns the page's items and the
/// next cursor. The stream ends at a missing, empty or repeated cursor; an error is yielded
/// once and ends it.
pub(crate) fn by_cursor<'a, T, F, Fut>(fetch: F) -> impl Stream<Item = Result<T, Error>> + Unpin + 'a
where
    T: 'a,
    F: FnMut(Option<String>) -> Fut + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), Error>> + 'a,
{
    // The state holds the cursor of the next page to fetch, or `None` when there is none.
    let pages = stream::try_unfold((fetch, Some(None::<String>)), |(mut fetch, next)| async move {
        let Some(cursor) = next else { return Ok::<_, Error>(None) };
        let (items, following) = fetch(cursor.clone()).await?;
        let following = following.filter(|c| !c.is_empty() && Some(c) != cursor.as_ref());
        Ok(Some((stream::iter(items).map(Ok), (fetch, following.map(Some)))))
    });
    Box::pin(pages.try_flatten())
}
