//! `cargo xtask contract`: for each of our documents, Stoplight Prism serves it, the `contract`
//! test of heygen-tests drives every operation of its client against it, and Prism is stopped
//! whatever happens.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

use heygen_codegen::Document;

/// How long Prism may take to start answering (it parses the whole spec first).
const STARTUP: Duration = Duration::from_secs(90);
const PRISM: &str = ".tools/npm/node_modules/.bin/prism";

/// Runs the contract of every document, each against its own Prism, even after one fails, so
/// that one run reports on both.
pub fn run(root: &Path) -> Result<(), String> {
    install(root)?;
    // Each document by the name the contract test knows it by (`HEYGEN_CONTRACT_DOCUMENT`).
    let failures: Vec<String> = Document::ALL
        .into_iter()
        .filter_map(|document| run_document(root, document.name(), document.spec_path()).err())
        .collect();
    if failures.is_empty() { Ok(()) } else { Err(failures.join("\n\n")) }
}

fn run_document(root: &Path, name: &str, spec: &str) -> Result<(), String> {
    let port = free_port()?;
    let log_path = root.join(format!("target/contract/prism-{name}.log"));
    std::fs::create_dir_all(log_path.parent().expect("a parent"))
        .map_err(|e| format!("cannot create target/contract: {e}"))?;
    let mut prism = Prism::start(root, spec, port, &log_path)?;
    let started = Instant::now();
    prism.wait_until_ready()?;
    eprintln!("Prism serves {spec} on port {port} after {:.1} s", started.elapsed().as_secs_f64());
    let result = run_driver(root, name, port);
    drop(prism);
    result.map_err(|e| format!("{spec}: {e}\nPrism's log: {}\n{}", log_path.display(), tail(&log_path, 40)))
}

fn install(root: &Path) -> Result<(), String> {
    let status = Command::new("bash")
        .arg(root.join("tools/install.sh"))
        .arg("npm")
        .status()
        .map_err(|e| format!("cannot run tools/install.sh: {e}"))?;
    if !status.success() {
        return Err(format!("tools/install.sh npm failed ({status})"));
    }
    Ok(())
}

/// A loopback port nothing listens on now.
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| format!("no free loopback port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// The test, run by cargo with Prism's address and the document it serves.
fn run_driver(root: &Path, document: &str, port: u16) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["test", "--quiet", "--package", "heygen-tests", "--test", "it", "--"])
        // The contract test is the `contract` module's only test, and the binary's only ignored one.
        .args(["contract::", "--ignored", "--nocapture", "--test-threads=1"])
        .env("HEYGEN_CONTRACT_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("HEYGEN_CONTRACT_DOCUMENT", document)
        .status()
        .map_err(|e| format!("cannot run cargo test: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("the contract test failed ({status})")) }
}

/// Prism's pid for the signal handler; 0 when none runs.
static PRISM_PID: AtomicI32 = AtomicI32::new(0);

/// A running Prism, stopped (SIGKILL to its pid, then reaped) when dropped.
struct Prism {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Prism {
    fn start(root: &Path, spec: &str, port: u16, log: &Path) -> Result<Self, String> {
        let out = File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        // Its own process group, so a Ctrl-C in the terminal reaches us and we stop it.
        let child = Command::new(root.join(PRISM))
            .current_dir(root)
            .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string(), spec])
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start {PRISM}: {e}"))?;
        PRISM_PID.store(child.id() as i32, Ordering::SeqCst);
        stop_prism_on_signals();
        eprintln!("started Prism (pid {}) on 127.0.0.1:{port}", child.id());
        Ok(Self { child, port, log: log.to_owned() })
    }

    /// Polls until Prism answers an HTTP request (any status), it exits, or time runs out.
    fn wait_until_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + STARTUP;
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        while Instant::now() < deadline {
            if answers(address) {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("Prism exited ({status}) before answering:\n{}", tail(&self.log, 40)));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(format!("Prism did not answer within {} s:\n{}", STARTUP.as_secs(), tail(&self.log, 40)))
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        PRISM_PID.store(0, Ordering::SeqCst);
        let _ = self.child.kill();
        let _ = self.child.wait();
        eprintln!("stopped Prism (pid {})", self.child.id());
    }
}

fn answers(address: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_millis(500)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    if stream.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").is_err() {
        return false;
    }
    let mut reply = [0u8; 12];
    stream.read_exact(&mut reply).is_ok() && reply.starts_with(b"HTTP/1.")
}

/// On Ctrl-C, SIGTERM or SIGHUP: kill Prism by its pid, then exit as the signal would.
fn stop_prism_on_signals() {
    extern "C" fn on_signal(signal: libc::c_int) {
        let pid = PRISM_PID.swap(0, Ordering::SeqCst);
        // SAFETY: kill and _exit are async-signal-safe.
        unsafe {
            if pid > 0 {
                libc::kill(pid, libc::SIGKILL);
            }
            libc::_exit(128 + signal);
        }
    }
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: installs a handler that only calls async-signal-safe functions.
        unsafe {
            libc::signal(signal, on_signal as *const () as libc::sighandler_t);
        }
    }
}

/// The last `lines` lines of a file, for error messages.
fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
