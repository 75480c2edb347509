//! The provider for when there is none: development, tests and districts without an SMS
//! contract. The text is "sent" by writing it to the log, so the rest of the delivery pipeline
//! (attempts, receipts) runs exactly as in production.

use super::{SmsError, SmsMessage, SmsReceipt, SmsSender};

/// Logs each text instead of sending it; never fails.
pub struct LogSms;

#[async_trait::async_trait]
impl SmsSender for LogSms {
    fn provider(&self) -> &'static str {
        "log"
    }

    async fn send(&self, message: &SmsMessage) -> Result<SmsReceipt, SmsError> {
        let provider_id = format!("log-{}", uuid::Uuid::new_v4());
        tracing::info!(
            provider = "log",
            phone = %message.phone.masked(),
            template = %message.template,
            params = ?message.params,
            provider_id = %provider_id,
            "SMS not sent (log provider)"
        );
        Ok(SmsReceipt { provider_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::PhoneNumber;

    #[tokio::test]
    async fn always_succeeds_with_a_fresh_log_receipt() {
        let message = SmsMessage {
            phone: PhoneNumber::parse("13812341234").expect("valid"),
            template: "SMS_1".into(),
            params: vec![("site".into(), "东门".into())],
        };
        let first = LogSms.send(&message).await.expect("log never fails");
        let second = LogSms.send(&message).await.expect("log never fails");
        assert!(
            first.provider_id.starts_with("log-"),
            "{}",
            first.provider_id
        );
        assert_ne!(first, second);
    }

    /// Collects what the fmt subscriber writes, to read the log line back.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("not poisoned").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn the_log_line_shows_the_masked_number_only() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        // A current-thread test runtime: the thread-local default covers the whole send.
        let _guard = tracing::subscriber::set_default(subscriber);
        let message = SmsMessage {
            phone: PhoneNumber::parse("13812341234").expect("valid"),
            template: "SMS_1".into(),
            params: vec![("site".into(), "东门".into())],
        };
        LogSms.send(&message).await.expect("log never fails");
        let line =
            String::from_utf8(captured.0.lock().expect("not poisoned").clone()).expect("utf-8 log");
        assert!(line.contains("138****1234"), "{line}");
        assert!(!line.contains("13812341234"), "{line}");
        assert!(line.contains("SMS_1") && line.contains("东门"), "{line}");
    }
}
