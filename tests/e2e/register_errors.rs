//! Bad input and refused operations give one clear sentence and a distinct exit code, never a
//! panic or a stack trace.

use crate::support;

use support::*;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn assert_clean_failure(out: &std::process::Output, code: i32, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "exit code; stderr: {err}");
    assert!(err.contains(needle), "expected '{needle}' in: {err}");
    for bad in [
        "panicked",
        "RUST_BACKTRACE",
        "stack backtrace",
        "Error {",
        "Os {",
    ] {
        assert!(!err.contains(bad), "raw error on stderr: {err}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_fails_before_anything_is_created() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["register", "--profile", "faxmaster"],
            "There is no profile 'faxmaster'",
        ),
        (vec!["register", "--profile", "officemaster"], "--mailbox"),
        (
            vec![
                "register",
                "--profile",
                "officemaster",
                "--mailbox",
                "fax-transfer",
            ],
            "not a mailbox address",
        ),
        (
            vec![
                "register",
                "--profile",
                "officemaster",
                "--mailbox",
                "fax@contoso.com",
                "--domain",
                "fax=nodot",
            ],
            "needs at least one dot",
        ),
        (
            vec![
                "register",
                "--profile",
                "officemaster",
                "--mailbox",
                "fax@contoso.com",
                "--domain",
                "fax.contoso",
            ],
            "TYPE=NAME",
        ),
        (
            vec![
                "register",
                "--profile",
                "moveit",
                "--mailbox",
                "a@contoso.com",
                "--secret-months",
                "61",
            ],
            "1 to 60 months",
        ),
        (vec!["register", "--profile", "custom"], "--permission"),
        (
            vec![
                "register",
                "--profile",
                "custom",
                "--permission",
                "graph:Mail.Send",
            ],
            "API:NAME:TYPE",
        ),
    ];
    emu.clear_requests();
    for (args, needle) in cases {
        let out = exowiz(&emu, data.path(), Some(&token), &args).await;
        assert_clean_failure(&out, 2, needle);
    }
    assert!(
        emu.requests().iter().all(|r| r.method == "GET"),
        "nothing was created"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mailbox_the_tenant_lacks_is_named_in_the_error() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "register",
            "--profile",
            "moveit",
            "--mailbox",
            "nobody@contoso.com",
        ],
    )
    .await;
    assert_clean_failure(
        &out,
        2,
        "There is no mailbox nobody@contoso.com in Contoso Ltd",
    );
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "register",
            "--profile",
            "moveit",
            "--mailbox",
            "bob.nomail@contoso.com",
        ],
    )
    .await;
    assert_clean_failure(&out, 2, "has no Exchange Online mailbox");
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
            "--domain",
            "fax=contoso.com",
        ],
    )
    .await;
    assert_clean_failure(&out, 2, "one of Contoso Ltd's own mail domains");
    let apps = graph_get(
        &emu,
        "applications?$filter=displayName eq 'moveIT Kommunikationssystem'",
    )
    .await;
    assert!(
        apps["value"].as_array().unwrap().is_empty(),
        "no app was created"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_tenant_is_a_sign_in_error() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let out = exowiz(
        &emu,
        data.path(),
        None,
        &[
            "register",
            "--profile",
            "bueroware",
            "--tenant",
            "fabrikam.example",
            "--device-code",
        ],
    )
    .await;
    assert_clean_failure(&out, 3, "fabrikam.example");
}

#[tokio::test(flavor = "multi_thread")]
async fn tenant_id_lookup_by_domain_needs_no_sign_in() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let out = exowiz(&emu, data.path(), None, &["tenant-id", "contoso.com"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), emu.tenant_id());
    let out = exowiz(&emu, data.path(), None, &["tenant-id", "fabrikam.example"]).await;
    assert_clean_failure(&out, 3, "fabrikam.example");
    let out = exowiz(&emu, data.path(), None, &["tenant-id", "not a domain"]).await;
    assert_clean_failure(&out, 2, "not a domain");
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_admin_rights_explain_which_role_is_needed() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let helpdesk = emu.issue_token(
        "helpdesk@contoso.com",
        &[
            "Application.ReadWrite.All",
            "AppRoleAssignment.ReadWrite.All",
            "DelegatedPermissionGrant.ReadWrite.All",
            "User.Read.All",
        ],
    );
    let out = exowiz(
        &emu,
        data.path(),
        Some(&helpdesk),
        &["register", "--profile", "bueroware"],
    )
    .await;
    assert_clean_failure(&out, 4, "Administrator");

    // A Cloud Application Administrator gets the app and the secret, but Graph app roles need
    // a higher role: the output says so and hands over the consent link.
    let appadmin = emu.issue_token(
        "appadmin@contoso.com",
        &[
            "Application.ReadWrite.All",
            "AppRoleAssignment.ReadWrite.All",
            "DelegatedPermissionGrant.ReadWrite.All",
            "User.Read.All",
        ],
    );
    let out = exowiz(
        &emu,
        data.path(),
        Some(&appadmin),
        &[
            "register",
            "--profile",
            "moveit",
            "--mailbox",
            "fax-transfer@contoso.com",
            "--grant-consent",
            "--json",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let json = stdout_json(&out);
    assert_eq!(json["permissions"][0]["granted"], false);
    assert!(
        json["notes"].as_array().unwrap().iter().any(|n| n
            .as_str()
            .unwrap()
            .contains("Privileged Role Administrator")),
        "{json}"
    );
    assert!(json["secret"]["value"].is_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_and_replication_lag_are_waited_out() {
    let emu = emulator(demo_tenant::EmulatorConfig {
        replication_lag: std::time::Duration::from_millis(800),
        ..quick_config()
    })
    .await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    emu.throttle_next(2, 429, Some(1));
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "register",
            "--profile",
            "bueroware",
            "--grant-consent",
            "--json",
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}\n{}",
        stderr(&out),
        String::from_utf8_lossy(&out.stdout)
    );
    let statuses: Vec<u16> = emu.requests().iter().map(|r| r.status).collect();
    assert!(statuses.contains(&429), "throttled: {statuses:?}");
    assert!(
        statuses.contains(&400) || statuses.contains(&404),
        "the replication lag was hit and waited out: {statuses:?}"
    );
    assert_eq!(stdout_json(&out)["permissions"][0]["granted"], true);
}

/// Issue 14.12: a client ID that is not a GUID is refused with a sentence before any request.
#[tokio::test(flavor = "multi_thread")]
async fn an_app_id_that_is_not_a_guid_is_refused_before_any_graph_call() {
    let emu = emulator(quick_config()).await;
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
            "--app-id",
            "not-a-guid",
        ],
    )
    .await;
    assert_clean_failure(&out, 2, "'not-a-guid' is not a client ID");
    assert_eq!(emu.requests().len(), 0, "no Graph call");
}
