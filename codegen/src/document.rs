//! Which document: the one description of each API document the crate is generated from, and of
//! where its code goes. The generator, xtask and the tests all name a document by this type, so a
//! path or module moves in one place.

/// One of the workspace's API documents, each generated into its own module of `heygen-client`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Document {
    /// HeyGen's legacy v1/v2 API (OpenAPI 3.0.3): `heygen_client::legacy::Client`, feature `legacy`.
    Legacy,
    /// HeyGen's v3 API (HeyGen's OpenAPI 3.1 dialect): `heygen_client::Client`, the crate's front
    /// door.
    V3,
}

impl Document {
    /// Every document, in the order `cargo xtask generate` generates them.
    pub const ALL: [Document; 2] = [Document::Legacy, Document::V3];

    /// A short name for messages, snapshot names and command lines: `legacy` or `v3`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Legacy => "legacy",
            Self::V3 => "v3",
        }
    }

    /// The document, relative to the workspace root.
    pub const fn spec_path(self) -> &'static str {
        match self {
            Self::Legacy => "spec/heygen.yaml",
            Self::V3 => "spec/heygen-v3.yaml",
        }
    }

    /// The client generated from it, relative to the workspace root.
    pub const fn client_path(self) -> &'static str {
        match self {
            Self::Legacy => "generated-client/src/legacy/generated.rs",
            Self::V3 => "generated-client/src/v3/generated.rs",
        }
    }

    /// Its dispatch table from `operationId` to a typed call, for the tests crate's drivers.
    pub const fn calls_path(self) -> &'static str {
        match self {
            Self::Legacy => "tests/src/generated_calls.rs",
            Self::V3 => "tests/src/generated_calls_v3.rs",
        }
    }

    /// heygen-mock's typed stubs of its operations: v3 only (the legacy API is on its way out).
    pub const fn stubs_path(self) -> Option<&'static str> {
        match self {
            Self::Legacy => None,
            Self::V3 => Some("heygen-mock/src/stubs/generated.rs"),
        }
    }

    /// The module of `heygen-client` that exports the document's `Client` and `types`.
    pub const fn module(self) -> &'static str {
        match self {
            Self::Legacy => "heygen_client::legacy",
            Self::V3 => "heygen_client",
        }
    }
}
