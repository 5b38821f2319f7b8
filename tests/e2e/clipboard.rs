//! The clipboard: OSC 52 encoding, which path is chosen where, the clear-if-unchanged rule, and
//! that a copied secret never reaches the log or an error message.

use exowiz::clipboard::{
    Clipboard, ClipboardEnv, ClipboardVia, OSC52_CLEAR, TerminalOut, osc52_sequence,
};
use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};

/// A terminal that records what is written to it.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<u8>>>);

impl Recorder {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl Write for Recorder {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A terminal that cannot be written to.
struct Broken;

impl Write for Broken {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::new(io::ErrorKind::BrokenPipe, "terminal gone"))
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn env(vars: &[(&str, &str)]) -> ClipboardEnv {
    let map: HashMap<String, OsString> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), OsString::from(v)))
        .collect();
    ClipboardEnv::from_lookup(|name| map.get(name).cloned())
}

/// OSC 52 only: an SSH session.
fn over_ssh() -> (Clipboard, Recorder) {
    let terminal = Recorder::default();
    let clipboard = Clipboard::new(
        env(&[("SSH_CONNECTION", "10.0.0.1 22 10.0.0.2 50000")]),
        TerminalOut::new(terminal.clone()),
    );
    (clipboard, terminal)
}

#[test]
fn osc52_is_esc_52_c_base64_st() {
    assert_eq!(osc52_sequence("hello").as_str(), "\x1b]52;c;aGVsbG8=\x1b\\");
    assert_eq!(
        osc52_sequence("Grüße~").as_str(),
        "\x1b]52;c;R3LDvMOfZX4=\x1b\\"
    );
    assert_eq!(osc52_sequence("").as_str(), OSC52_CLEAR);
    // A real secret's characters (Entra uses ~ . _ -) survive the round trip.
    let secret = "aB3~Q8Q~x.Yz_0-9kLmNoPqRsTuVwXyZ0123456789";
    let seq = osc52_sequence(secret);
    let payload = seq
        .strip_prefix("\x1b]52;c;")
        .unwrap()
        .strip_suffix("\x1b\\")
        .unwrap();
    use base64::Engine;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(payload)
        .unwrap();
    assert_eq!(decoded, secret.as_bytes());
}

#[test]
fn ssh_and_missing_display_choose_osc52() {
    let local_gui = env(&[("DISPLAY", ":0")]);
    assert!(local_gui.prefer_system());
    assert!(env(&[("WAYLAND_DISPLAY", "wayland-0")]).prefer_system());

    let ssh = env(&[("DISPLAY", ":0"), ("SSH_CONNECTION", "a 1 b 2")]);
    assert!(ssh.ssh);
    assert!(
        !ssh.prefer_system(),
        "over SSH the remote clipboard is useless"
    );
    assert!(!env(&[("DISPLAY", ":0"), ("SSH_TTY", "/dev/pts/1")]).prefer_system());

    // Forcing wins both ways.
    assert!(!env(&[("DISPLAY", ":0"), ("EXOWIZ_CLIPBOARD", "osc52")]).prefer_system());
    assert!(env(&[("SSH_TTY", "/dev/pts/1"), ("EXOWIZ_CLIPBOARD", "system")]).prefer_system());
    assert_eq!(
        env(&[("EXOWIZ_CLIPBOARD", "whatever")]).forced,
        None,
        "an unknown value is ignored"
    );

    if cfg!(all(unix, not(target_os = "macos"))) {
        assert!(!env(&[]).prefer_system(), "no graphical session on Linux");
        assert!(!env(&[("DISPLAY", "")]).prefer_system(), "empty DISPLAY");
    } else {
        assert!(
            env(&[]).prefer_system(),
            "Windows and macOS always have one"
        );
    }
}

#[test]
fn osc52_copy_and_clear_if_unchanged() {
    let (clipboard, terminal) = over_ssh();
    assert_eq!(clipboard.copy("first-secret"), Ok(ClipboardVia::Osc52));
    assert_eq!(terminal.text(), osc52_sequence("first-secret").as_str());
    assert_eq!(
        clipboard.read_matches("first-secret"),
        None,
        "a terminal's clipboard cannot be read"
    );
    assert!(clipboard.clear_if_unchanged("first-secret"));
    assert!(terminal.text().ends_with(OSC52_CLEAR));
    // Cleared once: a second timer for the same value has nothing to do.
    assert!(!clipboard.clear_if_unchanged("first-secret"));
}

#[test]
fn a_later_copy_is_not_cleared_by_an_earlier_timer() {
    let (clipboard, terminal) = over_ssh();
    clipboard.copy("the-secret").unwrap();
    clipboard.copy("client-id-1234").unwrap();
    let before = terminal.text();
    assert!(!clipboard.clear_if_unchanged("the-secret"));
    assert_eq!(terminal.text(), before, "nothing written");
    // Nothing copied at all: nothing to clear.
    let (fresh, terminal) = over_ssh();
    assert!(!fresh.clear_if_unchanged("x"));
    assert_eq!(terminal.text(), "");
}

#[test]
fn clear_writes_an_empty_osc52() {
    let (clipboard, terminal) = over_ssh();
    assert_eq!(clipboard.clear(), Ok(ClipboardVia::Osc52));
    assert_eq!(terminal.text(), OSC52_CLEAR);
}

#[test]
fn a_failed_copy_says_so_without_the_value() {
    let clipboard = Clipboard::new(env(&[("SSH_TTY", "/dev/pts/3")]), TerminalOut::new(Broken));
    let err = clipboard.copy("do-not-show-me").unwrap_err().to_string();
    assert!(err.contains("Nothing was copied"), "{err}");
    assert!(!err.contains("do-not-show-me"), "{err}");
}

/// Where no system clipboard can be opened (no X server), a forced system copy falls back to
/// OSC 52 and says so. `arboard` reads the process's own `DISPLAY`, so on a machine with a
/// graphical session the test runs again in a child process without one instead of skipping.
#[test]
fn system_clipboard_failure_falls_back_to_osc52() {
    let graphical =
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    if graphical && !in_child() {
        rerun_in_child(
            "system_clipboard_failure_falls_back_to_osc52",
            &[],
            &["DISPLAY", "WAYLAND_DISPLAY"],
        );
        return;
    }
    assert!(!graphical, "the child runs without a graphical session");
    let terminal = Recorder::default();
    let clipboard = Clipboard::new(
        env(&[("EXOWIZ_CLIPBOARD", "system")]),
        TerminalOut::new(terminal.clone()),
    );
    assert_eq!(clipboard.copy("fallback-secret"), Ok(ClipboardVia::Osc52));
    assert_eq!(terminal.text(), osc52_sequence("fallback-secret").as_str());
}

/// Set in a child process started by [`rerun_in_child`].
const CHILD: &str = "EXOWIZ_CLIPBOARD_TEST_CHILD";

fn in_child() -> bool {
    std::env::var_os(CHILD).is_some()
}

/// Runs the test `name` of this binary again in a child process with `set` added to and
/// `remove` taken from the environment, and fails unless it ran there and passed. For tests
/// whose subject reads the process environment itself (a test may not change its own: the
/// other tests run in threads beside it).
fn rerun_in_child(name: &str, set: &[(&str, &str)], remove: &[&str]) {
    // The test's full name in this binary (`clipboard::name`): `--exact` matches nothing else.
    let module = module_path!()
        .split_once("::")
        .expect("a module of the test binary")
        .1;
    let full_name = format!("{module}::{name}");
    let mut child = std::process::Command::new(std::env::current_exe().unwrap());
    child
        .args([
            full_name.as_str(),
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1");
    for (key, value) in set {
        child.env(key, value);
    }
    for key in remove {
        child.env_remove(key);
    }
    let out = child.output().expect("the test binary runs again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{name} in a child process:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every path a copy can take logs which one it took, never the value. The fallback from a
/// failing system clipboard needs a process without a graphical session: on a desktop the test
/// runs in a child process without one.
#[test]
fn secrets_are_not_logged() {
    let graphical =
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    if graphical && !in_child() {
        rerun_in_child(
            "secrets_are_not_logged",
            &[],
            &["DISPLAY", "WAYLAND_DISPLAY"],
        );
        return;
    }
    let log = Recorder::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let secret = "Zq8~verysecretvalue.0123456789_abcdefghij";
    tracing::subscriber::with_default(subscriber, || {
        let (clipboard, _terminal) = over_ssh();
        clipboard.copy(secret).unwrap();
        assert!(clipboard.clear_if_unchanged(secret));
        let broken = Clipboard::new(env(&[("SSH_TTY", "/dev/pts/3")]), TerminalOut::new(Broken));
        let _ = broken.copy(secret);
        let fallback = Clipboard::new(
            env(&[("EXOWIZ_CLIPBOARD", "system")]),
            TerminalOut::new(Recorder::default()),
        );
        fallback.copy(secret).unwrap();
    });
    let logged = log.text();
    assert!(logged.contains("OSC 52"), "the path is logged: {logged}");
    assert!(!logged.contains(secret), "{logged}");
    assert!(
        !logged.contains(
            osc52_sequence(secret)
                .trim_start_matches("\x1b]52;c;")
                .trim_end_matches("\x1b\\")
        ),
        "nor its base64: {logged}"
    );
    assert!(!logged.contains("verysecret"), "{logged}");
}

/// The system clipboard on a real X server: copy, read back, the clear-if-unchanged rule, and
/// the password-manager hint that keeps the secret out of clipboard histories. The test starts
/// its own X server (Xvfb) so that it never touches the clipboard of a desktop it runs on, and
/// runs the checks in a child process pointed at it. Without `Xvfb` and `xclip` it fails with a
/// sentence: a skipped check would pass unseen (`scripts/test.sh` installs both on Debian).
#[cfg(all(unix, not(target_os = "macos")))]
#[test]
fn system_clipboard_on_x11() {
    if !in_child() {
        let server = XServer::start();
        rerun_in_child(
            "system_clipboard_on_x11",
            &[("DISPLAY", &server.display)],
            &["WAYLAND_DISPLAY"],
        );
        return;
    }
    use std::process::{Command, Stdio};
    let display = std::env::var("DISPLAY").expect("DISPLAY is set");
    let xclip = |args: &[&str]| {
        Command::new("xclip")
            .args(args)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
            .unwrap_or_default()
    };
    let terminal = Recorder::default();
    let clipboard = Clipboard::new(
        env(&[("DISPLAY", &display)]),
        TerminalOut::new(terminal.clone()),
    );
    assert_eq!(clipboard.copy("x11~secret"), Ok(ClipboardVia::System));
    assert_eq!(
        terminal.text(),
        "",
        "no OSC 52 when the system clipboard works"
    );
    assert_eq!(clipboard.read_matches("x11~secret"), Some(true));
    assert_eq!(xclip(&["-o", "-selection", "clipboard"]), "x11~secret");
    let targets = xclip(&["-o", "-selection", "clipboard", "-t", "TARGETS"]);
    assert!(
        targets.contains("x-kde-passwordManagerHint"),
        "excluded from clipboard history: {targets}"
    );

    // The admin copies something else: the timer leaves it alone.
    let mut other = Command::new("xclip")
        .args(["-i", "-selection", "clipboard"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    other
        .stdin
        .take()
        .unwrap()
        .write_all(b"admin's own text")
        .unwrap();
    other.wait().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(!clipboard.clear_if_unchanged("x11~secret"));
    assert_eq!(
        xclip(&["-o", "-selection", "clipboard"]),
        "admin's own text"
    );

    // Still ours when the timer runs: cleared.
    clipboard.copy("x11~secret").unwrap();
    assert!(clipboard.clear_if_unchanged("x11~secret"));
    assert_ne!(xclip(&["-o", "-selection", "clipboard"]), "x11~secret");
}

/// An Xvfb server for one test, stopped when dropped.
#[cfg(all(unix, not(target_os = "macos")))]
struct XServer {
    process: std::process::Child,
    display: String,
}

#[cfg(all(unix, not(target_os = "macos")))]
impl XServer {
    fn start() -> Self {
        use std::io::BufRead;
        use std::process::{Command, Stdio};
        let missing = |tool: &str| {
            Command::new("which")
                .arg(tool)
                .stdout(Stdio::null())
                .status()
                .map(|s| !s.success())
                .unwrap_or(true)
        };
        for tool in ["Xvfb", "xclip"] {
            assert!(
                !missing(tool),
                "{tool} is not installed: the system-clipboard test needs Xvfb and xclip \
                 (Debian: apt-get install xvfb xclip; scripts/test.sh installs them)"
            );
        }
        // -displayfd: Xvfb picks a free display and writes its number to that descriptor.
        let mut process = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-nolisten",
                "tcp",
                "-screen",
                "0",
                "640x480x24",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts");
        let mut line = String::new();
        std::io::BufReader::new(process.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("Xvfb names its display");
        let number = line.trim();
        assert!(
            !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()),
            "Xvfb did not name a display: {line:?}"
        );
        Self {
            process,
            display: format!(":{number}"),
        }
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
impl Drop for XServer {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}
