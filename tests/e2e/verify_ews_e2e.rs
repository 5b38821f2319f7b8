//! `exowiz register --verify` and `exowiz rotate` probe EWS for the EWS profiles: the real
//! binary against the demo tenant over loopback, each of Exchange Online's answers named in
//! `verify.ews` and in the exit code (0 done, 8 done but EWS cannot open the mailbox yet).

use crate::support;

use demo_tenant::Emulator;
use serde_json::Value;
use support::*;

const MAILBOX: &str = "fax-transfer@contoso.com";

async fn register(emu: &Emulator, data: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "register",
        "--json",
        "--device-code",
        "--grant-consent",
        "--verify",
    ];
    args.extend_from_slice(extra);
    exowiz(emu, data, None, &args).await
}

fn ews_calls(emu: &Emulator) -> Vec<u16> {
    emu.requests()
        .into_iter()
        .filter(|r| r.path_and_query == "/EWS/Exchange.asmx")
        .map(|r| r.status)
        .collect()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The secret of a JSON answer never shows on stderr (the failure sentence included).
fn assert_secret_not_on_stderr(out: &std::process::Output, json: &Value) {
    let secret = json["secret"]["value"].as_str().unwrap();
    assert!(!secret.is_empty());
    assert!(!stderr(out).contains(secret), "the secret leaked to stderr");
}

#[tokio::test(flavor = "multi_thread")]
async fn register_verify_passes_the_ews_probe_after_consent_and_the_allow_list() {
    // The demo tenant's admin put the new app on the allow list right away.
    let mut config = quick_config();
    config.ews_allow_new_apps = true;
    let emu = emulator(config).await;
    let data = tempfile::tempdir().unwrap();
    let out = register(
        &emu,
        data.path(),
        &["--profile", "officemaster", "--mailbox", MAILBOX],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let json = stdout_json(&out);
    let verify = &json["verify"];
    assert_eq!(verify["ok"], true, "{verify}");
    assert_eq!(verify["missing_roles"], serde_json::json!([]));
    let exchange_roles = verify["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["api"] == "exchange")
        .unwrap();
    assert_eq!(
        exchange_roles["roles"],
        serde_json::json!(["full_access_as_app"])
    );
    let ews = &verify["ews"];
    assert_eq!(ews["ok"], true, "{ews}");
    assert_eq!(ews["cause"], "ok");
    assert_eq!(ews["mailbox"], MAILBOX);
    assert!(ews["detail"].as_str().unwrap().contains("Inbox"), "{ews}");
    assert_eq!(ews_calls(&emu), [200], "one GetFolder");
    assert_secret_not_on_stderr(&out, &json);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_app_not_on_the_allow_list_fails_the_probe_with_exit_8_and_no_retry_loop() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let out = register(
        &emu,
        data.path(),
        &["--profile", "officemaster", "--mailbox", MAILBOX],
    )
    .await;
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    let json = stdout_json(&out);
    // The registration itself is complete and handed over.
    assert!(json["client_id"].as_str().is_some_and(|c| !c.is_empty()));
    assert_eq!(json["verify"]["ok"], true);
    let ews = &json["verify"]["ews"];
    assert_eq!(ews["ok"], false);
    assert_eq!(ews["cause"], "not_on_allow_list");
    let detail = ews["detail"].as_str().unwrap();
    assert!(
        detail.contains("EwsAllowedAppIDs") && detail.contains("24 hours"),
        "{detail}"
    );
    assert!(detail.contains("EWS is blocked by policy for this user or tenant"));
    // The allow list takes up to a day: one call, no retrying.
    assert_eq!(ews_calls(&emu), [403]);
    let err = stderr(&out);
    assert!(
        err.contains(
            "is registered and its secret works, but EWS cannot open fax-transfer@contoso.com yet"
        ),
        "{err}"
    );
    assert_secret_not_on_stderr(&out, &json);
}

#[tokio::test(flavor = "multi_thread")]
async fn ews_disabled_on_the_mailbox_is_named() {
    let mut config = quick_config();
    config.ews_allow_new_apps = true;
    let emu = emulator(config).await;
    emu.set_ews(|s| s.set_mailbox_enabled(MAILBOX, false));
    let data = tempfile::tempdir().unwrap();
    let out = register(
        &emu,
        data.path(),
        &["--profile", "officemaster", "--mailbox", MAILBOX],
    )
    .await;
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    let ews = &stdout_json(&out)["verify"]["ews"];
    assert_eq!(ews["cause"], "ews_disabled");
    assert!(
        ews["detail"]
            .as_str()
            .unwrap()
            .contains("Get-CASMailbox fax-transfer@contoso.com")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn without_consent_the_probe_says_consent_is_missing() {
    let mut config = quick_config();
    config.ews_allow_new_apps = true;
    let emu = emulator(config).await;
    let data = tempfile::tempdir().unwrap();
    // No --grant-consent: the consent link is printed, nothing is granted.
    let out = exowiz(
        &emu,
        data.path(),
        None,
        &[
            "register",
            "--json",
            "--device-code",
            "--verify",
            "--profile",
            "officemaster",
            "--mailbox",
            MAILBOX,
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    let verify = &stdout_json(&out)["verify"];
    assert!(
        verify["missing_roles"]
            .as_array()
            .unwrap()
            .contains(&Value::from("full_access_as_app"))
    );
    assert_eq!(verify["ews"]["cause"], "consent_missing", "{verify}");
    assert_eq!(ews_calls(&emu), [401]);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_mailbox_the_probe_is_skipped_and_profiles_without_ews_have_none() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let out = register(&emu, data.path(), &["--profile", "bueroware"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let ews = &stdout_json(&out)["verify"]["ews"];
    assert_eq!(ews["ok"], Value::Null);
    assert_eq!(ews["cause"], "skipped");
    assert!(ews["detail"].as_str().unwrap().contains("--mailbox"));
    let out = register(&emu, data.path(), &["--profile", "flowfact"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let json = stdout_json(&out);
    assert_eq!(json["verify"]["ok"], true);
    assert_eq!(json["verify"]["ews"], Value::Null);
    assert!(ews_calls(&emu).is_empty());
    // Without --verify there is no verify object.
    let out = exowiz(
        &emu,
        data.path(),
        None,
        &[
            "register",
            "--json",
            "--device-code",
            "--profile",
            "bueroware",
        ],
    )
    .await;
    assert_eq!(stdout_json(&out)["verify"], Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
async fn rotate_probes_ews_with_the_new_secret() {
    let mut config = quick_config();
    config.ews_allow_new_apps = true;
    let emu = emulator(config).await;
    let data = tempfile::tempdir().unwrap();
    let out = register(&emu, data.path(), &["--profile", "bueroware"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let client_id = stdout_json(&out)["client_id"].as_str().unwrap().to_string();
    emu.clear_requests();

    // A mailbox that does not exist in Exchange Online.
    let rotate = |mailbox: &'static str| {
        let (emu, data, client_id) = (&emu, data.path(), client_id.clone());
        async move {
            exowiz(
                emu,
                data,
                None,
                &[
                    "rotate",
                    "--json",
                    "--device-code",
                    "--app-id",
                    &client_id,
                    "--mailbox",
                    mailbox,
                ],
            )
            .await
        }
    };
    let out = rotate("fax-tranfser@contoso.com").await;
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    let json = stdout_json(&out);
    assert_eq!(json["verified"], true);
    assert_eq!(json["verify"]["ews"]["cause"], "mailbox_not_found");
    assert!(
        json["verify"]["ews"]["detail"]
            .as_str()
            .unwrap()
            .contains("ErrorNonExistentMailbox")
    );
    assert_secret_not_on_stderr(&out, &json);

    let out = rotate(MAILBOX).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let json = stdout_json(&out);
    assert_eq!(json["verify"]["ews"]["ok"], true, "{}", json["verify"]);
    assert_eq!(ews_calls(&emu), [500, 200]);
}
