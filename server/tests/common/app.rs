//! A whole application on a fresh, seeded SQLite file, for route and full-stack tests.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::Response;
use server::config::{FileSettings, Settings};
use server::startup::Application;
use tower::ServiceExt;

pub struct TestApp {
    pub app: Application,
    /// The same database, for checking what a request stored.
    pub store: std::sync::Arc<dyn domain::Storage>,
    pub _db: DbFile,
}

/// Removes the test's SQLite files when the test ends.
pub struct DbFile(std::path::PathBuf);

impl Drop for DbFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", ".key"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// `spawn_app` with settings of the test's own (trusted proxies, a public https URL…).
pub async fn spawn_app_with(configure: impl FnOnce(&mut FileSettings)) -> TestApp {
    let db_path = std::env::temp_dir().join(format!("pingan-http-{}.db", uuid::Uuid::new_v4()));
    let mut file = FileSettings {
        addr: Some("127.0.0.1:0".into()),
        database_url: Some(format!("sqlite://{}", db_path.display())),
        ..Default::default()
    };
    configure(&mut file);
    let settings = Settings::from_layers(file, &|_| None).expect("settings");
    let store = server::storage::connect(&settings.database_url)
        .await
        .expect("db");
    server::seed::demo_district(store.as_ref())
        .await
        .expect("seed");
    let app = Application::build(settings).await.expect("app");
    TestApp {
        app,
        store,
        _db: DbFile(db_path),
    }
}

pub async fn send(t: &TestApp, req: Request<Body>) -> Response {
    t.app.router().oneshot(req).await.expect("response")
}

pub async fn body_text(res: Response) -> String {
    let bytes = axum::body::to_bytes(res.into_body(), 4 << 20)
        .await
        .expect("body");
    String::from_utf8(bytes.to_vec()).expect("utf-8")
}

pub fn get(uri: &str) -> axum::http::request::Builder {
    Request::builder().uri(uri)
}

pub fn login_request(phone: &str, password: &str, next: &str) -> Request<Body> {
    let body = format!(
        "phone={}&password={}&next={}",
        urlencode(phone),
        urlencode(password),
        urlencode(next)
    );
    Request::post("/auth/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .expect("request")
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn location(res: &axum::response::Response) -> &str {
    res.headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Logs in and returns the `name=value` of the session cookie.
pub async fn log_in(t: &TestApp, phone: &str) -> String {
    let res = send(t, login_request(phone, server::seed::DEMO_PASSWORD, "/me")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/me");
    let cookie = res.headers()[header::SET_COOKIE]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    cookie.split(';').next().expect("pair").to_owned()
}

/// A JSON `POST` to one of the outbox's routes, as the phone sends it (in Chinese).
pub fn post_json(uri: &str, cookie: Option<&str>, body: &serde_json::Value) -> Request<Body> {
    let mut req = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT_LANGUAGE, "zh-CN")
        .header("sec-fetch-site", "same-origin");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(body.to_string())).expect("request")
}

/// A demo login (`13800000005`…) as the database holds them.
pub async fn demo_person(t: &TestApp, phone: &str) -> domain::Volunteer {
    t.store
        .volunteer_by_phone(&domain::PhoneNumber::parse(phone).expect("phone"))
        .await
        .expect("lookup")
        .expect("demo login")
}

/// The form fields of a server function written flat, as the function's input names them
/// (`id=5&public=true`), nested as a browser sends them: every server function takes one input
/// struct, so the page's fields are `input[id]`, `input[public]`. Functions whose one argument
/// has another name (`filters[…]`, `query[…]`) and empty bodies pass unchanged.
pub fn input(flat: &str) -> String {
    if flat.is_empty() {
        return String::new();
    }
    flat.split('&')
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let open = [key.find('['), key.find("%5B")].into_iter().flatten().min();
            let (head, rest) = key.split_at(open.unwrap_or(key.len()));
            if ["input", "filters", "query"].contains(&head) {
                format!("{key}={value}")
            } else {
                format!("input%5B{head}%5D{rest}={value}")
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// One server-function call, as a browser on this site would send it: a form body is written
/// flat and nested by [`input`]; a JSON body is sent as given.
pub fn server_fn(endpoint: &str, body: String, json: bool, cookie: Option<&str>) -> Request<Body> {
    let body = if json { body } else { input(&body) };
    let mut req = Request::post(format!("/api/{endpoint}"))
        .header("sec-fetch-site", "same-origin")
        .header(header::ACCEPT, "application/json")
        .header(
            header::CONTENT_TYPE,
            if json {
                "application/json"
            } else {
                "application/x-www-form-urlencoded"
            },
        );
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(body)).expect("request")
}

/// 山大路科技市场: a site of the demo volunteers' community (山大路社区).
pub async fn demo_site(t: &TestApp) -> domain::Site {
    let home = demo_person(t, "13800000005").await.home_area_id;
    t.store
        .sites_in(home)
        .await
        .expect("sites")
        .into_iter()
        .find(|s| s.name == "山大路科技市场")
        .expect("demo site")
}

/// A shift for three at `site` over `window`.
pub async fn new_shift(
    t: &TestApp,
    site: domain::SiteId,
    window: domain::ShiftWindow,
) -> domain::ShiftId {
    let audit = domain::AuditEntry {
        at_ms: 1,
        actor_id: None,
        action: "create_shifts".into(),
        entity: "site".into(),
        entity_id: None,
        area_id: None,
        before: None,
        after: None,
    };
    let shift = domain::NewShift {
        site_id: site,
        window,
        headcount: 3,
        leaders_needed: 0,
        notes: String::new(),
        created_by: None,
        created_at: 1,
    };
    t.store
        .insert_shifts(&[shift], &audit)
        .await
        .expect("shift")[0]
}

/// A shift at 山大路科技市场 from `starts_in` ms from now, four hours long, with the demo
/// login `phone` signed up. Returns their assignment and the window.
pub async fn signed_up(
    t: &TestApp,
    phone: &str,
    starts_in: i64,
) -> (domain::AssignmentId, domain::ShiftWindow) {
    let person = demo_person(t, phone).await;
    let site = demo_site(t).await;
    let now = chrono::Utc::now().timestamp_millis();
    let hour = domain::duty::HOUR_MS;
    let window =
        domain::ShiftWindow::new(now + starts_in, now + starts_in + 4 * hour).expect("window");
    let shift = new_shift(t, site.id, window).await;
    let a = match t
        .store
        .sign_up(shift, person.id, false, now)
        .await
        .expect("sign up")
    {
        domain::SignUpOutcome::SignedUp(a) | domain::SignUpOutcome::Waitlisted(a) => a,
    };
    (a, window)
}

/// The logout form's post, with the session cookie `cookie`.
pub fn logout_request(cookie: &str) -> Request<Body> {
    Request::post("/auth/logout")
        .header(header::COOKIE, cookie)
        .header("sec-fetch-site", "same-origin")
        .body(Body::empty())
        .expect("request")
}

/// A fire-hazard report by `reporter` in `area`, as the storage takes it (no photos; change
/// the fields a test is about with struct update syntax).
pub fn incident_report(
    key: String,
    reporter: domain::VolunteerId,
    area: domain::AreaId,
) -> domain::incident::port::NewIncident {
    domain::incident::port::NewIncident {
        client_key: key,
        reporter,
        area_id: area,
        site_id: None,
        assignment_id: None,
        category: "fire".into(),
        severity: domain::incident::Severity::Normal,
        body: "楼道堆放杂物".into(),
        lat: 36.675,
        lon: 117.058,
        accuracy_m: Some(10.0),
        made_at: 1_795_536_000_000,
        received_at: 1_795_536_000_000,
        photos: Vec::new(),
    }
}
