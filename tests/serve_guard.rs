//! `albergue serve` against what a hostile afternoon tried: sockets that
//! say nothing, a revoked user who keeps a session open, and a flood of
//! unknown keys from the address coordinators share. Through the real
//! OpenSSH client and raw sockets on 127.0.0.x.

use std::io::Read;
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

mod common;

use albergue::actor::Actor;
use albergue::store::{OpenMode, Store, StoreError};
use common::server::{block_on, Server, GRACE_SECS};
use common::{new_person, text};

/// A TCP connection to the server from `127.0.0.<from>` that sends nothing.
fn silent_socket(port: u16, from: u8) -> TcpStream {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let local: SocketAddr = format!("127.0.0.{from}:0").parse().unwrap();
    socket.bind(&local.into()).unwrap();
    let server: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    socket.connect(&server.into()).unwrap();
    socket.into()
}

/// Whether the server has closed `socket` (its version line and key
/// exchange read and thrown away), waiting at most `within`.
fn closed_within(socket: &mut TcpStream, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        socket
            .set_read_timeout(Some(
                deadline
                    .saturating_duration_since(Instant::now())
                    .max(Duration::from_millis(10)),
            ))
            .unwrap();
        match socket.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => {}
        }
    }
    false
}

/// `ssh` as `user` asking for a command: refused by an answer that comes
/// only after the key was accepted. Returns the exit code, what the client
/// printed and how long the login took.
fn log_in(server: &Server, user: &str) -> (Option<i32>, String, Duration) {
    let mut args = server.ssh(user, user);
    args.extend(["-o".into(), "ConnectTimeout=20".into(), "true".into()]);
    server.client("ssh", &args)
}

/// What ssh prints when the key got in and the command was refused (not
/// one of the served commands).
const LOGGED_IN: &str = "unrecognized subcommand 'true'";

#[test]
fn sixty_four_silent_sockets_never_keep_a_coordinator_out_and_each_is_closed_at_the_grace() {
    let server = Server::start();
    // Eight addresses, eight each: before, these took every slot there was.
    let mut silent: Vec<TcpStream> = (0..64)
        .map(|i| silent_socket(server.port, 2 + (i % 8) as u8))
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let (code, out, took) = log_in(&server, "maria");
    eprintln!("login past 64 silent sockets: {took:?}");
    assert!(out.contains(LOGGED_IN), "{code:?} {out}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    // A coordinator who comes after a flood from their own address too.
    let _more: Vec<TcpStream> = (0..16).map(|_| silent_socket(server.port, 1)).collect();
    let (_, out, _) = log_in(&server, "pedro");
    assert!(out.contains(LOGGED_IN), "{out}");
    // Every silent socket is closed by the grace, none left open.
    let started = Instant::now();
    let slack = Duration::from_secs(GRACE_SECS + 3);
    for s in &mut silent {
        let left = slack.saturating_sub(started.elapsed());
        assert!(
            closed_within(s, left),
            "a silent socket still open after the grace"
        );
    }
}

#[test]
fn a_socket_that_never_sends_a_byte_is_closed_at_the_grace_not_kept() {
    let server = Server::start();
    let mut socket = silent_socket(server.port, 1);
    let started = Instant::now();
    // The server names itself, not its SSH library or a version.
    let mut hello = [0u8; 18];
    socket.read_exact(&mut hello).unwrap();
    assert_eq!(&hello, b"SSH-2.0-albergue\r\n");
    assert!(closed_within(
        &mut socket,
        Duration::from_secs(GRACE_SECS + 5)
    ));
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(GRACE_SECS) - Duration::from_millis(300),
        "closed before the grace: {took:?}"
    );
}

/// Waits for the ssh client of `s` to end; returns how long it took from
/// `since` and the screen it left.
fn ended(s: &mut common::terminal::Session, since: Instant) -> (Duration, String) {
    s.wait_exit();
    let took = since.elapsed();
    let raw = String::from_utf8_lossy(&s.output.lock().unwrap()).to_string();
    (took, raw)
}

#[test]
fn removing_a_user_ends_their_live_session_at_once_with_the_terminal_restored() {
    let server = Server::start();
    let mut s = server.dashboard("maria");
    let asked = Instant::now();
    let o = common::on_db(
        server.home.path(),
        &server.db,
        &["users", "remove", "maria"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let (took, raw) = ended(&mut s, asked);
    eprintln!("removed user's session closed after {took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(raw.contains("an admin changed your access"), "{raw:?}");
    // The alternate screen left and the cursor shown again.
    assert!(raw.contains("\x1b[?1049l") && raw.contains("\x1b[?25h"));
    // The audit names who removed her.
    let audit = server.store().recent_audit(5).unwrap();
    let removal = audit
        .iter()
        .find(|a| a.action == "coordinator.remove")
        .expect("audited");
    assert!(!removal.actor.is_empty());
    // Her key no longer gets in.
    let (_, out, _) = log_in(&server, "maria");
    assert!(!out.contains(LOGGED_IN), "{out}");
}

#[test]
fn a_kicked_or_demoted_session_ends_its_form_is_not_kept_and_the_user_can_come_back() {
    let server = Server::start();
    let mut s = server.dashboard("maria");
    s.send(b"o");
    s.wait_for("Record an outage");
    s.send(b"\t\t\t\tnoticias");
    std::thread::sleep(Duration::from_millis(300));
    let asked = Instant::now();
    let o = common::on_db(server.home.path(), &server.db, &["users", "kick", "maria"]);
    assert!(o.status.success(), "{}", text(&o));
    let (took, raw) = ended(&mut s, asked);
    eprintln!("kicked session closed after {took:?}");
    assert!(raw.contains("an admin changed your access"), "{raw:?}");
    assert!(!s.wait_exit().success());
    // What a kicked session typed is not kept for it.
    assert_eq!(server.store().take_draft("maria").unwrap(), None);
    // Kicked, not removed: maria connects again.
    let mut again = server.dashboard("maria");
    again.send(b"q");
    assert!(again.wait_exit().success());

    // A new role ends pedro's session too: he comes back in the new one.
    let mut p = server.dashboard("pedro");
    let o = common::on_db(
        server.home.path(),
        &server.db,
        &["users", "set-role", "pedro", "coordinator"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let (_, raw) = ended(&mut p, Instant::now());
    assert!(raw.contains("an admin changed your access"), "{raw:?}");
    let kinds: Vec<String> = server
        .store()
        .recent_audit(10)
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert!(kinds.iter().any(|k| k == "coordinator.kick"), "{kinds:?}");
    assert!(kinds.iter().any(|k| k == "coordinator.role"), "{kinds:?}");
}

#[test]
fn a_write_from_a_session_whose_user_was_revoked_is_refused_and_writes_nothing() {
    let server = Server::start();
    let user = server.store().user("maria").unwrap().unwrap();
    // The handle a session of maria's holds (serve::session::open).
    let mut session = Store::open(&server.db, OpenMode::Existing)
        .unwrap()
        .with_role(user.role)
        .for_user("maria", user.access);
    let actor = Actor::new("maria@127.0.0.1 s1");
    let household = session.household(1).unwrap().id;
    session
        .create_person(&new_person(household, "Ana", "Antes"), &actor)
        .expect("allowed while she is a user");
    let before = server.store().counts().unwrap();
    for (n, revoke) in [
        &["users", "kick", "maria"][..],
        &["users", "set-role", "maria", "volunteer"],
        &["users", "remove", "maria"],
    ]
    .into_iter()
    .enumerate()
    {
        let o = common::on_db(server.home.path(), &server.db, revoke);
        assert!(o.status.success(), "{}", text(&o));
        let e = session
            .create_person(&new_person(household, "Luis", "Después"), &actor)
            .unwrap_err();
        assert!(matches!(e, StoreError::Revoked { .. }), "{e}");
        assert!(e.to_string().contains("nothing was saved"), "{e}");
        let after = server.store().counts().unwrap();
        assert_eq!(after.people, before.people);
        // Only the revocations' own audit rows.
        assert_eq!(after.audit, before.audit + n as i64 + 1);
    }
}

#[test]
fn unknown_keys_from_an_address_do_not_lock_out_a_registered_key_from_it() {
    let server = Server::start();
    // More failures than the limit, all from 127.0.0.1.
    for _ in 0..11 {
        let (_, out, _) = log_in(&server, "stranger");
        assert!(!out.contains(LOGGED_IN), "{out}");
    }
    // Told why and for how long (OpenSSH shows the banner at its default
    // log level).
    let mut args: Vec<String> = server
        .ssh("stranger", "stranger")
        .into_iter()
        .map(|a| {
            if a == "LogLevel=ERROR" {
                "LogLevel=INFO".into()
            } else {
                a
            }
        })
        .collect();
    args.push("true".into());
    let (code, out, took) = server.client("ssh", &args);
    assert!(
        out.contains("too many logins with unregistered keys") && out.contains("minute"),
        "{code:?} {out}"
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
    // maria, at the same address, still logs in at once.
    let (_, out, took) = log_in(&server, "maria");
    assert!(out.contains(LOGGED_IN), "{out}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn a_dumb_terminal_is_told_it_cannot_show_the_dashboard() {
    let server = Server::start();
    let mut args = vec!["-tt".to_string()];
    args.extend(server.ssh("maria", "maria"));
    let started = Instant::now();
    let o = std::process::Command::new("ssh")
        .args(&args)
        .env("TERM", "dumb")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let said = text(&o);
    assert!(said.contains("TERM=dumb"), "{said}");
    assert!(!said.contains("\x1b[?1049h"), "no frame was sent: {said:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn serve_refuses_a_database_others_can_read() {
    let home = tempfile::tempdir().unwrap();
    let db = common::make_demo(home.path(), 5);
    std::fs::set_permissions(&db, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let o = common::on_db(home.path(), &db, &["serve", "--listen", "127.0.0.1:0"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("the database") && text(&o).contains("chmod 600"),
        "{}",
        text(&o)
    );
}

#[test]
fn five_hundred_window_changes_are_drawn_a_few_times_not_five_hundred() {
    let server = Server::start();
    block_on(async {
        let ssh = server.log_in("maria").await;
        let mut ch = ssh.channel_open_session().await.unwrap();
        ch.request_pty(true, "xterm-256color", 80, 24, 0, 0, &[])
            .await
            .unwrap();
        ch.request_shell(true).await.unwrap();
        let mut seen = Vec::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        while !String::from_utf8_lossy(&seen).contains("Due soonest") {
            match tokio::time::timeout_at(deadline, ch.wait()).await {
                Ok(Some(russh::ChannelMsg::Data { data })) => seen.extend_from_slice(&data),
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => panic!("no dashboard"),
            }
        }
        let first_frame = seen.len();
        // 500 window changes over 2.5 s (a window dragged, or a client
        // that sends them on purpose), ending at 100x30.
        let burst = Instant::now();
        for i in 0..500u32 {
            let (w, h) = if i % 2 == 0 { (80, 24) } else { (100, 30) };
            ch.window_change(w, h, 0, 0).await.unwrap();
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let burst = burst.elapsed();
        let mut after = 0usize;
        let mut last = Vec::new();
        let quiet = tokio::time::Instant::now() + Duration::from_secs(2);
        while let Ok(Some(msg)) = tokio::time::timeout_at(quiet, ch.wait()).await {
            if let russh::ChannelMsg::Data { data } = msg {
                after += data.len();
                last = data.to_vec();
            }
        }
        eprintln!("first frame {first_frame} B; after 500 window changes {after} B");
        assert!(after > 0, "the new size was drawn");
        // At most one redraw per 100 ms of the burst, and a few more, each
        // allowed three first frames (a 100x30 screen is larger): each
        // change drawn would be 500 screens.
        let redraws = burst.as_millis() as usize / 100 + 5;
        assert!(
            after < redraws * 3 * first_frame,
            "{after} bytes for 500 window changes in {burst:?}"
        );
        // The last frame is of the last size: its bottom row is row 30.
        assert!(
            String::from_utf8_lossy(&last).contains("\x1b[30"),
            "{last:?}"
        );
        ch.data(&b"q"[..]).await.unwrap();
    });
}

#[test]
fn password_and_keyboard_interactive_attempts_are_refused_with_an_answer() {
    let server = Server::start();
    block_on(async {
        let mut ssh = server.connect().await;
        let started = Instant::now();
        let answer = tokio::time::timeout(
            Duration::from_secs(GRACE_SECS),
            ssh.authenticate_password("maria", "hunter2"),
        )
        .await
        .expect("a password attempt is answered before the grace");
        eprintln!("password refused after {:?}", started.elapsed());
        assert!(!answer.unwrap().success());
        let started = Instant::now();
        let answer = tokio::time::timeout(
            Duration::from_secs(GRACE_SECS),
            ssh.authenticate_keyboard_interactive_start("maria", None),
        )
        .await
        .expect("a keyboard-interactive attempt is answered before the grace");
        eprintln!(
            "keyboard-interactive answered after {:?}: {:?}",
            started.elapsed(),
            answer.is_ok()
        );
        assert!(matches!(
            answer.unwrap(),
            russh::client::KeyboardInteractiveAuthResponse::Failure { .. }
        ));
    });
}
