//! The registration code over real HTTP, with Aliyun's SMS played by a local fake: without the
//! texted code nothing is stored; a wrong, reused or exhausted code is refused at its field; a
//! number gets one text a minute; the right code stores the application once.

mod common;

use axum::extract::State;
use axum::routing::post;
use axum::{Form, Router};
use common::app::{body_text, send, server_fn, spawn_app_with, TestApp};
use secrecy::SecretString;
use server::notify::config::NotifyFile;
use server::notify::sms::{AliyunConfig, SmsProvider};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// What the fake provider was asked to text: (number, code).
type Texts = Arc<Mutex<Vec<(String, String)>>>;

async fn fake_aliyun() -> (String, Texts) {
    let texts: Texts = Arc::default();
    let app = Router::new()
        .route(
            "/",
            post(
                |State(texts): State<Texts>, Form(form): Form<BTreeMap<String, String>>| async move {
                    let signed = form.contains_key("Signature") && form.contains_key("SignatureNonce");
                    let param: serde_json::Value = form
                        .get("TemplateParam")
                        .and_then(|p| serde_json::from_str(p).ok())
                        .unwrap_or_default();
                    match (signed, form.get("PhoneNumbers"), param["code"].as_str()) {
                        (true, Some(phone), Some(code)) if form.get("TemplateCode").map(String::as_str) == Some("SMS_CODE") => {
                            texts.lock().expect("lock").push((phone.clone(), code.to_owned()));
                            r#"{"Code":"OK","Message":"OK","BizId":"1","RequestId":"r"}"#.to_owned()
                        }
                        _ => r#"{"Code":"isv.INVALID_PARAMETERS","Message":"bad"}"#.to_owned(),
                    }
                },
            ),
        )
        .with_state(texts.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/"), texts)
}

async fn app_with_sms() -> (TestApp, Texts) {
    let (url, texts) = fake_aliyun().await;
    let t = spawn_app_with(move |file| {
        file.notify = Some(NotifyFile {
            sms: Some(SmsProvider::Aliyun(AliyunConfig {
                base_url: url,
                access_key_id: "id".into(),
                access_key_secret: SecretString::from("secret"),
                sign_name: "平安马甲".into(),
                region: "cn-hangzhou".into(),
            })),
            sms_code_template: Some("SMS_CODE".into()),
            ..Default::default()
        });
    })
    .await;
    (t, texts)
}

async fn community(t: &TestApp) -> i64 {
    let district = t.store.child_areas(None).await.expect("roots")[0].id;
    let street = t.store.child_areas(Some(district)).await.expect("streets")[0].id;
    t.store
        .child_areas(Some(street))
        .await
        .expect("communities")[0]
        .id
        .0
}

async fn apply(t: &TestApp, phone: &str, code: &str) -> (u16, String) {
    let body = serde_json::json!({"input": {
        "name": "李明", "phone": phone, "password": "平安巡逻2026",
        "community_id": community(t).await, "id_number": "", "skills": [],
        "consent": true, "code": code,
    }});
    let res = send(
        t,
        server_fn("volunteers/apply", body.to_string(), true, None),
    )
    .await;
    let status = res.status().as_u16();
    (status, body_text(res).await)
}

async fn ask_code(t: &TestApp, phone: &str) -> (u16, String) {
    let res = send(
        t,
        server_fn(
            "volunteers/send-code",
            format!("phone={phone}"),
            false,
            None,
        ),
    )
    .await;
    let status = res.status().as_u16();
    (status, body_text(res).await)
}

async fn stored(t: &TestApp, phone: &str) -> bool {
    let phone = domain::PhoneNumber::parse(phone).expect("phone");
    t.store
        .volunteer_by_phone(&phone)
        .await
        .expect("lookup")
        .is_some()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_application_needs_the_code_texted_to_its_number() {
    let (t, texts) = app_with_sms().await;
    let needed = send(
        &t,
        server_fn("volunteers/code-needed", String::new(), false, None),
    )
    .await;
    assert_eq!(body_text(needed).await, "true");

    // No code, a malformed number: refused, translated, nothing stored or sent.
    let (status, body) = apply(&t, "13912340001", "").await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("PhoneCodeRequired"), "{body}");
    let (status, body) = ask_code(&t, "1391234").await;
    assert_eq!(status, 422, "{body}");
    assert!(texts.lock().expect("lock").is_empty());
    // A number already registered gets no text.
    let (status, _) = ask_code(&t, "13800000005").await;
    assert_eq!(status, 422);

    let (status, body) = ask_code(&t, "13912340001").await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("139****0001"),
        "the page repeats the number masked: {body}"
    );
    let code = texts
        .lock()
        .expect("lock")
        .last()
        .expect("texted")
        .1
        .clone();
    assert_eq!(code.len(), 6);
    // Another text within the minute is refused: the form cannot flood a phone.
    let (status, _) = ask_code(&t, "13912340001").await;
    assert_eq!(status, 429);
    assert_eq!(texts.lock().expect("lock").len(), 1);

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, body) = apply(&t, "13912340001", wrong).await;
    assert_eq!(status, 422);
    assert!(body.contains("PhoneCodeWrong"), "{body}");
    assert!(!stored(&t, "13912340001").await);

    let (status, body) = apply(&t, "13912340001", &code).await;
    assert_eq!(status, 200, "{body}");
    assert!(stored(&t, "13912340001").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_codes_spend_it_and_a_code_is_for_its_own_number() {
    let (t, texts) = app_with_sms().await;
    assert_eq!(ask_code(&t, "13912340002").await.0, 200);
    let code = texts
        .lock()
        .expect("lock")
        .last()
        .expect("texted")
        .1
        .clone();
    // The right code for another number is no code for this one.
    assert_eq!(apply(&t, "13912340003", &code).await.0, 422);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let (status, body) = apply(&t, "13912340002", wrong).await;
        assert_eq!(status, 422, "{body}");
    }
    let (status, body) = apply(&t, "13912340002", &code).await;
    assert_eq!(status, 422);
    assert!(body.contains("PhoneCodeTooManyTries"), "{body}");
    assert!(!stored(&t, "13912340002").await);
}
