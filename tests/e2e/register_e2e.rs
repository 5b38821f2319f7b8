//! `exowiz register` end to end: the real binary, signing in to and registering on the demo
//! tenant over loopback HTTP.

use crate::support;

use serde_json::Value;
use std::collections::BTreeSet;
use std::time::Duration;
use support::*;

/// What each profile must leave in the tenant: (profile, extra args, redirect URIs,
/// isFallbackPublicClient, [(resourceAppId, name, type)]).
type Expectation = (
    &'static str,
    Vec<&'static str>,
    Vec<&'static str>,
    bool,
    Vec<(&'static str, &'static str, &'static str)>,
);

fn expectations() -> Vec<Expectation> {
    const EXO: &str = "00000002-0000-0ff1-ce00-000000000000";
    const GRAPH: &str = "00000003-0000-0000-c000-000000000000";
    vec![
        (
            "officemaster",
            vec![
                "--mailbox",
                "fax-transfer@contoso.com",
                "--domain",
                "fax=fax.contoso",
            ],
            vec!["urn:ietf:wg:oauth:2.0:oob"],
            false,
            vec![
                (EXO, "full_access_as_app", "Role"),
                (GRAPH, "People.Read.All", "Role"),
                (GRAPH, "User.Read.All", "Role"),
                (GRAPH, "User.Read", "Scope"),
            ],
        ),
        (
            "myfactory",
            vec![],
            vec!["urn:ietf:wg:oauth:2.0:oob"],
            true,
            vec![
                (EXO, "full_access_as_app", "Role"),
                (EXO, "EWS.AccessAsUser.All", "Scope"),
            ],
        ),
        (
            "flowfact",
            vec![],
            vec!["https://login.microsoftonline.com/common/oauth2/nativeclient"],
            true,
            vec![
                (GRAPH, "IMAP.AccessAsUser.All", "Scope"),
                (GRAPH, "POP.AccessAsUser.All", "Scope"),
                (GRAPH, "SMTP.Send", "Scope"),
                (GRAPH, "offline_access", "Scope"),
            ],
        ),
        (
            "moveit",
            vec!["--mailbox", "fax-transfer@contoso.com"],
            // Manual 003, lines 73–77: the portal's first two mobile and desktop URLs.
            vec![
                "https://login.microsoftonline.com/common/oauth2/nativeclient",
                "https://login.live.com/oauth20_desktop.srf",
            ],
            false,
            vec![(GRAPH, "Mail.Send", "Role")],
        ),
        (
            "bueroware",
            vec![],
            vec!["bw-link://o365/oauth2"],
            false,
            vec![(EXO, "full_access_as_app", "Role")],
        ),
        (
            "custom",
            vec![
                "--permission",
                "graph:Mail.Send:application",
                "--permission",
                "graph:offline_access:delegated",
            ],
            vec![],
            false,
            vec![
                (GRAPH, "Mail.Send", "Role"),
                (GRAPH, "offline_access", "Scope"),
            ],
        ),
    ]
}

fn required_access(app: &Value) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for rra in app["requiredResourceAccess"].as_array().unwrap() {
        for ra in rra["resourceAccess"].as_array().unwrap() {
            out.insert((
                rra["resourceAppId"].as_str().unwrap().to_string(),
                ra["id"].as_str().unwrap().to_string(),
                ra["type"].as_str().unwrap().to_string(),
            ));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn every_profile_registers_exactly_its_permissions() {
    let emu = emulator(quick_config()).await;
    for (profile, extra, redirects, public_flows, perms) in expectations() {
        let data = tempfile::tempdir().unwrap();
        let mut args = vec!["register", "--profile", profile, "--json", "--device-code"];
        args.extend(extra.iter().copied());
        let out = exowiz(&emu, data.path(), None, &args).await;
        assert!(
            out.status.success(),
            "{profile}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json = stdout_json(&out);
        assert_eq!(json["tenant_id"], emu.tenant_id().as_str());
        // The mailbox check, decided from the user object with exowiz's own sign-in scopes:
        // fax-transfer is a shared mailbox (SMTP addresses, no Exchange licence).
        if extra.contains(&"--mailbox") {
            assert_eq!(
                json["mailbox_check"]["outcome"], "shared_mailbox",
                "{profile}: {}",
                json["mailbox_check"]
            );
            assert!(
                json["mailbox_check"]["detail"]
                    .as_str()
                    .unwrap()
                    .contains("fax-transfer@contoso.com"),
                "{profile}"
            );
        } else {
            assert!(json["mailbox_check"].is_null(), "{profile}");
        }
        let client_id = json["client_id"].as_str().unwrap();
        let app = graph_get(&emu, &format!("applications(appId='{client_id}')")).await;

        let expected: BTreeSet<_> = perms
            .iter()
            .map(|(r, n, k)| (r.to_string(), oracle_id(r, n, k).to_string(), k.to_string()))
            .collect();
        assert_eq!(
            required_access(&app),
            expected,
            "{profile}: requiredResourceAccess"
        );
        let uris: Vec<&str> = app["publicClient"]["redirectUris"]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().unwrap()).collect())
            .unwrap_or_default();
        assert_eq!(uris, redirects, "{profile}: public client redirect URIs");
        assert_eq!(
            app["isFallbackPublicClient"].as_bool().unwrap_or(false),
            public_flows,
            "{profile}"
        );
        assert_eq!(app["signInAudience"], "AzureADMyOrg", "{profile}");
        assert_eq!(
            app["passwordCredentials"].as_array().unwrap().len(),
            1,
            "{profile}: one secret"
        );

        // The JSON names every permission with its type; nothing is granted without --grant-consent.
        let listed: BTreeSet<(String, String)> = json["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["name"].as_str().unwrap().to_string(),
                    p["type"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let wanted: BTreeSet<(String, String)> = perms
            .iter()
            .map(|(_, n, k)| {
                (
                    n.to_string(),
                    if *k == "Role" {
                        "application"
                    } else {
                        "delegated"
                    }
                    .to_string(),
                )
            })
            .collect();
        assert_eq!(listed, wanted, "{profile}: permissions in --json");
        assert!(
            json["permissions"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["granted"] == false)
        );
        assert!(
            json["consent_url"]
                .as_str()
                .unwrap()
                .contains(&format!("client_id={client_id}"))
        );
        let secret = json["secret"]["value"].as_str().unwrap();
        assert!(secret.len() >= 16, "{profile}: a real secret");
        assert!(
            json["secret"]["key_id"].is_string() && json["secret"]["end_date_time"].is_string()
        );
        assert!(
            files_containing(data.path(), secret).is_empty(),
            "{profile}: secret written to disk"
        );
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains(secret),
            "{profile}: secret on stderr"
        );

        // The consent link works for every profile: it carries a redirect URI the app has
        // registered, and the demo tenant (like Entra) redirects there with admin_consent=True.
        let link = json["consent_url"].as_str().unwrap();
        let resp = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(link)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 302, "{profile}: {link}");
        let location = resp.headers()["location"].to_str().unwrap().to_string();
        assert!(
            location.starts_with("http://localhost/?") || location.starts_with("http://localhost?"),
            "{profile}: {location}"
        );
        assert!(
            location.contains("admin_consent=True"),
            "{profile}: {location}"
        );
        assert!(location.contains("state=exowiz"), "{profile}: {location}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn grant_consent_grants_every_permission_and_a_second_run_reuses_the_app() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let args = [
        "register",
        "--profile",
        "officemaster",
        "--mailbox",
        "fax-transfer@contoso.com",
        "--grant-consent",
        "--json",
    ];
    let first = exowiz(&emu, data.path(), Some(&token), &args).await;
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let first = stdout_json(&first);
    assert!(
        first["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["granted"] == true),
        "{first}"
    );

    // The grants are really in the tenant.
    let sp_id = first["service_principal_id"].as_str().unwrap();
    let roles = graph_get(
        &emu,
        &format!("servicePrincipals/{sp_id}/appRoleAssignments"),
    )
    .await;
    let role_ids: BTreeSet<&str> = roles["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["appRoleId"].as_str().unwrap())
        .collect();
    assert_eq!(
        role_ids,
        BTreeSet::from([
            "dc890d15-9560-4a4c-9b7f-a736ec74ec40",
            "b528084d-ad10-4598-8b93-929746b4d7d6",
            "df021288-bdef-4463-88db-98f22de89214"
        ])
    );

    let second = exowiz(&emu, data.path(), Some(&token), &args).await;
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let second = stdout_json(&second);
    assert_eq!(
        second["client_id"], first["client_id"],
        "the second run found the first app"
    );
    assert_ne!(second["secret"]["key_id"], first["secret"]["key_id"]);
    let apps = graph_get(
        &emu,
        "applications?$filter=displayName eq 'OfficeMaster EWS'",
    )
    .await;
    assert_eq!(
        apps["value"].as_array().unwrap().len(),
        1,
        "still exactly one app"
    );

    // Even without the saved registration (another machine), the name finds the app.
    let other_machine = tempfile::tempdir().unwrap();
    let third = exowiz(&emu, other_machine.path(), Some(&token), &args).await;
    assert_eq!(stdout_json(&third)["client_id"], first["client_id"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn registration_takes_at_most_four_sequential_graph_round_trips() {
    let emu = emulator(demo_tenant::EmulatorConfig {
        latency: Duration::from_millis(150),
        ..quick_config()
    })
    .await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    emu.clear_requests();
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "register",
            "--profile",
            "officemaster",
            "--mailbox",
            "fax-transfer@contoso.com",
            "--grant-consent",
            "--json",
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let graph: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.path_and_query.starts_with("/v1.0/"))
        .collect();
    // Sequential depth: a request starts a new round trip when it began after every request
    // of the current round trip had finished.
    let mut waves = 0;
    let mut wave_end = None;
    let mut sorted = graph.clone();
    sorted.sort_by_key(|r| r.started);
    for r in &sorted {
        match wave_end {
            Some(end) if r.started < end => {
                if r.finished > end {
                    wave_end = Some(r.finished);
                }
            }
            _ => {
                waves += 1;
                wave_end = Some(r.finished);
            }
        }
    }
    let listing: Vec<String> = sorted
        .iter()
        .map(|r| format!("{} {} {}", r.method, r.path_and_query, r.status))
        .collect();
    println!(
        "{} Graph requests in {waves} sequential round trips:\n{}",
        graph.len(),
        listing.join("\n")
    );
    assert!(waves <= 4, "{waves} round trips:\n{}", listing.join("\n"));
    assert!(graph.len() >= 8, "the registration made its calls");
}

/// `register --demo` starts the demo tenant itself, keeps its state in the data directory, and
/// a second run finds the app the first one made. No file there holds the secret.
#[tokio::test(flavor = "multi_thread")]
async fn the_demo_flag_keeps_the_demo_tenant_between_runs() {
    let data = tempfile::tempdir().unwrap();
    let run = || async {
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_exowiz"))
            .args([
                "register",
                "--demo",
                "--profile",
                "bueroware",
                "--grant-consent",
                "--json",
            ])
            .env("EXOWIZ_DATA_DIR", data.path())
            .env("EXOWIZ_NO_BROWSER", "1")
            .env_remove("EXOWIZ_ACCESS_TOKEN")
            .env_remove("EXOWIZ_LOGIN_URL")
            .env_remove("EXOWIZ_GRAPH_URL")
            .kill_on_drop(true)
            .output()
            .await
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout_json(&out)
    };
    let first = run().await;
    let second = run().await;
    assert_eq!(first["client_id"], second["client_id"]);
    assert_eq!(second["created_app"], false);
    assert!(data.path().join("demo-tenant.json").exists());
    for json in [&first, &second] {
        let secret = json["secret"]["value"].as_str().unwrap();
        assert!(
            files_containing(data.path(), secret).is_empty(),
            "secret on disk"
        );
    }
}

/// An app another tool made, watched since `exowiz check` saved it, is never taken over by a
/// later `register` of the same profile: that creates exowiz's own app.
#[tokio::test(flavor = "multi_thread")]
async fn register_never_takes_over_an_app_check_adopted() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let hr = graph_get(&emu, "applications?$filter=displayName eq 'HR Portal'").await;
    let hr_app_id = hr["value"][0]["appId"].as_str().unwrap().to_string();
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "check",
            "--app-id",
            &hr_app_id,
            "--profile",
            "custom",
            "--json",
        ],
    )
    .await;
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "register",
            "--profile",
            "custom",
            "--permission",
            "graph:Mail.Send:application",
            "--json",
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = stdout_json(&out);
    assert_ne!(
        json["client_id"].as_str().unwrap(),
        hr_app_id,
        "HR Portal was not taken over"
    );
    let hr_after = graph_get(&emu, &format!("applications(appId='{hr_app_id}')")).await;
    assert_eq!(
        hr_after["passwordCredentials"], hr["value"][0]["passwordCredentials"],
        "HR Portal untouched"
    );
}
