//! The secrets port: what server functions need from the server's key material without
//! holding it — sealing personal data at rest and hashing passwords.

use crate::volunteer::Password;
use async_trait::async_trait;

#[async_trait]
pub trait Secrets: Send + Sync + 'static {
    /// Encrypts personal data (an ID number) for storage.
    fn seal(&self, plain: &str) -> Vec<u8>;

    /// Decrypts what `seal` produced; `None` if it was altered or sealed under another key.
    fn open(&self, sealed: &[u8]) -> Option<String>;

    /// A random temporary password (for an admin's reset), easy to read out over the phone.
    fn temporary_password(&self) -> Password;

    /// A keyed digest (HMAC-SHA256) of `message` for `purpose`: check-in codes and calendar
    /// links that only the server can make and check.
    fn mac(&self, purpose: &str, message: &str) -> [u8; 32];

    /// The PHC string to store for a password (slow on purpose; runs off the async workers).
    async fn hash_password(&self, password: &Password) -> Result<String, String>;

    /// Whether `password` matches the stored PHC string; with none stored, a dummy hash is
    /// checked anyway so an unknown account takes as long as a wrong password.
    async fn verify_password(&self, stored: Option<String>, password: &str) -> bool;
}
