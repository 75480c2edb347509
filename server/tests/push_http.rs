//! Web Push against a local fake push service. The fake checks what a real one checks (the
//! RFC 8292 VAPID token and key, TTL, the content coding) and then plays the browser: it
//! decrypts the body with its own RFC 8291/8188 code written here from the RFCs, so a sender
//! that encrypted wrongly cannot pass by agreeing with itself.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hkdf::Hkdf;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use rand::RngCore;
use server::notify::push::{PushError, Subscription, Urgency, VapidKeys, WebPush};
use sha2::Sha256;

/// The browser's half of a subscription: the key pair and auth secret PushManager keeps.
struct Browser {
    secret: SecretKey,
    auth: [u8; 16],
}

impl Browser {
    fn new() -> Self {
        let mut rng = rand::rng();
        let mut auth = [0u8; 16];
        rng.fill_bytes(&mut auth);
        let secret = loop {
            let mut bytes = [0u8; 32];
            rng.fill_bytes(&mut bytes);
            if let Ok(secret) = SecretKey::from_slice(&bytes) {
                break secret;
            }
        };
        Self { secret, auth }
    }

    fn public_bytes(&self) -> Vec<u8> {
        self.secret
            .public_key()
            .to_encoded_point(false)
            .as_bytes()
            .to_vec()
    }

    /// What `PushSubscription.toJSON()` would hand the page for this browser.
    fn subscription(&self, endpoint: String) -> Subscription {
        Subscription {
            endpoint,
            p256dh: URL_SAFE_NO_PAD.encode(self.public_bytes()),
            auth: URL_SAFE_NO_PAD.encode(self.auth),
        }
    }

    /// RFC 8188 §2 / RFC 8291 §3.4 decryption, as a user agent does it.
    fn decrypt(&self, body: &[u8]) -> Result<Vec<u8>, String> {
        if body.len() < 21 {
            return Err("body shorter than the content coding header".into());
        }
        let salt = &body[..16];
        let record_size = u32::from_be_bytes([body[16], body[17], body[18], body[19]]);
        let id_len = usize::from(body[20]);
        if id_len != 65 || body.len() < 21 + id_len {
            return Err(format!("keyid of {id_len} bytes is not a P-256 point"));
        }
        let as_public_bytes = &body[21..21 + id_len];
        let record = &body[21 + id_len..];
        if record.len() > record_size as usize || record.len() < 17 {
            return Err("not exactly one record".into());
        }
        let as_public =
            PublicKey::from_sec1_bytes(as_public_bytes).map_err(|_| "keyid not on P-256")?;
        let shared =
            p256::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), as_public.as_affine());

        let mut key_info = b"WebPush: info\x00".to_vec();
        key_info.extend(self.public_bytes());
        key_info.extend(as_public_bytes);
        let mut ikm = [0u8; 32];
        Hkdf::<Sha256>::new(Some(&self.auth), shared.raw_secret_bytes())
            .expand(&key_info, &mut ikm)
            .map_err(|_| "hkdf")?;
        let content = Hkdf::<Sha256>::new(Some(salt), &ikm);
        let mut cek = [0u8; 16];
        content
            .expand(b"Content-Encoding: aes128gcm\x00", &mut cek)
            .map_err(|_| "hkdf")?;
        let mut nonce = [0u8; 12];
        content
            .expand(b"Content-Encoding: nonce\x00", &mut nonce)
            .map_err(|_| "hkdf")?;

        let padded = Aes128Gcm::new_from_slice(&cek)
            .map_err(|_| "cek")?
            .decrypt(Nonce::from_slice(&nonce), record)
            .map_err(|_| "authentication tag does not verify")?;
        // Padding is zeros after the delimiter; the last record's delimiter is 0x02.
        let end = padded
            .iter()
            .rposition(|&byte| byte != 0)
            .ok_or("no padding delimiter")?;
        if padded[end] != 0x02 {
            return Err(format!("delimiter {:#04x}, expected 0x02", padded[end]));
        }
        Ok(padded[..end].to_vec())
    }
}

/// What the fake answers once a request has passed every check.
#[derive(Clone, Copy)]
enum Answer {
    Created,
    Status(StatusCode, Option<&'static str>),
}

struct Delivered {
    plaintext: Vec<u8>,
    ttl: u32,
    urgency: Option<String>,
}

struct FakePushService {
    origin: String,
    /// The `applicationServerKey` the browser subscribed with.
    expected_key: String,
    browser: Browser,
    answer: Answer,
    delivered: Mutex<Vec<Delivered>>,
    rejected: Mutex<Vec<(StatusCode, String)>>,
}

impl FakePushService {
    async fn start(expected_key: String, answer: Answer) -> Arc<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let origin = format!("http://{}", listener.local_addr().expect("address"));
        let fake = Arc::new(Self {
            origin,
            expected_key,
            browser: Browser::new(),
            answer,
            delivered: Mutex::new(Vec::new()),
            rejected: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .route("/push/{id}", post(receive))
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        fake
    }

    fn endpoint(&self) -> String {
        format!("{}/push/JzLQ3raZJfFBR0aqvOMsLrt54w4rJUsV", self.origin)
    }

    fn delivered(&self) -> Vec<Vec<u8>> {
        let delivered = self.delivered.lock().expect("lock");
        delivered.iter().map(|d| d.plaintext.clone()).collect()
    }

    fn rejections(&self) -> Vec<(StatusCode, String)> {
        self.rejected.lock().expect("lock").clone()
    }

    /// RFC 8292 §3–4: the token must be a valid ES256 JWT signed by `k`, for this origin,
    /// unexpired and at most 24 h ahead, with a contact; `k` must be the subscription's key.
    fn check_vapid(&self, headers: &HeaderMap) -> Result<(), (StatusCode, String)> {
        let unauthorized = |why: &str| (StatusCode::UNAUTHORIZED, why.to_owned());
        let value = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .ok_or_else(|| unauthorized("no Authorization"))?;
        let params = value
            .strip_prefix("vapid ")
            .ok_or_else(|| unauthorized("not the vapid scheme"))?;
        let (mut token, mut key) = (None, None);
        for param in params.split(',').map(str::trim) {
            if let Some(t) = param.strip_prefix("t=") {
                token = Some(t);
            } else if let Some(k) = param.strip_prefix("k=") {
                key = Some(k);
            }
        }
        let (token, key) = token
            .zip(key)
            .ok_or_else(|| unauthorized("t or k missing"))?;

        let key_bytes = URL_SAFE_NO_PAD
            .decode(key)
            .map_err(|_| unauthorized("k not base64url"))?;
        let verifying =
            VerifyingKey::from_sec1_bytes(&key_bytes).map_err(|_| unauthorized("k not P-256"))?;
        let parts: Vec<&str> = token.split('.').collect();
        let [head, claims, signature] = parts[..] else {
            return Err(unauthorized("token is not a JWS"));
        };
        let decode_json = |part: &str| -> Result<serde_json::Value, (StatusCode, String)> {
            let bytes = URL_SAFE_NO_PAD
                .decode(part)
                .map_err(|_| unauthorized("part not base64url"))?;
            serde_json::from_slice(&bytes).map_err(|_| unauthorized("part not JSON"))
        };
        let head = decode_json(head)?;
        if head["alg"] != "ES256" || head["typ"] != "JWT" {
            return Err(unauthorized("header is not typ JWT, alg ES256"));
        }
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .ok()
            .and_then(|bytes| Signature::from_slice(&bytes).ok())
            .ok_or_else(|| unauthorized("signature is not 64-byte r||s"))?;
        let signing_input = token
            .rsplit_once('.')
            .map(|(input, _)| input)
            .unwrap_or_default();
        verifying
            .verify(signing_input.as_bytes(), &signature)
            .map_err(|_| unauthorized("signature does not verify with k"))?;

        let claims = decode_json(claims)?;
        if claims["aud"] != self.origin.as_str() {
            return Err(unauthorized("aud is not this push service's origin"));
        }
        let now = chrono::Utc::now().timestamp();
        let exp = claims["exp"]
            .as_i64()
            .ok_or_else(|| unauthorized("no exp"))?;
        if exp <= now || exp > now + 24 * 3600 {
            return Err(unauthorized("exp not within the next 24 h"));
        }
        let sub = claims["sub"].as_str().unwrap_or_default();
        if !(sub.starts_with("mailto:") || sub.starts_with("https://")) {
            return Err(unauthorized("sub is not a contact"));
        }
        if key != self.expected_key {
            return Err((
                StatusCode::FORBIDDEN,
                "k is not the subscription's applicationServerKey".into(),
            ));
        }
        Ok(())
    }

    fn accept(&self, headers: &HeaderMap, body: &[u8]) -> Result<Answer, (StatusCode, String)> {
        self.check_vapid(headers)?;
        let bad = |why: &str| (StatusCode::BAD_REQUEST, why.to_owned());
        let ttl = headers
            .get("ttl")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u32>().ok())
            .ok_or_else(|| bad("TTL missing"))?;
        if headers
            .get(header::CONTENT_ENCODING)
            .map(|value| value.as_bytes())
            != Some(b"aes128gcm".as_slice())
        {
            return Err(bad("Content-Encoding is not aes128gcm"));
        }
        if body.len() > 4096 {
            return Err((StatusCode::PAYLOAD_TOO_LARGE, "over 4096 bytes".into()));
        }
        if let Answer::Status(..) = self.answer {
            return Ok(self.answer);
        }
        let plaintext = self.browser.decrypt(body).map_err(|why| bad(&why))?;
        let urgency = headers
            .get("urgency")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        self.delivered.lock().expect("lock").push(Delivered {
            plaintext,
            ttl,
            urgency,
        });
        Ok(Answer::Created)
    }
}

async fn receive(
    State(fake): State<Arc<FakePushService>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match fake.accept(&headers, &body) {
        Ok(Answer::Created) => StatusCode::CREATED.into_response(),
        Ok(Answer::Status(status, None)) => status.into_response(),
        Ok(Answer::Status(status, Some(retry_after))) => {
            (status, [(header::RETRY_AFTER, retry_after)]).into_response()
        }
        Err((status, why)) => {
            fake.rejected
                .lock()
                .expect("lock")
                .push((status, why.clone()));
            (status, why).into_response()
        }
    }
}

fn sender(secret: &[u8]) -> WebPush {
    WebPush::new(
        VapidKeys::derive(secret),
        "mailto:ops@pingan.example.cn".into(),
    )
}

#[tokio::test]
async fn a_json_payload_with_chinese_text_arrives_decrypted_intact() {
    let push = sender(b"server secret");
    let fake = FakePushService::start(push.public_key(), Answer::Created).await;
    let to = fake.browser.subscription(fake.endpoint());
    let payload = serde_json::json!({
        "title": "巡逻提醒",
        "body": "您在朝阳区望京街道的值守班次 19:00 开始，请准时签到。🦺",
        "url": "/shifts/42",
    })
    .to_string();

    push.send(&to, payload.as_bytes(), 3600, Urgency::High)
        .await
        .expect("delivered");

    assert_eq!(fake.rejections(), Vec::new());
    assert_eq!(fake.delivered(), vec![payload.into_bytes()]);
    let delivered = fake.delivered.lock().expect("lock");
    assert_eq!(delivered[0].ttl, 3600);
    assert_eq!(delivered[0].urgency.as_deref(), Some("high"));
}

#[tokio::test]
async fn a_sender_with_another_vapid_key_is_refused() {
    let subscribed_with = sender(b"server secret");
    let impostor = sender(b"some other secret");
    let fake = FakePushService::start(subscribed_with.public_key(), Answer::Created).await;
    let to = fake.browser.subscription(fake.endpoint());

    let result = impostor.send(&to, b"{}", 60, Urgency::Normal).await;

    assert!(
        matches!(result, Err(PushError::Refused(_))),
        "got {result:?}"
    );
    let rejections = fake.rejections();
    assert_eq!(rejections.len(), 1);
    assert!(matches!(
        rejections[0].0,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
    ));
    assert!(fake.delivered().is_empty());
}

#[tokio::test]
async fn an_unsubscribed_browser_is_reported_gone() {
    let push = sender(b"server secret");
    let fake =
        FakePushService::start(push.public_key(), Answer::Status(StatusCode::GONE, None)).await;
    let to = fake.browser.subscription(fake.endpoint());

    let result = push.send(&to, b"{}", 60, Urgency::Low).await;

    assert!(matches!(result, Err(PushError::Gone)), "got {result:?}");
    assert_eq!(
        fake.rejections(),
        Vec::new(),
        "the request itself was valid"
    );
}

#[tokio::test]
async fn a_busy_push_service_asks_to_retry_after_its_delay() {
    let push = sender(b"server secret");
    let fake = FakePushService::start(
        push.public_key(),
        Answer::Status(StatusCode::TOO_MANY_REQUESTS, Some("30")),
    )
    .await;
    let to = fake.browser.subscription(fake.endpoint());

    let result = push.send(&to, b"{}", 60, Urgency::VeryLow).await;

    match result {
        Err(PushError::Retry(reason, after)) => {
            assert_eq!(after, Some(Duration::from_secs(30)));
            assert!(
                !reason.contains("JzLQ3raZ"),
                "the capability URL stays out of errors: {reason}"
            );
        }
        other => panic!("expected Retry, got {other:?}"),
    }
}

#[tokio::test]
async fn a_payload_encrypted_for_another_subscriber_does_not_decrypt() {
    let push = sender(b"server secret");
    let fake = FakePushService::start(push.public_key(), Answer::Created).await;
    // Same endpoint, but the keys of a different browser: the fake's browser cannot read it.
    let stranger = Browser::new();
    let to = stranger.subscription(fake.endpoint());

    let result = push
        .send(&to, b"{\"title\":\"hi\"}", 60, Urgency::Normal)
        .await;

    assert!(
        matches!(result, Err(PushError::Refused(_))),
        "got {result:?}"
    );
    let rejections = fake.rejections();
    assert_eq!(rejections.len(), 1);
    assert_eq!(rejections[0].0, StatusCode::BAD_REQUEST);
    assert!(
        rejections[0].1.contains("tag does not verify"),
        "{rejections:?}"
    );
    assert!(fake.delivered().is_empty());
}

#[tokio::test]
async fn an_unreachable_push_service_is_a_retry_that_does_not_quote_the_endpoint() {
    let push = sender(b"server secret");
    // Bind and drop, so the port is (almost certainly) closed.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let browser = Browser::new();
    let to = browser.subscription(format!("http://{address}/push/capability-token"));

    match push.send(&to, b"{}", 60, Urgency::Normal).await {
        Err(PushError::Retry(reason, None)) => {
            assert!(!reason.contains("capability-token"), "{reason}");
        }
        other => panic!("expected Retry, got {other:?}"),
    }
}
