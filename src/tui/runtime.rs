//! The event loop. Terminal events and finished jobs become `Msg`s; `wizard::update` changes
//! the state and returns `Effect`s; the executor runs them; the screen is redrawn after the
//! messages that arrived together have been applied.
//!
//! Nothing redraws on a timer: the loop sleeps until a key, a paste, a resize, a finished job
//! or a signal arrives. Only while `WizardState::wants_tick()` is true (a spinner turns, a
//! countdown runs) does a 100 ms tick send `Msg::Tick`.
//!
//! Ctrl+C: the key goes to `update` like any other. If afterwards the wizard neither quit nor
//! shows a popup (e.g. "quit without copying the secret?"), the runtime quits: Ctrl+C always
//! leaves, except where the wizard asks first; a second Ctrl+C in that popup leaves too unless
//! the wizard keeps a popup open. SIGTERM, SIGHUP and SIGINT end the wizard the same way
//! (exit code 0), and so does a terminal that is gone (its hang-up, see `signals`).
//!
//! Ctrl+Z (in raw mode the key, not the terminal's SIGTSTP) and SIGTSTP suspend: the terminal
//! is restored, the process stops; when continued (`fg`), the wizard's mode is entered again
//! and the whole screen is drawn anew (the shell wrote over it meanwhile). Unix only.

use std::io::{self, Write};
use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::time::Duration;

use crossterm::cursor::MoveTo;
use crossterm::event::{Event, EventStream, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::terminal::{Clear, ClearType};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc;
use tokio::time::{Interval, MissedTickBehavior};

use super::executor::{Control, Executor, ExecutorConfig};
use super::signals::{SignalEvent, Signals, TerminalHangup};
use super::terminal::{self, TerminalGuard};
use crate::clipboard::TerminalOut;
use crate::wizard::{self, Msg, WizardState};

/// How often `Msg::Tick` arrives while the wizard wants ticks: the state machine counts
/// clipboard countdowns in these ticks, so the two share one constant.
pub const TICK: Duration = wizard::update::TICK_INTERVAL;

/// How the loop runs, besides the state and the executor.
pub struct RuntimeOptions {
    /// The terminal's output, shared with the clipboard's OSC 52 (pass the same `TerminalOut`
    /// to `Clipboard::new`).
    pub terminal: TerminalOut,
    /// The log file, named by the panic message.
    pub log_path: Option<PathBuf>,
}

/// The message for a terminal event; `None` for events the wizard does not use (key
/// releases, mouse, focus).
pub fn msg_for_event(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => Some(Msg::Key(key)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        _ => None,
    }
}

/// Ctrl+C (the runtime's way out, see the module documentation).
pub fn is_ctrl_c(msg: &Msg) -> bool {
    matches!(msg, Msg::Key(k) if k.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(k.code, KeyCode::Char('c') | KeyCode::Char('C')))
}

/// Ctrl+Z: suspend (Unix; in raw mode the terminal sends the key instead of SIGTSTP).
pub fn is_ctrl_z(msg: &Msg) -> bool {
    matches!(msg, Msg::Key(k) if k.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(k.code, KeyCode::Char('z') | KeyCode::Char('Z')))
}

/// Why the wizard could not run or stopped; the `Display` is the sentence the command line
/// prints after the terminal is restored.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Standard input or output is not a terminal: which one.
    #[error("{0}")]
    NotATerminal(String),
    #[error("exowiz could not listen for termination signals ({0}).")]
    Signals(io::Error),
    #[error("The terminal could not be switched to the wizard's mode ({0}).")]
    TerminalMode(io::Error),
    /// Reading events from or drawing on the terminal failed.
    #[error("The terminal stopped working ({0}).")]
    Terminal(io::Error),
}

/// Runs the wizard in this terminal until it quits. The terminal is restored on every way out.
pub async fn run(
    mut state: WizardState,
    executor_config: ExecutorConfig,
    options: RuntimeOptions,
) -> Result<(), RunError> {
    if let Some(why) = terminal::not_a_terminal() {
        return Err(RunError::NotATerminal(why));
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut executor = Executor::new(executor_config, tx);
    // Before the terminal changes: from then on a signal must restore it, not kill the process.
    let mut signals = Signals::new().map_err(RunError::Signals)?;
    let guard = TerminalGuard::enter().map_err(RunError::TerminalMode)?;
    terminal::install_panic_hook(options.log_path.clone());
    let result = event_loop(&mut state, &mut executor, &mut rx, &mut signals, &options).await;
    executor.shutdown();
    drop(guard);
    // Back to Rust's own hook: the terminal is restored, so a later panic needs no cleanup.
    let _ = std::panic::take_hook();
    tracing::info!(ok = result.is_ok(), "wizard ended");
    result.map_err(RunError::Terminal)
}

async fn event_loop(
    state: &mut WizardState,
    executor: &mut Executor,
    rx: &mut mpsc::UnboundedReceiver<Msg>,
    signals: &mut Signals,
    options: &RuntimeOptions,
) -> io::Result<()> {
    // Listening for resizes starts before the size is read: a resize in between is reported.
    let mut events = EventStream::new();
    let mut terminal = WizardTerminal::new()?;
    // The wizard refuses keys while the terminal is too small, so it must know the size
    // before the first key (a resize reports each change after this).
    let size = terminal.size()?;
    apply(
        state,
        executor,
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
    );
    clear_screen(options)?;
    draw(&mut terminal, state, options)?;
    debug_panic_after_first_draw();

    let hangup = TerminalHangup::stdin();
    let mut tick: Option<Interval> = None;
    loop {
        let first = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => match msg_for_event(event) {
                    Some(msg) => msg,
                    None => continue,
                },
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            },
            Some(msg) = rx.recv() => msg,
            () = next_tick(&mut tick) => Msg::Tick,
            signal = signals.recv() => match signal {
                SignalEvent::End(name) => {
                    tracing::info!(signal = name, "ending on a signal");
                    return Ok(());
                }
                SignalEvent::Suspend => {
                    suspend(&mut terminal, options)?;
                    draw(&mut terminal, state, options)?;
                    continue;
                }
            },
            () = hangup.wait() => {
                tracing::info!("the terminal is gone (hung up); ending");
                return Ok(());
            }
        };
        // Apply everything that is already waiting, then draw once.
        let mut next = Some(first);
        while let Some(msg) = next {
            if cfg!(unix) && is_ctrl_z(&msg) {
                suspend(&mut terminal, options)?;
            } else if apply(state, executor, msg) == Control::Quit {
                return Ok(());
            }
            next = rx.try_recv().ok();
        }
        set_ticking(&mut tick, state.wants_tick());
        draw(&mut terminal, state, options)?;
    }
}

/// One message through `update` and the executor (also how tests drive the wizard without a
/// terminal).
pub fn apply(state: &mut WizardState, executor: &mut Executor, msg: Msg) -> Control {
    tracing::debug!(msg = msg_kind(&msg), "message");
    let ctrl_c = is_ctrl_c(&msg);
    let effects = wizard::update(state, msg);
    let mut control = Control::Continue;
    for effect in effects {
        if executor.run(effect) == Control::Quit {
            control = Control::Quit;
        }
    }
    if state.should_quit || (ctrl_c && state.popup.is_none()) {
        control = Control::Quit;
    }
    control
}

/// The message's name for the log (never its content: a paste may be a secret).
fn msg_kind(msg: &Msg) -> &'static str {
    match msg {
        Msg::Key(_) => "Key",
        Msg::Paste(_) => "Paste",
        Msg::Resize { .. } => "Resize",
        Msg::Tick => "Tick",
        Msg::GraphWaiting { .. } => "GraphWaiting",
        Msg::SignInPrompt { .. } => "SignInPrompt",
        Msg::SignedIn { .. } => "SignedIn",
        Msg::MailboxChecked { .. } => "MailboxChecked",
        Msg::AppsListed { .. } => "AppsListed",
        Msg::TenantLookedUp { .. } => "TenantLookedUp",
        Msg::PermissionCatalogLoaded { .. } => "PermissionCatalogLoaded",
        Msg::RegisterProgress { .. } => "RegisterProgress",
        Msg::Registered { .. } => "Registered",
        Msg::ConsentPolled { .. } => "ConsentPolled",
        Msg::ConsentGranted { .. } => "ConsentGranted",
        Msg::ConsentListening { .. } => "ConsentListening",
        Msg::ConsentAnswered { .. } => "ConsentAnswered",
        Msg::Verified { .. } => "Verified",
        Msg::SecretsLoaded { .. } => "SecretsLoaded",
        Msg::SecretCreated { .. } => "SecretCreated",
        Msg::OldSecretsRemoved { .. } => "OldSecretsRemoved",
        Msg::Checked { .. } => "Checked",
        Msg::FixesApplied { .. } => "FixesApplied",
        Msg::InterruptedRunFound { .. } => "InterruptedRunFound",
        Msg::BrowserOpened { .. } => "BrowserOpened",
        Msg::Copied { .. } => "Copied",
        Msg::CommandsSaved { .. } => "CommandsSaved",
        Msg::ClipboardCleared { .. } => "ClipboardCleared",
    }
}

/// ratatui's terminal without ratatui's clean-up on drop: that shows the cursor and, when the
/// write fails because the terminal is gone, `eprintln!`s to the same gone terminal — which
/// panics ("failed printing to stderr"), so a closed terminal ended in a logged panic. The
/// cursor is shown by `terminal::restore` anyway; here it is shown if the terminal still
/// takes it, otherwise ratatui's terminal is forgotten (its drop has nothing left to do).
struct WizardTerminal(Option<Terminal<CrosstermBackend<io::Stdout>>>);

impl WizardTerminal {
    /// A terminal with blank buffers: the first draw writes every cell.
    fn new() -> io::Result<Self> {
        Ok(Self(Some(Terminal::new(CrosstermBackend::new(
            io::stdout(),
        ))?)))
    }
}

impl Deref for WizardTerminal {
    type Target = Terminal<CrosstermBackend<io::Stdout>>;
    fn deref(&self) -> &Self::Target {
        self.0.as_ref().expect("taken only in drop")
    }
}

impl DerefMut for WizardTerminal {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.0.as_mut().expect("taken only in drop")
    }
}

impl Drop for WizardTerminal {
    fn drop(&mut self) {
        if let Some(mut inner) = self.0.take()
            && inner.show_cursor().is_err()
        {
            std::mem::forget(inner);
        }
    }
}

/// A blank alternate screen to match ratatui's blank back buffer (not `Terminal::clear`,
/// which asks the terminal for the cursor position and waits for the answer).
fn clear_screen(options: &RuntimeOptions) -> io::Result<()> {
    let mut held = options.terminal.lock();
    crossterm::queue!(held, Clear(ClearType::All), MoveTo(0, 0))?;
    held.flush()
}

/// Ctrl+Z or SIGTSTP: restore the terminal, stop until continued, then take the terminal
/// again with a fresh screen (the caller draws it in full). The terminal output is held
/// throughout, so a clipboard write (OSC 52) never lands in the shell meanwhile.
#[cfg(unix)]
fn suspend(terminal: &mut WizardTerminal, options: &RuntimeOptions) -> io::Result<()> {
    {
        let _held = options.terminal.lock();
        terminal::restore();
        tracing::info!("suspended");
        if let Err(e) = super::signals::stop_until_continued() {
            tracing::warn!("exowiz could not stop itself ({e}); continuing");
        }
        tracing::info!("continued");
        // A fresh back buffer: the next draw writes every cell, not only the changed ones.
        *terminal = WizardTerminal::new()?;
        terminal::enter_wizard_mode()?;
    }
    clear_screen(options)
}

#[cfg(not(unix))]
fn suspend(_terminal: &mut WizardTerminal, _options: &RuntimeOptions) -> io::Result<()> {
    Ok(())
}

fn draw(
    terminal: &mut Terminal<CrosstermBackend<io::Stdout>>,
    state: &WizardState,
    options: &RuntimeOptions,
) -> io::Result<()> {
    let mut held = options.terminal.lock();
    let mut links = Vec::new();
    let frame = terminal.draw(|frame| links = crate::ui::draw_linked(frame, state))?;
    // Links are made clickable (OSC 8) over the cells ratatui just drew, while the terminal
    // is still held so nothing else writes in between.
    if !links.is_empty() {
        let mut out: &mut dyn Write = &mut **held;
        crate::ui::write_hyperlinks(&mut out, frame.buffer, &links)?;
        held.flush()?;
    }
    Ok(())
}

fn set_ticking(tick: &mut Option<Interval>, wanted: bool) {
    match (wanted, tick.is_some()) {
        (true, false) => {
            let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + TICK, TICK);
            interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
            *tick = Some(interval);
        }
        (false, true) => *tick = None,
        _ => {}
    }
}

async fn next_tick(tick: &mut Option<Interval>) {
    match tick {
        Some(interval) => {
            interval.tick().await;
        }
        None => std::future::pending().await,
    }
}

/// Debug builds only: `EXOWIZ_DEBUG_PANIC=1` panics right after the first frame, so the PTY
/// test can check that a panic restores the terminal and names the log file.
fn debug_panic_after_first_draw() {
    #[cfg(debug_assertions)]
    if std::env::var_os("EXOWIZ_DEBUG_PANIC").is_some() {
        panic!("EXOWIZ_DEBUG_PANIC is set: panicking after the first frame");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyEvent, KeyEventState};

    fn key(code: KeyCode, modifiers: KeyModifiers, kind: KeyEventKind) -> Event {
        Event::Key(KeyEvent {
            code,
            modifiers,
            kind,
            state: KeyEventState::NONE,
        })
    }

    #[test]
    fn key_releases_and_mouse_are_dropped() {
        let release = key(KeyCode::Enter, KeyModifiers::NONE, KeyEventKind::Release);
        assert!(msg_for_event(release).is_none());
        assert!(msg_for_event(Event::FocusGained).is_none());
        let press = key(KeyCode::Enter, KeyModifiers::NONE, KeyEventKind::Press);
        assert!(matches!(msg_for_event(press), Some(Msg::Key(_))));
        let repeat = key(KeyCode::Left, KeyModifiers::NONE, KeyEventKind::Repeat);
        assert!(matches!(msg_for_event(repeat), Some(Msg::Key(_))));
        assert!(matches!(
            msg_for_event(Event::Paste("x".into())),
            Some(Msg::Paste(t)) if t == "x"
        ));
        assert!(matches!(
            msg_for_event(Event::Resize(100, 30)),
            Some(Msg::Resize {
                width: 100,
                height: 30
            })
        ));
    }

    #[test]
    fn ctrl_c_is_recognised() {
        let Some(msg) = msg_for_event(key(
            KeyCode::Char('c'),
            KeyModifiers::CONTROL,
            KeyEventKind::Press,
        )) else {
            panic!("a key press is a message");
        };
        assert!(is_ctrl_c(&msg));
        let Some(plain) = msg_for_event(key(
            KeyCode::Char('c'),
            KeyModifiers::NONE,
            KeyEventKind::Press,
        )) else {
            panic!("a key press is a message");
        };
        assert!(!is_ctrl_c(&plain));
    }

    #[tokio::test]
    async fn ticks_only_while_wanted() {
        let mut tick = None;
        set_ticking(&mut tick, false);
        assert!(tick.is_none());
        set_ticking(&mut tick, true);
        assert!(tick.is_some());
        tokio::time::timeout(Duration::from_secs(1), next_tick(&mut tick))
            .await
            .expect("a tick within a second");
        set_ticking(&mut tick, false);
        assert!(tick.is_none());
        assert!(
            tokio::time::timeout(Duration::from_millis(300), next_tick(&mut tick))
                .await
                .is_err(),
            "no tick when not wanted"
        );
    }
}
