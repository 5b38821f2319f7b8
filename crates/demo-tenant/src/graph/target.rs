//! The request target: `/{set}`, `/{set}/{id}`, `/{set}(appId='…')`, navigation segments.

use super::super::errors::{GraphError, GraphResult};
use super::super::util::is_guid;

/// How an entity is addressed: `/{id}` or `(appId='…')`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Id(String),
    Alt(String, String),
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(hex) = std::str::from_utf8(&bytes[i + 1..i + 3])
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Split `name(key)` into the name and the key.
fn split_key(seg: &str) -> GraphResult<(String, Option<Key>)> {
    let Some(open) = seg.find('(') else {
        return Ok((seg.to_string(), None));
    };
    if !seg.ends_with(')') {
        return Err(GraphError::new(
            400,
            "BadRequest",
            format!("Bad Request - Error in query syntax: '{seg}'."),
        ));
    }
    let name = seg[..open].to_string();
    let inner = &seg[open + 1..seg.len() - 1];
    let unquote = |v: &str| -> String {
        let v = v.trim();
        v.strip_prefix('\'')
            .and_then(|x| x.strip_suffix('\''))
            .unwrap_or(v)
            .replace("''", "'")
    };
    let key = match inner.split_once('=') {
        Some((prop, value)) if !prop.contains('\'') => {
            Key::Alt(prop.trim().to_string(), unquote(value))
        }
        _ => Key::Id(unquote(inner)),
    };
    Ok((name, Some(key)))
}

/// Parsed request target.
#[derive(Debug)]
pub struct Target {
    pub set: String,
    pub key: Option<Key>,
    pub rest: Vec<String>,
}

pub fn parse_target(path: &str) -> GraphResult<Target> {
    let mut segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect();
    if segs
        .first()
        .is_some_and(|s| s.eq_ignore_ascii_case("myorganization"))
    {
        segs.remove(0);
    }
    if segs.is_empty() {
        return Ok(Target {
            set: String::new(),
            key: None,
            rest: Vec::new(),
        });
    }
    let (set, mut key) = split_key(&segs[0])?;
    let mut rest: Vec<String> = segs[1..]
        .iter()
        .map(|s| s.strip_prefix("microsoft.graph.").unwrap_or(s).to_string())
        .collect();
    let is_collection = matches!(
        set.as_str(),
        "applications"
            | "servicePrincipals"
            | "users"
            | "organization"
            | "domains"
            | "oauth2PermissionGrants"
    );
    if key.is_none() && is_collection && !rest.is_empty() {
        let first = rest.remove(0);
        key = Some(match split_key(&first)? {
            (_, Some(k)) if first.starts_with('(') => k,
            _ => Key::Id(first),
        });
    }
    Ok(Target { set, key, rest })
}

/// 400 for ids that are not GUIDs, as directory objects answer.
pub fn check_object_id(id: &str) -> GraphResult<()> {
    if is_guid(id) {
        Ok(())
    } else {
        Err(GraphError::bad_request(format!(
            "Invalid object identifier '{id}'."
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let t = parse_target("/applications(appId='abc')/microsoft.graph.addPassword").unwrap();
        assert_eq!(t.set, "applications");
        assert_eq!(t.key, Some(Key::Alt("appId".into(), "abc".into())));
        assert_eq!(t.rest, vec!["addPassword".to_string()]);
        let t = parse_target("/myorganization/users/a%40b.com/mailboxSettings").unwrap();
        assert_eq!(t.key, Some(Key::Id("a@b.com".into())));
        assert_eq!(t.rest, vec!["mailboxSettings".to_string()]);
        let t = parse_target("/users('$odd@contoso.com')").unwrap();
        assert_eq!(t.key, Some(Key::Id("$odd@contoso.com".into())));
        let t = parse_target("/servicePrincipals/x/appRoleAssignedTo/y").unwrap();
        assert_eq!(t.key, Some(Key::Id("x".into())));
        assert_eq!(
            t.rest,
            vec!["appRoleAssignedTo".to_string(), "y".to_string()]
        );
        assert!(parse_target("/applications(appId='x'").is_err());
        assert!(check_object_id("nope").is_err());
    }
}
