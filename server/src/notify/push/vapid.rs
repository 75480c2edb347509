//! VAPID (RFC 8292): the application server proves to the push service that it holds the key
//! whose public half the browser was given as `applicationServerKey`, by signing a short-lived
//! JWT. A push service refuses messages for a subscription made with another key, so the key must
//! stay the same across restarts and across every app server: it is derived, never generated.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hkdf::Hkdf;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use sha2::Sha256;

/// Domain separation: the same server secret also seals data at rest and signs sessions.
const DERIVE_INFO: &[u8] = b"pingan web push vapid";

/// RFC 8292 §2 allows at most 24 h; half of that leaves room for a push service whose clock
/// runs behind ours.
pub(crate) const JWT_LIFETIME_SECS: i64 = 12 * 60 * 60;

/// The server's VAPID key pair.
#[derive(Clone)]
pub struct VapidKeys {
    signing: SigningKey,
    public: PublicKey,
}

impl VapidKeys {
    /// Derived from the server's secret key bytes with HKDF-SHA256 (info "pingan web push
    /// vapid"), so every app server sharing the secret signs with the same key and browsers'
    /// subscriptions survive restarts. An output that is not a valid P-256 scalar (zero or not
    /// below the group order, odds about 2^-32) is skipped by expanding again with a counter.
    pub fn derive(secret: &[u8]) -> Self {
        let hkdf = Hkdf::<Sha256>::new(None, secret);
        let mut counter: u32 = 0;
        loop {
            let mut info = DERIVE_INFO.to_vec();
            if counter > 0 {
                info.extend_from_slice(&counter.to_be_bytes());
            }
            let mut scalar = [0u8; 32];
            // 32 bytes is far below HKDF-SHA256's 8,160-byte limit, so expand always succeeds.
            if hkdf.expand(&info, &mut scalar).is_ok() {
                if let Ok(secret) = SecretKey::from_slice(&scalar) {
                    return Self::from_secret(&secret);
                }
            }
            counter = counter.wrapping_add(1);
        }
    }

    pub(crate) fn from_secret(secret: &SecretKey) -> Self {
        Self {
            signing: SigningKey::from(secret),
            public: secret.public_key(),
        }
    }

    /// The uncompressed public key (65 bytes) as base64url without padding: the browser's
    /// `applicationServerKey`, and the `k` parameter of the Authorization header.
    pub fn public_key_base64url(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.public.to_encoded_point(false).as_bytes())
    }

    /// The signed JWT for one push service origin (`aud`), valid for twelve hours from
    /// `now_unix`, naming the operator to contact (`sub`, "mailto:…" or an https URL).
    pub(crate) fn jwt(&self, audience: &str, subject: &str, now_unix: i64) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = serde_json::json!({
            "aud": audience,
            "exp": now_unix + JWT_LIFETIME_SECS,
            "sub": subject,
        });
        let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signing_input = format!("{header}.{claims}");
        // JWS ES256 (RFC 7518 §3.4) wants the fixed 64-byte r||s form, not DER.
        let signature: Signature = self.signing.sign(signing_input.as_bytes());
        format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        )
    }

    /// The RFC 8292 §3 `Authorization` header value for one push service origin.
    pub(crate) fn authorization(&self, audience: &str, subject: &str, now_unix: i64) -> String {
        format!(
            "vapid t={}, k={}",
            self.jwt(audience, subject, now_unix),
            self.public_key_base64url()
        )
    }
}

/// Shows the public key only: the private half must never reach a log line.
impl fmt::Debug for VapidKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VapidKeys")
            .field("public", &self.public_key_base64url())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Verifier;
    use p256::ecdsa::VerifyingKey;

    fn decode(part: &str) -> Vec<u8> {
        URL_SAFE_NO_PAD.decode(part).expect("base64url")
    }

    #[test]
    fn the_same_secret_always_gives_the_same_key() {
        let a = VapidKeys::derive(b"a server secret of some length");
        let b = VapidKeys::derive(b"a server secret of some length");
        let other = VapidKeys::derive(b"another server secret");
        assert_eq!(a.public_key_base64url(), b.public_key_base64url());
        assert_ne!(a.public_key_base64url(), other.public_key_base64url());
    }

    #[test]
    fn the_public_key_is_an_uncompressed_point_in_unpadded_base64url() {
        let keys = VapidKeys::derive(b"secret");
        let encoded = keys.public_key_base64url();
        assert_eq!(encoded.len(), 87, "65 bytes without padding");
        assert!(!encoded.contains(['=', '+', '/']));
        let bytes = decode(&encoded);
        assert_eq!(bytes[0], 0x04);
        assert!(PublicKey::from_sec1_bytes(&bytes).is_ok());
    }

    #[test]
    fn debug_output_does_not_contain_the_private_key() {
        let secret = SecretKey::from_slice(&[7u8; 32]).expect("valid scalar");
        let keys = VapidKeys::from_secret(&secret);
        let shown = format!("{keys:?}");
        assert!(shown.contains(&keys.public_key_base64url()));
        assert!(!shown.contains(&URL_SAFE_NO_PAD.encode([7u8; 32])));
    }

    #[test]
    fn the_jwt_has_the_rfc_8292_header_and_claims() {
        let keys = VapidKeys::derive(b"secret");
        let token = keys.jwt(
            "https://push.example.net",
            "mailto:ops@example.cn",
            1_700_000_000,
        );
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert!(!token.contains('='), "base64url without padding everywhere");

        let header: serde_json::Value = serde_json::from_slice(&decode(parts[0])).expect("json");
        assert_eq!(header, serde_json::json!({"typ": "JWT", "alg": "ES256"}));
        let claims: serde_json::Value = serde_json::from_slice(&decode(parts[1])).expect("json");
        assert_eq!(claims["aud"], "https://push.example.net");
        assert_eq!(claims["sub"], "mailto:ops@example.cn");
        assert_eq!(claims["exp"], 1_700_000_000 + 12 * 3600);
    }

    #[test]
    fn the_signature_is_raw_es256_that_verifies_with_the_public_key() {
        let keys = VapidKeys::derive(b"secret");
        let token = keys.jwt(
            "https://push.example.net",
            "mailto:ops@example.cn",
            1_700_000_000,
        );
        let (signing_input, signature) = token.rsplit_once('.').expect("three parts");
        let signature = decode(signature);
        assert_eq!(signature.len(), 64, "r||s, not DER");

        let verifying = VerifyingKey::from_sec1_bytes(&decode(&keys.public_key_base64url()))
            .expect("public key");
        let signature = Signature::from_slice(&signature).expect("signature");
        assert!(verifying
            .verify(signing_input.as_bytes(), &signature)
            .is_ok());
        let tampered = signing_input.replacen('e', "f", 1);
        assert!(verifying.verify(tampered.as_bytes(), &signature).is_err());
    }

    #[test]
    fn the_authorization_header_carries_the_token_and_the_key() {
        let keys = VapidKeys::derive(b"secret");
        let value = keys.authorization("https://push.example.net", "mailto:a@b.cn", 0);
        let (t, k) = value
            .strip_prefix("vapid t=")
            .and_then(|rest| rest.split_once(", k="))
            .expect("vapid t=…, k=…");
        assert_eq!(t.split('.').count(), 3);
        assert_eq!(k, keys.public_key_base64url());
    }
}
