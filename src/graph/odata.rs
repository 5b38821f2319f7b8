//! Building Graph URLs: path segments, OData string literals and query values.
//!
//! Everything that ends up in a URL goes through here so that user input (a UPN with `#`,
//! a display name with `'` or `&`) can never change the meaning of a request.

/// Percent-encode every byte except the RFC 3986 unreserved characters.
///
/// Used for the whole value of `$filter`, as Graph's query-parameter guidance asks.
pub(crate) fn encode_query_value(value: &str) -> String {
    encode(value, is_unreserved)
}

/// Percent-encode one path segment. Besides the unreserved characters, `@`, `'`, `:`, `(`, `)`,
/// `=` and `,` stay literal (they are legal in a segment and Graph expects them literal in
/// UPNs and in key syntax such as `servicePrincipals(appId='…')`). `#`, `?`, `/`, `%`, space,
/// `+` and everything else are encoded, so `#` becomes `%23`.
pub(crate) fn encode_segment(value: &str) -> String {
    encode(value, |b| {
        is_unreserved(b) || matches!(b, b'@' | b'\'' | b':' | b'(' | b')' | b'=' | b',' | b'$')
    })
}

/// An OData string literal: single quotes doubled, wrapped in single quotes.
pub(crate) fn string_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// Key syntax for one segment, e.g. `servicePrincipals(appId='…')` or `users('…')`.
/// `key` is `None` for the plain form `entity('value')`.
pub(crate) fn key_segment(entity: &str, key: Option<&str>, value: &str) -> String {
    let literal = encode_segment(&string_literal(value));
    match key {
        Some(key) => format!("{entity}({key}={literal})"),
        None => format!("{entity}({literal})"),
    }
}

/// The address of one user: `users/{upn-or-id}`, or `users('{upn}')` when the UPN starts with
/// `$` (Graph would otherwise read it as a system query option).
pub(crate) fn user_path(upn_or_id: &str) -> String {
    if upn_or_id.starts_with('$') {
        key_segment("users", None, upn_or_id)
    } else {
        format!("users/{}", encode_segment(upn_or_id))
    }
}

/// `?$filter=<encoded>` plus optional further, already safe, parameters.
pub(crate) fn filter_query(filter: &str) -> String {
    format!("$filter={}", encode_query_value(filter))
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn encode(value: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(value.len());
    for &b in value.as_bytes() {
        if keep(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_value_is_fully_encoded() {
        assert_eq!(
            filter_query("appId eq 'a-1'"),
            "$filter=appId%20eq%20%27a-1%27"
        );
        assert_eq!(encode_query_value("a&b=c+d/é"), "a%26b%3Dc%2Bd%2F%C3%A9");
    }

    #[test]
    fn literals_double_single_quotes() {
        assert_eq!(string_literal("O'Brien's app"), "'O''Brien''s app'");
    }

    #[test]
    fn user_paths() {
        assert_eq!(user_path("ann@contoso.com"), "users/ann@contoso.com");
        assert_eq!(
            user_path("ann_contoso.com#EXT#@fabrikam.onmicrosoft.com"),
            "users/ann_contoso.com%23EXT%23@fabrikam.onmicrosoft.com"
        );
        assert_eq!(user_path("$ann@contoso.com"), "users('$ann@contoso.com')");
        assert_eq!(
            user_path("$o'neil@contoso.com"),
            "users('$o''neil@contoso.com')"
        );
        assert_eq!(user_path("a/b?c d"), "users/a%2Fb%3Fc%20d");
    }

    #[test]
    fn key_segments() {
        assert_eq!(
            key_segment(
                "servicePrincipals",
                Some("appId"),
                "00000003-0000-0000-c000-000000000000"
            ),
            "servicePrincipals(appId='00000003-0000-0000-c000-000000000000')"
        );
        assert_eq!(
            key_segment("servicePrincipals", Some("appId"), "x'/y"),
            "servicePrincipals(appId='x''%2Fy')"
        );
    }
}
