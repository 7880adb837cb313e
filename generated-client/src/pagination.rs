//! Cursor pagination as a lazy `Stream` of items; the generated `<operation>_stream` methods
//! call [`by_cursor`] with a closure that fetches one page.

use std::collections::HashSet;
use std::future::Future;

use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};

use crate::Error;

/// The most pages one stream fetches: a bound for a server that never stops handing out cursors.
pub(crate) const MAX_PAGES: usize = 100_000;
/// The most empty pages in a row one stream fetches: a list that keeps returning nothing with a
/// fresh cursor each time is not going anywhere.
pub(crate) const MAX_EMPTY_PAGES: usize = 16;

/// Every item of every page, fetching the next page only when the current one is used up.
/// `fetch` gets the cursor (none for the first page) and returns the page's items and the
/// next cursor. The stream ends at a missing or empty cursor, at a cursor it has already
/// followed (a cycle: each page is fetched once, so no item is repeated), after
/// `MAX_EMPTY_PAGES` empty pages in a row and after `MAX_PAGES` pages; each of the last
/// three is logged as a warning. An error is yielded once and ends it.
pub fn by_cursor<'a, T, C, F, Fut>(fetch: F) -> impl Stream<Item = Result<T, Error>> + Unpin + 'a
where
    T: 'a,
    C: Into<NextPage>,
    F: FnMut(Option<String>) -> Fut + 'a,
    Fut: Future<Output = Result<(Vec<T>, C), Error>> + 'a,
{
    let start = Paging { fetch, next: Some(None), failure: None, seen: HashSet::new(), pages: 0, empty_in_a_row: 0 };
    let pages = stream::try_unfold(start, |mut paging| async move {
        if let Some(failure) = paging.failure.take() {
            return Err(failure);
        }
        let Some(cursor) = paging.next.take() else { return Ok::<_, Error>(None) };
        let (items, following) = (paging.fetch)(cursor).await?;
        paging.pages += 1;
        paging.empty_in_a_row = if items.is_empty() { paging.empty_in_a_row + 1 } else { 0 };
        let following = match following.into() {
            NextPage::Cursor(cursor) => cursor,
            // This page's items come first; the error after them.
            NextPage::Incomplete(operation) => {
                paging.failure = Some(Error::IncompletePages { operation });
                None
            }
        };
        paging.next = match following.filter(|c| !c.is_empty()) {
            None => None,
            Some(cursor) if !paging.seen.insert(cursor.clone()) => {
                tracing::warn!(pages = paging.pages, "the server sent a cursor already followed; the list ends here");
                None
            }
            Some(_) if paging.empty_in_a_row >= MAX_EMPTY_PAGES => {
                tracing::warn!(pages = paging.pages, "{MAX_EMPTY_PAGES} empty pages in a row; the list ends here");
                None
            }
            Some(_) if paging.pages >= MAX_PAGES => {
                tracing::warn!("{MAX_PAGES} pages fetched; the list ends here");
                None
            }
            Some(cursor) => Some(Some(cursor)),
        };
        Ok(Some((stream::iter(items).map(Ok), paging)))
    });
    Box::pin(pages.try_flatten())
}

/// The cursor of the page after one that said `has_more` (when its reply has the field) and
/// gave `next` (its `next_token`): `has_more: false` ends the list whatever the cursor;
/// `has_more: true` without a cursor is [`Error::IncompletePages`] (ending silently would pass a
/// cut list off as whole); a reply without `has_more` goes on exactly when it gives a cursor.
pub fn next_cursor(operation: &'static str, has_more: Option<bool>, next: Option<String>) -> NextPage {
    let next = next.filter(|cursor| !cursor.is_empty());
    match (has_more, next) {
        (Some(false), _) => NextPage::Cursor(None),
        (Some(true), None) => NextPage::Incomplete(operation),
        (_, next) => NextPage::Cursor(next),
    }
}

/// What a page says about the next one.
pub enum NextPage {
    /// Its cursor, or none at the end of the list.
    Cursor(Option<String>),
    /// There are more pages, but no cursor to fetch them with (this operation's).
    Incomplete(&'static str),
}

impl From<Option<String>> for NextPage {
    fn from(cursor: Option<String>) -> Self {
        NextPage::Cursor(cursor)
    }
}

/// The state of one paged stream.
struct Paging<F> {
    fetch: F,
    /// The cursor of the next page to fetch (`Some(None)` for the first), or `None` at the end.
    next: Option<Option<String>>,
    /// The error that ends the stream once the current page's items are out.
    failure: Option<Error>,
    /// Every cursor followed so far.
    seen: HashSet<String>,
    pages: usize,
    empty_in_a_row: usize,
}
