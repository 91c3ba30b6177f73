//! The browser's state and what each key does to it: which packets the display filter
//! keeps, the selected packet, layer line and byte, folded layers, marks, the prompt
//! being typed, the view shown over the panes. Nothing here draws or reads the
//! terminal, so the behaviour is tested without one.

use std::collections::BTreeSet;
use std::ops::Range;

use super::store::{Store, NO_STREAM};
use crate::dissect;
use crate::filter::{Filter, LinkFilters};
use crate::linktype::LinkType;
use crate::present::{self, LineKind, Ports, ShowLine};

/// The panes, in the order Tab visits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    List,
    Layers,
    Hex,
}

/// What a prompt asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// A display filter (the pcap filter language).
    Filter,
    /// Text to find in the summary lines.
    Search,
    /// A file for the packets the filter keeps.
    Save,
    /// A file for the marked packets.
    SaveMarked,
    /// A file for the selected packet's layer diagram (SVG or PDF).
    Export,
}

impl Ask {
    pub fn label(self) -> &'static str {
        match self {
            Ask::Filter => "filter: ",
            Ask::Search => "find: ",
            Ask::Save => "save shown packets to: ",
            Ask::SaveMarked => "save marked packets to: ",
            Ask::Export => "export diagram to (.svg or .pdf): ",
        }
    }
}

/// A line being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub ask: Ask,
    pub text: String,
}

/// A text view drawn over the panes (help, conversations, ladder, followed stream).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub title: String,
    pub lines: Vec<String>,
    pub scroll: usize,
    /// Columns scrolled to the right (the ladder and the tables are wide).
    pub left: usize,
}

impl Sheet {
    pub fn new(title: impl Into<String>, lines: Vec<String>) -> Sheet {
        Sheet {
            title: title.into(),
            lines,
            scroll: 0,
            left: 0,
        }
    }
}

/// What the user asked for that needs more than the state: the session does it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    None,
    Quit,
    Save {
        path: String,
        marked: bool,
    },
    Export(String),
    Conversations,
    Ladder(u32),
    Follow(u32),
    /// Live: make the display filter the kernel's too.
    KernelFilter(String),
}

/// A key, as the session hands it over (terminal-independent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
}

/// The browser's state.
pub struct App {
    /// The packets the display filter keeps, by index in the store.
    pub shown: Vec<u32>,
    /// The display filter applied to them (empty: all).
    pub filter: String,
    filters: Option<LinkFilters>,
    /// How many of the store's packets have been offered to the filter.
    seen: usize,
    /// Position of the selected packet in `shown`.
    pub selected: usize,
    pub focus: Pane,
    /// Layers (by index in the dissection) shown folded.
    pub folded: BTreeSet<usize>,
    /// The selected line of the layer pane, among the lines shown.
    pub line: usize,
    /// The hex pane's cursor (a byte of the packet).
    pub byte: usize,
    pub prompt: Option<Prompt>,
    /// A message for the status line; `true` for an error.
    pub message: Option<(String, bool)>,
    pub sheet: Option<Sheet>,
    pub marked: BTreeSet<u32>,
    pub search: String,
    pub ports: Ports,
    /// Live: whether a kernel filter can be set.
    pub live: bool,
    /// The listing of the selected packet, kept while it stays selected.
    listing: Option<(u32, Vec<ShowLine>)>,
    /// Rows of the list pane at the last draw, for paging.
    pub page: usize,
}

impl App {
    pub fn new(ports: Ports, live: bool) -> App {
        App {
            shown: Vec::new(),
            filter: String::new(),
            filters: None,
            seen: 0,
            selected: 0,
            focus: Pane::List,
            folded: BTreeSet::new(),
            line: 0,
            byte: 0,
            prompt: None,
            message: None,
            sheet: None,
            marked: BTreeSet::new(),
            search: String::new(),
            ports,
            live,
            listing: None,
            page: 10,
        }
    }

    /// The selected packet's index in the store.
    pub fn current(&self) -> Option<u32> {
        self.shown.get(self.selected).copied()
    }

    /// Applies a display filter to every packet; on a bad expression, the error (with
    /// its caret) and nothing changed.
    pub fn set_filter(&mut self, store: &Store, expression: &str) -> Result<(), String> {
        let expression = expression.trim();
        let filters = if expression.is_empty() {
            None
        } else {
            let link = (!store.is_empty())
                .then(|| store.record(0).link_type)
                .and_then(LinkType::from_pcap)
                .unwrap_or(LinkType::Ethernet);
            Filter::compile(expression, link).map_err(|e| e.to_string())?;
            Some(LinkFilters::new(expression))
        };
        let keep = self.current();
        self.filter = expression.to_string();
        self.filters = filters;
        self.shown.clear();
        self.seen = 0;
        self.take_new(store)?;
        // The packet selected before stays selected when the filter keeps it.
        self.selected = keep
            .and_then(|k| self.shown.binary_search(&k).ok())
            .unwrap_or(0);
        self.select_packet_changed();
        Ok(())
    }

    /// Offers the packets added to the store since the last call to the filter (live
    /// capture); the selection stays on its packet, or follows the newest packet when
    /// it was on the last one.
    pub fn take_new(&mut self, store: &Store) -> Result<(), String> {
        let was_last = self.shown.is_empty() || self.selected + 1 == self.shown.len();
        let before = self.shown.len();
        while self.seen < store.len() {
            let index = self.seen;
            self.seen += 1;
            let keep = match self.filters.as_mut() {
                None => true,
                Some(filters) => {
                    let record = store.record(index);
                    filters
                        .matches(record.link_type, record.data, record.original_length)
                        .map_err(|e| e.to_string())?
                }
            };
            if keep {
                self.shown.push(index as u32);
            }
        }
        if was_last && self.shown.len() > before && before > 0 && self.live {
            self.selected = self.shown.len() - 1;
            self.select_packet_changed();
        }
        Ok(())
    }

    fn select_packet_changed(&mut self) {
        self.line = 0;
        self.byte = 0;
    }

    fn select(&mut self, position: usize) {
        let position = position.min(self.shown.len().saturating_sub(1));
        if position != self.selected {
            self.selected = position;
            self.select_packet_changed();
        }
    }

    /// The selected packet's `show()` listing (all lines, folded or not).
    pub fn listing(&mut self, store: &Store) -> &[ShowLine] {
        let Some(index) = self.current() else {
            return &[];
        };
        if self.listing.as_ref().is_none_or(|(i, _)| *i != index) {
            let record = store.record(index as usize);
            let dissection = dissect::dissect(record.link_type, record.data);
            let lines = present::show_lines(&dissection, record.data, true);
            self.listing = Some((index, lines));
        }
        &self.listing.as_ref().expect("just made").1
    }

    /// The listing's lines the layer pane shows: headings always, fields of unfolded
    /// layers; each with its position in the full listing.
    pub fn visible_lines(&mut self, store: &Store) -> Vec<(usize, ShowLine)> {
        let folded = self.folded.clone();
        self.listing(store)
            .iter()
            .enumerate()
            .filter(|(_, l)| matches!(l.kind, LineKind::Layer(_)) || !folded.contains(&l.layer))
            .map(|(i, l)| (i, l.clone()))
            .collect()
    }

    /// The selected line of the layer pane.
    pub fn selected_line(&mut self, store: &Store) -> Option<ShowLine> {
        let line = self.line;
        self.visible_lines(store).get(line).map(|(_, l)| l.clone())
    }

    /// The bytes of the selected field (or layer), highlighted in the hex pane.
    pub fn highlighted(&mut self, store: &Store) -> Option<Range<usize>> {
        self.selected_line(store).map(|l| l.range().clone())
    }

    /// Selects the line of the narrowest field that holds `byte` (selecting bytes
    /// selects the field), unfolding its layer.
    pub fn select_byte(&mut self, store: &Store, byte: usize) {
        let length = self
            .current()
            .map_or(0, |i| store.entry(i as usize).captured as usize);
        if length == 0 {
            return;
        }
        self.byte = byte.min(length - 1);
        let byte = byte.min(length - 1);
        let best = self
            .listing(store)
            .iter()
            .filter_map(|l| Some((l, bits_held(l, byte)?)))
            .min_by_key(|(_, bits)| *bits)
            .map(|(l, _)| l.clone());
        let Some(best) = best else {
            return;
        };
        self.folded.remove(&best.layer);
        if let Some(at) = self
            .visible_lines(store)
            .iter()
            .position(|(_, l)| *l == best)
        {
            self.line = at;
        }
    }

    /// Selects layer pane line `line`; the hex cursor moves to its first byte.
    pub fn select_line(&mut self, store: &Store, line: usize) {
        let lines = self.visible_lines(store);
        if lines.is_empty() {
            return;
        }
        self.line = line.min(lines.len() - 1);
        self.byte = lines[self.line].1.range().start;
    }

    /// Folds or unfolds the layer of the selected line; `fold`: None toggles.
    fn fold(&mut self, store: &Store, fold: Option<bool>) {
        let Some(line) = self.selected_line(store) else {
            return;
        };
        let folded = self.folded.contains(&line.layer);
        if fold.unwrap_or(!folded) {
            self.folded.insert(line.layer);
        } else {
            self.folded.remove(&line.layer);
        }
        // Stay on the layer's heading, which every fold keeps.
        if let Some(at) = self
            .visible_lines(store)
            .iter()
            .position(|(_, l)| l.layer == line.layer)
        {
            self.line = at;
        }
    }

    /// Handles a key; returns what the session must do.
    pub fn key(&mut self, store: &Store, key: Key) -> Action {
        if key == Key::Ctrl('c') {
            return Action::Quit;
        }
        if self.prompt.is_some() {
            return self.prompt_key(store, key);
        }
        if let Some(sheet) = self.sheet.as_mut() {
            let last = sheet.lines.len().saturating_sub(1);
            match key {
                Key::Char('q') | Key::Esc | Key::Char('?') => self.sheet = None,
                Key::Char('j') | Key::Down => sheet.scroll = (sheet.scroll + 1).min(last),
                Key::Char('k') | Key::Up => sheet.scroll = sheet.scroll.saturating_sub(1),
                Key::PageDown | Key::Char(' ') | Key::Ctrl('f') => {
                    sheet.scroll = (sheet.scroll + self.page).min(last)
                }
                Key::PageUp | Key::Ctrl('b') => {
                    sheet.scroll = sheet.scroll.saturating_sub(self.page)
                }
                Key::Char('g') | Key::Home => sheet.scroll = 0,
                Key::Char('G') | Key::End => sheet.scroll = last,
                Key::Char('l') | Key::Right => sheet.left += 8,
                Key::Char('h') | Key::Left => sheet.left = sheet.left.saturating_sub(8),
                Key::Char('0') => sheet.left = 0,
                _ => {}
            }
            return Action::None;
        }
        self.message = None;
        match key {
            Key::Char('q') => return Action::Quit,
            Key::Char('?') => self.sheet = Some(help()),
            Key::Tab => {
                self.focus = match self.focus {
                    Pane::List => Pane::Layers,
                    Pane::Layers => Pane::Hex,
                    Pane::Hex => Pane::List,
                }
            }
            Key::BackTab => {
                self.focus = match self.focus {
                    Pane::List => Pane::Hex,
                    Pane::Layers => Pane::List,
                    Pane::Hex => Pane::Layers,
                }
            }
            Key::Char('f') => self.ask(Ask::Filter, self.filter.clone()),
            Key::Char('/') => self.ask(Ask::Search, String::new()),
            Key::Char('n') => self.find(store, true),
            Key::Char('N') => self.find(store, false),
            Key::Char('m') => {
                if let Some(index) = self.current() {
                    if !self.marked.remove(&index) {
                        self.marked.insert(index);
                    }
                }
            }
            Key::Char('w') => self.ask(Ask::Save, "webcapture-shown.pcap".into()),
            Key::Char('W') => self.ask(Ask::SaveMarked, "webcapture-marked.pcap".into()),
            Key::Char('e') => {
                let name = format!("packet-{}.svg", self.current().unwrap_or(0));
                self.ask(Ask::Export, name)
            }
            Key::Char('c') => return Action::Conversations,
            Key::Char('S') | Key::Char('L') => {
                let stream = self.current().map(|i| store.entry(i as usize).stream);
                match stream.filter(|&s| s != NO_STREAM) {
                    Some(stream) if key == Key::Char('S') => return Action::Follow(stream),
                    Some(stream) => return Action::Ladder(stream),
                    None => self.say("the selected packet is not part of a TCP stream", true),
                }
            }
            Key::Char('K') if self.live => return Action::KernelFilter(self.filter.clone()),
            _ => self.move_key(store, key),
        }
        Action::None
    }

    fn ask(&mut self, ask: Ask, text: String) {
        self.prompt = Some(Prompt { ask, text });
    }

    pub fn say(&mut self, message: impl Into<String>, error: bool) {
        self.message = Some((message.into(), error));
    }

    fn prompt_key(&mut self, store: &Store, key: Key) -> Action {
        let prompt = self.prompt.as_mut().expect("a prompt");
        match key {
            Key::Esc => {
                self.prompt = None;
                self.message = None;
            }
            Key::Backspace => {
                prompt.text.pop();
            }
            Key::Ctrl('u') => prompt.text.clear(),
            Key::Char(c) => prompt.text.push(c),
            Key::Enter => {
                let Prompt { ask, text } = self.prompt.take().expect("a prompt");
                match ask {
                    Ask::Filter => match self.set_filter(store, &text) {
                        Ok(()) => self.message = None,
                        Err(error) => {
                            // Keep the expression to mend it.
                            self.say(error, true);
                            self.prompt = Some(Prompt { ask, text });
                        }
                    },
                    Ask::Search => {
                        self.search = text;
                        self.find(store, true);
                    }
                    Ask::Save | Ask::SaveMarked if !text.trim().is_empty() => {
                        return Action::Save {
                            path: text.trim().to_string(),
                            marked: ask == Ask::SaveMarked,
                        }
                    }
                    Ask::Export if !text.trim().is_empty() => {
                        return Action::Export(text.trim().to_string())
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        Action::None
    }

    /// Selects the next (or previous) shown packet whose summary holds the search text.
    fn find(&mut self, store: &Store, forward: bool) {
        if self.search.is_empty() || self.shown.is_empty() {
            return;
        }
        let needle = self.search.to_lowercase();
        let count = self.shown.len();
        for step in 1..=count {
            let position = if forward {
                (self.selected + step) % count
            } else {
                (self.selected + count - step % count) % count
            };
            let record = store.record(self.shown[position] as usize);
            let dissection = dissect::dissect(record.link_type, record.data);
            let line = present::summary(&dissection, record.data, self.ports);
            if line.to_lowercase().contains(&needle) {
                self.select(position);
                return;
            }
        }
        let text = format!("no packet shown holds \"{}\"", self.search);
        self.say(text, true);
    }

    fn move_key(&mut self, store: &Store, key: Key) {
        let page = self.page.max(1);
        match self.focus {
            Pane::List => {
                let last = self.shown.len().saturating_sub(1);
                let to = match key {
                    Key::Char('j') | Key::Down => self.selected + 1,
                    Key::Char('k') | Key::Up => self.selected.saturating_sub(1),
                    Key::PageDown | Key::Ctrl('f') | Key::Char(' ') => self.selected + page,
                    Key::PageUp | Key::Ctrl('b') => self.selected.saturating_sub(page),
                    Key::Ctrl('d') => self.selected + page / 2,
                    Key::Ctrl('u') => self.selected.saturating_sub(page / 2),
                    Key::Char('g') | Key::Home => 0,
                    Key::Char('G') | Key::End => last,
                    Key::Enter | Key::Char('l') | Key::Right => {
                        self.focus = Pane::Layers;
                        return;
                    }
                    _ => return,
                };
                self.select(to);
            }
            Pane::Layers => {
                let last = self.visible_lines(store).len().saturating_sub(1);
                match key {
                    Key::Char('j') | Key::Down => self.select_line(store, self.line + 1),
                    Key::Char('k') | Key::Up => {
                        self.select_line(store, self.line.saturating_sub(1))
                    }
                    Key::Char('g') | Key::Home => self.select_line(store, 0),
                    Key::Char('G') | Key::End => self.select_line(store, last),
                    Key::PageDown | Key::Ctrl('f') => self.select_line(store, self.line + page),
                    Key::PageUp | Key::Ctrl('b') => {
                        self.select_line(store, self.line.saturating_sub(page))
                    }
                    Key::Enter | Key::Char(' ') => self.fold(store, None),
                    Key::Char('h') | Key::Left => self.fold(store, Some(true)),
                    Key::Char('l') | Key::Right => self.fold(store, Some(false)),
                    _ => {}
                }
            }
            Pane::Hex => {
                let byte = self.byte;
                let to = match key {
                    Key::Char('l') | Key::Right => byte + 1,
                    Key::Char('h') | Key::Left => byte.saturating_sub(1),
                    Key::Char('j') | Key::Down => byte + 16,
                    Key::Char('k') | Key::Up => byte.saturating_sub(16),
                    Key::Char('g') | Key::Home => 0,
                    Key::Char('G') | Key::End => usize::MAX,
                    _ => return,
                };
                self.select_byte(store, to);
            }
        }
    }

    /// A click on row `row` of the packet list (0: the first row drawn), with
    /// `first` the position of the first row drawn.
    pub fn click_list(&mut self, first: usize, row: usize) {
        self.focus = Pane::List;
        if first + row < self.shown.len() {
            self.select(first + row);
        }
    }

    /// The wheel over the list: `down` moves the selection one packet on.
    pub fn wheel(&mut self, store: &Store, down: bool) {
        let key = if down { Key::Down } else { Key::Up };
        if let Some(sheet) = self.sheet.as_mut() {
            sheet.scroll = if down {
                (sheet.scroll + 3).min(sheet.lines.len().saturating_sub(1))
            } else {
                sheet.scroll.saturating_sub(3)
            };
            return;
        }
        self.move_key(store, key);
    }
}

/// Whether line `line` holds bits of byte `byte`: how many bits it spans, if so (the
/// narrowest line that holds a byte is its field: TCP's data offset, reserved bits
/// and flags share two bytes, and the flags alone reach into the second).
fn bits_held(line: &ShowLine, byte: usize) -> Option<usize> {
    let range = line.range();
    if !range.contains(&byte) {
        return None;
    }
    let bits = match &line.kind {
        LineKind::Field {
            bits: Some(bits), ..
        } => usize::from(bits.start)..usize::from(bits.end),
        _ => 0..range.len() * 8,
    };
    let within = (byte - range.start) * 8..(byte - range.start + 1) * 8;
    (bits.start < within.end && within.start < bits.end).then_some(bits.len())
}

/// The help sheet: every key.
fn help() -> Sheet {
    let text = "\
Panes: the packet list, the selected packet's layers (Scapy's show(), each layer
headed by its TCP/IP layer) and its bytes (the selected field's bytes reversed).

  Tab / Shift-Tab    next / previous pane
  j k  Down Up       next / previous packet, layer line, or row of bytes
  h l  Left Right    layers: fold / unfold;  bytes: previous / next byte
  Enter  Space       list: go to the layers;  layers: fold or unfold
  g G  Home End      first / last
  PgUp PgDn  ^B ^F   a page up / down (^U ^D: half a page in the list)
  mouse              click a packet, a line or a byte; the wheel scrolls

  f                  display filter (pcap filter language, as tcpdump's);
                     an empty filter shows every packet
  K                  live: make the display filter the kernel's capture filter
  /  n  N            find text in the summary lines; next; previous
  m                  mark or unmark the packet (* in the list)
  w  W               save the shown / the marked packets (.pcap or .pcapng)
  e                  export the packet's layer diagram (.svg or .pdf)
  c                  conversations (as tshark -z conv)
  S                  follow the packet's TCP stream (as tshark -z follow)
  L                  the ladder of the packet's TCP stream
  ?                  this help;  q or Esc closes a view, h l scroll it sideways
  q  Ctrl-C          quit

Marks column: * marked; TCP analysis as Wireshark's: R retransmission,
F fast retransmission, s spurious retransmission, O out of order, L previous
segment not captured, A ACKed unseen segment, D duplicate ACK, Z zero window,
P zero window probe, p its ACK, W window full, U window update, K keep-alive,
k its ACK, X port numbers reused.";
    Sheet::new("help", text.lines().map(str::to_string).collect())
}

/// The analysis flags as letters (the list's marks column), in Wireshark's order.
pub fn mark_letters(bits: u16) -> String {
    use crate::conversations::tcp::Flags;
    const LETTERS: [(Flags, char); 15] = [
        (Flags::REUSED_PORTS, 'X'),
        (Flags::RETRANSMISSION, 'R'),
        (Flags::FAST_RETRANSMISSION, 'F'),
        (Flags::SPURIOUS_RETRANSMISSION, 's'),
        (Flags::OUT_OF_ORDER, 'O'),
        (Flags::LOST_SEGMENT, 'L'),
        (Flags::ACK_LOST_SEGMENT, 'A'),
        (Flags::DUPLICATE_ACK, 'D'),
        (Flags::ZERO_WINDOW, 'Z'),
        (Flags::ZERO_WINDOW_PROBE, 'P'),
        (Flags::ZERO_WINDOW_PROBE_ACK, 'p'),
        (Flags::WINDOW_FULL, 'W'),
        (Flags::WINDOW_UPDATE, 'U'),
        (Flags::KEEP_ALIVE, 'K'),
        (Flags::KEEP_ALIVE_ACK, 'k'),
    ];
    let flags = Flags::from_bits(bits);
    LETTERS
        .iter()
        .filter(|(flag, _)| flags.contains(*flag))
        .map(|(_, letter)| *letter)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pcap::Record;

    /// Ethernet, IPv4 192.168.56.102 -> .101, then TCP (flags) or UDP.
    fn frame(tcp_flags: Option<u8>, sport: u16, dport: u16) -> Vec<u8> {
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
        let transport = if tcp_flags.is_some() { 20 } else { 8 };
        let total = (20 + transport) as u16;
        f.extend_from_slice(&[0x45, 0, (total >> 8) as u8, total as u8, 0, 1, 0x40, 0, 64]);
        f.push(if tcp_flags.is_some() { 6 } else { 17 });
        f.extend_from_slice(&[0, 0, 192, 168, 56, 102, 192, 168, 56, 101]);
        f.extend_from_slice(&sport.to_be_bytes());
        f.extend_from_slice(&dport.to_be_bytes());
        match tcp_flags {
            Some(flags) => {
                f.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0])
            }
            None => f.extend_from_slice(&[0, 8, 0, 0]),
        }
        f
    }

    fn store_of(frames: &[Vec<u8>]) -> Store {
        let mut store = Store::live();
        for (i, data) in frames.iter().enumerate() {
            let record = Record {
                index: i as u64,
                link_type: crate::linktype::ETHERNET,
                seconds: 1_700_000_000 + i as u32,
                nanoseconds: 0,
                original_length: data.len() as u32,
                data,
                options: Default::default(),
            };
            store.push(&record, None);
        }
        store
    }

    /// A SYN, a UDP datagram to port 53, a SYN/ACK.
    fn syn_dns_synack() -> Store {
        store_of(&[
            frame(Some(0x02), 1, 5000),
            frame(None, 2, 53),
            frame(Some(0x12), 5000, 1),
        ])
    }

    fn app_of(store: &Store) -> App {
        let mut app = App::new(Ports::Numeric, false);
        app.set_filter(store, "").unwrap();
        app
    }

    #[test]
    fn a_byte_selects_the_narrowest_field_that_holds_it() {
        let store = store_of(&[frame(Some(0x02), 43522, 5000)]);
        let mut app = app_of(&store);
        // Byte 14 is IPv4's version and header length: a field, not the IP layer.
        app.select_byte(&store, 14);
        let line = app.selected_line(&store).unwrap();
        assert!(line.text.trim_start().starts_with("version"), "{line:?}");
        // The TCP flags byte (14 + 20 + 13): TCP's flags, not IP's.
        app.select_byte(&store, 47);
        let line = app.selected_line(&store).unwrap();
        assert!(line.text.trim_start().starts_with("flags"), "{line:?}");
        let tcp = app
            .listing(&store)
            .iter()
            .find(|l| l.text.starts_with("###[ TCP ]###"))
            .unwrap()
            .layer;
        assert_eq!(line.layer, tcp);
        assert!(app.highlighted(&store).unwrap().contains(&47));
        assert_eq!(app.byte, 47);
    }

    #[test]
    fn a_folded_layer_keeps_its_heading_and_a_byte_unfolds_it() {
        let store = store_of(&[frame(Some(0x02), 43522, 5000)]);
        let mut app = app_of(&store);
        let all = app.visible_lines(&store).len();
        app.focus = Pane::Layers;
        app.key(&store, Key::Enter); // on the Ethernet heading
        let folded = app.visible_lines(&store);
        assert_eq!(folded.len(), all - 3, "Ethernet's three fields hidden");
        assert!(folded[0].1.text.starts_with("###[ Ethernet ]###"));
        app.select_byte(&store, 6);
        assert!(!app.folded.contains(&0));
        assert_eq!(app.visible_lines(&store).len(), all);
    }

    #[test]
    fn a_bad_filter_says_where_and_changes_nothing() {
        let store = store_of(&[frame(Some(0x02), 1, 5000), frame(None, 2, 53)]);
        let mut app = app_of(&store);
        let error = app.set_filter(&store, "udp and port").unwrap_err();
        assert!(error.contains("^ here"), "{error}");
        assert_eq!(app.shown, [0, 1]);
        assert_eq!(app.filter, "");
    }

    #[test]
    fn the_filter_keeps_the_selection_when_it_keeps_its_packet() {
        let store = syn_dns_synack();
        let mut app = app_of(&store);
        app.key(&store, Key::Char('G'));
        assert_eq!(app.current(), Some(2));
        app.set_filter(&store, "tcp").unwrap();
        assert_eq!(app.shown, [0, 2]);
        assert_eq!(app.current(), Some(2));
        app.set_filter(&store, "udp").unwrap();
        assert_eq!(app.current(), Some(1));
    }

    #[test]
    fn find_goes_to_the_next_summary_holding_the_text_and_wraps() {
        let store = syn_dns_synack();
        let mut app = app_of(&store);
        for key in "/5000 > ".chars() {
            app.key(&store, Key::Char(key));
        }
        app.key(&store, Key::Enter);
        assert_eq!(app.current(), Some(2), "5000 > 1: packet 2");
        app.key(&store, Key::Char('n'));
        assert_eq!(app.current(), Some(2), "the only one: found again");
        app.search = "nothing like it".into();
        app.key(&store, Key::Char('n'));
        assert!(app.message.as_ref().is_some_and(|(_, error)| *error));
    }

    #[test]
    fn live_packets_move_the_selection_only_from_the_last_row() {
        let mut store = store_of(&[frame(Some(0x02), 1, 5000), frame(Some(0x12), 5000, 1)]);
        let mut app = App::new(Ports::Numeric, true);
        app.set_filter(&store, "").unwrap();
        app.key(&store, Key::Char('G'));
        let more = frame(Some(0x10), 1, 5000);
        let record = Record {
            index: 2,
            link_type: crate::linktype::ETHERNET,
            seconds: 1_700_000_010,
            nanoseconds: 0,
            original_length: more.len() as u32,
            data: &more,
            options: Default::default(),
        };
        store.push(&record, None);
        app.take_new(&store).unwrap();
        assert_eq!(app.current(), Some(2), "on the last row: follows");
        app.key(&store, Key::Char('g'));
        store.push(&record, None);
        app.take_new(&store).unwrap();
        assert_eq!(app.current(), Some(0), "elsewhere: stays");
        assert_eq!(app.shown.len(), 4);
    }

    #[test]
    fn marks_are_letters_in_wiresharks_order() {
        use crate::conversations::tcp::Flags;
        let bits = Flags::RETRANSMISSION.bits() | Flags::DUPLICATE_ACK.bits();
        assert_eq!(mark_letters(bits), "RD");
        assert_eq!(mark_letters(0), "");
    }
}
