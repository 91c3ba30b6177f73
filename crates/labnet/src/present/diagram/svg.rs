//! The picture as a self-contained SVG: no scripts, no external fonts or files; every
//! name and value is real text (searchable, selectable), with the whole value in a
//! `<title>` tooltip where it is shown shortened. Each item says what it stands for
//! in `class` and `data-*` attributes (layer, field, byte offset).

use std::fmt::Write as _;

use super::layout::{Item, Picture, Rgb, Role, Shape, FONT_SIZE};
use crate::present::text::xml as escape;

fn colour(rgb: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", rgb.0, rgb.1, rgb.2)
}

fn dasharray(dash: &[f32]) -> String {
    if dash.is_empty() {
        String::new()
    } else {
        let values: Vec<String> = dash.iter().map(|d| d.to_string()).collect();
        format!(" stroke-dasharray=\"{}\"", values.join(" "))
    }
}

/// The role as `class` and `data-*` attributes.
fn attributes(role: &Role) -> String {
    match role {
        Role::Decoration => String::new(),
        Role::Layer { layer, name, tcpip } => format!(
            " class=\"layer\" data-layer=\"{layer}\" data-name=\"{}\" data-tcpip=\"{}\"",
            escape(name),
            tcpip.name()
        ),
        Role::Row { layer, field } => {
            format!(" class=\"row\" data-layer=\"{layer}\" data-field=\"{field}\"")
        }
        Role::Byte { offset } => format!(" class=\"byte\" data-offset=\"{offset}\""),
        Role::Frame {
            layer,
            fields,
            start,
            end,
        } => {
            let fields: Vec<String> = fields.iter().map(usize::to_string).collect();
            format!(
                " class=\"frame\" data-layer=\"{layer}\" data-fields=\"{}\" data-start=\"{start}\" data-end=\"{end}\"",
                fields.join(",")
            )
        }
        Role::Link { layer, field } => {
            format!(" class=\"link\" data-layer=\"{layer}\" data-field=\"{field}\"")
        }
        Role::Elided { bytes } => format!(" class=\"elided\" data-bytes=\"{bytes}\""),
    }
}

fn item(out: &mut String, item: &Item) {
    let attributes = attributes(&item.role);
    let _ = match &item.shape {
        Shape::Rect {
            x,
            y,
            width,
            height,
            fill,
            stroke,
            dash,
        } => writeln!(
            out,
            "<rect{attributes} x=\"{x:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{height:.1}\" rx=\"2\" fill=\"{}\" stroke=\"{}\"{}/>",
            fill.map_or("none".into(), colour),
            stroke.map_or("none".into(), colour),
            dasharray(dash)
        ),
        Shape::Line {
            points,
            stroke,
            dash,
        } => {
            let points: Vec<String> = points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
            writeln!(
                out,
                "<polyline{attributes} points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"0.8\" stroke-opacity=\"0.75\"{}/>",
                points.join(" "),
                colour(*stroke),
                dasharray(dash)
            )
        }
        Shape::Text {
            x,
            y,
            text,
            color,
            bold,
            tooltip,
        } => {
            let weight = if *bold { " font-weight=\"bold\"" } else { "" };
            let title = tooltip
                .as_ref()
                .map(|t| format!("<title>{}</title>", escape(t)))
                .unwrap_or_default();
            writeln!(
                out,
                "<text{attributes} x=\"{x:.1}\" y=\"{y:.1}\" fill=\"{}\"{weight}>{title}{}</text>",
                colour(*color),
                escape(text)
            )
        }
    };
}

/// The picture as an SVG document.
pub fn render(picture: &Picture) -> String {
    let mut out = String::with_capacity(64 * picture.items.len() + 512);
    let _ = writeln!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.0} {h:.0}\" font-family=\"'Courier New', Courier, 'DejaVu Sans Mono', monospace\" font-size=\"{FONT_SIZE}\">",
        w = picture.width.ceil(),
        h = picture.height.ceil()
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&picture.title));
    let _ = writeln!(
        out,
        "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
    );
    for shape in &picture.items {
        item(&mut out, shape);
    }
    out.push_str("</svg>\n");
    out
}
