//! The SMS adapters against local fakes of Aliyun and Tencent Cloud over real HTTP.
//!
//! Like the real providers, each fake recomputes the request's signature from what it received,
//! with the secret it knows, and refuses a mismatch. The recomputation below is written from the
//! providers' documents on its own and shares no code with `server::notify::sms`: a mistake in
//! the adapter's signing (or in how it puts the signed data on the wire) cannot hide behind the
//! same mistake here.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use base64::Engine as _;
use chrono::{NaiveDateTime, Utc};
use domain::PhoneNumber;
use hmac::{Hmac, Mac};
use secrecy::SecretString;
use server::notify::sms::{sender, AliyunConfig, SmsError, SmsMessage, SmsProvider, TencentConfig};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SECRET: &str = "fake-provider-secret";
const KEY_ID: &str = "fake-key-id";
const SIGN_NAME: &str = "平安马甲";

/// How a fake answers once the signature checks out.
#[derive(Clone, Copy)]
enum Mode {
    Accept,
    Http500,
    /// Aliyun `isv.BUSINESS_LIMIT_CONTROL` / Tencent per-number `LimitExceeded.*`.
    Throttle,
}

struct Fake {
    mode: Mode,
    nonces: Mutex<HashSet<String>>,
    /// Aliyun: the decoded form; Tencent: the JSON body plus the `X-TC-*` headers.
    seen: Mutex<Vec<BTreeMap<String, String>>>,
}

async fn start(mode: Mode, route: Router<Arc<Fake>>) -> (SocketAddr, Arc<Fake>) {
    let fake = Arc::new(Fake {
        mode,
        nonces: Mutex::new(HashSet::new()),
        seen: Mutex::new(Vec::new()),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = route.with_state(fake.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, fake)
}

fn message() -> SmsMessage {
    SmsMessage {
        phone: PhoneNumber::parse("13812341234").expect("valid"),
        template: "SMS_4600001".into(),
        params: vec![
            ("name".into(), "张三".into()),
            ("site".into(), "东门岗 & 北门 (8:00)".into()),
        ],
    }
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("key");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn within_fifteen_minutes(unix: i64) -> bool {
    (Utc::now().timestamp() - unix).abs() <= 15 * 60
}

// ---------------------------------------------------------------- Aliyun

/// The percent-encoding Aliyun documents, char by char: unreserved ASCII stays, each UTF-8 byte
/// of anything else becomes `%XX`.
fn aliyun_encode(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || "-_.~".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out += &format!("%{b:02X}");
            }
        }
    }
    out
}

/// `application/x-www-form-urlencoded` decoding, as a server framework would do it.
fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ascii");
                out.push(u8::from_str_radix(hex, 16).expect("hex escape"));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).expect("utf-8 form")
}

fn aliyun_expected_signature(params: &BTreeMap<String, String>, secret: &str) -> String {
    // BTreeMap iterates in byte order of the names, which is the order Aliyun sorts by.
    let canonical = params
        .iter()
        .filter(|(k, _)| k.as_str() != "Signature")
        .map(|(k, v)| format!("{}={}", aliyun_encode(k), aliyun_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let to_sign = format!("POST&{}&{}", aliyun_encode("/"), aliyun_encode(&canonical));
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(format!("{secret}&").as_bytes()).expect("key");
    mac.update(to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn aliyun_error(status: StatusCode, code: &str, text: &str) -> (StatusCode, String) {
    let body = serde_json::json!({"Code": code, "Message": text, "RequestId": "fake-request"});
    (status, body.to_string())
}

async fn aliyun_handler(State(fake): State<Arc<Fake>>, body: String) -> (StatusCode, String) {
    let params: BTreeMap<String, String> = body
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (form_decode(k), form_decode(v)))
        .collect();
    let get = |k: &str| params.get(k).cloned().unwrap_or_default();
    if get("AccessKeyId") != KEY_ID {
        return aliyun_error(StatusCode::NOT_FOUND, "InvalidAccessKeyId.NotFound", "key");
    }
    if get("SignatureMethod") != "HMAC-SHA1" || get("SignatureVersion") != "1.0" {
        return aliyun_error(StatusCode::BAD_REQUEST, "InvalidSignatureMethod", "method");
    }
    if get("Signature") != aliyun_expected_signature(&params, SECRET) {
        return aliyun_error(
            StatusCode::BAD_REQUEST,
            "SignatureDoesNotMatch",
            "Specified signature is not matched with our calculation.",
        );
    }
    let fresh = NaiveDateTime::parse_from_str(&get("Timestamp"), "%Y-%m-%dT%H:%M:%SZ")
        .is_ok_and(|t| within_fifteen_minutes(t.and_utc().timestamp()));
    if !fresh {
        return aliyun_error(StatusCode::BAD_REQUEST, "InvalidTimeStamp.Expired", "time");
    }
    if !fake
        .nonces
        .lock()
        .expect("lock")
        .insert(get("SignatureNonce"))
    {
        return aliyun_error(StatusCode::BAD_REQUEST, "SignatureNonceUsed", "nonce");
    }
    fake.seen.lock().expect("lock").push(params.clone());
    match fake.mode {
        Mode::Http500 => aliyun_error(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", "x"),
        Mode::Throttle => aliyun_error(
            StatusCode::OK,
            "isv.BUSINESS_LIMIT_CONTROL",
            "触发分钟级流控",
        ),
        Mode::Accept => {
            let body = serde_json::json!({
                "Code": "OK", "Message": "OK", "BizId": "fake-biz-1", "RequestId": "fake-request",
            });
            (StatusCode::OK, body.to_string())
        }
    }
}

async fn aliyun_fake(mode: Mode) -> (SocketAddr, Arc<Fake>) {
    start(mode, Router::new().route("/", post(aliyun_handler))).await
}

fn aliyun(addr: SocketAddr, secret: &str) -> SmsProvider {
    SmsProvider::Aliyun(AliyunConfig {
        base_url: format!("http://{addr}/"),
        access_key_id: KEY_ID.into(),
        access_key_secret: SecretString::from(secret.to_owned()),
        sign_name: SIGN_NAME.into(),
        region: "cn-hangzhou".into(),
    })
}

#[tokio::test]
async fn aliyun_sends_a_signed_text_the_fake_accepts() {
    let (addr, fake) = aliyun_fake(Mode::Accept).await;
    let sms = sender(&aliyun(addr, SECRET));
    assert_eq!(sms.provider(), "aliyun");
    let receipt = sms.send(&message()).await.expect("accepted");
    assert_eq!(receipt.provider_id, "fake-biz-1");
    // A second text carries a fresh nonce, or the fake would refuse it as a replay.
    sms.send(&message()).await.expect("accepted again");

    let seen = fake.seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 2);
    let form = &seen[0];
    assert_eq!(form["Action"], "SendSms");
    assert_eq!(form["Version"], "2017-05-25");
    assert_eq!(form["RegionId"], "cn-hangzhou");
    assert_eq!(form["PhoneNumbers"], "13812341234");
    assert_eq!(form["SignName"], SIGN_NAME);
    assert_eq!(form["TemplateCode"], "SMS_4600001");
    let params: serde_json::Value =
        serde_json::from_str(&form["TemplateParam"]).expect("TemplateParam is JSON");
    assert_eq!(
        params,
        serde_json::json!({"name": "张三", "site": "东门岗 & 北门 (8:00)"})
    );
}

#[tokio::test]
async fn aliyun_with_the_wrong_secret_is_refused() {
    let (addr, fake) = aliyun_fake(Mode::Accept).await;
    let outcome = sender(&aliyun(addr, "not-the-secret"))
        .send(&message())
        .await;
    assert!(
        matches!(&outcome, Err(SmsError::Refused { code, .. }) if code == "SignatureDoesNotMatch"),
        "{outcome:?}"
    );
    assert!(fake.seen.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn aliyun_answering_500_is_retried() {
    let (addr, _fake) = aliyun_fake(Mode::Http500).await;
    let outcome = sender(&aliyun(addr, SECRET)).send(&message()).await;
    assert!(
        matches!(outcome, Err(SmsError::Retry { .. })),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn aliyun_business_limit_control_is_retried_after_a_minute() {
    let (addr, _fake) = aliyun_fake(Mode::Throttle).await;
    let outcome = sender(&aliyun(addr, SECRET)).send(&message()).await;
    assert_eq!(
        outcome.map(|r| r.provider_id),
        Err(SmsError::Retry {
            code: "isv.BUSINESS_LIMIT_CONTROL".into(),
            after: Some(Duration::from_secs(60)),
        })
    );
}

// ---------------------------------------------------------------- Tencent

/// TC3-HMAC-SHA256 as Tencent's "Signature v3" document lays it out, over the headers and body
/// this request actually carried.
fn tencent_expected_signature(headers: &HeaderMap, body: &[u8], secret: &str) -> Option<String> {
    let header = |name: &str| headers.get(name)?.to_str().ok().map(str::trim);
    let timestamp: i64 = header("x-tc-timestamp")?.parse().ok()?;
    let date = chrono::DateTime::from_timestamp(timestamp, 0)?
        .date_naive()
        .to_string();
    let canonical_headers = format!(
        "content-type:{}\nhost:{}\n",
        header("content-type")?.to_lowercase(),
        header("host")?.to_lowercase()
    );
    let canonical_request = [
        "POST",
        "/",
        "",
        &canonical_headers,
        "content-type;host",
        &to_hex(&Sha256::digest(body)),
    ]
    .join("\n");
    let string_to_sign = [
        "TC3-HMAC-SHA256".to_owned(),
        timestamp.to_string(),
        format!("{date}/sms/tc3_request"),
        to_hex(&Sha256::digest(canonical_request.as_bytes())),
    ]
    .join("\n");
    let mut key = format!("TC3{secret}").into_bytes();
    for part in [date.as_str(), "sms", "tc3_request"] {
        key = hmac_sha256(&key, part.as_bytes());
    }
    Some(format!(
        "TC3-HMAC-SHA256 Credential={KEY_ID}/{date}/sms/tc3_request, \
         SignedHeaders=content-type;host, Signature={}",
        to_hex(&hmac_sha256(&key, string_to_sign.as_bytes()))
    ))
}

fn tencent_error(code: &str) -> (StatusCode, String) {
    let body = serde_json::json!({"Response": {
        "Error": {"Code": code, "Message": "fake refusal"}, "RequestId": "fake-request",
    }});
    (StatusCode::OK, body.to_string())
}

async fn tencent_handler(
    State(fake): State<Arc<Fake>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let authorization = header("authorization");
    if tencent_expected_signature(&headers, &body, SECRET).as_deref() != Some(&authorization) {
        return tencent_error("AuthFailure.SignatureFailure");
    }
    let fresh = header("x-tc-timestamp")
        .parse::<i64>()
        .is_ok_and(within_fifteen_minutes);
    if !fresh {
        return tencent_error("AuthFailure.SignatureExpire");
    }
    let json: serde_json::Value = serde_json::from_slice(&body).expect("JSON body");
    let mut seen = BTreeMap::new();
    seen.insert("body".to_owned(), json.to_string());
    for name in ["x-tc-action", "x-tc-version", "x-tc-region"] {
        seen.insert(name.to_owned(), header(name));
    }
    fake.seen.lock().expect("lock").push(seen);
    let (code, message) = match fake.mode {
        Mode::Http500 => return (StatusCode::INTERNAL_SERVER_ERROR, "oops".into()),
        Mode::Throttle => (
            "LimitExceeded.PhoneNumberDailyLimit",
            "the number has reached its daily limit",
        ),
        Mode::Accept => ("Ok", "send success"),
    };
    let number = json["PhoneNumberSet"][0].clone();
    let body = serde_json::json!({"Response": {
        "SendStatusSet": [{
            "SerialNo": "2028:fake-serial", "PhoneNumber": number, "Fee": 1,
            "SessionContext": "", "Code": code, "Message": message, "IsoCode": "CN",
        }],
        "RequestId": "fake-request",
    }});
    (StatusCode::OK, body.to_string())
}

async fn tencent_fake(mode: Mode) -> (SocketAddr, Arc<Fake>) {
    start(mode, Router::new().route("/", post(tencent_handler))).await
}

fn tencent(addr: SocketAddr, secret: &str) -> SmsProvider {
    SmsProvider::Tencent(TencentConfig {
        base_url: format!("http://{addr}/"),
        secret_id: KEY_ID.into(),
        secret_key: SecretString::from(secret.to_owned()),
        sdk_app_id: "1400000001".into(),
        sign_name: SIGN_NAME.into(),
        region: "ap-guangzhou".into(),
    })
}

#[tokio::test]
async fn tencent_sends_a_signed_text_the_fake_accepts() {
    let (addr, fake) = tencent_fake(Mode::Accept).await;
    let sms = sender(&tencent(addr, SECRET));
    assert_eq!(sms.provider(), "tencent");
    let receipt = sms.send(&message()).await.expect("accepted");
    assert_eq!(receipt.provider_id, "2028:fake-serial");

    let seen = fake.seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["x-tc-action"], "SendSms");
    assert_eq!(seen[0]["x-tc-version"], "2021-01-11");
    assert_eq!(seen[0]["x-tc-region"], "ap-guangzhou");
    let body: serde_json::Value = serde_json::from_str(&seen[0]["body"]).expect("json");
    assert_eq!(
        body,
        serde_json::json!({
            "PhoneNumberSet": ["+8613812341234"],
            "SmsSdkAppId": "1400000001",
            "SignName": SIGN_NAME,
            "TemplateId": "SMS_4600001",
            "TemplateParamSet": ["张三", "东门岗 & 北门 (8:00)"],
        })
    );
}

#[tokio::test]
async fn tencent_with_the_wrong_secret_is_refused() {
    let (addr, fake) = tencent_fake(Mode::Accept).await;
    let outcome = sender(&tencent(addr, "not-the-secret"))
        .send(&message())
        .await;
    assert!(
        matches!(&outcome, Err(SmsError::Refused { code, .. }) if code == "AuthFailure.SignatureFailure"),
        "{outcome:?}"
    );
    assert!(fake.seen.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn tencent_answering_500_is_retried() {
    let (addr, _fake) = tencent_fake(Mode::Http500).await;
    let outcome = sender(&tencent(addr, SECRET)).send(&message()).await;
    assert!(
        matches!(outcome, Err(SmsError::Retry { .. })),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn tencent_per_number_limit_is_retried() {
    let (addr, _fake) = tencent_fake(Mode::Throttle).await;
    let outcome = sender(&tencent(addr, SECRET)).send(&message()).await;
    assert!(
        matches!(&outcome, Err(SmsError::Retry { code, after: Some(_) })
            if code == "LimitExceeded.PhoneNumberDailyLimit"),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_provider_that_is_not_listening_is_retried() {
    // Bind and drop to get a port nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    for provider in [aliyun(addr, SECRET), tencent(addr, SECRET)] {
        let outcome = sender(&provider).send(&message()).await;
        assert!(
            matches!(outcome, Err(SmsError::Retry { .. })),
            "{outcome:?}"
        );
    }
}
