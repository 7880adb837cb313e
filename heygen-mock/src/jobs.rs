//! Background jobs (videos, translations, lipsyncs, voice clones, background removals) and how
//! their state follows the fake's clock: `pending` for [`Timing::pending`], then processing for
//! [`Timing::processing`], then completed, or failed when a rule of the test says so.

use std::sync::Arc;
use std::time::Duration;

use crate::api::types;

/// The kinds of job the fake runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JobKind {
    /// `create_video`, of any type (`avatar`, `image`, `cinematic_avatar`, `studio`).
    Video,
    /// One output language of `create_video_translation`.
    VideoTranslation,
    /// `create_lipsync`.
    Lipsync,
    /// `clone_voice`.
    VoiceClone,
    /// `create_background_removal`.
    BackgroundRemoval,
}

impl JobKind {
    /// The prefix of the ids the fake gives jobs of this kind.
    pub(crate) fn prefix(self) -> &'static str {
        match self {
            JobKind::Video => "video",
            JobKind::VideoTranslation => "translation",
            JobKind::Lipsync => "lipsync",
            JobKind::VoiceClone => "voice",
            JobKind::BackgroundRemoval => "bgremoval",
        }
    }

    /// What a 404 calls it.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            JobKind::Video => "video",
            JobKind::VideoTranslation => "video translation",
            JobKind::Lipsync => "lipsync",
            JobKind::VoiceClone => "voice",
            JobKind::BackgroundRemoval => "background removal",
        }
    }
}

/// The typed request that started a job, for the rules that decide which jobs fail.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum JobRequest<'a> {
    /// A `create_video` body.
    Video(&'a types::CreateVideoRequest),
    /// A `create_video_translation` body and the one output language this job renders.
    VideoTranslation {
        /// The whole request.
        request: &'a types::VideoTranslationCreateRequest,
        /// The language of this job (the request makes one job per language).
        output_language: &'a str,
    },
    /// A `create_lipsync` body.
    Lipsync(&'a types::LipsyncCreateRequest),
    /// A `clone_voice` body.
    VoiceClone(&'a types::VoiceCloneRequest),
    /// A `create_background_removal` body.
    BackgroundRemoval(&'a types::BackgroundRemovalCreateRequest),
}

impl JobRequest<'_> {
    /// The kind of job this request starts.
    pub fn kind(&self) -> JobKind {
        match self {
            JobRequest::Video(_) => JobKind::Video,
            JobRequest::VideoTranslation { .. } => JobKind::VideoTranslation,
            JobRequest::Lipsync(_) => JobKind::Lipsync,
            JobRequest::VoiceClone(_) => JobKind::VoiceClone,
            JobRequest::BackgroundRemoval(_) => JobKind::BackgroundRemoval,
        }
    }
}

/// How long a job spends in each state, in the fake's time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// Time in `pending` (for voice clones, the first part of `processing`).
    pub pending: Duration,
    /// Time in `processing` (`running` for translations and lipsyncs) before the job ends.
    pub processing: Duration,
}

impl Default for Timing {
    /// One second pending, four processing: a job ends five fake seconds after its create.
    fn default() -> Self {
        Self { pending: Duration::from_secs(1), processing: Duration::from_secs(4) }
    }
}

impl Timing {
    pub(crate) fn total(&self) -> Duration {
        self.pending.saturating_add(self.processing)
    }
}

/// Where a job is at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    Pending,
    Processing,
    Completed,
    Failed,
}

/// Decides which new jobs fail.
#[derive(Clone)]
pub(crate) enum FailRule {
    /// The next `remaining` jobs (of `kind`, or of any kind).
    Next { kind: Option<JobKind>, remaining: u32 },
    /// Every job whose request satisfies the predicate.
    When(Arc<dyn Fn(&JobRequest<'_>) -> bool + Send + Sync>),
}

/// Whether a new job started by `request` fails, by the first rule that says so (a counting
/// rule that says so counts one down).
pub(crate) fn decide_failure(rules: &mut [FailRule], request: &JobRequest<'_>) -> bool {
    for rule in rules.iter_mut() {
        match rule {
            FailRule::When(predicate) if predicate(request) => return true,
            FailRule::Next { kind, remaining } if *remaining > 0 && kind.is_none_or(|k| k == request.kind()) => {
                *remaining -= 1;
                return true;
            }
            _ => {}
        }
    }
    false
}

/// One job the fake runs.
#[derive(Clone, Debug)]
pub(crate) struct Job {
    pub id: String,
    pub kind: JobKind,
    /// When it was created, in fake time.
    pub created: Duration,
    pub fails: bool,
    pub title: Option<String>,
    pub callback_url: Option<String>,
    pub callback_id: Option<String>,
    pub folder_id: Option<String>,
    pub input_language: Option<String>,
    pub output_language: Option<String>,
    pub translate_audio_only: Option<bool>,
    pub layers: Vec<types::BackgroundRemovalLayer>,
    /// Whether its end has been announced (event log, webhooks).
    pub announced: bool,
}

impl Job {
    pub(crate) fn new(id: String, kind: JobKind, created: Duration, fails: bool) -> Self {
        Self {
            id,
            kind,
            created,
            fails,
            title: None,
            callback_url: None,
            callback_id: None,
            folder_id: None,
            input_language: None,
            output_language: None,
            translate_audio_only: None,
            layers: Vec::new(),
            announced: false,
        }
    }

    pub(crate) fn phase(&self, now: Duration, timing: &Timing) -> Phase {
        let age = now.saturating_sub(self.created);
        if age < timing.pending {
            Phase::Pending
        } else if age < timing.total() {
            Phase::Processing
        } else if self.fails {
            Phase::Failed
        } else {
            Phase::Completed
        }
    }

    /// When it ended (or will end), in fake time.
    pub(crate) fn ends(&self, timing: &Timing) -> Duration {
        self.created.saturating_add(timing.total())
    }
}

/// The message of a job failed by a rule.
pub(crate) const FAILURE_MESSAGE: &str = "the job failed by a rule of the fake";
/// The code of a job failed by a rule.
pub(crate) const FAILURE_CODE: &str = "fake_failure";
