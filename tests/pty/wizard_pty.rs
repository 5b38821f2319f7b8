//! The real exowiz binary in a pseudo-terminal (`exowiz demo` with the demo tenant started
//! in-process): terminal setup and restore, no output while idle, panics.
#![cfg(unix)]

use crate::support;

use std::time::Duration;
use support::pty::{Key, Pty};

/// A debug build starting the demo tenant on a busy 2-core machine can take a while.
const START: Duration = Duration::from_secs(30);

fn started(pty: &Pty) {
    assert!(
        pty.wait_until(START, |s| s.alternate_screen() && s.hide_cursor()),
        "exowiz did not enter the alternate screen with a hidden cursor. Output: {:?}",
        String::from_utf8_lossy(&pty.raw_output())
    );
    assert!(pty.screen(|s| s.bracketed_paste()), "bracketed paste is on");
}

fn assert_restored(pty: &Pty) {
    pty.screen(|s| {
        assert!(!s.alternate_screen(), "left the alternate screen");
        assert!(!s.hide_cursor(), "cursor shown again");
        assert!(!s.bracketed_paste(), "bracketed paste off again");
    });
}

#[test]
fn ctrl_c_leaves_with_the_terminal_restored() {
    let data = tempfile::tempdir().unwrap();
    let mut pty = Pty::exowiz(&["demo"], data.path());
    started(&pty);
    assert!(pty.wait_quiet(Duration::from_millis(300), Duration::from_secs(10)));
    pty.send_key(Key::CtrlC);
    let status = pty
        .wait_exit(Duration::from_secs(15))
        .expect("exowiz exits after Ctrl+C");
    assert_eq!(status.exit_code(), 0, "{status:?}");
    assert_restored(&pty);
    // The demo tenant kept its state in the data directory, and the log went to the file.
    assert!(data.path().join("demo-tenant.json").exists());
    assert!(data.path().join("exowiz.log").exists());
}

#[test]
fn nothing_is_written_while_idle() {
    let data = tempfile::tempdir().unwrap();
    let mut pty = Pty::exowiz(&["demo"], data.path());
    started(&pty);
    assert!(
        pty.wait_quiet(Duration::from_millis(500), Duration::from_secs(15)),
        "the first frame settles"
    );
    let before = pty.bytes_written();
    std::thread::sleep(Duration::from_secs(2));
    let after = pty.bytes_written();
    let raw = pty.raw_output();
    assert_eq!(
        after - before,
        0,
        "exowiz wrote while idle: {:?}",
        String::from_utf8_lossy(&raw[before..])
    );
    pty.send_key(Key::CtrlC);
    assert_eq!(
        pty.wait_exit(Duration::from_secs(15)).unwrap().exit_code(),
        0
    );
}

#[test]
fn sigterm_leaves_with_the_terminal_restored() {
    let data = tempfile::tempdir().unwrap();
    let mut pty = Pty::exowiz(&["demo"], data.path());
    started(&pty);
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pty.pid().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = pty.wait_exit(Duration::from_secs(15)).expect("exits");
    assert_eq!(status.exit_code(), 0, "{status:?}");
    assert_restored(&pty);
}

#[test]
fn demo_reset_starts_from_the_seeded_tenant() {
    let data = tempfile::tempdir().unwrap();
    let state = data.path().join("demo-tenant.json");
    std::fs::write(&state, "not the demo tenant").unwrap();
    let mut pty = Pty::exowiz(&["demo", "--reset"], data.path());
    started(&pty);
    pty.send_key(Key::CtrlC);
    assert_eq!(
        pty.wait_exit(Duration::from_secs(15)).unwrap().exit_code(),
        0
    );
    let text = std::fs::read_to_string(&state).unwrap();
    assert!(text.contains("Contoso"), "seeded again: {text:.200}");
}

/// Debug builds panic after the first frame with EXOWIZ_DEBUG_PANIC=1.
#[cfg(debug_assertions)]
#[test]
fn a_panic_restores_the_terminal_and_names_the_log_file() {
    let data = tempfile::tempdir().unwrap();
    let mut pty = Pty::exowiz_with_env(&["demo"], data.path(), &[("EXOWIZ_DEBUG_PANIC", "1")]);
    let status = pty.wait_exit(START).expect("exits after the panic");
    assert_eq!(status.exit_code(), 101, "{status:?}");
    assert_restored(&pty);
    let log = data.path().join("exowiz.log");
    let screen = pty.screen_text();
    assert!(
        screen.contains(&format!(
            "exowiz stopped unexpectedly; details are in {}",
            log.display()
        )),
        "{screen}"
    );
    let raw = String::from_utf8_lossy(&pty.raw_output()).to_string();
    assert!(!raw.contains("panicked at"), "no panic text on the screen");
    assert!(!raw.contains("backtrace"), "no backtrace on the screen");
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("EXOWIZ_DEBUG_PANIC is set"), "{logged}");
    assert!(logged.contains("backtrace"), "{logged}");
}

/// A saved registration whose secret expires soon is named on Welcome (read offline at start,
/// as `exowiz status` reads it), with the job that renews it.
#[test]
fn welcome_names_a_saved_secret_that_expires_soon() {
    use chrono::{Duration as Days, Utc};
    use exowiz::store::{SavedRegistration, SavedSecret, Store};
    let data = tempfile::tempdir().unwrap();
    Store::new(data.path())
        .upsert(SavedRegistration {
            tenant_id: "6f1d3c2a-8b4e-4d7a-9c5f-2e8b7a1d4c90".into(),
            tenant_name: Some("Contoso Ltd".into()),
            profile: "officemaster".into(),
            app_name: "OfficeMaster EWS".into(),
            client_id: "0a7c4e12-3b5d-4f68-9a1b-7c2d8e9f0a34".into(),
            app_object_id: "3e8a1c5f-7d2b-4e9a-8c1f-6b3d0a7e4c21".into(),
            service_principal_id: None,
            secrets: vec![SavedSecret {
                key_id: "k".into(),
                display_name: None,
                hint: None,
                end_date_time: Utc::now() + Days::days(12) + Days::hours(1),
            }],
            graph_url: "https://graph.microsoft.com/".into(),
            updated: Utc::now(),
            adopted: false,
            uses_ews: None,
            mailbox: None,
            unknown: Default::default(),
        })
        .unwrap();
    let mut pty = Pty::exowiz(&["demo"], data.path());
    started(&pty);
    pty.wait_for_text(
        "OfficeMaster EWS (Contoso Ltd): its client secret expires in 12 days",
        START,
    )
    .unwrap_or_else(|screen| panic!("not named on Welcome: {screen}"));
    pty.send_key(Key::CtrlC);
    assert!(pty.wait_exit(Duration::from_secs(15)).is_some());
}

/// Issue 14.11: the terminal goes away without a SIGHUP to exowiz (it is not the session
/// leader: here a shell that ignores SIGHUP is, as when exowiz is started from a script). Its
/// reads then return end-of-file; before, crossterm retried them forever on a whole core.
/// exowiz must end, and burn little CPU until it does (CPU time from /proc, not wall time).
#[cfg(target_os = "linux")]
#[test]
fn a_terminal_gone_without_sighup_ends_the_wizard() {
    use support::process::{self, KillOnDrop};
    let data = tempfile::tempdir().unwrap();
    let mut pty = Pty::exowiz_under(
        &["sh", "-c", "trap '' HUP; \"$@\"; exit $?", "sh"],
        &["demo"],
        data.path(),
        &[],
    );
    started(&pty);
    let shell = pty.pid();
    let exowiz = process::children_named(shell, "exowiz");
    assert_eq!(exowiz.len(), 1, "one exowiz under the shell: {exowiz:?}");
    let exowiz = exowiz[0];
    let _cleanup = KillOnDrop(exowiz);
    assert!(pty.wait_quiet(Duration::from_millis(300), Duration::from_secs(10)));
    let before = process::stat(exowiz).expect("exowiz runs").cpu_ticks;

    pty.hang_up();
    // Bounded wait for the exit; the last reading before it is what the process used.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut last = before;
    while !process::exited(exowiz) && std::time::Instant::now() < deadline {
        if let Some(stat) = process::stat(exowiz) {
            last = stat.cpu_ticks;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    if let Some(stat) = process::stat(exowiz) {
        last = stat.cpu_ticks;
    }
    let used = (last - before) as f64 / process::ticks_per_second() as f64;
    assert!(
        process::exited(exowiz),
        "exowiz still runs 30 s after its terminal hung up, having used {used:.1} s of CPU"
    );
    // Generous: spinning on end-of-file uses a whole core for as long as the process lives.
    assert!(used < 5.0, "{used:.1} s of CPU after the hang-up");
    let status = pty
        .wait_exit(Duration::from_secs(15))
        .expect("the shell ends");
    assert_eq!(status.exit_code(), 0, "{status:?}");
    let log = std::fs::read_to_string(data.path().join("exowiz.log")).unwrap();
    assert!(!log.contains("panic"), "{log}");
}

/// Issue 14.11: closing the terminal (a SIGHUP to exowiz, the session leader, and a hung-up
/// terminal) ends the wizard with exit code 0 — before, ratatui's clean-up wrote to the gone
/// terminal and the failed `eprintln!` was logged as a panic (exit 101).
#[cfg(target_os = "linux")]
#[test]
fn closing_the_terminal_ends_the_wizard_without_a_panic() {
    let data = tempfile::tempdir().unwrap();
    let mut pty = Pty::exowiz(&["demo"], data.path());
    started(&pty);
    assert!(pty.wait_quiet(Duration::from_millis(300), Duration::from_secs(10)));
    pty.hang_up();
    let status = pty
        .wait_exit(Duration::from_secs(30))
        .expect("exowiz exits when its terminal is closed");
    let log = std::fs::read_to_string(data.path().join("exowiz.log")).unwrap();
    assert!(!log.contains("panic"), "{log}");
    assert!(log.contains("SIGHUP") || log.contains("hung up"), "{log}");
    assert_eq!(status.exit_code(), 0, "{status:?}");
}

/// The bytes written after `from`, as text (escape sequences included).
#[cfg(target_os = "linux")]
fn written_since(pty: &Pty, from: usize) -> String {
    String::from_utf8_lossy(&pty.raw_output()[from..]).into_owned()
}

/// Waits (bounded) until the process is in `state`.
#[cfg(target_os = "linux")]
fn wait_for_state(pid: u32, state: char) -> bool {
    use support::process;
    let deadline = std::time::Instant::now() + START;
    while std::time::Instant::now() < deadline {
        if process::stat(pid).is_some_and(|s| s.state == state) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// Suspends with `suspend`, checks the terminal is restored and the process stopped, continues
/// it and checks the wizard's screen is back in full and takes keys (raw mode: an arrow key
/// arrives without Enter).
#[cfg(target_os = "linux")]
fn suspend_and_continue(suspend: impl FnOnce(&mut Pty)) {
    use support::process::{self, KillOnDrop};
    let data = tempfile::tempdir().unwrap();
    let mut pty = Pty::exowiz(&["demo"], data.path());
    started(&pty);
    let pid = pty.pid();
    let _cleanup = KillOnDrop(pid);
    pty.wait_for_text("Which product do you connect?", START)
        .unwrap();
    assert!(pty.wait_quiet(Duration::from_millis(300), Duration::from_secs(10)));

    let before = pty.bytes_written();
    suspend(&mut pty);
    assert!(
        pty.wait_until(START, |s| !s.alternate_screen() && !s.hide_cursor()),
        "left the alternate screen with the cursor shown: {:?}",
        written_since(&pty, before)
    );
    let restored = written_since(&pty, before);
    assert!(restored.contains("\x1b[?1049l"), "{restored:?}");
    assert!(restored.contains("\x1b[?25h"), "{restored:?}");
    assert!(
        wait_for_state(pid, 'T'),
        "exowiz is stopped: {:?}",
        process::stat(pid)
    );
    // Stopped: the wizard's text is gone from the (main) screen.
    assert!(!pty.screen_text().contains("Which product do you connect?"));

    let stopped = pty.bytes_written();
    process::send_signal(pid, "CONT");
    pty.wait_for_text("Which product do you connect?", START)
        .unwrap_or_else(|screen| panic!("the screen is drawn again after SIGCONT: {screen}"));
    assert!(pty.screen(|s| s.alternate_screen() && s.hide_cursor()));
    assert!(written_since(&pty, stopped).contains("\x1b[?1049h"));
    // Drawn in full: the product list and the header, not only what changed.
    let screen = pty.screen_text();
    assert!(
        screen.contains("OfficeMaster connector for Office 365"),
        "{screen}"
    );
    assert!(screen.contains("Welcome"), "{screen}");

    // Keys work again, one at a time (raw mode, not line-buffered).
    pty.send_key(Key::Down);
    pty.wait_for_text(
        "What exowiz registers for the myfactory Exchange connector",
        START,
    )
    .unwrap_or_else(|screen| panic!("the arrow key moves the selection: {screen}"));
    pty.send_key(Key::CtrlC);
    let status = pty.wait_exit(Duration::from_secs(15)).expect("exits");
    assert_eq!(status.exit_code(), 0, "{status:?}");
    assert_restored(&pty);
}

/// Issue 14.11: SIGTSTP (the shell's job control, `kill -TSTP`) restores the terminal and
/// stops; SIGCONT (`fg`) takes the terminal again and redraws.
#[cfg(target_os = "linux")]
#[test]
fn sigtstp_suspends_with_the_terminal_restored_and_sigcont_redraws() {
    suspend_and_continue(|pty| support::process::send_signal(pty.pid(), "TSTP"));
}

/// Ctrl+Z: in raw mode the terminal sends the key, not SIGTSTP; the wizard suspends the same.
#[cfg(target_os = "linux")]
#[test]
fn ctrl_z_suspends_like_sigtstp() {
    suspend_and_continue(|pty| pty.send_key(Key::Ctrl('z')));
}

/// Issue 10.1: below 80×24 only "the terminal is too small" shows, so no key but quit may act.
/// Enter and typed letters at 60×20 leave Welcome as it was; back at full size, Welcome is still
/// there, and Ctrl+C still quits while too small. In English and German.
#[test]
fn keys_do_nothing_while_the_terminal_is_too_small() {
    use exowiz::i18n::{Language, text};
    for (language, lang) in [
        (Language::English, "C.UTF-8"),
        (Language::German, "de_DE.UTF-8"),
    ] {
        let data = tempfile::tempdir().unwrap();
        let mut pty = Pty::exowiz_with_env(&["demo"], data.path(), &[("LANG", lang)]);
        started(&pty);
        let welcome = text(language, "header.step_of")
            .replace("{n}", "1")
            .replace("{m}", "10")
            .replace("{title}", text(language, "step.welcome"));
        pty.wait_for_text(&welcome, START).unwrap();
        assert!(pty.wait_quiet(Duration::from_millis(300), Duration::from_secs(15)));
        pty.resize(20, 60);
        pty.wait_for_text("60×20", Duration::from_secs(15)).unwrap();
        // Enter would start signing in; ↓ would pick another profile.
        pty.send_key(Key::Enter);
        pty.send_key(Key::Down);
        pty.send_text("j");
        assert!(pty.wait_quiet(Duration::from_millis(500), Duration::from_secs(15)));
        pty.resize(30, 100);
        pty.wait_for_text(&welcome, Duration::from_secs(15))
            .expect("still on Welcome after keys while too small");
        pty.resize(20, 60);
        pty.wait_for_text("60×20", Duration::from_secs(15)).unwrap();
        pty.send_key(Key::CtrlC);
        let status = pty
            .wait_exit(Duration::from_secs(15))
            .expect("Ctrl+C quits while too small");
        assert_eq!(status.exit_code(), 0, "{language:?}: {status:?}");
    }
}

/// Issue 10.12: the real program honours NO_COLOR (https://no-color.org): no cell of the first
/// screen has a colour; without it, some do.
#[test]
fn no_color_leaves_the_screen_without_colours() {
    let coloured = |env: &[(&str, &str)]| {
        let data = tempfile::tempdir().unwrap();
        let mut pty = Pty::exowiz_with_env(&["demo"], data.path(), env);
        started(&pty);
        let title = exowiz::i18n::t("step.welcome");
        pty.wait_for_text(title, START).unwrap();
        assert!(pty.wait_quiet(Duration::from_millis(300), Duration::from_secs(15)));
        let any = pty.screen(|s| {
            let (rows, cols) = s.size();
            let (rows, cols) = (rows.get(), cols.get());
            (0..rows).any(|r| {
                (0..cols).any(|c| {
                    s.cell(r, c).is_some_and(|cell| {
                        cell.fgcolor() != vt100::Color::Default
                            || cell.bgcolor() != vt100::Color::Default
                    })
                })
            })
        });
        pty.send_key(Key::CtrlC);
        assert!(pty.wait_exit(Duration::from_secs(15)).is_some());
        any
    };
    assert!(!coloured(&[("NO_COLOR", "1")]), "NO_COLOR=1 still coloured");
    assert!(coloured(&[]), "colours without NO_COLOR");
}
