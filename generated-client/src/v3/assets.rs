//! Building the file inputs v3 operations take: a URL HeyGen downloads, the id of an uploaded
//! asset, or the bytes inline as base64.

use std::path::Path;

use base64::Engine as _;
use tokio::io::AsyncReadExt as _;

use super::types::{AssetBase64, AssetId, AssetInput, AssetUrl, RemoteAssetId, RemoteAssetInput, RemoteAssetUrl};
use crate::Error;

/// The largest file [`AssetInput::from_file`] inlines. HeyGen publishes no limit for inline
/// data; this is its limit for `upload_asset`, and base64 makes the request a third larger
/// still. Upload larger files and pass their id.
pub const MAX_INLINE_BYTES: u64 = 32 * 1000 * 1000;

const OPERATION: &str = "asset_input";

impl AssetInput {
    /// A file HeyGen downloads from `url` (it must be reachable from the internet).
    pub fn url(url: impl Into<String>) -> Self {
        AssetInput::Url(AssetUrl { url: url.into() })
    }

    /// An asset uploaded before, by its id (from `upload_asset_file`, `upload_asset`, or a
    /// completed direct upload).
    pub fn asset_id(asset_id: impl Into<String>) -> Self {
        AssetInput::AssetId(AssetId { asset_id: asset_id.into() })
    }

    /// `bytes` inline, base64-encoded, declared as `media_type` (such as `image/png`).
    pub fn bytes(media_type: impl Into<String>, bytes: impl AsRef<[u8]>) -> Self {
        let data = base64::engine::general_purpose::STANDARD.encode(bytes);
        AssetInput::Base64(AssetBase64 { data, media_type: media_type.into() })
    }

    /// The file at `path` inline, its media type worked out from its content (or, failing
    /// that, its extension).
    ///
    /// A file that cannot be read is [`Error::File`]; one whose type cannot be told, or larger
    /// than [`MAX_INLINE_BYTES`], is [`Error::InvalidRequest`]: upload those and use
    /// [`AssetInput::asset_id`], or name the type with [`AssetInput::bytes`].
    pub async fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let bytes = read_at_most(path, MAX_INLINE_BYTES).await?;
        let media_type = media_type(&bytes, Some(path)).ok_or_else(|| Error::InvalidRequest {
            operation: OPERATION,
            message: format!("cannot tell the media type of {}; name it with AssetInput::bytes", path.display()),
        })?;
        Ok(AssetInput::bytes(media_type, bytes))
    }
}

impl RemoteAssetInput {
    /// A file HeyGen downloads from `url`.
    pub fn url(url: impl Into<String>) -> Self {
        RemoteAssetInput::Url(RemoteAssetUrl { url: url.into() })
    }

    /// An asset uploaded before, by its id.
    pub fn asset_id(asset_id: impl Into<String>) -> Self {
        RemoteAssetInput::AssetId(RemoteAssetId { asset_id: asset_id.into() })
    }
}

impl From<RemoteAssetInput> for AssetInput {
    /// The same file, for operations that also take inline data.
    fn from(input: RemoteAssetInput) -> Self {
        match input {
            RemoteAssetInput::Url(RemoteAssetUrl { url }) => AssetInput::Url(AssetUrl { url }),
            RemoteAssetInput::AssetId(RemoteAssetId { asset_id }) => AssetInput::AssetId(AssetId { asset_id }),
            RemoteAssetInput::Unknown(value) => AssetInput::Unknown(value),
        }
    }
}

/// The media type of a file: from its first bytes, else from `file_name`'s extension.
pub(crate) fn media_type(head: &[u8], file_name: Option<&Path>) -> Option<String> {
    let from_content = infer::get(head).map(|kind| kind.mime_type());
    let from_name = || file_name.and_then(|name| mime_guess::from_path(name).first_raw());
    from_content.or_else(from_name).map(str::to_owned)
}

/// The whole file, refused before reading when it is larger than `limit` (and cut off should it
/// grow while being read).
async fn read_at_most(path: &Path, limit: u64) -> Result<Vec<u8>, Error> {
    let file_error = |source| Error::File { operation: OPERATION, path: path.to_owned(), source };
    let file = tokio::fs::File::open(path).await.map_err(file_error)?;
    let size = file.metadata().await.map_err(file_error)?.len();
    let too_large = |size: u64| Error::InvalidRequest {
        operation: OPERATION,
        message: format!(
            "{} has {size} bytes, more than the {limit} sent inline; upload it and use AssetInput::asset_id",
            path.display()
        ),
    };
    if size > limit {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1).read_to_end(&mut bytes).await.map_err(file_error)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}
