//! Connector profiles: what each product in the vendor manuals needs from Entra ID.
//!
//! Profiles are data (`assets/profiles/*.toml`), compiled into the binary so that exowiz works
//! from any directory. Permission names are resolved to GUIDs at run time from the resource's
//! service principal in the tenant; `well_known` is only the fallback.

pub mod hand_over;
mod spec_error;
pub mod well_known;

pub use spec_error::BadPermissionSpec;

pub use hand_over::{
    FieldValue, HandOverValues, ManualText, ProductField, ProductInputs, ValueSource,
};

use crate::i18n::Language;
use serde::{Deserialize, Serialize};
use std::fmt;

// `BUILT_IN`: every `assets/profiles/*.toml`, in the manuals' order (build.rs).
include!(concat!(env!("OUT_DIR"), "/built_in_profiles.rs"));

/// The resource API a permission belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Api {
    Graph,
    Exchange,
}

impl Api {
    /// The resource's appId, the same in every tenant.
    pub fn app_id(self) -> &'static str {
        match self {
            Api::Graph => well_known::GRAPH_APP_ID,
            Api::Exchange => well_known::EXCHANGE_APP_ID,
        }
    }

    /// The name the Entra portal shows for the API.
    pub fn display_name(self) -> &'static str {
        match self {
            Api::Graph => "Microsoft Graph",
            Api::Exchange => "Office 365 Exchange Online",
        }
    }

    pub fn parse(text: &str) -> Option<Api> {
        match text.to_ascii_lowercase().as_str() {
            "graph" | "microsoft graph" | "microsoftgraph" => Some(Api::Graph),
            "exchange" | "exo" | "office 365 exchange online" => Some(Api::Exchange),
            _ => None,
        }
    }
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

/// Application permission (an app role, `Role` in `requiredResourceAccess`) or delegated
/// permission (a scope, `Scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum PermissionType {
    Application,
    Delegated,
}

impl PermissionType {
    /// The `resourceAccess.type` Graph uses: `Role` (application) or `Scope` (delegated).
    pub fn graph_kind(self) -> crate::domain::PermissionType {
        match self {
            PermissionType::Application => crate::domain::PermissionType::Role,
            PermissionType::Delegated => crate::domain::PermissionType::Scope,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PermissionType::Application => "application",
            PermissionType::Delegated => "delegated",
        }
    }
}

/// Cloud-only: users live in Entra ID. Hybrid: the user directory comes from on-premises AD,
/// so cloud address-book permissions are not requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum InstallMode {
    CloudOnly,
    Hybrid,
}

/// In which installation types a permission is requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applies {
    Both,
    CloudOnly,
    Hybrid,
}

impl Applies {
    fn includes(self, mode: InstallMode) -> bool {
        matches!(
            (self, mode),
            (Applies::Both, _)
                | (Applies::CloudOnly, InstallMode::CloudOnly)
                | (Applies::Hybrid, InstallMode::Hybrid)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Permission {
    pub api: Api,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: PermissionType,
    #[serde(default = "applies_both")]
    pub applies: Applies,
    /// Why the product needs it, shown in the review table.
    #[serde(default)]
    pub why: String,
    /// The same in German, for German screens (`reason`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why_de: Option<String>,
}

fn applies_both() -> Applies {
    Applies::Both
}

impl Permission {
    /// Why the product needs it, in `language` (English where no translation is given).
    pub fn reason(&self, language: Language) -> &str {
        match (language, &self.why_de) {
            (Language::German, Some(de)) => de,
            _ => &self.why,
        }
    }

    /// Parses `API:NAME:TYPE`, e.g. `graph:Mail.Send:application`, for `--permission`.
    pub fn parse_spec(spec: &str) -> Result<Permission, BadPermissionSpec> {
        let parts: Vec<&str> = spec.split(':').collect();
        let [api, name, kind] = parts.as_slice() else {
            return Err(BadPermissionSpec::NotApiNameType {
                spec: spec.to_string(),
            });
        };
        let api = Api::parse(api).ok_or_else(|| BadPermissionSpec::UnknownApi {
            api: api.to_string(),
            spec: spec.to_string(),
        })?;
        let kind = match kind.to_ascii_lowercase().as_str() {
            "application" | "app" | "role" => PermissionType::Application,
            "delegated" | "scope" => PermissionType::Delegated,
            other => {
                return Err(BadPermissionSpec::UnknownType {
                    kind: other.to_string(),
                    spec: spec.to_string(),
                });
            }
        };
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(BadPermissionSpec::BadName {
                name: name.to_string(),
            });
        }
        Ok(Permission {
            api,
            name: name.to_string(),
            kind,
            applies: Applies::Both,
            why: "Added on the command line.".into(),
            why_de: Some("In der Befehlszeile hinzugefügt.".into()),
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedirectUris {
    /// "Mobile and desktop applications" platform (`publicClient.redirectUris`).
    #[serde(default)]
    pub public_client: Vec<String>,
    /// "Web" platform (`web.redirectUris`).
    #[serde(default)]
    pub web: Vec<String>,
    /// Redirect URIs above that the vendor itself advises removing in some cases (myfactory:
    /// `oob` on 401 errors). `check` reports their absence as the vendor's choice, not as a
    /// problem, and `check --fix` does not add them back.
    #[serde(default)]
    pub vendor_optional: Vec<String>,
}

impl RedirectUris {
    /// Whether the vendor lets the admin leave `uri` out.
    pub fn is_vendor_optional(&self, uri: &str) -> bool {
        self.vendor_optional.iter().any(|u| u == uri)
    }
}

/// The product's own names for the values the admin pastes in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductFields {
    /// None when the product does not ask for the tenant ID (it finds the tenant by domain).
    #[serde(default)]
    pub tenant_id: Option<String>,
    pub client_id: String,
    pub client_secret: String,
    #[serde(default)]
    pub mailbox: Option<String>,
    #[serde(default)]
    pub domain: Option<String>,
    /// Where in the product the values go.
    #[serde(rename = "where")]
    pub location: String,
    /// The same in German, for German screens (`location_in`).
    #[serde(rename = "where_de", default, skip_serializing_if = "Option::is_none")]
    pub location_de: Option<String>,
}

impl ProductFields {
    /// Where in the product the values go, in `language` (English where no translation is
    /// given).
    pub fn location_in(&self, language: Language) -> &str {
        match (language, &self.location_de) {
            (Language::German, Some(de)) => de,
            _ => &self.location,
        }
    }
}

/// How the wizard's Transport step asks for the product's mailbox, in the product's own words
/// (issue 10.9: no product borrows another's fax transfer mailbox). Unset parts fall back to
/// the generic texts of the catalogue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailboxStep {
    /// Local part of the mailbox the wizard proposes (`<proposal>@<default domain>`); none:
    /// the field starts empty.
    #[serde(default)]
    pub proposal: Option<String>,
    /// What the mailbox is for (`{product}` is replaced by the product's name).
    #[serde(default)]
    pub intro: Option<String>,
    #[serde(default)]
    pub intro_de: Option<String>,
    /// The line under the field.
    #[serde(default)]
    pub hint: Option<String>,
    #[serde(default)]
    pub hint_de: Option<String>,
    /// An example address for the empty field.
    #[serde(default)]
    pub example: Option<String>,
}

impl MailboxStep {
    pub fn intro_in(&self, language: Language) -> Option<&str> {
        in_language(language, &self.intro, &self.intro_de)
    }

    pub fn hint_in(&self, language: Language) -> Option<&str> {
        in_language(language, &self.hint, &self.hint_de)
    }

    /// The mailbox proposed in a tenant whose default domain is `domain`.
    pub fn proposed(&self, domain: &str) -> Option<String> {
        self.proposal
            .as_ref()
            .map(|local| format!("{local}@{domain}"))
    }
}

fn in_language<'a>(
    language: Language,
    en: &'a Option<String>,
    de: &'a Option<String>,
) -> Option<&'a str> {
    match language {
        Language::German => de.as_deref().or(en.as_deref()),
        Language::English => en.as_deref(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub id: String,
    pub product: String,
    pub vendor: String,
    pub default_app_name: String,
    pub sign_in_audience: crate::domain::SignInAudience,
    pub allow_public_client_flows: bool,
    pub secret_months: u32,
    /// The product reaches mailboxes through EWS, which Exchange Online is retiring.
    pub uses_ews: bool,
    pub needs_transfer_mailbox: bool,
    /// Transfer domain types the product routes through (fax, sms, vox).
    pub transfer_domain_types: Vec<String>,
    #[serde(default)]
    pub needs_smtp_auth: bool,
    /// The vendor strongly recommends limiting the app to its mailbox.
    #[serde(default)]
    pub limit_to_mailbox: bool,
    /// The product asks for the tenant's mail domain.
    #[serde(default)]
    pub needs_mail_domain: bool,
    pub secret_description: String,
    #[serde(default)]
    pub redirect_uris: RedirectUris,
    pub fields: ProductFields,
    /// The wizard's mailbox question in the product's words.
    #[serde(default)]
    pub mailbox_step: MailboxStep,
    #[serde(default)]
    pub permissions: Vec<Permission>,
    /// The vendor manual this profile follows (a file in shared/seeds), for the line numbers.
    #[serde(default)]
    pub manual: Option<String>,
    /// Every field the manual asks the admin to fill in, in the manual's order.
    #[serde(default)]
    pub product_fields: Vec<ProductField>,
    /// The product-side steps the manual lists after the values are entered, in order.
    #[serde(default)]
    pub next_steps: Vec<ManualText>,
    /// What the admin should know with the values (vendor advice, exowiz's own readings).
    #[serde(default)]
    pub advice: Vec<ManualText>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("There is no profile '{0}'. Known profiles: {known}.", known = known_ids().join(", "))]
    Unknown(String),
    #[error("The built-in profile {0} is broken: {1}")]
    Broken(String, String),
}

fn known_ids() -> Vec<&'static str> {
    BUILT_IN.iter().map(|(id, _)| *id).collect()
}

/// All built-in profiles, in the manuals' order.
pub fn all() -> Result<Vec<Profile>, ProfileError> {
    BUILT_IN.iter().map(|(id, text)| parse(id, text)).collect()
}

/// The built-in profile with this id (case-insensitive).
pub fn by_id(id: &str) -> Result<Profile, ProfileError> {
    let wanted = id.trim().to_ascii_lowercase();
    BUILT_IN
        .iter()
        .find(|(known, _)| *known == wanted)
        .map(|(known, text)| parse(known, text))
        .unwrap_or_else(|| Err(ProfileError::Unknown(id.to_string())))
}

fn parse(id: &str, text: &str) -> Result<Profile, ProfileError> {
    let profile: Profile =
        toml::from_str(text).map_err(|e| ProfileError::Broken(id.into(), e.to_string()))?;
    if profile.id != id {
        return Err(ProfileError::Broken(
            id.into(),
            format!("its id is '{}'", profile.id),
        ));
    }
    Ok(profile)
}

impl Profile {
    /// The product's name on the screens: its own name, which is not translated — except the
    /// custom connector's, which is no product's name but a description.
    pub fn product_name(&self) -> &str {
        if self.id == "custom" {
            crate::i18n::t("profile.custom_product")
        } else {
            &self.product
        }
    }

    /// Whether the wizard asks for a mailbox: the transfer mailbox the product needs, or a
    /// mailbox one of the product's fields names (myfactory's „E-Mail-Adresse für
    /// Exchange-Server“, Flowfact's login), which is optional — the CLI's `--mailbox`.
    pub fn asks_for_mailbox(&self) -> bool {
        self.needs_transfer_mailbox
            || self
                .product_fields
                .iter()
                .any(|f| f.source == crate::profile::hand_over::ValueSource::Mailbox)
    }

    /// The permissions requested for this installation type.
    pub fn permissions_for(&self, mode: InstallMode) -> Vec<Permission> {
        self.permissions
            .iter()
            .filter(|p| p.applies.includes(mode))
            .cloned()
            .collect()
    }

    /// Adds permissions (from `--permission`), skipping ones already present.
    pub fn with_extra_permissions(mut self, extra: Vec<Permission>) -> Self {
        for p in extra {
            let exists = self.permissions.iter().any(|q| {
                q.api == p.api && q.kind == p.kind && q.name.eq_ignore_ascii_case(&p.name)
            });
            if !exists {
                self.permissions.push(p);
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// German screens show the profiles' own texts in German: every built-in profile says
    /// where the values go and why each permission is needed in both languages.
    #[test]
    fn every_built_in_profile_has_its_texts_in_german() {
        for p in all().unwrap() {
            assert!(
                p.fields
                    .location_de
                    .as_deref()
                    .is_some_and(|d| !d.is_empty()),
                "{}: where_de",
                p.id
            );
            assert_eq!(p.fields.location_in(Language::English), p.fields.location);
            for perm in &p.permissions {
                let de = perm.reason(Language::German);
                assert!(
                    perm.why_de.is_some() && !de.is_empty() && de != perm.why,
                    "{}: {} has no German reason",
                    p.id,
                    perm.name
                );
                assert_eq!(perm.reason(Language::English), perm.why);
            }
        }
        // A permission from the command line without a translation falls back to English.
        let mut extra = Permission::parse_spec("graph:Mail.Send:application").unwrap();
        extra.why_de = None;
        assert_eq!(extra.reason(Language::German), extra.why);
    }

    #[test]
    fn every_built_in_profile_parses() {
        let profiles = all().unwrap();
        let ids: Vec<_> = profiles.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "officemaster",
                "myfactory",
                "flowfact",
                "moveit",
                "bueroware",
                "custom"
            ]
        );
    }

    #[test]
    fn every_profile_permission_has_a_fallback_guid() {
        for profile in all().unwrap() {
            for p in &profile.permissions {
                assert!(
                    well_known::permission_id(p.api, &p.name, p.kind).is_some(),
                    "{}: {} {} has no fallback GUID",
                    profile.id,
                    p.name,
                    p.kind.as_str()
                );
            }
        }
    }

    #[test]
    fn hybrid_drops_cloud_address_book_permissions() {
        let om = by_id("officemaster").unwrap();
        let names = |mode| -> Vec<String> {
            om.permissions_for(mode)
                .into_iter()
                .map(|p| p.name)
                .collect()
        };
        assert_eq!(
            names(InstallMode::CloudOnly),
            [
                "full_access_as_app",
                "People.Read.All",
                "User.Read.All",
                "User.Read"
            ]
        );
        assert_eq!(
            names(InstallMode::Hybrid),
            ["full_access_as_app", "User.Read"]
        );
    }

    #[test]
    fn unknown_profile_names_the_known_ones() {
        let err = by_id("faxmaster").unwrap_err().to_string();
        assert!(
            err.contains("faxmaster") && err.contains("officemaster"),
            "{err}"
        );
    }

    #[test]
    fn permission_specs_parse_and_reject_garbage() {
        let p = Permission::parse_spec("graph:Mail.Send:application").unwrap();
        assert_eq!(
            (p.api, p.kind, p.name.as_str()),
            (Api::Graph, PermissionType::Application, "Mail.Send")
        );
        assert!(Permission::parse_spec("Mail.Send").is_err());
        assert!(Permission::parse_spec("sharepoint:Sites.Read.All:application").is_err());
        assert_eq!(
            Permission::parse_spec("graph:Mail.Send:Sometimes").unwrap_err(),
            BadPermissionSpec::UnknownType {
                kind: "sometimes".into(),
                spec: "graph:Mail.Send:Sometimes".into()
            }
        );
        assert_eq!(
            Permission::parse_spec("graph:Mail.Send:Sometimes")
                .unwrap_err()
                .to_string(),
            "Unknown permission type 'sometimes' in 'graph:Mail.Send:Sometimes'. Use application or delegated."
        );
    }
}
