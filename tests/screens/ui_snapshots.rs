//! Screen snapshots: every step at 80×24 (the smallest supported terminal) and 120×40, plus the
//! phases and popups an admin meets. States are built directly (no update logic), with fixed
//! IDs, a fake secret and fixed dates; times are shown at UTC+1 whatever the machine's zone.
//!
//! Write them with `INSTA_UPDATE=always cargo test --test screens ui_snapshots::`, read the .snap files,
//! then run again without it.

use crate::support::manual_fields;
use crate::support::ui_fixtures;

use chrono::{DateTime, FixedOffset, Utc};
use exowiz::exchange::ews;
use exowiz::graph::{GraphWait, MailboxState, Operation};
use exowiz::profile::Api;
use exowiz::ui;
use exowiz::wizard::state::{
    AccountsChoice, AccountsFocus, AppSummary, Check, ClipboardNotice, ClipboardVia, ComparedWith,
    DoneFocus, GraphWaitNotice, ItemState, Popup, ReviewChoice, SignInPhase, Status, StatusKind,
    VerifyReport, VerifyState,
};
use exowiz::wizard::text_field::TextField;
use exowiz::wizard::{Step, WizardState};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;
use ui_fixtures::*;

/// The shared state at `step`, with what only the English snapshots show: the checklist's
/// client ID and the engine's EWS note (both English sentences).
fn state_at(step: Step) -> WizardState {
    let mut s = ui_fixtures::state_at(step);
    if step >= Step::Register {
        s.register.items[1].detail = Some(format!("client ID {CLIENT_ID}"));
    }
    if let Some(app) = s.app.as_mut() {
        // The register engine's note for a connector that uses EWS (`register.uses_ews`).
        let product = s.profiles[s.profile_index].product.clone();
        app.notes = vec![exowiz::i18n::tf(
            "register.uses_ews",
            &[("product", &product), ("date", &ews::shutdown_long_date())],
        )];
    }
    s
}

/// Snapshots `state` at 80×24 and 120×40 as `<name>_80x24` and `<name>_120x40`.
fn both_sizes(name: &str, state: &WizardState) {
    for (w, h) in [(80, 24), (120, 40)] {
        let terminal = render(state, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
    }
}

fn one_size(name: &str, state: &WizardState, w: u16, h: u16) {
    let terminal = render(state, w, h);
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
}

// ---- Every step ---------------------------------------------------------------------------

#[test]
fn step_01_welcome() {
    both_sizes("01_welcome", &state_at(Step::Welcome));
}

/// Saved registrations with a due secret: Welcome points to the rotate job.
#[test]
fn welcome_with_due_secrets() {
    let mut s = state_at(Step::Welcome);
    s.saved_due = saved_due(false);
    one_size("01_welcome_due_one", &s, 80, 24);
    s.saved_due = saved_due(true);
    one_size("01_welcome_due_many", &s, 120, 40);
}

#[test]
fn welcome_rotate_job() {
    let mut s = state_at(Step::Welcome);
    s.job = exowiz::wizard::state::Job::RotateSecret;
    one_size("01_welcome_rotate_job", &s, 80, 24);
}

#[test]
fn review_permission_picker() {
    one_size("06_review_permission_picker", &permission_picker(), 80, 24);
}

#[test]
fn welcome_custom_profile() {
    let mut s = state_at(Step::Welcome);
    s.profile_index = s.profiles.iter().position(|p| p.id == "custom").unwrap();
    one_size("01_welcome_custom", &s, 80, 24);
}

#[test]
fn step_02_sign_in_choose() {
    let mut s = state_at(Step::SignIn);
    s.tenant = None;
    s.sign_in = SignInPhase::Choose;
    both_sizes("02_sign_in_choose", &s);
}

#[test]
fn step_02_sign_in_signed_in() {
    both_sizes("02_sign_in_signed_in", &state_at(Step::SignIn));
}

#[test]
fn step_03_install_type() {
    both_sizes("03_install_type", &state_at(Step::InstallType));
}

#[test]
fn step_04_transport() {
    both_sizes("04_transport", &state_at(Step::Transport));
}

/// Issue 16.4: myfactory's Transport asks for the mailbox its manual names (001, lines 9–11),
/// under the product's label, as optional.
#[test]
fn step_04_transport_myfactory_mailbox() {
    let mut s = state_at(Step::Transport);
    s.profile_index = s.profiles.iter().position(|p| p.id == "myfactory").unwrap();
    s.transport.domains.clear();
    s.transport.mailbox = TextField::new(String::new());
    s.transport.mailbox_check = Check::NotChecked;
    let terminal = render(&s, 80, 24);
    let text = terminal.backend().to_string();
    assert!(
        text.contains("E-mail address for Exchange server") && text.contains("Optional."),
        "{text}"
    );
    both_sizes("04_transport_myfactory", &s);
}

#[test]
fn step_05_accounts_automatic() {
    let mut s = state_at(Step::Accounts);
    s.accounts.focus = AccountsFocus::AppName;
    both_sizes("05_accounts_automatic", &s);
}

#[test]
fn step_06_review() {
    both_sizes("06_review", &state_at(Step::Review));
}

#[test]
fn step_07_register_midway() {
    let mut s = state_at(Step::Register);
    // The registration runs (Esc is blocked, the bar says so).
    s.jobs.start(exowiz::wizard::jobs::JobKind::Register);
    s.register.items = checklist([
        ItemState::Done,
        ItemState::Done,
        ItemState::Running,
        ItemState::Pending,
        ItemState::Pending,
    ]);
    s.register.items[1].detail = Some(format!("created, client ID {CLIENT_ID}"));
    s.spinner = 3;
    both_sizes("07_register_midway", &s);
}

/// Issue 14.6: Microsoft Graph asked to wait (429 with `Retry-After`); the status line says
/// what for and counts the seconds down.
fn register_waiting_for_graph() -> WizardState {
    let mut s = state_at(Step::Register);
    // The registration runs (Esc is blocked, the bar says so).
    s.jobs.start(exowiz::wizard::jobs::JobKind::Register);
    s.register.items = checklist([
        ItemState::Running,
        ItemState::Pending,
        ItemState::Pending,
        ItemState::Pending,
        ItemState::Pending,
    ]);
    s.spinner = 3;
    s.graph_wait = Some(GraphWaitNotice {
        wait: GraphWait {
            operation: Operation::CreateApplication,
            left: std::time::Duration::from_secs(17),
            first: false,
        },
        ticks_since_report: 0,
    });
    s
}

#[test]
fn register_waiting_for_graph_counts_down() {
    both_sizes("07_register_waiting", &register_waiting_for_graph());
}

#[test]
fn step_08_consent_partially_granted() {
    both_sizes("08_consent_partial", &state_at(Step::Consent));
}

#[test]
fn consent_all_granted_and_granting_with_an_error() {
    let mut s = state_at(Step::Consent);
    for p in &mut s.app.as_mut().unwrap().permissions {
        p.granted = true;
    }
    one_size("08_consent_all_granted", &s, 80, 24);
    let mut s = state_at(Step::Consent);
    s.consent.granting = true;
    s.consent.error = Some(
        "The consent page reported: the signed-in account may not grant Microsoft Graph application permissions.".into(),
    );
    one_size("08_consent_granting_error", &s, 80, 24);
}

#[test]
fn step_09_verify_passed() {
    both_sizes("09_verify_passed", &state_at(Step::Verify));
}

#[test]
fn step_10_done_masked() {
    both_sizes("10_done_masked", &state_at(Step::Done));
}

// ---- Phases and variants ------------------------------------------------------------------

#[test]
fn sign_in_browser_phase() {
    let mut s = state_at(Step::SignIn);
    s.tenant = None;
    s.sign_in = SignInPhase::WaitingForBrowser {
        url: "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?client_id=14d82eec-204b-4c2f-b7e8-296a70dab67e&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A53117&scope=Application.ReadWrite.All%20offline_access&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=k3J9".into(),
    };
    both_sizes("02_sign_in_browser", &s);
}

#[test]
fn sign_in_device_code_phase() {
    let mut s = state_at(Step::SignIn);
    s.tenant = None;
    s.browser_available = false;
    s.sign_in = SignInPhase::WaitingForDeviceCode {
        user_code: "GA7JX3K2M".into(),
        verification_uri: "https://microsoft.com/devicelogin".into(),
        expires_at: at(2026, 11, 27, 9, 55),
    };
    both_sizes("02_sign_in_device_code", &s);
}

#[test]
fn sign_in_without_browser_and_failed() {
    let mut s = state_at(Step::SignIn);
    s.tenant = None;
    s.browser_available = false;
    s.sign_in_method = exowiz::wizard::state::SignInMethod::DeviceCode;
    s.sign_in = SignInPhase::Choose;
    one_size("02_sign_in_no_browser", &s, 80, 24);
    s.sign_in = SignInPhase::Failed(entra_refusal(
        400,
        "invalid_grant",
        53003,
        "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
    ));
    one_size("02_sign_in_failed", &s, 80, 24);
}

#[test]
fn transport_with_errors() {
    let mut s = state_at(Step::Transport);
    s.transport.mailbox = TextField::new("fax-transfer@contoso");
    s.transport.mailbox_check = Check::Done(MailboxState::NoSuchUser);
    s.transport.domains[2].field = TextField::new("vox..contoso");
    // Transport's own sentence around the validator's (`status.domain_invalid`).
    let invalid = exowiz::register::validate::domain_name("vox..contoso")
        .unwrap_err()
        .to_string();
    s.transport.domains[2].error = Some(exowiz::i18n::tf(
        "status.domain_invalid",
        &[("kind", "vox"), ("error", &invalid)],
    ));
    s.transport.focus = 3;
    both_sizes("04_transport_errors", &s);
}

#[test]
fn transport_checking_the_mailbox() {
    let mut s = state_at(Step::Transport);
    s.transport.mailbox_check = Check::Running;
    s.spinner = 1;
    one_size("04_transport_checking", &s, 80, 24);
}

fn apps() -> Vec<AppSummary> {
    let app = |name: &str, id: &str, expires: Option<DateTime<Utc>>| AppSummary {
        display_name: name.into(),
        client_id: id.into(),
        object_id: format!("obj-{id}"),
        secret_expires: expires,
        saved_for: None,
    };
    vec![
        app("OfficeMaster EWS", CLIENT_ID, Some(due_secret_end())),
        app(
            "OfficeMaster EWS (test system, do not delete)",
            "5d3f9a27-1c4e-4b8d-a6f2-8e0b3c7d1a95",
            Some(at(2025, 6, 30, 0, 0)),
        ),
        app("Scan to mail", "c41e8b6d-2f7a-4c3e-9d15-a0b8f2e6c734", None),
        app(
            "Veeam Backup for Microsoft 365",
            "7a2c5e9f-4b1d-4e8a-b3c6-d9f0e1a2b4c8",
            Some(at(2027, 3, 1, 0, 0)),
        ),
    ]
}

#[test]
fn accounts_reuse_with_a_list() {
    let mut s = state_at(Step::Accounts);
    s.accounts.choice = AccountsChoice::Reuse;
    s.accounts.focus = AccountsFocus::BrowserFilter;
    s.accounts.browser.filter = TextField::new("O");
    s.accounts.browser.apps = Check::Done(apps());
    s.accounts.browser.selected = 1;
    s.accounts.browser.chosen = Some(apps()[0].clone());
    both_sizes("05_accounts_reuse", &s);
}

/// Thirty apps; the first `saved` are saved registrations (listed first, under a title).
fn many_apps(saved: u32) -> Vec<AppSummary> {
    (1..=30)
        .map(|i| AppSummary {
            display_name: format!("Connector app {i:02}"),
            client_id: format!("00000000-0000-4000-8000-0000000000{i:02}"),
            object_id: format!("obj-{i}"),
            secret_expires: Some(at(2027, 1, i.min(28), 0, 0)),
            saved_for: (i <= saved).then(|| "officemaster".to_string()),
        })
        .collect()
}

#[test]
fn accounts_reuse_with_a_long_list_scrolls_with_the_selection() {
    let mut s = state_at(Step::Accounts);
    s.accounts.choice = AccountsChoice::Reuse;
    s.accounts.focus = AccountsFocus::BrowserFilter;
    s.accounts.browser.apps = Check::Done(many_apps(0));
    s.accounts.browser.selected = 19;
    one_size("05_accounts_reuse_long", &s, 80, 24);
}

/// With saved registrations the list has two titled groups; scrolled past the saved ones, the
/// other group's title stays on top of the window.
#[test]
fn app_list_with_saved_registrations_keeps_its_group_titles_when_scrolling() {
    let mut s = rotate_state(Step::App);
    s.accounts.browser.apps = Check::Done(many_apps(3));
    s.accounts.browser.selected = 1;
    one_size("r1_rotate_app_saved_top", &s, 80, 24);
    s.accounts.browser.selected = 19;
    one_size("r1_rotate_app_saved_scrolled", &s, 80, 24);
}

#[test]
fn accounts_reuse_loading_and_failed() {
    let mut s = state_at(Step::Accounts);
    s.accounts.choice = AccountsChoice::Reuse;
    s.accounts.focus = AccountsFocus::Choice;
    s.accounts.browser.apps = Check::Running;
    one_size("05_accounts_reuse_loading", &s, 80, 24);
    s.accounts.browser.apps = Check::Failed(
        "Microsoft Graph refused to list the app registrations: the account needs the Application Administrator role.".into(),
    );
    one_size("05_accounts_reuse_failed", &s, 80, 24);
}

#[test]
fn accounts_manual() {
    let mut s = state_at(Step::Accounts);
    s.accounts.choice = AccountsChoice::Manual;
    s.accounts.focus = AccountsFocus::ManualSecret;
    s.accounts.manual.tenant = TextField::new("contoso.com");
    s.accounts.manual.tenant_lookup = Check::Done(TENANT_ID.into());
    s.accounts.manual.client_id = TextField::new(CLIENT_ID);
    s.accounts.manual.secret = TextField::new("Q8~xFAKE.sec");
    both_sizes("05_accounts_manual", &s);
}

#[test]
fn register_failed() {
    let mut s = state_at(Step::Register);
    s.register.items = checklist([
        ItemState::Done,
        ItemState::Done,
        ItemState::Done,
        ItemState::Failed,
        ItemState::Pending,
    ]);
    s.register.items[3].detail = Some("Graph answered 403 Forbidden".into());
    s.register.error = Some(
        "Microsoft Graph refused to create the service principal: the signed-in account needs the Cloud Application Administrator role.".into(),
    );
    one_size("07_register_failed", &s, 80, 24);
}

/// The roles are there, but Exchange Online refuses EWS for the new app (not on the allow list).
#[test]
fn verify_ews_blocked() {
    let mut s = state_at(Step::Verify);
    if let VerifyState::Passed(report) = &mut s.verify {
        report.ews = Some(exowiz::ews::EwsProbe {
            mailbox: Some("fax-transfer@contoso.com".into()),
            cause: exowiz::ews::EwsCause::NotOnAllowList,
            detail: exowiz::i18n::tf(
                "ews.not_on_allow_list",
                &[("reason", "EWS is blocked by policy for this user or tenant")],
            ),
        });
    }
    both_sizes("09_verify_ews_blocked", &s);
}

#[test]
fn verify_failed() {
    let mut s = state_at(Step::Verify);
    s.verify = VerifyState::Failed(secret_refused());
    one_size("09_verify_failed", &s, 80, 24);
}

#[test]
fn done_revealed_with_clipboard_notice() {
    let mut s = state_at(Step::Done);
    s.done.revealed = true;
    s.done.secret_handed_over = true;
    s.clipboard = Some(ClipboardNotice {
        label: "Client Secret".into(),
        via: ClipboardVia::System,
        clears_in: Some(85),
    });
    both_sizes("10_done_revealed", &s);
}

/// After `s`: the status line and the commands' heading say where the script went.
#[test]
fn done_commands_saved() {
    let mut s = state_at(Step::Done);
    exowiz::wizard::update(
        &mut s,
        exowiz::wizard::Msg::CommandsSaved {
            result: Ok("/home/admin/exowiz-officemaster-0a7c4e12.ps1".into()),
        },
    );
    one_size("10_done_commands_saved", &s, 120, 40);
}

#[test]
fn done_last_command_focused_over_osc52() {
    let mut s = state_at(Step::Done);
    let last = s.app.as_ref().unwrap().exchange_commands.len() - 1;
    s.done.focus = DoneFocus::Command(last);
    s.clipboard = Some(ClipboardNotice {
        label: "Client Id".into(),
        via: ClipboardVia::Osc52,
        clears_in: None,
    });
    one_size("10_done_last_command", &s, 80, 24);
}

#[test]
fn done_for_a_product_without_tenant_id() {
    let mut s = state_at(Step::Done);
    s.profile_index = s.profiles.iter().position(|p| p.id == "bueroware").unwrap();
    let mut app = registered_app(&s, [true; 4]);
    app.exchange_commands.truncate(1);
    app.notes.clear();
    s.app = Some(app);
    s.done.focus = DoneFocus::ClientId;
    one_size("10_done_no_tenant_id", &s, 80, 24);
}

/// Issue 16: Done carries every field its manual asks the admin to enter, under the product's
/// label, with its value (the IDs in their rows, the secret masked), in a snapshot per product;
/// tall enough that nothing scrolls away.
#[test]
fn done_hands_over_every_field_each_manual_asks_for() {
    for (id, _, fields, steps) in manual_fields::table() {
        let mut s = state_at(Step::Done);
        s.profile_index = s.profiles.iter().position(|p| p.id == id).unwrap();
        let mut app = registered_app(&s, [true; 4]);
        app.notes.clear();
        s.app = Some(app);
        let terminal = render(&s, 120, 90);
        let text = terminal.backend().to_string();
        for field in &fields {
            let row = text
                .lines()
                .position(|l| {
                    let row = l.trim_start_matches(['"', ' ', '▶']);
                    row.starts_with(field.label)
                })
                .unwrap_or_else(|| panic!("{id}: Done lacks {}:\n{text}", field.label));
            // The value is on the label's line or the one below it.
            let near: String = text.lines().skip(row).take(2).collect();
            let value = match field.expect {
                manual_fields::Expect::TenantId => TENANT_ID,
                manual_fields::Expect::ClientId => CLIENT_ID,
                // Masked until revealed: its hint shows.
                manual_fields::Expect::Secret => "Q8~",
                manual_fields::Expect::Text(value) => value,
            };
            assert!(
                near.contains(value),
                "{id}: {} shows {value}:\n{near}",
                field.label
            );
        }
        let profile = s.profile();
        for (i, step) in profile.next_steps.iter().enumerate() {
            let start: String = step.text.chars().take(30).collect();
            assert!(
                text.contains(&format!("{}. {start}", i + 1)),
                "{id}: next step {} (manual line {})",
                i + 1,
                steps[i]
            );
        }
        insta::assert_snapshot!(format!("10_done_fields_{id}_120x90"), terminal.backend());
    }
}

/// Issue 10.5: Done says in words that the app does not work yet and what is missing.
#[test]
fn done_says_what_is_missing_before_the_app_works() {
    let mut s = state_at(Step::Done);
    s.app = Some(registered_app(&s, [true, false, false, true]));
    s.verify = VerifyState::Failed("Entra ID gave no token for the secret.".into());
    let terminal = render(&s, 120, 40);
    let text = terminal.backend().to_string();
    assert!(
        text.contains("The app does not work yet. Missing:"),
        "{text}"
    );
    assert!(
        text.contains("admin consent for People.Read.All, User.Read.All"),
        "{text}"
    );
    assert!(
        text.contains("a verified secret: Entra ID gave no token"),
        "{text}"
    );
    insta::assert_snapshot!("10_done_not_working_yet_120x40", terminal.backend());

    // Consent granted, roles verified: it says so.
    let s = state_at(Step::Done);
    let text = render(&s, 120, 40).backend().to_string();
    assert!(
        text.contains("The app works: every permission is granted"),
        "{text}"
    );
}

// ---- Popups, frame ------------------------------------------------------------------------

#[test]
fn help_popup() {
    let mut s = state_at(Step::Transport);
    s.popup = Some(Popup::Help);
    both_sizes("popup_help", &s);
}

#[test]
fn confirm_quit_popup() {
    let mut s = state_at(Step::Done);
    s.popup = Some(Popup::ConfirmQuit);
    both_sizes("popup_confirm_quit", &s);
}

#[test]
fn confirm_grant_popup() {
    let mut s = state_at(Step::Consent);
    s.popup = Some(Popup::ConfirmGrant);
    one_size("popup_confirm_grant", &s, 80, 24);
}

#[test]
fn resume_offer_popup() {
    let mut s = state_at(Step::SignIn);
    s.resume.profile = "officemaster".into();
    s.resume.found = Check::Done(Some(interrupted_run()));
    s.popup = Some(Popup::ResumeOffer);
    both_sizes("popup_resume_offer", &s);
}

#[test]
fn review_continuing_an_interrupted_run() {
    let mut s = state_at(Step::Review);
    s.resume.profile = "officemaster".into();
    s.resume.found = Check::Done(Some(interrupted_run()));
    s.resume.accepted = Some(interrupted_run().run_id);
    both_sizes("06_review_continuing", &s);
}

#[test]
fn too_small_terminal() {
    one_size("too_small", &state_at(Step::Transport), 60, 20);
}

#[test]
fn demo_badge_and_status_error() {
    let mut s = state_at(Step::Review);
    s.demo = true;
    s.review = ReviewChoice::Cancel;
    s.status = Some(Status {
        kind: StatusKind::Error,
        text: exowiz::i18n::tf(
            "executor.browser_not_opened",
            &[("error", "no graphical session")],
        ),
    });
    both_sizes("demo_badge", &s);
}

// ---- Styles, cursor, links ----------------------------------------------------------------

fn row_text(terminal: &Terminal<TestBackend>, y: u16) -> String {
    let buffer = terminal.backend().buffer();
    (0..buffer.area.width)
        .map(|x| buffer[(x, y)].symbol().to_string())
        .collect()
}

#[test]
fn the_selected_profile_is_reversed_and_bold() {
    let mut s = state_at(Step::Welcome);
    s.profile_index = 1;
    let terminal = render(&s, 80, 24);
    let buffer = terminal.backend().buffer();
    let row = (0..24)
        .find(|&y| row_text(&terminal, y).contains("▶ myfactory Exchange connector"))
        .expect("selected profile on screen");
    let x = u16::try_from(
        row_text(&terminal, row)
            .chars()
            .position(|c| c == 'm')
            .unwrap(),
    )
    .unwrap();
    let selected = buffer[(x, row)].style();
    assert!(
        selected
            .add_modifier
            .contains(Modifier::REVERSED | Modifier::BOLD)
    );
    let other = (0..24)
        .find(|&y| row_text(&terminal, y).contains("Flowfact Performer"))
        .unwrap();
    assert!(
        !buffer[(x, other)]
            .style()
            .add_modifier
            .contains(Modifier::REVERSED)
    );
}

#[test]
fn the_focused_field_has_the_cursor() {
    let mut s = state_at(Step::Transport);
    s.transport.focus = 2;
    let mut terminal = render(&s, 80, 24);
    let row = (0..24)
        .find(|&y| row_text(&terminal, y).contains("▶ SMS"))
        .expect("focused SMS field");
    let text = row_text(&terminal, row);
    let byte = text.find("sms.contoso.com").unwrap() + "sms.contoso.com".len();
    let end = text[..byte].chars().count();
    terminal
        .backend_mut()
        .assert_cursor_position((u16::try_from(end).unwrap(), row));
}

#[test]
fn links_are_reported_where_they_are_drawn() {
    let s = state_at(Step::Consent);
    let url = s.app.as_ref().unwrap().consent_url.clone();
    ui::set_display_offset(Some(FixedOffset::east_opt(3600).unwrap()));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut links = Vec::new();
    terminal.draw(|f| links = ui::draw_linked(f, &s)).unwrap();
    assert!(
        links.len() >= 2,
        "the consent URL wraps at 80 columns: {links:?}"
    );
    let mut shown = String::new();
    for link in &links {
        assert_eq!(link.url, url);
        let row = row_text(&terminal, link.area.y);
        let start = usize::from(link.area.x);
        shown.extend(row.chars().skip(start).take(usize::from(link.area.width)));
    }
    assert_eq!(shown, url);

    // A popup over the link hides it from the runtime.
    let mut s = s;
    s.popup = Some(Popup::Help);
    let mut covered = Vec::new();
    terminal.draw(|f| covered = ui::draw_linked(f, &s)).unwrap();
    assert!(covered.len() < links.len());
}

// ---- Rotate job ---------------------------------------------------------------------------

fn rotate_state(step: Step) -> WizardState {
    let mut s = state_at(step);
    s.job = exowiz::wizard::state::Job::RotateSecret;
    s
}

#[test]
fn rotate_app_step() {
    let mut s = rotate_state(Step::App);
    // The app exowiz registered is listed first, under its own title.
    let mut listed = apps();
    listed[0].saved_for = Some("officemaster".into());
    s.accounts.browser.apps = Check::Done(listed);
    both_sizes("r1_rotate_app", &s);
}

#[test]
fn rotate_secrets_step() {
    let mut s = rotate_state(Step::Secrets);
    s.rotate.secrets = Check::Done(rotate_secrets());
    s.rotate.months = 24;
    both_sizes("r2_rotate_secrets", &s);
}

/// The secrets step after exowiz removed a secret an interrupted rotation had made.
#[test]
fn rotate_secrets_after_cleaning_up_an_interrupted_rotation() {
    let mut s = rotate_state(Step::Secrets);
    s.rotate.secrets = Check::Done(exowiz::wizard::state::AppSecrets {
        // The rotate engine's note after removing what the interrupted run had made.
        cleaned_up: exowiz::rotate::Cleanup {
            started: Some(interrupted_run().started),
            removed: vec!["8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f".into()],
            failed: Vec::new(),
        }
        .note(),
        ..rotate_secrets()
    });
    s.rotate.months = 24;
    one_size("r2_rotate_secrets_cleaned_up", &s, 80, 24);
}

#[test]
fn rotate_secrets_creating_and_failed() {
    let mut s = rotate_state(Step::Secrets);
    s.rotate.secrets = Check::Done(rotate_secrets());
    s.rotate.months = 12;
    s.rotate.creating = true;
    one_size("r2_rotate_secrets_creating", &s, 80, 24);
    s.rotate.creating = false;
    s.rotate.error = Some("Microsoft Graph refused: the app has too many secrets.".into());
    one_size("r2_rotate_secrets_error", &s, 80, 24);
    s.rotate.secrets = Check::Failed(exowiz::i18n::tf(
        "rotate.no_such_app",
        &[("app_id", CLIENT_ID), ("tenant_id", TENANT_ID)],
    ));
    one_size("r2_rotate_secrets_failed", &s, 80, 24);
}

/// Verify after a rotation whose app lacks consent for one of the profile's roles: the
/// warning says what to do.
#[test]
fn rotate_verify_missing_consent() {
    let mut s = rotate_state(Step::Verify);
    s.rotate.secrets = Check::Done(rotate_secrets());
    s.verify = VerifyState::Passed(VerifyReport {
        roles: vec![
            (
                Api::Exchange.display_name().into(),
                vec!["full_access_as_app".into()],
            ),
            (
                Api::Graph.display_name().into(),
                vec!["People.Read.All".into()],
            ),
        ],
        missing: vec!["User.Read.All".into()],
        compared_with: ComparedWith::Profile(s.profile().product.clone()),
        expected_count: 3,
        ews: None,
    });
    both_sizes("r2_rotate_verify_missing", &s);
}

/// Verify after a rotation whose profile could not be worked out: the roles, and why they
/// were not compared.
#[test]
fn rotate_verify_not_compared() {
    let mut s = rotate_state(Step::Verify);
    s.rotate.secrets = Check::Done(rotate_secrets());
    s.verify = VerifyState::Passed(VerifyReport {
        roles: vec![(
            Api::Graph.display_name().into(),
            vec!["User.Read.All".into()],
        )],
        missing: Vec::new(),
        compared_with: ComparedWith::Nothing("Microsoft Graph did not answer in time.".into()),
        expected_count: 0,
        ews: None,
    });
    one_size("r2_rotate_verify_not_compared", &s, 80, 24);
}

/// Done after a rotation: the new secret, the older ones still there.
fn rotate_done() -> WizardState {
    let mut s = rotate_state(Step::Done);
    s.rotate.secrets = Check::Done(rotate_secrets());
    s.rotate.new_key_id = Some("5e6f7a8b-1c2d-4e3f-9a0b-c1d2e3f4a5b6".into());
    // The new secret was copied: only then may the older ones go (issue 10.2).
    s.done.secret_seen = true;
    if let Some(app) = s.app.as_mut() {
        app.exchange_commands.clear();
        app.notes.clear();
        app.app_name = "OfficeMaster EWS".into();
    }
    s
}

#[test]
fn rotate_done_offers_removing_the_older_secrets() {
    both_sizes("r3_rotate_done", &rotate_done());
}

/// The admin went on although the new secret gave no token: no removal is offered.
#[test]
fn rotate_done_unverified_keeps_the_older_secrets() {
    let mut s = rotate_done();
    s.verify = VerifyState::Failed(secret_refused());
    one_size("r3_rotate_done_unverified", &s, 80, 24);
}

/// Nobody has the new secret yet (masked, never copied): no `x`, and Done says why.
#[test]
fn rotate_done_unseen_keeps_the_older_secrets() {
    let mut s = rotate_done();
    s.done.secret_seen = false;
    one_size("r3_rotate_done_unseen", &s, 80, 24);
}

#[test]
fn rotate_confirm_remove_old() {
    let mut s = rotate_done();
    s.popup = Some(Popup::ConfirmRemoveOld);
    one_size("r3_rotate_confirm_remove", &s, 80, 24);
}

#[test]
fn rotate_done_after_removal() {
    let mut s = rotate_done();
    s.rotate.removed = vec![
        "key-OfficeMaster 2026-01".into(),
        "key-OfficeMaster 2024-11".into(),
    ];
    // The rotate job's sentence once the older secrets are gone (`status.removed_old`).
    let names: Vec<String> = rotate_secrets()
        .secrets
        .iter()
        .map(|secret| secret.label().to_string())
        .collect();
    s.status = Some(Status {
        kind: StatusKind::Info,
        text: exowiz::i18n::tn(
            "status.removed_old",
            names.len() as u64,
            &[("names", &names.join(", "))],
        ),
    });
    one_size("r3_rotate_done_removed", &s, 80, 24);
}

// ---- Check job ----------------------------------------------------------------------------

fn check_report() -> Box<exowiz::check::Report> {
    ui_fixtures::check_report(check_findings())
}

fn check_state() -> WizardState {
    let mut s = state_at(Step::Findings);
    s.job = exowiz::wizard::state::Job::CheckRegistration;
    s.check.report = Check::Done(check_report());
    s
}

#[test]
fn check_findings_step() {
    let mut s = check_state();
    s.check.selected = vec![exowiz::check::FixId(1)];
    s.check.cursor = 1;
    both_sizes("c1_check_findings", &s);
}

#[test]
fn check_confirm_apply_fixes() {
    let mut s = check_state();
    s.check.selected = vec![exowiz::check::FixId(1), exowiz::check::FixId(2)];
    s.popup = Some(Popup::ConfirmApplyFixes);
    one_size("c1_check_confirm_apply", &s, 80, 24);
}

#[test]
fn check_after_applying() {
    use exowiz::check::Fix;
    let mut s = check_state();
    if let Check::Done(report) = &mut s.check.report {
        report.findings.truncate(1);
    }
    // The check's own sentence for the applied fix (`check::repair::done_sentence`).
    let added = check_findings()
        .into_iter()
        .find_map(|f| {
            f.fix
                .filter(|fix| matches!(fix, Fix::AddPermissions { .. }))
        })
        .expect("the missing permission's fix");
    s.check.results = vec![
        Ok(exowiz::check::repair::done_sentence(&added, true)),
        Err("Microsoft Graph refused to change the app: Authorization_RequestDenied.".into()),
    ];
    one_size("c1_check_applied", &s, 80, 24);
}

#[test]
fn check_running_and_failed() {
    let mut s = check_state();
    s.check.report = Check::Running;
    one_size("c1_check_running", &s, 80, 24);
    s.check.report = Check::Failed(exowiz::i18n::tf(
        "check.no_such_app",
        &[("app_id", CLIENT_ID), ("tenant", "Contoso Ltd")],
    ));
    one_size("c1_check_failed", &s, 80, 24);
}

#[test]
fn quit_while_fixes_are_applied_says_a_job_runs() {
    let mut s = check_state();
    s.app = None;
    s.check.applying = true;
    s.jobs.start(exowiz::wizard::jobs::JobKind::ApplyFixes);
    s.popup = Some(Popup::ConfirmQuit);
    one_size("c1_check_quit_while_applying", &s, 80, 24);
}

/// The plain text of a rendered screen, one string per row.
fn screen_rows(state: &WizardState, w: u16, h: u16) -> Vec<String> {
    let terminal = render(state, w, h);
    let buffer = terminal.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buffer[(x, y)].symbol()).collect::<String>())
        .collect()
}

/// Where the admin picks which app gets a new secret, the highlighted app's whole name is on
/// the screen at 80×24: "OfficeMaster EWS (test system, do not delete)" must not look like
/// "OfficeMaster EWS". A name too long even for the whole width is named in full under the list.
#[test]
fn the_highlighted_apps_full_name_is_visible_at_80x24() {
    let long = "OfficeMaster EWS (test system, do not delete)";
    let longer = "OfficeMaster EWS — test system of the branch office in Garmisch-Partenkirchen, do not delete";
    let reuse = || {
        let mut s = state_at(Step::Accounts);
        s.accounts.choice = AccountsChoice::Reuse;
        s.accounts.focus = AccountsFocus::BrowserFilter;
        s
    };
    let rotate = || rotate_state(Step::App);
    for job_state in [&reuse as &dyn Fn() -> WizardState, &rotate] {
        for name in [long, longer] {
            let mut s = job_state();
            let mut listed = apps();
            let at = listed
                .iter()
                .position(|a| a.display_name == long)
                .expect("the fixture lists the test system's app");
            listed[at].display_name = name.to_string();
            s.accounts.browser.apps = Check::Done(listed);
            s.accounts.browser.selected = at;
            let rows = screen_rows(&s, 80, 24);
            if name == longer && s.step == Step::App {
                one_size("r1_rotate_app_long_name_highlighted", &s, 80, 24);
            }
            let joined: String = rows.iter().map(|r| r.trim()).collect::<Vec<_>>().join(" ");
            let squeezed = joined.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                squeezed.contains(name),
                "{name:?} is not on the screen:\n{}",
                rows.join("\n")
            );
        }
    }
}

/// Review cuts the permission reasons to fit 80×24; ↓ highlights a permission and its whole
/// reason is read under the table before the admin proceeds.
#[test]
fn review_shows_the_highlighted_permissions_whole_reason_at_80x24() {
    let mut s = state_at(Step::Review);
    let profile = s.profile().clone();
    let first = &profile.permissions_for(s.mode)[0];
    let reason = first.reason(exowiz::i18n::language()).to_string();
    assert!(
        !reason.is_empty(),
        "the fixture's first permission has a reason"
    );
    let squeezed = |rows: Vec<String>| -> String {
        rows.join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(
        !squeezed(screen_rows(&s, 80, 24)).contains(&reason),
        "at 80x24 the table alone cuts it (else this test proves nothing)"
    );
    s.review_reason = Some(0);
    let rows = screen_rows(&s, 80, 24);
    assert!(
        squeezed(rows.clone()).contains(&reason),
        "{reason:?} not on the screen:\n{}",
        rows.join("\n")
    );
    one_size("06_review_reason", &s, 80, 24);
}
