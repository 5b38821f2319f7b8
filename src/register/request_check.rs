//! The checks of a [`RegisterRequest`] that need no network, so a typo fails before sign-in.

use super::{RegisterRequest, validate};
use crate::i18n::tf;

/// Why a request cannot be registered: a field that does not fit, or a request the profile
/// does not allow. Each names what is wrong; the `Display` is the sentence shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error(transparent)]
    Invalid(#[from] validate::Invalid),
    /// The product needs a transfer mailbox and none was given.
    #[error("{}", tf("register.needs_mailbox", &[("product", product)]))]
    NeedsMailbox { product: String },
    /// A transfer domain of a type the product does not use.
    #[error("{}", tf("register.no_such_domain_type", &[("product", product), ("kind", kind)]))]
    NoSuchDomainType { product: String, kind: String },
    /// The profile (with any `--permission`) asks for no permission at all.
    #[error("{}", tf("register.no_permissions", &[("profile", profile)]))]
    NoPermissions { profile: String },
}

/// Nothing was sent to Microsoft: the admin's input to correct.
impl From<RequestError> for crate::error::JobError {
    fn from(e: RequestError) -> Self {
        crate::error::JobError::Input(e.to_string())
    }
}

impl RegisterRequest {
    /// Checks that need no network, so a typo fails before sign-in.
    pub fn check(&self) -> Result<(), RequestError> {
        // Each field's error is named by its field (`Invalid`'s variant) on the way out.
        use validate::Invalid;
        validate::app_name(&self.app_name).map_err(Invalid::from)?;
        validate::secret_months(self.secret_months).map_err(Invalid::from)?;
        if let Some(id) = &self.app_id {
            validate::client_id(id).map_err(Invalid::from)?;
        }
        if let Some(m) = &self.mailbox {
            validate::mailbox(m).map_err(Invalid::from)?;
        } else if self.profile.needs_transfer_mailbox {
            return Err(RequestError::NeedsMailbox {
                product: self.profile.product.clone(),
            });
        }
        for (kind, name) in &self.transfer_domains {
            if !self.profile.transfer_domain_types.iter().any(|t| t == kind) {
                return Err(RequestError::NoSuchDomainType {
                    product: self.profile.product.clone(),
                    kind: kind.clone(),
                });
            }
            validate::domain_name(name).map_err(Invalid::from)?;
        }
        let permissions = self.profile.permissions_for(self.mode);
        if permissions.is_empty() {
            return Err(RequestError::NoPermissions {
                profile: self.profile.id.clone(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::RequestError;
    use crate::register::test_support::request;

    #[test]
    fn request_checks_need_no_network() {
        let mut req = request("officemaster");
        assert!(req.check().is_ok());
        req.mailbox = None;
        assert!(req.check().unwrap_err().to_string().contains("--mailbox"));
        let mut req = request("bueroware");
        req.transfer_domains = vec![("fax".into(), "fax.contoso".into())];
        let err = req.check().unwrap_err();
        assert!(matches!(err, RequestError::NoSuchDomainType { .. }));
        assert!(err.to_string().contains("no fax transfer domain"));
    }
}
