//! Issue 10.8: the custom connector chooses its permissions in the wizard (it used to be a dead
//! end on Review: "no permissions", answerable only with `--permission`). The catalogue is
//! built from service principals shaped as the demo tenant serves them (`appRoles`,
//! `oauth2PermissionScopes` with Microsoft's descriptions).

use super::support::*;
use crate::i18n::Language;
use crate::profile::{Api, PermissionType};
use crate::wizard::effect::Effect;
use crate::wizard::msg::Msg;
use crate::wizard::picker::{self, CatalogEntry};
use crate::wizard::state::{Check, StatusKind, WizardState};
use crate::wizard::step::Step;
use crate::wizard::update::{register_request, update};
use crossterm::event::KeyCode;
use demo_tenant::catalog;

pub fn demo_catalog() -> Vec<CatalogEntry> {
    let mut all = Vec::new();
    for (api, roles, scopes) in [
        (Api::Graph, catalog::GRAPH_ROLES, catalog::GRAPH_SCOPES),
        (
            Api::Exchange,
            catalog::EXCHANGE_ROLES,
            catalog::EXCHANGE_SCOPES,
        ),
    ] {
        let sp: crate::graph::ServicePrincipal = serde_json::from_value(serde_json::json!({
            "id": "00000000-0000-4000-8000-000000000001",
            "appId": api.app_id(),
            "appRoles": catalog::app_roles_json(roles),
            "oauth2PermissionScopes": catalog::scopes_json(scopes),
        }))
        .unwrap();
        all.extend(picker::entries(api, &sp));
    }
    picker::sort(&mut all);
    all
}

/// Custom connector on Review with the picker open and the catalogue read.
fn picking() -> WizardState {
    let (mut state, effects) = at("custom", Step::Review);
    assert!(
        state.picker.open,
        "nothing chosen yet: the picker comes first"
    );
    let [Effect::LoadPermissionCatalog { ticket }] = effects[..] else {
        panic!("{effects:?}");
    };
    assert!(matches!(state.picker.catalog, Check::Running));
    update(
        &mut state,
        Msg::PermissionCatalogLoaded {
            ticket,
            result: Ok(demo_catalog()),
        },
    );
    state
}

fn choose_mail_send_both_ways(state: &mut WizardState) {
    type_text(state, "mail.send");
    let matches: Vec<(Api, String, PermissionType)> = state
        .picker
        .matches()
        .iter()
        .map(|e| (e.api, e.name.clone(), e.kind))
        .collect();
    assert_eq!(
        matches,
        [
            (
                Api::Graph,
                "Mail.Send".to_string(),
                PermissionType::Application
            ),
            (
                Api::Graph,
                "Mail.Send".to_string(),
                PermissionType::Delegated
            ),
            (
                Api::Exchange,
                "Mail.Send".to_string(),
                PermissionType::Application
            ),
            (
                Api::Graph,
                "Mail.Send.Shared".to_string(),
                PermissionType::Delegated
            ),
        ],
        "search by name across both APIs"
    );
    press(state, KeyCode::Char(' '));
    press(state, KeyCode::Down);
    press(state, KeyCode::Char(' '));
    assert_eq!(state.picker.chosen.len(), 2);
    assert_eq!(
        state.picker.filter.value(),
        "mail.send",
        "Space chose, typed nothing"
    );
}

fn custom_connector_flow() {
    let mut state = picking();
    // Enter with nothing chosen says what to do.
    enter(&mut state);
    assert!(state.picker.open);
    assert_status(
        &state,
        StatusKind::Error,
        crate::i18n::t("picker.choose_one"),
    );

    // Exchange Online's permissions are there too, with Microsoft's description.
    retype(&mut state, "full_access");
    let highlighted = state.picker.highlighted().unwrap().clone();
    assert_eq!(highlighted.api, Api::Exchange);
    assert_eq!(highlighted.kind, PermissionType::Application);
    let screen = words(&screen_text(&state, 100, 40));
    assert!(screen.contains("full_access_as_app"), "{screen}");
    assert!(
        screen.contains(&words(&highlighted.description)),
        "Microsoft's description: {screen}"
    );

    retype(&mut state, "");
    state.picker.selected = 0;
    choose_mail_send_both_ways(&mut state);
    let screen = words(&screen_text(&state, 100, 40));
    assert!(screen.contains("[✓] Mail.Send"), "{screen}");

    // Enter takes them: Review shows them as any product's, and the registration asks for them.
    enter(&mut state);
    assert!(!state.picker.open);
    assert_eq!(state.step, Step::Review);
    let request = register_request(&state).unwrap();
    let asked: Vec<(Api, &str, PermissionType)> = request
        .profile
        .permissions
        .iter()
        .map(|p| (p.api, p.name.as_str(), p.kind))
        .collect();
    assert_eq!(
        asked,
        [
            (Api::Graph, "Mail.Send", PermissionType::Application),
            (Api::Graph, "Mail.Send", PermissionType::Delegated),
        ]
    );
    let screen = words(&screen_text(&state, 120, 50));
    assert!(screen.contains("Mail.Send"), "{screen}");
    assert!(
        !screen.contains(crate::i18n::t("picker.intro")),
        "back on Review: {screen}"
    );

    // p opens the picker again with what is chosen; Esc closes it and keeps the permissions.
    let effects = letter(&mut state, 'p');
    assert!(effects.is_empty(), "the catalogue is read once");
    assert!(state.picker.open);
    assert_eq!(state.picker.chosen.len(), 2);
    esc(&mut state);
    assert!(!state.picker.open);
    assert_eq!(state.step, Step::Review);
    assert_eq!(state.profile().permissions.len(), 2);

    // Proceed now registers.
    let effects = enter(&mut state);
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Register { .. })),
        "{effects:?}"
    );
}

#[test]
fn the_custom_connector_chooses_its_permissions_in_the_wizard() {
    for language in [Language::English, Language::German] {
        crate::i18n::with_language(language, custom_connector_flow);
    }
}

#[test]
fn a_catalogue_that_could_not_be_read_is_a_sentence_and_enter_tries_again() {
    let (mut state, effects) = at("custom", Step::Review);
    let [Effect::LoadPermissionCatalog { ticket }] = effects[..] else {
        panic!("{effects:?}");
    };
    update(
        &mut state,
        Msg::PermissionCatalogLoaded {
            ticket,
            result: Err(failed("Microsoft Graph did not answer.")),
        },
    );
    let screen = words(&screen_text(&state, 100, 30));
    assert!(
        screen.contains("Microsoft Graph did not answer."),
        "{screen}"
    );
    let effects = enter(&mut state);
    assert!(
        matches!(effects[..], [Effect::LoadPermissionCatalog { .. }]),
        "{effects:?}"
    );
}

#[test]
fn other_products_never_see_the_picker() {
    let (state, effects) = at("moveit", Step::Review);
    assert!(!state.picker.open);
    assert!(effects.is_empty());
}
