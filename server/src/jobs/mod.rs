//! The server's background work, one file per job: the group-commit check writer
//! (`check_writer`), the duty sweeper (`sweeper`), the pruner of sessions and rate-limit
//! counters (`pruner`), the shift reminders (`reminders`) and the delivery of notices by push
//! and SMS (`delivery`). `start` starts every one of them.

pub mod check_writer;
pub mod delivery;
pub mod pruner;
pub mod reminders;
pub mod sweeper;

use app::state::CheckWriter;
use domain::{DutyRules, Storage};
use std::sync::Arc;

/// The jobs of one application, as `start` leaves them.
pub struct Jobs {
    /// The check writer, already running: every check-in request waits on it, including those
    /// a test sends straight into the router without serving.
    pub checks: Arc<dyn CheckWriter>,
    /// The periodic jobs, not yet running.
    pub periodic: Periodic,
}

/// The sweeper, the pruner, the reminders and the deliveries. They change the database (or the
/// world) on their own, so they begin only when the server serves (`Periodic::begin`): a test
/// that builds the application and sends it requests sees no job change its data under it.
pub struct Periodic {
    store: Arc<dyn Storage>,
    rules: Arc<DutyRules>,
    session_idle_ms: i64,
    channels: Arc<delivery::Channels>,
}

/// Starts the check writer on the current Tokio runtime and readies the periodic jobs.
pub fn start(
    store: Arc<dyn Storage>,
    rules: Arc<DutyRules>,
    session_idle_ms: i64,
    channels: Arc<delivery::Channels>,
) -> Jobs {
    Jobs {
        checks: Arc::new(check_writer::start(store.clone())),
        periodic: Periodic {
            store,
            rules,
            session_idle_ms,
            channels,
        },
    }
}

impl Periodic {
    /// Spawns the sweeper and the reminders (every minute), the deliveries (every 5 s) and the
    /// pruner (every hour); each runs a first time straight away.
    pub fn begin(self) {
        tokio::spawn(sweeper::every_minute(self.store.clone(), self.rules));
        tokio::spawn(reminders::every_minute(
            self.store.clone(),
            Arc::new(self.channels.rules.clone()),
        ));
        tokio::spawn(delivery::every_few_seconds(
            self.store.clone(),
            self.channels,
        ));
        tokio::spawn(pruner::every_hour(self.store, self.session_idle_ms));
    }
}
