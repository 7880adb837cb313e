//! Batches: up to 100 videos, or 100 uploaded files, in one call, followed to the end and
//! returned with every item's outcome.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::Path;

use futures_util::TryStreamExt as _;

use super::Client;
use super::assets::media_type;
use super::types::{self, VideoBatchDetail, VideoBatchDetailStatus, VideoBatchItem, VideoBatchItemStatus};
use super::upload::{DirectUploadOptions, Source, file_stamp, read_head, sha256_of, unknown_type};
use crate::error::{Created, DecodeError};
use crate::rt::JobState;
use crate::{Error, WaitOptions};

/// The most items HeyGen takes in one batch.
pub const MAX_BATCH_ITEMS: usize = 100;

/// How many items one page of a batch's items holds (HeyGen's maximum).
const ITEMS_PER_PAGE: i64 = 100;

/// A finished batch and every one of its items, in submission order.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BatchOutcome {
    /// The batch's id.
    pub batch_id: String,
    /// `completed`, or `failed`; which one HeyGen reports when only some items failed is not
    /// documented, so look at the items.
    pub status: VideoBatchDetailStatus,
    /// The batch's name, if it has one.
    pub title: Option<String>,
    /// How many items ended in each state, keyed by state.
    pub counts_by_status: BTreeMap<String, i64>,
    /// Every item read. In a video batch `video_id` is the item's video; in an upload batch it
    /// holds the item's asset id.
    pub items: Vec<VideoBatchItem>,
    /// How many items HeyGen says the batch has. Fewer in `items` means paging stopped short
    /// (or HeyGen miscounted): the missing items' outcome is unknown.
    /// `None` when HeyGen did not say.
    pub total_items: Option<i64>,
}

impl BatchOutcome {
    fn new(
        batch_id: &str,
        (status, detail): (VideoBatchDetailStatus, VideoBatchDetail),
        items: Vec<VideoBatchItem>,
    ) -> Self {
        let VideoBatchDetail { title, counts_by_status, total_items, .. } = detail;
        BatchOutcome { batch_id: batch_id.to_owned(), status, title, counts_by_status, items, total_items }
    }

    /// The items that ended `completed`.
    pub fn succeeded(&self) -> impl Iterator<Item = &VideoBatchItem> {
        self.items.iter().filter(|item| item.status == Some(VideoBatchItemStatus::Completed))
    }

    /// The items that did not: `failed` ones, with HeyGen's `error` object when it sent one.
    pub fn failed(&self) -> impl Iterator<Item = &VideoBatchItem> {
        self.items.iter().filter(|item| item.status != Some(VideoBatchItemStatus::Completed))
    }

    /// Whether every expected item ended `completed`: the batch itself did not fail, it has at
    /// least one item, every one of its `total_items` was read, and none of them failed. A failed
    /// batch with no items, or an item list that paging cut short, is no success.
    pub fn all_succeeded(&self) -> bool {
        let read = i64::try_from(self.items.len()).unwrap_or(i64::MAX);
        self.status != VideoBatchDetailStatus::Failed
            && read > 0
            && self.total_items.is_none_or(|total| read >= total)
            && self.failed().next().is_none()
    }
}

impl Client {
    /// Submits up to [`MAX_BATCH_ITEMS`] videos with `create_video_batch`, waits for all of
    /// them, and returns every item's outcome (see
    /// [`wait_for_video_batch_items`](Self::wait_for_video_batch_items)).
    ///
    /// The create is sent with the handle's idempotency key
    /// ([`with_idempotency_key`](Self::with_idempotency_key)), or a fresh one: name your own,
    /// kept somewhere durable, to be able to repeat this call after a crash without a second,
    /// charged batch.
    ///
    /// An empty batch or one of more than 100 videos is [`Error::InvalidRequest`], before
    /// anything is sent. Any failure after HeyGen created the batch (a [`Error::WaitTimeout`],
    /// a lost connection while waiting) is [`Error::AfterCreate`] holding the batch id
    /// ([`Error::batch_id`]): the videos are being made, and charged, whatever happened here, so
    /// go on with [`wait_for_video_batch_items`](Self::wait_for_video_batch_items).
    pub async fn create_video_batch_and_wait(
        &self,
        request: &types::CreateVideoBatchRequest,
        options: &WaitOptions,
    ) -> Result<BatchOutcome, Error> {
        check_batch_size("create_video_batch", request.videos.len())?;
        // The key is made here, not by the runtime, so that a reply without a batch id still
        // hands the caller the key that replays the create.
        let key = self.key_for_call("create_video_batch")?;
        let created = self.keyed(key.clone()).create_video_batch(request).await?.into_inner().data;
        let batch_id = super::needed(created.batch_id.clone(), "create_video_batch", "batch_id", &created)
            .map_err(|error| error.with_idempotency_key(Some(&key)))?;
        self.wait_for_video_batch_items(&batch_id, options)
            .await
            .map_err(|error| error.after_create(Created::VideoBatch { batch_id }))
    }

    /// Waits until a video batch has finished (`completed` or `failed`), then returns every
    /// item across all pages. A failed batch is no error here: its items say which videos
    /// failed and why. [`Error::WaitTimeout`] when it is still running at `options.timeout`.
    pub async fn wait_for_video_batch_items(
        &self,
        batch_id: &str,
        options: &WaitOptions,
    ) -> Result<BatchOutcome, Error> {
        // One item per poll: only the batch's own state is needed until it ends.
        let poll = || async move { Ok(self.get_video_batch(batch_id, Some(1), None).await?.into_inner().data) };
        let detail = wait_batch("get_video_batch", options, poll).await?;
        let items = self.get_video_batch_stream(batch_id, Some(ITEMS_PER_PAGE)).try_collect().await?;
        Ok(BatchOutcome::new(batch_id, detail, items))
    }

    /// Uploads up to [`MAX_BATCH_ITEMS`] files as one batch and waits until HeyGen has taken
    /// them in: reserves a presigned slot for each (`create_asset_upload_batch`), streams each
    /// file to its slot as [`direct_upload_file`](Self::direct_upload_file) does (one after
    /// the other; `options.progress` hears of each file in turn, and `content_type` and
    /// `file_name`, when set, apply to every file), completes the batch
    /// (`complete_asset_upload_batch`) and returns every file's outcome, whose `video_id` is
    /// its asset id.
    ///
    /// No file or more than 100 is [`Error::InvalidRequest`], and a file that cannot be read is
    /// [`Error::File`], before anything is sent. Any failure after HeyGen reserved the slots is
    /// [`Error::AfterCreate`] with the batch id ([`Error::batch_id`]). A file that changes while
    /// it is sent is [`Error::File`] too (inside that).
    pub async fn upload_asset_files(
        &self,
        paths: &[impl AsRef<Path>],
        options: &DirectUploadOptions,
        wait: &WaitOptions,
    ) -> Result<BatchOutcome, Error> {
        const OPERATION: &str = "create_asset_upload_batch";
        check_batch_size(OPERATION, paths.len())?;
        let mut files = Vec::with_capacity(paths.len());
        let mut stamps = Vec::with_capacity(paths.len());
        for path in paths.iter().map(AsRef::as_ref) {
            let stamp = file_stamp(path, OPERATION).await?;
            let size = stamp.len;
            let size_bytes = std::num::NonZeroU64::new(size).ok_or_else(|| Error::InvalidRequest {
                operation: OPERATION,
                message: format!("{} is empty; HeyGen stores no empty assets", path.display()),
            })?;
            let content_type = match &options.content_type {
                Some(given) => given.clone(),
                None => media_type(&read_head(path).await?, Some(path))
                    .ok_or_else(|| unknown_type(OPERATION, &path.display()))?,
            };
            let checksum_sha256 = if options.checksum { Some(sha256_of(path).await?) } else { None };
            let filename = options.file_name.clone().unwrap_or_else(|| super::upload::file_name_of(path));
            files.push(types::CreateAssetUploadRequest { checksum_sha256, content_type, filename, size_bytes });
            stamps.push(stamp);
        }
        let request = types::CreateAssetUploadBatchRequest { callback_url: None, files, title: None };
        // Taken before the request is sent, so that the URLs' lifetime is never overestimated.
        let reserved = std::time::Instant::now();
        // As for video batches: the key is made here so that a reply without a batch id still
        // hands the caller the key that replays the reservation.
        let key = self.key_for_call(OPERATION)?;
        let batch = self.keyed(key.clone()).create_asset_upload_batch(&request).await?.into_inner().data;
        let batch_id = super::needed(batch.batch_id.clone(), OPERATION, "batch_id", &batch)
            .map_err(|error| error.with_idempotency_key(Some(&key)))?;
        let after = |error: Error| error.after_create(Created::AssetBatch { batch_id: batch_id.clone() });
        if batch.items.len() != paths.len() {
            let reason = format!("{} upload slots for {} files", batch.items.len(), paths.len());
            return Err(after(Error::Decode(DecodeError::new(
                OPERATION,
                reqwest::StatusCode::OK,
                reason,
                String::new(),
            ))));
        }
        for ((slot, path), stamp) in batch.items.iter().zip(paths).zip(stamps) {
            let source = Source::File(path.as_ref(), stamp);
            self.put_upload(slot, reserved, source, stamp.len, options).await.map_err(after)?;
        }
        let complete = types::CompleteAssetUploadBatchRequest { batch_id: batch_id.clone() };
        self.complete_asset_upload_batch(&complete).await.map_err(after)?;
        self.wait_for_asset_batch_items(&batch_id, wait).await.map_err(after)
    }

    /// Waits until an upload batch has been taken in (`completed` or `failed`), then returns
    /// every file's outcome, whose `video_id` is its asset id (HeyGen shares the video batch's
    /// shape).
    pub async fn wait_for_asset_batch_items(
        &self,
        batch_id: &str,
        options: &WaitOptions,
    ) -> Result<BatchOutcome, Error> {
        let poll = || async move { Ok(self.get_asset_batch(batch_id, Some(1), None).await?.into_inner().data) };
        let detail = wait_batch("get_asset_batch", options, poll).await?;
        let items = self.get_asset_batch_stream(batch_id, Some(ITEMS_PER_PAGE)).try_collect().await?;
        Ok(BatchOutcome::new(batch_id, detail, items))
    }
}

/// Refuses a batch HeyGen would refuse, before anything is sent.
fn check_batch_size(operation: &'static str, items: usize) -> Result<(), Error> {
    if (1..=MAX_BATCH_ITEMS).contains(&items) {
        return Ok(());
    }
    Err(Error::InvalidRequest {
        operation,
        message: format!("a batch holds 1 to {MAX_BATCH_ITEMS} items, not {items}; split it"),
    })
}

/// Polls a batch until it has ended either way; returns its final state and detail. A poll
/// without a state cannot be judged and ends the wait as a decode error.
async fn wait_batch<F, Fut>(
    operation: &'static str,
    options: &WaitOptions,
    mut poll: F,
) -> Result<(VideoBatchDetailStatus, VideoBatchDetail), Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<VideoBatchDetail, Error>>,
{
    crate::rt::wait(operation, options, move || {
        let detail = poll();
        async move {
            let detail = detail.await?;
            let status = super::needed(detail.status.clone(), operation, "status", &detail)?;
            let state = match status {
                VideoBatchDetailStatus::Completed | VideoBatchDetailStatus::Failed => JobState::Succeeded,
                _ => JobState::Running,
            };
            Ok((status.to_string(), state, (status, detail)))
        }
    })
    .await
}
