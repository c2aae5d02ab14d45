//! The `albergue` binary: parses the command line and reports errors.
//! Exit codes: 0 success, 1 failure, 2 usage error.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = albergue::cli::Cli::parse();
    match albergue::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("albergue: {e:#}");
            ExitCode::FAILURE
        }
    }
}
