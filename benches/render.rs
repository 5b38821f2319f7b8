//! How long drawing one frame takes: the draw path runs after every key press, so it must stay
//! far below what a person notices (≈16 ms for a smooth 60 Hz terminal). Draws real screens into
//! an off-screen ratatui buffer (no terminal I/O) and prints the median and worst time per
//! frame. Prints numbers; asserts nothing (the machines are shared and noisy).
//!
//!     cargo bench --bench render

use chrono::{Duration as Days, Utc};
use exowiz::profile;
use exowiz::ui;
use exowiz::wizard::state::{
    AccountsChoice, AccountsFocus, AppSummary, Check, Job, SignInPhase, TenantInfo,
};
use exowiz::wizard::{Step, WizardState};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};

const FRAMES: usize = 300;

fn tenant() -> TenantInfo {
    TenantInfo {
        tenant_id: "6f1d3c2a-8b4e-4d7a-9c5f-2e8b7a1d4c90".into(),
        name: "Contoso Ltd".into(),
        user: "admin@contoso.com".into(),
        default_domain: "contoso.com".into(),
        verified_domains: vec!["contoso.com".into()],
        directory_sync: None,
    }
}

fn signed_in(step: Step) -> WizardState {
    let mut s = WizardState::new(profile::all().expect("profiles"), true, true);
    s.tenant = Some(tenant());
    s.sign_in = SignInPhase::SignedIn;
    s.step = step;
    s
}

/// A tenant with `n` app registrations, the first tenth saved by exowiz.
fn app_browser(n: usize) -> WizardState {
    let mut s = signed_in(Step::App);
    s.job = Job::RotateSecret;
    s.accounts.choice = AccountsChoice::Reuse;
    s.accounts.focus = AccountsFocus::BrowserFilter;
    let apps = (0..n)
        .map(|i| AppSummary {
            display_name: format!("Connector app {i:05}"),
            client_id: format!("00000000-0000-4000-8000-{i:012}"),
            object_id: format!("obj-{i}"),
            secret_expires: Some(Utc::now() + Days::days(i as i64 % 700)),
            saved_for: (i < n / 10).then(|| "officemaster".to_string()),
        })
        .collect();
    s.accounts.browser.apps = Check::Done(apps);
    s.accounts.browser.selected = n / 2;
    s
}

/// Median and worst time of `FRAMES` draws of `state` at `width`×`height`.
fn measure(state: &WizardState, width: u16, height: u16) -> (Duration, Duration) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    let mut times: Vec<Duration> = (0..FRAMES)
        .map(|_| {
            let start = Instant::now();
            terminal.draw(|f| ui::draw(f, state)).expect("draw");
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[FRAMES / 2], times[FRAMES - 1])
}

fn main() {
    let cases: Vec<(&str, WizardState)> = vec![
        (
            "welcome",
            WizardState::new(profile::all().unwrap(), true, true),
        ),
        ("review", signed_in(Step::Review)),
        ("app list, 100 apps", app_browser(100)),
        ("app list, 5000 apps", app_browser(5000)),
    ];
    println!(
        "{:<22} {:>9} {:>12} {:>12}",
        "screen", "size", "median", "worst"
    );
    for (name, state) in &cases {
        for (w, h) in [(80u16, 24u16), (200, 60)] {
            let (median, worst) = measure(state, w, h);
            println!(
                "{name:<22} {:>9} {:>9.0} µs {:>9.0} µs",
                format!("{w}×{h}"),
                median.as_secs_f64() * 1e6,
                worst.as_secs_f64() * 1e6
            );
        }
    }
}
