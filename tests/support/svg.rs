//! Turns a terminal screen (as the vt100 parser saw the real program draw it) into an SVG
//! picture: one background rectangle and one text run per stretch of equal style.

use std::fmt::Write;

const CELL_W: f32 = 8.4;
const CELL_H: f32 = 18.0;
const FONT: &str = "'DejaVu Sans Mono','Menlo','Consolas',monospace";
const FG: &str = "#d8dee9";
const BG: &str = "#1d2128";

/// xterm's 16 colours, as most terminal themes approximate them.
const ANSI: [&str; 16] = [
    "#2e3440", "#e06c75", "#98c379", "#e5c07b", "#61afef", "#c678dd", "#56b6c2", "#d8dee9",
    "#5c6370", "#ff7a85", "#b5e890", "#ffd787", "#82c4ff", "#e29cf0", "#7fd8e3", "#ffffff",
];

fn colour(c: vt100::Color, default: &str) -> String {
    match c {
        vt100::Color::Default => default.to_string(),
        vt100::Color::Idx(i) if (i as usize) < 16 => ANSI[i as usize].to_string(),
        vt100::Color::Idx(i) if i >= 232 => {
            let v = 8 + 10 * (i - 232) as u32;
            format!("#{v:02x}{v:02x}{v:02x}")
        }
        vt100::Color::Idx(i) => {
            let i = i - 16;
            let step = |n: u8| if n == 0 { 0 } else { 55 + 40 * n as u32 };
            format!(
                "#{:02x}{:02x}{:02x}",
                step(i / 36),
                step((i / 6) % 6),
                step(i % 6)
            )
        }
        vt100::Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[derive(PartialEq, Clone)]
struct Style {
    fg: String,
    bg: String,
    bold: bool,
    underline: bool,
}

/// The SVG of the whole screen, with a title bar naming what it shows.
pub fn render(screen: &vt100::Screen, title: &str) -> String {
    let (rows, cols) = screen.size();
    let (rows, cols) = (rows.get(), cols.get());
    let top = 28.0;
    let width = cols as f32 * CELL_W + 24.0;
    let height = rows as f32 * CELL_H + top + 12.0;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="{FONT}" font-size="14">"#
    );
    let _ = write!(
        out,
        r#"<rect width="100%" height="100%" rx="8" fill="{BG}"/>"#
    );
    let _ = write!(
        out,
        r##"<circle cx="16" cy="14" r="5" fill="#e06c75"/><circle cx="32" cy="14" r="5" fill="#e5c07b"/><circle cx="48" cy="14" r="5" fill="#98c379"/><text x="{:.0}" y="18" fill="#8b93a1" font-size="12" text-anchor="middle">{}</text>"##,
        width / 2.0,
        escape(title)
    );
    for row in 0..rows {
        let y = top + row as f32 * CELL_H;
        let mut col = 0;
        while col < cols {
            let Some(cell) = screen.cell(row, col) else {
                break;
            };
            let style = style_of(cell);
            let start = col;
            let mut text = String::new();
            while col < cols {
                let Some(c) = screen.cell(row, col) else {
                    break;
                };
                if style_of(c) != style {
                    break;
                }
                if !c.is_wide_continuation() {
                    text.push_str(if c.has_contents() { c.contents() } else { " " });
                }
                col += 1;
            }
            let x = 12.0 + start as f32 * CELL_W;
            if style.bg != BG {
                let _ = write!(
                    out,
                    r#"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{CELL_H}" fill="{}"/>"#,
                    (col - start) as f32 * CELL_W,
                    style.bg
                );
            }
            if !text.trim().is_empty() {
                let weight = if style.bold {
                    r#" font-weight="bold""#
                } else {
                    ""
                };
                let deco = if style.underline {
                    r#" text-decoration="underline""#
                } else {
                    ""
                };
                let _ = write!(
                    out,
                    r#"<text x="{x:.1}" y="{:.1}" fill="{}" xml:space="preserve" textLength="{:.1}" lengthAdjust="spacingAndGlyphs"{weight}{deco}>{}</text>"#,
                    y + CELL_H * 0.75,
                    style.fg,
                    text.chars().count() as f32 * CELL_W,
                    escape(&text)
                );
            }
        }
    }
    out.push_str("</svg>\n");
    out
}

fn style_of(cell: &vt100::Cell) -> Style {
    let (mut fg, mut bg) = (colour(cell.fgcolor(), FG), colour(cell.bgcolor(), BG));
    if cell.inverse() {
        std::mem::swap(&mut fg, &mut bg);
    }
    Style {
        fg,
        bg,
        bold: cell.bold(),
        underline: cell.underline(),
    }
}
