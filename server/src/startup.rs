//! Building and running the application: storage, state, router, listener.

use crate::auth::{self, SessionPolicy};
use crate::config::Settings;
use crate::routes::{
    calendar, checks, client_addr, csrf, health, import, incidents, lang, page_policy, pages, pkg,
    service_worker, under_timeouts, REQUEST_TIMEOUT,
};
use crate::{assets, jobs, storage};
use anyhow::Context;
use app::AppState;
use axum::http::{header, HeaderValue, Request};
use axum::serve::ListenerExt;
use axum::Router;
use leptos::config::LeptosOptions;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Where the previous build's files are kept; `cargo xtask`'s release build puts them there.
pub use crate::routes::pkg::PREVIOUS_PKG;

pub struct Application {
    listener: TcpListener,
    router: Router,
    addr: SocketAddr,
    /// The sweeper and the pruner, begun when serving.
    periodic: jobs::Periodic,
    routes: Routes,
}

impl Application {
    /// Opens and migrates the database, builds the router and binds the listener, so the
    /// caller learns the real port before serving (tests bind port 0).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let secret = settings.secret()?;
        let storage = storage::connect(&settings.database_url).await?;
        if !assets::site_built(&settings.site_root) {
            tracing::warn!(site_root = %settings.site_root.display(), "no built site (pkg/) found: pages render but will not hydrate; build with cargo leptos");
        }
        let (manifest, hashed) = assets::load(&settings.site_root.join("pkg"), "/pkg");
        let duty = Arc::new(settings.duty.clone());
        let secrets: Arc<dyn domain::Secrets> =
            Arc::new(crate::crypto::ServerSecrets::new(&secret));
        let channels = Arc::new(notify_channels(&settings, &secret, secrets.clone()));
        let notify = app::state::NotifySettings {
            push_key: channels.push.as_ref().map(|p| p.public_key()),
            texted: domain::notify::NoticeKind::ALL
                .into_iter()
                .filter(|k| channels.texts(*k))
                .collect(),
        };
        let jobs = jobs::start(
            storage.clone(),
            duty.clone(),
            SessionPolicy::new(false).idle_ms,
            channels,
        );
        let state = AppState {
            storage,
            secrets,
            target_rate: settings.target_rate,
            duty,
            checks: jobs.checks,
            incidents: Arc::new(settings.incidents.clone()),
            assets: Arc::new(manifest),
            notify: Arc::new(notify),
            codes: settings.notify.sms.as_ref().map(|s| {
                Arc::new(crate::notify::code::TextedCode {
                    sender: crate::notify::sms::sender(&s.provider),
                    template: s.code_template.clone(),
                }) as Arc<dyn app::state::CodeSender>
            }),
        };
        let options = LeptosOptions::builder()
            .output_name(assets::OUTPUT_NAME)
            .site_root(settings.site_root.to_string_lossy().to_string())
            .site_pkg_dir("pkg")
            .hash_files(hashed)
            .site_addr(settings.addr)
            .build();
        let transport = Transport {
            secure_cookies: settings.secure_cookies,
            hsts: settings.over_https(),
            trusted_proxies: settings.trusted_proxies.clone(),
        };
        let (router, routes) = router(state, options, hashed, transport);
        let listener = TcpListener::bind(settings.addr)
            .await
            .with_context(|| format!("failed to listen on {}", settings.addr))?;
        let addr = listener.local_addr()?;
        Ok(Self {
            listener,
            router,
            addr,
            periodic: jobs.periodic,
            routes,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The router, for tests that `oneshot` requests without a socket.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    /// The routes outside pages and server functions, as the router was built with them.
    pub fn routes(&self) -> Vec<(&'static str, &'static str)> {
        self.routes.0.clone()
    }

    /// Serves until SIGTERM or Ctrl-C, then lets requests in flight finish.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        tracing::info!("listening on http://{}", self.addr);
        self.periodic.begin();
        // Without TCP_NODELAY a streamed page waits on Nagle's algorithm: a 40 ms floor.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::warn!("failed to set TCP_NODELAY: {e}");
            }
        });
        axum::serve(
            listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server error")
    }
}

/// How the server is reached: what cookies, headers and client addresses it may rely on.
#[derive(Debug, Clone, Default)]
pub struct Transport {
    /// `Secure` + `__Host-` session cookies.
    pub secure_cookies: bool,
    /// Send `Strict-Transport-Security` (only when people reach the server over HTTPS).
    pub hsts: bool,
    pub trusted_proxies: client_addr::TrustedProxies,
}

/// The whole HTTP surface, one router per feature merged; tests `oneshot` requests into it.
pub fn router(
    state: AppState,
    options: LeptosOptions,
    hashed_assets: bool,
    transport: Transport,
) -> (Router, Routes) {
    let policy = SessionPolicy::new(transport.secure_cookies);
    let features = health::router()
        .merge(lang::router())
        .merge(checks::router())
        .merge(incidents::router())
        .merge(import::router())
        .merge(calendar::router())
        .merge(service_worker::router(&state.assets))
        .with_state(state.clone())
        .merge(auth::routes::router().with_state((state.clone(), policy)));
    let routes = Routes(features.paths);

    let timed = pages::router(state.clone(), options.clone())
        .merge(pkg::router(&options.site_root, hashed_assets))
        .merge(features.routes);
    // Inside the middleware below: what the timeouts measure is a route's own work.
    let app = under_timeouts(timed, features.uploads, REQUEST_TIMEOUT)
        // Who is asking, for pages and server functions alike; then the CSRF guard before it.
        .layer(axum::middleware::from_fn_with_state(
            (state.clone(), policy),
            auth::resolve_session,
        ))
        .layer(axum::middleware::from_fn(csrf::same_origin_only))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(transport.trusted_proxies),
            client_addr::resolve,
        ))
        .layer(axum::middleware::from_fn_with_state(
            page_policy::ImageSources::of(state.incidents.tiles.as_ref()),
            page_policy::set_page_headers,
        ));
    let app = with_security_headers(app, transport.hsts)
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(5)))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                    let id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
                }))
                .layer(PropagateRequestIdLayer::x_request_id()),
        );
    (app, routes)
}

/// Every route the server answers outside Leptos' pages and server functions, as
/// (method, path): what the authorization matrix must cover. Read from the router itself
/// (`routes::Listed` records each route as it is added), so a new route cannot be missed.
#[derive(Debug, Clone)]
pub struct Routes(pub Vec<(&'static str, &'static str)>);

/// Headers every response carries. Pages get their own CSP (with the script nonce) from
/// `page_policy`; the default here covers everything else.
fn with_security_headers(router: Router, hsts: bool) -> Router {
    let set = |name: header::HeaderName, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    // Two years, as the HSTS preload list asks; never over plain HTTP (browsers ignore it
    // there, and a test server on 127.0.0.1 must not pin itself).
    let router = if hsts {
        router.layer(set(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        ))
    } else {
        router
    };
    router
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
            ),
        ))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
        .layer(set(header::REFERRER_POLICY, "same-origin"))
        .layer(set(
            header::HeaderName::from_static("permissions-policy"),
            "geolocation=(self), camera=(self), microphone=()",
        ))
}

/// Resolves at SIGTERM or Ctrl-C. A handler that cannot be installed is logged and never
/// resolves: the server keeps serving (and can still be stopped by the other signal, or
/// killed), instead of shutting down the moment it started.
pub async fn shutdown_signal() {
    shutdown_on(tokio::signal::ctrl_c(), terminate_signal()).await;
}

#[cfg(unix)]
async fn terminate_signal() -> std::io::Result<()> {
    let mut s = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    s.recv().await;
    Ok(())
}

#[cfg(not(unix))]
async fn terminate_signal() -> std::io::Result<()> {
    std::future::pending().await
}

/// Waits for whichever signal comes first; a listener that failed to install waits forever.
pub async fn shutdown_on(
    ctrl_c: impl std::future::Future<Output = std::io::Result<()>>,
    terminate: impl std::future::Future<Output = std::io::Result<()>>,
) {
    let ctrl_c = async {
        if let Err(e) = ctrl_c.await {
            tracing::error!("failed to listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        if let Err(e) = terminate.await {
            tracing::error!("failed to listen for SIGTERM: {e}");
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// The installation's ways out for notices: its SMS provider and templates, and Web Push with a
/// VAPID key derived from the server's secret (every server sharing the secret signs alike).
fn notify_channels(
    settings: &Settings,
    secret: &secrecy::SecretString,
    secrets: Arc<dyn domain::Secrets>,
) -> jobs::delivery::Channels {
    use secrecy::ExposeSecret;
    let n = &settings.notify;
    let push = n.push.then(|| {
        let keys = crate::notify::push::VapidKeys::derive(secret.expose_secret().as_bytes());
        Arc::new(crate::notify::push::WebPush::new(
            keys,
            n.push_contact.clone(),
        ))
    });
    jobs::delivery::Channels {
        sms: n
            .sms
            .as_ref()
            .map(|s| crate::notify::sms::sender(&s.provider)),
        templates: n
            .sms
            .as_ref()
            .map(|s| s.templates.clone())
            .unwrap_or_default(),
        push,
        rules: n.rules.clone(),
        categories: settings.incidents.categories.all().to_vec(),
        secrets,
    }
}

#[cfg(test)]
mod tests {
    use super::shutdown_on;
    use std::time::Duration;

    #[tokio::test]
    async fn a_signal_listener_that_failed_to_install_does_not_stop_the_server() {
        let broken = async { Err(std::io::Error::other("no signals here")) };
        let never = std::future::pending::<std::io::Result<()>>();
        let stopped = tokio::time::timeout(Duration::from_millis(200), shutdown_on(broken, never));
        assert!(stopped.await.is_err(), "the server must keep serving");
    }

    #[tokio::test]
    async fn the_first_signal_stops_the_server() {
        let never = std::future::pending::<std::io::Result<()>>();
        let sigterm = async { Ok(()) };
        let stopped = tokio::time::timeout(Duration::from_secs(5), shutdown_on(never, sigterm));
        assert!(stopped.await.is_ok());
    }
}
