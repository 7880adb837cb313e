//! The v3 file input union, built from a URL, an asset id, bytes or a file.

use heygen_client::Error;
use heygen_client::MAX_INLINE_BYTES;
use heygen_client::types::{AssetInput, RemoteAssetInput};
use serde_json::json;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

#[test]
fn each_kind_serializes_as_heygen_reads_it() {
    let url = serde_json::to_value(AssetInput::url("https://example.com/a.png")).unwrap();
    assert_eq!(url, json!({"type": "url", "url": "https://example.com/a.png"}));
    let id = serde_json::to_value(AssetInput::asset_id("as_1")).unwrap();
    assert_eq!(id, json!({"type": "asset_id", "asset_id": "as_1"}));
    let inline = serde_json::to_value(AssetInput::bytes("audio/mpeg", b"ID3\x03")).unwrap();
    assert_eq!(inline, json!({"type": "base64", "media_type": "audio/mpeg", "data": "SUQzAw=="}));
    let remote = serde_json::to_value(RemoteAssetInput::asset_id("as_2")).unwrap();
    assert_eq!(remote, json!({"type": "asset_id", "asset_id": "as_2"}));
    let widened = serde_json::to_value(AssetInput::from(RemoteAssetInput::url("https://example.com/v.mp4"))).unwrap();
    assert_eq!(widened, json!({"type": "url", "url": "https://example.com/v.mp4"}));
}

#[tokio::test]
async fn a_file_is_inlined_with_the_type_its_content_shows() {
    let dir = tempfile::tempdir().unwrap();
    // The extension says JPEG; the bytes are a PNG, and the bytes win.
    let path = dir.path().join("portrait.jpg");
    std::fs::write(&path, PNG).unwrap();
    let input = AssetInput::from_file(&path).await.unwrap();
    let AssetInput::Base64(heygen_client::types::AssetBase64 { media_type, data }) = input else {
        panic!("inline data expected")
    };
    assert_eq!(media_type, "image/png");
    use base64::Engine as _;
    assert_eq!(base64::engine::general_purpose::STANDARD.decode(data).unwrap(), PNG);
}

#[tokio::test]
async fn a_text_file_takes_its_type_from_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "hello").unwrap();
    let AssetInput::Base64(heygen_client::types::AssetBase64 { media_type, .. }) =
        AssetInput::from_file(&path).await.unwrap()
    else {
        panic!()
    };
    assert_eq!(media_type, "text/plain");
}

#[tokio::test]
async fn unreadable_untyped_and_oversized_files_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = AssetInput::from_file(dir.path().join("missing.png")).await.unwrap_err();
    assert!(matches!(missing, Error::File { .. }), "{missing:?}");

    let untyped = dir.path().join("blob");
    std::fs::write(&untyped, [0u8, 1, 2, 3]).unwrap();
    let err = AssetInput::from_file(&untyped).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest { message, .. } if message.contains("media type")), "{err:?}");

    // Sparse: the size is what is checked, before anything is read.
    let large = dir.path().join("large.mp4");
    std::fs::File::create(&large).unwrap().set_len(MAX_INLINE_BYTES + 1).unwrap();
    let err = AssetInput::from_file(&large).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest { message, .. } if message.contains("asset_id")), "{err:?}");
}
