//! The HTTP routes outside Leptos' pages and server functions, and the request guards. Each
//! feature's file has a `router()` with its routes; `startup::router` merges them.

pub mod calendar;
pub mod checks;
pub mod client_addr;
pub mod csrf;
pub mod health;
pub mod import;
pub mod incidents;
pub mod lang;
pub mod page_policy;
pub mod pages;
pub mod pkg;
pub mod service_worker;

pub use lang::safe_next;

use axum::http::StatusCode;
use axum::routing::MethodRouter;
use axum::Router;
use std::convert::Infallible;
use std::time::Duration;
use tower_http::timeout::TimeoutLayer;

/// How long any request but an upload may take before it is answered 408. Far beyond what a
/// page, a server function or a check-in takes even on a busy 2-core server, so only a request
/// that is stuck is cut off. It runs until the answer starts: a streamed page or a large file
/// may take longer to arrive. 408 is one of the statuses the phone's outbox keeps an event for
/// and retries (`public/outbox.js`); a check-in cut off after it reached the check writer is
/// still committed, once, and its retry is answered with the stored event.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How long an upload (an incident report with its photos, a GeoJSON import) may take: its
/// body can take most of a minute to arrive. Four photos shrunk by the phone are about 1.5 MB
/// in base64, some 30 s over a weak 400 kbit/s mobile uplink; 120 s leaves room for a worse
/// one and for the wait for a photo-decoding permit, and carries a full 32 MB import over a
/// 2.5 Mbit/s office line.
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(120);

/// The timeout layer with the status the outbox retries on.
pub fn timeout(limit: Duration) -> TimeoutLayer {
    TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, limit)
}

/// `routes` under the request timeout `limit`, and the uploads merged after that layer, so they
/// keep only their own longer `UPLOAD_TIMEOUT`.
pub fn under_timeouts(routes: Router, uploads: Router, limit: Duration) -> Router {
    routes.layer(timeout(limit)).merge(uploads)
}

/// A feature's routes, each recorded as it is added, so the authorization matrix can list
/// every route the server answers (`startup::Routes`) and a new one cannot be missed. Uploads
/// are kept apart: they carry `UPLOAD_TIMEOUT` and must stay outside `REQUEST_TIMEOUT`.
pub struct Listed<S> {
    routes: Router<S>,
    uploads: Router<S>,
    paths: Vec<(&'static str, &'static str)>,
}

/// Features' routes with their state given: what `startup::router` merges.
pub struct Finished {
    /// To be put under `REQUEST_TIMEOUT`.
    pub routes: Router,
    /// Under `UPLOAD_TIMEOUT` already.
    pub uploads: Router,
    /// (method, path) of every route in both.
    pub paths: Vec<(&'static str, &'static str)>,
}

impl<S: Clone + Send + Sync + 'static> Listed<S> {
    pub fn new() -> Self {
        Self {
            routes: Router::new(),
            uploads: Router::new(),
            paths: Vec::new(),
        }
    }

    pub fn route(
        mut self,
        method: &'static str,
        path: &'static str,
        handler: MethodRouter<S>,
    ) -> Self {
        self.paths.push((method, path));
        self.routes = self.routes.route(path, handler);
        self
    }

    /// A route whose request body may be large and slow to arrive.
    pub fn upload(
        mut self,
        method: &'static str,
        path: &'static str,
        handler: MethodRouter<S>,
    ) -> Self {
        self.paths.push((method, path));
        self.uploads = self.uploads.route(
            path,
            handler.layer::<_, Infallible>(timeout(UPLOAD_TIMEOUT)),
        );
        self
    }

    pub fn merge(mut self, other: Self) -> Self {
        self.paths.extend(other.paths);
        self.routes = self.routes.merge(other.routes);
        self.uploads = self.uploads.merge(other.uploads);
        self
    }

    pub fn with_state(self, state: S) -> Finished {
        Finished {
            routes: self.routes.with_state(state.clone()),
            uploads: self.uploads.with_state(state),
            paths: self.paths,
        }
    }
}

impl Finished {
    /// Joins routers whose states differ (`Listed::with_state` gave each its own).
    pub fn merge(mut self, other: Self) -> Self {
        self.paths.extend(other.paths);
        self.routes = self.routes.merge(other.routes);
        self.uploads = self.uploads.merge(other.uploads);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use axum::routing::post;
    use tower::ServiceExt;

    async fn slow() -> &'static str {
        tokio::time::sleep(Duration::from_millis(400)).await;
        "done"
    }

    async fn status(app: &Router, path: &str) -> u16 {
        let req = Request::post(path).body(Body::empty()).expect("request");
        app.clone()
            .oneshot(req)
            .await
            .expect("answer")
            .status()
            .as_u16()
    }

    /// The limits shrunk to fit a test: a route slower than the request timeout is cut off
    /// with 408 (which the outbox retries), and an upload as slow is not, because it sits
    /// outside that layer.
    #[tokio::test]
    async fn a_stuck_request_is_cut_off_but_an_upload_keeps_its_own_time() {
        let listed = Listed::<()>::new()
            .route("POST", "/slow", post(slow))
            .upload("POST", "/slow-upload", post(slow));
        let f = listed.with_state(());
        let app = under_timeouts(f.routes, f.uploads, Duration::from_millis(100));
        assert_eq!(status(&app, "/slow").await, 408);
        assert_eq!(status(&app, "/slow-upload").await, 200);
        let generous = Listed::<()>::new()
            .route("POST", "/slow", post(slow))
            .with_state(());
        let app = under_timeouts(generous.routes, generous.uploads, Duration::from_secs(5));
        assert_eq!(status(&app, "/slow").await, 200);
    }
}
