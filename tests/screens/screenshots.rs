//! Pictures of every step of `exowiz demo`, taken from the real program in a pseudo-terminal
//! and drawn as SVG. As a test it checks that every step can be pictured; with
//! `EXOWIZ_SCREENSHOTS_DIR=screenshots` (scripts/screenshots.sh) it writes the README's pictures.
#![cfg(unix)]

use crate::support;

use std::path::PathBuf;
use std::time::Duration;
use support::drive::{enter_until, marker, wait};
use support::pty::{Key, Pty};
use support::svg;

struct Camera {
    dir: PathBuf,
    taken: Vec<String>,
}

impl Camera {
    /// Waits for the screen to settle, then writes `NN-name.svg`.
    fn shoot(&mut self, pty: &Pty, name: &str, title: &str) {
        pty.wait_quiet(Duration::from_millis(400), Duration::from_secs(10));
        let file = format!("{:02}-{name}.svg", self.taken.len() + 1);
        let picture = pty.screen(|s| svg::render(s, title));
        assert!(picture.contains("<text"), "{file} shows text");
        std::fs::write(self.dir.join(&file), picture).unwrap();
        self.taken.push(file);
    }
}

#[test]
fn every_step_of_the_demo_can_be_pictured() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("EXOWIZ_SCREENSHOTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| scratch.path().to_path_buf());
    std::fs::create_dir_all(&dir).unwrap();
    let mut cam = Camera {
        dir,
        taken: Vec::new(),
    };
    let data = tempfile::tempdir().unwrap();
    let mut pty = Pty::exowiz(&["demo", "--reset"], data.path());

    wait(&pty, "welcome.choose", 60);
    cam.shoot(&pty, "welcome", "1 · Welcome: pick the connector");
    enter_until(&mut pty, "sign_in.how", 10);
    cam.shoot(&pty, "sign-in", "2 · Sign in: browser or device code");
    pty.send_key(Key::Enter);
    wait(&pty, "sign_in.phishing", 20);
    cam.shoot(&pty, "device-code", "2 · Sign in with a device code");
    wait(&pty, "sign_in.account", 60);
    cam.shoot(&pty, "signed-in", "2 · Signed in: the organisation");
    enter_until(&mut pty, "install_type.cloud_only_explain", 10);
    cam.shoot(&pty, "installation-type", "3 · Installation type");
    enter_until(&mut pty, "transport.mailbox_hint", 10);
    cam.shoot(
        &pty,
        "transport",
        "4 · Transfer mailbox and transfer domains",
    );
    enter_until(&mut pty, "accounts.question", 20);
    cam.shoot(&pty, "accounts", "5 · Accounts & security");
    enter_until(&mut pty, "review.intro", 10);
    cam.shoot(
        &pty,
        "review",
        "6 · Review: the permissions as the portal shows them",
    );
    pty.send_key(Key::Enter);
    // The checklist runs for a few seconds (the demo tenant replicates new objects like Entra).
    if pty
        .wait_for_text(&marker("register.running_note"), Duration::from_secs(20))
        .is_ok()
    {
        cam.shoot(&pty, "register", "7 · Register: live checklist");
    }
    wait(&pty, "consent.intro", 60);
    cam.shoot(&pty, "consent", "8 · Admin consent");
    // Grant from the tool, after the confirmation.
    pty.send_text("g");
    wait(&pty, "grant.changes_tenant", 10);
    cam.shoot(
        &pty,
        "consent-confirm",
        "8 · Granting from exowiz asks first",
    );
    pty.send_text("y");
    wait(&pty, "consent.all_granted", 30);
    enter_until(&mut pty, "verify.title", 10);
    wait(&pty, "verify.continue", 120);
    cam.shoot(&pty, "verify", "9 · Verify: a token from the new secret");
    enter_until(&mut pty, "done.shown_once", 10);
    cam.shoot(&pty, "done", "10 · Done: what to paste where");
    pty.send_text("r");
    std::thread::sleep(Duration::from_millis(300));
    cam.shoot(&pty, "done-revealed", "10 · Done: the secret revealed");
    pty.send_text("?");
    std::thread::sleep(Duration::from_millis(300));
    cam.shoot(&pty, "help", "? · Help lists every key of the step");
    pty.send_key(Key::Esc);
    // `s` saves the Exchange Online commands where exowiz was started (the data directory here)
    // as one script, and the status line says where.
    std::thread::sleep(Duration::from_millis(300));
    pty.send_text("s");
    wait(&pty, "status.commands_saved", 10);
    let scripts: Vec<PathBuf> = std::fs::read_dir(data.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ps1"))
        .collect();
    assert_eq!(scripts.len(), 1, "{scripts:?}");
    let name = scripts[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    assert!(name.starts_with("exowiz-officemaster-"), "{name}");
    let bytes = std::fs::read(&scripts[0]).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 with BOM");
    assert!(
        pty.screen_text().contains(&name),
        "the screen names the file"
    );
    pty.send_key(Key::CtrlC);
    let _ = pty.wait_exit(Duration::from_secs(10));

    // The other two jobs, on the app just registered (same demo tenant, same data directory).
    let mut pty = Pty::exowiz(&["demo"], data.path());
    wait(&pty, "welcome.choose", 60);
    pty.send_key(Key::Right);
    std::thread::sleep(Duration::from_millis(300));
    cam.shoot(&pty, "welcome-rotate", "Welcome: the job — rotate a secret");
    enter_until(&mut pty, "sign_in.how", 10);
    enter_until(&mut pty, "sign_in.account", 60);
    enter_until(&mut pty, "rotate.app_intro", 10);
    wait(&pty, "accounts.group_saved", 20);
    cam.shoot(
        &pty,
        "rotate-app",
        "Rotate: pick the app (saved registrations first)",
    );
    enter_until(&mut pty, "rotate.lifetime", 20);
    cam.shoot(
        &pty,
        "rotate-secrets",
        "Rotate: its secrets and the new one's lifetime",
    );
    enter_until(&mut pty, "verify.title", 30);
    wait(&pty, "verify.continue", 120);
    enter_until(&mut pty, "done.shown_once", 10);
    cam.shoot(&pty, "rotate-done", "Rotate: the new secret");
    // The older secrets may only go once the new one was copied or revealed (issue 10.2).
    pty.send_text("c");
    wait(&pty, "clipboard.clears_in", 10);
    pty.send_text("x");
    wait(&pty, "remove_old.title", 10);
    cam.shoot(
        &pty,
        "rotate-remove-confirm",
        "Rotate: removing the older secrets asks first",
    );
    pty.send_text("n");
    pty.send_text("r");
    pty.send_key(Key::CtrlC);
    let _ = pty.wait_exit(Duration::from_secs(10));

    let mut pty = Pty::exowiz(&["demo"], data.path());
    wait(&pty, "welcome.choose", 60);
    pty.send_key(Key::Right);
    pty.send_key(Key::Right);
    enter_until(&mut pty, "sign_in.how", 10);
    enter_until(&mut pty, "sign_in.account", 60);
    enter_until(&mut pty, "check.app_intro", 10);
    pty.send_text("OfficeMaster");
    let _ = pty.wait_for_text("OfficeMaster EWS", Duration::from_secs(20));
    enter_until(&mut pty, "check.title", 30);
    cam.shoot(&pty, "check-findings", "Check: the findings");
    pty.send_key(Key::CtrlC);
    let _ = pty.wait_exit(Duration::from_secs(10));

    // An interrupted registration (myfactory, killed right after its secret was made), then
    // the next run's offer to continue it.
    let mut pty = Pty::exowiz_with_env(
        &["demo"],
        data.path(),
        &[("EXOWIZ_TEST_ABORT_AFTER", "secret")],
    );
    wait(&pty, "welcome.choose", 60);
    pty.send_key(Key::Down);
    enter_until(&mut pty, "sign_in.how", 10);
    enter_until_review(&mut pty);
    pty.send_key(Key::Enter);
    let _ = pty.wait_exit(Duration::from_secs(60));

    let mut pty = Pty::exowiz(&["demo"], data.path());
    wait(&pty, "welcome.choose", 60);
    pty.send_key(Key::Down);
    enter_until(&mut pty, "sign_in.how", 10);
    pty.send_key(Key::Enter);
    wait(&pty, "resume.title", 60);
    cam.shoot(
        &pty,
        "resume-offer",
        "An interrupted run: continue it before anything changes",
    );
    pty.send_key(Key::Enter);
    enter_until_review(&mut pty);
    cam.shoot(
        &pty,
        "review-continuing",
        "Review: the interrupted run's app is completed",
    );
    pty.send_key(Key::CtrlC);
    pty.send_key(Key::CtrlC);
    let _ = pty.wait_exit(Duration::from_secs(10));

    // The same program under a German locale.
    let mut pty = Pty::exowiz_with_env(&["demo"], data.path(), &[("LANG", "de_DE.UTF-8")]);
    let german = exowiz::i18n::text(exowiz::i18n::Language::German, "welcome.choose");
    let german: String = german.chars().take(30).collect();
    if let Err(screen) = pty.wait_for_text(&german, Duration::from_secs(60)) {
        panic!("German welcome: {screen}");
    }
    cam.shoot(
        &pty,
        "welcome-de",
        "Welcome under a German locale (--lang de)",
    );
    pty.send_key(Key::CtrlC);
    let _ = pty.wait_exit(Duration::from_secs(10));

    assert!(cam.taken.len() >= 24, "{:?}", cam.taken);
}

/// Presses Enter (one step at a time, each given time for its checks) until Review shows.
fn enter_until_review(pty: &mut Pty) {
    let review = marker("review.intro");
    for _ in 0..10 {
        if pty.screen_text().contains(&review) {
            return;
        }
        pty.send_key(Key::Enter);
        let _ = pty.wait_for_text(&review, Duration::from_secs(4));
    }
    wait(pty, "review.intro", 1);
}
