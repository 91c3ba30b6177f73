//! Drawing the browser with ratatui: the filter bar, the packet list, the layer
//! listing, the bytes (the selected field's reversed, as the layer diagram ties a
//! field to its bytes), the status line, and a sheet over the panes. Rows are made
//! for what is on screen only, so a million packets cost what twenty do. Colours
//! only on a colour terminal and never under NO_COLOR; every mark is a letter too.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table};
use ratatui::Frame;

use super::app::{mark_letters, App, Pane};
use super::store::Store;
use crate::dissect::{self, endpoints, Kind};
use crate::present::{self, LineKind};

/// Where the panes were drawn, for the mouse; and the scroll of each.
#[derive(Debug, Default, Clone, Copy)]
pub struct Screen {
    pub list: Rect,
    pub layers: Rect,
    pub hex: Rect,
    /// Position (in the shown packets) of the list's first row.
    pub list_top: usize,
    pub layers_top: usize,
    /// First row of bytes drawn (16 bytes a row).
    pub hex_top: usize,
    /// Columns where the hex pane's bytes start (after the offset).
    pub hex_bytes_at: u16,
}

/// Draws everything; `colour`: whether colours may be used.
pub fn draw(frame: &mut Frame, app: &mut App, store: &Store, screen: &mut Screen, colour: bool) {
    let area = frame.area();
    let status_lines = app
        .message
        .as_ref()
        .map_or(1, |(m, _)| m.lines().count().clamp(1, 4)) as u16;
    let [bar, panes, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(status_lines),
    ])
    .areas(area);
    filter_bar(frame, app, store, bar);
    let (list, layers, hex) = if area.width >= 150 {
        let [top, bottom] =
            Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(panes);
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(bottom);
        (top, left, right)
    } else {
        let [a, b, c] = Layout::vertical([
            Constraint::Percentage(40),
            Constraint::Percentage(32),
            Constraint::Percentage(28),
        ])
        .areas(panes);
        (a, b, c)
    };
    screen.list = list;
    screen.layers = layers;
    screen.hex = hex;
    packet_list(frame, app, store, screen, colour);
    layer_pane(frame, app, store, screen);
    hex_pane(frame, app, store, screen);
    status_line(frame, app, store, status, colour);
    if let Some(sheet) = &app.sheet {
        frame.render_widget(Clear, panes);
        let lines: Vec<Line> = sheet
            .lines
            .iter()
            .skip(sheet.scroll)
            .take(panes.height as usize)
            .map(|l| Line::raw(l.chars().skip(sheet.left).collect::<String>()))
            .collect();
        let title = format!(
            " {} (line {} of {}; q closes) ",
            sheet.title,
            (sheet.scroll + 1).min(sheet.lines.len()),
            sheet.lines.len()
        );
        frame.render_widget(
            Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
            panes,
        );
    }
}

fn pane_block(title: String, focused: bool) -> Block<'static> {
    let style = if focused {
        Style::default().add_modifier(Modifier::BOLD)
    } else {
        Style::default()
    };
    let marker = if focused { ">" } else { " " };
    Block::default()
        .borders(Borders::TOP)
        .title(Span::styled(format!("{marker}{title}"), style))
}

fn filter_bar(frame: &mut Frame, app: &App, store: &Store, area: Rect) {
    let text = match &app.prompt {
        Some(prompt) => format!("{}{}_", prompt.ask.label(), prompt.text),
        None if app.filter.is_empty() => format!(
            "filter: (none, f sets one)  {} packets{}",
            store.len(),
            refused(store)
        ),
        None => format!(
            "filter: {}  ({} of {} packets){}",
            app.filter,
            app.shown.len(),
            store.len(),
            refused(store)
        ),
    };
    frame.render_widget(
        Paragraph::new(text).style(Style::default().add_modifier(Modifier::BOLD)),
        area,
    );
}

fn refused(store: &Store) -> String {
    if store.refused == 0 {
        return String::new();
    }
    format!(
        "  ({} not kept: {} MiB held)",
        store.refused,
        Store::MAX_OWNED >> 20
    )
}

/// Keeps `selected` within `rows` rows starting at `top`, with `margin` rows of
/// context above and below it where there are (vi's scrolloff).
fn scrolled(top: usize, selected: usize, rows: usize, margin: usize) -> usize {
    let margin = margin.min(rows.saturating_sub(1) / 2);
    if rows == 0 || selected < top + margin {
        selected.saturating_sub(margin)
    } else if selected + margin >= top + rows {
        selected + margin + 1 - rows
    } else {
        top
    }
}

fn packet_list(frame: &mut Frame, app: &mut App, store: &Store, screen: &mut Screen, colour: bool) {
    let area = screen.list;
    let rows = area.height.saturating_sub(2) as usize;
    app.page = rows.max(1);
    screen.list_top = scrolled(screen.list_top, app.selected, rows, 0);
    if screen.list_top + rows > app.shown.len() {
        screen.list_top = app.shown.len().saturating_sub(rows);
    }
    let wide = area.width >= 120;
    let first_time = store.first_time().unwrap_or(0);
    let mut table_rows = Vec::with_capacity(rows);
    for position in screen.list_top..(screen.list_top + rows).min(app.shown.len()) {
        let index = app.shown[position] as usize;
        let entry = *store.entry(index);
        let record = store.record(index);
        let dissection = dissect::dissect(record.link_type, record.data);
        let mut summary = present::summary(&dissection, record.data, app.ports);
        if let Some(process) = store.process(index) {
            summary.push_str(&format!("  [{} {}]", process.comm, process.pid));
        }
        let mut marks = String::new();
        marks.push(if app.marked.contains(&(index as u32)) {
            '*'
        } else {
            ' '
        });
        marks.push_str(&mark_letters(entry.marks));
        let time = (entry.time() - first_time) as f64 / 1e9;
        let mut cells = vec![
            Cell::from(index.to_string()),
            Cell::from(format!("{time:.6}")),
        ];
        if wide {
            let (source, destination) = addresses(&dissection, record.data, record.original_length);
            cells.push(Cell::from(source));
            cells.push(Cell::from(destination));
        }
        cells.push(Cell::from(protocol(&dissection)));
        cells.push(Cell::from(entry.original.to_string()));
        let mut mark_style = Style::default();
        if colour && entry.marks != 0 {
            mark_style = mark_style.fg(mark_colour(entry.marks));
        }
        cells.push(Cell::from(Span::styled(marks, mark_style)));
        cells.push(Cell::from(summary));
        let mut style = Style::default();
        if position == app.selected {
            style = style.add_modifier(Modifier::REVERSED);
        }
        table_rows.push(Row::new(cells).style(style));
    }
    // The number and time columns as wide as their widest value.
    let last = store.len().saturating_sub(1);
    let number_width = last.to_string().len().max(3) as u16;
    let span = match store.is_empty() {
        true => 0,
        false => store.entry(last).time().saturating_sub(first_time),
    };
    let time_width = format!("{:.6}", span.max(0) as f64 / 1e9).len().max(4) as u16;
    let mut widths = vec![
        Constraint::Length(number_width),
        Constraint::Length(time_width),
    ];
    let mut header = vec!["No.", "Time"];
    if wide {
        widths.extend([Constraint::Length(24), Constraint::Length(24)]);
        header.extend(["Source", "Destination"]);
    }
    widths.extend([
        Constraint::Length(6),
        Constraint::Length(5),
        Constraint::Length(3),
        Constraint::Min(10),
    ]);
    header.extend(["Proto", "Len", "Mk", "Summary"]);
    let title = match app.current() {
        Some(index) => format!(
            "Packets: {} of {} shown, packet {index} selected ",
            app.shown.len(),
            store.len()
        ),
        None => format!("Packets: {} of {} shown ", app.shown.len(), store.len()),
    };
    let table = Table::new(table_rows, widths)
        .header(Row::new(header).style(Style::default().add_modifier(Modifier::UNDERLINED)))
        .column_spacing(1)
        .block(pane_block(title, app.focus == Pane::List));
    frame.render_widget(table, area);
}

fn mark_colour(marks: u16) -> Color {
    use crate::conversations::tcp::Flags;
    let flags = Flags::from_bits(marks);
    let bad = Flags::RETRANSMISSION.bits()
        | Flags::FAST_RETRANSMISSION.bits()
        | Flags::SPURIOUS_RETRANSMISSION.bits()
        | Flags::OUT_OF_ORDER.bits()
        | Flags::LOST_SEGMENT.bits()
        | Flags::ACK_LOST_SEGMENT.bits();
    if flags.intersects(Flags::from_bits(bad)) {
        Color::Red
    } else if flags.contains(Flags::DUPLICATE_ACK) {
        Color::Yellow
    } else if flags.intersects(Flags::from_bits(
        Flags::ZERO_WINDOW.bits() | Flags::WINDOW_FULL.bits() | Flags::ZERO_WINDOW_PROBE.bits(),
    )) {
        Color::Magenta
    } else {
        Color::Cyan
    }
}

/// The list's Source and Destination: the IP addresses, else the link's.
fn addresses(dissection: &dissect::Dissection, data: &[u8], original: u32) -> (String, String) {
    if let Some(ends) = endpoints::endpoints(dissection, data, original) {
        return (ends.src.to_string(), ends.dst.to_string());
    }
    let Some(first) = dissection.layers.first() else {
        return (String::new(), String::new());
    };
    let fields = first.fields(data);
    let value = |name: &str| {
        fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.to_string())
            .unwrap_or_default()
    };
    (value("src"), value("dst"))
}

/// The list's Proto: the innermost layer that is not payload.
fn protocol(dissection: &dissect::Dissection) -> String {
    dissection
        .layers
        .iter()
        .rev()
        .find(|l| !matches!(l.kind, Kind::Raw | Kind::Padding))
        .map(|l| match l.kind {
            Kind::Http { .. } => "HTTP".to_string(),
            _ => l.class().to_string(),
        })
        .unwrap_or_else(|| "Raw".into())
}

fn layer_pane(frame: &mut Frame, app: &mut App, store: &Store, screen: &mut Screen) {
    let area = screen.layers;
    let rows = area.height.saturating_sub(1) as usize;
    let lines = app.visible_lines(store);
    app.line = app.line.min(lines.len().saturating_sub(1));
    screen.layers_top = scrolled(screen.layers_top, app.line, rows, 2);
    if screen.layers_top + rows > lines.len() {
        screen.layers_top = lines.len().saturating_sub(rows);
    }
    let drawn: Vec<Line> = lines
        .iter()
        .enumerate()
        .skip(screen.layers_top)
        .take(rows)
        .map(|(i, (_, line))| {
            let text = match line.kind {
                LineKind::Layer(_) if app.folded.contains(&line.layer) => {
                    format!("[+] {}", line.text)
                }
                LineKind::Layer(_) => format!("[-] {}", line.text),
                LineKind::Field { .. } => format!("    {}", line.text),
            };
            let style = if i == app.line {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            Line::styled(text, style)
        })
        .collect();
    let title = match app.current() {
        Some(index) => format!("Layers: packet {index} (Enter folds) "),
        None => "Layers ".to_string(),
    };
    frame.render_widget(
        Paragraph::new(drawn).block(pane_block(title, app.focus == Pane::Layers)),
        area,
    );
}

fn hex_pane(frame: &mut Frame, app: &mut App, store: &Store, screen: &mut Screen) {
    let area = screen.hex;
    let rows = area.height.saturating_sub(1) as usize;
    let Some(index) = app.current() else {
        frame.render_widget(
            Paragraph::new("").block(pane_block("Bytes ".into(), app.focus == Pane::Hex)),
            area,
        );
        return;
    };
    let highlighted = app.highlighted(store).unwrap_or(0..0);
    let record = store.record(index as usize);
    let data = record.data;
    // Scapy's hexdump: the offset in four hex digits (more past 0xffff), two spaces.
    let width = format!("{:04x}", data.len().saturating_sub(1) / 16 * 16).len();
    screen.hex_bytes_at = area.x + width as u16 + 2;
    let anchor = if app.focus == Pane::Hex {
        app.byte
    } else {
        highlighted.start
    };
    screen.hex_top = scrolled(screen.hex_top, anchor / 16, rows, 0);
    let cursor = (app.focus == Pane::Hex).then_some(app.byte);
    let style_of = |at: usize| {
        let mut style = Style::default();
        if highlighted.contains(&at) {
            style = style.add_modifier(Modifier::REVERSED);
        }
        if cursor == Some(at) {
            style = style.add_modifier(Modifier::UNDERLINED | Modifier::BOLD);
        }
        style
    };
    let lines: Vec<Line> = data
        .chunks(16)
        .enumerate()
        .skip(screen.hex_top)
        .take(rows)
        .map(|(row, chunk)| {
            let start = row * 16;
            let mut spans = vec![Span::raw(format!("{start:0width$x}  "))];
            for (i, byte) in chunk.iter().enumerate() {
                spans.push(Span::styled(format!("{byte:02X}"), style_of(start + i)));
                spans.push(Span::raw(" "));
            }
            spans.push(Span::raw("   ".repeat(16 - chunk.len()) + " "));
            for (i, &byte) in chunk.iter().enumerate() {
                let shown = if (32..127).contains(&byte) {
                    byte as char
                } else {
                    '.'
                };
                spans.push(Span::styled(shown.to_string(), style_of(start + i)));
            }
            Line::from(spans)
        })
        .collect();
    let title = format!(
        "Bytes: packet {index}, {} of {} bytes captured ",
        data.len(),
        record.original_length
    );
    frame.render_widget(
        Paragraph::new(lines).block(pane_block(title, app.focus == Pane::Hex)),
        area,
    );
}

fn status_line(frame: &mut Frame, app: &mut App, store: &Store, area: Rect, colour: bool) {
    if let Some((message, error)) = &app.message {
        let mut style = Style::default();
        if *error {
            style = if colour {
                style.fg(Color::Red)
            } else {
                style.add_modifier(Modifier::BOLD)
            };
        }
        frame.render_widget(Paragraph::new(message.as_str()).style(style), area);
        return;
    }
    let field = app.selected_line(store).map(|line| {
        let range = line.range().clone();
        let name = match &line.kind {
            LineKind::Field { name, .. } => name.clone(),
            LineKind::Layer(_) => line.text.trim_start_matches("###[ ").to_string(),
        };
        let name = name.split(" ]###").next().unwrap_or("").to_string();
        if range.is_empty() {
            format!("{name}: no bytes")
        } else {
            format!(
                "{name}: bytes {}..{} ({} byte{})",
                range.start,
                range.end,
                range.len(),
                if range.len() == 1 { "" } else { "s" }
            )
        }
    });
    let text = format!(
        "{}  |  {} marked  |  ? help  q quit",
        field.unwrap_or_else(|| "no packet".into()),
        app.marked.len()
    );
    frame.render_widget(Paragraph::new(text), area);
}
