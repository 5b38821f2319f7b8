//! `exowiz check`: compare an existing registration with its connector profile, list what is
//! wrong (numbered; fixable findings show "[fix N]"), repair the selected findings with
//! `--fix`, and save the registration so that `exowiz status` knows it — also when another
//! tool made the app.
//!
//! Exit codes: 0 everything as the profile wants, 1 warnings only, 2 bad input (unknown app,
//! profile or fix number), 3 sign-in, 4 Graph, 7 problems remain (`Exit::Drift`).

use super::save_commands::{SaveCommandsArgs, Saved};
use super::session::Session;
use super::{Connection, Exit, Failure};
use exowiz::check::{Applied, CheckRequest, Fix, FixSelection, Report, Severity};
use exowiz::jobs;
use exowiz::profile::{self, InstallMode};
use exowiz::store::Store;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Client ID (Application ID) of the app to check.
    #[arg(long)]
    pub app_id: String,
    /// Compare with this connector profile (default: the saved registration's, else guessed
    /// from the app's name and permissions, else custom: the app's own permissions).
    #[arg(long)]
    pub profile: Option<String>,
    /// Installation type (default: inferred from the app's permissions).
    #[arg(long, value_enum)]
    pub mode: Option<InstallMode>,
    /// Repair findings: all, or the numbers shown as [fix N], e.g. 1,3. Permissions and
    /// redirect URIs are only added; nothing an admin added is removed.
    #[arg(long, value_name = "all|N[,N...]")]
    pub fix: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub commands: SaveCommandsArgs,
    /// Check an app on the built-in demo tenant (started here, state kept in the data directory).
    #[arg(long)]
    pub demo: bool,
}

/// Returns the exit code to end with (0, 1 or 7); other outcomes are failures.
pub async fn run(connection: &Connection, args: CheckArgs) -> Result<u8, Failure> {
    let input = |text: String| Failure::new(Exit::Input, text);
    // Everything typed is checked before sign-in.
    let app_id = args.app_id.trim().to_string();
    if uuid::Uuid::parse_str(&app_id).is_err() {
        return Err(input(format!(
            "'{app_id}' is not a client ID. It is a GUID such as 8f2c1a3e-5b7d-4e6f-9a0b-1c2d3e4f5a6b (Entra admin center > App registrations > Application (client) ID)."
        )));
    }
    let given_profile = args
        .profile
        .as_deref()
        .map(profile::by_id)
        .transpose()
        .map_err(|e| input(e.to_string()))?;
    let selection = args
        .fix
        .as_deref()
        .map(FixSelection::parse)
        .transpose()
        .map_err(|e| input(e.to_string()))?;
    args.commands.check()?;

    let session = Session::open(connection, args.demo).await?;
    let (tenant, store) = (session.tenant(), session.store.as_ref());
    let request = CheckRequest {
        app_id,
        profile: given_profile,
        mode: args.mode,
    };
    let (report, mut saved) = jobs::check::run(tenant, &request).await?;

    let applied = match &selection {
        Some(selection) => {
            let ids = selection.ids(&report).map_err(|e| input(e.to_string()))?;
            if ids.is_empty() {
                None
            } else {
                let (applied, saved_after) = jobs::check::apply(tenant, &report, &ids).await?;
                saved = saved_after;
                Some(applied)
            }
        }
        None => None,
    };
    let last = applied.as_ref().map_or(&report, |a| &a.report);

    let saved_commands = save_commands(&args.commands, store, last);
    let save_note = match saved {
        jobs::check::Saved::In(path) => Ok(path),
        jobs::check::Saved::Not(note) => Err(note),
    };
    if args.json {
        let mut json = report.to_json();
        if let Some(a) = &applied {
            json["applied"] = serde_json::json!(
                a.results
                    .iter()
                    .map(|r| match &r.outcome {
                        Ok(text) =>
                            serde_json::json!({"fix_id": r.fix_id, "done": true, "text": text}),
                        Err(text) =>
                            serde_json::json!({"fix_id": r.fix_id, "done": false, "text": text}),
                    })
                    .collect::<Vec<_>>()
            );
            json["after"] = a.report.to_json();
        }
        // The product's fields for the profile checked against (no secret: check makes none).
        json["product_fields"] =
            super::hand_over::to_json(&last.profile, &hand_over_values(last), "");
        json["saved"] = serde_json::json!(save_note.is_ok());
        json["commands_saved_to"] = saved_commands.json_path();
        json_println!("{json:#}");
        if let Err(note) = save_note {
            safe_eprintln!("{note}");
        }
        saved_commands.report(true);
    } else {
        print_report(&report);
        if !last.profile.product_fields.is_empty() {
            safe_println!(
                "\nIn the {} ({}):",
                last.profile.product,
                last.profile.fields.location
            );
            super::hand_over::print_text(&last.profile, &hand_over_values(last));
        }
        if selection.is_some() && applied.is_none() {
            safe_println!("\nNothing to fix.");
        }
        if let Some(a) = &applied {
            print_applied(a);
            safe_println!();
            print_report(&a.report);
        }
        print_summary(last, applied.is_some());
        match save_note {
            Ok(path) => safe_println!("\nSaved for exowiz status ({path})."),
            Err(note) => safe_eprintln!("\n{note}"),
        }
        saved_commands.report(false);
    }
    Ok(exit_code(last.severity()))
}

/// The Exchange Online commands of the profile the app was checked against, with its enterprise
/// app and the mailbox the saved registration knows.
fn save_commands(commands: &SaveCommandsArgs, store: Option<&Store>, r: &Report) -> Saved {
    if commands.save_commands.is_none() {
        return Saved::NotAsked;
    }
    let mailbox = store
        .and_then(|s| s.by_client_id(&r.tenant_id, &r.app.app_id).ok().flatten())
        .and_then(|s| s.mailbox);
    let list = exowiz::exchange::for_profile(
        &r.profile,
        &r.app.app_id,
        r.service_principal.as_ref().map(|sp| sp.id.as_str()),
        &r.app_name(),
        mailbox.as_deref(),
    );
    let header = exowiz::exchange::ScriptHeader {
        product: r.profile.product.clone(),
        app_name: r.app_name(),
        client_id: r.app.app_id.clone(),
        tenant_id: Some(r.tenant_id.clone()),
    };
    commands.save(&header, &list)
}

/// 0 all OK, 1 warnings only, 7 problems remain.
fn exit_code(severity: Severity) -> u8 {
    match severity {
        Severity::Ok => 0,
        Severity::Warning => 1,
        Severity::Problem => Exit::Drift as u8,
    }
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Ok => "ok",
        Severity::Warning => "WARNING",
        Severity::Problem => "PROBLEM",
    }
}

fn print_report(r: &Report) {
    safe_println!(
        "{} (client ID {}) in {}:",
        r.app_name(),
        r.app.app_id,
        r.tenant_name
    );
    for (i, f) in r.findings.iter().enumerate() {
        let mut line = format!("{:>3}. {:<8} {}", i + 1, severity_word(f.severity), f.text);
        if let Some(id) = f.fix_id {
            line.push_str(&format!(" [fix {id}]"));
        }
        safe_println!("{line}");
        if let Some(Fix::RotateSecret { command }) = &f.fix {
            safe_println!("{:14}→ {command}", "");
        }
    }
}

fn print_applied(a: &Applied) {
    safe_println!();
    for r in &a.results {
        match &r.outcome {
            Ok(text) => safe_println!("fix {}: {text}", r.fix_id),
            Err(text) => safe_println!("fix {}: FAILED — {text}", r.fix_id),
        }
    }
    safe_println!("\nChecked again after the fixes:");
}

fn print_summary(r: &Report, after_fixes: bool) {
    let (problems, warnings) = (r.count(Severity::Problem), r.count(Severity::Warning));
    safe_println!();
    if problems + warnings == 0 {
        safe_println!("Everything is as the {} profile wants.", r.profile_id);
        return;
    }
    safe_println!("{problems} problem(s), {warnings} warning(s).");
    let fixes: Vec<String> = r.fixes().iter().map(|(id, _)| id.to_string()).collect();
    if !fixes.is_empty() {
        safe_println!(
            "exowiz can fix {} of them: exowiz check --app-id {} --fix all (or --fix {}).",
            fixes.len(),
            r.app.app_id,
            fixes.join(",")
        );
        if after_fixes {
            safe_println!(
                "Entra can take a few minutes to show a change everywhere: if a fix above was done but its finding remains, check again later."
            );
        }
    }
    if r.permissions.iter().any(|p| !p.granted) {
        safe_println!(
            "Or grant consent as a Global or Privileged Role Administrator with this link:\n  {}",
            r.consent_url
        );
    }
}

/// What check knows of the product's fields: the tenant and client IDs.
fn hand_over_values(r: &Report) -> exowiz::profile::HandOverValues<'_> {
    exowiz::profile::HandOverValues {
        tenant_id: &r.tenant_id,
        client_id: &r.app.app_id,
        ..Default::default()
    }
}
