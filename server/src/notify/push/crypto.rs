//! Message encryption for Web Push (RFC 8291) in the `aes128gcm` content coding (RFC 8188).
//! The push service relays the body but cannot read it: only the browser holding the
//! subscription's private key and auth secret can. Each message uses a fresh ephemeral key and
//! salt, and is a single record, as RFC 8291 §4 requires.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use hkdf::Hkdf;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use rand::RngCore;
use sha2::Sha256;

use super::PushError;

/// The largest payload that still fits the 4,096 bytes every push service must accept
/// (RFC 8291 §4): 4,096 minus the 86-byte header, the delimiter and the 16-byte tag.
pub const MAX_PAYLOAD: usize = 3993;

/// Advertised record size; larger than any single record we produce, as RFC 8291 §4 asks.
const RECORD_SIZE: u32 = 4096;
/// RFC 8188 §2: the padding delimiter of the last (here: only) record.
const LAST_RECORD_DELIMITER: u8 = 0x02;
const TAG_LEN: usize = 16;

/// RFC 8291 §3.3–3.4: mixes the ECDH secret with the subscriber's auth secret, binding both
/// public keys in, into the input keying material for the content encryption key.
fn combine_keys(
    ecdh_secret: &[u8],
    auth_secret: &[u8; 16],
    ua_public: &[u8],
    as_public: &[u8],
) -> Result<[u8; 32], PushError> {
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(auth_secret), ecdh_secret)
        .expand_multi_info(&[b"WebPush: info\0", ua_public, as_public], &mut ikm)
        .map_err(derivation_failed)?;
    Ok(ikm)
}

/// RFC 8188 §2.2–2.3: the content encryption key and nonce for this message's salt.
fn content_keys(ikm: &[u8; 32], salt: &[u8; 16]) -> Result<([u8; 16], [u8; 12]), PushError> {
    let content = Hkdf::<Sha256>::new(Some(salt), ikm);
    let mut cek = [0u8; 16];
    content
        .expand(b"Content-Encoding: aes128gcm\0", &mut cek)
        .map_err(derivation_failed)?;
    let mut nonce = [0u8; 12];
    content
        .expand(b"Content-Encoding: nonce\0", &mut nonce)
        .map_err(derivation_failed)?;
    Ok((cek, nonce))
}

/// Fixed output lengths of at most 32 bytes cannot exceed HKDF's limit; the error is still
/// propagated so a future change cannot silently yield an all-zero key.
fn derivation_failed(_: hkdf::InvalidLength) -> PushError {
    PushError::Refused("key derivation failed".to_owned())
}

/// RFC 8291 encryption with a chosen ephemeral key (`as_private`) and salt. Production code
/// goes through `encrypt`, which picks both at random; this entry point exists so the RFC's
/// Appendix A vector can be checked byte for byte.
pub fn encrypt_with(
    payload: &[u8],
    ua_public: &PublicKey,
    auth_secret: &[u8; 16],
    as_private: &SecretKey,
    salt: &[u8; 16],
) -> Result<Vec<u8>, PushError> {
    if payload.len() > MAX_PAYLOAD {
        return Err(PushError::Refused(format!(
            "payload of {} bytes exceeds the {MAX_PAYLOAD}-byte limit",
            payload.len()
        )));
    }
    let ua_point = ua_public.to_encoded_point(false);
    let as_point = as_private.public_key().to_encoded_point(false);
    let shared = p256::ecdh::diffie_hellman(as_private.to_nonzero_scalar(), ua_public.as_affine());
    let ikm = combine_keys(
        shared.raw_secret_bytes(),
        auth_secret,
        ua_point.as_bytes(),
        as_point.as_bytes(),
    )?;
    let (cek, nonce) = content_keys(&ikm, salt)?;

    let mut record = Vec::with_capacity(payload.len() + 1);
    record.extend_from_slice(payload);
    record.push(LAST_RECORD_DELIMITER);
    let cipher = Aes128Gcm::new_from_slice(&cek)
        .map_err(|_| PushError::Refused("content key has the wrong length".to_owned()))?;
    // One record, so the nonce is used as derived (its XOR with sequence number 0 is itself).
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), record.as_slice())
        .map_err(|_| PushError::Refused("encryption failed".to_owned()))?;

    // RFC 8188 §2.1 header: salt, record size, key id length, key id (RFC 8291 §4: the
    // application server's uncompressed public key).
    let key_id = as_point.as_bytes();
    let mut body = Vec::with_capacity(16 + 4 + 1 + key_id.len() + sealed.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(
        u8::try_from(key_id.len())
            .map_err(|_| PushError::Refused("application server key id too long".to_owned()))?,
    );
    body.extend_from_slice(key_id);
    body.extend_from_slice(&sealed);
    debug_assert!(sealed.len() == payload.len() + 1 + TAG_LEN);
    Ok(body)
}

/// Encrypts for one subscriber with a fresh ephemeral key pair and salt.
pub(crate) fn encrypt(
    payload: &[u8],
    ua_public: &PublicKey,
    auth_secret: &[u8; 16],
) -> Result<Vec<u8>, PushError> {
    let mut rng = rand::rng();
    let mut salt = [0u8; 16];
    rng.fill_bytes(&mut salt);
    // Rejection sampling: 32 random bytes are a valid scalar except with odds about 2^-32.
    let ephemeral = loop {
        let mut bytes = [0u8; 32];
        rng.fill_bytes(&mut bytes);
        if let Ok(key) = SecretKey::from_slice(&bytes) {
            break key;
        }
    };
    encrypt_with(payload, ua_public, auth_secret, &ephemeral, &salt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;

    // RFC 8291 §5 and Appendix A "Intermediate Values for Encryption", transcribed from the
    // working group's source of the RFC (webpush-wg/webpush-encryption,
    // draft-ietf-webpush-encryption.md) with the presentation line breaks removed.
    const PLAINTEXT: &str = "When I grow up, I want to be a watermelon";
    const AS_PUBLIC: &str =
        "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    const AS_PRIVATE: &str = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    const UA_PUBLIC: &str =
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const SALT: &str = "DGv6ra1nlYgDCS1FRnbzlw";
    const AUTH_SECRET: &str = "BTBZMqHH6r4Tts7J_aSIgg";
    const ECDH_SECRET: &str = "kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs";
    const IKM: &str = "S4lYMb_L0FxCeq0WhDx813KgSYqU26kOyzWUdsXYyrg";
    const CEK: &str = "oIhVW04MRdy2XN9CiKLxTg";
    const NONCE: &str = "4h_95klXJ5E_qnoN";
    const HEADER: &str = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml\
                          mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    const CIPHERTEXT: &str = "8pfeW0KbunFT06SuDKoJH9Ql87S1QUrdirN6GcG7sFz1y1sqLgVi1VhjVkHsUoEs\
                              bI_0LpXMuGvnzQ";
    const BODY: &str = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml\
                        mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT\
                        pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

    fn b64(value: &str) -> Vec<u8> {
        URL_SAFE_NO_PAD.decode(value).expect("base64url")
    }

    fn array<const N: usize>(value: &str) -> [u8; N] {
        b64(value).try_into().expect("length")
    }

    fn rfc_keys() -> (PublicKey, SecretKey) {
        let ua = PublicKey::from_sec1_bytes(&b64(UA_PUBLIC)).expect("ua_public");
        let as_private = SecretKey::from_slice(&b64(AS_PRIVATE)).expect("as_private");
        (ua, as_private)
    }

    #[test]
    fn the_rfc_8291_key_schedule_matches_appendix_a() {
        let (ua, as_private) = rfc_keys();
        let as_point = as_private.public_key().to_encoded_point(false);
        assert_eq!(as_point.as_bytes(), b64(AS_PUBLIC).as_slice());
        let shared = p256::ecdh::diffie_hellman(as_private.to_nonzero_scalar(), ua.as_affine());
        assert_eq!(
            shared.raw_secret_bytes().as_slice(),
            b64(ECDH_SECRET).as_slice()
        );

        let ikm = combine_keys(
            shared.raw_secret_bytes(),
            &array(AUTH_SECRET),
            &b64(UA_PUBLIC),
            as_point.as_bytes(),
        )
        .expect("derivation");
        assert_eq!(ikm.as_slice(), b64(IKM).as_slice());
        let (cek, nonce) = content_keys(&ikm, &array(SALT)).expect("derivation");
        assert_eq!(cek.as_slice(), b64(CEK).as_slice());
        assert_eq!(nonce.as_slice(), b64(NONCE).as_slice());
    }

    #[test]
    fn the_rfc_8291_example_message_is_reproduced_byte_for_byte() {
        let (ua, as_private) = rfc_keys();
        let body = encrypt_with(
            PLAINTEXT.as_bytes(),
            &ua,
            &array(AUTH_SECRET),
            &as_private,
            &array(SALT),
        )
        .expect("encrypt");
        assert_eq!(&body[..86], b64(HEADER).as_slice(), "header");
        assert_eq!(&body[86..], b64(CIPHERTEXT).as_slice(), "ciphertext");
        assert_eq!(URL_SAFE_NO_PAD.encode(&body), BODY);
    }

    #[test]
    fn a_payload_of_exactly_the_limit_fills_4096_bytes_and_one_more_is_refused() {
        let (ua, _) = rfc_keys();
        let auth = array(AUTH_SECRET);
        let body = encrypt(&[b'x'; MAX_PAYLOAD], &ua, &auth).expect("fits");
        assert_eq!(body.len(), 4096);
        assert!(matches!(
            encrypt(&[b'x'; MAX_PAYLOAD + 1], &ua, &auth),
            Err(PushError::Refused(_))
        ));
    }

    #[test]
    fn every_message_gets_a_fresh_salt_and_ephemeral_key() {
        let (ua, _) = rfc_keys();
        let auth = array(AUTH_SECRET);
        let first = encrypt(b"same", &ua, &auth).expect("encrypt");
        let second = encrypt(b"same", &ua, &auth).expect("encrypt");
        assert_ne!(first[..16], second[..16], "salt");
        assert_ne!(first[21..86], second[21..86], "ephemeral public key");
        assert_eq!(first[20], 65);
        assert_eq!(first[16..20], 4096u32.to_be_bytes());
    }
}
