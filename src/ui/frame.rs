//! The parts around a step's body: header, status line, key bar, and the too-small message.

use crate::i18n::{t, tf};
use crate::ui::format::{truncate, width, wrap};
use crate::ui::theme;
use crate::ui::widgets::key_bar;
use crate::wizard::keymap;
use crate::wizard::state::{ClipboardVia, StatusKind};
use crate::wizard::{Step, WizardState};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Cells of margin left and right of everything.
const MARGIN: u16 = 1;
/// A status sentence gets at most this many rows (taken from the body).
const MAX_STATUS_ROWS: usize = 2;
/// Cells between step titles in the progress line.
const STEP_GAP: usize = 2;

pub struct Layout {
    pub header: Rect,
    pub body: Rect,
    pub status: Rect,
    pub keys: Rect,
}

impl Layout {
    /// The header (`HeaderPlan::rows`), the body, the status (one row, two for a long
    /// sentence) and the key bar (as many rows as it needs to name every key).
    pub fn new(area: Rect, header_rows: u16, status_rows: u16, key_rows: u16) -> Self {
        let status_rows = status_rows.clamp(1, 2);
        let key_rows = key_rows.max(1);
        let inner_x = area.x + MARGIN;
        let inner_w = area.width - 2 * MARGIN;
        let body_y = area.y + header_rows;
        let body_h = area
            .height
            .saturating_sub(header_rows + status_rows + key_rows);
        Self {
            header: Rect::new(area.x, area.y, area.width, header_rows),
            body: Rect::new(inner_x, body_y, inner_w, body_h),
            status: Rect::new(
                inner_x,
                area.bottom() - key_rows - status_rows,
                inner_w,
                status_rows,
            ),
            keys: Rect::new(inner_x, area.bottom() - key_rows, inner_w, key_rows),
        }
    }

    /// Cells per line inside the margins.
    pub fn inner_width(area: Rect) -> usize {
        usize::from(area.width - 2 * MARGIN)
    }
}

fn steps_width(state: &WizardState) -> usize {
    let steps = crate::wizard::update::visible_steps(state);
    // The current step's marker takes one cell.
    steps.iter().map(|s| width(t(s.title_key()))).sum::<usize>()
        + STEP_GAP * steps.len().saturating_sub(1)
        + 1
}

/// The list of all step titles needs a wide terminal, and a tall one (it costs a row).
fn steps_line_fits(state: &WizardState, area: Rect) -> bool {
    area.height >= 30 && steps_width(state) + 2 * usize::from(MARGIN) <= usize::from(area.width)
}

/// The current step's place among the steps this run shows (skipped steps do not count).
fn position(state: &WizardState) -> (usize, usize) {
    let steps = crate::wizard::update::visible_steps(state);
    let n = steps.iter().position(|s| *s == state.step).unwrap_or(0) + 1;
    (n, steps.len())
}

/// Where the header's middle part — which tenant this run changes and for which product — goes:
/// on the title row when it fits there, else on the rule below it, else (a very long
/// organisation name) wrapped over rows of its own. It is never cut short.
pub struct HeaderPlan {
    /// "exowiz", the demo badge.
    left: Vec<Span<'static>>,
    /// "Step 4 of 8: Transport" (nothing when the step list shows).
    right: String,
    /// The step list on its own row (wide and tall terminals).
    list: bool,
    about: String,
    place: AboutPlace,
}

enum AboutPlace {
    Nowhere,
    Title,
    Rule,
    Rows(Vec<String>),
}

impl HeaderPlan {
    pub fn new(state: &WizardState, area: Rect) -> Self {
        let list = steps_line_fits(state, area);
        let right = if list {
            String::new()
        } else {
            let (n, m) = position(state);
            tf(
                "header.step_of",
                &[
                    ("n", &n.to_string()),
                    ("m", &m.to_string()),
                    ("title", t(state.step.title_key())),
                ],
            )
        };
        let mut left = vec![Span::styled(
            t("app.name").to_string(),
            theme::title().patch(theme::accent()),
        )];
        if state.demo {
            left.push(Span::raw(" "));
            left.push(Span::styled(
                format!(" {} ", t("app.demo_badge")),
                theme::badge(),
            ));
        }
        let mut about = Vec::new();
        if let Some(tenant) = &state.tenant {
            about.push(tenant.name.clone());
        }
        if state.step != Step::Welcome && !state.profiles.is_empty() {
            about.push(state.profile().product_name().to_string());
        }
        let about = about.join(" · ");
        let inner = usize::from(area.width - 2 * MARGIN);
        let left_w = left.iter().map(Span::width).sum::<usize>();
        // Two cells between the parts; the rule keeps "─ " before and " ─" after the text.
        let place = if about.is_empty() {
            AboutPlace::Nowhere
        } else if left_w + 2 + width(&about) + 2 + width(&right) <= inner {
            AboutPlace::Title
        } else if width(&about) + 4 <= inner {
            AboutPlace::Rule
        } else {
            AboutPlace::Rows(wrap(&about, inner))
        };
        Self {
            left,
            right,
            list,
            about,
            place,
        }
    }

    /// Rows the header takes, its rule included.
    pub fn rows(&self) -> u16 {
        let extra = match &self.place {
            AboutPlace::Rows(rows) => rows.len(),
            _ => 0,
        };
        u16::try_from(2 + usize::from(self.list) + extra).unwrap_or(u16::MAX)
    }
}

pub fn header(frame: &mut Frame, area: Rect, state: &WizardState, plan: &HeaderPlan) {
    let inner = Rect::new(
        area.x + MARGIN,
        area.y,
        area.width - 2 * MARGIN,
        area.height,
    );
    let mut left = plan.left.clone();
    if matches!(plan.place, AboutPlace::Title) {
        left.push(Span::raw("  "));
        left.push(Span::styled(plan.about.clone(), theme::dim()));
    }
    let buf = frame.buffer_mut();
    buf.set_line(inner.x, inner.y, &Line::from(left), inner.width);
    let right_w = u16::try_from(width(&plan.right))
        .unwrap_or(0)
        .min(inner.width);
    buf.set_line(
        inner.right() - right_w,
        inner.y,
        &Line::styled(plan.right.clone(), theme::title()),
        right_w,
    );
    let mut y = inner.y + 1;
    if plan.list {
        let (current, _) = position(state);
        let mut spans = Vec::new();
        for (i, step) in crate::wizard::update::visible_steps(state)
            .iter()
            .enumerate()
        {
            if i > 0 {
                spans.push(Span::raw(" ".repeat(STEP_GAP)));
            }
            // Done, current, to come: told apart by more than colour (the current one is
            // reversed and marked, the ones to come dimmed).
            let (style, title) = match (i + 1).cmp(&current) {
                std::cmp::Ordering::Less => (Style::new(), t(step.title_key()).to_string()),
                std::cmp::Ordering::Equal => {
                    (theme::selected(), format!("▶{}", t(step.title_key())))
                }
                std::cmp::Ordering::Greater => (theme::dim(), t(step.title_key()).to_string()),
            };
            spans.push(Span::styled(title, style));
        }
        buf.set_line(inner.x, y, &Line::from(spans), inner.width);
        y += 1;
    }
    if let AboutPlace::Rows(rows) = &plan.place {
        for row in rows {
            buf.set_line(
                inner.x,
                y,
                &Line::styled(row.clone(), theme::dim()),
                inner.width,
            );
            y += 1;
        }
    }
    let rule_y = area.bottom() - 1;
    let rule = "─".repeat(usize::from(area.width));
    buf.set_line(
        area.x,
        rule_y,
        &Line::styled(rule, theme::dim()),
        area.width,
    );
    if matches!(plan.place, AboutPlace::Rule) {
        let text = format!(" {} ", plan.about);
        buf.set_line(
            inner.x + 1,
            rule_y,
            &Line::styled(text, theme::dim()),
            inner.width.saturating_sub(2),
        );
    }
}

/// What Graph's wait is for and the seconds left (in the screen's language, made at draw time).
fn graph_wait_sentence(wait: &crate::graph::GraphWait) -> String {
    tf(
        "status.graph_waiting",
        &[
            ("what", wait.operation.phrase()),
            ("left", &crate::graph::wait_text(wait.left)),
        ],
    )
}

/// The status line's content: an error beats Graph's wait, which beats a clipboard note, which
/// beats an info sentence.
/// Wrapped to `width`; a long sentence gets a second line rather than being cut.
pub fn status_lines(state: &WizardState, width: usize) -> Vec<Line<'static>> {
    let error = state
        .status
        .as_ref()
        .filter(|s| s.kind == StatusKind::Error);
    let (symbol, text, style) = if let Some(s) = error {
        (
            Some(Span::styled("✗ ", theme::error())),
            s.text.clone(),
            theme::error(),
        )
    } else if let Some(notice) = &state.graph_wait {
        (
            Some(Span::styled(
                format!("{} ", theme::spinner(state.spinner)),
                theme::warn(),
            )),
            graph_wait_sentence(&notice.wait),
            theme::warn(),
        )
    } else if let Some(c) = &state.clipboard {
        let label = t(&c.label).to_string();
        let key = match c.via {
            ClipboardVia::System => "clipboard.system",
            ClipboardVia::Osc52 => "clipboard.osc52",
        };
        let mut text = tf(key, &[("label", &label)]);
        if let Some(secs) = c.clears_in {
            text.push_str(" · ");
            text.push_str(&tf(
                "clipboard.clears_in",
                &[("seconds", &secs.to_string())],
            ));
        }
        (Some(Span::styled("✓ ", theme::ok())), text, Style::new())
    } else if let Some(s) = &state.status {
        (None, s.text.clone(), theme::dim())
    } else {
        return Vec::new();
    };
    let indent = symbol.as_ref().map_or(0, Span::width);
    let mut rows = wrap(&text, width.saturating_sub(indent));
    if rows.len() > MAX_STATUS_ROWS {
        rows.truncate(MAX_STATUS_ROWS);
        let last = rows.pop().unwrap_or_default();
        rows.push(truncate(&format!("{last} …"), width.saturating_sub(indent)));
    }
    let mut symbol = symbol;
    rows.into_iter()
        .map(|row| {
            let lead = symbol
                .take()
                .unwrap_or_else(|| Span::raw(" ".repeat(indent)));
            Line::from(vec![lead, Span::styled(row, style)])
        })
        .collect()
}

pub fn status(frame: &mut Frame, area: Rect, lines: &[Line<'static>]) {
    for (i, line) in lines.iter().enumerate().take(usize::from(area.height)) {
        let y = area.y + u16::try_from(i).unwrap_or(0);
        frame.buffer_mut().set_line(area.x, y, line, area.width);
    }
}

/// The key bar's rows for `width` cells: every key the bar is meant to show, wrapped.
pub fn key_lines(state: &WizardState, width: usize) -> Vec<Line<'static>> {
    key_bar::bar_lines(&keymap::bindings(state), width)
}

pub fn keys(frame: &mut Frame, area: Rect, lines: &[Line<'static>]) {
    for (i, line) in lines.iter().enumerate().take(usize::from(area.height)) {
        let y = area.y + u16::try_from(i).unwrap_or(0);
        frame.buffer_mut().set_line(area.x, y, line, area.width);
    }
}

/// A terminal too small for the layout gets one centred sentence, and what the keys do meanwhile
/// (only quitting: `wizard::update` refuses the rest).
pub fn too_small(frame: &mut Frame, area: Rect, state: &WizardState) {
    let quit = crate::wizard::keymap::Key::ctrl('c').label();
    let keys = if state.popup == Some(crate::wizard::state::Popup::ConfirmQuit) {
        tf("frame.too_small_quit", &[("quit", &quit)])
    } else {
        tf("frame.too_small_keys", &[("quit", &quit)])
    };
    let mut text = tf(
        "frame.too_small",
        &[
            ("w", &area.width.to_string()),
            ("h", &area.height.to_string()),
            ("min_w", &super::MIN_WIDTH.to_string()),
            ("min_h", &super::MIN_HEIGHT.to_string()),
        ],
    );
    text.push(' ');
    text.push_str(&keys);
    let lines: Vec<Line> = wrap(&text, usize::from(area.width.saturating_sub(4)).max(10))
        .into_iter()
        .map(Line::from)
        .collect();
    let h = u16::try_from(lines.len())
        .unwrap_or(area.height)
        .min(area.height);
    let rect = Rect::new(area.x, area.y + (area.height - h) / 2, area.width, h);
    frame.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .style(theme::warn()),
        rect,
    );
}

#[cfg(test)]
mod step_title_tests {
    use crate::i18n::{Language, text};
    use crate::wizard::Step;

    /// Ten step titles side by side at 120 columns: German must fit where English does.
    /// (Here rather than in i18n, which sits below the wizard and may not name its steps.)
    #[test]
    fn the_german_step_titles_fit_on_the_english_line() {
        let width = |language| {
            Step::ALL
                .iter()
                .map(|s| text(language, s.title_key()).chars().count())
                .sum::<usize>()
        };
        assert!(width(Language::German) <= width(Language::English));
    }
}
