//! Issue 10.9: every product speaks of itself. moveIT's mailbox step talked of fax, SMS and
//! voice routing and proposed `fax-transfer@…`. Each profile's every step is drawn in English
//! and German, and nothing of another product may show: OfficeMaster's fax/SMS/voice transfer
//! words anywhere but in OfficeMaster, another product's name anywhere but on Welcome, EWS in
//! a product that does not use it.

use super::support::*;
use crate::i18n::Language;
use crate::profile::{self, ProductInputs};
use crate::wizard::state::WizardState;
use crate::wizard::step::Step;
use crate::wizard::update::{go_to, visible_steps};

/// Words that belong to OfficeMaster's fax/SMS/voice transfer (lower case).
const TRANSFER_WORDS: [&str; 8] = [
    "fax",
    "sms",
    "voice",
    "sprach",
    "transfer mailbox",
    "transferpostfach",
    "transfer domain",
    "transferdomän",
];

/// `state` standing on `step` as a run would show it: from Register on, with the app the
/// registration made (its commands and hand-over for the mailbox given on Transport).
fn stand_on(state: &mut WizardState, step: Step) {
    if step >= Step::Register && state.app.is_none() {
        let mut app = registered_app(state);
        let mailbox =
            Some(state.transport.mailbox.value().trim().to_string()).filter(|m| !m.is_empty());
        let profile = state.profile();
        app.exchange_commands = crate::exchange::for_profile(
            profile,
            CLIENT_ID,
            Some(SP_ID),
            &profile.default_app_name,
            mailbox.as_deref(),
        );
        app.inputs = ProductInputs {
            mailbox,
            mail_domain: Some("contoso.com".into()),
            transfer_domains: state
                .transport
                .domains
                .iter()
                .map(|d| (d.kind.clone(), d.field.value().to_string()))
                .collect(),
        };
        state.app = Some(app);
    }
    go_to(state, step);
    state.status = None;
}

fn scan(profile_id: &str, language: Language) -> Vec<String> {
    crate::i18n::with_language(language, || {
        let others: Vec<String> = profile::all()
            .unwrap()
            .into_iter()
            .filter(|p| p.id != profile_id && p.id != "custom")
            .map(|p| p.vendor.to_lowercase())
            .collect();
        let mut state = wizard(profile_id);
        sign_in(&mut state, contoso());
        let mut found = Vec::new();
        for step in visible_steps(&state) {
            if step <= Step::SignIn {
                continue;
            }
            stand_on(&mut state, step);
            let mut screen = words(&screen_text(&state, 120, 80)).to_lowercase();
            if step == Step::Transport && state.profile().asks_for_mailbox() {
                // The sentence for a mistyped address speaks of no other product either.
                let typed = state.transport.mailbox.value().to_string();
                state.transport.focus = 0;
                retype(&mut state, "orders");
                enter(&mut state);
                screen.push_str(&words(&screen_text(&state, 120, 80)).to_lowercase());
                retype(&mut state, &typed);
                state.status = None;
                state.transport.mailbox_error = None;
            }
            let foreign = others.iter().map(String::as_str);
            let transfer = (profile_id != "officemaster")
                .then_some(TRANSFER_WORDS)
                .into_iter()
                .flatten();
            for word in foreign.chain(transfer) {
                if screen.contains(word) {
                    found.push(format!(
                        "{profile_id} {language:?} {step:?}: {word:?} in {screen}"
                    ));
                }
            }
            // A product that does not use EWS hears nothing of it.
            let ews = screen
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == "ews");
            if ews && !state.profile().uses_ews && profile_id != "custom" {
                found.push(format!(
                    "{profile_id} {language:?} {step:?}: EWS in {screen}"
                ));
            }
        }
        found
    })
}

#[test]
fn every_step_of_every_profile_speaks_of_its_own_product() {
    let mut found = Vec::new();
    for p in profile::all().unwrap() {
        for language in [Language::English, Language::German] {
            found.extend(scan(&p.id, language));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n\n"));
}

/// The mailbox a profile proposes is its own: only OfficeMaster's is a fax transfer mailbox.
#[test]
fn each_product_proposes_its_own_mailbox() {
    for (id, proposal) in [
        ("officemaster", Some("fax-transfer@contoso.com")),
        ("moveit", Some("moveit@contoso.com")),
        ("myfactory", None),
        ("flowfact", None),
    ] {
        let (state, _) = at(id, Step::Transport);
        assert_eq!(
            Some(state.transport.mailbox.value()).filter(|m| !m.is_empty()),
            proposal,
            "{id}"
        );
    }
}
