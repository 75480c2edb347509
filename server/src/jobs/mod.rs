//! The server's background work, one file per job: the group-commit check writer
//! (`check_writer`), the duty sweeper (`sweeper`) and the pruner of sessions and rate-limit
//! counters (`pruner`). `start` starts every one of them.

pub mod check_writer;
pub mod pruner;
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

/// The sweeper and the pruner. They change the database on their own, so they begin only when
/// the server serves (`Periodic::begin`): a test that builds the application and sends it
/// requests sees no sweep change its data under it.
pub struct Periodic {
    store: Arc<dyn Storage>,
    rules: Arc<DutyRules>,
    session_idle_ms: i64,
}

/// Starts the check writer on the current Tokio runtime and readies the periodic jobs.
pub fn start(store: Arc<dyn Storage>, rules: Arc<DutyRules>, session_idle_ms: i64) -> Jobs {
    Jobs {
        checks: Arc::new(check_writer::start(store.clone())),
        periodic: Periodic {
            store,
            rules,
            session_idle_ms,
        },
    }
}

impl Periodic {
    /// Spawns the sweeper (every minute) and the pruner (every hour); each runs a first time straight away.
    pub fn begin(self) {
        tokio::spawn(sweeper::every_minute(self.store.clone(), self.rules));
        tokio::spawn(pruner::every_hour(self.store, self.session_idle_ms));
    }
}
