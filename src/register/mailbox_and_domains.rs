//! The tenant-side checks of what the admin typed: the mailbox exists and has an Exchange
//! Online mailbox, the mail domain is one of the tenant's verified domains, and the transfer
//! domains are none of them.

use super::{MailboxCheck, RegisterError, RegisterRequest, validate};
use crate::graph::{GraphError, MailboxState};
use crate::i18n::{t, tf};

/// Stops on a mailbox that is certainly not there (typo, no Exchange mailbox); a check that
/// could not be made does not stop the registration, it is reported with its reason.
pub(super) fn check_mailbox(
    req: &RegisterRequest,
    org_name: &str,
    state: Result<Option<MailboxState>, GraphError>,
) -> Result<Option<MailboxCheck>, RegisterError> {
    let Some(mailbox) = &req.mailbox else {
        return Ok(None);
    };
    let args = [("mailbox", mailbox.as_str()), ("org", org_name)];
    let check = |outcome, key| {
        Ok(Some(MailboxCheck {
            outcome,
            detail: tf(key, &args),
        }))
    };
    match state {
        Ok(None) => Ok(None),
        Ok(Some(MailboxState::Exists)) => check("mailbox", "register.mailbox_found"),
        Ok(Some(MailboxState::Shared)) => check("shared_mailbox", "register.mailbox_shared"),
        Ok(Some(MailboxState::NoSuchUser)) => {
            Err(RegisterError::Input(tf("register.no_mailbox_user", &args)))
        }
        Ok(Some(MailboxState::NoMailbox)) => {
            Err(RegisterError::Input(tf("register.no_mailbox", &args)))
        }
        Err(e) => Ok(Some(MailboxCheck {
            outcome: "not_checked",
            detail: tf(
                "register.mailbox_not_checked",
                &[("mailbox", mailbox), ("reason", &e.to_string())],
            ),
        })),
    }
}

/// The mail domain the product asks for: the one the admin picked, which must be one of the
/// tenant's verified domains, else the verified default domain (Graph `/organization`
/// `verifiedDomains`, `isDefault`: learn.microsoft.com/graph/api/resources/verifieddomain).
pub(super) fn mail_domain(
    req: &RegisterRequest,
    org: &crate::graph::Organization,
) -> Result<Option<String>, RegisterError> {
    if !req.profile.needs_mail_domain {
        return Ok(None);
    }
    let Some(wanted) = &req.mail_domain else {
        return Ok(org.default_domain().map(str::to_string));
    };
    let wanted = wanted.trim().trim_end_matches('.');
    match org
        .verified_domains
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case(wanted))
    {
        Some(d) => Ok(Some(d.name.clone())),
        None => {
            let known: Vec<&str> = org
                .verified_domains
                .iter()
                .map(|d| d.name.as_str())
                .collect();
            Err(RegisterError::Input(tf(
                "register.not_a_verified_domain",
                &[("domain", wanted), ("domains", &known.join(", "))],
            )))
        }
    }
}

/// The transfer domains to hand over: the ones given, else the shorter defaults from the
/// organisation's name. None may be one of the tenant's own mail domains, or mail to real users would be caught.
pub(super) fn transfer_domains(
    req: &RegisterRequest,
    org: &crate::graph::Organization,
) -> Result<Vec<(String, String)>, RegisterError> {
    let mut out = Vec::new();
    for kind in &req.profile.transfer_domain_types {
        let name = req
            .transfer_domains
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, n)| n.clone())
            // The one rule shared with the wizard (validate::transfer_domain_default).
            .unwrap_or_else(|| {
                validate::transfer_domain_default(
                    org.display_name.as_deref().unwrap_or_default(),
                    kind,
                )
                .0
            });
        if org
            .verified_domains
            .iter()
            .any(|d| d.name.eq_ignore_ascii_case(&name))
        {
            return Err(RegisterError::Input(tf(
                "register.own_domain",
                &[
                    ("domain", &name),
                    (
                        "org",
                        org.display_name
                            .as_deref()
                            .unwrap_or(t("register.the_tenant")),
                    ),
                    ("kind", kind),
                ],
            )));
        }
        out.push((kind.clone(), name));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::test_support::request;

    /// Input errors the wizard shows (Review/Register steps), in English and German.
    #[test]
    fn mailbox_sentences_in_english_and_german() {
        use crate::i18n::{Language, with_language};
        let req = request("officemaster");
        let english = check_mailbox(&req, "Contoso Ltd", Ok(Some(MailboxState::NoSuchUser)))
            .unwrap_err()
            .to_string();
        assert_eq!(
            english,
            "There is no mailbox fax-transfer@contoso.com in Contoso Ltd. Create it first (a \
             shared mailbox is enough) or check the spelling."
        );
        let german = with_language(Language::German, || {
            check_mailbox(&req, "Contoso Ltd", Ok(Some(MailboxState::NoMailbox)))
                .unwrap_err()
                .to_string()
        });
        assert_eq!(
            german,
            "fax-transfer@contoso.com existiert in Contoso Ltd, hat aber kein \
             Exchange-Online-Postfach (keine Lizenz, oder es liegt noch lokal). Verwenden Sie ein \
             Cloud-Postfach, z. B. ein freigegebenes Postfach."
        );
    }
}
