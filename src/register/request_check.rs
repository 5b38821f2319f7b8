//! The checks of a [`RegisterRequest`] that need no network, so a typo fails before sign-in.

use super::{RegisterRequest, validate};
use crate::i18n::tf;

impl RegisterRequest {
    /// Checks that need no network, so a typo fails before sign-in.
    pub fn check(&self) -> Result<(), String> {
        validate::app_name(&self.app_name)?;
        validate::secret_months(self.secret_months)?;
        if let Some(id) = &self.app_id {
            validate::client_id(id)?;
        }
        if let Some(m) = &self.mailbox {
            validate::mailbox(m)?;
        } else if self.profile.needs_transfer_mailbox {
            return Err(tf(
                "register.needs_mailbox",
                &[("product", &self.profile.product)],
            ));
        }
        for (kind, name) in &self.transfer_domains {
            if !self.profile.transfer_domain_types.iter().any(|t| t == kind) {
                return Err(tf(
                    "register.no_such_domain_type",
                    &[("product", &self.profile.product), ("kind", kind)],
                ));
            }
            validate::domain_name(name)?;
        }
        let permissions = self.profile.permissions_for(self.mode);
        if permissions.is_empty() {
            return Err(tf(
                "register.no_permissions",
                &[("profile", &self.profile.id)],
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::register::test_support::request;

    #[test]
    fn request_checks_need_no_network() {
        let mut req = request("officemaster");
        assert!(req.check().is_ok());
        req.mailbox = None;
        assert!(req.check().unwrap_err().contains("--mailbox"));
        let mut req = request("bueroware");
        req.transfer_domains = vec![("fax".into(), "fax.contoso".into())];
        assert!(req.check().unwrap_err().contains("no fax transfer domain"));
    }
}
