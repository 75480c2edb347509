//! What the server hands every page render and server function, once, through context.

use domain::{CheckEvent, DutyRules, NewCheck, Secrets, Storage, StorageError, TargetRate};
use std::sync::Arc;

/// Shared by all requests; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub storage: Arc<dyn Storage>,
    /// Sealing personal data and hashing passwords, with the server's keys.
    pub secrets: Arc<dyn Secrets>,
    /// The share of residents the district aims to register (2% unless configured).
    pub target_rate: TargetRate,
    /// Grace, cut-offs, auto-confirmation, stars and fatigue limits.
    pub duty: Arc<DutyRules>,
    /// Stores check events; the server's writer groups them into shared transactions.
    pub checks: Arc<dyn CheckWriter>,
    /// Categories, the photo limit and the optional base map.
    pub incidents: Arc<crate::incidents::IncidentSettings>,
    pub assets: Arc<AssetManifest>,
    /// Push and SMS as configured, and the notification rules.
    pub notify: Arc<NotifySettings>,
    /// Texts a verification code; `None` without an SMS provider (then no code is asked for).
    pub codes: Option<Arc<dyn CodeSender>>,
}

/// Texts the code that proves a mobile number is the applicant's (`server::notify::code`).
#[async_trait::async_trait]
pub trait CodeSender: Send + Sync {
    /// Sends `code` to `phone` now, or says why not (for the log; the person is told only that
    /// the text failed).
    async fn send_code(&self, phone: &domain::PhoneNumber, code: &str) -> Result<(), String>;
}

/// Where the check service hands a judged check event to be stored. The server's writer
/// (`server::jobs::check_writer`) stores many at once, in one transaction, to keep up with a
/// whole district checking in at the same minute.
#[async_trait::async_trait]
pub trait CheckWriter: Send + Sync {
    /// Stores the event (once: a repeat of its client key returns the first, with `false`) and
    /// answers only after the transaction holding it committed, so a phone is never told
    /// "stored" about an event a crash could still lose.
    async fn record(&self, check: NewCheck) -> Result<(CheckEvent, bool), StorageError>;
}

/// The content-hashed file names of this build's browser assets, read once at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetManifest {
    /// e.g. `/pkg/pingan.3f2a….css`
    pub css: String,
    pub js: String,
    pub wasm: String,
    /// What the service worker pre-caches of a split build: the split loader, its manifest and
    /// the field pages' wasm chunks (`shell::OFFLINE_GROUP`; every wasm file when the build has
    /// no split manifest). The office pages' chunk is cached only once it has been fetched.
    pub chunks: Vec<String>,
}

impl AppState {
    /// The state of the current request; every server function starts here.
    pub fn current() -> Result<Self, crate::AppError> {
        leptos::prelude::use_context::<AppState>()
            .ok_or_else(|| crate::AppError::internal("context", "AppState not provided"))
    }
}

/// What the notification pages need to know of the installation's channels.
#[derive(Debug, Clone, Default)]
pub struct NotifySettings {
    /// The VAPID public key a browser subscribes with; `None` when push is off.
    pub push_key: Option<String>,
    /// The kinds that go by SMS here (`server::jobs::delivery::Channels::texts`): none without
    /// a provider.
    pub texted: Vec<domain::notify::NoticeKind>,
}

impl NotifySettings {
    pub fn texts(&self, kind: domain::notify::NoticeKind) -> bool {
        self.texted.contains(&kind)
    }
}
