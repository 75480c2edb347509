//! The notification settings: which SMS provider (none by default), its templates per kind,
//! which kinds are texted, the daily cap, reminder times, and whether Web Push is offered. From
//! the TOML file's `[notify]` table (with `[notify.sms]` and `[notify.sms_templates]`), or
//! `PINGAN_SMS_…` and friends in the environment (which win).

use super::sms::{AliyunConfig, SmsProvider, TencentConfig};
use anyhow::{bail, Context};
use chrono::NaiveTime;
use domain::notify::{NoticeKind, NotifyRules};
use secrecy::SecretString;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct NotifyConfig {
    pub rules: NotifyRules,
    /// `None`: no texts at all, and `/apply` asks for no code (behaviour as before SMS).
    pub sms: Option<SmsSetup>,
    /// Offer Web Push (a VAPID key derived from the server's secret).
    pub push: bool,
    /// The VAPID `sub`: how a push service reaches the operator ("mailto:…" or https).
    pub push_contact: String,
}

#[derive(Debug, Clone)]
pub struct SmsSetup {
    pub provider: SmsProvider,
    /// The approved template of the verification code (one parameter, `code`).
    pub code_template: String,
    /// The provider's approved template for each kind; a kind without one is not texted.
    pub templates: BTreeMap<NoticeKind, String>,
}

/// What the file may say about notifications (every key optional).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyFile {
    pub sms: Option<SmsProvider>,
    pub sms_templates: Option<BTreeMap<String, String>>,
    /// The verification code's template; required with a real provider.
    pub sms_code_template: Option<String>,
    /// Comma-separated kinds, e.g. "shift_cancelled,incident_assigned".
    pub sms_kinds: Option<String>,
    pub sms_daily_cap: Option<u32>,
    /// "20:00", or "off".
    pub reminder_evening: Option<String>,
    /// Minutes before a shift for the second reminder; 0 turns it off.
    pub reminder_lead_minutes: Option<u32>,
    pub push: Option<bool>,
    pub push_contact: Option<String>,
}

pub fn notify_config(
    file: NotifyFile,
    public_url: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<NotifyConfig> {
    let set = |key: &str| env(key).filter(|v| !v.trim().is_empty());
    let mut rules = NotifyRules::default();
    if let Some(text) = set("PINGAN_SMS_KINDS").or(file.sms_kinds) {
        rules.sms_kinds = text
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(|k| {
                NoticeKind::from_db(k)
                    .with_context(|| format!("PINGAN_SMS_KINDS: {k:?} is not a notification kind"))
            })
            .collect::<anyhow::Result<_>>()?;
    }
    let cap = match set("PINGAN_SMS_DAILY_CAP") {
        Some(t) => Some(
            t.trim()
                .parse::<u32>()
                .with_context(|| format!("PINGAN_SMS_DAILY_CAP {t:?} is not a whole number"))?,
        ),
        None => file.sms_daily_cap,
    };
    if let Some(n) = cap {
        if !(1..=50).contains(&n) {
            bail!("PINGAN_SMS_DAILY_CAP must be from 1 to 50");
        }
        rules.sms_daily_cap = n;
    }
    if let Some(text) = set("PINGAN_REMINDER_EVENING").or(file.reminder_evening) {
        rules.evening_reminder = match text.trim() {
            "off" => None,
            t => Some(NaiveTime::parse_from_str(t, "%H:%M").with_context(|| {
                format!("PINGAN_REMINDER_EVENING {t:?} must be a time like 20:00, or off")
            })?),
        };
    }
    let lead = match set("PINGAN_REMINDER_LEAD_MINUTES") {
        Some(t) => Some(t.trim().parse::<u32>().with_context(|| {
            format!("PINGAN_REMINDER_LEAD_MINUTES {t:?} is not a whole number")
        })?),
        None => file.reminder_lead_minutes,
    };
    if let Some(n) = lead {
        if n > 24 * 60 {
            bail!("PINGAN_REMINDER_LEAD_MINUTES must be from 0 (off) to 1440");
        }
        rules.reminder_lead_minutes = (n > 0).then_some(n);
    }
    let provider = match set("PINGAN_SMS_PROVIDER") {
        Some(name) => Some(provider_from_env(name.trim(), &set)?),
        None => file.sms,
    };
    let sms = match provider {
        None => None,
        Some(provider) => {
            let mut templates = BTreeMap::new();
            let listed = match set("PINGAN_SMS_TEMPLATES") {
                Some(text) => text
                    .split(',')
                    .filter_map(|pair| pair.split_once('='))
                    .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                    .collect(),
                None => file.sms_templates.unwrap_or_default(),
            };
            for (kind, code) in listed {
                let kind = NoticeKind::from_db(&kind).with_context(|| {
                    format!("PINGAN_SMS_TEMPLATES: {kind:?} is not a notification kind")
                })?;
                templates.insert(kind, code);
            }
            let code_template = match (set("PINGAN_SMS_CODE_TEMPLATE").or(file.sms_code_template), &provider) {
                (Some(t), _) => t.trim().to_owned(),
                (None, SmsProvider::Log) => "verify_code".to_owned(),
                (None, _) => bail!(
                    "PINGAN_SMS_CODE_TEMPLATE must be set with an SMS provider: /apply texts a code from it"
                ),
            };
            Some(SmsSetup {
                provider,
                code_template,
                templates,
            })
        }
    };
    let push = match set("PINGAN_PUSH") {
        Some(v) => !matches!(v.trim(), "0" | "off" | "false" | "no"),
        None => file.push.unwrap_or(true),
    };
    let push_contact = set("PINGAN_PUSH_CONTACT")
        .or(file.push_contact)
        .or_else(|| public_url.map(str::to_owned))
        .unwrap_or_else(|| "mailto:admin@localhost".to_owned());
    if !(push_contact.starts_with("mailto:") || push_contact.starts_with("https://")) {
        bail!("PINGAN_PUSH_CONTACT must be a mailto: address or an https URL");
    }
    Ok(NotifyConfig {
        rules,
        sms,
        push,
        push_contact,
    })
}

fn provider_from_env(
    name: &str,
    set: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<SmsProvider> {
    let need =
        |key: &str| set(key).with_context(|| format!("{key} must be set for this SMS provider"));
    Ok(match name {
        "log" => SmsProvider::Log,
        "aliyun" => SmsProvider::Aliyun(AliyunConfig {
            base_url: set("PINGAN_SMS_BASE_URL")
                .unwrap_or_else(|| "https://dysmsapi.aliyuncs.com/".to_owned()),
            access_key_id: need("PINGAN_SMS_KEY_ID")?,
            access_key_secret: SecretString::from(need("PINGAN_SMS_KEY_SECRET")?),
            sign_name: need("PINGAN_SMS_SIGN_NAME")?,
            region: set("PINGAN_SMS_REGION").unwrap_or_else(|| "cn-hangzhou".to_owned()),
        }),
        "tencent" => SmsProvider::Tencent(TencentConfig {
            base_url: set("PINGAN_SMS_BASE_URL")
                .unwrap_or_else(|| "https://sms.tencentcloudapi.com/".to_owned()),
            secret_id: need("PINGAN_SMS_KEY_ID")?,
            secret_key: SecretString::from(need("PINGAN_SMS_KEY_SECRET")?),
            sdk_app_id: need("PINGAN_SMS_APP_ID")?,
            sign_name: need("PINGAN_SMS_SIGN_NAME")?,
            region: set("PINGAN_SMS_REGION").unwrap_or_else(|| "ap-guangzhou".to_owned()),
        }),
        other => bail!("PINGAN_SMS_PROVIDER {other:?} must be log, aliyun or tencent"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn without_a_provider_nothing_is_texted_and_push_is_offered() {
        let c = notify_config(NotifyFile::default(), None, &env_of(&[])).expect("defaults");
        assert!(c.sms.is_none());
        assert!(c.push);
        assert_eq!(c.rules, NotifyRules::default());
    }

    #[test]
    fn the_environment_configures_a_provider_and_its_templates() {
        let c = notify_config(
            NotifyFile::default(),
            None,
            &env_of(&[
                ("PINGAN_SMS_PROVIDER", "tencent"),
                ("PINGAN_SMS_KEY_ID", "AKID"),
                ("PINGAN_SMS_KEY_SECRET", "secret"),
                ("PINGAN_SMS_APP_ID", "1400000000"),
                ("PINGAN_SMS_SIGN_NAME", "平安马甲"),
                ("PINGAN_SMS_CODE_TEMPLATE", "100001"),
                (
                    "PINGAN_SMS_TEMPLATES",
                    "shift_cancelled=123456, shift_reminder=654321",
                ),
                ("PINGAN_REMINDER_EVENING", "off"),
                ("PINGAN_REMINDER_LEAD_MINUTES", "90"),
            ]),
        )
        .expect("valid");
        let sms = c.sms.expect("a provider");
        assert!(matches!(sms.provider, SmsProvider::Tencent(_)));
        assert_eq!(
            sms.templates
                .get(&NoticeKind::ShiftCancelled)
                .map(String::as_str),
            Some("123456")
        );
        assert_eq!(sms.code_template, "100001");
        assert_eq!(c.rules.evening_reminder, None);
        assert_eq!(c.rules.reminder_lead_minutes, Some(90));
    }

    #[test]
    fn bad_values_are_refused_with_the_setting_named() {
        for (pairs, named) in [
            (
                &[("PINGAN_SMS_PROVIDER", "twilio")][..],
                "PINGAN_SMS_PROVIDER",
            ),
            (
                &[("PINGAN_SMS_PROVIDER", "aliyun")][..],
                "PINGAN_SMS_KEY_ID",
            ),
            (
                &[
                    ("PINGAN_SMS_PROVIDER", "tencent"),
                    ("PINGAN_SMS_KEY_ID", "AKID"),
                    ("PINGAN_SMS_KEY_SECRET", "s"),
                    ("PINGAN_SMS_APP_ID", "1400000000"),
                    ("PINGAN_SMS_SIGN_NAME", "平安马甲"),
                ][..],
                "PINGAN_SMS_CODE_TEMPLATE",
            ),
            (
                &[("PINGAN_SMS_KINDS", "shift_cancelled,nope")][..],
                "PINGAN_SMS_KINDS",
            ),
            (&[("PINGAN_SMS_DAILY_CAP", "0")][..], "PINGAN_SMS_DAILY_CAP"),
            (
                &[("PINGAN_REMINDER_EVENING", "8pm")][..],
                "PINGAN_REMINDER_EVENING",
            ),
            (
                &[("PINGAN_PUSH_CONTACT", "ops@example.cn")][..],
                "PINGAN_PUSH_CONTACT",
            ),
        ] {
            let pairs: &'static [(&'static str, &'static str)] = pairs;
            let e =
                notify_config(NotifyFile::default(), None, &env_of(pairs)).expect_err("refused");
            assert!(
                format!("{e:#}").contains(named),
                "{e:#} should name {named}"
            );
        }
    }
}
