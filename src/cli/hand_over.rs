//! The product's fields, next steps and advice as the command line prints them (text and
//! `--json`), shared by register, rotate and check so that each names every field the same way.

use exowiz::i18n::Language;
use exowiz::profile::{FieldValue, HandOverValues, Profile};
use serde_json::{Value, json};

/// `product_fields` in `--json`: the product's own field names (kept from before), every field
/// the manual asks for with its value, source and manual line, the next steps and the advice.
pub fn to_json(profile: &Profile, values: &HandOverValues<'_>, secret: &str) -> Value {
    let fields = &profile.fields;
    json!({
        "tenant_id": fields.tenant_id,
        "client_id": fields.client_id,
        "client_secret": fields.client_secret,
        "where": fields.location,
        "manual": profile.manual,
        "fields": profile
            .product_fields
            .iter()
            .map(|f| f.to_json(values, secret))
            .collect::<Vec<_>>(),
        "next_steps": profile
            .next_steps
            .iter()
            .map(|s| json!({"text": s.text, "manual_line": s.line}))
            .collect::<Vec<_>>(),
        "advice": profile
            .advice
            .iter()
            .map(|s| json!({"text": s.text, "manual_line": s.line}))
            .collect::<Vec<_>>(),
    })
}

/// The fields beyond tenant ID, client ID and secret (those are printed first, as before), then
/// the next steps and the advice.
pub fn print_text(profile: &Profile, values: &HandOverValues<'_>) {
    let language = Language::English;
    for field in profile
        .product_fields
        .iter()
        .filter(|f| !f.source.is_credential())
    {
        let label = field.label_in(language);
        match field.value_for(values) {
            FieldValue::Text(value) => safe_println!("  {label:<28} {value}"),
            FieldValue::Secret => {}
            FieldValue::Missing => safe_println!(
                "  {label:<28} ({})",
                field.missing_in(language).unwrap_or("not known to exowiz")
            ),
        }
        if let Some(note) = field.note_in(language) {
            safe_println!("  {:<28}   {note}", "");
        }
    }
    if !profile.next_steps.is_empty() {
        safe_println!("\nThen, in the product:");
        for (i, step) in profile.next_steps.iter().enumerate() {
            safe_println!("  {}. {}", i + 1, step.text_in(language));
        }
    }
    for advice in &profile.advice {
        safe_println!("\nNote: {}", advice.text_in(language));
    }
}
