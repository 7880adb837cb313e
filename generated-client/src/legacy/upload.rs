//! Uploading an asset from a file or from bytes, with its `Content-Type` worked out from the
//! content (or, failing that, the file name) and checked before anything is sent.

// These helpers serve the legacy client, whose methods are deprecated in favour of v3.
#![allow(deprecated)]

use std::path::Path;

use crate::legacy::{Client, types};
use crate::{Error, ResponseValue};

const OPERATION: &str = "upload_asset";

impl Client {
    /// Uploads the file at `path` to the upload host (see [`Client::upload_asset`]).
    ///
    /// The type comes from the file's content, or from its extension when the content does not
    /// tell. An unreadable file ([`Error::File`]) or one HeyGen does not take
    /// ([`Error::InvalidRequest`]) fails before any request is sent.
    pub async fn upload_asset_file(
        &self,
        path: impl AsRef<Path>,
    ) -> Result<ResponseValue<types::UploadAssetResponse>, Error> {
        let path = path.as_ref();
        let bytes = tokio::fs::read(path).await.map_err(|source| Error::File {
            operation: OPERATION,
            path: path.to_owned(),
            source,
        })?;
        let content_type = asset_content_type(&bytes, Some(path))?;
        self.upload_asset(content_type, bytes).await
    }

    /// Uploads `bytes`; `file_name`, when given, is used for the type if the content does not
    /// tell it.
    pub async fn upload_asset_bytes(
        &self,
        bytes: impl Into<Vec<u8>>,
        file_name: Option<&str>,
    ) -> Result<ResponseValue<types::UploadAssetResponse>, Error> {
        let bytes = bytes.into();
        let content_type = asset_content_type(&bytes, file_name.map(Path::new))?;
        self.upload_asset(content_type, bytes).await
    }
}

/// The upload `Content-Type` for `bytes`: from their content, else from `file_name`'s extension.
pub fn asset_content_type(bytes: &[u8], file_name: Option<&Path>) -> Result<types::AssetContentType, Error> {
    let from_content = infer::get(bytes).map(|kind| kind.mime_type());
    let from_name = file_name.and_then(|name| mime_guess::from_path(name).first_raw());
    // Parsing keeps unknown values (open enum); only the listed formats are accepted.
    let accepted = |mime: &str| {
        mime.parse::<types::AssetContentType>().ok().filter(|t| !matches!(t, types::AssetContentType::Unknown(_)))
    };
    from_content.and_then(accepted).or_else(|| from_name.and_then(accepted)).ok_or_else(|| {
        let what = from_content.or(from_name).unwrap_or("unknown");
        let name = file_name.map(|n| format!("{} ", n.display())).unwrap_or_default();
        Error::InvalidRequest {
            operation: OPERATION,
            message: format!(
                "{name}is not a file HeyGen takes (found {what}; it takes PNG and JPEG images, MP3 audio, MP4 and WebM video)"
            ),
        }
    })
}
