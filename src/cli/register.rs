//! `exowiz register`: the whole registration without screens.

use super::save_commands::{SaveCommandsArgs, Saved};
use super::session::Session;
use super::wait_consent::{self, WaitConsentArgs, Waited};
use super::{Connection, Exit, Failure, hand_over, verify_output as verify};
use exowiz::exchange::ScriptHeader;
use exowiz::graph::GraphClient;
use exowiz::jobs::{self, SecretHandOver};
use exowiz::profile::{self, InstallMode, Permission};
use exowiz::register::{RegisterEvent, RegisterOutcome, RegisterRequest, validate};
use exowiz::store::journal;
use secrecy::ExposeSecret;
use serde_json::json;

#[derive(Debug, clap::Args)]
pub struct RegisterArgs {
    /// Connector profile: officemaster, myfactory, flowfact, moveit, bueroware or custom.
    #[arg(long)]
    pub profile: String,
    /// Installation type; hybrid leaves out the cloud address-book permissions.
    #[arg(long, value_enum, default_value = "cloud-only")]
    pub mode: InstallMode,
    /// Transfer / sender mailbox; it must exist in the tenant.
    #[arg(long)]
    pub mailbox: Option<String>,
    /// Transfer domain as TYPE=NAME (fax, sms, vox); repeatable.
    #[arg(long = "domain", value_name = "TYPE=NAME")]
    pub domains: Vec<String>,
    /// The mail domain the product asks for (BüroWARE's „Domain / Bezeichnung“): one of the
    /// tenant's verified domains (default: the tenant's default domain).
    #[arg(long)]
    pub mail_domain: Option<String>,
    /// Display name of the app (default: the profile's).
    #[arg(long)]
    pub app_name: Option<String>,
    /// Secret lifetime in months, 1 to 60 (default: the profile's; more than 24 only where the tenant's app-management policy allows it).
    #[arg(long)]
    pub secret_months: Option<u32>,
    /// Grant admin consent from exowiz (otherwise the consent link is printed).
    #[arg(long)]
    pub grant_consent: bool,
    /// Complete this existing app (client ID) instead of finding or creating one.
    #[arg(long)]
    pub app_id: Option<String>,
    /// Extra permission as API:NAME:TYPE, e.g. graph:Mail.Send:application; repeatable.
    #[arg(long = "permission", value_name = "API:NAME:TYPE")]
    pub permissions: Vec<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub commands: SaveCommandsArgs,
    #[command(flatten)]
    pub wait: WaitConsentArgs,
    /// Register on the built-in demo tenant (started here, state kept in the data directory).
    #[arg(long)]
    pub demo: bool,
    /// After consent, verify the secret: an app-only token and its roles and, for the EWS
    /// profiles, an EWS call that opens the inbox of --mailbox.
    #[arg(long)]
    pub verify: bool,
    /// With --verify: how long to keep trying while Entra ID makes the new secret usable.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 60,
        requires = "verify"
    )]
    pub verify_timeout: u64,
}

pub async fn run(connection: &Connection, args: RegisterArgs) -> Result<(), Failure> {
    let request = request_from(&args)?;
    args.commands.check()?;
    let session = Session::open(connection, args.demo).await?;
    let (tenant, graph, endpoints, store) = (
        session.tenant(),
        &session.graph,
        &session.endpoints,
        session.store.as_ref(),
    );
    let tenant_id = &session.tenant_id;
    // Said before anything changes, once the engine has looked for the interrupted run's app
    // (in its first round trip): that this run continues it, or that its app was deleted
    // meanwhile and a new one is registered (issue 10.10). On stderr, also with --json, where
    // the notes tell it again. A script cannot answer a question, and continuing is the only
    // safe course: a fresh start would leave a second app.
    let interrupted = match jobs::register::interrupted(tenant, &request.profile.id).await {
        Ok(run) => run,
        Err(e) => {
            tracing::warn!(error = %e, "journal not readable");
            None
        }
    };
    if let Some(store) = &store {
        // A damaged journal of this registration (issue 14.7): this run recovers what it can
        // read; what it cannot is named, with the app to check.
        let own = journal::path_for(
            store.dir(),
            tenant_id,
            &request.profile.id,
            endpoints.graph.as_str(),
        );
        for d in exowiz::store::journal_salvage::damaged_journals(store.dir()).unwrap_or_default() {
            if d.path == own && d.salvaged.knows_something() {
                safe_eprintln!(
                    "{}",
                    exowiz::i18n::tf(
                        "journal.damaged_recovered",
                        &[("app", &d.salvaged.app_to_check())]
                    )
                );
            } else if d.path == own || d.path == own.with_extension("damaged") {
                safe_eprintln!("{}", d.describe());
            }
        }
    }
    let quiet = args.json;
    let on_event = move |event: RegisterEvent| {
        if let RegisterEvent::Resuming { app_gone } = event {
            if let Some(run) = &interrupted {
                safe_eprintln!("{}", resuming(run, app_gone));
            }
            return;
        }
        if !quiet {
            safe_eprintln!("{}", describe(&event));
        }
    };
    let jobs::register::Registered {
        mut outcome,
        hand_over,
    } = jobs::register::run(tenant, &request, &on_event).await?;
    let mut hand_over = Some(hand_over);
    journal::test_abort_point("completed");
    // Consent missing: the printed link is the listener's, so that exowiz learns the answer
    // at once when the admin opens it here (issue 9.2).
    let wait = !outcome.all_granted() && args.wait.wanted(args.json);
    let mut waited = Ok(());
    if wait {
        // From here Ctrl+C means "stop waiting for consent" (exit 5 with its sentence), also
        // when pressed the moment the link appears.
        let ctrl_c = super::interrupt::HandledInside::claim();
        let listener =
            jobs::consent::listener_or_poll_only(endpoints, &outcome.tenant_id, &outcome.client_id)
                .await;
        if let Some(l) = &listener {
            outcome.consent_url = l.consent_url().to_string();
        }
        // In text the secret is out before the wait: Ctrl+C then loses nothing.
        if !args.json {
            print_text(&outcome, &request);
            SecretHandOver::printed_from(&mut hand_over);
        }
        waited = wait_for_grants(graph, endpoints, &mut outcome, listener, &args, &ctrl_c).await;
    }
    let verified = if args.verify && waited.is_ok() {
        if !args.json {
            safe_eprintln!(
                "Verifying the secret (a token from Entra ID; a new secret can take a minute)…"
            );
        }
        Some(verify::run(endpoints, &outcome, &request, args.verify_timeout).await?)
    } else {
        None
    };
    let saved = args.commands.save(
        &ScriptHeader {
            product: request.profile.product.clone(),
            app_name: outcome.app_name.clone(),
            client_id: outcome.client_id.clone(),
            tenant_id: Some(outcome.tenant_id.clone()),
        },
        &outcome.exchange_commands,
    );
    if args.json {
        let mut out = to_json(&outcome, &request, &saved);
        out["verify"] = verified.as_ref().map(verify::to_json).unwrap_or_default();
        json_println!("{out}");
    } else {
        if !wait {
            print_text(&outcome, &request);
        }
        if let Some(v) = &verified {
            verify::print_text(v);
        }
    }
    saved.report(args.json);
    SecretHandOver::printed_from(&mut hand_over);
    waited?;
    if request.grant_consent && !outcome.all_granted() {
        return Err(Failure::new(
            Exit::ConsentIncomplete,
            "The app is registered, but not every permission could be granted: see the notes above and open the consent link as an administrator who may grant them.",
        ));
    }
    match verified.map(verify::failure) {
        Some(Some(failure)) => Err(failure),
        _ => Ok(()),
    }
}

/// Waits for the admin's consent (see `wait_consent`); the grants end up in `outcome`.
/// Ctrl+C is `ConsentIncomplete`, said once everything else is printed.
async fn wait_for_grants(
    graph: &GraphClient,
    endpoints: &exowiz::endpoints::Endpoints,
    outcome: &mut RegisterOutcome,
    listener: Option<exowiz::auth::ConsentListener>,
    args: &RegisterArgs,
    ctrl_c: &super::interrupt::HandledInside,
) -> Result<(), Failure> {
    let target = jobs::consent::ConsentTarget {
        graph,
        endpoints,
        tenant_id: &outcome.tenant_id,
        client_id: &outcome.client_id,
        service_principal_id: &outcome.service_principal_id,
        permissions: &outcome.permissions,
    };
    match wait_consent::wait(&target, listener, &args.wait, args.json, ctrl_c).await {
        Waited::Granted(list) => {
            outcome.permissions = list;
            if !args.json {
                safe_println!(
                    "
Admin consent is granted for every permission."
                );
            }
            Ok(())
        }
        Waited::Stopped => Err(Failure::new(
            Exit::ConsentIncomplete,
            format!(
                "Stopped waiting for admin consent. The app is registered; grant consent later with the link above, then see the result with: exowiz check --app-id {}",
                outcome.client_id
            ),
        )),
        Waited::Failed(e) => Err(Failure::new(Exit::Graph, e.sentence())),
    }
}

fn request_from(args: &RegisterArgs) -> Result<RegisterRequest, Failure> {
    let input = |text: String| Failure::new(Exit::Input, text);
    let extra = args
        .permissions
        .iter()
        .map(|spec| Permission::parse_spec(spec))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| input(e.to_string()))?;
    let profile = profile::by_id(&args.profile)
        .map_err(|e| input(e.to_string()))?
        .with_extra_permissions(extra);
    let mailbox = args
        .mailbox
        .as_deref()
        .map(validate::mailbox)
        .transpose()
        .map_err(|e| input(e.to_string()))?;
    let transfer_domains = args
        .domains
        .iter()
        .map(|d| validate::transfer_domain_arg(d))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| input(e.to_string()))?;
    let request = RegisterRequest {
        mode: args.mode,
        mailbox,
        transfer_domains,
        mail_domain: args.mail_domain.clone(),
        app_name: args
            .app_name
            .clone()
            .unwrap_or_else(|| profile.default_app_name.clone()),
        secret_months: args.secret_months.unwrap_or(profile.secret_months),
        grant_consent: args.grant_consent,
        app_id: args.app_id.clone(),
        profile,
    };
    request.check().map_err(|e| input(e.to_string()))?;
    Ok(request)
}

/// What becomes of the interrupted run `run`: continued, or (its app deleted meanwhile) not.
fn resuming(run: &journal::InterruptedRun, app_gone: bool) -> String {
    if !app_gone {
        return run.describe();
    }
    exowiz::i18n::tf(
        "register.interrupted_app_gone",
        &[
            ("name", &run.app_name),
            ("client_id", run.client_id.as_deref().unwrap_or_default()),
            (
                "when",
                &run.started.format("%Y-%m-%d %H:%M UTC").to_string(),
            ),
        ],
    )
}

fn describe(event: &RegisterEvent) -> String {
    match event {
        RegisterEvent::CheckingTenant => "Reading the tenant…".into(),
        RegisterEvent::AppFound { client_id } => {
            format!("Found the existing app {client_id}; completing it.")
        }
        RegisterEvent::AppCreated { client_id } => format!("Created the app {client_id}."),
        RegisterEvent::AppUpdated => {
            "Brought the app's permissions and redirect URIs up to the profile.".into()
        }
        RegisterEvent::SecretCreated => "Created a client secret.".into(),
        RegisterEvent::ServicePrincipalReady { created: true } => {
            "Created the service principal (enterprise app).".into()
        }
        RegisterEvent::ServicePrincipalReady { created: false } => {
            "The service principal (enterprise app) exists.".into()
        }
        RegisterEvent::Granting { count } => format!("Granting {count} permission(s)…"),
        RegisterEvent::GrantsChecked { granted, total } => {
            format!("{granted} of {total} permissions granted.")
        }
        RegisterEvent::Resuming { .. } => String::new(),
    }
}

fn to_json(o: &RegisterOutcome, request: &RegisterRequest, saved: &Saved) -> serde_json::Value {
    json!({
        "tenant_id": o.tenant_id,
        "tenant_name": o.tenant_name,
        "client_id": o.client_id,
        "app_object_id": o.app_object_id,
        "app_name": o.app_name,
        "service_principal_id": o.service_principal_id,
        "created_app": o.created_app,
        "secret": {
            "value": o.secret.secret_text.expose_secret(),
            "key_id": o.secret.key_id,
            "hint": o.secret.hint,
            "end_date_time": o.secret_end.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        },
        "consent_url": o.consent_url,
        "permissions": o.permissions.iter().map(|p| json!({
            "api": p.api,
            "name": p.name,
            "type": p.kind.as_str(),
            "id": p.id,
            "granted": p.granted,
        })).collect::<Vec<_>>(),
        "mailbox": o.mailbox,
        "mailbox_check": o.mailbox_check,
        "transfer_domains": o.transfer_domains.iter().map(|(k, n)| json!({"type": k, "name": n})).collect::<Vec<_>>(),
        "mail_domain": o.mail_domain,
        "product_fields": hand_over::to_json(
            &request.profile,
            &o.hand_over_values(),
            o.secret.secret_text.expose_secret(),
        ),
        "exchange_commands": o.exchange_commands,
        "commands_saved_to": saved.json_path(),
        "notes": o.notes,
    })
}

fn print_text(o: &RegisterOutcome, request: &RegisterRequest) {
    let fields = &request.profile.fields;
    let end = o.secret_end.format("%Y-%m-%d");
    safe_println!();
    safe_println!(
        "{} in {} — paste into {}:",
        o.app_name,
        o.tenant_name,
        fields.location
    );
    if let Some(tenant_field) = &fields.tenant_id {
        safe_println!("  {:<28} {}", tenant_field, o.tenant_id);
    } else {
        safe_println!(
            "  {:<28} {}  (the product does not ask for it)",
            "Tenant ID",
            o.tenant_id
        );
    }
    safe_println!("  {:<28} {}", fields.client_id, o.client_id);
    safe_println!(
        "  {:<28} {}",
        fields.client_secret,
        o.secret.secret_text.expose_secret()
    );
    safe_println!(
        "  {:<28} {end}  (renew before then: exowiz register again, or rotate)",
        "Secret expires"
    );
    hand_over::print_text(&request.profile, &o.hand_over_values());
    if let Some(check) = &o.mailbox_check {
        safe_println!("  {:<28} {}", "Mailbox check", check.detail);
    }
    safe_println!("\nThe secret is shown only now; exowiz does not keep it.\n");
    safe_println!("Permissions:");
    for p in &o.permissions {
        let state = if p.granted { "granted" } else { "NOT granted" };
        safe_println!(
            "  {:<27} {:<24} {:<12} {state}",
            p.api.display_name(),
            p.name,
            p.kind.as_str()
        );
    }
    if !o.all_granted() {
        safe_println!(
            "\nAdmin consent: open this link as a Global or Privileged Role Administrator:\n  {}",
            o.consent_url
        );
    }
    for n in &o.notes {
        safe_println!("\nNote: {n}");
    }
    if !o.exchange_commands.is_empty() {
        safe_println!("\nIn Exchange Online PowerShell (Connect-ExchangeOnline):");
        for c in &o.exchange_commands {
            safe_println!("\n  # {}", c.purpose);
            for note in &c.notes {
                safe_println!("  #   {note}");
            }
            for line in c.command.lines() {
                safe_println!("  {line}");
            }
        }
    }
}
