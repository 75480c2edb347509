//! The GeoJSON import over HTTP: who may, what a bad file answers, and that nothing of a bad
//! file is stored.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::app::{body_text, log_in, send, spawn_app, TestApp};

const GOOD: &str = r#"{"type":"FeatureCollection","features":[
  {"type":"Feature","properties":{"kind":"boundary","area":"芙蓉街社区"},
   "geometry":{"type":"Polygon","coordinates":[[[117.020,36.660],[117.030,36.660],[117.030,36.670],[117.020,36.670],[117.020,36.660]]]}},
  {"type":"Feature","properties":{"kind":"site","name":"测试点","area":"芙蓉街社区","radius_m":60},
   "geometry":{"type":"Point","coordinates":[117.025,36.665]}}
]}"#;

const BAD: &str = r#"{"type":"FeatureCollection","features":[
  {"type":"Feature","properties":{"kind":"site","name":"好的点","area":"芙蓉街社区","radius_m":60},
   "geometry":{"type":"Point","coordinates":[117.025,36.665]}},
  {"type":"Feature","properties":{"kind":"site","name":"写反了","area":"芙蓉街社区","radius_m":60},
   "geometry":{"type":"Point","coordinates":[36.665,117.025]}}
]}"#;

fn upload(body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut req = Request::post("/admin/import/geojson")
        .header("sec-fetch-site", "same-origin")
        .header(header::CONTENT_TYPE, "application/geo+json");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(body.to_owned())).expect("request")
}

async fn site_count(t: &TestApp) -> usize {
    let district = t.store.child_areas(None).await.expect("roots")[0].id;
    t.store.sites_in(district).await.expect("sites").len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_association_admins_import() {
    let t = spawn_app().await;
    let res = send(&t, upload(GOOD, None)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    for phone in ["13800000005", "13800000004", "13800000003"] {
        let cookie = log_in(&t, phone).await;
        let res = send(&t, upload(GOOD, Some(&cookie))).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{phone}");
    }
    let before = site_count(&t).await;
    let admin = log_in(&t, "13800000002").await;
    let res = send(&t, upload(GOOD, Some(&admin))).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = body_text(res).await;
    assert!(
        body.contains(r#""boundaries":1"#) && body.contains(r#""sites":1"#),
        "{body}"
    );
    assert_eq!(site_count(&t).await, before + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_file_names_the_feature_and_changes_nothing() {
    let t = spawn_app().await;
    let before = site_count(&t).await;
    let admin = log_in(&t, "13800000002").await;
    let res = send(&t, upload(BAD, Some(&admin))).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = body_text(res).await;
    assert!(body.contains(r#""feature":2"#), "{body}");
    assert!(body.contains("写反了"), "{body}");
    assert!(body.contains("BadCoordinate"), "{body}");
    assert_eq!(
        site_count(&t).await,
        before,
        "the good feature was not applied either"
    );
    let res = send(&t, upload("this is not json", Some(&admin))).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(res).await.contains("NotGeoJson"));
}
