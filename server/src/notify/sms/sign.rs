//! The two request signatures, as plain functions over plain data so that each can be checked
//! against the provider's published example without a network or a clock.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// RFC 3986 percent-encoding as Aliyun's RPC signature defines it: only `A-Z a-z 0-9 - _ . ~`
/// stay literal, every other UTF-8 byte becomes `%XX` in upper case. This is stricter than
/// `application/x-www-form-urlencoded` (no `+` for space, `*` is encoded), which is why neither
/// a form encoder nor `encodeURIComponent`-style rules can be used for the string to sign.
pub fn percent_encode(input: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(input.len());
    for &byte in input.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}

/// The canonicalized query of Aliyun's RPC signature: pairs sorted by name (byte order), both
/// sides percent-encoded, joined with `&`. It is also what goes on the wire, so the body that is
/// sent and the string that is signed cannot drift apart.
pub fn aliyun_canonical_query(params: &[(&str, &str)]) -> String {
    let mut sorted: Vec<&(&str, &str)> = params.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    sorted
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Aliyun RPC signature version 1.0: `base64(HMAC-SHA1(secret + "&", StringToSign))` where
/// `StringToSign = METHOD & percentEncode("/") & percentEncode(canonical query)`. The trailing
/// `&` on the key is not in the prose of the docs but is in their worked example and SDKs.
/// `params` must not contain `Signature` itself.
pub fn aliyun_signature(method: &str, params: &[(&str, &str)], secret: &str) -> String {
    let string_to_sign = format!(
        "{method}&{}&{}",
        percent_encode("/"),
        percent_encode(&aliyun_canonical_query(params))
    );
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes())
        .expect("HMAC accepts a key of any length");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The content type Tencent's signature covers; the request must send exactly this value.
pub const TENCENT_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// The `Authorization` header of Tencent Cloud API 3.0 (TC3-HMAC-SHA256), signing the two
/// headers every call must sign (`content-type`, `host`) and the JSON body. `service` is the
/// product's short name (`sms`); `host` must be the `Host` header exactly as sent, port included
/// when it is not the scheme's default.
pub fn tencent_authorization(
    secret_id: &str,
    secret_key: &str,
    service: &str,
    host: &str,
    at: DateTime<Utc>,
    body: &[u8],
) -> String {
    let timestamp = at.timestamp();
    // The scope's date is the UTC date of the timestamp, not the local one: signing with the
    // Beijing date fails every night between 00:00 and 08:00.
    let date = at.format("%Y-%m-%d").to_string();
    let signed_headers = "content-type;host";
    let canonical_request = format!(
        "POST\n/\n\ncontent-type:{TENCENT_CONTENT_TYPE}\nhost:{host}\n\n{signed_headers}\n{}",
        sha256_hex(body)
    );
    let scope = format!("{date}/{service}/tc3_request");
    let string_to_sign = format!(
        "TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let k_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k_service = hmac_sha256(&k_date, service.as_bytes());
    let k_signing = hmac_sha256(&k_service, b"tc3_request");
    let signature = hex(&hmac_sha256(&k_signing, string_to_sign.as_bytes()));
    format!(
        "TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders={signed_headers}, \
         Signature={signature}"
    )
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts a key of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// Lower-case hex, as both `HashedRequestPayload` and the final signature are written.
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encode_keeps_only_the_unreserved_characters() {
        assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(percent_encode("a b"), "a%20b");
        assert_eq!(percent_encode("*"), "%2A");
        assert_eq!(percent_encode("+/=&:"), "%2B%2F%3D%26%3A");
        assert_eq!(percent_encode("!'()"), "%21%27%28%29");
        assert_eq!(percent_encode("%"), "%25");
    }

    #[test]
    fn percent_encode_writes_utf8_bytes_in_upper_case_hex() {
        assert_eq!(percent_encode("平安"), "%E5%B9%B3%E5%AE%89");
        assert_eq!(
            percent_encode("{\"a\":\"é\"}"),
            "%7B%22a%22%3A%22%C3%A9%22%7D"
        );
    }

    #[test]
    fn canonical_query_sorts_by_name_in_byte_order() {
        let q = aliyun_canonical_query(&[("b", "2"), ("a", "x y"), ("B", "1")]);
        assert_eq!(q, "B=1&a=x%20y&b=2");
    }

    fn describe_regions(timestamp_name: &'static str) -> Vec<(&'static str, &'static str)> {
        vec![
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("Format", "XML"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("SignatureVersion", "1.0"),
            (timestamp_name, "2016-02-23T12:46:24Z"),
            ("Version", "2014-05-26"),
        ]
    }

    #[test]
    fn aliyun_signature_matches_the_published_describe_regions_example() {
        assert_eq!(
            aliyun_signature("GET", &describe_regions("Timestamp"), "testsecret"),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
        );
    }

    #[test]
    fn aliyun_signature_matches_the_older_example_spelled_timestamp_with_a_capital_s() {
        // The same example in Aliyun's older ECS docs, whose parameter was `TimeStamp`: the
        // different name sorts differently and yields the value those pages print.
        assert_eq!(
            aliyun_signature("GET", &describe_regions("TimeStamp"), "testsecret"),
            "CT9X0VtwR86fNWSnsc6v8YGOjuE="
        );
    }

    #[test]
    fn aliyun_signature_covers_the_method() {
        let params = describe_regions("Timestamp");
        assert_ne!(
            aliyun_signature("POST", &params, "testsecret"),
            aliyun_signature("GET", &params, "testsecret")
        );
    }

    #[test]
    fn tencent_authorization_matches_the_published_describe_instances_example() {
        // Tencent Cloud API 3.0 "Signature v3", the CVM DescribeInstances walk-through: its
        // step 3 gives SecretKey Gu5t9xGARNpq86cd98joQYCN3EXAMPLE and the signature below (the
        // SecretId is masked in the document; it is only copied into the header, not signed).
        let body = br#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
        let at = DateTime::from_timestamp(1_551_113_065, 0).expect("valid timestamp");
        let auth = tencent_authorization(
            "AKIDEXAMPLE",
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
            "cvm",
            "cvm.tencentcloudapi.com",
            at,
            body,
        );
        assert_eq!(
            auth,
            "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2019-02-25/cvm/tc3_request, \
             SignedHeaders=content-type;host, \
             Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
    }

    #[test]
    fn tencent_scope_uses_the_utc_date_even_when_beijing_is_already_on_the_next_day() {
        // 1551113065 is 2019-02-26 00:44 in Beijing but still 2019-02-25 in UTC.
        let at = DateTime::from_timestamp(1_551_113_065, 0).expect("valid timestamp");
        let auth = tencent_authorization("id", "key", "sms", "h", at, b"{}");
        assert!(auth.contains("Credential=id/2019-02-25/sms/tc3_request"));
    }

    #[test]
    fn hex_is_lower_case_and_zero_padded() {
        assert_eq!(hex(&[0x00, 0x0f, 0xab]), "000fab");
    }
}
