//! `whoami`: prints the account's email (or, without one, its user name).

mod common;

use heygen_client::Client;

fn main() -> std::process::ExitCode {
    common::main("whoami", 0, |client, _| async move { run(&client).await })
}

pub async fn run(client: &Client) -> common::Outcome {
    let user = client.get_current_user().await?.into_inner().data;
    Ok(vec![user.email.unwrap_or(user.username)])
}
