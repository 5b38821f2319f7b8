//! Issue 10.8: the wizard's permission picker reads what Microsoft Graph and Office 365
//! Exchange Online offer from their service principals in the tenant (`appRoles`,
//! `oauth2PermissionScopes`: "servicePrincipal resource type", learn.microsoft.com/graph/api/
//! resources/serviceprincipal; graph-facts §2) — here through the real client against the demo
//! tenant over loopback HTTP, as the executor does.

use crate::support;

use exowiz::endpoints::Endpoints;
use exowiz::graph::{GraphClient, RetryPolicy};
use exowiz::profile::{Api, PermissionType};
use exowiz::tui::permission_catalog;
use secrecy::SecretString;
use support::*;

#[tokio::test]
async fn the_picker_offers_both_apis_with_microsofts_descriptions() {
    let emu = emulator(quick_config()).await;
    let base = emu.base_url().to_string();
    let graph = GraphClient::new(
        &Endpoints::custom(&base, &base).unwrap(),
        SecretString::from(admin_token(&emu)),
    )
    .with_retry(RetryPolicy::fast());

    let catalog = permission_catalog::load(&graph).await.unwrap();
    let find = |api: Api, name: &str, kind: PermissionType| {
        catalog
            .iter()
            .find(|e| e.api == api && e.name == name && e.kind == kind)
            .unwrap_or_else(|| panic!("{name} ({api:?}, {kind:?}) is offered"))
    };
    let send = find(Api::Graph, "Mail.Send", PermissionType::Application);
    assert_eq!(send.display, "Send mail as any user");
    assert_eq!(
        send.description,
        "Allows the app to send mail as any user without a signed-in user."
    );
    let delegated = find(Api::Graph, "Mail.Send", PermissionType::Delegated);
    assert_eq!(
        delegated.description, "Allows the app to send mail as users in the organization.",
        "the admin-consent description of the scope"
    );
    let ews = find(
        Api::Exchange,
        "full_access_as_app",
        PermissionType::Application,
    );
    assert!(ews.description.contains("Exchange Web Services"), "{ews:?}");
    find(Api::Exchange, "SMTP.Send", PermissionType::Delegated);

    // One list by name: the same name from both APIs stands together.
    let names: Vec<String> = catalog.iter().map(|e| e.name.to_lowercase()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}
