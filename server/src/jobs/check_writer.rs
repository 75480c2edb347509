//! Group commit for check events. Each check-in must be on disk before the phone hears "stored"
//! (SQLite runs with `synchronous=FULL`), and a disk sync costs milliseconds: one transaction per
//! event would cap a burst — the whole district checking in at 08:00 on a sensitive day — at a
//! few hundred a second. So events go to one writer task, which takes everything waiting, stores
//! it in one transaction (one sync), then answers each sender. Under light load a batch is one
//! event and nothing waits; under heavy load batches grow by themselves. Durability is never
//! traded: nobody is answered before the commit.

use app::state::CheckWriter;
use domain::{CheckEvent, NewCheck, Storage, StorageError};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// The most events in one transaction: bounds the latency of the last one in a batch.
const MAX_BATCH: usize = 512;

type Reply = oneshot::Sender<Result<(CheckEvent, bool), StorageError>>;

/// A handle to the writer task; what `AppState::checks` holds.
pub struct GroupCommit {
    queue: mpsc::Sender<(NewCheck, Reply)>,
}

/// Starts the writer task on the current Tokio runtime. It ends when the last handle is dropped.
pub fn start(store: Arc<dyn Storage>) -> GroupCommit {
    let (queue, mut jobs) = mpsc::channel::<(NewCheck, Reply)>(8 * MAX_BATCH);
    tokio::spawn(async move {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while let Some(first) = jobs.recv().await {
            batch.push(first);
            while batch.len() < MAX_BATCH {
                match jobs.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            write(store.as_ref(), &mut batch).await;
        }
    });
    GroupCommit { queue }
}

#[async_trait::async_trait]
impl CheckWriter for GroupCommit {
    async fn record(&self, check: NewCheck) -> Result<(CheckEvent, bool), StorageError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((check, reply))
            .await
            .map_err(|_| StorageError::Backend("the check writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StorageError::Backend("the check writer dropped an event".into()))?
    }
}

/// One run: stores the batch, then answers every sender in it. At debug level, since a burst
/// runs it many times a second.
#[tracing::instrument(level = "debug", skip_all, fields(events = batch.len()))]
async fn write(store: &dyn Storage, batch: &mut Vec<(NewCheck, Reply)>) {
    let checks: Vec<NewCheck> = batch.iter().map(|(c, _)| c.clone()).collect();
    match store.record_checks(&checks).await {
        Ok(rows) => {
            tracing::debug!("stored {} check events in one transaction", rows.len());
            for ((_, reply), row) in batch.drain(..).zip(rows) {
                // A sender that gave up (its request was cancelled) needs no answer.
                let _ = reply.send(Ok(row));
            }
        }
        Err(e) if batch.len() > 1 => {
            // One bad event must not fail the others: store them one by one instead.
            tracing::debug!(
                "a batch of {} check events failed ({e}); storing them one by one",
                batch.len()
            );
            for (check, reply) in batch.drain(..) {
                let _ = reply.send(store.record_check(&check).await);
            }
        }
        Err(e) => {
            tracing::debug!("a check event was not stored: {e}");
            for (_, reply) in batch.drain(..) {
                let _ = reply.send(Err(StorageError::Backend(e.to_string())));
            }
        }
    }
}
