//! Tokens kept as secrets, and the claims of an access token read without verification
//! (exowiz only displays them and passes the token on to Graph, which verifies it).

use base64::Engine as _;
use chrono::{DateTime, TimeZone, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;

/// Audiences Microsoft Graph tokens carry in the national clouds.
const KNOWN_GRAPH_AUDIENCES: &[&str] = &[
    "https://graph.microsoft.com",
    "https://graph.microsoft.us",
    "https://dod-graph.microsoft.us",
    "https://microsoftgraph.chinacloudapi.cn",
];

use super::error::AuthError;
use super::transport::{seconds_field, take_string};
use crate::endpoints::Endpoints;

/// The result of a sign-in or credential check.
#[derive(Clone)]
pub struct Tokens {
    pub access_token: SecretString,
    /// Present when `offline_access` was granted (not for client credentials).
    pub refresh_token: Option<SecretString>,
    pub expires_at: DateTime<Utc>,
    /// Scopes the token was issued for (from the answer's `scope`, else the request).
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &"[redacted]")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// The claims of an Entra access token that exowiz uses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Claims {
    /// Tenant ID.
    pub tid: Option<String>,
    /// Object ID of the user or service principal.
    pub oid: Option<String>,
    pub upn: Option<String>,
    pub preferred_username: Option<String>,
    pub unique_name: Option<String>,
    pub name: Option<String>,
    /// Delegated scopes, space-separated.
    pub scp: Option<String>,
    /// Application permissions (app roles); empty when nothing is granted.
    pub roles: Vec<String>,
    /// Client ID (v1 tokens).
    pub appid: Option<String>,
    /// Client ID (v2 tokens).
    pub azp: Option<String>,
    #[serde(deserialize_with = "audience")]
    pub aud: Option<String>,
    pub iss: Option<String>,
    /// Expiry, seconds since 1970.
    #[serde(deserialize_with = "seconds")]
    pub exp: Option<i64>,
}

fn seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

fn audience<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Array(a) => a.into_iter().find_map(|v| match v {
            Value::String(s) => Some(s),
            _ => None,
        }),
        _ => None,
    })
}

impl Claims {
    /// The user's sign-in name: `upn`, else `preferred_username`, else `unique_name`.
    pub fn username(&self) -> Option<&str> {
        self.upn
            .as_deref()
            .or(self.preferred_username.as_deref())
            .or(self.unique_name.as_deref())
    }

    /// The client ID the token was issued to (`appid` or `azp`).
    pub fn client_id(&self) -> Option<&str> {
        self.appid.as_deref().or(self.azp.as_deref())
    }

    /// The delegated scopes as a list.
    pub fn scopes(&self) -> Vec<String> {
        self.scp
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string)
            .collect()
    }

    /// Expiry as a date.
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        Utc.timestamp_opt(self.exp?, 0).single()
    }

    /// Whether the token is meant for Microsoft Graph (audience is Graph's app ID or its URL).
    pub fn is_for_graph(&self, endpoints: &Endpoints) -> bool {
        match self.aud.as_deref() {
            Some(aud) => {
                let aud = aud.trim_end_matches('/');
                // Graph's appId, the configured Graph host, or any national cloud's Graph host
                // (a custom Graph URL such as the demo tenant's still gets Graph's audience).
                aud == "00000003-0000-0000-c000-000000000000"
                    || aud == endpoints.graph_resource()
                    || KNOWN_GRAPH_AUDIENCES.contains(&aud)
            }
            None => false,
        }
    }

    /// Decodes the payload of a JWT without verifying it.
    pub fn from_jwt(token: &str) -> Result<Claims, AuthError> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(_sig)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(AuthError::MalformedToken(
                "it does not have the three dot-separated parts of a JSON Web Token".into(),
            ));
        };
        if parts.next().is_some() {
            return Err(AuthError::MalformedToken(
                "it has more than three dot-separated parts (an encrypted token cannot be read)"
                    .into(),
            ));
        }
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD_INDIFFERENT;
        let header = engine
            .decode(header)
            .map_err(|_| AuthError::MalformedToken("its header is not base64url-encoded".into()))?;
        if serde_json::from_slice::<serde_json::Map<String, Value>>(&header).is_err() {
            return Err(AuthError::MalformedToken(
                "its header is not a JSON object".into(),
            ));
        }
        let payload = engine.decode(payload).map_err(|_| {
            AuthError::MalformedToken("its payload is not base64url-encoded".into())
        })?;
        serde_json::from_slice::<Claims>(&payload).map_err(|_| {
            AuthError::MalformedToken("its payload is not a JSON object of claims".into())
        })
    }
}

impl Tokens {
    /// The claims of the access token, decoded without verification.
    pub fn claims(&self) -> Result<Claims, AuthError> {
        Claims::from_jwt(self.access_token.expose_secret())
    }

    /// Whether the access token expires within `margin` from now (or already has).
    pub fn expires_within(&self, margin: chrono::Duration) -> bool {
        self.expires_at - margin <= Utc::now()
    }

    /// Wraps an access token obtained elsewhere (for example `EXOWIZ_ACCESS_TOKEN` from
    /// `az account get-access-token`). Surrounding spaces and quotes and a `Bearer ` prefix are
    /// removed. The token must be a readable JWT with a tenant (`tid`) and an expiry (`exp`)
    /// that lies in the future.
    pub fn from_access_token(token: SecretString) -> Result<Tokens, AuthError> {
        let raw = token.expose_secret().trim();
        let raw = raw.trim_matches(|c| c == '"' || c == '\'');
        let raw = raw
            .strip_prefix("Bearer ")
            .or_else(|| raw.strip_prefix("bearer "))
            .unwrap_or(raw)
            .trim();
        let claims = Claims::from_jwt(raw)?;
        if claims.tid.as_deref().unwrap_or_default().is_empty() {
            return Err(AuthError::MalformedToken(
                "it has no tenant ID (tid claim), so it is not a Microsoft Entra token".into(),
            ));
        }
        let expires_at = claims
            .expires_at()
            .ok_or_else(|| AuthError::MalformedToken("it has no expiry time (exp claim)".into()))?;
        if expires_at <= Utc::now() {
            return Err(AuthError::TokenExpired {
                expired_at: expires_at,
            });
        }
        let scopes = claims.scopes();
        let access_token = if raw.len() == token.expose_secret().len() {
            token
        } else {
            SecretString::from(raw.to_string())
        };
        Ok(Tokens {
            access_token,
            refresh_token: None,
            expires_at,
            scopes,
        })
    }

    /// Builds tokens from a token endpoint's successful answer.
    pub(crate) fn from_token_response(
        mut map: serde_json::Map<String, Value>,
        requested_scopes: &[String],
        host: &str,
    ) -> Result<Tokens, AuthError> {
        let issued = Utc::now();
        let lifetime = seconds_field(&map, "expires_in");
        let scope_text = take_string(&mut map, "scope");
        let access_token = take_string(&mut map, "access_token")
            .map(SecretString::from)
            .ok_or_else(|| AuthError::BadResponse {
                host: host.to_string(),
                status: 200,
                what: "the answer has no access_token".into(),
            })?;
        let refresh_token = take_string(&mut map, "refresh_token").map(SecretString::from);
        let expires_at = match lifetime {
            Some(secs) => issued + chrono::Duration::seconds(secs.min(i64::MAX as u64) as i64),
            None => Claims::from_jwt(access_token.expose_secret())
                .ok()
                .and_then(|c| c.expires_at())
                .unwrap_or(issued + chrono::Duration::hours(1)),
        };
        let scopes = match scope_text {
            Some(s) => s.split_whitespace().map(str::to_string).collect(),
            None => requested_scopes.to_vec(),
        };
        // Drop the id_token and anything else with care.
        if let Some(Value::String(mut s)) = map.remove("id_token") {
            zeroize::Zeroize::zeroize(&mut s);
        }
        Ok(Tokens {
            access_token,
            refresh_token,
            expires_at,
            scopes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// A token from Entra or `EXOWIZ_ACCESS_TOKEN`: anything, three dot-separated parts of
        /// anything, or a real header with an arbitrary payload. Never a panic, and a refusal
        /// never quotes the token (it is a secret).
        #[test]
        fn any_token_is_read_or_refused_without_quoting_it(
            parts in proptest::collection::vec("[A-Za-z0-9_=+/.-]{0,40}", 1..5),
            payload in any::<Vec<u8>>(),
        ) {
            use base64::Engine as _;
            let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
            let candidates = [
                parts.join("."),
                format!(
                    "{}.{}.sig",
                    engine.encode(br#"{"alg":"none"}"#),
                    engine.encode(&payload)
                ),
            ];
            for token in candidates {
                if let Err(e) = Claims::from_jwt(&token) {
                    let text = format!("{e} {e:?}");
                    prop_assert!(token.len() < 8 || !text.contains(&token), "{}", text);
                }
            }
        }
    }

    fn jwt(payload: &str) -> String {
        let e = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.sig",
            e.encode(r#"{"typ":"JWT","alg":"RS256"}"#),
            e.encode(payload)
        )
    }

    #[test]
    fn claims_decode() {
        let t = jwt(
            r#"{"aud":"00000003-0000-0000-c000-000000000000","tid":"t1","oid":"o1","upn":"a@b.c","name":"A","scp":"User.Read Application.ReadWrite.All","appid":"c1","exp":4102444800}"#,
        );
        let c = Claims::from_jwt(&t).unwrap();
        assert_eq!(c.tid.as_deref(), Some("t1"));
        assert_eq!(c.username(), Some("a@b.c"));
        assert_eq!(c.client_id(), Some("c1"));
        assert_eq!(c.scopes().len(), 2);
        assert!(c.roles.is_empty());
        assert!(c.is_for_graph(&Endpoints::for_cloud(crate::endpoints::Cloud::Global)));
        assert_eq!(c.expires_at().unwrap().timestamp(), 4102444800);
    }

    #[test]
    fn audience_array_and_url() {
        let t = jwt(r#"{"aud":["https://graph.microsoft.com/"],"roles":["User.Read.All"]}"#);
        let c = Claims::from_jwt(&t).unwrap();
        assert!(c.is_for_graph(&Endpoints::for_cloud(crate::endpoints::Cloud::Global)));
        assert_eq!(c.roles, vec!["User.Read.All"]);
    }

    #[test]
    fn exp_as_float_or_string() {
        let c = Claims::from_jwt(&jwt(r#"{"exp":1700000000.0}"#)).unwrap();
        assert_eq!(c.exp, Some(1_700_000_000));
        let c = Claims::from_jwt(&jwt(r#"{"exp":"1700000000"}"#)).unwrap();
        assert_eq!(c.exp, Some(1_700_000_000));
    }

    #[test]
    fn malformed() {
        for bad in ["", "abc", "a.b", "a.b.c", "a.b.c.d.e"] {
            assert!(matches!(
                Claims::from_jwt(bad),
                Err(AuthError::MalformedToken(_))
            ));
        }
    }

    #[test]
    fn response_expiry_as_string_or_number() {
        let mut m = serde_json::Map::new();
        m.insert("access_token".into(), Value::String("x.y.z".into()));
        m.insert("expires_in".into(), Value::String("3599".into()));
        let t = Tokens::from_token_response(m, &["s".into()], "h").unwrap();
        let left = (t.expires_at - Utc::now()).num_seconds();
        assert!((3590..=3599).contains(&left), "{left}");
        assert_eq!(t.scopes, vec!["s"]);
    }
}
