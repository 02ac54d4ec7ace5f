//! Command dispatch: one module per command group.

mod audit;
mod batches;
mod bench;
mod bench_linkage;
mod bench_screen;
mod bench_trace;
mod breach;
mod clients;
mod demo;
mod holds;
mod ingest;
mod keys;
mod ledger;
mod linkage;
mod partners;
mod profile;
mod purge;
mod register;
mod rights;
mod rights_requests;
mod serve;
mod staff;
mod suppress;

use anyhow::Result;

use crate::cli::{Cli, Command};

pub async fn run(cli: Cli) -> Result<()> {
    let global = &cli.global;
    match cli.command {
        Command::Partner(cmd) => partners::run(global, cmd).await,
        Command::Client(cmd) => clients::run(global, cmd).await,
        Command::Ingest(args) => ingest::run(global, args).await,
        Command::Batches(args) => batches::run(global, args).await,
        Command::Profile => profile::run(global),
        Command::Serve(args) => serve::run(global, args).await,
        Command::Demo(args) => demo::run(global, args).await,
        Command::Generate(args) => {
            let today = crate::config::uk_date(crate::config::now()?);
            let summary = crate::generate_cmd::run(args.persons, args.seed, &args.out, today)?;
            println!("{summary}");
            Ok(())
        }
        Command::Ledger(args) => ledger::run(global, args).await,
        Command::Explain { request_id, json } => ledger::explain(global, &request_id, json).await,
        Command::Rights(cmd) => rights::run(global, cmd).await,
        Command::Outbox(cmd) => rights::outbox(global, cmd).await,
        Command::Linkage(cmd) => linkage::run(global, cmd).await,
        Command::Register(cmd) => register::run(global, cmd).await,
        Command::Suppress(cmd) => suppress::run(global, cmd).await,
        Command::Staff(cmd) => staff::run(global, cmd).await,
        Command::Hold(cmd) => holds::run(global, cmd).await,
        Command::Purge(args) => purge::run(global, args).await,
        Command::Breach(cmd) => breach::run(global, cmd).await,
        Command::Bench(cmd) => bench::run(global, cmd).await,
        Command::Audit(cmd) => audit::run(global, cmd).await,
        Command::Keys(cmd) => keys::run(global, cmd).await,
    }
}
