//! `POST /api/incidents` and the photo route end to end through the router: a report with a real
//! phone photo is stored once however often the outbox sends it, its photo comes back as a JPEG
//! with no EXIF (so no GPS), each bad report is refused with a message in the reader's language
//! and stores nothing, and a photo is served only to those who may see its incident.

mod common;

use axum::body::Body;
use axum::http::{header, Request};
use base64::Engine;
use common::app::{body_text, log_in, send, spawn_app, TestApp};
use domain::incident::port::{IncidentQuery, Viewer};
use serde_json::{json, Value};

const VOLUNTEER: &str = "13800000005";
const NEIGHBOUR: &str = "13800000006";
const LEADER: &str = "13800000004";
/// Inside 山大路社区 in the demo district.
const HERE: (f64, f64) = (36.675, 117.0591);
/// A real JPEG with EXIF GPS tags (36.6512 N, 117.1201 E), Make/Model and orientation 6.
const PHOTO: &[u8] = include_bytes!("fixtures/gps-photo.jpg");

fn post(cookie: Option<&str>, body: &Value) -> Request<Body> {
    common::app::post_json("/api/incidents", cookie, body)
}

fn report(key: &str, photos: Vec<String>) -> Value {
    json!({
        "client_key": key,
        "made_at": chrono::Utc::now().timestamp_millis(),
        "category": "fire",
        "severity": "3",
        "body": "3号楼楼道堆放杂物，堵住消防通道",
        "lat": HERE.0,
        "lon": HERE.1,
        "accuracy_m": 12.0,
        "photos": photos,
    })
}

fn data_url(bytes: &[u8]) -> String {
    format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// Incidents in 山大路社区, the demo volunteer's community (the demo seeds none there).
async fn stored_count(t: &TestApp) -> u32 {
    let home = common::app::demo_person(t, VOLUNTEER).await.home_area_id;
    t.store
        .incidents(Viewer::Area(home), &IncidentQuery::default(), 1, 0)
        .await
        .expect("list")
        .total
}

/// The incident `id` as the storage holds it.
async fn stored_incident(t: &TestApp, id: i64) -> domain::incident::port::Incident {
    t.store
        .incident(domain::incident::port::IncidentId(id))
        .await
        .expect("read")
        .expect("stored")
}

async fn get_photo(t: &TestApp, url: &str, cookie: Option<&str>) -> (u16, Vec<u8>, String) {
    let mut req = Request::get(url);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let res = send(t, req.body(Body::empty()).expect("request")).await;
    let status = res.status().as_u16();
    let kind = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = axum::body::to_bytes(res.into_body(), 16 << 20)
        .await
        .expect("body");
    (status, bytes.to_vec(), kind)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_with_a_photo_is_stored_once_and_its_photo_has_no_gps() {
    let t = spawn_app().await;
    let volunteer = log_in(&t, VOLUNTEER).await;
    let body = report(
        "0193a1b2-0000-7000-8000-000000000001",
        vec![data_url(PHOTO)],
    );

    let res = send(&t, post(Some(&volunteer), &body)).await;
    assert_eq!(res.status().as_u16(), 201);
    let answer: Value = serde_json::from_str(&body_text(res).await).expect("json");
    assert_eq!(answer["stored"], true);
    let id = answer["id"].as_i64().expect("id");
    for _ in 0..2 {
        let again = send(&t, post(Some(&volunteer), &body)).await;
        assert_eq!(again.status().as_u16(), 200);
        let answer: Value = serde_json::from_str(&body_text(again).await).expect("json");
        assert_eq!(answer, json!({ "id": id, "stored": false }));
    }
    assert_eq!(stored_count(&t).await, 1);

    let incident = stored_incident(&t, id).await;
    assert_eq!(
        incident.summary.area_name, "山大路社区",
        "located by its position"
    );
    assert_eq!(
        incident.summary.severity,
        domain::incident::Severity::Urgent
    );
    assert_eq!(incident.photo_ids.len(), 1);

    // The photo: upright (orientation 6 applied), a JPEG, and nothing an EXIF reader can find.
    let url = format!("/incidents/{id}/photos/{}", incident.photo_ids[0]);
    let (status, bytes, kind) = get_photo(&t, &url, Some(&volunteer)).await;
    assert_eq!((status, kind.as_str()), (200, "image/jpeg"));
    assert!(
        exif::Reader::new()
            .read_from_container(&mut std::io::Cursor::new(PHOTO))
            .expect("the fixture has EXIF")
            .get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
            .is_some(),
        "the fixture carries GPS, so this test can fail"
    );
    assert!(exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(&bytes))
        .is_err());
    let image = image::load_from_memory(&bytes).expect("a readable JPEG");
    assert_eq!((image.width(), image.height()), (480, 640));

    // Asked again, the phone's copy is still good: 304 without the bytes.
    let (etag_status, _, _) = {
        let res = send(
            &t,
            Request::get(&url)
                .header(header::COOKIE, &volunteer)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
        let etag = res
            .headers()
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .expect("an ETag")
            .to_owned();
        assert_eq!(
            res.headers()
                .get(header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok()),
            Some("private, no-cache")
        );
        let again = send(
            &t,
            Request::get(&url)
                .header(header::COOKIE, &volunteer)
                .header(header::IF_NONE_MATCH, etag)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
        (again.status().as_u16(), (), ())
    };
    assert_eq!(etag_status, 304);

    // Who sees the photo: the reporter and the community's leader; not a neighbour, nobody
    // logged out.
    let leader = log_in(&t, LEADER).await;
    assert_eq!(get_photo(&t, &url, Some(&leader)).await.0, 200);
    let neighbour = log_in(&t, NEIGHBOUR).await;
    assert_eq!(get_photo(&t, &url, Some(&neighbour)).await.0, 404);
    assert_eq!(get_photo(&t, &url, None).await.0, 401);
    // The same key sent by someone else is refused and never reveals the first incident.
    let theirs = send(&t, post(Some(&neighbour), &body)).await;
    assert_eq!(theirs.status().as_u16(), 422);
    assert!(!body_text(theirs).await.contains(&id.to_string()));
    // A report the volunteer made, sent from a shared phone while the neighbour is logged in:
    // held for its maker (409, "held"), not filed under the neighbour.
    let reporter_id = common::app::demo_person(&t, VOLUNTEER).await.id.0;
    let mut made_by_volunteer = report("0193a1b2-0000-7000-8000-0000000000ff", vec![]);
    made_by_volunteer["reporter"] = json!(reporter_id);
    let held = send(&t, post(Some(&neighbour), &made_by_volunteer)).await;
    assert_eq!(held.status().as_u16(), 409);
    assert!(body_text(held).await.contains("\"held\":true"));
    assert_eq!(stored_count(&t).await, 1, "not stored under the neighbour");
    let mine = send(&t, post(Some(&volunteer), &made_by_volunteer)).await;
    assert_eq!(
        mine.status().as_u16(),
        201,
        "stored once its maker sends it"
    );

    // Made public by the leader, the neighbour reads it — without who reported it.
    let reporter = common::app::demo_person(&t, VOLUNTEER).await;
    let leader_id = common::app::demo_person(&t, LEADER).await.id;
    t.store
        .change_incident(
            domain::incident::port::IncidentId(id),
            &domain::incident::port::IncidentChange {
                actor: leader_id,
                at: chrono::Utc::now().timestamp_millis(),
                step: "publish".into(),
                what: domain::incident::port::ChangeKind::Publish(true),
                note: None,
            },
        )
        .await
        .expect("publish");
    for endpoint in ["detail", "list"] {
        let form = if endpoint == "detail" {
            format!("id={id}")
        } else {
            "filters[page]=1".to_owned()
        };
        let res = send(
            &t,
            Request::post(format!("/api/incidents/{endpoint}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "application/json")
                .header("sec-fetch-site", "same-origin")
                .header(header::COOKIE, &neighbour)
                .body(Body::from(common::app::input(&form)))
                .expect("request"),
        )
        .await;
        assert_eq!(res.status().as_u16(), 200, "{endpoint}");
        let text = body_text(res).await;
        assert!(
            text.contains("3号楼楼道"),
            "{endpoint}: the public incident is listed"
        );
        assert!(
            !text.contains(reporter.name.as_str()) && !text.contains("reporter_id"),
            "{endpoint} leaks the reporter: {text}"
        );
    }
    assert_eq!(get_photo(&t, &url, Some(&neighbour)).await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_reports_are_refused_in_the_readers_language_and_store_nothing() {
    let t = spawn_app().await;
    let volunteer = log_in(&t, VOLUNTEER).await;
    let mut n = 0;
    let mut key = || {
        n += 1;
        format!("0193a1b2-0000-7000-8000-{n:012}")
    };
    let png = {
        let mut out = Vec::new();
        image::RgbImage::from_pixel(8, 8, image::Rgb([200, 16, 46]))
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .expect("png");
        out
    };
    let cases: Vec<(Value, &str)> = vec![
        (
            {
                let mut b = report(&key(), vec![]);
                b["category"] = json!("ufo");
                b
            },
            "请选择一个类别。",
        ),
        (
            {
                let mut b = report(&key(), vec![]);
                b["severity"] = json!("9");
                b
            },
            "请选择紧急程度",
        ),
        (
            {
                let mut b = report(&key(), vec![]);
                b["body"] = json!("   ");
                b
            },
            "此项必填。",
        ),
        (
            {
                let mut b = report(&key(), vec![]);
                b["lat"] = json!(95.0);
                b
            },
            "纬度",
        ),
        (
            {
                let mut b = report(&key(), vec![]);
                b["made_at"] = json!(1_000);
                b
            },
            "手机时间不对",
        ),
        (report(&key(), vec![data_url(PHOTO); 5]), "照片太多了。"),
        (
            report(
                &key(),
                vec![data_url(b"<html><body>not a photo</body></html>")],
            ),
            "照片无法读取",
        ),
        (
            report(
                &key(),
                vec!["data:image/jpeg;base64,@@@not base64@@@".into()],
            ),
            "照片无法读取",
        ),
        (
            report(&key(), vec![data_url(&PHOTO[..200])]),
            "照片无法读取",
        ),
        (report("short", vec![]), "此项必填。"),
    ];
    for (body, message) in cases {
        let res = send(&t, post(Some(&volunteer), &body)).await;
        let status = res.status().as_u16();
        let text = body_text(res).await;
        assert_eq!(status, 422, "{body}: {text}");
        assert!(text.contains(message), "{message:?} not in {text}");
    }
    // Not JSON (a cross-site form post, say): refused before the body is read.
    let mut form = post(Some(&volunteer), &report(&key(), vec![]));
    form.headers_mut()
        .insert(header::CONTENT_TYPE, "text/plain".parse().expect("header"));
    assert_eq!(send(&t, form).await.status().as_u16(), 422);
    assert_eq!(stored_count(&t).await, 0, "nothing stored");
    // Not logged in: 401, so the outbox keeps the report for after the next login.
    let res = send(&t, post(None, &report(&key(), vec![]))).await;
    assert_eq!(res.status().as_u16(), 401);
    // A PNG whatever it claims to be is judged by its bytes, and accepted.
    let res = send(
        &t,
        post(Some(&volunteer), &report(&key(), vec![data_url(&png)])),
    )
    .await;
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(stored_count(&t).await, 1);
}

/// A server function called as the page calls it (a form post), answered with its status and
/// body (a refusal names the field and the message key the page translates).
async fn call(t: &TestApp, endpoint: &str, form: String, cookie: &str) -> (u16, String) {
    let res = send(
        t,
        Request::post(format!("/api/incidents/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header(header::ACCEPT_LANGUAGE, "zh-CN")
            .header("sec-fetch-site", "same-origin")
            .header(header::COOKIE, cookie)
            .body(Body::from(common::app::input(&form)))
            .expect("request"),
    )
    .await;
    let status = res.status().as_u16();
    (status, body_text(res).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_triage_input_is_refused_and_changes_nothing() {
    let t = spawn_app().await;
    let volunteer = log_in(&t, VOLUNTEER).await;
    let res = send(
        &t,
        post(
            Some(&volunteer),
            &report("0193a1b2-0000-7000-8000-0000000000aa", vec![]),
        ),
    )
    .await;
    let id: i64 = serde_json::from_str::<Value>(&body_text(res).await).expect("json")["id"]
        .as_i64()
        .expect("id");
    let leader = log_in(&t, LEADER).await;
    // A registered volunteer of 建新社区, which the leader of 山大路社区 does not lead.
    let district = t.store.child_areas(None).await.expect("roots")[0].id;
    let mut elsewhere = None;
    for street in t.store.child_areas(Some(district)).await.expect("streets") {
        for c in t
            .store
            .child_areas(Some(street.id))
            .await
            .expect("communities")
        {
            if c.name == "建新社区" {
                elsewhere = Some(c.id);
            }
        }
    }
    let outsider = t
        .store
        .volunteers_in(&domain::VolunteerFilter {
            within: elsewhere.expect("建新社区"),
            status: Some(domain::VolunteerStatus::Registered),
            search: None,
            offset: 0,
            limit: 1,
        })
        .await
        .expect("volunteers")
        .items
        .remove(0);
    let cases = [
        (
            "assign",
            format!("id={id}&volunteer_id=999999999"),
            r#""field":"volunteer_id","key":"VolunteerUnknown""#,
        ),
        (
            "assign",
            format!("id={id}&volunteer_id={}", outsider.id.0),
            r#""field":"volunteer_id","key":"VolunteerUnknown""#,
        ),
        (
            "step",
            format!("id={id}&step=close&referral=&referral_name=&note="),
            r#""key":"StepNotAllowed""#,
        ),
        (
            "step",
            format!("id={id}&step=refer&referral=named&referral_name=&note="),
            r#""field":"referral_name","key":"Required""#,
        ),
        (
            "step",
            format!("id={id}&step=fly&referral=&referral_name=&note="),
            r#""key":"StepNotAllowed""#,
        ),
        (
            "list",
            "filters[from]=2026-13-01&filters[page]=1".to_owned(),
            r#""field":"from","key":"DateMalformed""#,
        ),
    ];
    for (endpoint, form, message) in cases {
        let (status, text) = call(&t, endpoint, form.clone(), &leader).await;
        assert_eq!(status, 422, "{endpoint} {form}: {text}");
        assert!(
            text.contains(message),
            "{endpoint} {form}: {message:?} not in {text}"
        );
    }
    let incident = stored_incident(&t, id).await;
    assert_eq!(
        incident.summary.status,
        domain::incident::IncidentStatus::Reported
    );
    assert_eq!(incident.assignee, None);
    assert_eq!(
        t.store
            .incident_events(incident.summary.id)
            .await
            .expect("events")
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_account_cannot_fill_the_disk_with_reports_and_replays_do_not_count() {
    let t = spawn_app().await;
    let cookie = log_in(&t, NEIGHBOUR).await;
    let limit = app::throttle::Limit::REPORTS_PERSON.limit;
    let key = |n: u32| format!("0193a4f2-7b1c-7def-8123-{n:012}");
    let first = send(&t, post(Some(&cookie), &report(&key(0), vec![]))).await;
    assert_eq!(first.status().as_u16(), 201);
    // The outbox re-sending what is stored costs nothing against the limit.
    for _ in 0..5 {
        let again = send(&t, post(Some(&cookie), &report(&key(0), vec![]))).await;
        assert_eq!(again.status().as_u16(), 200);
    }
    for n in 1..limit {
        let res = send(&t, post(Some(&cookie), &report(&key(n), vec![]))).await;
        assert_eq!(res.status().as_u16(), 201, "{n}");
    }
    let over = send(&t, post(Some(&cookie), &report(&key(999), vec![]))).await;
    assert_eq!(
        over.status().as_u16(),
        429,
        "the outbox keeps it and sends it later"
    );
    // Another person is not limited by this one.
    let other = log_in(&t, VOLUNTEER).await;
    let res = send(&t, post(Some(&other), &report(&key(1_000), vec![]))).await;
    assert_eq!(res.status().as_u16(), 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_referral_is_never_made_twice_and_assignment_is_picked_from_the_leaders_people() {
    let t = spawn_app().await;
    let reporter = log_in(&t, NEIGHBOUR).await;
    let res = send(
        &t,
        post(
            Some(&reporter),
            &report("0193a4f2-7b1c-7def-8123-00000000aaaa", vec![]),
        ),
    )
    .await;
    assert_eq!(res.status().as_u16(), 201);
    let id: i64 = serde_json::from_str::<Value>(&body_text(res).await).expect("json")["id"]
        .as_i64()
        .expect("id");
    let leader = log_in(&t, LEADER).await;
    let refer = format!("id={id}&step=refer&referral=police&referral_name=&note=");
    assert_eq!(call(&t, "step", refer.clone(), &leader).await.0, 200);
    let (status, body) = call(&t, "step", refer, &leader).await;
    assert_eq!(status, 422);
    assert!(body.contains(r#""key":"StepRepeated""#), "{body}");
    assert_eq!(
        stored_incident(&t, id).await.summary.status,
        domain::incident::IncidentStatus::Referred
    );
    let timeline = t
        .store
        .incident_events(domain::incident::port::IncidentId(id))
        .await
        .expect("timeline");
    assert_eq!(timeline.len(), 2, "the report and one referral");
    // Referring on to someone else is a new step, not a repeat.
    let committee = format!("id={id}&step=refer&referral=committee&referral_name=&note=");
    assert_eq!(call(&t, "step", committee, &leader).await.0, 200);

    // The list to assign from: the leader's people, by name, without phone numbers.
    let (status, body) = call(&t, "assignable", format!("id={id}"), &leader).await;
    assert_eq!(status, 200, "{body}");
    let people: Vec<Value> = serde_json::from_str(&body).expect("json");
    assert!(!people.is_empty());
    assert!(!body.contains("phone"), "no numbers: {body}");
    let someone = people[0]["id"].as_i64().expect("id");
    assert_eq!(
        call(
            &t,
            "assign",
            format!("id={id}&volunteer_id={someone}"),
            &leader
        )
        .await
        .0,
        200
    );
    assert_eq!(
        stored_incident(&t, id).await.assignee.map(|(v, _)| v.0),
        Some(someone)
    );
}
