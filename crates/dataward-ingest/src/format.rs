//! The file formats a partner may send.

use std::path::Path;

/// A partner file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    JsonLines,
}

impl Format {
    /// The format a file name implies (`.csv`, `.jsonl`, `.ndjson`), if any.
    pub fn from_file_name(name: &str) -> Option<Format> {
        let ext = Path::new(name).extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "txt" => Some(Format::Csv),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            _ => None,
        }
    }

    /// The format a media type names (`text/csv`, `application/x-ndjson`, `application/jsonl`).
    pub fn from_media_type(media: &str) -> Option<Format> {
        let media = media.split(';').next()?.trim().to_ascii_lowercase();
        match media.as_str() {
            "text/csv" | "application/csv" => Some(Format::Csv),
            "application/x-ndjson" | "application/jsonl" | "application/x-jsonlines" | "application/jsonlines" => {
                Some(Format::JsonLines)
            }
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::JsonLines => "jsonl",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_recognised_from_names_and_media_types() {
        assert_eq!(Format::from_file_name("partners/May.CSV"), Some(Format::Csv));
        assert_eq!(Format::from_file_name("a.ndjson"), Some(Format::JsonLines));
        assert_eq!(Format::from_file_name("a.xlsx"), None);
        assert_eq!(Format::from_media_type("text/csv; charset=utf-8"), Some(Format::Csv));
        assert_eq!(Format::from_media_type("application/x-ndjson"), Some(Format::JsonLines));
        assert_eq!(Format::from_media_type("application/json"), None);
    }
}
