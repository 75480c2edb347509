//! Tencent Cloud SMS: `SendSms` (API 2021-01-11), a JSON POST signed with TC3-HMAC-SHA256.

use super::sign::{tencent_authorization, TENCENT_CONTENT_TYPE};
use super::{
    bad_base_url, exchange, host_of, http_client, log_outcome, mask_number, unexpected_answer,
    until_next_beijing_midnight, SmsError, SmsMessage, SmsReceipt, SmsSender, TencentConfig,
};
use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use std::time::Duration;

const PROVIDER: &str = "tencent";

/// Sends through Tencent Cloud with the configured API key, SMS application and signature.
pub struct TencentSms {
    config: TencentConfig,
    /// The endpoint and the `Host` its signature covers, parsed once.
    target: Option<(reqwest::Url, String)>,
    client: reqwest::Client,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SendSms<'a> {
    phone_number_set: [String; 1],
    sms_sdk_app_id: &'a str,
    sign_name: &'a str,
    template_id: &'a str,
    /// Tencent fills `{1}`, `{2}`… by position, so only the values go, in template order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    template_param_set: Vec<&'a str>,
}

impl TencentSms {
    pub fn new(config: TencentConfig) -> Self {
        let target = reqwest::Url::parse(&config.base_url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .and_then(|url| host_of(&url).map(|host| (url, host)));
        if target.is_none() {
            tracing::error!(provider = PROVIDER, base_url = %config.base_url, "invalid SMS base_url");
        }
        Self {
            config,
            target,
            client: http_client(),
        }
    }

    fn body(&self, message: &SmsMessage) -> Vec<u8> {
        let request = SendSms {
            // E.164: Tencent also sends abroad, so the country code is not implied.
            phone_number_set: [format!("+86{}", message.phone.as_str())],
            sms_sdk_app_id: &self.config.sdk_app_id,
            sign_name: &self.config.sign_name,
            template_id: &message.template,
            template_param_set: message.params.iter().map(|(_, v)| v.as_str()).collect(),
        };
        serde_json::to_vec(&request).expect("a struct of strings serializes")
    }
}

#[async_trait::async_trait]
impl SmsSender for TencentSms {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    async fn send(&self, message: &SmsMessage) -> Result<SmsReceipt, SmsError> {
        let Some((url, host)) = self.target.clone() else {
            return Err(bad_base_url(&self.config.base_url));
        };
        let body = self.body(message);
        let now = Utc::now();
        let authorization = tencent_authorization(
            &self.config.secret_id,
            self.config.secret_key.expose_secret(),
            "sms",
            &host,
            now,
            &body,
        );
        let request = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, TENCENT_CONTENT_TYPE)
            .header(reqwest::header::HOST, &host)
            .header(reqwest::header::AUTHORIZATION, authorization)
            .header("X-TC-Action", "SendSms")
            .header("X-TC-Version", "2021-01-11")
            .header("X-TC-Timestamp", now.timestamp().to_string())
            .header("X-TC-Region", &self.config.region)
            .body(body);
        let (status, text) = exchange(PROVIDER, request, &message.phone).await?;
        let outcome = classify(status, &text, message, Utc::now());
        log_outcome(PROVIDER, message, &outcome);
        outcome
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Envelope {
    response: Answer,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    error: Option<Failure>,
    #[serde(default)]
    send_status_set: Vec<SendStatus>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Failure {
    code: String,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SendStatus {
    #[serde(default)]
    serial_no: String,
    code: String,
    #[serde(default)]
    message: String,
}

/// Sorts Tencent's answer into sent, try again, or refused for good. Tencent answers API errors
/// with HTTP 200 and a `Response.Error`; a request that got through has one status per number.
fn classify(
    status: reqwest::StatusCode,
    body: &str,
    message: &SmsMessage,
    now: DateTime<Utc>,
) -> Result<SmsReceipt, SmsError> {
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Err(SmsError::Retry {
            code: format!("HTTP {}", status.as_u16()),
            after: None,
        });
    }
    let Ok(Envelope { response }) = serde_json::from_str::<Envelope>(body) else {
        return Err(unexpected_answer(status, body, &message.phone));
    };
    let (code, text, serial_no) =
        match (response.error, response.send_status_set.into_iter().next()) {
            (Some(error), _) => (error.code, error.message, String::new()),
            (None, Some(sent)) => (sent.code, sent.message, sent.serial_no),
            (None, None) => {
                return Err(unexpected_answer(
                    reqwest::StatusCode::OK,
                    body,
                    &message.phone,
                ))
            }
        };
    if code == "Ok" {
        return Ok(SmsReceipt {
            provider_id: serial_no,
        });
    }
    match retry_wait(&code, now) {
        Some(after) => Err(SmsError::Retry { code, after }),
        None => Err(SmsError::Refused {
            message: mask_number(&text, &message.phone),
            code,
        }),
    }
}

/// `Some(wait)` for the codes that mean "not now", with the wait the limit's name documents;
/// `None` for a refusal. Tencent's daily counters reset at midnight Beijing time.
fn retry_wait(code: &str, now: DateTime<Utc>) -> Option<Option<Duration>> {
    let family = |prefix: &str| code == prefix || code.starts_with(&format!("{prefix}."));
    if family("LimitExceeded") {
        return Some(match code {
            "LimitExceeded.PhoneNumberThirtySecondLimit" => Some(Duration::from_secs(30)),
            "LimitExceeded.PhoneNumberOneHourLimit" => Some(Duration::from_secs(3600)),
            _ if code.ends_with("DailyLimit") => Some(until_next_beijing_midnight(now)),
            _ => None,
        });
    }
    if family("InternalError") || family("RequestLimitExceeded") {
        return Some(None);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::PhoneNumber;
    use reqwest::StatusCode;
    use secrecy::SecretString;

    fn message() -> SmsMessage {
        SmsMessage {
            phone: PhoneNumber::parse("13812341234").expect("valid"),
            template: "1234567".into(),
            params: vec![
                ("site".into(), "东门岗".into()),
                ("time".into(), "08:00".into()),
            ],
        }
    }

    fn classify_at(status: u16, body: &str) -> Result<SmsReceipt, SmsError> {
        let status = StatusCode::from_u16(status).expect("valid status");
        let now = DateTime::from_timestamp(1_551_113_065, 0).expect("valid");
        classify(status, body, &message(), now)
    }

    fn per_number(code: &str, message: &str) -> String {
        format!(
            r#"{{"Response":{{"SendStatusSet":[{{"SerialNo":"5000:1045710669157053657849499619","PhoneNumber":"+8613812341234","Fee":1,"SessionContext":"","Code":"{code}","Message":"{message}","IsoCode":"CN"}}],"RequestId":"r"}}}}"#
        )
    }

    fn api_error(code: &str) -> String {
        format!(r#"{{"Response":{{"Error":{{"Code":"{code}","Message":"m"}},"RequestId":"r"}}}}"#)
    }

    #[test]
    fn ok_is_sent_with_the_serial_number() {
        assert_eq!(
            classify_at(200, &per_number("Ok", "send success")),
            Ok(SmsReceipt {
                provider_id: "5000:1045710669157053657849499619".into()
            })
        );
    }

    #[test]
    fn a_daily_limit_on_the_number_waits_until_beijing_midnight() {
        // At 00:44:25 Beijing time the next reset is 23 h 15 min 35 s away.
        assert_eq!(
            classify_at(200, &per_number("LimitExceeded.PhoneNumberDailyLimit", "m")),
            Err(SmsError::Retry {
                code: "LimitExceeded.PhoneNumberDailyLimit".into(),
                after: Some(Duration::from_secs(23 * 3600 + 15 * 60 + 35)),
            })
        );
    }

    #[test]
    fn the_thirty_second_limit_waits_thirty_seconds() {
        assert!(matches!(
            classify_at(200, &per_number("LimitExceeded.PhoneNumberThirtySecondLimit", "m")),
            Err(SmsError::Retry { after: Some(d), .. }) if d == Duration::from_secs(30)
        ));
    }

    #[test]
    fn a_bad_signature_is_refused() {
        assert!(matches!(
            classify_at(200, &api_error("AuthFailure.SignatureFailure")),
            Err(SmsError::Refused { code, .. }) if code == "AuthFailure.SignatureFailure"
        ));
    }

    #[test]
    fn a_per_number_refusal_keeps_the_message_with_the_number_masked() {
        assert_eq!(
            classify_at(
                200,
                &per_number(
                    "InvalidParameterValue.IncorrectPhoneNumber",
                    "13812341234 incorrect"
                )
            ),
            Err(SmsError::Refused {
                code: "InvalidParameterValue.IncorrectPhoneNumber".into(),
                message: "138****1234 incorrect".into(),
            })
        );
    }

    #[test]
    fn provider_side_failures_and_rate_limits_are_retried() {
        for code in [
            "InternalError.Timeout",
            "RequestLimitExceeded",
            "LimitExceeded.AppDailyLimit",
        ] {
            assert!(
                matches!(
                    classify_at(200, &api_error(code)),
                    Err(SmsError::Retry { .. })
                ),
                "{code}"
            );
        }
    }

    #[test]
    fn server_errors_and_empty_answers_are_retried() {
        assert!(matches!(
            classify_at(502, "bad gateway"),
            Err(SmsError::Retry { .. })
        ));
        assert!(matches!(
            classify_at(200, r#"{"Response":{"SendStatusSet":[],"RequestId":"r"}}"#),
            Err(SmsError::Retry { .. })
        ));
    }

    #[test]
    fn the_body_lists_the_values_in_template_order() {
        let sms = TencentSms::new(TencentConfig {
            base_url: "https://sms.tencentcloudapi.com/".into(),
            secret_id: "AKID".into(),
            secret_key: SecretString::from("key"),
            sdk_app_id: "1400000000".into(),
            sign_name: "平安马甲".into(),
            region: "ap-guangzhou".into(),
        });
        let body: serde_json::Value =
            serde_json::from_slice(&sms.body(&message())).expect("json body");
        assert_eq!(
            body,
            serde_json::json!({
                "PhoneNumberSet": ["+8613812341234"],
                "SmsSdkAppId": "1400000000",
                "SignName": "平安马甲",
                "TemplateId": "1234567",
                "TemplateParamSet": ["东门岗", "08:00"],
            })
        );
    }

    #[test]
    fn the_signed_host_keeps_a_non_default_port_only() {
        let with_port = reqwest::Url::parse("http://127.0.0.1:8443/").expect("url");
        assert_eq!(host_of(&with_port).as_deref(), Some("127.0.0.1:8443"));
        let default_port =
            reqwest::Url::parse("https://sms.tencentcloudapi.com:443/").expect("url");
        assert_eq!(
            host_of(&default_port).as_deref(),
            Some("sms.tencentcloudapi.com")
        );
    }
}
