//! Logging. Each request's span carries its request id, so every line it causes names it.

use tracing_subscriber::EnvFilter;

pub fn init(default_filter: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    // A second init (tests starting several apps) is harmless, hence the ignored result.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}
