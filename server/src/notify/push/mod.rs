//! Web Push: delivery to the browser's push service (RFC 8030), with the payload encrypted for
//! the subscriber (RFC 8291, `crypto`) and the request signed with the server's VAPID key
//! (RFC 8292, `vapid`). The endpoint is a capability URL (whoever knows it can push to the
//! volunteer), so only its host ever reaches a log line or an error message.

mod crypto;
mod vapid;

use std::fmt;
use std::time::Duration;

use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use p256::PublicKey;
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use serde::{Deserialize, Serialize};

pub use crypto::{encrypt_with, MAX_PAYLOAD};
pub use vapid::VapidKeys;

/// Browsers hand out unpadded base64url, but some client libraries re-encode with padding;
/// both name the same bytes.
const KEY_ENCODING: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A push service that neither answers nor fails within this is treated as busy.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// How much of a refusing push service's answer is kept for the operator.
const ERROR_BODY_CHARS: usize = 200;

#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// 404 or 410 from the push service: the subscription is gone; the caller deletes it.
    #[error("subscription gone")]
    Gone,
    /// 429, 5xx or a network error: try later (`after` from Retry-After when present).
    #[error("push service busy: {0}")]
    Retry(String, Option<Duration>),
    /// Any other answer (400, 401/403 bad VAPID, 413 too large), or a malformed subscription.
    #[error("push refused: {0}")]
    Refused(String),
}

/// RFC 8030 §5.3: lets the push service hold back low-value messages on a phone saving battery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    VeryLow,
    Low,
    Normal,
    High,
}

impl Urgency {
    fn header_value(self) -> &'static str {
        match self {
            Self::VeryLow => "very-low",
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
        }
    }
}

/// What the browser's PushManager.subscribe() returned.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Subscription {
    pub endpoint: String,
    /// base64url, the subscriber's 65-byte uncompressed P-256 point.
    pub p256dh: String,
    /// base64url, the subscriber's 16-byte authentication secret.
    pub auth: String,
}

/// A subscription whose fields have been decoded and checked.
struct Target {
    endpoint: Url,
    ua_public: PublicKey,
    auth: [u8; 16],
}

impl Subscription {
    /// Checks endpoint is an https URL (http allowed only for 127.0.0.1/localhost, for tests),
    /// p256dh decodes to a valid point, auth to 16 bytes.
    pub fn validate(&self) -> Result<(), PushError> {
        self.parse().map(|_| ())
    }

    fn parse(&self) -> Result<Target, PushError> {
        let refused = |why: &str| PushError::Refused(format!("malformed subscription: {why}"));
        let endpoint = Url::parse(&self.endpoint).map_err(|_| refused("endpoint is not a URL"))?;
        let local = matches!(endpoint.host_str(), Some("127.0.0.1" | "localhost"));
        match endpoint.scheme() {
            "https" if endpoint.host_str().is_some() => {}
            "http" if local => {}
            _ => return Err(refused("endpoint must be an https URL")),
        }
        if !endpoint.username().is_empty() || endpoint.password().is_some() {
            return Err(refused("endpoint must not carry credentials"));
        }

        let point = KEY_ENCODING
            .decode(self.p256dh.trim())
            .map_err(|_| refused("p256dh is not base64url"))?;
        // RFC 8291 §3.4 mixes the 65-byte uncompressed form into the key; nothing else will do.
        if point.len() != 65 || point[0] != 0x04 {
            return Err(refused("p256dh is not an uncompressed P-256 point"));
        }
        let ua_public = PublicKey::from_sec1_bytes(&point)
            .map_err(|_| refused("p256dh is not a point on P-256"))?;

        let auth = KEY_ENCODING
            .decode(self.auth.trim())
            .map_err(|_| refused("auth is not base64url"))?;
        let auth: [u8; 16] = auth
            .try_into()
            .map_err(|_| refused("auth is not 16 bytes"))?;
        Ok(Target {
            endpoint,
            ua_public,
            auth,
        })
    }

    /// The endpoint's host, the only part of it safe to log.
    pub fn host(&self) -> String {
        Url::parse(&self.endpoint)
            .ok()
            .and_then(|url| url.host_str().map(str::to_owned))
            .unwrap_or_else(|| "(invalid endpoint)".to_owned())
    }
}

/// Hand-written so that logging a subscription cannot leak the capability URL or the secret.
impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("host", &self.host())
            .finish_non_exhaustive()
    }
}

/// Sends Web Push messages with one HTTP client and the server's VAPID identity.
pub struct WebPush {
    keys: VapidKeys,
    subject: String,
    client: reqwest::Client,
}

impl WebPush {
    /// `subject`: "mailto:…" or an https URL (RFC 8292 `sub`), the contact a push service
    /// uses when our traffic misbehaves.
    pub fn new(keys: VapidKeys, subject: String) -> Self {
        if !(subject.starts_with("mailto:") || subject.starts_with("https://")) {
            tracing::warn!(%subject, "VAPID subject should be a mailto: or https: URL");
        }
        // No redirects: a push service never sends one, and following it would hand the
        // signed message to some other origin.
        let client = reqwest::Client::builder()
            .timeout(SEND_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|error| {
                tracing::error!(%error, "web push HTTP client setup failed; using defaults");
                reqwest::Client::new()
            });
        Self {
            keys,
            subject,
            client,
        }
    }

    pub fn public_key(&self) -> String {
        self.keys.public_key_base64url()
    }

    /// Encrypts `payload` (≤ 3,993 bytes so the record fits 4,096) for the subscription and
    /// POSTs it with TTL, Urgency, Content-Encoding: aes128gcm and the VAPID Authorization.
    /// 200/201/202 = Ok.
    pub async fn send(
        &self,
        to: &Subscription,
        payload: &[u8],
        ttl_seconds: u32,
        urgency: Urgency,
    ) -> Result<(), PushError> {
        let target = to.parse()?;
        let host = target.endpoint.host_str().unwrap_or_default().to_owned();
        let body = crypto::encrypt(payload, &target.ua_public, &target.auth)?;
        // RFC 8292 §2: the audience is the origin of the push resource.
        let audience = target.endpoint.origin().ascii_serialization();
        let authorization =
            self.keys
                .authorization(&audience, &self.subject, Utc::now().timestamp());

        let sent = self
            .client
            .post(target.endpoint)
            .header("TTL", ttl_seconds)
            .header("Urgency", urgency.header_value())
            .header(CONTENT_ENCODING, "aes128gcm")
            .header(CONTENT_TYPE, "application/octet-stream")
            .header(AUTHORIZATION, authorization)
            .body(body)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) => {
                // The error's text would otherwise quote the endpoint in full.
                let error = error.without_url();
                tracing::warn!(%host, %error, "web push not delivered: network error");
                return Err(PushError::Retry(format!("{host}: {error}"), None));
            }
        };

        let status = response.status();
        let retry_after = response.headers().get(RETRY_AFTER).cloned();
        let outcome = match classify(status, retry_after.as_ref(), Utc::now()) {
            Err(PushError::Refused(reason)) => {
                let detail = response.text().await.unwrap_or_default();
                let detail: String = detail.trim().chars().take(ERROR_BODY_CHARS).collect();
                Err(PushError::Refused(format!("{host}: {reason} {detail}")))
            }
            Err(PushError::Retry(reason, after)) => {
                Err(PushError::Retry(format!("{host}: {reason}"), after))
            }
            other => other,
        };
        match &outcome {
            Ok(()) => tracing::debug!(%host, %status, "web push accepted"),
            Err(PushError::Gone) => tracing::info!(%host, %status, "web push subscription gone"),
            Err(error) => tracing::warn!(%host, %status, %error, "web push not delivered"),
        }
        outcome
    }
}

/// Maps the push service's answer to what the delivery job should do next.
fn classify(
    status: StatusCode,
    retry_after: Option<&HeaderValue>,
    now: DateTime<Utc>,
) -> Result<(), PushError> {
    match status.as_u16() {
        200..=202 => Ok(()),
        404 | 410 => Err(PushError::Gone),
        429 | 500..=599 => Err(PushError::Retry(
            status.to_string(),
            retry_after
                .and_then(|value| value.to_str().ok())
                .and_then(|value| parse_retry_after(value, now)),
        )),
        _ => Err(PushError::Refused(status.to_string())),
    }
}

/// RFC 9110 §10.2.3: either delay-seconds or an HTTP-date.
fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?;
    let seconds = (at.with_timezone(&Utc) - now).num_seconds().max(0);
    u64::try_from(seconds).ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const UA_PUBLIC: &str =
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";

    fn subscription(endpoint: &str, p256dh: &str, auth: &str) -> Subscription {
        Subscription {
            endpoint: endpoint.to_owned(),
            p256dh: p256dh.to_owned(),
            auth: auth.to_owned(),
        }
    }

    fn refused(sub: &Subscription) -> String {
        match sub.validate() {
            Err(PushError::Refused(reason)) => reason,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_browser_subscription_is_accepted() {
        let https = subscription(
            "https://fcm.googleapis.com/fcm/send/abc:def",
            UA_PUBLIC,
            AUTH,
        );
        assert!(https.validate().is_ok());
        let padded = subscription(
            "https://push.example.net/x",
            UA_PUBLIC,
            "BTBZMqHH6r4Tts7J_aSIgg==",
        );
        assert!(padded.validate().is_ok());
        let local = subscription("http://127.0.0.1:8080/push/1", UA_PUBLIC, AUTH);
        assert!(local.validate().is_ok());
        let localhost = subscription("http://localhost/push/1", UA_PUBLIC, AUTH);
        assert!(localhost.validate().is_ok());
    }

    #[test]
    fn endpoints_other_than_https_are_refused_unless_local() {
        for endpoint in [
            "http://push.example.net/x",
            "http://10.0.0.1/x",
            "ftp://push.example.net/x",
            "not a url",
            "https://user:pw@push.example.net/x",
        ] {
            let reason = refused(&subscription(endpoint, UA_PUBLIC, AUTH));
            assert!(reason.contains("endpoint"), "{endpoint}: {reason}");
        }
    }

    #[test]
    fn keys_that_are_not_base64url_or_of_the_wrong_length_are_refused() {
        let endpoint = "https://push.example.net/x";
        assert!(refused(&subscription(endpoint, "not*base64", AUTH)).contains("p256dh"));
        assert!(refused(&subscription(endpoint, &UA_PUBLIC[..40], AUTH)).contains("p256dh"));
        assert!(
            refused(&subscription(endpoint, UA_PUBLIC, "BTBZMqHH6r4Tts7J")).contains("16 bytes")
        );
        assert!(refused(&subscription(endpoint, UA_PUBLIC, "%%%")).contains("auth"));
        // Right length and prefix, but not on the curve.
        let off_curve = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode({
            let mut bytes = [1u8; 65];
            bytes[0] = 0x04;
            bytes
        });
        assert!(refused(&subscription(endpoint, &off_curve, AUTH)).contains("P-256"));
    }

    #[test]
    fn debug_output_names_only_the_host() {
        let sub = subscription("https://push.example.net/secret-token", UA_PUBLIC, AUTH);
        let shown = format!("{sub:?}");
        assert!(shown.contains("push.example.net"));
        assert!(!shown.contains("secret-token"));
        assert!(!shown.contains(AUTH));
    }

    #[test]
    fn push_service_answers_map_to_what_the_caller_does_next() {
        let now = Utc::now();
        for ok in [200, 201, 202] {
            let status = StatusCode::from_u16(ok).expect("status");
            assert!(classify(status, None, now).is_ok());
        }
        assert!(matches!(
            classify(StatusCode::GONE, None, now),
            Err(PushError::Gone)
        ));
        assert!(matches!(
            classify(StatusCode::NOT_FOUND, None, now),
            Err(PushError::Gone)
        ));
        let thirty = HeaderValue::from_static("30");
        assert!(matches!(
            classify(StatusCode::TOO_MANY_REQUESTS, Some(&thirty), now),
            Err(PushError::Retry(_, Some(after))) if after == Duration::from_secs(30)
        ));
        assert!(matches!(
            classify(StatusCode::SERVICE_UNAVAILABLE, None, now),
            Err(PushError::Retry(_, None))
        ));
        for refused in [400, 401, 403, 413] {
            let status = StatusCode::from_u16(refused).expect("status");
            assert!(matches!(
                classify(status, None, now),
                Err(PushError::Refused(_))
            ));
        }
    }

    #[test]
    fn retry_after_may_be_an_http_date() {
        let now = DateTime::parse_from_rfc2822("Sun, 06 Nov 1994 08:49:37 GMT")
            .expect("date")
            .with_timezone(&Utc);
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:51:37 GMT", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn urgency_uses_the_rfc_8030_tokens() {
        assert_eq!(Urgency::VeryLow.header_value(), "very-low");
        assert_eq!(Urgency::High.header_value(), "high");
    }
}
