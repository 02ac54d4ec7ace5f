//! `dataward generate`: writes the synthetic partner files of `dataward_core::generate` and a
//! `truth.csv` saying which person each row is about and which defect it carries.
//!
//! The three files are written concurrently (one thread each), streaming: memory stays constant
//! whatever the number of persons. Each thread writes its truth rows to a part file, and the parts
//! are joined into `truth.csv` in file order, so the output is byte-identical run to run.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use dataward_core::generate::{FileFormat, Generator, estimate_rows, partner_files};
use indicatif::{ProgressBar, ProgressStyle};

/// Rows generated before the progress bar is advanced (keeps the shared bar off the hot path).
const PROGRESS_BATCH: u64 = 4_096;

/// What was written for one partner file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSummary {
    pub partner: &'static str,
    pub file_name: &'static str,
    pub rows: u64,
    /// Rows that are a person's second record in the file.
    pub duplicates: u64,
    /// Rows carrying a defect a validator must reject.
    pub defects: u64,
}

/// What `run` wrote: one entry per partner file, plus the truth file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateSummary {
    pub persons: u64,
    pub seed: u64,
    pub out_dir: PathBuf,
    pub files: Vec<FileSummary>,
    /// Rows of `truth.csv` (one per partner-file row), header excluded.
    pub truth_rows: u64,
}

/// `1234567` -> `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for GenerateSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "generated {} synthetic persons (seed {}) into {}",
            thousands(self.persons),
            self.seed,
            self.out_dir.display()
        )?;
        for file in &self.files {
            writeln!(
                f,
                "  {:<22} {:>12} rows ({} duplicates, {} defective)",
                file.file_name,
                thousands(file.rows),
                thousands(file.duplicates),
                thousands(file.defects)
            )?;
        }
        write!(f, "  {:<22} {:>12} rows", TRUTH_FILE, thousands(self.truth_rows))
    }
}

/// Name of the truth file in the output directory.
pub const TRUTH_FILE: &str = "truth.csv";

/// Writes the partner files of `persons` synthetic persons of `seed` (ages relative to `today`)
/// and `truth.csv` into `out_dir` (created if missing; existing files of the same names are
/// replaced). The same arguments always give byte-identical files.
pub fn run(persons: u64, seed: u64, out_dir: &Path, today: jiff::civil::Date) -> anyhow::Result<GenerateSummary> {
    fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let generator = Generator::new(seed, persons, today);
    let progress = if io::stderr().is_terminal() {
        let bar = ProgressBar::new(estimate_rows(persons));
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/~{len} rows {per_sec} eta {eta}") {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };

    let results: Vec<anyhow::Result<FileSummary>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..partner_files().len())
            .map(|file| {
                let (generator, progress) = (&generator, &progress);
                scope.spawn(move || write_file(generator, file, out_dir, progress))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(anyhow!("a generator thread panicked")))).collect()
    });
    progress.finish_and_clear();
    let files = results.into_iter().collect::<anyhow::Result<Vec<_>>>()?;

    // Join the truth parts in file order.
    let truth_path = out_dir.join(TRUTH_FILE);
    let mut truth =
        BufWriter::new(File::create(&truth_path).with_context(|| format!("creating {}", truth_path.display()))?);
    truth.write_all(b"file,line,person,defect\n")?;
    for spec in partner_files() {
        let part_path = truth_part_path(out_dir, spec.name);
        let mut part = File::open(&part_path).with_context(|| format!("opening {}", part_path.display()))?;
        io::copy(&mut part, &mut truth).with_context(|| format!("writing {}", truth_path.display()))?;
        fs::remove_file(&part_path).with_context(|| format!("removing {}", part_path.display()))?;
    }
    truth.into_inner().map_err(|e| e.into_error()).with_context(|| format!("writing {}", truth_path.display()))?;

    Ok(GenerateSummary {
        persons,
        seed,
        out_dir: out_dir.to_path_buf(),
        truth_rows: files.iter().map(|f| f.rows).sum(),
        files,
    })
}

fn truth_part_path(out_dir: &Path, partner: &str) -> PathBuf {
    out_dir.join(format!(".truth-{partner}.part"))
}

/// Writes one partner file and its part of the truth file.
fn write_file(
    generator: &Generator,
    file: usize,
    out_dir: &Path,
    progress: &ProgressBar,
) -> anyhow::Result<FileSummary> {
    let spec = &partner_files()[file];
    let path = out_dir.join(spec.file_name);
    let context = || format!("writing {}", path.display());
    let create = |p: &Path| -> anyhow::Result<BufWriter<File>> {
        let f = File::create(p).with_context(|| format!("creating {}", p.display()))?;
        Ok(BufWriter::with_capacity(1 << 20, f))
    };
    let mut truth = create(&truth_part_path(out_dir, spec.name))?;
    let mut summary = FileSummary { partner: spec.name, file_name: spec.file_name, rows: 0, duplicates: 0, defects: 0 };

    enum Out {
        Csv(Box<csv::Writer<BufWriter<File>>>),
        Lines(BufWriter<File>),
    }
    let (mut out, first_row_line) = match spec.format {
        FileFormat::Csv => {
            let mut w = csv::WriterBuilder::new().flexible(true).from_writer(create(&path)?);
            w.write_record(spec.headers).with_context(context)?;
            (Out::Csv(Box::new(w)), 2)
        }
        FileFormat::JsonLines => (Out::Lines(create(&path)?), 1),
    };

    let mut unreported = 0;
    for row in generator.rows(file) {
        match &mut out {
            Out::Csv(w) => w.write_record(&row.values).with_context(context)?,
            Out::Lines(w) => {
                w.write_all(row.json_line(spec.headers).as_bytes()).with_context(context)?;
                w.write_all(b"\n").with_context(context)?;
            }
        }
        let line = first_row_line + summary.rows;
        let defect = row.defect.map(|d| d.code()).unwrap_or("");
        writeln!(truth, "{},{line},{},{defect}", spec.file_name, row.truth_person)
            .with_context(|| format!("writing the truth part of {}", spec.file_name))?;
        summary.rows += 1;
        summary.duplicates += u64::from(row.duplicate);
        summary.defects += u64::from(row.defect.is_some());
        unreported += 1;
        if unreported == PROGRESS_BATCH {
            progress.inc(unreported);
            unreported = 0;
        }
    }
    progress.inc(unreported);

    match out {
        Out::Csv(w) => {
            w.into_inner().map_err(|e| anyhow!("{}", e.error())).with_context(context)?.flush().with_context(context)?
        }
        Out::Lines(mut w) => w.flush().with_context(context)?,
    }
    truth.flush().with_context(|| format!("writing the truth part of {}", spec.file_name))?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: jiff::civil::Date = jiff::civil::date(2025, 6, 15);

    fn read(dir: &Path, name: &str) -> Vec<u8> {
        fs::read(dir.join(name)).unwrap()
    }

    #[test]
    fn the_same_seed_writes_byte_identical_files_and_a_truth_line_per_row() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let summary = run(1_500, 11, a.path(), TODAY).unwrap();
        run(1_500, 11, b.path(), TODAY).unwrap();
        for spec in partner_files() {
            assert_eq!(read(a.path(), spec.file_name), read(b.path(), spec.file_name), "{}", spec.file_name);
        }
        let truth = read(a.path(), TRUTH_FILE);
        assert_eq!(truth, read(b.path(), TRUTH_FILE));
        let truth = String::from_utf8(truth).unwrap();
        assert_eq!(truth.lines().count() as u64, summary.truth_rows + 1);
        assert_eq!(summary.truth_rows, summary.files.iter().map(|f| f.rows).sum::<u64>());
        // No part files are left behind.
        let names: Vec<_> = fs::read_dir(a.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), partner_files().len() + 1, "{names:?}");
        assert!(summary.to_string().contains("competition-co.csv"), "{summary}");
    }

    #[test]
    fn truth_lines_point_at_the_physical_lines_of_each_file() {
        let dir = tempfile::tempdir().unwrap();
        run(2_000, 5, dir.path(), TODAY).unwrap();
        let files: Vec<(String, Vec<String>)> = partner_files()
            .iter()
            .map(|s| {
                let text = String::from_utf8(read(dir.path(), s.file_name)).unwrap();
                (s.file_name.to_string(), text.lines().map(str::to_string).collect())
            })
            .collect();
        let truth = String::from_utf8(read(dir.path(), TRUTH_FILE)).unwrap();
        let mut defects = 0;
        for (k, line) in truth.lines().enumerate().skip(1) {
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(fields.len(), 4, "truth line {k}: {line}");
            let (name, lines) = files.iter().find(|(n, _)| n == fields[0]).unwrap();
            let at: usize = fields[1].parse().unwrap();
            let text = &lines[at - 1];
            match fields[3] {
                "" => {
                    if name.ends_with(".jsonl") {
                        assert!(serde_json::from_str::<serde_json::Value>(text).is_ok(), "{text}");
                    }
                }
                "malformed_json" => {
                    assert!(serde_json::from_str::<serde_json::Value>(text).is_err(), "{text}");
                    defects += 1;
                }
                "wrong_field_count" => {
                    let fields = csv::ReaderBuilder::new()
                        .has_headers(false)
                        .from_reader(text.as_bytes())
                        .records()
                        .next()
                        .unwrap()
                        .unwrap()
                        .len();
                    let headers = partner_files().iter().find(|s| s.file_name == name).unwrap().headers.len();
                    assert_eq!(fields, headers + 1, "{text}");
                    defects += 1;
                }
                _ => defects += 1,
            }
        }
        assert!(defects > 10, "{defects}");
        // Every file has as many lines as the truth says (plus the CSV header).
        for (name, lines) in &files {
            let rows = truth.lines().filter(|l| l.starts_with(&format!("{name},"))).count();
            let header = usize::from(name.ends_with(".csv"));
            assert_eq!(lines.len(), rows + header, "{name}");
        }
    }

    #[test]
    fn thousands_are_separated_with_commas() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(10_000_000), "10,000,000");
    }
}
