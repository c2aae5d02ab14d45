//! The dashboard inside tmux, where many coordinators keep it: the screen
//! is the one a plain terminal shows, tmux's own key encodings (Home, End,
//! Shift-Tab as TERM=screen sends them) arrive, and detaching and
//! reattaching leave both terminals sound.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

mod common;

use common::terminal::Session;
use common::{make_demo, text, NOW};

/// A tmux server of the test's own (its own socket and config), killed
/// when dropped.
struct Tmux {
    socket: String,
    config: std::path::PathBuf,
}

impl Tmux {
    fn new(home: &Path) -> Self {
        let socket = format!(
            "albergue-test-{}-{}",
            std::process::id(),
            home.file_name().unwrap().to_string_lossy()
        );
        let config = home.join("tmux.conf");
        // No status line: the pane is the whole 80×24, as in the plain
        // terminal.
        std::fs::write(&config, "set -g status off\n").unwrap();
        Self { socket, config }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f"])
            .arg(&self.config)
            .args(args)
            .output()
            .expect("tmux runs (Debian's tmux package; scripts/test installs it)")
    }

    /// The command line to attach a client, for a pseudo-terminal.
    fn attach_command(&self) -> String {
        format!(
            "tmux -L {} -f {} attach -t t",
            self.socket,
            self.config.display()
        )
    }

    /// Starts albergue in a detached 80×24 session `t`. When it ends, the
    /// shell around it says so and keeps the pane open, so that the state
    /// albergue left the pane in can be read.
    fn start(&self, home: &Path, args: &str) {
        let bin = env!("CARGO_BIN_EXE_albergue");
        let vars = [
            format!("HOME={}", home.display()),
            format!("XDG_DATA_HOME={}", home.join("data").display()),
            format!("XDG_CONFIG_HOME={}", home.join("config").display()),
            format!("XDG_STATE_HOME={}", home.join("state").display()),
        ];
        let mut command: Vec<String> = vec![
            "new-session".into(),
            "-d".into(),
            "-s".into(),
            "t".into(),
            "-x".into(),
            "80".into(),
            "-y".into(),
            "24".into(),
        ];
        for v in &vars {
            command.push("-e".into());
            command.push(v.clone());
        }
        command.push(format!("{bin} {args}; echo albergue ended $?; sleep 60"));
        let refs: Vec<&str> = command.iter().map(String::as_str).collect();
        let o = self.run(&refs);
        assert!(o.status.success(), "{}", text(&o));
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend(keys);
        let o = self.run(&args);
        assert!(o.status.success(), "{}", text(&o));
    }

    fn screen(&self) -> String {
        let o = self.run(&["capture-pane", "-p", "-t", "t"]);
        assert!(o.status.success(), "{}", text(&o));
        String::from_utf8(o.stdout).unwrap()
    }

    fn show(&self, format: &str) -> String {
        let o = self.run(&["display-message", "-p", "-t", "t", format]);
        String::from_utf8(o.stdout).unwrap().trim().to_string()
    }

    /// Waits for albergue's end; then the pane must be as it was before:
    /// the main screen, the cursor shown.
    fn wait_ended_and_restored(&self) {
        self.wait_for("albergue ended 0");
        assert_eq!(self.show("#{alternate_on} #{cursor_flag}"), "0 1");
    }

    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if self.screen().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        panic!("tmux never showed {text:?}:\n{}", self.screen());
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// A screen's text without trailing blanks, for comparing two terminals.
fn normal(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().map(str::trim_end).collect();
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |i| i + 1);
    lines[..end].join("\n")
}

/// Waits until both terminals show the same screen, holding `text` and
/// other than `before` (what they showed before the key).
fn same_screen(tmux: &Tmux, plain: &Session, text: &str, before: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let a = normal(&tmux.screen());
        let b = normal(&plain.screen());
        if a == b && a.contains(text) && a != before {
            return a;
        }
        assert!(
            Instant::now() < deadline,
            "tmux and a plain terminal differ:\n--- tmux\n{a}\n--- plain\n{b}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn inside_tmux_the_screen_and_the_keys_are_those_of_a_plain_terminal() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let db = make_demo(h, 300);
    let args = format!("--db {} --now {NOW} --lang en", db.display());
    let tmux = Tmux::new(h);
    tmux.start(h, &args);
    let mut plain = Session::start(h, &args);

    let dashboard = same_screen(&tmux, &plain, "Due soonest", "");
    tmux.keys(&["2"]);
    plain.send(b"2");
    let top = same_screen(&tmux, &plain, "sorted by Name", &dashboard);
    // tmux sends End and Home as TERM=screen encodes them (CSI 4 ~, CSI 1 ~);
    // the plain terminal as xterm does (CSI F, CSI H).
    tmux.keys(&["End"]);
    plain.send(b"\x1b[F");
    // (Each step waits for the screen to change: a key that did not
    // arrive fails here.)
    let bottom = same_screen(&tmux, &plain, "sorted by Name", &top);
    tmux.keys(&["Home"]);
    plain.send(b"\x1b[H");
    assert_eq!(same_screen(&tmux, &plain, "sorted by Name", &bottom), top);
    // Shift-Tab: the previous screen.
    tmux.keys(&["BTab"]);
    plain.send(b"\x1b[Z");
    same_screen(&tmux, &plain, "Due soonest", &top);

    tmux.keys(&["q"]);
    plain.send(b"q");
    assert!(plain.wait_exit().success());
    tmux.wait_ended_and_restored();
}

#[test]
fn detaching_and_reattaching_leave_both_terminals_sound() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let db = make_demo(h, 100);
    let args = format!("--db {} --now {NOW} --lang en", db.display());
    let tmux = Tmux::new(h);
    tmux.start(h, &args);
    tmux.wait_for("Due soonest");

    // A coordinator attaches from their terminal, looks, and detaches.
    let mut client = Session::run(h, &tmux.attach_command(), &[]);
    client.wait_for("Due soonest");
    client.send(b"2");
    client.wait_for("sorted by Name");
    let seen = normal(&client.screen());
    client.send(b"\x02d");
    client.wait_for("[detached");
    assert!(client.wait_exit().success());
    let raw = String::from_utf8_lossy(&client.output.lock().unwrap()).to_string();
    let entered = raw
        .rfind("\x1b[?1049h")
        .expect("tmux took the alternate screen");
    let left = raw.rfind("\x1b[?1049l").expect("and gave it back");
    assert!(
        left > entered,
        "the client's terminal is restored on detach"
    );

    // The dashboard went on without a terminal attached.
    assert!(!tmux.screen().contains("albergue ended"));

    // Reattached, it shows the same screen and still takes keys.
    let mut client = Session::run(h, &tmux.attach_command(), &[]);
    client.wait_for("sorted by Name");
    assert_eq!(normal(&client.screen()), seen);
    client.send(b"q");
    tmux.wait_ended_and_restored();
    client.send(b"\x02d");
    assert!(client.wait_exit().success());
}

#[test]
fn inside_tmux_with_set_clipboard_on_y_fills_tmuxs_buffer() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let db = make_demo(h, 300);
    let tmux = Tmux::new(h);
    std::fs::write(&tmux.config, "set -g status off\nset -g set-clipboard on\n").unwrap();
    tmux.start(h, &format!("--db {} --now {NOW} --lang en", db.display()));
    tmux.wait_for("Due soonest");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Household #");
    let id = common::person_id_on(&tmux.screen());
    tmux.keys(&["M"]);
    tmux.wait_for("copy it");
    tmux.keys(&["y"]);
    tmux.wait_for("copied to your clipboard");
    let buffer = tmux.run(&["show-buffer"]);
    assert!(buffer.status.success(), "{}", text(&buffer));
    assert_eq!(
        String::from_utf8(buffer.stdout).unwrap(),
        common::expected_message(&db, id)
    );
    tmux.keys(&["q", "q"]);
    tmux.wait_ended_and_restored();
}
