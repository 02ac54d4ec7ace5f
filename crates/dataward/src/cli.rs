//! The command-line interface, as clap types. No behaviour lives here.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};

/// dataward: a personal-data custodian for UK data companies.
#[derive(Debug, Parser)]
#[command(name = "dataward", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts.
#[derive(Debug, Args)]
pub struct Global {
    /// Store location: sqlite://PATH (default ./dataward.db) or postgres://USER@HOST:PORT/DB.
    #[arg(long, global = true, env = "DATAWARD_DATABASE_URL", default_value = "sqlite://dataward.db")]
    pub database_url: String,
    /// Policy profile: a shipped name (data-broker, messaging-processor, email-platform,
    /// telecom-provider, web-analytics) or a path to a TOML file.
    #[arg(long, global = true, env = "DATAWARD_PROFILE", default_value = "data-broker")]
    pub profile: String,
    /// File holding the server secret for keyed hashes (created with 0600 permissions if missing).
    /// DATAWARD_SECRET (64+ hex characters) takes precedence.
    #[arg(long, global = true, env = "DATAWARD_SECRET_FILE", default_value = "dataward.secret")]
    pub secret_file: PathBuf,
    /// File holding the master key that wraps the data keys of encryption at rest (created with
    /// 0600 permissions if missing). DATAWARD_MASTER_KEY (64 hex characters) takes precedence.
    #[arg(long, global = true, env = "DATAWARD_MASTER_KEY_FILE", default_value = "dataward.master-key")]
    pub master_key_file: PathBuf,
    /// Log format on stderr.
    #[arg(long, global = true, env = "DATAWARD_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Register and inspect source partners.
    #[command(subcommand)]
    Partner(PartnerCommand),
    /// Register and inspect clients (recipients).
    #[command(subcommand)]
    Client(ClientCommand),
    /// Load a partner file (CSV or JSON Lines) as one atomic batch.
    Ingest(IngestArgs),
    /// List batches, or show the quarantined rows of one batch.
    Batches(BatchesArgs),
    /// Show the policy profile: categories held and refused, purposes, the category × purpose matrix.
    Profile,
    /// Run the HTTP server (API, health, OpenAPI).
    Serve(ServeArgs),
    /// Create a fresh local store with synthetic data, ingest it, and start the server.
    Demo(DemoArgs),
    /// Write a deterministic synthetic population as three partner files.
    Generate(GenerateArgs),
    /// The disclosure ledger: what was released to whom, from which partner, when.
    Ledger(LedgerArgs),
    /// Why each value of a past client request was released or withheld.
    Explain {
        request_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Data-subject rights: the access report of a person.
    #[command(subcommand)]
    Rights(RightsCommand),
    /// Identity resolution: the model, training, the review queue, a person's history.
    #[command(subcommand)]
    Linkage(LinkageCommand),
    /// Preference registers (TPS, CTPS, MPS): load files, show what is held.
    #[command(subcommand)]
    Register(RegisterCommand),
    /// The operator's suppression list: opt-outs, objections, erasures, consent withdrawals.
    #[command(subcommand)]
    Suppress(SuppressCommand),
    /// Benchmarks (figures printed, nothing asserted).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Encryption at rest: rotate the master key.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// The tamper-evident audit log: list entries, verify the hash chain.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Re-wraps every data key under a new master key (values are not re-encrypted). Without
    /// --new-key-file a new key is generated and replaces the master-key file, destroying the
    /// old key; with it, the key in that file (created if missing) becomes the master key.
    Rotate {
        #[arg(long)]
        new_key_file: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Every entry in sequence order (ids and counts, never personal values).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Checks the hash chain; exits non-zero naming the first altered, removed or reordered entry.
    Verify {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct LedgerArgs {
    /// Only disclosures about this person (id).
    #[arg(long)]
    pub person: Option<String>,
    /// Only disclosures to this client (name).
    #[arg(long)]
    pub client: Option<String>,
    /// Only disclosures of this partner's data (name).
    #[arg(long)]
    pub partner: Option<String>,
    /// Only this request.
    #[arg(long)]
    pub request: Option<String>,
    /// From this time (RFC 3339, inclusive).
    #[arg(long)]
    pub from: Option<String>,
    /// Up to this time (RFC 3339, inclusive).
    #[arg(long)]
    pub to: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum RightsCommand {
    /// Everything held about a person (UK GDPR Art. 15): values by source partner, the uses and
    /// lawful bases, every recipient from the ledger, retention, the person's rights.
    Report {
        /// The person's id.
        #[arg(long, required_unless_present = "email", conflicts_with = "email")]
        person: Option<String>,
        /// Find the person by an email address they gave (exact, normalised).
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum LinkageCommand {
    /// Show the active model: where it came from, the prior, each field's levels with m, u and
    /// weight, the thresholds and the blocking rules.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Train a model on the store's records and make it active.
    Train,
    /// List pairs in the possible band, or decide one.
    Review {
        /// Include decided reviews.
        #[arg(long)]
        all: bool,
        /// The record and the candidate are one person: merge them.
        #[arg(long, value_name = "REVIEW_ID", conflicts_with = "reject")]
        link: Option<String>,
        /// They are different people.
        #[arg(long, value_name = "REVIEW_ID")]
        reject: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// How a person's records came together and apart (ids and weights, no values).
    History { person_id: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RegisterArg {
    Tps,
    Ctps,
    Mps,
}

#[derive(Debug, Subcommand)]
pub enum RegisterCommand {
    /// Load a register file: a full replacement, or with --delta a file of additions and removals.
    ///
    /// TPS/CTPS: one UK number per line (optional header). MPS: CSV with surname, address_1 and
    /// postcode columns. Delta files add a leading action column: add or remove.
    Load {
        #[arg(value_enum)]
        kind: RegisterArg,
        file: PathBuf,
        /// The file lists changes (`add,NUMBER` / `remove,NUMBER`) rather than the whole register.
        #[arg(long)]
        delta: bool,
        #[arg(long)]
        json: bool,
    },
    /// Entries held and the latest load of every register.
    Status {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SuppressCommand {
    /// Suppress one identifier (stored only as a keyed digest).
    Add(SuppressAddArgs),
    /// List suppressions: digests and metadata, never values.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("identifier").required(true).args(["email", "phone", "name_address"])))]
pub struct SuppressAddArgs {
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    /// Surname, first address line and postcode (the MPS-style key).
    #[arg(long, num_args = 3, value_names = ["SURNAME", "ADDRESS_LINE", "POSTCODE"])]
    pub name_address: Option<Vec<String>>,
    /// opt_out, objection, erasure or consent_withdrawn.
    #[arg(long)]
    pub reason: String,
    /// all, email, phone, post or sms.
    #[arg(long, default_value = "all")]
    pub scope: String,
    /// The person the suppression was raised for, when known.
    #[arg(long)]
    pub person_id: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PartnerCommand {
    /// Register a partner; prints its API key once.
    Add {
        name: String,
        /// competition, comparison_site, lifestyle_club, offer_site, direct, call_centre, client_upload
        #[arg(long)]
        channel: String,
        /// Days the partner's records may be held (default: the profile's default retention).
        #[arg(long)]
        retention_days: Option<u32>,
    },
    /// List partners.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one partner with its record count and recent batches.
    Show {
        name: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Register a client with its contracted purposes; prints its API key once.
    Add {
        name: String,
        /// Comma-separated purposes from the profile (e.g. tracing,debt_recovery).
        #[arg(long, value_delimiter = ',', required = true)]
        purposes: Vec<String>,
        /// The most persons one selection extract may return (the contracted volume).
        #[arg(long, default_value_t = 10_000)]
        extract_limit: i64,
    },
    /// List clients.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one client.
    Show {
        name: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    Refresh,
    Append,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Csv,
    Jsonl,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// The partner that sent the file.
    #[arg(long)]
    pub partner: String,
    /// The file (.csv, .jsonl or .ndjson).
    pub file: PathBuf,
    /// refresh: the file replaces the partner's earlier data; append: it adds to it.
    #[arg(long, value_enum, default_value_t = ModeArg::Append)]
    pub mode: ModeArg,
    /// A TOML mapping of column names to fields (`[columns] "Cust Fore" = "first_name"`).
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// The format, when the file name does not say.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct BatchesArgs {
    /// Only this partner's batches.
    #[arg(long)]
    pub partner: Option<String>,
    /// Show the quarantined rows of this batch.
    #[arg(long)]
    pub quarantine: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "DATAWARD_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Synthetic persons to generate.
    #[arg(long, default_value_t = 5_000)]
    pub persons: u64,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Directory for the demo's store, secret and partner files (recreated).
    #[arg(long, default_value = "demo-data")]
    pub dir: PathBuf,
    /// Address for the server.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Load the data and exit without starting the server.
    #[arg(long)]
    pub no_serve: bool,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[arg(long)]
    pub persons: u64,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Generate a partner file and time its ingest into a fresh store (rows/s, peak memory).
    Ingest {
        /// Rows in the generated partner file (competition-co layout, with its noise and bad rows).
        #[arg(long, default_value_t = 1_000_000)]
        rows: u64,
        /// Also run against a fresh database on this PostgreSQL server.
        #[arg(long, env = "DATAWARD_BENCH_POSTGRES_URL")]
        postgres_url: Option<String>,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Working directory for the generated file and the SQLite store.
        #[arg(long, default_value = "bench-data")]
        dir: PathBuf,
    },
    /// Identity-resolution quality and speed: precision, recall and F1 at the link threshold on
    /// the FEBRL data sets and/or the generated population (see scripts/bench-linkage.sh).
    Linkage(BenchLinkageArgs),
    /// Screening throughput: a generated list against generated in-memory registers, with the
    /// hit counts checked against the known truth.
    Screen(BenchScreenArgs),
    /// Client API load: `trace` over HTTP against a store of generated persons (requests/s,
    /// latency percentiles, errors, peak memory), next to `pgbench -S` on the same PostgreSQL.
    Trace(BenchTraceArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchTraceBackend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Args)]
pub struct BenchTraceArgs {
    /// Persons in the generated population (default 20,000; a reused store knows its own).
    #[arg(long)]
    pub persons: Option<u64>,
    /// Trace requests to send (after a short warm-up).
    #[arg(long, default_value_t = 20_000)]
    pub requests: usize,
    /// Concurrent keep-alive HTTP/1.1 connections (also pgbench's client count).
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Where a fresh store is built (ignored with --reuse-store).
    #[arg(long, value_enum, default_value_t = BenchTraceBackend::Sqlite)]
    pub backend: BenchTraceBackend,
    /// A PostgreSQL server (postgres://USER@127.0.0.1:PORT/postgres): holds the store for
    /// `--backend postgres`, and when given `pgbench -S` runs on it as the ceiling.
    #[arg(long, env = "DATAWARD_BENCH_POSTGRES_URL")]
    pub postgres_url: Option<String>,
    /// A store built by an earlier run: a SQLite file path or a postgres:// URL.
    #[arg(long)]
    pub reuse_store: Option<String>,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Working directory: generated files, the SQLite store, the secret.
    #[arg(long, default_value = "/var/tmp/dataward-bench-trace")]
    pub dir: PathBuf,
    /// Requests timed stage by stage in-process after the load (0 to skip).
    #[arg(long, default_value_t = 300)]
    pub stage_samples: usize,
    /// Duration of the `pgbench -S` run.
    #[arg(long, default_value_t = 30)]
    pub pgbench_seconds: u64,
}

#[derive(Debug, Args)]
pub struct BenchScreenArgs {
    /// Entries in the TPS register (CTPS gets a twentieth, MPS a quarter).
    #[arg(long, default_value_t = 20_000_000)]
    pub register_size: u64,
    /// Rows in the list (each with a phone, an email and a name and address).
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: u64,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Threads for the parallel run (default: the machine's).
    #[arg(long)]
    pub threads: Option<usize>,
}

#[derive(Debug, Args)]
pub struct BenchLinkageArgs {
    /// Directory holding FEBRL's dataset3.csv, dataset4a.csv and dataset4b.csv.
    #[arg(long)]
    pub febrl_dir: Option<PathBuf>,
    /// Also measure on a generated population of this many persons (three partner files).
    #[arg(long)]
    pub generated: Option<u64>,
    /// Seed of the generated population.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// With --generated: also answer this many query records that are not in the base (half
    /// fresh noisy records of base persons, half persons who are not in the base) and report
    /// queries per second, bands, precision and recall, and end-to-end time.
    #[arg(long, requires = "generated")]
    pub queries: Option<usize>,
    /// With --generated: write the base (base.csv) and the queries (queries.csv), as cleaned
    /// records with their truth, into this directory (for scripts/splink_generated.py).
    #[arg(long, requires = "generated")]
    pub write_csv: Option<PathBuf>,
    /// Also write the results as JSON to this file (used by scripts/bench-linkage.sh).
    #[arg(long)]
    pub results: Option<PathBuf>,
}
