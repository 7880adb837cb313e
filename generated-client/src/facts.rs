//! What the generated code tells the runtime about each operation (its host, the credentials it
//! takes, whether it may be sent twice, where its idempotency key goes), as plain types. A leaf:
//! it imports nothing from the crate, so the configuration, the hooks and the generated tables
//! can all name these types without depending on one another.

/// A host the runtime routes to. The generator maps each server of a spec to one by its host
/// name (`api.` or `upload.`), and refuses a spec with a server it cannot map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Host {
    /// The REST API.
    Api,
    /// The host that takes raw uploads.
    Upload,
}

impl Host {
    /// Every host, in the order of their discriminants.
    pub const ALL: [Host; 2] = [Host::Api, Host::Upload];
}

/// A kind of credential the runtime can attach. The generator maps each security scheme to one
/// by what it is (an `X-Api-Key` header, or an HTTP bearer token), not by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Credential {
    /// `X-Api-Key: <key>`.
    ApiKey,
    /// `Authorization: Bearer <token>`.
    Bearer,
}

/// What the runtime needs to know about one operation, generated from the spec.
#[derive(Debug)]
pub struct Operation {
    /// The `operationId`.
    pub id: &'static str,
    /// `GET`, `POST`, ...
    pub method: &'static str,
    /// The path template, such as `/v1/asset/{asset_id}/delete`.
    pub path: &'static str,
    /// The host it is sent to.
    pub host: Host,
    /// The credentials it accepts, any one of which will do.
    pub credentials: &'static [Credential],
    /// Sending it twice has the effect of sending it once, so a failed attempt may be retried
    /// even when the server may have acted on it.
    pub idempotent: bool,
    /// Where HeyGen takes an idempotency key for it: the runtime makes one per call (unless the
    /// caller gave one) and sends the same key with every retry of that call.
    pub idempotency_key: Option<IdempotencyKey>,
}

/// Where an operation's idempotency key goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdempotencyKey {
    /// The `Idempotency-Key` header.
    Header,
    /// This field of the JSON body.
    Body(&'static str),
}
