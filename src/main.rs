//! The `albergue` binary: parses the command line and reports errors.
//! Exit codes: 0 success, 1 failure, 2 usage error.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Past a file-size limit (`ulimit -f`, a systemd LimitFSIZE=) the
    // kernel sends SIGXFSZ, which would end a job with no word and leave
    // its work behind; caught, the write fails with EFBIG instead and the
    // job says so and cleans up.
    let _ = signal_hook::flag::register(
        signal_hook::consts::SIGXFSZ,
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
    );
    let cli = albergue::cli::Cli::parse();
    match albergue::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("albergue: {e:#}");
            ExitCode::FAILURE
        }
    }
}
