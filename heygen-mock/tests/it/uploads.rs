//! Uploads: the multipart `upload_asset`, and the direct upload whose presigned `PUT` the fake
//! serves itself, checking what storage checks (the URL's credential, the signed type, the size,
//! the SHA-256), then `complete_asset_upload`.

use crate::common;

use std::num::NonZeroU64;

use heygen_mock::FakeHeyGen;
use heygen_mock::api::{DirectUploadOptions, types};
use sha2::{Digest as _, Sha256};

/// A file of `len` bytes in the temp directory, removed on drop.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> Self {
        let path = std::env::temp_dir().join(format!("heygen-mock-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn content(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 251) as u8).collect()
}

#[tokio::test]
async fn a_direct_upload_with_its_checksum_lands_on_the_fake_and_completes() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    let bytes = content(300_000);
    let file = TempFile::new("clip.mp4", &bytes);
    let mut options = DirectUploadOptions::default().with_checksum();
    options.content_type = Some("video/mp4".into());
    let uploaded = client.direct_upload_file(&file.0, &options).await.unwrap();
    assert_eq!((uploaded.size_bytes, uploaded.mime_type.as_deref().unwrap()), (Some(300_000), "video/mp4"));
    assert_eq!(
        ["create_asset_upload", "put_asset_upload", "complete_asset_upload"].map(|op| fake.calls_to(op)),
        [1, 1, 1]
    );

    let asset = client.get_asset(&uploaded.asset_id).await.unwrap().into_inner().data;
    assert_eq!(asset.url.as_deref(), uploaded.url.as_deref());
    let stored = reqwest::get(uploaded.url.as_deref().unwrap()).await.unwrap().bytes().await.unwrap();
    assert_eq!(stored.to_vec(), bytes);
}

#[tokio::test]
async fn a_small_file_goes_up_in_one_multipart_request() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    let png = [b"\x89PNG\r\n\x1a\n".as_slice(), &content(5_000)].concat();
    let uploaded = client.upload_asset_bytes(png.clone(), "face.png").await.unwrap();
    assert_eq!((uploaded.mime_type.as_deref().unwrap(), uploaded.size_bytes), ("image/png", Some(png.len() as i64)));
    assert_eq!(fake.calls_to("upload_asset"), 1);
    let stored = reqwest::get(uploaded.url.as_deref().unwrap()).await.unwrap().bytes().await.unwrap();
    assert_eq!(stored.to_vec(), png);
}

#[tokio::test]
async fn the_presigned_put_and_complete_refuse_what_storage_and_heygen_refuse() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    let bytes = content(1_000);
    let request = types::CreateAssetUploadRequest {
        filename: "clip.mp4".into(),
        content_type: "video/mp4".into(),
        size_bytes: NonZeroU64::new(1_000).unwrap(),
        checksum_sha256: None,
    };
    let slot = common::create_asset_upload(&client, &request).await;
    let http = reqwest::Client::new();
    let put = |url: String, content_type: &'static str, body: Vec<u8>| {
        let http = http.clone();
        async move { http.put(url).header("content-type", content_type).body(body).send().await.unwrap().status() }
    };
    let complete = |checksum: Option<String>| {
        let client = client.clone();
        let asset_id = slot.asset_id.clone().unwrap();
        async move {
            let body = types::CompleteAssetUploadRequest { checksum_sha256: checksum };
            client.complete_asset_upload(&asset_id, &body).await
        }
    };

    let unsigned = slot.upload_url.as_deref().unwrap().split('?').next().unwrap().to_owned();
    assert_eq!(put(unsigned, "video/mp4", bytes.clone()).await, 403, "the URL's credential is checked");
    assert_eq!(
        put(slot.upload_url.clone().unwrap(), "image/png", bytes.clone()).await,
        403,
        "the signed type is checked"
    );
    assert_eq!(
        put(slot.upload_url.clone().unwrap(), "video/mp4", bytes[..999].to_vec()).await,
        400,
        "the size is checked"
    );
    let early = complete(None).await.unwrap_err();
    assert_eq!(common::error_body(&early).code, "invalid_parameter", "nothing to complete yet");

    assert_eq!(put(slot.upload_url.clone().unwrap(), "video/mp4", bytes.clone()).await, 200);
    let wrong = complete(Some("00".repeat(32))).await.unwrap_err();
    assert_eq!(common::error_body(&wrong).param.as_deref(), Some("checksum_sha256"));
    let done = complete(Some(hex::encode(Sha256::digest(&bytes)))).await.unwrap().into_inner().data;
    assert_eq!(done.size_bytes, Some(1_000));
    let again = complete(None).await.unwrap().into_inner().data;
    assert_eq!(again.asset_id, done.asset_id, "completing again is safe");
}
