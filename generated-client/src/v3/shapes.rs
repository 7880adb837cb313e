//! Replies HeyGen documents in two shapes. Both decode into the generated types (the spec says
//! so with optional members and an untagged union); these accessors read either shape, so a
//! caller never has to know which one a given reply used.

use futures_core::Stream;

use super::types::{ListVideoTranslationLanguagesResponse, SearchSoundsResponse, Sound, SoundResults};
use super::{Client, params, types};
use crate::Error;

impl ListVideoTranslationLanguagesResponse {
    /// The language names, from `data.languages` or, when HeyGen sends them without `data`,
    /// from the top-level `languages`.
    pub fn languages(&self) -> &[String] {
        match &self.data {
            Some(data) if !data.languages.is_empty() || self.languages.is_empty() => &data.languages,
            _ => &self.languages,
        }
    }
}

impl SearchSoundsResponse {
    /// The page's tracks: `data` itself, or `data.items`.
    pub fn sounds(&self) -> &[Sound] {
        match &self.data {
            SoundResults::Array(sounds) => sounds,
            SoundResults::SoundResultsPage(page) => &page.items,
        }
    }

    /// The `token` of the next page, or `None` on the last one, from the paging fields beside
    /// `data` or inside it. As for every v3 list, a reply without `has_more` is read by its
    /// cursor alone.
    pub fn next_token(&self) -> Option<&str> {
        let (has_more, next) = match &self.data {
            SoundResults::SoundResultsPage(page) => {
                (page.has_more.or(self.has_more), page.next_token.as_deref().or(self.next_token.as_deref()))
            }
            SoundResults::Array(_) => (self.has_more, self.next_token.as_deref()),
        };
        if has_more.unwrap_or(true) { next } else { None }
    }

    fn into_page(self) -> (Vec<Sound>, Option<String>) {
        let next = self.next_token().map(str::to_owned);
        let sounds = match self.data {
            SoundResults::Array(sounds) => sounds,
            SoundResults::SoundResultsPage(page) => page.items,
        };
        (sounds, next)
    }
}

impl Client {
    /// Search background music and sound effects, as a stream of every track across all pages,
    /// whichever of its two shapes each page comes in.
    ///
    /// Pages are fetched lazily, one request per page, following `next_token`; the stream ends
    /// after the last page, and an error ends it after being yielded. When `params.token` is
    /// set, the stream starts at that cursor instead of the first page.
    ///
    /// Sends a `GET` request to `/v3/audio/sounds` for each page
    pub fn search_sounds_stream<'a>(
        &'a self,
        query: &'a types::SearchSoundsQuery,
        params: params::SearchSoundsParams<'a>,
    ) -> impl Stream<Item = Result<Sound, Error>> + Unpin + 'a {
        crate::rt::by_cursor(move |cursor: Option<String>| {
            let params = params.clone();
            async move {
                let params = params::SearchSoundsParams { token: cursor.as_deref().or(params.token), ..params };
                Ok(self.search_sounds(query, params).await?.into_inner().into_page())
            }
        })
    }
}
