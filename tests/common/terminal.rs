//! A program in a pseudo-terminal made by util-linux `script`, read back
//! through a terminal emulator (`vt100`), as a coordinator would see it.

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A program in an 80×24 pseudo-terminal, its output kept.
pub struct Session {
    pub child: Child,
    pub output: Arc<Mutex<Vec<u8>>>,
}

impl Session {
    /// Starts `albergue ARGS` in an 80×24 pseudo-terminal.
    pub fn start(home: &std::path::Path, args: &str) -> Self {
        Self::start_with_env(home, args, &[])
    }

    /// Starts it with extra environment variables.
    pub fn start_with_env(home: &std::path::Path, args: &str, vars: &[(&str, &str)]) -> Self {
        let bin = env!("CARGO_BIN_EXE_albergue");
        Self::run(home, &format!("{bin} {args}"), vars)
    }

    /// Starts any command line (`ssh -tt …`) in an 80×24 pseudo-terminal.
    pub fn run(home: &std::path::Path, command: &str, vars: &[(&str, &str)]) -> Self {
        let inner = format!("stty rows 24 cols 80; exec {command}");
        let mut child = Command::new("script")
            .args(["-qfec", &inner, "/dev/null"])
            .env("TERM", "xterm-256color")
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env_remove("ALBERGUE_DB")
            .env_remove("NO_COLOR")
            .envs(vars.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("util-linux `script` runs (Debian's bsdutils package)");
        let output = Arc::new(Mutex::new(Vec::new()));
        let mut stdout = child.stdout.take().unwrap();
        let sink = Arc::clone(&output);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Self { child, output }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    pub fn screen(&self) -> String {
        let rows = std::num::NonZeroU16::new(24).unwrap();
        let cols = std::num::NonZeroU16::new(80).unwrap();
        let mut parser = vt100::Parser::new(rows, cols, 0);
        parser.process(&self.output.lock().unwrap());
        parser.screen().contents()
    }

    /// Waits until the screen shows `text`; fails with the screen if it never does.
    pub fn wait_for(&self, text: &str) {
        self.wait_until(text, |screen| screen.contains(text));
    }

    /// Waits until `ready` holds for the screen; fails with `what` and the
    /// screen if it never does.
    #[allow(dead_code)]
    pub fn wait_until(&self, what: &str, ready: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if ready(&self.screen()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        panic!("the screen never showed {what}:\n{}", self.screen());
    }

    /// Sends SIGHUP to albergue itself (the child of `script`), as a dropped SSH link does.
    pub fn hang_up(&self) {
        self.signal("-HUP");
    }

    /// Kills the program outright (SIGKILL), as when a laptop's battery dies
    /// or a client is killed: unlike a hang-up, this cannot be ignored (an
    /// `ssh` started under `nohup` ignores SIGHUP, as it inherited).
    #[allow(dead_code)] // not every test binary kills its program
    pub fn kill_program(&self) {
        self.signal("-KILL");
    }

    fn signal(&self, which: &str) {
        let pid = self.child.id();
        let kids = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap();
        let target = kids
            .split_whitespace()
            .next()
            .expect("albergue runs under script");
        assert!(Command::new("kill")
            .args([which, target])
            .status()
            .unwrap()
            .success());
    }

    /// Hangs up and waits for the end; returns how long the end took.
    pub fn hang_up_and_wait(&mut self) -> Duration {
        let started = Instant::now();
        self.hang_up();
        self.wait_exit();
        started.elapsed()
    }

    pub fn wait_exit(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "albergue did not exit:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }
}
