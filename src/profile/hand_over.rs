//! What the admin types into the product after the registration: every field the vendor's
//! manual names, under the product's own label, with where its value comes from and the manual
//! line that asks for it (`[[product_fields]]` in the profile), and the product-side steps the
//! manual lists afterwards, in order (`[[next_steps]]`), and advice tied to manual lines
//! (`[[advice]]`).
//!
//! One list serves every output (register's text and `--json`, the wizard's Done screen,
//! `check` and `rotate`), so no output can forget a field another shows.

use crate::i18n::Language;
use serde::{Deserialize, Serialize};

/// Where a product field's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueSource {
    /// The tenant's ID (Graph `/organization` id).
    TenantId,
    /// The app's client ID (appId).
    ClientId,
    /// The new client secret (shown once).
    ClientSecret,
    /// The mailbox the admin named (`--mailbox`, the wizard's mailbox field).
    Mailbox,
    /// The tenant's mail domain: the verified default domain unless the admin picked another.
    MailDomain,
    /// The transfer domain of `kind` (fax, sms, vox).
    TransferDomain,
    /// A value the product needs that is the same in every tenant (`value`).
    Fixed,
}

impl ValueSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ValueSource::TenantId => "tenant_id",
            ValueSource::ClientId => "client_id",
            ValueSource::ClientSecret => "client_secret",
            ValueSource::Mailbox => "mailbox",
            ValueSource::MailDomain => "mail_domain",
            ValueSource::TransferDomain => "transfer_domain",
            ValueSource::Fixed => "fixed",
        }
    }

    /// The three values every product takes (shown in their own rows on Done).
    pub fn is_credential(self) -> bool {
        matches!(
            self,
            ValueSource::TenantId | ValueSource::ClientId | ValueSource::ClientSecret
        )
    }
}

/// One field of the product's settings dialog, as the vendor's manual names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductField {
    /// The product's own label, as the manual writes it.
    pub label: String,
    /// An English rendering for English screens, where the product's label is German.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
    pub source: ValueSource,
    /// For `transfer_domain`: fax, sms or vox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// For `fixed`: the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// What to know about the value (English); `note_de` the same in German.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_de: Option<String>,
    /// What to enter when exowiz does not know the value (English); `missing_de` in German.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_de: Option<String>,
    /// The line of the vendor's manual (shared/seeds) that asks for this field.
    pub line: u32,
}

/// A sentence from the profile, tied to the manual line it stems from: a step in the product
/// after the values are entered (`next_steps`, in the manual's order) or advice the admin should
/// read with the values (`advice`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManualText {
    pub text: String,
    pub text_de: String,
    pub line: u32,
}

impl ManualText {
    pub fn text_in(&self, language: Language) -> &str {
        match language {
            Language::German => &self.text_de,
            Language::English => &self.text,
        }
    }
}

fn pick<'a>(language: Language, en: &'a Option<String>, de: &'a Option<String>) -> Option<&'a str> {
    match language {
        Language::German => de.as_deref().or(en.as_deref()),
        Language::English => en.as_deref(),
    }
}

impl ProductField {
    /// The label on screen: the product's own, with an English rendering on English screens.
    pub fn label_in(&self, language: Language) -> String {
        match (language, &self.label_en) {
            (Language::English, Some(en)) if en != &self.label => {
                format!("{} ({en})", self.label)
            }
            _ => self.label.clone(),
        }
    }

    pub fn note_in(&self, language: Language) -> Option<&str> {
        pick(language, &self.note, &self.note_de)
    }

    pub fn missing_in(&self, language: Language) -> Option<&str> {
        pick(language, &self.missing, &self.missing_de)
    }
}

/// The values of one registration that product fields draw from.
#[derive(Debug, Clone, Default)]
pub struct HandOverValues<'a> {
    pub tenant_id: &'a str,
    pub client_id: &'a str,
    pub mailbox: Option<&'a str>,
    pub mail_domain: Option<&'a str>,
    pub transfer_domains: &'a [(String, String)],
}

/// A field's value for one registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    Text(String),
    /// The client secret: each output shows it its own way (masked on Done).
    Secret,
    /// exowiz does not know it (no mailbox given, say).
    Missing,
}

impl FieldValue {
    pub fn text(&self) -> Option<&str> {
        match self {
            FieldValue::Text(t) => Some(t),
            _ => None,
        }
    }
}

impl ProductField {
    /// This field's value in a registration.
    pub fn value_for(&self, values: &HandOverValues<'_>) -> FieldValue {
        let text = |v: Option<&str>| match v.filter(|v| !v.is_empty()) {
            Some(v) => FieldValue::Text(v.to_string()),
            None => FieldValue::Missing,
        };
        match self.source {
            ValueSource::TenantId => text(Some(values.tenant_id)),
            ValueSource::ClientId => text(Some(values.client_id)),
            ValueSource::ClientSecret => FieldValue::Secret,
            ValueSource::Mailbox => text(values.mailbox),
            ValueSource::MailDomain => text(values.mail_domain),
            ValueSource::TransferDomain => text(
                values
                    .transfer_domains
                    .iter()
                    .find(|(k, _)| Some(k) == self.kind.as_ref())
                    .map(|(_, n)| n.as_str()),
            ),
            ValueSource::Fixed => text(self.value.as_deref()),
        }
    }

    /// The field for `--json`: label, source, value (the secret's too: the JSON carries it
    /// anyway), manual line and notes in English.
    pub fn to_json(&self, values: &HandOverValues<'_>, secret: &str) -> serde_json::Value {
        let value = match self.value_for(values) {
            FieldValue::Text(t) => serde_json::Value::String(t),
            // check makes no secret: it passes "" and the field says null.
            FieldValue::Secret if secret.is_empty() => serde_json::Value::Null,
            FieldValue::Secret => serde_json::Value::String(secret.to_string()),
            FieldValue::Missing => serde_json::Value::Null,
        };
        serde_json::json!({
            "label": self.label,
            "label_en": self.label_en.as_deref().unwrap_or(&self.label),
            "source": self.source.as_str(),
            "kind": self.kind,
            "value": value,
            "note": self.note,
            "missing": self.missing,
            "manual_line": self.line,
        })
    }
}

/// The values a registration hands over besides the IDs and the secret, kept with the app
/// while the wizard shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductInputs {
    pub mailbox: Option<String>,
    pub mail_domain: Option<String>,
    pub transfer_domains: Vec<(String, String)>,
}

impl ProductInputs {
    pub fn values<'a>(&'a self, tenant_id: &'a str, client_id: &'a str) -> HandOverValues<'a> {
        HandOverValues {
            tenant_id,
            client_id,
            mailbox: self.mailbox.as_deref(),
            mail_domain: self.mail_domain.as_deref(),
            transfer_domains: &self.transfer_domains,
        }
    }
}
