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
    /// SQLite page cache of a loading batch or register load, in MiB (at most this much memory
    /// per load). A batch that writes more than this spills pages into the write-ahead log and
    /// slows down: about 11 KiB per row, so a million-row initial load runs best with 12000
    /// when the memory is there.
    #[arg(long, global = true, env = "DATAWARD_INGEST_CACHE_MIB", default_value_t = dataward_store::store::DEFAULT_INGEST_CACHE_MIB)]
    pub ingest_cache_mib: u32,
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
    /// Data-subject rights: the request queue, intake by post or phone, verification, matching,
    /// completion (reports, exports, rectification, erasure, restriction, objection), refusals,
    /// extensions, and the access report of a person.
    #[command(subcommand)]
    Rights(RightsCommand),
    /// The notification outbox: codes to requesters, notices to recipients.
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Identity resolution: the model, training, the review queue, a person's history.
    #[command(subcommand)]
    Linkage(LinkageCommand),
    /// Preference registers (TPS, CTPS, MPS): load files, show what is held.
    #[command(subcommand)]
    Register(RegisterCommand),
    /// The operator's suppression list: opt-outs, objections, erasures, consent withdrawals.
    #[command(subcommand)]
    Suppress(SuppressCommand),
    /// Console staff accounts: add (password from stdin or DATAWARD_STAFF_PASSWORD), list,
    /// password, totp, disable.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Legal holds: persons or partners no purge may remove until lifted.
    #[command(subcommand)]
    Hold(HoldCommand),
    /// Remove records past their partner's retention and withdrawn partners' records whose
    /// rights-only hold has ended (legal holds excepted); report per partner and category.
    Purge(PurgeArgs),
    /// Breach incidents: record, assess (72-hour clock, notification list), close.
    #[command(subcommand)]
    Breach(BreachCommand),
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
    /// The queue of open requests: overdue first, then due within 7 days, then the rest.
    List {
        /// Closed requests too.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// One request: its state, due date, match, audit trail and notifications.
    Show {
        reference: String,
        #[arg(long)]
        json: bool,
    },
    /// Record a request that came by post, phone or email.
    Submit(RightsSubmitArgs),
    /// The DPO checked the requester's identity (documents by post, call-back): start the clock
    /// and match the requester.
    Verified { reference: String },
    /// Ask the requester to prove their contact with a one-time code (sent through the outbox).
    SendCode { reference: String },
    /// Confirm or reject a possible match (never acted on until confirmed).
    Confirm {
        reference: String,
        #[arg(long, conflicts_with = "reject")]
        accept: bool,
        #[arg(long)]
        reject: bool,
    },
    /// Carry the request out, tell recipients and the requester, close it.
    Complete {
        reference: String,
        /// The public address download links point to.
        #[arg(long, env = "DATAWARD_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
        public_url: String,
    },
    /// Refuse with a lawful reason (identity_not_confirmed, suspected_fraud, manifestly_unfounded,
    /// manifestly_excessive, right_does_not_apply, exemption_applies, compelling_legitimate_grounds).
    Refuse {
        reference: String,
        #[arg(long)]
        reason: String,
    },
    /// Extend the deadline by 1 or 2 months; the requester is told why at once.
    Extend {
        reference: String,
        #[arg(long)]
        months: u8,
        /// complex or numerous_requests.
        #[arg(long)]
        ground: String,
        #[arg(long)]
        explanation: String,
    },
}

#[derive(Debug, Args)]
pub struct RightsSubmitArgs {
    /// access, portability, correction, deletion, restriction, lift_restriction, objection,
    /// objection:direct_marketing, consent_withdrawal, consent_withdrawal:PURPOSE.
    pub kind: String,
    /// post, phone or email.
    #[arg(long, default_value = "post")]
    pub channel: String,
    #[arg(long)]
    pub first_name: String,
    #[arg(long)]
    pub surname: String,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub address: Option<String>,
    #[arg(long)]
    pub town: Option<String>,
    #[arg(long)]
    pub postcode: Option<String>,
    #[arg(long)]
    pub dob: Option<String>,
    /// A correction for a rectification: FIELD=VALUE (repeatable).
    #[arg(long = "correct")]
    pub corrections: Vec<String>,
}

/// The notification outbox.
#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Notifications and their delivery state (never their content).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Deliver what is due now: email by SMTP, text messages through the SMS gateway, client
    /// webhooks; channels without a configuration wait.
    Deliver {
        #[arg(long, env = "DATAWARD_SMTP_URL")]
        smtp_url: Option<String>,
        #[arg(long, env = "DATAWARD_MAIL_FROM", default_value = "dataward <privacy@dataward.invalid>")]
        from: String,
        /// The SMS provider's HTTP gateway (JSON `{to, text}`; token from `DATAWARD_SMS_TOKEN`).
        #[arg(long, env = "DATAWARD_SMS_URL")]
        sms_url: Option<String>,
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
pub enum StaffCommand {
    /// Add a staff member. The password is read from DATAWARD_STAFF_PASSWORD, else from the first
    /// line of standard input (never from a flag, which would leave it in the shell history).
    Add {
        name: String,
        /// admin, operator, dpo or auditor.
        #[arg(long)]
        role: String,
    },
    /// List staff members (no hashes, no secrets).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Set a new password (read like `add`); clears a lock-out and ends the member's sessions.
    Password { name: String },
    /// Turn on the TOTP second factor: prints the otpauth URI and the secret once.
    Totp {
        name: String,
        /// Turn the second factor off instead.
        #[arg(long)]
        off: bool,
    },
    /// Disable a staff member: they can no longer sign in, and their sessions end.
    Disable { name: String },
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
    /// Withdraw a partner at once: nothing of it is released again, no file of it is accepted,
    /// and its records are kept for rights fulfilment only for the profile's hold, then purged.
    Withdraw {
        name: String,
        /// Why (kept with the partner and in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum HoldCommand {
    /// Place a legal hold on a person or a partner: no purge removes their records until lifted.
    Add(HoldAddArgs),
    /// List the holds in force (with --all, lifted ones too).
    List {
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Lift a hold.
    Lift {
        hold_id: String,
        /// Why the hold no longer applies.
        #[arg(long, required = true)]
        reason: String,
    },
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("target").required(true).args(["person", "partner"])))]
pub struct HoldAddArgs {
    /// The person's id.
    #[arg(long)]
    pub person: Option<String>,
    /// The partner's name.
    #[arg(long)]
    pub partner: Option<String>,
    /// Why (e.g. the statute or the case reference).
    #[arg(long, required = true)]
    pub reason: String,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("mode").required(true).args(["dry_run", "apply"])))]
pub struct PurgeArgs {
    /// Report what would be removed; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Remove it (one transaction).
    #[arg(long)]
    pub apply: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum BreachCommand {
    /// Record an incident and start its 72-hour clock.
    Open {
        /// What was exposed: partner-batch:BATCH_ID, client-extracts:CLIENT or window:FROM..TO
        /// (RFC 3339 times; values released to clients in that window).
        #[arg(long)]
        what: String,
        /// Limit to these categories (comma-separated, e.g. user.contact.email,user.name).
        #[arg(long, default_value = "")]
        categories: String,
        /// What happened (describe the incident, not the people in it).
        #[arg(long)]
        description: String,
        /// When the breach was detected (RFC 3339; default now). The clock runs from here.
        #[arg(long)]
        detected_at: Option<String>,
    },
    /// List incidents with their clocks.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Persons and categories affected, time left on the clock, and whom to notify (ids only).
    Assess {
        breach_id: String,
        #[arg(long)]
        json: bool,
        /// Also write the contact details of the persons to notify to this CSV file (mode 0600).
        #[arg(long)]
        export: Option<PathBuf>,
    },
    /// Close an incident.
    Close {
        breach_id: String,
        /// Whether it was reported to the ICO.
        #[arg(long, value_enum)]
        reported_to_ico: YesNo,
        /// Why it was or was not reported, and what was done.
        #[arg(long)]
        note: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum YesNo {
    Yes,
    No,
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
    /// Where the client's data-protection notices go (Art. 19: rectifications and erasures of
    /// data it received): a business email address and/or an HTTPS webhook.
    Notify {
        name: String,
        /// The client's data-protection contact.
        #[arg(long)]
        email: Option<String>,
        /// A webhook receiving each notice as JSON (HTTPS; plain HTTP only to loopback).
        #[arg(long)]
        webhook: Option<String>,
        /// Remove both.
        #[arg(long, conflicts_with_all = ["email", "webhook"])]
        clear: bool,
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
    /// Console cookies without `Secure`, so a browser keeps them over plain HTTP. Only for local
    /// runs without TLS; never in production.
    #[arg(long, env = "DATAWARD_INSECURE_COOKIES")]
    pub insecure_cookies: bool,
    /// The address the public reaches the server at, for the download links mailed to
    /// requesters (default: `http://` and the listen address).
    #[arg(long, env = "DATAWARD_PUBLIC_URL")]
    pub public_url: Option<String>,
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
        /// Run only on PostgreSQL (with --postgres-url), not on SQLite.
        #[arg(long, requires = "postgres_url")]
        skip_sqlite: bool,
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
    /// With --queries: answer them on this many threads (default: every core; the base is
    /// shared read-only, as a server's request handlers would share it).
    #[arg(long, requires = "queries")]
    pub query_threads: Option<usize>,
    /// With --generated: write the base (base.csv) and the queries (queries.csv), as cleaned
    /// records with their truth, into this directory (for scripts/splink_generated.py).
    #[arg(long, requires = "generated")]
    pub write_csv: Option<PathBuf>,
    /// Also write the results as JSON to this file (used by scripts/bench-linkage.sh).
    #[arg(long)]
    pub results: Option<PathBuf>,
}
