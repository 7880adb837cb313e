//! What every example shares: a client from the environment (`HEYGEN_API_KEY`, and
//! `HEYGEN_BASE_URL` / `HEYGEN_UPLOAD_BASE_URL` when set), the result on stdout (last line),
//! and a one-line error with a non-zero exit on failure.

use std::future::Future;
use std::process::ExitCode;

use heygen_client::Client;

pub type Outcome = Result<Vec<String>, Box<dyn std::error::Error>>;

/// Runs an example's `run` with the command-line arguments; `usage` names them.
pub fn main<F, Fut>(usage: &str, arguments: usize, run: F) -> ExitCode
where
    F: FnOnce(Client, Vec<String>) -> Fut,
    Fut: Future<Output = Outcome>,
{
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < arguments {
        eprintln!("usage: {usage}");
        return ExitCode::from(2);
    }
    let outcome = tokio::runtime::Runtime::new()
        .map_err(Into::into)
        .and_then(|runtime| runtime.block_on(async { run(Client::from_env()?, args).await }));
    match outcome {
        Ok(lines) => {
            lines.iter().for_each(|line| println!("{line}"));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Waits with the default options, reporting each poll on stderr.
#[allow(dead_code)] // not every example waits
pub fn wait_options() -> heygen_client::WaitOptions {
    heygen_client::WaitOptions::default()
        .on_progress(|p| eprintln!("{}: {} after {:.0?} ({} polls)", p.operation, p.status, p.elapsed, p.polls))
}
