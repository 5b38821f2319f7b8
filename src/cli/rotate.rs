//! `exowiz rotate`: a new client secret for an existing app, before the old one expires.
//!
//! Two runs, so the connector never stops:
//!
//! 1. `exowiz rotate --app-id ID` lists the app's secrets (the due ones marked), makes a new
//!    secret, shows it once, proves with a token that it works, and keeps the older ones: the
//!    product goes on with the old secret until someone enters the new one.
//! 2. `exowiz rotate --app-id ID --remove-old --keep KEYID`, once the product uses the new
//!    secret, makes no secret and removes every secret but KEYID (the key ID run 1 printed).
//!
//! `--remove-old` without `--keep` does both at once (new secret, verified, then the older ones
//! removed) for a product that is switched over right away. Nothing is ever removed when the
//! new secret could not be verified, and the new secret itself is never removed.

use std::time::Duration;

use super::save_commands::{SaveCommandsArgs, Saved};
use super::session::Session;
use super::{Connection, Exit, Failure, verify_output};
use chrono::{DateTime, SecondsFormat, Utc};
use exowiz::check::Expected;
use exowiz::endpoints::Cloud;
use exowiz::ews::EwsProbe;
use exowiz::graph::{Application, NewSecret};
use exowiz::jobs::{self, JobError, SecretHandOver, Tenant};
use exowiz::profile::{self, ProductFields, Profile};
use exowiz::register::validate;
use exowiz::rotate::{self, ApiRoles, SecretInfo};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

#[derive(Debug, clap::Args)]
pub struct RotateArgs {
    /// Client ID (Application ID) of the app whose secret is renewed.
    #[arg(long, value_name = "ID")]
    pub app_id: String,
    /// Lifetime of the new secret in months, 1 to 60 (default: the product's, else 12).
    #[arg(long, value_name = "N", conflicts_with = "keep")]
    pub secret_months: Option<u32>,
    /// Description of the new secret (default: the product's secret name and today's date).
    #[arg(long, value_name = "TEXT", conflicts_with = "keep")]
    pub description: Option<String>,
    /// Remove the older secrets, only ever after the new one was verified. With --keep: make no
    /// new secret, remove every secret but that one.
    #[arg(long)]
    pub remove_old: bool,
    /// With --remove-old: the secret to keep (the key ID an earlier rotate printed); no new
    /// secret is made.
    #[arg(long, value_name = "KEYID", requires = "remove_old")]
    pub keep: Option<String>,
    /// Hand the app over with this connector profile's fields and compare the new token with
    /// its permissions (default: the saved registration's, else matched by the app's name and
    /// permissions, as `exowiz check` does).
    #[arg(long, value_name = "ID")]
    pub profile: Option<String>,
    /// Mark secrets that expire within this many days as due.
    #[arg(long, value_name = "DAYS", default_value_t = jobs::policy::WARN_DAYS)]
    pub warn_days: u32,
    /// How long to keep trying while Entra ID makes the new secret usable.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub verify_timeout: u64,
    /// For an EWS connector: the mailbox the EWS probe opens after the new secret was verified
    /// (default: the one its saved registration records; without either the probe is skipped).
    #[arg(long, value_name = "ADDRESS", conflicts_with = "keep")]
    pub mailbox: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub commands: SaveCommandsArgs,
    /// Rotate on the built-in demo tenant (its state kept in the data directory).
    #[arg(long)]
    pub demo: bool,
}

/// What the run found and did, for the text and JSON output.
struct Report {
    tenant_id: String,
    app: Application,
    profile_id: String,
    profile: Option<Profile>,
    previous: Vec<SecretInfo>,
    secret: Option<NewSecret>,
    /// `Some(Ok(roles))` verified, `Some(Err(sentence))` failed, `None` not tried.
    verified: Option<Result<Vec<ApiRoles>, String>>,
    /// The application permissions the new secret's token should carry (run 1 only; `None`
    /// when they could not be worked out, which a note says).
    expected: Option<Expected>,
    /// The expected application permissions the verified token lacks.
    missing_roles: Option<Vec<String>>,
    /// The EWS probe with the new secret (EWS connectors only; run 1 only).
    ews: Option<EwsProbe>,
    /// `exowiz check … --fix all` for this app, with the flags of this run.
    check_command: String,
    removed: Vec<String>,
    remove_command: Option<String>,
    notes: Vec<String>,
    /// What became of `--save-commands`.
    commands_saved: Saved,
}

pub async fn run(connection: &Connection, args: RotateArgs) -> Result<(), Failure> {
    let input = |text: String| Failure::new(Exit::Input, text);
    if uuid::Uuid::parse_str(args.app_id.trim()).is_err() {
        return Err(input(format!(
            "'{}' is not a client ID. The client ID (Application ID) is a GUID like 0a1b2c3d-1234-5678-9abc-def012345678; the Entra admin center shows it under App registrations.",
            args.app_id
        )));
    }
    if let Some(months) = args.secret_months {
        validate::secret_months(months).map_err(|e| input(e.to_string()))?;
    }
    let mailbox = args
        .mailbox
        .as_deref()
        .map(validate::mailbox)
        .transpose()
        .map_err(|e| input(e.to_string()))?;
    if let Some(keep) = &args.keep
        && uuid::Uuid::parse_str(keep.trim()).is_err()
    {
        return Err(input(format!(
            "'{keep}' is not a key ID. --keep takes the key ID (a GUID) that exowiz rotate printed for the new secret."
        )));
    }
    if args
        .description
        .as_deref()
        .is_some_and(|d| d.trim().is_empty())
    {
        return Err(input("The new secret's description is empty.".into()));
    }
    if let Some(d) = args.description.as_deref() {
        exowiz::register::validate::secret_description(d).map_err(|e| input(e.to_string()))?;
    }
    let given_profile = args
        .profile
        .as_deref()
        .map(profile::by_id)
        .transpose()
        .map_err(|e| input(e.to_string()))?;
    args.commands.check()?;
    let session = Session::open(connection, args.demo).await?;
    let (tenant, endpoints, tenant_id) = (session.tenant(), &session.endpoints, &session.tenant_id);
    let say = |text: &str| {
        if !args.json {
            safe_eprintln!("{text}");
        }
    };

    say("Reading the app…");
    // The secrets an interrupted rotation made and nobody saw go first (before they are
    // listed, counted or offered for removal).
    let mut open = jobs::rotate::open(tenant, &args.app_id, args.keep.is_none()).await?;
    if let Some(note) = &open.cleaned_up {
        say(note);
    }
    let run_one = args.keep.is_none();
    let mut notes: Vec<String> = open.cleaned_up.clone().into_iter().collect();
    // Run 1 compares the new token with the profile; deciding it also decides the profile
    // the app is handled with (as `check` would). `--profile` wins.
    let expected = if run_one {
        match open.expect(tenant, given_profile.clone()).await {
            Ok(expected) => Some(expected),
            Err(e) => {
                notes.push(format!(
                    "The new token's roles were not compared with a profile: {}",
                    e.sentence()
                ));
                None
            }
        }
    } else {
        None
    };
    if let Some(p) = &given_profile {
        open.set_profile(p.id.clone());
    }
    let app = open.app.clone();
    let now = Utc::now();
    let previous = open.secrets(now, args.warn_days);
    let mut report = Report {
        tenant_id: tenant_id.to_string(),
        app: app.clone(),
        profile_id: open.profile_id.clone(),
        profile: open.profile.clone(),
        previous,
        secret: None,
        verified: None,
        expected,
        missing_roles: None,
        ews: None,
        check_command: check_command(connection, &args, &app),
        removed: Vec::new(),
        remove_command: None,
        notes,
        commands_saved: Saved::NotAsked,
    };
    // The commands depend on the app, not on the new secret: saved before the rotation, so a
    // rotation that fails later still leaves them.
    report.commands_saved = save_commands(&args.commands, &report, open.saved.as_ref());
    if !args.json {
        print_secrets(&report, args.warn_days);
    }

    let result = match args.keep.as_deref().map(str::trim) {
        Some(keep) => {
            // Run 2: no new secret; keep one, remove the rest.
            rotate::check_keep(&report.previous, keep, &app.app_id)
                .map_err(|e| input(e.to_string()))?;
            let older = rotate::removal_candidates(&report.previous, keep);
            let result = remove(tenant, &mut open, keep, &older, &report, &say).await;
            let removed = result.removed.clone();
            if !removed.is_empty()
                && let Err(note) = open.save(tenant, None, &removed).await
            {
                report.notes.push(note.to_string());
            }
            report.removed = removed;
            finish(&args, &report);
            removal_failure(result, older.len(), None)
        }
        None => {
            // Run 1 (or both at once with --remove-old).
            let months = open.months(args.secret_months)?;
            let (secret, hand_over) = open
                .create_secret(tenant, months, args.description.as_deref())
                .await?;
            let mut hand_over = Some(hand_over);
            say(&format!(
                "Created a new client secret (key ID {}).",
                secret.key_id
            ));
            if let Err(note) = open.save(tenant, Some(&secret), &[]).await {
                report.notes.push(note.to_string());
            }
            report.notes.extend(validate::long_secret_note(months));
            let key_id = secret.key_id.clone();
            if !report.previous.is_empty() {
                report.remove_command = Some(remove_command(connection, &args, &app, &key_id));
            }
            if !args.json {
                print_secret(&report, &secret);
                SecretHandOver::printed_from(&mut hand_over);
            }
            say(
                "Checking that the new secret works (a token from Entra ID; a new secret can take a minute)…",
            );
            let http = exowiz::auth::http_client().map_err(|e| {
                Failure::new(Exit::Other, format!("No HTTP client could be set up: {e}"))
            })?;
            let expected = report
                .expected
                .as_ref()
                .map(|e| e.permissions.clone())
                .unwrap_or_default();
            let target = jobs::verify::Target {
                http: &http,
                endpoints,
                tenant_id,
                client_id: &app.app_id,
                patience: Duration::from_secs(args.verify_timeout),
            };
            let proof = jobs::verify::Proof {
                secret: &secret.secret_text,
                apis: rotate::apis_for(&app, &expected),
                expected: &expected,
                ews: open.ews(&expected, mailbox.clone()),
            };
            let on_event = |jobs::verify::Event::ProbingEws| {
                say("Opening the mailbox through EWS with the new secret…")
            };
            let proved = jobs::verify::run(&target, proof, &on_event).await;
            report.secret = Some(secret);
            report.verified = Some(proved.roles.clone().map_err(|e| e.to_string()));
            let verified = match proved.roles {
                Ok(roles) => roles,
                Err(e) => {
                    finish(&args, &report);
                    if args.json {
                        SecretHandOver::printed_from(&mut hand_over);
                    }
                    open.close();
                    return Err(Failure::new(
                        Exit::Verify,
                        verify_failed(&report, &key_id, &e.to_string()),
                    ));
                }
            };
            if report.expected.is_some() {
                report.missing_roles = Some(proved.missing.clone());
            }
            report.ews = proved.ews;
            if !args.json {
                print_roles(&verified);
                print_comparison(&report);
                verify_output::print_ews(report.ews.as_ref());
            }
            // The probe of the saved mailbox is reported (a line, `verify.ews`); it decides the
            // exit code (8) only when the admin named the mailbox: a rotation right after the
            // registration meets an app Exchange has not allowed yet (up to 24 hours), and a
            // scheduled rotation whose secret works must not fail for that.
            let ews_failed = args
                .mailbox
                .is_some()
                .then(|| verify_output::ews_failure(report.ews.as_ref(), "The new secret was made"))
                .flatten();
            let older: Vec<String> = report.previous.iter().map(|s| s.key_id.clone()).collect();
            if args.remove_old && !older.is_empty() {
                let result = remove(tenant, &mut open, &key_id, &older, &report, &say).await;
                let removed = result.removed.clone();
                if let Err(note) = open.save(tenant, report.secret.as_ref(), &removed).await {
                    report.notes.push(note.to_string());
                }
                if removed.len() == older.len() {
                    // Nothing is left to remove later.
                    report.remove_command = None;
                }
                report.removed = removed;
                finish(&args, &report);
                if args.json {
                    SecretHandOver::printed_from(&mut hand_over);
                }
                removal_failure(result, older.len(), report.remove_command.as_deref())
                    .and_then(|()| ews_failed.map_or(Ok(()), Err))
            } else {
                finish(&args, &report);
                if args.json {
                    SecretHandOver::printed_from(&mut hand_over);
                }
                ews_failed.map_or(Ok(()), Err)
            }
        }
    };
    open.close();
    result
}

/// What to say when the new secret gave no token: nothing was removed, and what to do next.
fn verify_failed(r: &Report, key_id: &str, sentence: &str) -> String {
    let mut text = format!(
        "The new secret {key_id} was created, but Entra ID gave no token for it: {sentence} Nothing was removed"
    );
    match &r.remove_command {
        Some(cmd) => text.push_str(&format!(
            "; the older secret(s) still work. If Entra ID is only slow, the new secret works within minutes: enter it in the product, and once the product signs in with it, remove the older ones with: {cmd}"
        )),
        None => text.push('.'),
    }
    text.push_str(
        " A new secret that never works can be deleted in the Entra admin center (App registrations → Certificates & secrets).",
    );
    text
}

/// Removes `older` (never `protected`), saying each on stderr. A refusal of the plan comes
/// back as `RemoveError::Refused` with nothing removed.
async fn remove(
    tenant: Tenant<'_>,
    open: &mut jobs::rotate::OpenApp,
    protected: &str,
    older: &[String],
    report: &Report,
    say: &impl Fn(&str),
) -> RemoveResult {
    if older.is_empty() {
        return RemoveResult::default();
    }
    match open.remove_secrets(tenant, protected, older).await {
        Ok(removal) => {
            for key in &removal.removed {
                let label = report
                    .previous
                    .iter()
                    .find(|s| &s.key_id == key)
                    .map(|s| s.label().to_string())
                    .unwrap_or_default();
                say(&format!("Removed the secret {key} ({label})."));
            }
            RemoveResult {
                removed: removal.removed,
                error: removal
                    .error
                    .map(|(key, e)| RemoveError::Failed(key, e.into())),
            }
        }
        Err(JobError::Input(text)) => RemoveResult {
            removed: Vec::new(),
            error: Some(RemoveError::Refused(text)),
        },
        Err(e) => RemoveResult {
            removed: Vec::new(),
            error: Some(RemoveError::Failed(String::new(), e)),
        },
    }
}

#[derive(Default)]
struct RemoveResult {
    removed: Vec<String>,
    error: Option<RemoveError>,
}

enum RemoveError {
    Refused(String),
    /// Removing this key (empty: before any) failed.
    Failed(String, JobError),
}

fn removal_failure(
    result: RemoveResult,
    wanted: usize,
    again: Option<&str>,
) -> Result<(), Failure> {
    match result.error {
        None => Ok(()),
        Some(RemoveError::Refused(text)) => Err(Failure::new(Exit::Input, text)),
        Some(RemoveError::Failed(key, e)) => {
            let e = e.sentence();
            let again = again
                .map(|c| format!(" Remove the rest later with: {c}"))
                .unwrap_or_else(|| " Run the same command again to remove the rest.".into());
            Err(Failure::new(
                Exit::Graph,
                format!(
                    "Removed {} of {wanted} older secret(s); removing {key} failed: {e}{again}",
                    result.removed.len()
                ),
            ))
        }
    }
}

/// The command that later removes every secret but `key_id`, with the flags that chose the
/// tenant and cloud of this run.
fn remove_command(
    connection: &Connection,
    args: &RotateArgs,
    app: &Application,
    key_id: &str,
) -> String {
    let cmd = format!(
        "exowiz rotate --app-id {} --remove-old --keep {key_id}",
        app.app_id
    );
    with_connection_flags(cmd, connection, args)
}

/// The command that grants missing consent again (and repairs the rest of the app).
fn check_command(connection: &Connection, args: &RotateArgs, app: &Application) -> String {
    let cmd = format!("exowiz check --app-id {} --fix all", app.app_id);
    with_connection_flags(cmd, connection, args)
}

/// `cmd` with the flags that chose the tenant and cloud of this run.
fn with_connection_flags(mut cmd: String, connection: &Connection, args: &RotateArgs) -> String {
    if args.demo {
        cmd.push_str(" --demo");
    }
    if let Some(tenant) = &connection.tenant {
        cmd.push_str(&format!(" --tenant {tenant}"));
    }
    match connection.cloud {
        Cloud::Global => {}
        Cloud::Usgov => cmd.push_str(" --cloud usgov"),
        Cloud::China => cmd.push_str(" --cloud china"),
    }
    cmd
}

fn app_name(app: &Application) -> &str {
    app.display_name.as_deref().unwrap_or(&app.app_id)
}

fn date(d: Option<DateTime<Utc>>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "-".into())
}

fn print_secrets(r: &Report, warn_days: u32) {
    safe_println!();
    safe_println!(
        "{} (client ID {}) in tenant {}",
        app_name(&r.app),
        r.app.app_id,
        r.tenant_id
    );
    if r.previous.is_empty() {
        safe_println!("The app has no client secret yet.");
        return;
    }
    safe_println!("Client secrets, newest first:");
    safe_println!(
        "  {:<36}  {:<10}  {:<10}  {:>9}  {:<7}  {:<4}  DESCRIPTION",
        "KEY ID",
        "CREATED",
        "EXPIRES",
        "DAYS LEFT",
        "",
        "HINT"
    );
    for s in &r.previous {
        let state = if s.expired {
            "EXPIRED"
        } else if s.due {
            "DUE"
        } else {
            ""
        };
        safe_println!(
            "  {:<36}  {:<10}  {:<10}  {:>9}  {state:<7}  {:<4}  {}",
            s.key_id,
            date(s.start),
            date(s.end),
            s.days_left.map(|d| d.to_string()).unwrap_or_default(),
            s.hint.as_deref().unwrap_or("-"),
            s.label(),
        );
    }
    let due = r.previous.iter().filter(|s| s.due).count();
    if due > 0 {
        safe_println!(
            "{due} secret(s) due: expired or expiring within {warn_days} days (the connector stops signing in on the expiry date)."
        );
    }
}

fn fields(r: &Report) -> ProductFields {
    r.profile
        .as_ref()
        .map(|p| p.fields.clone())
        .unwrap_or_else(|| ProductFields {
            tenant_id: Some("Tenant ID".into()),
            client_id: "Client ID".into(),
            client_secret: "Client secret".into(),
            mailbox: None,
            domain: None,
            location: "the product's Exchange Online / Microsoft 365 settings".into(),
            location_de: None,
        })
}

fn print_secret(r: &Report, secret: &NewSecret) {
    let fields = fields(r);
    safe_println!();
    safe_println!("New secret — paste into {}:", fields.location);
    match &fields.tenant_id {
        Some(label) => safe_println!("  {label:<28} {}", r.tenant_id),
        None => safe_println!(
            "  {:<28} {}  (the product does not ask for it)",
            "Tenant ID",
            r.tenant_id
        ),
    }
    safe_println!("  {:<28} {}", fields.client_id, r.app.app_id);
    safe_println!(
        "  {:<28} {}",
        fields.client_secret,
        secret.secret_text.expose_secret()
    );
    safe_println!("  {:<28} {}", "Secret expires", date(secret.end));
    safe_println!("  {:<28} {}", "Key ID", secret.key_id);
    if let Some(profile) = &r.profile {
        super::hand_over::print_text(profile, &hand_over_values(r));
    }
    safe_println!("\nThe secret is shown only now; exowiz does not keep it.");
}

/// What rotate knows of the product's fields: the IDs (a rotation names no mailbox or domain;
/// those fields say what to keep in the product).
fn hand_over_values(r: &Report) -> exowiz::profile::HandOverValues<'_> {
    exowiz::profile::HandOverValues {
        tenant_id: &r.tenant_id,
        client_id: &r.app.app_id,
        ..Default::default()
    }
}

fn print_roles(roles: &[ApiRoles]) {
    safe_println!("\nVerified: Entra ID issued a token for the new secret.");
    for r in roles {
        let list = if r.roles.is_empty() {
            "no application permissions granted".to_string()
        } else {
            r.roles.join(", ")
        };
        safe_println!("  {:<28} {list}", r.api.display_name());
    }
}

/// Whose application permissions the token was compared with, as the end of a sentence.
fn whose(expected: &Expected) -> String {
    if expected.custom {
        "the app requests".to_string()
    } else {
        format!("the {} needs", expected.product)
    }
}

/// After the roles: the expected application permissions the token lacks (with the fix), or
/// that all of them are there. Missing consent does not fail the rotation: the secret works.
fn print_comparison(r: &Report) {
    let (Some(expected), Some(missing)) = (&r.expected, &r.missing_roles) else {
        return;
    };
    let n = expected.permissions.len();
    if !missing.is_empty() {
        safe_println!(
            "\nWarning: the token lacks {}, which {}: admin consent is missing. The new secret works; to grant consent again, run:\n  {}",
            missing.join(", "),
            whose(expected),
            r.check_command
        );
    } else if n == 0 {
        safe_println!(
            "Nothing to compare: {} no application permissions.",
            whose(expected)
        );
    } else if n == 1 {
        safe_println!(
            "The one application permission {} is in the token.",
            whose(expected)
        );
    } else {
        safe_println!(
            "All {n} application permissions {} are in the token.",
            whose(expected)
        );
    }
}

/// The end of a run: JSON, or the text about the older secrets and the notes.
/// The Exchange Online commands of the app's profile, with the enterprise app and the mailbox
/// the saved registration knows.
fn save_commands(
    commands: &SaveCommandsArgs,
    r: &Report,
    saved: Option<&exowiz::store::SavedRegistration>,
) -> Saved {
    if commands.save_commands.is_none() {
        return Saved::NotAsked;
    }
    let app_name = r.app.display_name.clone().unwrap_or_default();
    let list = r
        .profile
        .as_ref()
        .map(|p| {
            exowiz::exchange::for_profile(
                p,
                &r.app.app_id,
                saved.and_then(|s| s.service_principal_id.as_deref()),
                &app_name,
                saved.and_then(|s| s.mailbox.as_deref()),
            )
        })
        .unwrap_or_default();
    let header = exowiz::exchange::ScriptHeader {
        product: r
            .profile
            .as_ref()
            .map_or_else(|| r.profile_id.clone(), |p| p.product.clone()),
        app_name,
        client_id: r.app.app_id.clone(),
        tenant_id: Some(r.tenant_id.clone()),
    };
    commands.save(&header, &list)
}

fn finish(args: &RotateArgs, r: &Report) {
    if args.json {
        json_println!("{:#}", to_json(r));
        r.commands_saved.report(true);
        return;
    }
    let verified = matches!(r.verified, Some(Ok(_)));
    if !r.removed.is_empty() {
        safe_println!(
            "\nRemoved {} older secret(s): {}.",
            r.removed.len(),
            r.removed.join(", ")
        );
    } else if r.secret.is_some() && verified && !r.previous.is_empty() {
        safe_println!(
            "\nKept {} older secret(s): the product keeps working with them until the new secret is entered.",
            r.previous.len()
        );
        if let Some(cmd) = &r.remove_command {
            safe_println!(
                "After the product uses the new secret, remove the older ones (no new secret is made):\n  {cmd}"
            );
        }
    } else if r.secret.is_some() && verified {
        safe_println!("\nThe app had no other secret.");
    } else if r.secret.is_none() {
        safe_println!("\nNothing to remove: the app has only the secret it keeps.");
    }
    for n in &r.notes {
        safe_println!("\nNote: {n}");
    }
    r.commands_saved.report(false);
}

fn secret_json(s: &SecretInfo) -> Value {
    json!({
        "key_id": s.key_id,
        "display_name": s.display_name,
        "hint": s.hint,
        "start_date_time": s.start.map(rfc3339),
        "end_date_time": s.end.map(rfc3339),
        "days_left": s.days_left,
        "expired": s.expired,
        "due": s.due,
    })
}

fn rfc3339(d: DateTime<Utc>) -> String {
    d.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn to_json(r: &Report) -> Value {
    let fields = fields(r);
    let (verified, roles, error) = match &r.verified {
        None => (Value::Null, Vec::new(), None),
        Some(Ok(roles)) => (Value::Bool(true), roles.clone(), None),
        Some(Err(e)) => (Value::Bool(false), Vec::new(), Some(e.clone())),
    };
    json!({
        "tenant_id": r.tenant_id,
        "client_id": r.app.app_id,
        "commands_saved_to": r.commands_saved.json_path(),
        "app_object_id": r.app.id,
        "app_name": app_name(&r.app),
        "profile": r.profile_id,
        "secret": r.secret.as_ref().map(|s| json!({
            "value": s.secret_text.expose_secret(),
            "key_id": s.key_id,
            "hint": s.hint,
            "display_name": s.display_name,
            "end_date_time": s.end.map(rfc3339),
        })),
        "previous_secrets": r.previous.iter().map(secret_json).collect::<Vec<_>>(),
        "removed": r.removed,
        "verified": verified,
        "verify_error": error,
        "roles": roles.iter().map(|a| json!({
            "api": a.api,
            "resource": a.api.display_name(),
            "roles": a.roles,
        })).collect::<Vec<_>>(),
        "compared_with": r.expected.as_ref().map(|e| json!({
            "profile": e.profile_id,
            "product": e.product,
            "mode": e.mode,
            "custom": e.custom,
            "permissions": e.permissions.iter().map(|p| json!({
                "api": p.api,
                "name": p.name,
            })).collect::<Vec<_>>(),
        })),
        "missing_roles": r.missing_roles,
        "verify": r.verified.as_ref().map(|v| json!({
            "ok": v.is_ok(),
            "ews": verify_output::ews_json(r.ews.as_ref()),
        })),
        "check_command": r.missing_roles.as_ref().filter(|m| !m.is_empty()).map(|_| &r.check_command),
        "remove_command": r.remove_command,
        "product_fields": match &r.profile {
            Some(profile) => super::hand_over::to_json(
                profile,
                &hand_over_values(r),
                r.secret.as_ref().map(|s| s.secret_text.expose_secret()).unwrap_or_default(),
            ),
            None => json!({
                "tenant_id": fields.tenant_id,
                "client_id": fields.client_id,
                "client_secret": fields.client_secret,
                "where": fields.location,
            }),
        },
        "notes": r.notes,
    })
}
