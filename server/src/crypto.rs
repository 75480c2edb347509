//! Sealing personal data at rest: ID numbers are stored encrypted with ChaCha20-Poly1305
//! under a key derived from `PINGAN_SECRET_KEY`, so a copied database file does not give them
//! away. A random 96-bit nonce is stored in front of each ciphertext.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

#[derive(Clone)]
pub struct Sealer {
    cipher: ChaCha20Poly1305,
}

impl Sealer {
    /// Derives the sealing key from the server's secret (domain-separated from other uses).
    pub fn new(secret: &SecretString) -> Self {
        let digest = Sha256::digest(format!("pingan-seal-v1:{}", secret.expose_secret()));
        Self {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&digest)),
        }
    }

    pub fn seal(&self, plain: &str) -> Vec<u8> {
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let mut out = nonce.to_vec();
        // Encryption with a fresh nonce and an in-memory buffer cannot fail.
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
            .unwrap_or_default();
        out.extend(sealed);
        out
    }

    /// `None` when the data was sealed under another key or altered.
    pub fn open(&self, sealed: &[u8]) -> Option<String> {
        if sealed.len() < 12 {
            return None;
        }
        let (nonce, body) = sealed.split_at(12);
        let plain = self.cipher.decrypt(Nonce::from_slice(nonce), body).ok()?;
        String::from_utf8(plain).ok()
    }
}

/// The server's implementation of the secrets port.
pub struct ServerSecrets {
    sealer: Sealer,
    /// The HMAC key, derived from the secret apart from the sealing key.
    mac_key: [u8; 32],
    /// Each argon2 hash or check holds 19 MiB for ~30 ms: a few hundred at once (a flood of
    /// `/apply` or login posts) would take the machine's memory. Past this many, callers queue
    /// without holding any hashing memory.
    hashing: tokio::sync::Semaphore,
}

/// Password hashes computed at once, server-wide: one per core and one spare.
pub fn concurrent_hashes() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get() + 1)
}

impl ServerSecrets {
    pub fn new(secret: &SecretString) -> Self {
        let mac_key = Sha256::digest(format!("pingan-mac-v1:{}", secret.expose_secret())).into();
        Self {
            sealer: Sealer::new(secret),
            mac_key,
            hashing: tokio::sync::Semaphore::new(concurrent_hashes()),
        }
    }

    /// How many hashes are running now (for tests of the bound).
    pub fn hashes_running(&self) -> usize {
        concurrent_hashes() - self.hashing.available_permits()
    }
}

#[async_trait::async_trait]
impl domain::Secrets for ServerSecrets {
    fn seal(&self, plain: &str) -> Vec<u8> {
        self.sealer.seal(plain)
    }

    fn open(&self, sealed: &[u8]) -> Option<String> {
        self.sealer.open(sealed)
    }

    fn temporary_password(&self) -> domain::Password {
        // No 0/O, 1/l/I: it is read aloud or copied by hand. 10 of 55 symbols ≈ 57 bits.
        const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        use rand::Rng;
        let mut rng = rand::rng();
        let text: String = (0..10)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        domain::Password::parse(&text).unwrap_or_else(|_| unreachable!("10 characters is valid"))
    }

    fn mac(&self, purpose: &str, message: &str) -> [u8; 32] {
        use hmac::{Hmac, Mac};
        // Any key length is valid for HMAC, so this cannot fail.
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.mac_key) else {
            unreachable!("HMAC takes keys of any length")
        };
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(message.as_bytes());
        mac.finalize().into_bytes().into()
    }

    async fn hash_password(&self, password: &domain::Password) -> Result<String, String> {
        let _permit = self.hashing.acquire().await.map_err(|e| e.to_string())?;
        crate::auth::password::hash(password)
            .await
            .map_err(|e| e.to_string())
    }

    async fn verify_password(&self, stored: Option<String>, password: &str) -> bool {
        let Ok(_permit) = self.hashing.acquire().await else {
            return false;
        };
        crate::auth::password::verify(stored, password.to_owned()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn password_hashes_run_through_a_bounded_number_of_slots() {
        use domain::Secrets;
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        use std::sync::Arc;
        let secrets = Arc::new(ServerSecrets::new(&SecretString::from("k".repeat(40))));
        let peak = Arc::new(AtomicUsize::new(0));
        let done = Arc::new(AtomicBool::new(false));
        let watcher = {
            let (secrets, peak, done) = (secrets.clone(), peak.clone(), done.clone());
            tokio::spawn(async move {
                while !done.load(Ordering::Relaxed) {
                    peak.fetch_max(secrets.hashes_running(), Ordering::Relaxed);
                    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                }
            })
        };
        let password = domain::Password::parse("巡逻平安2026").expect("valid");
        let hashes = (0..12).map(|_| {
            let (secrets, password) = (secrets.clone(), password.clone());
            tokio::spawn(async move { secrets.hash_password(&password).await })
        });
        for h in futures::future::join_all(hashes).await {
            assert!(h.expect("task").is_ok());
        }
        done.store(true, Ordering::Relaxed);
        watcher.await.expect("watcher");
        let peak = peak.load(Ordering::Relaxed);
        assert!(peak >= 1, "hashing takes a slot");
        assert!(peak <= concurrent_hashes(), "{peak} at once");
        assert_eq!(secrets.hashes_running(), 0, "every slot is given back");
    }

    #[test]
    fn sealed_data_opens_only_with_the_same_key_and_unaltered() {
        let a = Sealer::new(&SecretString::from("a".repeat(40)));
        let b = Sealer::new(&SecretString::from("b".repeat(40)));
        let sealed = a.seal("11010519491231002X");
        assert!(!String::from_utf8_lossy(&sealed).contains("19491231"));
        assert_eq!(a.open(&sealed).as_deref(), Some("11010519491231002X"));
        assert_eq!(b.open(&sealed), None);
        let mut altered = sealed.clone();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        assert_eq!(a.open(&altered), None);
        assert_ne!(a.seal("x"), a.seal("x"), "a fresh nonce each time");
    }

    #[test]
    fn check_in_codes_are_six_digits_valid_for_their_period_and_the_next_only() {
        use domain::duty::rules::{check_in_code, code_matches, CODE_PERIOD_MS};
        let s = ServerSecrets::new(&SecretString::from("one key"));
        let other = ServerSecrets::new(&SecretString::from("another key"));
        let t = 1_795_536_000_000;
        let code = check_in_code(&s, 42, t);
        assert_eq!(code.len(), 6);
        assert!(code.chars().all(|c| c.is_ascii_digit()));
        assert!(code_matches(&s, 42, t, &code));
        assert!(code_matches(&s, 42, t + CODE_PERIOD_MS, &code));
        assert!(!code_matches(&s, 42, t + 3 * CODE_PERIOD_MS, &code));
        assert!(!code_matches(&s, 43, t, &code), "another shift's code");
        assert!(!code_matches(&other, 42, t, &code), "another server's key");
        assert!(!code_matches(&s, 42, t, ""));
    }
}
