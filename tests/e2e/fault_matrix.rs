//! The fault matrix (issue 14): the real exowiz binary runs `register` and `rotate` against the
//! demo tenant under each fault of crates/demo-tenant/src/faults.rs (plus throttling, replication lag,
//! the secret-lifetime policy, a name clash and a kill at each journaled step), then once more
//! without the fault. Afterwards the tenant must hold exactly one app and one service principal
//! of exowiz's, no orphan, and no secret whose value the CLI never printed; the re-run must
//! complete; nothing may panic; no secret or token may reach the data directory or stderr
//! (every run is trace-logged).
//!
//! Each case has its own demo tenant on 127.0.0.1:0 and its own data directory; cases run four
//! at a time. `EXOWIZ_WRITE_RELIABILITY=1 cargo test --test e2e fault_matrix::` rewrites
//! docs/reliability.md with the figures of the run; `EXOWIZ_MATRIX_TRIALS=N` runs each case N
//! times; `EXOWIZ_MATRIX_LAG_SECS=S` sets the replication-lag case's lag (default 8 s, which
//! the client's 120 s replication window covers; Microsoft speaks of up to a minute).

use crate::support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use demo_tenant::{Emulator, EmulatorConfig, Fault, FaultKind};
use futures::StreamExt;
use serde_json::{Value, json};
use support::*;

const MAILBOX: &str = "fax-transfer@contoso.com";
const REGISTER: &[&str] = &[
    "register",
    "--profile",
    "officemaster",
    "--mailbox",
    MAILBOX,
    "--grant-consent",
    "--json",
];
/// exowiz's uniqueName for its officemaster apps starts so (src/register).
const UNIQUE_PREFIX: &str = "exowiz-officemaster-";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Job {
    Register,
    Rotate,
    /// `check --fix all` after someone deleted the app's service principal.
    CheckFix,
}

impl Job {
    fn name(self) -> &'static str {
        match self {
            Job::Register => "register",
            Job::Rotate => "rotate",
            Job::CheckFix => "check --fix",
        }
    }
}

/// How a case disturbs the faulted run.
#[derive(Clone, Debug)]
enum Setup {
    /// Planned faults (crates/demo-tenant/src/faults.rs).
    Faults(Vec<Fault>),
    /// `Emulator::throttle_next(count, status, retry_after)` for every Graph request.
    Throttle(usize, u16, Option<u64>),
    /// Every request waits this long (EmulatorConfig::latency), for the whole case.
    Latency(Duration),
    /// New objects stay invisible this long (EmulatorConfig::replication_lag), whole case.
    ReplicationLag(Duration),
    /// The tenant's policy allows secrets of at most this many months; the re-run asks for
    /// that many (what the admin does after reading the sentence).
    LifetimePolicy(u32),
    /// Another app of the profile's display name exists, made by someone else.
    NameClash,
    /// The process dies right after the journal recorded this step (EXOWIZ_TEST_ABORT_AFTER).
    KillAfter(&'static str),
}

#[derive(Clone, Debug)]
struct Case {
    job: Job,
    fault: String,
    setup: Setup,
}

fn fault(method: &str, path: &str, kind: FaultKind) -> Setup {
    Setup::Faults(vec![Fault::new(method, path, 1, kind)])
}

const CREATE: &str = "/v1.0/applications(uniqueName";
const SEARCH: &str = "/v1.0/applications?";
const SP: &str = "/v1.0/servicePrincipals(appId";
const ADD_PASSWORD: &str = "addPassword";
const GRANT: &str = "appRoleAssignedTo";

fn cases() -> Vec<Case> {
    use FaultKind::*;
    let lag = std::env::var("EXOWIZ_MATRIX_LAG_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8);
    let mut list: Vec<(Job, String, Setup)> = vec![
        (
            Job::Register,
            "latency 150 ms on every request".into(),
            Setup::Latency(Duration::from_millis(150)),
        ),
        (
            Job::Register,
            "429 burst (3 answers, Retry-After: 1)".into(),
            Setup::Throttle(3, 429, Some(1)),
        ),
        (
            Job::Register,
            "429 with Retry-After: 100000 on the create".into(),
            fault(
                "PATCH",
                CREATE,
                StatusBefore {
                    status: 429,
                    retry_after: Some(100_000),
                },
            ),
        ),
        (
            Job::Register,
            "503 with Retry-After: 100000 on the service principal".into(),
            fault(
                "PATCH",
                SP,
                StatusBefore {
                    status: 503,
                    retry_after: Some(100_000),
                },
            ),
        ),
        (
            Job::Register,
            "500 before the create".into(),
            fault(
                "PATCH",
                CREATE,
                StatusBefore {
                    status: 500,
                    retry_after: None,
                },
            ),
        ),
        (
            Job::Register,
            "500 after the create".into(),
            fault("PATCH", CREATE, StatusAfter { status: 500 }),
        ),
        (
            Job::Register,
            "502 after the create".into(),
            fault("PATCH", CREATE, StatusAfter { status: 502 }),
        ),
        (
            Job::Register,
            "503 before addPassword".into(),
            fault(
                "POST",
                ADD_PASSWORD,
                StatusBefore {
                    status: 503,
                    retry_after: Some(1),
                },
            ),
        ),
        (
            Job::Register,
            "500 after addPassword".into(),
            fault("POST", ADD_PASSWORD, StatusAfter { status: 500 }),
        ),
        (
            Job::Register,
            "502 after addPassword".into(),
            fault("POST", ADD_PASSWORD, StatusAfter { status: 502 }),
        ),
        (
            Job::Register,
            "504 after addPassword".into(),
            fault("POST", ADD_PASSWORD, StatusAfter { status: 504 }),
        ),
        (
            Job::Register,
            "504 after the service principal".into(),
            fault("PATCH", SP, StatusAfter { status: 504 }),
        ),
        (
            Job::Register,
            "500 after a role grant".into(),
            fault("POST", GRANT, StatusAfter { status: 500 }),
        ),
        (
            Job::Register,
            "connection dropped before the create".into(),
            fault("PATCH", CREATE, DropBefore),
        ),
        (
            Job::Register,
            "connection dropped after the create".into(),
            fault("PATCH", CREATE, DropAfter),
        ),
        (
            Job::Register,
            "connection dropped mid-answer of the create".into(),
            fault("PATCH", CREATE, DropMidAnswer),
        ),
        (
            Job::Register,
            "connection dropped before addPassword".into(),
            fault("POST", ADD_PASSWORD, DropBefore),
        ),
        (
            Job::Register,
            "connection dropped after addPassword".into(),
            fault("POST", ADD_PASSWORD, DropAfter),
        ),
        (
            Job::Register,
            "connection dropped mid-answer of addPassword".into(),
            fault("POST", ADD_PASSWORD, DropMidAnswer),
        ),
        (
            Job::Register,
            "connection dropped after the service principal".into(),
            fault("PATCH", SP, DropAfter),
        ),
        (
            Job::Register,
            "truncated JSON from the create".into(),
            fault("PATCH", CREATE, Truncated),
        ),
        (
            Job::Register,
            "truncated JSON from addPassword".into(),
            fault("POST", ADD_PASSWORD, Truncated),
        ),
        (
            Job::Register,
            "malformed JSON from the app search".into(),
            fault("GET", SEARCH, Malformed),
        ),
        (
            Job::Register,
            "malformed JSON from addPassword".into(),
            fault("POST", ADD_PASSWORD, Malformed),
        ),
        (
            Job::Register,
            "HTML 502 page for the create".into(),
            fault("PATCH", CREATE, HtmlPage { status: 502 }),
        ),
        (
            Job::Register,
            "HTML 504 page for the service principal".into(),
            fault("PATCH", SP, HtmlPage { status: 504 }),
        ),
        (
            Job::Register,
            format!("replication lag {lag} s"),
            Setup::ReplicationLag(Duration::from_secs(lag)),
        ),
        (
            Job::Register,
            "token expired mid-run (at addPassword)".into(),
            fault("POST", ADD_PASSWORD, TokenExpired),
        ),
        (
            Job::Register,
            "token expired mid-run (at the grants)".into(),
            fault("POST", GRANT, TokenExpired),
        ),
        (
            Job::Register,
            "secret-lifetime policy: at most 6 months".into(),
            Setup::LifetimePolicy(6),
        ),
        (
            Job::Register,
            "403 on a role grant".into(),
            fault(
                "POST",
                GRANT,
                StatusBefore {
                    status: 403,
                    retry_after: None,
                },
            ),
        ),
        (
            Job::Register,
            "name clash: someone else's \"OfficeMaster EWS\"".into(),
            Setup::NameClash,
        ),
    ];
    for step in [
        "unique_name",
        "app_unrecorded",
        "app",
        "secret_unrecorded",
        "secret",
        "service_principal",
        "grants",
        "completed",
    ] {
        list.push((
            Job::Register,
            format!("kill after step {step}"),
            Setup::KillAfter(step),
        ));
    }
    let rotate: Vec<(String, Setup)> = vec![
        (
            "latency 150 ms on every request".into(),
            Setup::Latency(Duration::from_millis(150)),
        ),
        (
            "429 burst (3 answers, Retry-After: 1)".into(),
            Setup::Throttle(3, 429, Some(1)),
        ),
        (
            "429 with Retry-After: 100000 on addPassword".into(),
            fault(
                "POST",
                ADD_PASSWORD,
                StatusBefore {
                    status: 429,
                    retry_after: Some(100_000),
                },
            ),
        ),
        (
            "503 before addPassword".into(),
            fault(
                "POST",
                ADD_PASSWORD,
                StatusBefore {
                    status: 503,
                    retry_after: Some(1),
                },
            ),
        ),
        (
            "500 after addPassword".into(),
            fault("POST", ADD_PASSWORD, StatusAfter { status: 500 }),
        ),
        (
            "502 after addPassword".into(),
            fault("POST", ADD_PASSWORD, StatusAfter { status: 502 }),
        ),
        (
            "504 after addPassword".into(),
            fault("POST", ADD_PASSWORD, StatusAfter { status: 504 }),
        ),
        (
            "connection dropped before addPassword".into(),
            fault("POST", ADD_PASSWORD, DropBefore),
        ),
        (
            "connection dropped after addPassword".into(),
            fault("POST", ADD_PASSWORD, DropAfter),
        ),
        (
            "connection dropped mid-answer of addPassword".into(),
            fault("POST", ADD_PASSWORD, DropMidAnswer),
        ),
        (
            "truncated JSON from addPassword".into(),
            fault("POST", ADD_PASSWORD, Truncated),
        ),
        (
            "malformed JSON from addPassword".into(),
            fault("POST", ADD_PASSWORD, Malformed),
        ),
        (
            "HTML 502 page for addPassword".into(),
            fault("POST", ADD_PASSWORD, HtmlPage { status: 502 }),
        ),
        (
            "malformed JSON reading the app".into(),
            fault("GET", "/v1.0/applications", Malformed),
        ),
        (
            "token expired mid-run (at addPassword)".into(),
            fault("POST", ADD_PASSWORD, TokenExpired),
        ),
        (
            "403 on addPassword".into(),
            fault(
                "POST",
                ADD_PASSWORD,
                StatusBefore {
                    status: 403,
                    retry_after: None,
                },
            ),
        ),
        (
            "secret-lifetime policy: at most 6 months".into(),
            Setup::LifetimePolicy(6),
        ),
        (
            "kill after step rotate_secret_unrecorded".into(),
            Setup::KillAfter("rotate_secret_unrecorded"),
        ),
        (
            "kill after step rotate_secret".into(),
            Setup::KillAfter("rotate_secret"),
        ),
    ];
    list.extend(rotate.into_iter().map(|(f, s)| (Job::Rotate, f, s)));
    let check: Vec<(String, Setup)> = vec![
        (
            "500 after the service principal".into(),
            Setup::Faults(vec![
                Fault::new(
                    "POST",
                    "/v1.0/servicePrincipals",
                    1,
                    StatusAfter { status: 500 },
                ),
                Fault::new("PATCH", SP, 1, StatusAfter { status: 500 }),
            ]),
        ),
        (
            "connection dropped after the service principal".into(),
            Setup::Faults(vec![
                Fault::new("POST", "/v1.0/servicePrincipals", 1, DropAfter),
                Fault::new("PATCH", SP, 1, DropAfter),
            ]),
        ),
        (
            "429 burst (3 answers, Retry-After: 1)".into(),
            Setup::Throttle(3, 429, Some(1)),
        ),
    ];
    list.extend(check.into_iter().map(|(f, s)| (Job::CheckFix, f, s)));
    list.into_iter()
        .map(|(job, fault, setup)| Case { job, fault, setup })
        .collect()
}

/// What one case came to.
#[derive(Debug, Default, Clone)]
struct Figures {
    runs: usize,
    /// The faulted run: "completed", "stopped (exit N)", "killed".
    outcome: String,
    /// The last line the faulted run wrote to stderr (its sentence for the admin).
    sentence: String,
    rerun_completed: bool,
    duplicates: usize,
    orphans: usize,
    unseen_secrets: usize,
    panics: usize,
    leaks: Vec<String>,
    /// Problems the figures do not show (unexpected states), for the assertion message.
    notes: Vec<String>,
}

impl Figures {
    fn clean(&self) -> bool {
        self.rerun_completed
            && self.duplicates == 0
            && self.orphans == 0
            && self.unseen_secrets == 0
            && self.panics == 0
            && self.leaks.is_empty()
            && self.notes.is_empty()
    }
}

async fn run(
    emu: &Emulator,
    data: &Path,
    token: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> Output {
    let base = emu.base_url().to_string();
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_exowiz"));
    cmd.args(args)
        .env("EXOWIZ_LOGIN_URL", &base)
        .env("EXOWIZ_GRAPH_URL", &base)
        .env("EXOWIZ_DATA_DIR", data)
        .env("EXOWIZ_NO_BROWSER", "1")
        .env("EXOWIZ_ACCESS_TOKEN", token)
        .env("EXOWIZ_LOG", "trace")
        .env_remove("EXOWIZ_TEST_ABORT_AFTER")
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    // A hang is a finding too; this bound only keeps a broken build from stalling CI.
    tokio::time::timeout(Duration::from_secs(150), cmd.output())
        .await
        .unwrap_or_else(|_| panic!("exowiz {args:?} hung"))
        .expect("exowiz runs")
}

fn stderr_text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The secret the run printed (key id, value), if its stdout is the JSON report.
fn printed_secret(out: &Output) -> Option<(String, String)> {
    let json: Value = serde_json::from_slice(&out.stdout).ok()?;
    Some((
        json["secret"]["key_id"].as_str()?.to_string(),
        json["secret"]["value"].as_str()?.to_string(),
    ))
}

fn config_for(setup: &Setup) -> EmulatorConfig {
    let mut config = quick_config();
    match setup {
        Setup::Latency(d) => config.latency = *d,
        Setup::ReplicationLag(d) => config.replication_lag = *d,
        _ => {}
    }
    config
}

fn arm(emu: &Emulator, setup: &Setup) {
    match setup {
        Setup::Faults(list) => list.iter().cloned().for_each(|f| emu.inject(f)),
        Setup::Throttle(count, status, retry_after) => {
            emu.throttle_next(*count, *status, *retry_after)
        }
        Setup::LifetimePolicy(months) => emu.set_secret_lifetime_policy(*months),
        Setup::Latency(_) | Setup::ReplicationLag(_) | Setup::NameClash | Setup::KillAfter(_) => {}
    }
}

/// Someone else's app with the profile's display name (no uniqueName, no exowiz tag).
async fn make_foreign_app(emu: &Emulator) {
    let resp = reqwest::Client::new()
        .post(format!("{}v1.0/applications", emu.base_url()))
        .bearer_auth(admin_token(emu))
        .json(&json!({"displayName": "OfficeMaster EWS"}))
        .send()
        .await
        .expect("demo tenant answers");
    assert!(resp.status().is_success(), "{}", resp.status());
}

/// Someone deletes the app's service principal (Enterprise applications → Delete).
async fn delete_service_principal(emu: &Emulator, sp_id: &str) {
    let resp = reqwest::Client::new()
        .delete(format!("{}v1.0/servicePrincipals/{sp_id}", emu.base_url()))
        .bearer_auth(admin_token(emu))
        .send()
        .await
        .expect("demo tenant answers");
    assert_eq!(resp.status().as_u16(), 204);
}

async fn run_case(case: Case) -> Figures {
    let emu = emulator(config_for(&case.setup)).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let mut fig = Figures::default();
    let mut shown: BTreeSet<String> = BTreeSet::new();
    let mut values: Vec<String> = Vec::new();
    let mut stderrs: Vec<Vec<u8>> = Vec::new();
    let mut record = |out: &Output, fig: &mut Figures| {
        fig.runs += 1;
        let err = stderr_text(out);
        if err.contains("panicked") || err.contains("RUST_BACKTRACE") {
            fig.panics += 1;
        }
        if let Some((key_id, value)) = printed_secret(out) {
            shown.insert(key_id);
            values.push(value);
        }
        stderrs.push(out.stderr.clone());
    };

    let foreign_before = if matches!(case.setup, Setup::NameClash) {
        make_foreign_app(&emu).await;
        Some(apps_named(&emu, "OfficeMaster EWS"))
    } else {
        None
    };

    // Rotate and check need a registration: made first, without faults.
    let mut job_args: Vec<String> = REGISTER.iter().map(|s| s.to_string()).collect();
    if case.job != Job::Register {
        let setup = run(&emu, data.path(), &token, REGISTER, &[]).await;
        record(&setup, &mut fig);
        if !setup.status.success() {
            fig.notes.push(format!(
                "the setup register failed: {}",
                stderr_text(&setup)
            ));
            return fig;
        }
        let client_id = stdout_json(&setup)["client_id"]
            .as_str()
            .unwrap()
            .to_string();
        job_args = match case.job {
            Job::Rotate => ["rotate", "--app-id", &client_id, "--json"]
                .map(String::from)
                .to_vec(),
            _ => {
                let sp_id = stdout_json(&setup)["service_principal_id"]
                    .as_str()
                    .unwrap()
                    .to_string();
                delete_service_principal(&emu, &sp_id).await;
                ["check", "--app-id", &client_id, "--fix", "all", "--json"]
                    .map(String::from)
                    .to_vec()
            }
        };
    }
    let args: Vec<&str> = job_args.iter().map(String::as_str).collect();

    arm(&emu, &case.setup);
    let kill_env;
    let env: &[(&str, &str)] = match &case.setup {
        Setup::KillAfter(step) => {
            kill_env = [("EXOWIZ_TEST_ABORT_AFTER", *step)];
            &kill_env
        }
        _ => &[],
    };
    let faulted = run(&emu, data.path(), &token, &args, env).await;
    record(&faulted, &mut fig);
    fig.outcome = match faulted.status.code() {
        Some(0) => "completed".into(),
        Some(code) => format!("stopped (exit {code})"),
        None => "killed".into(),
    };
    fig.sentence = stderr_text(&faulted)
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty() && !l.contains("EXOWIZ_TEST_ABORT_AFTER"))
        .unwrap_or("")
        .trim()
        .to_string();
    if matches!(case.setup, Setup::KillAfter(_)) && fig.outcome != "killed" {
        fig.notes.push("the planned kill did not happen".into());
    }
    if fig.outcome.starts_with("stopped") && fig.sentence.is_empty() {
        fig.notes.push("stopped without a sentence".into());
    }

    // The re-run, without the fault (a fresh token, as after signing in again).
    emu.clear_faults();
    let mut rerun_args = args.clone();
    let policy_months;
    if let Setup::LifetimePolicy(months) = case.setup {
        policy_months = months.to_string();
        rerun_args.splice(1..1, ["--secret-months", policy_months.as_str()]);
    }
    if matches!(case.setup, Setup::NameClash) {
        // What the sentence tells the admin to do.
        rerun_args.splice(1..1, ["--app-name", "OfficeMaster EWS (exowiz)"]);
    }
    let fresh = admin_token(&emu);
    let rerun = run(&emu, data.path(), &fresh, &rerun_args, &[]).await;
    record(&rerun, &mut fig);
    fig.rerun_completed = rerun.status.success();
    if !fig.rerun_completed {
        fig.notes
            .push(format!("the re-run failed: {}", stderr_text(&rerun)));
    }

    // The tenant afterwards (its own state: replicating objects included).
    let snap = emu.snapshot();
    let ours: Vec<&Value> = snap["applications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| {
            a["uniqueName"]
                .as_str()
                .is_some_and(|n| n.starts_with(UNIQUE_PREFIX))
        })
        .collect();
    fig.duplicates += ours.len().saturating_sub(1);
    if ours.is_empty() {
        fig.notes.push("no app of exowiz's in the tenant".into());
    }
    let sps = snap["servicePrincipals"].as_array().unwrap();
    for app in &ours {
        let n = sps.iter().filter(|s| s["appId"] == app["appId"]).count();
        fig.duplicates += n.saturating_sub(1);
        if n == 0 {
            fig.orphans += 1; // an app without its service principal
        }
        for cred in app["passwordCredentials"].as_array().unwrap() {
            let key_id = cred["keyId"].as_str().unwrap_or_default();
            if !shown.contains(key_id) {
                fig.unseen_secrets += 1;
            }
        }
    }
    // Apps of exowiz's the store does not know: nobody would ever rotate or clean them up.
    let saved: Value = std::fs::read(data.path().join("registrations.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    let known: BTreeSet<&str> = saved["registrations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["client_id"].as_str())
        .collect();
    fig.orphans += ours
        .iter()
        .filter(|a| !known.contains(a["appId"].as_str().unwrap_or_default()))
        .count();
    if let Some(before) = foreign_before {
        let after = apps_named(&emu, "OfficeMaster EWS");
        let foreign_after: Vec<&Value> =
            after.iter().filter(|a| a["uniqueName"].is_null()).collect();
        if foreign_after.len() != 1 || *foreign_after[0] != before[0] {
            fig.notes.push("someone else's app was changed".into());
        }
    }

    // Hygiene: no printed secret in the data directory or on stderr, no token anywhere.
    let mut needles: Vec<(&str, String)> = values.iter().map(|v| ("a secret", v.clone())).collect();
    needles.push(("the access token", token.clone()));
    needles.push(("the access token", fresh.clone()));
    for (what, needle) in &needles {
        for p in files_containing(data.path(), needle) {
            fig.leaks.push(format!(
                "{what} in {}",
                p.file_name().unwrap().to_string_lossy()
            ));
        }
        if stderrs
            .iter()
            .any(|e| e.windows(needle.len()).any(|w| w == needle.as_bytes()))
        {
            fig.leaks.push(format!("{what} on stderr"));
        }
    }
    fig
}

fn apps_named(emu: &Emulator, name: &str) -> Vec<Value> {
    emu.snapshot()["applications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["displayName"] == name)
        .cloned()
        .collect()
}

#[test]
fn the_fault_matrix_leaves_one_app_one_service_principal_and_no_unseen_secret() {
    let trials: usize = std::env::var("EXOWIZ_MATRIX_TRIALS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
        .max(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let cases = cases();
    let started = std::time::Instant::now();
    let results: Vec<(Case, Vec<Figures>)> = runtime.block_on(async {
        let jobs = cases
            .iter()
            .cloned()
            .flat_map(|c| std::iter::repeat_n(c, trials));
        let figures: Vec<(Case, Figures)> = futures::stream::iter(jobs)
            .map(|case| async move {
                let fig = run_case(case.clone()).await;
                (case, fig)
            })
            .buffered(4)
            .collect()
            .await;
        let mut grouped: Vec<(Case, Vec<Figures>)> = Vec::new();
        for (case, fig) in figures {
            match grouped
                .iter_mut()
                .find(|(c, _)| c.job == case.job && c.fault == case.fault)
            {
                Some((_, list)) => list.push(fig),
                None => grouped.push((case, vec![fig])),
            }
        }
        grouped
    });
    let elapsed = started.elapsed();

    let table = table(&results);
    println!("{table}");
    if std::env::var("EXOWIZ_WRITE_RELIABILITY").is_ok_and(|v| v == "1") {
        write_reliability(&table, &results, trials, elapsed);
    }
    let bad: Vec<String> = results
        .iter()
        .flat_map(|(case, figs)| {
            figs.iter()
                .filter(|f| !f.clean())
                .map(move |f| format!("{} / {}: {f:#?}", case.job.name(), case.fault))
        })
        .collect();
    assert!(
        bad.is_empty(),
        "{} case(s) failed:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

fn cell(text: &str) -> String {
    let mut t: String = text
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .replace('|', "\\|");
    if t.chars().count() > 110 {
        t = t.chars().take(107).collect::<String>() + "…";
    }
    t
}

fn table(results: &[(Case, Vec<Figures>)]) -> String {
    let mut out = String::from(
        "| job | fault | runs | faulted run | re-run completed | duplicates | orphans | unseen secrets | panics | leaks | what the admin read |\n\
         |---|---|---:|---|---:|---:|---:|---:|---:|---:|---|\n",
    );
    for (case, figs) in results {
        let sum = |f: fn(&Figures) -> usize| figs.iter().map(f).sum::<usize>();
        let mut outcomes: Vec<String> = figs.iter().map(|f| f.outcome.clone()).collect();
        outcomes.sort();
        outcomes.dedup();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {}/{} | {} | {} | {} | {} | {} | {} |\n",
            case.job.name(),
            cell(&case.fault),
            sum(|f| f.runs),
            outcomes.join(", "),
            figs.iter().filter(|f| f.rerun_completed).count(),
            figs.len(),
            sum(|f| f.duplicates),
            sum(|f| f.orphans),
            sum(|f| f.unseen_secrets),
            sum(|f| f.panics),
            sum(|f| f.leaks.len()),
            cell(figs.first().map_or("", |f| f.sentence.as_str())),
        ));
    }
    out
}

fn command_output(program: &str, args: &[&str]) -> String {
    std::process::Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// docs/reliability.md: the prose between the markers is kept, the figures are replaced.
fn write_reliability(
    table: &str,
    results: &[(Case, Vec<Figures>)],
    trials: usize,
    elapsed: Duration,
) {
    const BEGIN: &str = "<!-- fault-matrix:begin (written by tests/e2e/fault_matrix.rs) -->";
    const END: &str = "<!-- fault-matrix:end -->";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/reliability.md");
    let doc = std::fs::read_to_string(&path).expect("docs/reliability.md exists");
    let (Some(b), Some(e)) = (doc.find(BEGIN), doc.find(END)) else {
        panic!("docs/reliability.md lacks the fault-matrix markers");
    };
    let runs: usize = results.iter().flat_map(|(_, f)| f).map(|f| f.runs).sum();
    let cases = results.len();
    let figures = format!(
        "{BEGIN}\n\nRun on {date} on `{machine}` ({cpus} CPUs), debug build, {trials} trial(s) per \
         case: {cases} cases, {runs} runs of exowiz in {secs} s.\n\n{table}\n",
        date = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        machine = command_output("uname", &["-srm"]),
        cpus = std::thread::available_parallelism().map_or(0, |n| n.get()),
        secs = elapsed.as_secs(),
    );
    let updated = format!("{}{figures}{}", &doc[..b], &doc[e..]);
    std::fs::write(&path, updated).expect("docs/reliability.md written");
}
