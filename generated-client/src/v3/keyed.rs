//! Resuming a keyed call: a handle of the v3 client whose keyed calls (the creates HeyGen
//! de-duplicates) carry one given idempotency key, and the key a helper of several steps sends its
//! create with.

use super::Client;
use crate::idempotency::{check_idempotency_key, new_idempotency_key};

impl Client {
    /// This client with `key` as the idempotency key of its keyed calls (the creates HeyGen
    /// de-duplicates), in place of a fresh key per call: the step that resumes a create whose
    /// outcome is unknown, with the key its error carried
    /// ([`Error::idempotency_key`](crate::Error::idempotency_key)):
    ///
    /// ```no_run
    /// # async fn run(client: heygen_client::Client, body: heygen_client::types::CreateVideoRequest) -> Result<(), heygen_client::Error> {
    /// match client.create_video(&body).await {
    ///     Ok(created) => println!("{:?}", created.into_inner().data.video_id),
    ///     Err(err) => match err.idempotency_key() {
    ///         // HeyGen replays the first reply to the same key for 24 hours: no second video.
    ///         Some(key) => {
    ///             let created = client.with_idempotency_key(key)?.create_video(&body).await?;
    ///             println!("{:?}", created.into_inner().data.video_id);
    ///         }
    ///         None => return Err(err),
    ///     },
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// Cheap (the connection pool is shared). HeyGen scopes a key to its endpoint, so one key
    /// serves one create per endpoint: use a new handle for each job. A key that breaks HeyGen's
    /// rule (1 to 255 characters of `A-Z a-z 0-9 _ : . -`) is
    /// [`Error::InvalidIdempotencyKey`](crate::Error::InvalidIdempotencyKey) here, before
    /// anything is sent.
    pub fn with_idempotency_key(&self, key: impl Into<String>) -> Result<Client, crate::Error> {
        let key = key.into();
        check_idempotency_key(&key)
            .map_err(|reason| crate::Error::InvalidIdempotencyKey { operation: "with_idempotency_key", reason })?;
        Ok(self.keyed(key))
    }

    /// This client with `key` (already checked, or made by [`Client::key_for_call`]) for its keyed calls.
    pub(crate) fn keyed(&self, key: String) -> Client {
        use progenitor_client::ClientInfo;
        let mut state = self.inner().clone();
        state.idempotency_key = Some(key);
        super::client_from(state, self.client().clone())
    }

    /// The key a helper of several steps sends its create with: the handle's, else a fresh one.
    /// Helpers make it before the create, so that a reply they cannot go on from still hands
    /// the caller the key that replays the create.
    pub(crate) fn key_for_call(&self, operation: &'static str) -> Result<String, crate::Error> {
        use progenitor_client::ClientInfo;
        match &self.inner().idempotency_key {
            Some(key) => Ok(key.clone()),
            None => new_idempotency_key().map_err(|message| crate::Error::InvalidRequest { operation, message }),
        }
    }
}
