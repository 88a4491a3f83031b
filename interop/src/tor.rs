//! Running a real tor on loopback for a test, and ending it by PID.
//!
//! Starts tor the way the tor transcripts in `testdata/` were recorded: a minimal environment
//! (`env -i`), no defaults torrc, a fresh 0700 DataDirectory, readiness and failure read from
//! tor's notice log.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A tor process started by a test; killed (TERM, then KILL) by PID when dropped. Its directory
/// is removed then too, unless the thread is panicking (a failed test keeps it for reading).
pub struct Tor {
    child: Child,
    dir: PathBuf,
}

impl Tor {
    /// Starts `tor` with `torrc` (a `DataDirectory` and notice log lines are added) in a fresh
    /// directory under the system temp dir. `torrc` must keep tor on loopback. It is bytes: a
    /// torrc need not be UTF-8, and tor passes bridge arguments on byte for byte.
    pub fn start(name: &str, torrc: impl AsRef<[u8]>) -> Result<Tor, String> {
        let tor = find_tor().ok_or("tor is not installed (apt-get install tor)")?;
        let dir = std::env::temp_dir().join(format!("pt-interop-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let data = dir.join("data");
        fs::create_dir_all(&data).map_err(|e| format!("mkdir {}: {e}", data.display()))?;
        set_private(&data)?;
        let mut full = format!(
            "DataDirectory {}\nLog notice file {}\nLog [pt]info file {}\n",
            data.display(),
            dir.join("notice.log").display(),
            dir.join("pt.log").display(),
        )
        .into_bytes();
        full.extend_from_slice(torrc.as_ref());
        let torrc_path = dir.join("torrc");
        fs::write(&torrc_path, full).map_err(|e| format!("write torrc: {e}"))?;
        let child = Command::new(tor)
            .env_clear()
            .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
            .env("HOME", &dir)
            .arg("-f")
            .arg(&torrc_path)
            .args(["--defaults-torrc", "/dev/null"])
            .stdin(Stdio::null())
            .stdout(Stdio::from(
                fs::File::create(dir.join("stdout.log")).map_err(|e| e.to_string())?,
            ))
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start tor: {e}"))?;
        Ok(Tor { child, dir })
    }

    /// The directory holding the torrc, logs and DataDirectory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// tor's notice log so far.
    pub fn notice_log(&self) -> String {
        fs::read_to_string(self.dir.join("notice.log")).unwrap_or_default()
    }

    /// Polls (10 Hz) until `done` returns true, tor's log shows one of `failures`, tor exits, or
    /// `timeout` passes. The error carries tor's log.
    pub fn wait_until(
        &mut self,
        timeout: Duration,
        failures: &[&str],
        mut done: impl FnMut(&str) -> bool,
    ) -> Result<(), String> {
        let start = Instant::now();
        loop {
            let log = self.notice_log();
            if done(&log) {
                return Ok(());
            }
            if let Some(f) = failures.iter().find(|f| log.contains(**f)) {
                return Err(format!("tor logged {f:?}:\n{log}"));
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("tor exited ({status}):\n{log}"));
            }
            if start.elapsed() > timeout {
                return Err(format!("timed out after {timeout:?}:\n{log}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tor {
    fn drop(&mut self) {
        self.stop();
        if !std::thread::panicking() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

impl Tor {
    fn stop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        crate::wait_or_kill(&mut self.child);
    }
}

fn find_tor() -> Option<PathBuf> {
    ["/usr/bin/tor", "/usr/sbin/tor", "/usr/local/bin/tor"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

#[cfg(unix)]
fn set_private(dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(|e| e.to_string())
}

#[cfg(not(unix))]
fn set_private(_: &Path) -> Result<(), String> {
    Ok(())
}

/// The torrc of a bridge that listens on loopback only, with an Extended ORPort: its ORPort
/// and ExtORPort on `127.0.0.1:auto`, a fake loopback directory authority and no fallback
/// directories, so that it contacts nothing (the recipe the tor transcripts were recorded
/// with).
pub const EXTORPORT_BRIDGE_TORRC: &str = "SocksPort 0\n\
    ORPort 127.0.0.1:auto\n\
    Address 127.0.0.1\n\
    BridgeRelay 1\n\
    PublishServerDescriptor 0\n\
    AssumeReachable 1\n\
    ShutdownWaitLength 0\n\
    DirAuthority fakeauth orport=19709 no-v2 v3ident=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA \
    127.0.0.1:19708 BBBB BBBB BBBB BBBB BBBB BBBB BBBB BBBB BBBB BBBB\n\
    UseDefaultFallbackDirs 0\n\
    ExtORPort 127.0.0.1:auto\n";

/// The line tor logs when its Extended ORPort listens.
const EXTORPORT_READY: &str = "Opened Extended OR listener connection (ready) on ";

/// A running loopback bridge with an Extended ORPort.
pub struct ExtOrPortBridge {
    /// The tor process (ended by PID when dropped).
    pub tor: Tor,
    /// Where its Extended ORPort listens.
    pub extorport: std::net::SocketAddr,
    /// The cookie file it wrote (`DataDirectory/extended_orport_auth_cookie`).
    pub cookie_file: PathBuf,
}

impl ExtOrPortBridge {
    /// Starts tor with [`EXTORPORT_BRIDGE_TORRC`] and waits (up to 60 s) until its Extended
    /// ORPort listens and its 64-byte cookie file is written.
    pub fn start(name: &str) -> Result<ExtOrPortBridge, String> {
        let mut tor = Tor::start(name, EXTORPORT_BRIDGE_TORRC)?;
        let cookie_file = tor.dir().join("data/extended_orport_auth_cookie");
        let cookie = cookie_file.clone();
        tor.wait_until(
            Duration::from_secs(60),
            &["[err]", "Failed to bind", "Could not bind"],
            |log| {
                log.contains(EXTORPORT_READY) && fs::metadata(&cookie).is_ok_and(|m| m.len() == 64)
            },
        )?;
        let log = tor.notice_log();
        let addr = log
            .lines()
            .find_map(|l| l.split(EXTORPORT_READY).nth(1))
            .and_then(|a| a.trim().parse().ok())
            .ok_or_else(|| format!("no Extended ORPort address in tor's log:\n{log}"))?;
        Ok(ExtOrPortBridge {
            tor,
            extorport: addr,
            cookie_file,
        })
    }
}
