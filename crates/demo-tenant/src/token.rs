//! JWTs signed with HMAC-SHA256 over a per-process random key. Clients never verify the
//! signature; the emulator does, so only tokens it issued are accepted.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const BLOCK: usize = 64;

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut ipad = [0x36u8; BLOCK];
    let mut opad = [0x5cu8; BLOCK];
    for i in 0..BLOCK {
        ipad[i] ^= k[i];
        opad[i] ^= k[i];
    }
    let mut inner = Sha256::new();
    inner.update(ipad);
    inner.update(message);
    let inner = inner.finalize();
    let mut outer = Sha256::new();
    outer.update(opad);
    outer.update(inner);
    let mut out = [0u8; 32];
    out.copy_from_slice(&outer.finalize());
    out
}

/// Encode and sign `claims`.
pub fn encode(key: &[u8], claims: &Value) -> String {
    let header = json!({"typ": "JWT", "alg": "HS256", "kid": "exowiz-demo"});
    let h = URL_SAFE_NO_PAD.encode(header.to_string());
    let p = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{h}.{p}");
    let sig = URL_SAFE_NO_PAD.encode(hmac_sha256(key, signing_input.as_bytes()));
    format!("{signing_input}.{sig}")
}

#[derive(Debug, PartialEq, Eq)]
pub enum TokenError {
    Malformed,
    BadSignature,
    Expired,
}

/// Verify the signature and `exp`, return the claims.
pub fn decode(key: &[u8], token: &str, now_secs: i64) -> Result<Value, TokenError> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    let sig = URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| TokenError::Malformed)?;
    let expected = hmac_sha256(key, format!("{h}.{p}").as_bytes());
    if !constant_time_eq(&sig, &expected) {
        return Err(TokenError::BadSignature);
    }
    let payload = URL_SAFE_NO_PAD
        .decode(p)
        .map_err(|_| TokenError::Malformed)?;
    let claims: Value = serde_json::from_slice(&payload).map_err(|_| TokenError::Malformed)?;
    let exp = claims
        .get("exp")
        .and_then(Value::as_i64)
        .ok_or(TokenError::Malformed)?;
    if now_secs >= exp {
        return Err(TokenError::Expired);
    }
    Ok(claims)
}

/// Decode the payload without checking anything (for tests and diagnostics).
pub fn peek_claims(token: &str) -> Option<Value> {
    let p = token.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).ok()?).ok()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_rfc4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            crate::util::hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn roundtrip_and_tamper() {
        let key = [7u8; 32];
        let t = encode(&key, &json!({"exp": 100, "a": 1}));
        assert_eq!(decode(&key, &t, 50).unwrap()["a"], 1);
        assert_eq!(decode(&key, &t, 100), Err(TokenError::Expired));
        assert_eq!(decode(&[8u8; 32], &t, 50), Err(TokenError::BadSignature));
        assert_eq!(decode(&key, "abc", 50), Err(TokenError::Malformed));
    }
}
