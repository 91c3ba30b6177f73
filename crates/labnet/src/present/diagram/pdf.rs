//! The picture as a one-page PDF, written with pdf-writer. Text is set in Courier, one
//! of the fourteen fonts every PDF reader has, so nothing is embedded and the static
//! binary needs no font file; its metrics are the layout's (0.6 em a character).

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::layout::{Picture, Rgb, Shape, FONT_SIZE};

const REGULAR: Name = Name(b"F1");
const BOLD: Name = Name(b"F2");

fn fill(content: &mut Content, rgb: Rgb) {
    content.set_fill_rgb(unit(rgb.0), unit(rgb.1), unit(rgb.2));
}

fn stroke(content: &mut Content, rgb: Rgb) {
    content.set_stroke_rgb(unit(rgb.0), unit(rgb.1), unit(rgb.2));
}

fn unit(channel: u8) -> f32 {
    f32::from(channel) / 255.0
}

/// Text in the font's encoding: ASCII as is, anything else as `?` (labnet's values
/// are ASCII; Python's reprs escape the rest).
fn ascii(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c as u8
            } else {
                b'?'
            }
        })
        .collect()
}

/// The picture as a PDF document, one page of the picture's size (1 px = 1 pt).
pub fn render(picture: &Picture) -> Vec<u8> {
    let height = picture.height;
    // The picture's y runs down from the top; the PDF's runs up from the bottom.
    let flip = |y: f32| height - y;
    let mut content = Content::new();
    content.set_line_width(0.8);
    for item in &picture.items {
        match &item.shape {
            Shape::Rect {
                x,
                y,
                width,
                height,
                fill: fill_colour,
                stroke: stroke_colour,
                dash,
            } => {
                content.set_dash_pattern(dash.iter().copied(), 0.0);
                content.rect(*x, flip(y + height), *width, *height);
                match (fill_colour, stroke_colour) {
                    (Some(f), Some(s)) => {
                        fill(&mut content, *f);
                        stroke(&mut content, *s);
                        content.fill_nonzero_and_stroke();
                    }
                    (Some(f), None) => {
                        fill(&mut content, *f);
                        content.fill_nonzero();
                    }
                    (None, Some(s)) => {
                        stroke(&mut content, *s);
                        content.stroke();
                    }
                    (None, None) => {
                        content.end_path();
                    }
                }
            }
            Shape::Line {
                points,
                stroke: colour,
                dash,
            } => {
                let Some(((x0, y0), rest)) = points.split_first() else {
                    continue;
                };
                content.set_dash_pattern(dash.iter().copied(), 0.0);
                stroke(&mut content, *colour);
                content.move_to(*x0, flip(*y0));
                for (x, y) in rest {
                    content.line_to(*x, flip(*y));
                }
                content.stroke();
            }
            Shape::Text {
                x,
                y,
                text,
                color,
                bold,
                ..
            } => {
                fill(&mut content, *color);
                content
                    .begin_text()
                    .set_font(if *bold { BOLD } else { REGULAR }, FONT_SIZE)
                    .next_line(*x, flip(*y))
                    .show(Str(&ascii(text)))
                    .end_text();
            }
        }
    }
    let (catalog, pages, page, regular, bold, stream, info) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
        Ref::new(6),
        Ref::new(7),
    );
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page]).count(1);
    let mut page_writer = pdf.page(page);
    page_writer
        .media_box(Rect::new(0.0, 0.0, picture.width, picture.height))
        .parent(pages)
        .contents(stream);
    page_writer
        .resources()
        .fonts()
        .pair(REGULAR, regular)
        .pair(BOLD, bold);
    page_writer.finish();
    pdf.type1_font(regular)
        .base_font(Name(b"Courier"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Courier-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let data = content.finish();
    pdf.stream(stream, &data);
    pdf.document_info(info)
        .title(TextStr(&picture.title))
        .creator(TextStr("labnet webcapture"));
    pdf.finish()
}
