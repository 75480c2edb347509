//! SMS through a domestic provider: Aliyun (`dysmsapi`) or Tencent Cloud, or a log line when
//! none is configured (development, tests, a district without an SMS contract).
//!
//! Mainland providers only send pre-approved templates under a registered signature (签名), so a
//! message here is a template code plus its parameters, never free text. The delivery job picks
//! the template and decides what to do with [`SmsError::Retry`] and [`SmsError::Refused`]; these
//! adapters only speak each provider's protocol and sort its answers into those two kinds.
//!
//! Phone numbers are personal data: every log line and every error message leaving this module
//! carries the masked form (`138****1234`) only.

mod aliyun;
mod log;
mod sign;
mod tencent;

pub use aliyun::AliyunSms;
pub use log::LogSms;
pub use tencent::TencentSms;

use domain::PhoneNumber;
use secrecy::SecretString;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;

/// One text to one number: the provider's template and its parameters, in the template's order.
#[derive(Debug, Clone)]
pub struct SmsMessage {
    pub phone: PhoneNumber,
    /// The provider's template code (Aliyun `SMS_123…`) or id (Tencent, digits) from configuration.
    pub template: String,
    /// `(name, value)` in template order. Aliyun fills its template by name (`${name}`),
    /// Tencent by position (`{1}`, `{2}`…), so both are kept.
    pub params: Vec<(String, String)>,
}

/// The provider's id for the sent message (Aliyun `BizId`, Tencent `SerialNo`), kept so a
/// delivery report or a complaint can be traced to the provider's records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsReceipt {
    pub provider_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmsError {
    /// Try again later (network error, 5xx, throttling like Aliyun isv.BUSINESS_LIMIT_CONTROL or
    /// Tencent LimitExceeded.*); `after` is the provider's documented wait when it has one.
    #[error("{code}: retry later")]
    Retry {
        code: String,
        after: Option<Duration>,
    },
    /// The provider refused for good (bad number, template not approved, signature mismatch...).
    #[error("{code}: {message}")]
    Refused { code: String, message: String },
}

/// A way to send one SMS. Object-safe so the configured provider is picked once at start-up.
#[async_trait::async_trait]
pub trait SmsSender: Send + Sync {
    /// `"aliyun"`, `"tencent"` or `"log"`: recorded with each delivery attempt.
    fn provider(&self) -> &'static str;
    async fn send(&self, message: &SmsMessage) -> Result<SmsReceipt, SmsError>;
}

/// What configuration holds for SMS. In TOML:
///
/// ```toml
/// [sms]
/// provider = "tencent"        # or "aliyun", or "log" (the default)
/// secret_id = "AKID…"
/// secret_key = "…"
/// sdk_app_id = "1400…"
/// sign_name = "平安马甲"
/// ```
///
/// Unknown keys are rejected so that a misspelt secret name fails at start-up rather than at
/// the first alert.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(tag = "provider", rename_all = "lowercase")]
pub enum SmsProvider {
    /// Nothing leaves the server; each text becomes one log line with the number masked.
    #[default]
    Log,
    Aliyun(AliyunConfig),
    Tencent(TencentConfig),
}

/// Aliyun SMS (`dysmsapi`, API 2017-05-25) credentials and signature.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AliyunConfig {
    /// Overridable so tests (and a private endpoint) can stand in for the public one.
    #[serde(default = "aliyun_default_base_url")]
    pub base_url: String,
    pub access_key_id: String,
    pub access_key_secret: SecretString,
    /// The approved signature, e.g. `平安马甲`, without the 【】 brackets.
    pub sign_name: String,
    #[serde(default = "aliyun_default_region")]
    pub region: String,
}

/// Tencent Cloud SMS (API 2021-01-11) credentials, application and signature.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TencentConfig {
    /// Overridable so tests (and a regional endpoint) can stand in for the public one.
    #[serde(default = "tencent_default_base_url")]
    pub base_url: String,
    pub secret_id: String,
    pub secret_key: SecretString,
    /// The SMS application's `SdkAppId` (`1400…`), not the account's AppId.
    pub sdk_app_id: String,
    /// The approved signature, e.g. `平安马甲`, without the 【】 brackets.
    pub sign_name: String,
    #[serde(default = "tencent_default_region")]
    pub region: String,
}

fn aliyun_default_base_url() -> String {
    "https://dysmsapi.aliyuncs.com/".to_owned()
}

fn aliyun_default_region() -> String {
    "cn-hangzhou".to_owned()
}

fn tencent_default_base_url() -> String {
    "https://sms.tencentcloudapi.com/".to_owned()
}

fn tencent_default_region() -> String {
    "ap-guangzhou".to_owned()
}

/// The sender for the configured provider.
pub fn sender(provider: &SmsProvider) -> Arc<dyn SmsSender> {
    match provider {
        SmsProvider::Log => Arc::new(LogSms),
        SmsProvider::Aliyun(config) => Arc::new(AliyunSms::new(config.clone())),
        SmsProvider::Tencent(config) => Arc::new(TencentSms::new(config.clone())),
    }
}

/// One client per sender: connections are reused across texts, and a provider that hangs holds
/// a delivery worker for at most this long.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(HTTP_TIMEOUT)
        .build()
        // Building fails only when the TLS backend cannot start; rustls with bundled roots
        // needs nothing from the system, so this is a broken build, not a runtime condition.
        .expect("the rustls HTTP client builds")
}

/// A transport failure: the text may or may not have left, and asking again later is all there
/// is to do. Both adapters POST, so the logged error holds no number (it is in the body).
fn network_error(provider: &'static str, phone: &PhoneNumber, err: &reqwest::Error) -> SmsError {
    let code = if err.is_timeout() {
        "timeout"
    } else {
        "network"
    };
    tracing::warn!(provider, phone = %phone.masked(), code, error = %err, "SMS request failed");
    SmsError::Retry {
        code: code.to_owned(),
        after: None,
    }
}

/// Sends a request built by an adapter and reads the whole answer; a transport failure on the
/// way there or back is a `Retry`.
async fn exchange(
    provider: &'static str,
    request: reqwest::RequestBuilder,
    phone: &PhoneNumber,
) -> Result<(reqwest::StatusCode, String), SmsError> {
    let response = request
        .send()
        .await
        .map_err(|e| network_error(provider, phone, &e))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| network_error(provider, phone, &e))?;
    Ok((status, text))
}

/// One line per provider answer, so an operator can follow a text without the full number.
fn log_outcome(
    provider: &'static str,
    message: &SmsMessage,
    outcome: &Result<SmsReceipt, SmsError>,
) {
    let phone = message.phone.masked();
    let template = message.template.as_str();
    match outcome {
        Ok(receipt) => tracing::info!(
            provider, phone = %phone, template, provider_id = %receipt.provider_id,
            "SMS accepted by the provider"
        ),
        Err(SmsError::Retry { code, after }) => tracing::warn!(
            provider, phone = %phone, template, code = %code, after = ?after,
            "SMS deferred by the provider"
        ),
        Err(SmsError::Refused { code, message }) => tracing::warn!(
            provider, phone = %phone, template, code = %code, reason = %message,
            "SMS refused by the provider"
        ),
    }
}

/// The `Host` a request to `url` carries: the port only when it is not the scheme's default,
/// which is what the HTTP client writes and therefore what Tencent's signature must cover.
fn host_of(url: &reqwest::Url) -> Option<String> {
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// An answer that is not the provider's JSON. After a success status the text may have gone,
/// so it is worth asking again; after a 4xx (a proxy, a wrong path) nothing will change.
fn unexpected_answer(status: reqwest::StatusCode, body: &str, phone: &PhoneNumber) -> SmsError {
    if status.is_success() {
        return SmsError::Retry {
            code: "InvalidResponse".to_owned(),
            after: None,
        };
    }
    let excerpt: String = body.chars().take(200).collect();
    SmsError::Refused {
        code: format!("HTTP {}", status.as_u16()),
        message: mask_number(&excerpt, phone),
    }
}

/// A refusal for a `base_url` that is not a URL: nothing will ever get through until the
/// configuration is fixed, so retrying would only hide it.
fn bad_base_url(base_url: &str) -> SmsError {
    SmsError::Refused {
        code: "InvalidBaseUrl".to_owned(),
        message: format!("the configured SMS base_url {base_url:?} is not an http(s) URL"),
    }
}

/// Providers sometimes echo the number in their messages; keep it out of errors and logs.
fn mask_number(text: &str, phone: &PhoneNumber) -> String {
    text.replace(phone.as_str(), &phone.masked())
}

/// How long until midnight in Beijing (UTC+8), when the providers' daily counters reset.
fn until_next_beijing_midnight(now: chrono::DateTime<chrono::Utc>) -> Duration {
    const DAY: i64 = 24 * 3600;
    let beijing_seconds = (now.timestamp() + 8 * 3600).rem_euclid(DAY);
    let seconds = u64::try_from(DAY - beijing_seconds).unwrap_or(0);
    Duration::from_secs(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn provider_defaults_to_log() {
        assert!(matches!(SmsProvider::default(), SmsProvider::Log));
        let parsed: SmsProvider = toml::from_str(r#"provider = "log""#).expect("parses");
        assert!(matches!(parsed, SmsProvider::Log));
    }

    #[test]
    fn aliyun_config_fills_in_the_public_endpoint_and_region() {
        let parsed: SmsProvider = toml::from_str(
            r#"
            provider = "aliyun"
            access_key_id = "LTAI"
            access_key_secret = "very secret"
            sign_name = "平安马甲"
            "#,
        )
        .expect("parses");
        let SmsProvider::Aliyun(config) = parsed else {
            panic!("expected aliyun, got {parsed:?}");
        };
        assert_eq!(config.base_url, "https://dysmsapi.aliyuncs.com/");
        assert_eq!(config.region, "cn-hangzhou");
        assert_eq!(config.sign_name, "平安马甲");
        assert_eq!(config.access_key_secret.expose_secret(), "very secret");
    }

    #[test]
    fn tencent_config_fills_in_the_public_endpoint_and_region() {
        let parsed: SmsProvider = toml::from_str(
            r#"
            provider = "tencent"
            secret_id = "AKID"
            secret_key = "very secret"
            sdk_app_id = "1400000000"
            sign_name = "平安马甲"
            "#,
        )
        .expect("parses");
        let SmsProvider::Tencent(config) = parsed else {
            panic!("expected tencent, got {parsed:?}");
        };
        assert_eq!(config.base_url, "https://sms.tencentcloudapi.com/");
        assert_eq!(config.region, "ap-guangzhou");
    }

    #[test]
    fn a_misspelt_key_is_rejected() {
        let parsed = toml::from_str::<SmsProvider>(
            r#"
            provider = "aliyun"
            access_key_id = "LTAI"
            access_key_secert = "typo"
            sign_name = "平安马甲"
            "#,
        );
        assert!(parsed.is_err());
    }

    #[test]
    fn debug_output_never_shows_a_secret() {
        let provider = SmsProvider::Tencent(TencentConfig {
            base_url: tencent_default_base_url(),
            secret_id: "AKID".into(),
            secret_key: SecretString::from("hunter2-secret-key"),
            sdk_app_id: "1400000000".into(),
            sign_name: "平安马甲".into(),
            region: tencent_default_region(),
        });
        let printed = format!("{provider:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
    }

    #[test]
    fn sender_picks_the_configured_provider() {
        assert_eq!(sender(&SmsProvider::Log).provider(), "log");
    }

    #[test]
    fn the_number_is_masked_inside_provider_messages() {
        let phone = PhoneNumber::parse("13812341234").expect("valid");
        assert_eq!(
            mask_number("+8613812341234 is not a mobile", &phone),
            "+86138****1234 is not a mobile"
        );
    }

    #[test]
    fn daily_limits_wait_until_beijing_midnight() {
        // 2019-02-25T16:44:25Z is 00:44:25 in Beijing: the counter reset 44 minutes ago.
        let at = chrono::DateTime::from_timestamp(1_551_113_065, 0).expect("valid");
        assert_eq!(
            until_next_beijing_midnight(at),
            Duration::from_secs(24 * 3600 - (44 * 60 + 25))
        );
    }
}
