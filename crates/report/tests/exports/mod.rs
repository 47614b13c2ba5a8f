//! The reports and exports of issue 7, read back with real parsers: the HTML with html5ever
//! (scraper), the Markdown with pulldown-cmark, the ICS with the `icalendar` parser, the CSV
//! with an RFC 4180 reader, the zip with the `zip` reader, the PDF with pdftotext where
//! poppler-utils is installed. Hostile strings from "Jira" and "GitHub" must come out inert
//! in every format.

mod fixture;
mod formats;
mod hostile;
mod summary;
