//! Password hashing: argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane).
//! Hashing costs ~30 ms of CPU, so it runs on the blocking pool, never on the async workers.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordVerifier, Version};
use domain::Password;

fn hasher() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: m=19456 KiB, t=2, p=1.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) to store.
pub async fn hash(password: &Password) -> anyhow::Result<String> {
    let password = password.clone();
    tokio::task::spawn_blocking(move || hash_blocking(password.expose())).await?
}

pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))
}

/// Whether `password` matches `stored`. With no stored hash, a dummy hash is checked anyway so
/// that "no such account" takes as long as "wrong password" (no account discovery by timing).
pub async fn verify(stored: Option<String>, password: String) -> bool {
    tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| DUMMY.with(Clone::clone));
        match PasswordHash::new(&stored) {
            Ok(parsed) => hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        }
    })
    .await
    .unwrap_or(false)
}

thread_local! {
    static DUMMY: String = hash_blocking("not-a-real-password-for-timing").unwrap_or_default();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let pw = Password::parse("巡逻平安2026").expect("valid");
        let h = hash(&pw).await.expect("hash");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify(Some(h.clone()), "巡逻平安2026".into()).await);
        assert!(!verify(Some(h), "巡逻平安2025".into()).await);
        assert!(!verify(None, "巡逻平安2026".into()).await);
        assert!(!verify(Some("garbage".into()), "x".into()).await);
    }
}
