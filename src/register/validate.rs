//! Checks of what the admin typed, before anything is sent to Microsoft. Each error says which
//! field and which rule failed (the types in `errors`); its `Display` is the sentence that says
//! what is wrong and what would be right, in the wizard's language (`[validate]` in
//! `assets/i18n/*/engine.toml`; English for the command line). `--domain`'s `TYPE=NAME` is only
//! typed on the command line, so its sentences are English only.

use crate::i18n::tf;

mod errors;
pub use errors::{
    BadAppName, BadDescription, BadDomain, BadMailbox, BadSecretMonths, BadTransferDomain, Invalid,
    NotAClientId,
};

/// A transfer domain type of the OfficeMaster connector.
pub const DOMAIN_TYPES: [&str; 3] = ["fax", "sms", "vox"];

/// Lower-cases and checks an e-mail address (mailbox / UPN) for plausible syntax.
pub fn mailbox(text: &str) -> Result<String, BadMailbox> {
    let t = text.trim();
    let mailbox = t.to_string();
    let Some((local, domain)) = t.split_once('@') else {
        return Err(BadMailbox::NoAt { mailbox });
    };
    // RFC 5321 §4.5.3.1.1: at most 64 octets before the @ — a length error, said as one.
    if local.len() > 64 {
        return Err(BadMailbox::LocalTooLong {
            len: local.len(),
            mailbox,
        });
    }
    let local_ok = !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    if !local_ok {
        return Err(BadMailbox::BadLocal { mailbox });
    }
    if let Err(domain) = domain_name(domain) {
        return Err(BadMailbox::BadDomain { mailbox, domain });
    }
    Ok(t.to_ascii_lowercase())
}

/// Checks a DNS domain name such as `contoso.com` or `fax.contoso`.
pub fn domain_name(text: &str) -> Result<String, BadDomain> {
    let t = text.trim().trim_end_matches('.').to_ascii_lowercase();
    if t.is_empty() {
        return Err(BadDomain::Empty);
    }
    if t.len() > 253 {
        return Err(BadDomain::TooLong { domain: t });
    }
    if !t.contains('.') {
        return Err(BadDomain::NoDot { domain: t });
    }
    for label in t.split('.') {
        // RFC 1035 §2.3.4: a label has at most 63 octets.
        if label.len() > 63 {
            return Err(BadDomain::LabelTooLong {
                label: label.to_string(),
            });
        }
        let ok = !label.is_empty()
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !ok {
            return Err(BadDomain::BadLabel { domain: t });
        }
    }
    Ok(t)
}

/// Parses `TYPE=NAME` from `--domain`, e.g. `fax=fax.contoso`.
pub fn transfer_domain_arg(text: &str) -> Result<(String, String), BadTransferDomain> {
    let Some((kind, name)) = text.split_once('=') else {
        return Err(BadTransferDomain::NotTypeEqualsName {
            text: text.to_string(),
        });
    };
    let kind = kind.trim().to_ascii_lowercase();
    if !DOMAIN_TYPES.contains(&kind.as_str()) {
        return Err(BadTransferDomain::UnknownType { kind });
    }
    match domain_name(name) {
        Ok(name) => Ok((kind, name)),
        Err(domain) => Err(BadTransferDomain::BadName { kind, domain }),
    }
}

/// The longest secret the portal offers (Microsoft Entra, "Add and manage application
/// credentials": at most 24 months; Microsoft recommends less than 12).
pub const PORTAL_MAX_SECRET_MONTHS: u32 = 24;

/// The longest secret exowiz makes: five years, what OfficeMaster's installer creates (manual
/// 000, line 188). Graph's `addPassword` takes any `endDateTime`; only the tenant's
/// app-management policy (`passwordLifetime`) may refuse it, with
/// `CredentialInvalidLifetimeAsPerAppPolicy` (see `GraphError::is_lifetime_policy`).
pub const MAX_SECRET_MONTHS: u32 = 60;

/// Secret lifetime in months: 1 to [`MAX_SECRET_MONTHS`].
pub fn secret_months(months: u32) -> Result<u32, BadSecretMonths> {
    if (1..=MAX_SECRET_MONTHS).contains(&months) {
        Ok(months)
    } else {
        Err(BadSecretMonths { months })
    }
}

/// The trade-off of a secret longer than the portal offers, for the notes of `register`,
/// `rotate` and the wizard: fewer rotations against a longer life for a leaked secret.
/// Microsoft recommends less than 12 months (Microsoft Entra, "Add and manage application
/// credentials", learn.microsoft.com/entra/identity-platform/how-to-add-credentials; and
/// "Client Secret expiration now limited to a maximum of two years",
/// devblogs.microsoft.com/microsoft365dev/client-secret-expiration-now-limited-to-a-maximum-of-two-years/).
pub fn long_secret_note(months: u32) -> Option<String> {
    (months > PORTAL_MAX_SECRET_MONTHS)
        .then(|| tf("validate.long_secret", &[("months", &months.to_string())]))
}

/// A client ID (`--app-id`) is a GUID; anything else is refused before a Graph call.
pub fn client_id(text: &str) -> Result<String, NotAClientId> {
    let id = text.trim();
    match uuid::Uuid::parse_str(id) {
        Ok(_) => Ok(id.to_string()),
        Err(_) => Err(NotAClientId {
            app_id: id.to_string(),
        }),
    }
}

/// App display names: Entra allows up to 120 characters.
pub fn app_name(text: &str) -> Result<String, BadAppName> {
    let t = text.trim();
    if t.is_empty() {
        return Err(BadAppName::Empty);
    }
    if t.chars().count() > 120 {
        return Err(BadAppName::TooLong);
    }
    // The name is printed in terminals and portals: an escape sequence in it would steer them.
    if let Some(c) = crate::printable::first_control_char(t) {
        return Err(BadAppName::ControlCharacter(c));
    }
    Ok(t.to_string())
}

/// A secret's description typed on the command line (`rotate --description`): no control
/// characters, for the same reason as [`app_name`].
pub fn secret_description(text: &str) -> Result<(), BadDescription> {
    match crate::printable::first_control_char(text) {
        Some(c) => Err(BadDescription::ControlCharacter(c)),
        None => Ok(()),
    }
}

/// The one rule for a transfer domain nobody typed, used by `register` and the wizard alike:
/// the shorter name (first word of the organisation's name) is the default, as the manual
/// advises ("sollte aus Erfahrung in kürzere Domänen umgewandelt werden", 000 line 175); the
/// full name, which the product's own installer would take, is the alternative the wizard
/// offers. Returns (default, alternative).
pub fn transfer_domain_default(org_name: &str, kind: &str) -> (String, String) {
    let (full, shorter) = default_transfer_domains(org_name, kind);
    (shorter, full)
}

/// Transfer domains from the organisation's name, full and shorter:
/// "Contoso Ltd" gives `fax.contoso-ltd` and `fax.contoso` (the manual advises shorter ones).
fn default_transfer_domains(org_name: &str, kind: &str) -> (String, String) {
    let ascii = transliterate(org_name);
    let words: Vec<String> = ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let full = if words.is_empty() {
        "organisation".to_string()
    } else {
        words.join("-")
    };
    let short = words.first().cloned().unwrap_or_else(|| full.clone());
    (format!("{kind}.{full}"), format!("{kind}.{short}"))
}

/// German letters spelled out the way mail domains spell them (Müller → mueller).
fn transliterate(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'ä' | 'Ä' => out.push_str("ae"),
            'ö' | 'Ö' => out.push_str("oe"),
            'ü' | 'Ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailboxes() {
        assert_eq!(
            mailbox(" Fax-Transfer@Contoso.com ").unwrap(),
            "fax-transfer@contoso.com"
        );
        for bad in [
            "fax",
            "@contoso.com",
            "fax@",
            "fax@contoso",
            "a..b@contoso.com",
            "fax transfer@contoso.com",
            "fax@-x.com",
        ] {
            let err = mailbox(bad).unwrap_err().to_string();
            assert!(err.contains("not a mailbox"), "{bad}: {err}");
        }
    }

    /// Issue 10.12: a local part over 64 characters is too long, not malformed; a domain part
    /// over 63 characters likewise. The sentence says so, in both languages.
    #[test]
    fn too_long_parts_get_a_length_sentence() {
        use crate::i18n::{Language, with_language};
        let ok = format!("{}@contoso.com", "a".repeat(64));
        assert!(mailbox(&ok).is_ok());
        let long = format!("{}@contoso.com", "a".repeat(65));
        let en = mailbox(&long).unwrap_err().to_string();
        assert!(
            en.contains("65 characters") && en.contains("at most 64"),
            "{en}"
        );
        let de = with_language(Language::German, || mailbox(&long).unwrap_err().to_string());
        assert!(
            de.contains("65 Zeichen") && de.contains("höchstens 64"),
            "{de}"
        );
        let label = format!("{}.com", "d".repeat(64));
        let en = domain_name(&label).unwrap_err().to_string();
        assert!(
            en.contains("64 characters") && en.contains("at most 63"),
            "{en}"
        );
    }

    #[test]
    fn domains() {
        assert_eq!(domain_name("Fax.Contoso.").unwrap(), "fax.contoso");
        for bad in ["contoso", "a b.com", "-x.com", "x..com", ""] {
            assert!(domain_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn transfer_domain_args() {
        assert_eq!(
            transfer_domain_arg("FAX=fax.contoso").unwrap(),
            ("fax".into(), "fax.contoso".into())
        );
        assert!(
            transfer_domain_arg("fax.contoso")
                .unwrap_err()
                .to_string()
                .contains("TYPE=NAME")
        );
        assert!(
            transfer_domain_arg("mms=mms.contoso")
                .unwrap_err()
                .to_string()
                .contains("fax, sms, vox")
        );
        assert!(transfer_domain_arg("fax=nodot").is_err());
    }

    #[test]
    fn defaults_from_organisation_name() {
        assert_eq!(
            default_transfer_domains("Contoso Ltd", "fax"),
            ("fax.contoso-ltd".to_string(), "fax.contoso".to_string())
        );
        assert_eq!(
            default_transfer_domains("Müller & Söhne GmbH", "vox").1,
            "vox.mueller"
        );
        assert_eq!(
            transfer_domain_default("Contoso Ltd", "fax"),
            ("fax.contoso".to_string(), "fax.contoso-ltd".to_string())
        );
        let (full, short) = default_transfer_domains("", "sms");
        assert!(domain_name(&full).is_ok() && domain_name(&short).is_ok());
    }

    /// The English sentences word for word (the command line prints them), and the same checks
    /// in German (the wizard's fields show them).
    #[test]
    fn sentences_in_english_and_german() {
        use crate::i18n::{Language, with_language};
        assert_eq!(
            mailbox("fax").unwrap_err().to_string(),
            "'fax' is not a mailbox address. Write it as name@domain, e.g. mailbox@contoso.com."
        );
        assert_eq!(
            mailbox("fax@contoso").unwrap_err().to_string(),
            "'fax@contoso' is not a mailbox address: 'contoso' is not a domain name: it needs at \
             least one dot, e.g. contoso.com."
        );
        assert_eq!(
            secret_months(61).unwrap_err().to_string(),
            "A secret can last 1 to 60 months, not 61. The portal offers at most 24; Microsoft recommends less than 12."
        );
        with_language(Language::German, || {
            assert_eq!(
                mailbox("fax@contoso").unwrap_err().to_string(),
                "„fax@contoso“ ist keine Postfachadresse: „contoso“ ist kein Domänenname: Er \
                 braucht mindestens einen Punkt, z. B. contoso.com."
            );
            assert_eq!(
                mailbox("fax@").unwrap_err().to_string(),
                "„fax@“ ist keine Postfachadresse: Die Domäne ist leer."
            );
            assert_eq!(
                secret_months(0).unwrap_err().to_string(),
                "Ein Clientschlüssel kann 1 bis 60 Monate gültig sein, nicht 0. Das Portal \
                 bietet höchstens 24; Microsoft empfiehlt weniger als 12."
            );
            assert_eq!(
                app_name(" ").unwrap_err().to_string(),
                "Die App braucht einen Namen."
            );
        });
    }

    #[test]
    fn a_secret_beyond_the_portal_says_the_trade_off() {
        assert_eq!(long_secret_note(24), None);
        let note = long_secret_note(60).unwrap();
        assert!(
            note.contains("60 months")
                && note.contains("fewer rotations")
                && note.contains("less than 12 months"),
            "{note}"
        );
    }

    /// The errors say which field and which rule, not only a sentence (a front-end can focus
    /// the field; a job keeps the kind).
    #[test]
    fn errors_name_the_field_and_the_reason() {
        assert_eq!(
            mailbox("fax@contoso").unwrap_err(),
            BadMailbox::BadDomain {
                mailbox: "fax@contoso".into(),
                domain: BadDomain::NoDot {
                    domain: "contoso".into()
                },
            }
        );
        assert_eq!(
            transfer_domain_arg("mms=x.y").unwrap_err(),
            BadTransferDomain::UnknownType { kind: "mms".into() }
        );
        assert_eq!(
            app_name("a\u{1b}b"),
            Err(BadAppName::ControlCharacter('\u{1b}'))
        );
        let e: Invalid = secret_months(0).unwrap_err().into();
        assert_eq!(e, Invalid::SecretMonths(BadSecretMonths { months: 0 }));
        let job: crate::error::JobError = e.into();
        assert_eq!(job.kind(), crate::error::JobErrorKind::Input);
        assert!(
            job.to_string()
                .starts_with("A secret can last 1 to 60 months, not 0.")
        );
    }

    #[test]
    fn lifetimes_and_names() {
        assert!(
            secret_months(60).is_ok() && secret_months(0).is_err() && secret_months(61).is_err()
        );
        assert!(app_name("  ").is_err());
        assert!(app_name(&"x".repeat(121)).is_err());
    }
}
