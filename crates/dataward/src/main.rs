//! The `dataward` command: parse the arguments, build what the command needs, run it.

mod cli;
mod commands;
mod config;
mod cpu;
mod generate_cmd;
mod memory;

use clap::Parser;

/// mimalloc instead of glibc's malloc: a trace makes thousands of small allocations (rows,
/// strings, decrypted values), and glibc's allocator took about 15 % of a loaded server's CPU
/// (`_int_malloc`, `_int_free`, `malloc_consolidate` in a profile of `bench trace`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    config::init_tracing(cli.global.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
