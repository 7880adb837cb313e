//! The binary serves the same fake over HTTP with a wall clock: a video created over the wire
//! finishes on its own.

use crate::common;

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

use heygen_mock::api;

/// The running binary, stopped (by its own handle) when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_serves_the_fake_and_its_jobs_finish_on_wall_time() {
    let child = Command::new(env!("CARGO_BIN_EXE_heygen-mock"))
        .args(["--port", "0", "--pace", "50"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut running = Running(child);
    let mut line = String::new();
    BufReader::new(running.0.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.split_whitespace().last().expect("the first line names the URL").to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");

    let client = api::client(&url, "any-key");
    let id = common::create_video(&client, None, &heygen_mock::samples::avatar_video("over the wire")).await.unwrap();
    // Five fake seconds at fifty a second: about 100 ms.
    let video = client.wait_for_video(&id, &common::fast_wait()).await.unwrap();
    assert_eq!(common::status_of(&video), "completed");
}

#[test]
fn bad_flags_are_refused_with_a_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_heygen-mock")).args(["--port", "0", "--pace", "0"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--pace"));
}
