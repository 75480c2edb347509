//! Login rate limiting, kept in the database so every app server sees the same counts.
//! Two keys per attempt: the mobile number (guessing one account's password) and the client
//! address (trying many accounts). Keys are hashed: the table holds no phone numbers.

use domain::{Storage, StorageError};
use sha2::{Digest, Sha256};

/// Failures allowed per key inside the window before further attempts are refused.
pub struct Limits {
    pub per_phone: u32,
    pub per_ip: u32,
    pub window_ms: i64,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        per_phone: 5,
        per_ip: 30,
        window_ms: 15 * 60 * 1000,
    };
}

pub struct Keys {
    phone: String,
    ip: Option<String>,
}

impl Keys {
    pub fn new(phone: &str, ip: Option<std::net::IpAddr>) -> Self {
        Self {
            phone: key("phone", phone),
            ip: ip.map(|ip| key("ip", &ip.to_string())),
        }
    }
}

fn key(kind: &str, value: &str) -> String {
    let digest = Sha256::digest(format!("pingan-login:{kind}:{value}"));
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `Some(minutes)` to wait when either key is over its limit.
pub async fn blocked(
    store: &dyn Storage,
    keys: &Keys,
    limits: &Limits,
    now_ms: i64,
) -> Result<Option<u32>, StorageError> {
    let since = now_ms - limits.window_ms;
    let wait = (limits.window_ms / 60_000) as u32;
    if store.login_failures_since(&keys.phone, since).await? >= limits.per_phone {
        return Ok(Some(wait));
    }
    if let Some(ip) = &keys.ip {
        if store.login_failures_since(ip, since).await? >= limits.per_ip {
            return Ok(Some(wait));
        }
    }
    Ok(None)
}

pub async fn failed(store: &dyn Storage, keys: &Keys, now_ms: i64) -> Result<(), StorageError> {
    store.record_login_failure(&keys.phone, now_ms).await?;
    if let Some(ip) = &keys.ip {
        store.record_login_failure(ip, now_ms).await?;
    }
    Ok(())
}

/// A successful login forgets the number's failures (not the address's: one success must not
/// reset a spray across many accounts).
pub async fn succeeded(store: &dyn Storage, keys: &Keys) -> Result<(), StorageError> {
    store.clear_login_failures(&keys.phone).await
}
