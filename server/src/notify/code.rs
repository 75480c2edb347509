//! The verification code as a text: sent at once through the configured provider (not through
//! the notices queue — the applicant has no account yet, and a code that arrives after its five
//! minutes is no use).

use super::sms::{SmsError, SmsMessage, SmsSender};
use domain::PhoneNumber;
use std::sync::Arc;

pub struct TextedCode {
    pub sender: Arc<dyn SmsSender>,
    /// The provider's approved template, with one parameter named `code`.
    pub template: String,
}

#[async_trait::async_trait]
impl app::state::CodeSender for TextedCode {
    async fn send_code(&self, phone: &PhoneNumber, code: &str) -> Result<(), String> {
        let message = SmsMessage {
            phone: phone.clone(),
            template: self.template.clone(),
            params: vec![("code".to_owned(), code.to_owned())],
        };
        match self.sender.send(&message).await {
            Ok(_) => Ok(()),
            Err(SmsError::Retry { code, .. }) => Err(format!("provider busy: {code}")),
            Err(SmsError::Refused { code, message }) => Err(format!("{code}: {message}")),
        }
    }
}
