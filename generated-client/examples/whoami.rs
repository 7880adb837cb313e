//! `whoami`: prints the account's email (or user name), then its remaining API quota.

mod common;

use heygen_client::Client;

fn main() -> std::process::ExitCode {
    common::main("whoami", 0, |client, _| async move { run(&client).await })
}

pub async fn run(client: &Client) -> common::Outcome {
    let user = client.get_current_user().await?.into_inner().data;
    let quota = client.get_remaining_quota().await?.into_inner().data;
    let name = user.email.or(user.username).ok_or("HeyGen returned neither an email nor a user name")?;
    Ok(vec![name, quota.remaining_quota.to_string()])
}
