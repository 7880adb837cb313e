//! `upload_asset <path>`: uploads an image, audio or video file and prints its asset id.

mod common;

use heygen_client::Client;

fn main() -> std::process::ExitCode {
    common::main("upload_asset <path>", 1, |client, args| async move { run(&client, &args).await })
}

pub async fn run(client: &Client, args: &[String]) -> common::Outcome {
    let asset = client.upload_asset_file(&args[0]).await?.into_inner().data;
    eprintln!("uploaded {} as {:?}", args[0], asset.file_type);
    Ok(vec![asset.id])
}
