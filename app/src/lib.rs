//! Pingan Vest's user interface: one Leptos app, rendered on the server and hydrated in the
//! browser. Folders go by feature; server functions stay thin and call domain services.

// Without type erasure (plain `cargo test`/`clippy`), the report form's view type nests deeper
// than the default limit of 128.
#![recursion_limit = "256"]

pub mod actions;
pub mod areas;
pub mod audit;
pub mod auth;
pub mod duty;
pub mod duty_periods;
pub mod error;
pub mod field;
pub mod geolocation;
pub mod i18n;
pub mod incidents;
pub mod notifications;
pub mod pages;
pub mod pwa;
pub mod shell;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod throttle;
pub mod volunteers;

pub use error::AppError;
pub use shell::{shell, App};
#[cfg(feature = "ssr")]
pub use state::{AppState, AssetManifest};
