//! Issue 10.12: at 80×24 — the smallest terminal exowiz draws on — no screen cuts its header
//! or its key bar short with `…`, in English and German, and the bar names every key it is
//! meant to show (wrapping to a second line rather than dropping one).
//!
//! Every screen: each step of each job for each profile, in demo mode too (the badge makes the
//! header longest), the sign-in phases, the Accounts choices, and every popup.

use crate::support::ui_fixtures;

use exowiz::i18n::{Language, t, with_language};
use exowiz::profile;
use exowiz::wizard::keymap;
use exowiz::wizard::state::{
    AccountsChoice, AccountsFocus, Check, Job, Popup, SignInPhase, VerifyState,
};
use exowiz::wizard::{Step, WizardState};
use ui_fixtures::*;

const W: u16 = 80;
const H: u16 = 24;

/// Every screen worth drawing, with a name for the failure message.
fn screens() -> Vec<(String, WizardState)> {
    let mut out = Vec::new();
    let profiles = profile::all().unwrap();
    for demo in [false, true] {
        for (index, p) in profiles.iter().enumerate() {
            for job in Job::ALL {
                for step in Step::steps_of(job) {
                    let mut s = state_at(*step);
                    s.demo = demo;
                    s.job = job;
                    s.profile_index = index;
                    if *step == Step::Secrets {
                        s.rotate.secrets = Check::Done(rotate_secrets());
                    }
                    out.push((format!("{} {:?} {:?} demo={demo}", p.id, job, step), s));
                }
            }
        }
    }
    for phase in [
        SignInPhase::Choose,
        SignInPhase::Starting,
        SignInPhase::LoadingTenant,
    ] {
        let mut s = state_at(Step::SignIn);
        s.tenant = None;
        s.sign_in = phase.clone();
        out.push((format!("sign in {phase:?}"), s));
    }
    for choice in [
        AccountsChoice::Automatic,
        AccountsChoice::Reuse,
        AccountsChoice::Manual,
    ] {
        for focus in [
            AccountsFocus::Choice,
            AccountsFocus::AppName,
            AccountsFocus::SecretMonths,
            AccountsFocus::BrowserFilter,
            AccountsFocus::ManualTenant,
            AccountsFocus::ManualClientId,
            AccountsFocus::ManualSecret,
        ] {
            let mut s = state_at(Step::Accounts);
            s.accounts.choice = choice;
            s.accounts.focus = focus;
            out.push((format!("accounts {choice:?} {focus:?}"), s));
        }
    }
    {
        let mut s = state_at(Step::Verify);
        s.verify = VerifyState::Failed("no token".into());
        out.push(("verify failed".into(), s));
    }
    for popup in [
        Popup::Help,
        Popup::ConfirmQuit,
        Popup::ConfirmGrant,
        Popup::ConfirmRemoveOld,
        Popup::ConfirmApplyFixes,
        Popup::ResumeOffer,
    ] {
        let mut s = state_at(if popup == Popup::ConfirmGrant {
            Step::Consent
        } else {
            Step::Done
        });
        s.demo = true;
        s.popup = Some(popup);
        out.push((format!("popup {popup:?}"), s));
    }
    out
}

fn rows(state: &WizardState) -> Vec<String> {
    let terminal = render(state, W, H);
    let buffer = terminal.backend().buffer().clone();
    (0..H)
        .map(|y| {
            (0..W)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect()
        })
        .collect()
}

/// The header: the rows down to its rule (which may carry the tenant and product).
fn header(rows: &[String]) -> Vec<String> {
    let end = rows
        .iter()
        .position(|r| r.starts_with('─'))
        .expect("the header ends with a rule");
    rows[..=end].to_vec()
}

/// The bottom two rows: the key bar (one or two rows) and, above a one-row bar, the status row
/// (empty in these states).
fn bottom(rows: &[String]) -> Vec<String> {
    rows[rows.len() - 2..].to_vec()
}

#[test]
fn no_header_or_key_bar_is_cut_at_80x24_in_either_language() {
    let mut cut = Vec::new();
    for language in [Language::English, Language::German] {
        with_language(language, || {
            for (name, state) in screens() {
                let rows = rows(&state);
                for row in header(&rows).iter().chain(bottom(&rows).iter()) {
                    if row.contains('…') {
                        cut.push(format!("{language:?} {name}: {}", row.trim_end()));
                    }
                }
            }
        });
    }
    assert!(cut.is_empty(), "cut with …:\n{}", cut.join("\n"));
}

#[test]
fn the_key_bar_names_every_key_it_is_meant_to_show() {
    let mut missing = Vec::new();
    for language in [Language::English, Language::German] {
        with_language(language, || {
            for (name, state) in screens() {
                let bar = bottom(&rows(&state)).join(" ");
                let bar: String = bar.split_whitespace().collect::<Vec<_>>().join(" ");
                for binding in keymap::bindings(&state).iter().filter(|b| b.in_bar) {
                    let label = t(binding.label_key);
                    if !bar.contains(label) {
                        missing.push(format!("{language:?} {name}: '{label}' not in '{bar}'"));
                    }
                }
            }
        });
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The header names the tenant and the product in full (no `…`), and the step position.
#[test]
fn the_header_names_tenant_product_and_step_in_full() {
    for language in [Language::English, Language::German] {
        with_language(language, || {
            let mut s = state_at(Step::Accounts);
            s.demo = true;
            let header = header(&rows(&s)).join(" ");
            assert!(header.contains("Contoso Ltd"), "{header}");
            assert!(header.contains(&s.profile().product), "{header}");
            assert!(header.contains(t("step.accounts")), "{header}");
        });
    }
}

/// Issue 10.12: "Step N of M" counts the steps this run shows. BüroWARE has neither an
/// installation type nor a transport step, so Accounts is step 3 of 8 (not 5 of 10).
#[test]
fn the_step_count_counts_only_the_steps_of_this_run() {
    for language in [Language::English, Language::German] {
        with_language(language, || {
            let mut s = state_at(Step::Accounts);
            s.profile_index = s.profiles.iter().position(|p| p.id == "bueroware").unwrap();
            let header = header(&rows(&s)).join(" ");
            let expected = exowiz::i18n::tf(
                "header.step_of",
                &[("n", "3"), ("m", "8"), ("title", t("step.accounts"))],
            );
            assert!(header.contains(&expected), "{header}");
        });
    }
}

/// Issue 10.12: German screens translate what is not a product's own name: the custom
/// connector's name on Welcome, and the domain type in a transfer-domain error.
#[test]
fn german_screens_translate_the_custom_connector_and_domain_types() {
    with_language(Language::German, || {
        let s = state_at(Step::Welcome);
        let welcome = rows(&s).join("\n");
        assert!(!welcome.contains("Custom connector"), "{welcome}");
        assert!(welcome.contains(t("profile.custom_product")), "{welcome}");

        let mut s = state_at(Step::Transport);
        s.transport.domains[0].error = Some(exowiz::wizard::update::domain_error("fax", "x"));
        let error = s.transport.domains[0].error.clone().unwrap();
        assert!(!error.contains("für fax"), "{error}");
        assert!(error.contains("Fax"), "{error}");
    });
}

/// Issue 10.12: with NO_COLOR (https://no-color.org) no cell carries a colour, and what colour
/// told (selection, focus, ok/failed, the demo badge) still shows: by reverse video, bold,
/// underline and the markers (▶, ✓, ✗).
#[test]
fn no_color_draws_no_colour_and_still_shows_every_state() {
    use ratatui::style::{Color, Modifier};
    exowiz::ui::set_no_color_here(Some(true));
    for (name, state) in screens() {
        let terminal = render(&state, W, H);
        let buffer = terminal.backend().buffer();
        for cell in buffer.content() {
            assert!(
                cell.fg == Color::Reset && cell.bg == Color::Reset,
                "{name}: '{}' is coloured ({:?} on {:?})",
                cell.symbol(),
                cell.fg,
                cell.bg
            );
        }
        if state.demo {
            // The badge stands out by reverse video instead of its yellow.
            let badge = t("app.demo_badge");
            let row: String = (0..W)
                .map(|x| buffer[(x, 0)].symbol().to_string())
                .collect();
            let x = row.find(badge).expect("the badge is shown") as u16;
            assert!(
                buffer[(x, 0)].modifier.contains(Modifier::REVERSED),
                "{name}"
            );
        }
    }
    exowiz::ui::set_no_color_here(Some(false));
    let coloured = render(&state_at(Step::Done), W, H);
    assert!(
        coloured
            .backend()
            .buffer()
            .content()
            .iter()
            .any(|c| c.fg != Color::Reset),
        "colours are back without NO_COLOR"
    );
    exowiz::ui::set_no_color_here(None);
}

#[test]
fn no_color_is_read_as_the_convention_says() {
    use exowiz::ui::no_color_requested;
    assert!(!no_color_requested(None));
    assert!(
        !no_color_requested(Some("")),
        "an empty NO_COLOR is not set"
    );
    assert!(no_color_requested(Some("1")));
    assert!(no_color_requested(Some("0")), "any non-empty value counts");
}

/// Issue 10.12: the consent link wraps where a URL has its seams (after `/`, `?`, `&`), never
/// inside a word, at 80 columns in both languages; each row stays a clickable OSC 8 link to
/// the whole URL (`draw_linked`).
#[test]
fn the_consent_link_wraps_at_its_seams_and_every_row_links_the_whole_url() {
    for language in [Language::English, Language::German] {
        with_language(language, || {
            let s = state_at(Step::Consent);
            let url = exowiz::wizard::update::consent_link(&s).unwrap();
            let rows = rows(&s);
            let shown: Vec<&String> = rows
                .iter()
                .filter(|r| {
                    let r = r.trim();
                    !r.is_empty() && url.contains(r)
                })
                .collect();
            let joined: String = shown.iter().map(|r| r.trim()).collect();
            assert_eq!(joined, url, "the link's rows:\n{shown:#?}");
            for row in &shown[..shown.len() - 1] {
                let last = row.trim_end().chars().last().unwrap();
                assert!("/?&".contains(last), "broken inside a word: {row:?}");
            }
            let mut links = Vec::new();
            let backend = ratatui::backend::TestBackend::new(W, H);
            let mut terminal = ratatui::Terminal::new(backend).unwrap();
            terminal
                .draw(|f| links = exowiz::ui::draw_linked(f, &s))
                .unwrap();
            assert_eq!(links.len(), shown.len());
            assert!(links.iter().all(|l| l.url == url));
        });
    }
}
