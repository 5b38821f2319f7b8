//! Small helpers shared by the emulator modules: ids, random strings, hashing, time formatting,
//! HTML escaping.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, SecondsFormat, Utc};
use rand::RngExt;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// A fresh random GUID (lower case, hyphenated), like every Entra object id.
pub fn new_guid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A GUID derived from a label, so that the seeded tenant has the same ids on every start.
pub fn stable_guid(label: &str) -> String {
    let digest = Sha256::digest(format!("exowiz-demo:{label}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// `url` with a trailing slash on its path, so that `join` and `format!("{url}x")` keep it.
pub fn with_trailing_slash(mut url: url::Url) -> url::Url {
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url
}

/// Is `s` a hyphenated GUID (any case)?
pub fn is_guid(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::parse_str(s).is_ok()
}

/// `n` random bytes encoded as base64url without padding.
pub fn random_token(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rng().fill(&mut bytes[..]);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Random string over `alphabet`.
pub fn random_from(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
        .collect()
}

/// A client secret in the shape Entra hands out: 40 characters, the 4th a digit, then `Q~`,
/// e.g. `abc8Q~…`.
pub fn new_client_secret() -> String {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const BODY: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~-";
    format!(
        "{}{}Q~{}",
        random_from(ALNUM, 3),
        random_from(b"0123456789", 1),
        random_from(BODY, 34)
    )
}

/// Hex encoded SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash stored for a client secret (never the secret itself).
pub fn secret_hash(key_id: &str, secret: &str) -> String {
    sha256_hex(format!("{}:{secret}", key_id.to_ascii_lowercase()).as_bytes())
}

/// `2024-05-01T10:00:00Z`, the format Graph uses for DateTimeOffset values.
pub fn iso(dt: DateTime<Utc>) -> String {
    dt.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn now_iso() -> String {
    iso(Utc::now())
}

/// Parse a Graph/ISO date-time (with `Z` or an offset, optional fraction).
pub fn parse_iso(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// Escape text for HTML bodies and attribute values.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// String property of a JSON object, `""` when missing or not a string.
pub fn sprop<'a>(m: &'a Map<String, Value>, key: &str) -> &'a str {
    m.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Case-insensitive ASCII equality.
pub fn eq_ci(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Parse `application/x-www-form-urlencoded` bytes into pairs (later duplicates win).
pub fn parse_form(body: &[u8]) -> std::collections::HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_shape() {
        let s = new_client_secret();
        assert_eq!(s.len(), 40);
        assert_eq!(&s[4..6], "Q~");
        assert!(s.as_bytes()[3].is_ascii_digit());
    }

    #[test]
    fn stable_guids_are_stable_and_valid() {
        assert_eq!(stable_guid("x"), stable_guid("x"));
        assert_ne!(stable_guid("x"), stable_guid("y"));
        assert!(is_guid(&stable_guid("x")));
    }
}
