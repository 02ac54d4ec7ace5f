//! Streaming a partner file into rows with physical line numbers.
//!
//! CSV rows are aligned with the header row; JSON Lines objects are aligned with the keys seen so
//! far (a new key adds a column). Structurally broken rows come out as `Item::Broken` with the
//! reason, so the caller can quarantine them; only I/O failures stop the read.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

use dataward_core::quarantine::QuarantineReason;
use sha2::{Digest, Sha256};

use crate::Format;

/// Wraps a reader, hashing and counting every byte that passes through.
pub struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> Self {
        HashingReader { inner, hasher: Sha256::new(), bytes: 0 }
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// One item read from a file.
pub enum Item {
    /// A row, aligned with `headers()` (missing cells are empty strings).
    Row { line: u64, values: Vec<String>, raw: String },
    /// A row that cannot be read as a row.
    Broken { line: u64, reason: QuarantineReason, detail: String, raw: String },
}

/// A file being read.
pub struct FileReader<R: Read> {
    inner: Inner<R>,
    headers: Vec<String>,
}

enum Inner<R: Read> {
    Csv { reader: csv::Reader<HashingReader<R>>, record: csv::ByteRecord },
    Jsonl { reader: BufReader<HashingReader<R>>, line: u64, columns: HashMap<String, usize>, buf: Vec<u8> },
}

/// Why reading stopped.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("could not read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("could not read the CSV header row: {0}")]
    Header(String),
    #[error("could not read the file near line {line}: {message}")]
    Csv { line: u64, message: String },
}

impl<R: Read> FileReader<R> {
    /// Starts reading; for CSV this reads the header row.
    pub fn open(format: Format, input: R) -> Result<Self, ReadError> {
        let hashing = HashingReader::new(input);
        match format {
            Format::Csv => {
                let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(hashing);
                let headers = reader
                    .byte_headers()
                    .map_err(|e| ReadError::Header(e.to_string()))?
                    .iter()
                    .map(|h| String::from_utf8_lossy(h).trim().to_string())
                    .collect();
                Ok(FileReader { inner: Inner::Csv { reader, record: csv::ByteRecord::new() }, headers })
            }
            Format::JsonLines => Ok(FileReader {
                inner: Inner::Jsonl {
                    reader: BufReader::new(hashing),
                    line: 0,
                    columns: HashMap::new(),
                    buf: Vec::new(),
                },
                headers: Vec::new(),
            }),
        }
    }

    /// The column names known so far.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Bytes consumed so far.
    pub fn bytes_read(&self) -> u64 {
        match &self.inner {
            Inner::Csv { reader, .. } => reader.get_ref().bytes,
            Inner::Jsonl { reader, .. } => reader.get_ref().bytes,
        }
    }

    /// Reads to the end (so the whole file is hashed) and returns the SHA-256 in hex.
    pub fn finish(self) -> Result<String, ReadError> {
        let mut hashing = match self.inner {
            Inner::Csv { reader, .. } => reader.into_inner(),
            Inner::Jsonl { reader, .. } => reader.into_inner(),
        };
        std::io::copy(&mut hashing, &mut std::io::sink())?;
        Ok(hex::encode(hashing.hasher.finalize()))
    }

    /// The next item, or `None` at the end of the file.
    pub fn next_item(&mut self) -> Result<Option<Item>, ReadError> {
        match &mut self.inner {
            Inner::Csv { reader, record } => next_csv(reader, record, self.headers.len()),
            Inner::Jsonl { reader, line, columns, buf } => next_jsonl(reader, line, columns, buf, &mut self.headers),
        }
    }
}

fn csv_raw(record: &csv::ByteRecord) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_byte_record(record);
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).trim_end().to_string()
}

fn next_csv<R: Read>(
    reader: &mut csv::Reader<HashingReader<R>>,
    record: &mut csv::ByteRecord,
    width: usize,
) -> Result<Option<Item>, ReadError> {
    loop {
        let more = reader.read_byte_record(record).map_err(|e| match e.kind() {
            csv::ErrorKind::Io(_) => match e.into_kind() {
                csv::ErrorKind::Io(io) => ReadError::Io(io),
                _ => unreachable!("checked above"),
            },
            _ => ReadError::Csv { line: e.position().map_or(0, |p| p.line()), message: e.to_string() },
        })?;
        if !more {
            return Ok(None);
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.len() == 1 && record.get(0).is_some_and(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue; // a blank line carries no data
        }
        if record.len() != width {
            return Ok(Some(Item::Broken {
                line,
                reason: QuarantineReason::WrongFieldCount,
                detail: format!("expected {width} fields as in the header, found {}", record.len()),
                raw: csv_raw(record),
            }));
        }
        let mut values = Vec::with_capacity(width);
        for (i, field) in record.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(text) => values.push(text.to_string()),
                Err(_) => {
                    return Ok(Some(Item::Broken {
                        line,
                        reason: QuarantineReason::InvalidEncoding,
                        detail: format!("field {} is not valid UTF-8", i + 1),
                        raw: csv_raw(record),
                    }));
                }
            }
        }
        return Ok(Some(Item::Row { line, values, raw: csv_raw(record) }));
    }
}

fn next_jsonl<R: Read>(
    reader: &mut BufReader<HashingReader<R>>,
    line: &mut u64,
    columns: &mut HashMap<String, usize>,
    buf: &mut Vec<u8>,
    headers: &mut Vec<String>,
) -> Result<Option<Item>, ReadError> {
    loop {
        buf.clear();
        if reader.read_until(b'\n', buf)? == 0 {
            return Ok(None);
        }
        *line += 1;
        while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            buf.pop();
        }
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let broken = |reason, detail: String, raw: String| Ok(Some(Item::Broken { line: *line, reason, detail, raw }));
        let Ok(text) = std::str::from_utf8(buf) else {
            return broken(
                QuarantineReason::InvalidEncoding,
                "the line is not valid UTF-8".into(),
                String::from_utf8_lossy(buf).into(),
            );
        };
        let object = match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text) {
            Ok(object) => object,
            Err(e) => {
                let detail = format!("not a JSON object: {} at column {}", classify(&e), e.column());
                return broken(QuarantineReason::MalformedJson, detail, text.to_string());
            }
        };
        let mut values = vec![String::new(); headers.len()];
        for (key, value) in object {
            let cell = match value {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s,
                serde_json::Value::Bool(b) => b.to_string(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
                    return broken(
                        QuarantineReason::MalformedJson,
                        format!("key `{key}` holds a nested value"),
                        text.to_string(),
                    );
                }
            };
            let index = *columns.entry(key.clone()).or_insert_with(|| {
                headers.push(key.trim().to_string());
                headers.len() - 1
            });
            if index >= values.len() {
                values.resize(index + 1, String::new());
            }
            values[index] = cell;
        }
        return Ok(Some(Item::Row { line: *line, values, raw: text.to_string() }));
    }
}

fn classify(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Eof => "unexpected end of line",
        serde_json::error::Category::Data => "not an object",
        serde_json::error::Category::Io => "read error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_items(format: Format, text: &[u8]) -> (Vec<String>, Vec<Item>) {
        let mut reader = FileReader::open(format, text).unwrap();
        let mut out = Vec::new();
        while let Some(item) = reader.next_item().unwrap() {
            out.push(item);
        }
        (reader.headers().to_vec(), out)
    }

    #[test]
    fn csv_rows_carry_their_physical_line_numbers_including_quoted_newlines() {
        let (headers, items) = read_items(Format::Csv, b"a,b\n1,\"two\nlines\"\n3,4\n");
        assert_eq!(headers, vec!["a", "b"]);
        let lines: Vec<u64> = items
            .iter()
            .map(|i| match i {
                Item::Row { line, .. } | Item::Broken { line, .. } => *line,
            })
            .collect();
        assert_eq!(lines, vec![2, 4]);
    }

    #[test]
    fn a_csv_row_with_an_extra_field_is_broken_not_dropped() {
        let (_, items) = read_items(Format::Csv, b"a,b\n1,2,3\n4,5\n");
        assert!(matches!(&items[0], Item::Broken { line: 2, reason: QuarantineReason::WrongFieldCount, .. }));
        assert!(matches!(&items[1], Item::Row { line: 3, .. }));
    }

    #[test]
    fn invalid_utf8_is_broken_with_its_line() {
        let (_, items) = read_items(Format::Csv, b"a,b\n1,\xff\xfe\n");
        assert!(matches!(&items[0], Item::Broken { line: 2, reason: QuarantineReason::InvalidEncoding, .. }));
        let (_, items) = read_items(Format::JsonLines, b"{\"a\":\"1\"}\n\xff\n");
        assert!(matches!(&items[1], Item::Broken { line: 2, reason: QuarantineReason::InvalidEncoding, .. }));
    }

    #[test]
    fn json_lines_add_columns_as_new_keys_appear_and_malformed_lines_are_broken() {
        let (headers, items) =
            read_items(Format::JsonLines, b"{\"a\":\"1\"}\n\n{\"b\":2,\"a\":null}\n{\"a\":\n{\"a\":[1]}\n");
        assert_eq!(headers, vec!["a", "b"]);
        match &items[1] {
            Item::Row { line, values, .. } => {
                assert_eq!(*line, 3);
                assert_eq!(values, &vec![String::new(), "2".to_string()]);
            }
            Item::Broken { .. } => panic!("row 3 should be read"),
        }
        assert!(matches!(&items[2], Item::Broken { line: 4, reason: QuarantineReason::MalformedJson, .. }));
        assert!(matches!(&items[3], Item::Broken { line: 5, reason: QuarantineReason::MalformedJson, .. }));
    }

    #[test]
    fn the_whole_file_is_hashed() {
        let reader = FileReader::open(Format::Csv, &b"a\n1\n"[..]).unwrap();
        assert_eq!(reader.finish().unwrap(), hex::encode(Sha256::digest(b"a\n1\n")));
    }
}
