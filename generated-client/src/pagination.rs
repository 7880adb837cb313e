//! Cursor pagination as a lazy `Stream` of items; the generated `<operation>_stream` methods
//! call [`by_cursor`] with a closure that fetches one page.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

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
    let paging = Paging { fetch, next: Some(None), failure: None, seen: HashSet::new(), pages: 0, empty_in_a_row: 0 };
    Paged { paging, items: Vec::new().into_iter(), fetching: None }
}

/// The stream [`by_cursor`] returns: the current page's items, handed out one by one straight
/// from the page (each item is moved once on its way to the caller, not through a chain of
/// stream adapters), and the fetch of the next page once they are used up.
struct Paged<T, F, Fut> {
    paging: Paging<F>,
    items: std::vec::IntoIter<T>,
    fetching: Option<Pin<Box<Fut>>>,
}

// No field is ever pinned in place: the fetch in flight is boxed, the rest is moved freely.
impl<T, F, Fut> Unpin for Paged<T, F, Fut> {}

impl<T, C, F, Fut> Stream for Paged<T, F, Fut>
where
    C: Into<NextPage>,
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, C), Error>>,
{
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.items.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(fetching) = &mut this.fetching {
                let page = std::task::ready!(fetching.as_mut().poll(cx));
                this.fetching = None;
                match page {
                    Ok((items, following)) => {
                        this.paging.turn(items.is_empty(), following);
                        this.items = items.into_iter();
                    }
                    // An error is yielded once and ends the stream.
                    Err(error) => {
                        this.paging.next = None;
                        return Poll::Ready(Some(Err(error)));
                    }
                }
                continue;
            }
            if let Some(failure) = this.paging.failure.take() {
                this.paging.next = None;
                return Poll::Ready(Some(Err(failure)));
            }
            let Some(cursor) = this.paging.next.take() else { return Poll::Ready(None) };
            this.fetching = Some(Box::pin((this.paging.fetch)(cursor)));
        }
    }
}

impl<F> Paging<F> {
    /// Takes in what a page said about the next one: where the stream goes from here.
    fn turn<C: Into<NextPage>>(&mut self, empty: bool, following: C) {
        self.pages += 1;
        self.empty_in_a_row = if empty { self.empty_in_a_row + 1 } else { 0 };
        let following = match following.into() {
            NextPage::Cursor(cursor) => cursor,
            // This page's items come first; the error after them.
            NextPage::Incomplete(operation) => {
                self.failure = Some(Error::IncompletePages { operation });
                None
            }
        };
        self.next = match following.filter(|c| !c.is_empty()) {
            None => None,
            Some(cursor) if !self.seen.insert(cursor.clone()) => {
                tracing::warn!(pages = self.pages, "the server sent a cursor already followed; the list ends here");
                None
            }
            Some(_) if self.empty_in_a_row >= MAX_EMPTY_PAGES => {
                tracing::warn!(pages = self.pages, "{MAX_EMPTY_PAGES} empty pages in a row; the list ends here");
                None
            }
            Some(_) if self.pages >= MAX_PAGES => {
                tracing::warn!("{MAX_PAGES} pages fetched; the list ends here");
                None
            }
            Some(cursor) => Some(Some(cursor)),
        };
    }
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
