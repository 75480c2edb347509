//! Aliyun SMS: `dysmsapi` `SendSms` (API 2017-05-25), RPC style, signature version 1.0
//! (HMAC-SHA1 over the sorted, percent-encoded parameters), sent as a POST form.

use super::sign::{aliyun_canonical_query, aliyun_signature, percent_encode};
use super::{
    bad_base_url, exchange, http_client, log_outcome, mask_number, unexpected_answer,
    until_next_beijing_midnight, AliyunConfig, SmsError, SmsMessage, SmsReceipt, SmsSender,
};
use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;
use serde::Deserialize;
use std::time::Duration;
use uuid::Uuid;

const PROVIDER: &str = "aliyun";

/// Aliyun's per-number limits for verification-style texts are 1 a minute, 5 an hour and 10 a
/// day; a minute is the shortest wait that can succeed, and the delivery job backs off from there.
const BUSINESS_LIMIT_WAIT: Duration = Duration::from_secs(60);

/// Sends through Aliyun with the configured AccessKey and signature.
pub struct AliyunSms {
    config: AliyunConfig,
    url: Option<reqwest::Url>,
    client: reqwest::Client,
}

impl AliyunSms {
    pub fn new(config: AliyunConfig) -> Self {
        let url = reqwest::Url::parse(&config.base_url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"));
        if url.is_none() {
            tracing::error!(provider = PROVIDER, base_url = %config.base_url, "invalid SMS base_url");
        }
        Self {
            config,
            url,
            client: http_client(),
        }
    }

    /// The form body: every parameter, then the signature over all of them. Time and nonce
    /// are arguments so a test can pin them.
    fn signed_body(&self, message: &SmsMessage, now: DateTime<Utc>, nonce: Uuid) -> String {
        let timestamp = now.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let nonce = nonce.to_string();
        // Aliyun fills `${name}` placeholders from a JSON object; templates without any take none.
        let template_param = (!message.params.is_empty()).then(|| {
            let object: serde_json::Map<String, serde_json::Value> = message
                .params
                .iter()
                .map(|(name, value)| (name.clone(), serde_json::Value::from(value.as_str())))
                .collect();
            serde_json::Value::Object(object).to_string()
        });
        let mut params: Vec<(&str, &str)> = vec![
            ("AccessKeyId", &self.config.access_key_id),
            ("Action", "SendSms"),
            ("Format", "JSON"),
            ("PhoneNumbers", message.phone.as_str()),
            ("RegionId", &self.config.region),
            ("SignName", &self.config.sign_name),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", &nonce),
            ("SignatureVersion", "1.0"),
            ("TemplateCode", &message.template),
            ("Timestamp", &timestamp),
            ("Version", "2017-05-25"),
        ];
        if let Some(template_param) = &template_param {
            params.push(("TemplateParam", template_param));
        }
        let signature = aliyun_signature(
            "POST",
            &params,
            self.config.access_key_secret.expose_secret(),
        );
        format!(
            "{}&Signature={}",
            aliyun_canonical_query(&params),
            percent_encode(&signature)
        )
    }
}

#[async_trait::async_trait]
impl SmsSender for AliyunSms {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    async fn send(&self, message: &SmsMessage) -> Result<SmsReceipt, SmsError> {
        let Some(url) = self.url.clone() else {
            return Err(bad_base_url(&self.config.base_url));
        };
        let body = self.signed_body(message, Utc::now(), Uuid::new_v4());
        let request = self
            .client
            .post(url)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .body(body);
        let (status, text) = exchange(PROVIDER, request, &message.phone).await?;
        let outcome = classify(status, &text, message, Utc::now());
        log_outcome(PROVIDER, message, &outcome);
        outcome
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    biz_id: String,
}

/// Sorts Aliyun's answer into sent, try again, or refused for good.
fn classify(
    status: reqwest::StatusCode,
    body: &str,
    message: &SmsMessage,
    now: DateTime<Utc>,
) -> Result<SmsReceipt, SmsError> {
    let answer = serde_json::from_str::<Answer>(body).ok();
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        let code = answer.map_or_else(|| format!("HTTP {}", status.as_u16()), |a| a.code);
        return Err(SmsError::Retry { code, after: None });
    }
    let Some(answer) = answer else {
        return Err(unexpected_answer(status, body, &message.phone));
    };
    if answer.code == "OK" {
        return Ok(SmsReceipt {
            provider_id: answer.biz_id,
        });
    }
    match retry_wait(&answer.code, now) {
        Some(after) => Err(SmsError::Retry {
            code: answer.code,
            after,
        }),
        None => Err(SmsError::Refused {
            message: mask_number(&answer.message, &message.phone),
            code: answer.code,
        }),
    }
}

/// `Some(wait)` for the codes that mean "not now" (with Aliyun's documented wait when there is
/// one), `None` for a refusal. `isp.*` is Aliyun's own side failing, except the two that are the
/// account's state and will not change by waiting: a RAM policy denying SMS, and a stopped
/// (unpaid) service.
fn retry_wait(code: &str, now: DateTime<Utc>) -> Option<Option<Duration>> {
    match code {
        "isv.BUSINESS_LIMIT_CONTROL" => Some(Some(BUSINESS_LIMIT_WAIT)),
        // The account's own daily cap, set in the console; it resets at midnight Beijing time.
        "isv.DAY_LIMIT_CONTROL" => Some(Some(until_next_beijing_midnight(now))),
        "isp.RAM_PERMISSION_DENY" | "isp.OUT_OF_SERVICE" => None,
        "Throttling" | "ServiceUnavailable" | "InternalError" => Some(None),
        _ if code.starts_with("Throttling.") || code.starts_with("isp.") => Some(None),
        _ => None,
    }
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
            template: "SMS_123456".into(),
            params: vec![("site".into(), "东门 & 北门".into())],
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).expect("valid")
    }

    fn classify_ok(status: u16, body: &str) -> Result<SmsReceipt, SmsError> {
        let status = StatusCode::from_u16(status).expect("valid status");
        classify(status, body, &message(), now())
    }

    #[test]
    fn ok_is_sent_with_the_biz_id() {
        let body = r#"{"Code":"OK","Message":"OK","BizId":"900619746936498440^0","RequestId":"r"}"#;
        assert_eq!(
            classify_ok(200, body),
            Ok(SmsReceipt {
                provider_id: "900619746936498440^0".into()
            })
        );
    }

    #[test]
    fn business_limit_control_waits_a_minute() {
        let body = r#"{"Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"触发分钟级流控Permits:1","RequestId":"r"}"#;
        assert_eq!(
            classify_ok(200, body),
            Err(SmsError::Retry {
                code: "isv.BUSINESS_LIMIT_CONTROL".into(),
                after: Some(Duration::from_secs(60)),
            })
        );
    }

    #[test]
    fn an_illegal_number_is_refused_with_the_number_masked() {
        let body = r#"{"Code":"isv.MOBILE_NUMBER_ILLEGAL","Message":"13812341234 非法手机号","RequestId":"r"}"#;
        assert_eq!(
            classify_ok(200, body),
            Err(SmsError::Refused {
                code: "isv.MOBILE_NUMBER_ILLEGAL".into(),
                message: "138****1234 非法手机号".into(),
            })
        );
    }

    #[test]
    fn a_bad_signature_is_refused_even_though_it_comes_as_http_400() {
        let body = r#"{"Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation.","RequestId":"r"}"#;
        assert!(matches!(
            classify_ok(400, body),
            Err(SmsError::Refused { code, .. }) if code == "SignatureDoesNotMatch"
        ));
    }

    #[test]
    fn throttling_and_provider_failures_are_retried() {
        for code in ["Throttling.User", "isp.SYSTEM_ERROR", "ServiceUnavailable"] {
            let body = format!(r#"{{"Code":"{code}","Message":"m"}}"#);
            assert!(
                matches!(
                    classify_ok(200, &body),
                    Err(SmsError::Retry { after: None, .. })
                ),
                "{code}"
            );
        }
    }

    #[test]
    fn a_denied_ram_policy_is_refused_not_retried_forever() {
        let body = r#"{"Code":"isp.RAM_PERMISSION_DENY","Message":"RAM权限DENY"}"#;
        assert!(matches!(
            classify_ok(403, body),
            Err(SmsError::Refused { .. })
        ));
    }

    #[test]
    fn the_daily_account_limit_waits_for_midnight() {
        let body = r#"{"Code":"isv.DAY_LIMIT_CONTROL","Message":"触发日发送限额"}"#;
        let Err(SmsError::Retry {
            after: Some(after), ..
        }) = classify_ok(200, body)
        else {
            panic!("expected a retry with a wait");
        };
        assert!(after <= Duration::from_secs(24 * 3600));
    }

    #[test]
    fn server_errors_and_garbage_are_retried() {
        assert!(matches!(
            classify_ok(503, "<html>busy</html>"),
            Err(SmsError::Retry { code, .. }) if code == "HTTP 503"
        ));
        assert!(matches!(
            classify_ok(200, "not json"),
            Err(SmsError::Retry { .. })
        ));
    }

    #[test]
    fn the_body_is_signed_over_exactly_what_it_sends() {
        let sms = AliyunSms::new(AliyunConfig {
            base_url: "https://dysmsapi.aliyuncs.com/".into(),
            access_key_id: "testid".into(),
            access_key_secret: SecretString::from("testsecret"),
            sign_name: "平安马甲".into(),
            region: "cn-hangzhou".into(),
        });
        let nonce = Uuid::from_u128(0x3ee8c1b8_83d3_44af_a94f_4e0ad82fd6cf);
        let body = sms.signed_body(&message(), now(), nonce);
        let (unsigned, signature) = body.split_once("&Signature=").expect("signature last");
        assert!(unsigned.contains("PhoneNumbers=13812341234"));
        assert!(unsigned.contains("SignName=%E5%B9%B3%E5%AE%89%E9%A9%AC%E7%94%B2"));
        assert!(unsigned.contains("Timestamp=2023-11-14T22%3A13%3A20Z"));
        assert!(unsigned.contains("SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"));
        // `{"site":"东门 & 北门"}`: the space is %20, never `+`.
        assert!(unsigned.contains("TemplateParam=%7B%22site%22%3A%22%E4%B8%9C%E9%97%A8%20%26%20"));
        assert!(!signature.contains(['+', '/', '=']), "{signature}");
    }

    #[test]
    fn a_template_without_parameters_sends_no_template_param() {
        let sms = AliyunSms::new(AliyunConfig {
            base_url: "https://dysmsapi.aliyuncs.com/".into(),
            access_key_id: "testid".into(),
            access_key_secret: SecretString::from("testsecret"),
            sign_name: "平安马甲".into(),
            region: "cn-hangzhou".into(),
        });
        let mut bare = message();
        bare.params.clear();
        let body = sms.signed_body(&bare, now(), Uuid::nil());
        assert!(!body.contains("TemplateParam"));
    }
}
