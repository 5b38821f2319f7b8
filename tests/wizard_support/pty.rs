//! Running the real exowiz binary in a pseudo-terminal: spawn it, read the screen it draws (a
//! vt100 emulator keeps the screen), type keys, wait for text, and count the bytes it writes.
//!
//! ```ignore
//! let data = tempfile::tempdir().unwrap();
//! let mut pty = Pty::exowiz(&["demo"], data.path());
//! pty.wait_for_text("Welcome", Duration::from_secs(20)).unwrap();
//! pty.send_key(Key::Down);
//! pty.send_key(Key::Enter);
//! pty.wait_for_text("Contoso Ltd", Duration::from_secs(20)).unwrap();
//! pty.send_key(Key::CtrlC);
//! assert_eq!(pty.wait_exit(Duration::from_secs(10)).unwrap().exit_code(), 0);
//! ```
#![allow(dead_code)]

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Screen size the tests use unless they say otherwise.
pub const ROWS: u16 = 30;
pub const COLS: u16 = 100;

/// A key as a terminal sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Up,
    Down,
    Left,
    Right,
    CtrlC,
    /// Ctrl plus a letter.
    Ctrl(char),
    Char(char),
}

impl Key {
    /// The bytes an xterm-compatible terminal sends for the key.
    pub fn bytes(self) -> Vec<u8> {
        match self {
            Key::Enter => b"\r".to_vec(),
            Key::Esc => b"\x1b".to_vec(),
            Key::Tab => b"\t".to_vec(),
            Key::BackTab => b"\x1b[Z".to_vec(),
            Key::Backspace => b"\x7f".to_vec(),
            Key::Up => b"\x1b[A".to_vec(),
            Key::Down => b"\x1b[B".to_vec(),
            Key::Right => b"\x1b[C".to_vec(),
            Key::Left => b"\x1b[D".to_vec(),
            Key::CtrlC => vec![0x03],
            Key::Ctrl(c) => vec![(c.to_ascii_lowercase() as u8) & 0x1f],
            Key::Char(c) => c.to_string().into_bytes(),
        }
    }
}

fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a terminal has at least one row and column")
}

/// What the reader thread collected.
struct Output {
    parser: vt100::Parser,
    raw: Vec<u8>,
    /// When the last byte arrived.
    last_byte: Instant,
    /// The child closed the terminal (exited).
    closed: bool,
}

struct SharedOutput {
    output: Mutex<Output>,
    changed: Condvar,
}

/// A program running in a pseudo-terminal.
pub struct Pty {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    master: Box<dyn MasterPty + Send>,
    shared: Arc<SharedOutput>,
    exit: Option<ExitStatus>,
}

impl Pty {
    /// Starts `program args` in a `rows`×`cols` terminal with the given environment added (and
    /// `remove` taken away) and `cwd` as working directory.
    pub fn spawn(
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        remove: &[&str],
        cwd: &Path,
        rows: u16,
        cols: u16,
    ) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.cwd(cwd);
        for name in remove {
            cmd.env_remove(name);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("the program starts");
        // Only the child holds the terminal's slave side, so reading ends when it exits.
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("a reader");
        let writer = pair.master.take_writer().expect("a writer");
        let shared = Arc::new(SharedOutput {
            output: Mutex::new(Output {
                parser: vt100::Parser::new(nonzero(rows), nonzero(cols), 0),
                raw: Vec::new(),
                last_byte: Instant::now(),
                closed: false,
            }),
            changed: Condvar::new(),
        });
        let sink = shared.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                let n = match reader.read(&mut buf) {
                    Ok(0) | Err(_) => 0,
                    Ok(n) => n,
                };
                let mut out = sink.output.lock().unwrap_or_else(|p| p.into_inner());
                if n == 0 {
                    out.closed = true;
                    sink.changed.notify_all();
                    return;
                }
                out.parser.process(&buf[..n]);
                out.raw.extend_from_slice(&buf[..n]);
                out.last_byte = Instant::now();
                sink.changed.notify_all();
            }
        });
        Pty {
            child,
            writer,
            master: pair.master,
            shared,
            exit: None,
        }
    }

    /// The exowiz binary of this build with `EXOWIZ_DATA_DIR=data_dir`, no browser, no
    /// display, no SSH, `TERM=xterm-256color`, in a 100×30 terminal.
    pub fn exowiz(args: &[&str], data_dir: &Path) -> Pty {
        Self::exowiz_with_env(args, data_dir, &[])
    }

    /// Same, with more environment variables (given later, so they win over the defaults:
    /// `("LANG", "de_DE.UTF-8")` replaces `LANG=C.UTF-8`). The machine's `LC_ALL` and
    /// `LC_MESSAGES` are removed, so the screens are English whatever the machine's locale.
    pub fn exowiz_with_env(args: &[&str], data_dir: &Path, env: &[(&str, &str)]) -> Pty {
        let dir = data_dir.to_str().expect("a UTF-8 temp path");
        let mut all = vec![
            ("EXOWIZ_DATA_DIR", dir),
            ("EXOWIZ_NO_BROWSER", "1"),
            ("TERM", "xterm-256color"),
            ("LANG", "C.UTF-8"),
        ];
        all.extend_from_slice(env);
        Self::spawn(
            env!("CARGO_BIN_EXE_exowiz"),
            args,
            &all,
            &[
                "DISPLAY",
                "WAYLAND_DISPLAY",
                "SSH_CONNECTION",
                "SSH_TTY",
                "EXOWIZ_ACCESS_TOKEN",
                "EXOWIZ_LOGIN_URL",
                "EXOWIZ_GRAPH_URL",
                "EXOWIZ_LOG",
                "EXOWIZ_CLIPBOARD",
                "EXOWIZ_DEBUG_PANIC",
                "LC_ALL",
                "LC_MESSAGES",
            ],
            data_dir,
            ROWS,
            COLS,
        )
    }

    fn output(&self) -> MutexGuard<'_, Output> {
        self.shared.output.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the current screen.
    pub fn screen<R>(&self, f: impl FnOnce(&vt100::Screen) -> R) -> R {
        f(self.output().parser.screen())
    }

    /// The screen's text, rows separated by newlines.
    pub fn screen_text(&self) -> String {
        self.screen(|s| s.contents())
    }

    /// Every byte the program wrote so far.
    pub fn raw_output(&self) -> Vec<u8> {
        self.output().raw.clone()
    }

    /// How many bytes the program wrote so far.
    pub fn bytes_written(&self) -> usize {
        self.output().raw.len()
    }

    /// Types raw bytes.
    pub fn send(&mut self, bytes: &[u8]) {
        self.writer
            .write_all(bytes)
            .expect("the terminal takes input");
        self.writer.flush().expect("the terminal takes input");
    }

    pub fn send_key(&mut self, key: Key) {
        self.send(&key.bytes());
    }

    /// Types text character by character (as one write).
    pub fn send_text(&mut self, text: &str) {
        self.send(text.as_bytes());
    }

    /// A bracketed paste.
    pub fn paste(&mut self, text: &str) {
        self.send(format!("\x1b[200~{text}\x1b[201~").as_bytes());
    }

    /// Resizes the terminal (the program gets SIGWINCH).
    pub fn resize(&mut self, rows: u16, cols: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize");
        self.output().parser.set_size(nonzero(rows), nonzero(cols));
    }

    /// Waits until `done(screen)` holds; false on timeout.
    pub fn wait_until(&self, timeout: Duration, done: impl Fn(&vt100::Screen) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        let mut out = self.output();
        loop {
            if done(out.parser.screen()) {
                return true;
            }
            let now = Instant::now();
            if now >= deadline || out.closed {
                return done(out.parser.screen());
            }
            out = self
                .shared
                .changed
                .wait_timeout(out, deadline - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// Waits until `text` is on the screen; the error shows the screen.
    pub fn wait_for_text(&self, text: &str, timeout: Duration) -> Result<(), String> {
        if self.wait_until(timeout, |s| s.contents().contains(text)) {
            Ok(())
        } else {
            Err(format!(
                "'{text}' did not appear within {timeout:?}. Screen:\n{}",
                self.screen_text()
            ))
        }
    }

    /// Waits until the program has written nothing for `quiet`; false if that does not happen
    /// within `timeout`.
    pub fn wait_quiet(&self, quiet: Duration, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let since = self.output().last_byte.elapsed();
            if since >= quiet {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            std::thread::sleep((quiet - since).min(deadline - now));
        }
    }

    /// Waits for the program to exit and for its last output to be read.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        while self.exit.is_none() {
            match self.child.try_wait() {
                Ok(Some(status)) => self.exit = Some(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                _ => return None,
            }
        }
        // The reader sees the end once the last bytes are through.
        let left = deadline.saturating_duration_since(Instant::now()) + Duration::from_secs(2);
        let mut out = self.output();
        let until = Instant::now() + left;
        while !out.closed && Instant::now() < until {
            out = self
                .shared
                .changed
                .wait_timeout(out, Duration::from_millis(50))
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        drop(out);
        self.exit.clone()
    }

    /// The child's process ID.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("a running child")
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if self.exit.is_none() && matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
