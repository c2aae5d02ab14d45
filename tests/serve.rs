//! `albergue serve` driven by the real OpenSSH client on 127.0.0.1: the
//! dashboard by key, no shell, everything else refused with an answer, roles
//! enforced, and every client's terminal restored when the server stops.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::server::{add_user, block_on, key, Server, GRACE_SECS};

use albergue::domain::AppointmentStatus;
use albergue::store::Store;
use common::terminal::Session;
use common::{make_demo, now, says_all, text};

/// A pending appointment with time left whose traveller's name is unique
/// on the roster: (appointment id, the name to type).
fn someone_to_confirm(store: &Store) -> (i64, String) {
    let roster = store.roster(now()).unwrap();
    store
        .pending_appointments()
        .unwrap()
        .into_iter()
        .filter(|a| a.effective_deadline() > now() + chrono::Duration::hours(2))
        .find_map(|a| {
            let pid = a.person_id?;
            let row = roster.iter().find(|r| r.id == pid)?;
            let alone = store.household_pending(a.household_id).ok()?.len() == 1;
            let unique = roster.iter().filter(|r| r.folded == row.folded).count() == 1;
            (alone && unique).then(|| (a.id, row.name.clone()))
        })
        .expect("the demo has someone to confirm")
}

/// Opens the outage form and types `source` into its source field, leaving
/// the form open.
fn type_an_outage_source(s: &mut Session, source: &str) {
    s.send(b"o");
    s.wait_for("Record an outage");
    // The login step: the demo's confirmation outage is going on, and the
    // same again is refused.
    s.send(b"\x1b[C\x1b[C\t\t\t\t");
    s.send(source.as_bytes());
    std::thread::sleep(Duration::from_millis(300));
}

/// Opens the person screen of the one person called `name`.
fn open_person(s: &mut Session, name: &str) {
    s.send(b"2");
    s.wait_for("sorted by Name");
    s.send(b"/");
    s.send(name.as_bytes());
    s.wait_for(&format!("Search: {name}"));
    s.send(b"\r\r");
    // A line of the person screen (the roster's header says "Household" too).
    s.wait_for("Arrived");
}

/// maria's confirmation form for someone to confirm: (appointment, session).
fn confirmation_form(server: &Server) -> (i64, Session) {
    let (appointment, name) = someone_to_confirm(&server.store());
    let mut s = server.dashboard("maria");
    open_person(&mut s, &name);
    s.send(b"c");
    s.wait_for("Record confirmation");
    (appointment, s)
}

#[test]
fn a_coordinator_records_a_confirmation_over_ssh_and_the_audit_names_them() {
    let server = Server::start();
    let (appointment, mut s) = confirmation_form(&server);
    s.send(b"SSH12345\x13");
    s.wait_for("Confirmation recorded.");
    let store = server.store();
    let a = store.appointment(appointment).unwrap();
    assert_eq!(a.status, AppointmentStatus::Confirmed);
    assert_eq!(a.confirmation_number.as_deref(), Some("SSH12345"));
    let audit = store.audit_for("appointment", appointment).unwrap();
    let row = audit.last().unwrap();
    assert_eq!(row.action, "appointment.confirm");
    assert!(
        row.actor.starts_with("maria@127.0.0.1 s"),
        "the coordinator, their address and the session: {}",
        row.actor
    );
    s.send(b"q");
    assert!(s.wait_exit().success());
    let raw = String::from_utf8_lossy(&s.output.lock().unwrap()).to_string();
    assert!(
        raw.ends_with("\x1b[?1049l\x1b[?25h") || raw.contains("\x1b[?1049l"),
        "restored"
    );

    // The log has the session, by number, role and key; not the name.
    let path = server.home.path().join("state/albergue/albergue.log");
    let deadline = Instant::now() + Duration::from_secs(5);
    let log = loop {
        let log = std::fs::read_to_string(&path).unwrap_or_default();
        if log.contains("session ended") || Instant::now() > deadline {
            break log;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    says_all(
        &log,
        &[
            "session started",
            "role=coordinator",
            "key=SHA256:",
            "how=\"quit\"",
            "listening",
        ],
    );
    assert!(!log.contains("maria"), "{log}");
    assert!(!log.contains("SSH12345"), "{log}");
}

#[test]
fn the_server_holds_the_key_of_an_encrypted_database_for_every_session() {
    let mut server = Server::start_encrypted();
    assert!(!albergue::store::plaintext_header(&server.db));
    let (appointment, mut s) = confirmation_form(&server);
    s.send(b"SSH67890\x13");
    s.wait_for("Confirmation recorded.");
    let a = server.store().appointment(appointment).unwrap();
    assert_eq!(a.confirmation_number.as_deref(), Some("SSH67890"));
    // A form left open when the server stops is kept as a draft, through
    // a connection of its own that needs the key too.
    type_an_outage_source(&mut s, "radio");
    server.terminate();
    assert!(s.wait_exit().success());
    assert!(server.child.wait().unwrap().success());
    let draft = server.store().take_draft("maria").unwrap();
    assert!(draft.is_some_and(|d| d.contains("radio")));
    let bytes = std::fs::read(&server.db).unwrap();
    assert!(memchr::memmem::find(&bytes, b"SSH67890").is_none());
}

#[test]
fn a_job_run_while_coordinators_are_connected_takes_nothing_from_them() {
    // Each session opens a connection of its own in the server's process.
    // Were that to drop the process's locks on the file, a job finishing
    // beside it (here `check`, as the nightly export or backup would) would
    // take itself for the last user, delete the -wal the server writes to,
    // and the server's later saves would be lost.
    let mut server = Server::start();
    let (appointment, mut s) = confirmation_form(&server);
    let mut other = server.dashboard("pedro");
    let wal = PathBuf::from(format!("{}-wal", server.db.display()));
    let o = common::on_db(server.home.path(), &server.db, &["check"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(wal.exists(), "the job left the server's -wal in place");
    s.send(b"JOB24680\x13");
    s.wait_for("Confirmation recorded.");
    s.send(b"q");
    other.send(b"q");
    assert!(s.wait_exit().success() && other.wait_exit().success());
    server.terminate();
    assert!(server.child.wait().unwrap().success());
    let a = server.store().appointment(appointment).unwrap();
    assert_eq!(a.confirmation_number.as_deref(), Some("JOB24680"));
    assert!(server.store().integrity_problems().unwrap().is_empty());
}

#[test]
fn a_volunteer_cannot_confirm_but_can_add_a_person() {
    let server = Server::start();
    let (appointment, name) = someone_to_confirm(&server.store());
    let mut s = server.dashboard("pedro");
    open_person(&mut s, &name);
    s.send(b"c");
    s.wait_for("As volunteer you cannot do this here");
    assert!(!s.screen().contains("Record confirmation"));
    let store = server.store();
    assert_eq!(
        store.appointment(appointment).unwrap().status,
        AppointmentStatus::PendingConfirmation
    );
    s.send(b"2a");
    s.wait_for("Add person");
    s.send(b"\x1b");
    // A person pauses between Esc and the next key (Esc then q at once is Alt-q).
    std::thread::sleep(Duration::from_millis(200));
    s.send(b"q");
    assert!(s.wait_exit().success());
}

#[test]
fn two_coordinators_confirming_one_appointment_over_ssh_the_second_is_told_of_the_conflict() {
    let server = Server::start();
    // Both open the same person's confirmation form, each in their session.
    let (appointment, mut first) = confirmation_form(&server);
    let (same, mut second) = confirmation_form(&server);
    assert_eq!(appointment, same);
    first.send(b"AAA11111\x13");
    first.wait_for("Confirmation recorded.");
    second.send(b"BBB22222\x13");
    second.wait_for("Another coordinator");
    let screen = second.screen();
    assert!(
        screen.contains("BBB22222"),
        "what was typed stays:\n{screen}"
    );
    let a = server.store().appointment(appointment).unwrap();
    assert_eq!(a.status, AppointmentStatus::Confirmed);
    assert_eq!(a.confirmation_number.as_deref(), Some("AAA11111"));
    // Out of the person screen, and out of the form with what was typed
    // (Esc twice: the form asks before it drops typed input); each Esc
    // alone, a pause after it, or it reads as Alt with the next key.
    for (mut s, escapes) in [(first, 1), (second, 2)] {
        for _ in 0..escapes {
            s.send(b"\x1b");
            std::thread::sleep(Duration::from_millis(300));
        }
        s.send(b"q");
        s.wait_exit();
    }
}

#[test]
fn the_key_exchange_starts_before_the_client_says_a_word() {
    // The server's version line and its KEXINIT leave at once: a client on
    // a slow link does not wait a round trip for the server to read its
    // version line first (RFC 4253 section 7 lets either side go first).
    use std::io::Read;
    let server = Server::start();
    let mut tcp = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let kexinit = loop {
        let n = tcp
            .read(&mut buf)
            .expect("the server sends without being spoken to");
        assert!(n > 0, "closed after {:?}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
        if let Some(end) = got.windows(2).position(|w| w == b"\r\n") {
            // uint32 length, padding length, then the message number.
            if got.len() >= end + 2 + 6 {
                break got[end + 2 + 5];
            }
        }
    };
    assert!(
        got.starts_with(b"SSH-2.0-"),
        "{:?}",
        String::from_utf8_lossy(&got)
    );
    assert_eq!(kexinit, 20, "SSH_MSG_KEXINIT follows the version line");
}

#[test]
fn everything_but_the_dashboard_is_refused_promptly() {
    let server = Server::start();
    let ssh = |key: &str, user: &str, extra: &[&str]| {
        let mut args: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        args.extend(server.ssh(key, user));
        args
    };
    let cases: Vec<(&str, Vec<String>, &str)> = vec![
        (
            "unknown key",
            ssh("stranger", "maria", &[]),
            "Permission denied",
        ),
        (
            "a command",
            ssh("maria", "maria", &["-T"])
                .into_iter()
                .chain(["whoami".to_string()])
                .collect(),
            "unrecognized subcommand 'whoami'",
        ),
        (
            "no terminal",
            ssh("maria", "maria", &["-T"]),
            "connect with ssh -t",
        ),
        (
            "remote forwarding",
            ssh(
                "maria",
                "maria",
                &[
                    "-N",
                    "-o",
                    "ExitOnForwardFailure=yes",
                    "-R",
                    "0:127.0.0.1:9",
                ],
            ),
            "forwarding failed",
        ),
        (
            // OpenSSH asks for the agent without wanting a reply: what it
            // shows is the command's refusal (nothing ran, no agent used).
            "agent forwarding",
            ssh("maria", "maria", &["-A", "-T"])
                .into_iter()
                .chain(["true".to_string()])
                .collect(),
            "unrecognized subcommand 'true'",
        ),
    ];
    for (what, args, says) in cases {
        let (code, out, took) = server.client("ssh", &args);
        assert_ne!(code, Some(0), "{what}: {out}");
        assert!(out.contains(says), "{what}: {out}");
        assert!(took < Duration::from_secs(5), "{what} took {took:?}");
    }
    let mut sftp: Vec<String> = server.ssh("maria", "maria");
    let target = sftp.pop().unwrap();
    let port = sftp.iter().position(|a| a == "-p").unwrap();
    sftp[port] = "-P".into();
    sftp.extend(["-b".into(), "/dev/null".into(), target]);
    let (code, out, took) = server.client("sftp", &sftp);
    assert_ne!(code, Some(0), "sftp: {out}");
    assert!(took < Duration::from_secs(5), "sftp took {took:?}");
    // Logged in but no dashboard asked for: dropped after the grace time.
    let (code, out, took) = server.client("ssh", &ssh("maria", "maria", &["-N"]));
    assert_ne!(code, Some(0));
    assert!(out.contains("no dashboard was started in time"), "{out}");
    assert!(took < Duration::from_secs(GRACE_SECS + 3), "{took:?}");
}

#[test]
fn stopping_the_server_restores_every_terminal_and_keeps_the_draft() {
    let mut server = Server::start();
    let mut s = server.dashboard("maria");
    type_an_outage_source(&mut s, "radio");
    server.terminate();
    let status = s.wait_exit();
    let raw = String::from_utf8_lossy(&s.output.lock().unwrap()).to_string();
    assert!(raw.contains("the server is stopping"), "{raw:?}");
    assert!(raw.contains("\x1b[?1049l"), "left the alternate screen");
    assert!(status.success(), "{status:?}");
    assert!(server.child.wait().unwrap().success());
    let draft = server.store().take_draft("maria").unwrap();
    assert!(draft.is_some_and(|d| d.contains("radio")));
}

#[test]
fn users_are_managed_by_name_and_unknown_roles_and_keys_are_refused() {
    let home = tempfile::tempdir().unwrap();
    let db = make_demo(home.path(), 5);
    let public = key(home.path(), "ana").with_extension("pub");
    let on = |args: &[&str]| common::on_db(home.path(), &db, args);
    let add = |name: &str, role: &str, key: &Path| add_user(home.path(), &db, name, role, key);
    // (what is added, what the refusal says)
    for (o, says) in [
        (add("ana", "chief", &public), "unknown role \"chief\""),
        (add("ana", "admin", &db), "not an OpenSSH public key"),
    ] {
        assert_eq!(o.status.code(), Some(1));
        assert!(text(&o).contains(says), "{}", text(&o));
    }
    let o = add("ana", "admin", &public);
    assert!(o.status.success(), "{}", text(&o));
    let o = add("bea", "admin", &public);
    assert!(
        text(&o).contains("this key is already registered, for user \"ana\""),
        "{}",
        text(&o)
    );
    let o = on(&["users", "set-role", "ana", "volunteer"]);
    assert!(o.status.success(), "{}", text(&o));
    let list = text(&on(&["users", "list"]));
    assert!(
        list.contains("ana") && list.contains("volunteer") && list.contains("SHA256:"),
        "{list}"
    );
    assert!(on(&["users", "remove", "ana"]).status.success());
    assert!(!text(&on(&["users", "list"])).contains("ana"));
}

#[test]
fn an_idle_session_is_locked_and_its_form_kept() {
    let server = Server::start_with(&["--idle-lock-secs", "2"]);
    let mut s = server.dashboard("maria");
    s.send(b"o");
    s.wait_for("Record an outage");
    s.send(b"\t\t\t\tnoticias");
    let status = s.wait_exit();
    assert!(status.success(), "{status:?}");
    let raw = String::from_utf8_lossy(&s.output.lock().unwrap()).to_string();
    assert!(
        raw.contains("locked after a while without a key"),
        "{raw:?}"
    );
    let draft = server.store().take_draft("maria").unwrap();
    assert!(draft.is_some_and(|d| d.contains("noticias")));
}

#[test]
fn a_client_killed_mid_save_leaves_all_or_nothing() {
    let server = Server::start();
    let (appointment, mut s) = confirmation_form(&server);
    s.send(b"KILL1234\x13");
    s.kill_program();
    s.wait_exit();
    std::thread::sleep(Duration::from_millis(500));
    let store = server.store();
    let o = common::on_db(server.home.path(), &server.db, &["check"]);
    assert!(o.status.success(), "{}", text(&o));
    let a = store.appointment(appointment).unwrap();
    let audit = store.audit_for("appointment", appointment).unwrap();
    let confirmed = audit.iter().any(|r| r.action == "appointment.confirm");
    match a.status {
        AppointmentStatus::Confirmed => {
            assert!(confirmed && a.confirmation_number.as_deref() == Some("KILL1234"));
        }
        AppointmentStatus::PendingConfirmation => assert!(!confirmed),
        other => panic!("{other:?}"),
    }
}

#[test]
fn twenty_coordinators_at_once_lose_no_key() {
    let server = Server::start_with(&["--per-address", "32"]);
    let store = server.store();
    // The roster lists those present by default.
    let mut names: Vec<(Box<str>, String)> = store
        .roster(now())
        .unwrap()
        .into_iter()
        .filter(|r| r.status == albergue::domain::PersonStatus::Present)
        .map(|r| (r.folded, r.name))
        .collect();
    names.sort();
    let sessions: Vec<(usize, Session)> = (0..20)
        .map(|i| (5 + i * 3, server.dashboard("maria")))
        .collect();
    let handles: Vec<_> = sessions
        .into_iter()
        .map(|(downs, mut s)| {
            std::thread::spawn(move || {
                s.send(b"2");
                s.wait_for("sorted by Name");
                for k in 0..downs {
                    // Bursts and pauses, as people type.
                    s.send(b"j");
                    if k % 4 == 0 {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
                s.send(b"\r");
                (downs, s)
            })
        })
        .collect();
    for h in handles {
        let (downs, mut s) = h.join().unwrap();
        let expected = &names[downs].1;
        s.wait_for("Arrived");
        let screen = s.screen();
        let header = screen.lines().nth(2).unwrap_or_default();
        assert!(
            header.starts_with(expected.as_str()),
            "after {downs} Downs: {expected}\n{screen}"
        );
        s.send(b"q");
        s.wait_exit();
    }
}

/// Whether any SGR sequence in `out` sets a colour (30–38, 40–48, 90–97,
/// 100–107), however it is written.
fn coloured(out: &str) -> bool {
    out.split("\x1b[").skip(1).any(|seq| {
        let end = seq.find(|c: char| !(c.is_ascii_digit() || c == ';'));
        match end {
            Some(end) if seq[end..].starts_with('m') => seq[..end]
                .split(';')
                .filter_map(|p| p.parse::<u16>().ok())
                .any(|p| matches!(p, 30..=38 | 40..=48 | 90..=97 | 100..=107)),
            _ => false,
        }
    })
}

#[test]
fn the_clients_language_and_no_color_are_honoured() {
    let server = Server::start();
    let mut args = server.ssh("maria", "maria");
    // One SetEnv with both (the command line goes through a shell).
    let env = "'SetEnv=LANG=es_MX.UTF-8 NO_COLOR=1'";
    args.splice(0..0, ["-o".to_string(), env.to_string()]);
    let s = Session::run(
        server.home.path(),
        &format!("ssh -tt {}", args.join(" ")),
        &[],
    );
    s.wait_for("Vence primero");
    let colour = |s: &Session| coloured(&String::from_utf8_lossy(&s.output.lock().unwrap()));
    assert!(!colour(&s), "no colour after NO_COLOR");
    let plain = server.dashboard("maria");
    assert!(colour(&plain), "colour by default");
}

#[test]
fn a_window_resized_mid_form_keeps_what_was_typed() {
    let server = Server::start();
    let before = server.store().outages().unwrap().len();
    let mut s = server.dashboard("maria");
    type_an_outage_source(&mut s, "radio");
    // The client's terminal changes size: ssh sends window-change.
    let script = s.child.id();
    let kids = std::fs::read_to_string(format!("/proc/{script}/task/{script}/children")).unwrap();
    let ssh = kids.split_whitespace().next().unwrap();
    let tty = std::fs::read_link(format!("/proc/{ssh}/fd/0")).unwrap();
    for (rows, cols) in [("30", "100"), ("18", "38"), ("24", "80")] {
        let ok = Command::new("stty")
            .args(["-F", tty.to_str().unwrap(), "rows", rows, "cols", cols])
            .status()
            .unwrap();
        assert!(ok.success());
        std::thread::sleep(Duration::from_millis(300));
    }
    s.send(b" CBP\x13");
    s.wait_for("Outage recorded.");
    let outages = server.store().outages().unwrap();
    assert_eq!(outages.len(), before + 1);
    assert!(
        outages.iter().any(|o| o.source == "radio CBP"),
        "{outages:?}"
    );
}

#[test]
fn local_port_forwarding_is_refused_when_used() {
    // A long grace time: the forwarded connection can only end by refusal.
    let server = Server::start_with(&["--grace", "60"]);
    let local = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = local.local_addr().unwrap().port();
    drop(local);
    let forward = format!("{port}:127.0.0.1:9");
    let mut args = vec!["-N".to_string(), "-L".to_string(), forward];
    args.extend(server.ssh("maria", "maria"));
    let ssh = Command::new("ssh")
        .args(&args)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for ssh to listen on the local end, then use it.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut conn = loop {
        match std::net::TcpStream::connect(("127.0.0.1", port)) {
            Ok(c) => break c,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("ssh never listened: {e}"),
        }
    };
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 16];
    let n = std::io::Read::read(&mut conn, &mut buf).unwrap_or(0);
    assert_eq!(n, 0, "the forwarded connection is closed, nothing relayed");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "refused promptly"
    );
    let _ = Command::new("kill").arg(ssh.id().to_string()).status();
    let _ = ssh.wait_with_output();
}

#[test]
fn a_host_key_others_can_read_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let db = make_demo(home.path(), 5);
    let host_key = key(home.path(), "host");
    std::fs::set_permissions(
        &host_key,
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .unwrap();
    let o = common::on_db(
        home.path(),
        &db,
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--host-key",
            host_key.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("can be read by others (mode 644)"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_second_session_on_one_connection_is_refused_and_the_first_goes_on() {
    // OpenSSH's multiplexing client hangs when its session is refused (the
    // master prints the refusal), so this speaks SSH itself, with russh's
    // client.
    let server = Server::start();
    block_on(async {
        let ssh = server.log_in("maria").await;
        let mut first = ssh.channel_open_session().await.unwrap();
        let started = Instant::now();
        let second = ssh.channel_open_session().await;
        assert!(
            matches!(second, Err(russh::Error::ChannelOpenFailure(_))),
            "{:?}",
            second.map(|c| c.id())
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        // The first session starts its dashboard all the same.
        first
            .request_pty(true, "xterm-256color", 80, 24, 0, 0, &[])
            .await
            .unwrap();
        first.request_shell(true).await.unwrap();
        let mut seen = Vec::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        while !String::from_utf8_lossy(&seen).contains("Due soonest") {
            match tokio::time::timeout_at(deadline, first.wait()).await {
                Ok(Some(russh::ChannelMsg::Data { data })) => seen.extend_from_slice(&data),
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => panic!("no dashboard: {}", String::from_utf8_lossy(&seen)),
            }
        }
        first.data(&b"q"[..]).await.unwrap();
        loop {
            match tokio::time::timeout_at(deadline, first.wait()).await {
                Ok(Some(russh::ChannelMsg::ExitStatus { exit_status })) => {
                    assert_eq!(exit_status, 0);
                    break;
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => panic!("the session did not end with a status"),
            }
        }
    });
}

#[test]
fn a_client_that_stops_answering_is_dropped_by_keepalives() {
    let server = Server::start_with(&["--keepalive-secs", "1"]);
    let s = server.dashboard("maria");
    // The ssh client freezes (a phone that lost its link): the kernel
    // still holds the TCP connection, but nothing answers.
    let script = s.child.id();
    let kids = std::fs::read_to_string(format!("/proc/{script}/task/{script}/children")).unwrap();
    let ssh = kids.split_whitespace().next().unwrap().to_string();
    assert!(Command::new("kill")
        .args(["-STOP", &ssh])
        .status()
        .unwrap()
        .success());
    let started = Instant::now();
    let path = server.home.path().join("state/albergue/albergue.log");
    let deadline = started + Duration::from_secs(20);
    let log = loop {
        let log = std::fs::read_to_string(&path).unwrap_or_default();
        if log.contains("session ended") || Instant::now() > deadline {
            break log;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = Command::new("kill").args(["-CONT", &ssh]).status();
    assert!(log.contains("how=\"link dropped\""), "{log}");
    // Three keepalives a second apart, then the end (not the idle lock).
    let took = started.elapsed();
    assert!(took < Duration::from_secs(12), "dropped after {took:?}");
}

#[test]
fn a_users_own_language_wins_over_what_their_client_sends() {
    let server = Server::start();
    let set = |lang: &str| {
        Command::new(env!("CARGO_BIN_EXE_albergue"))
            .args(["users", "set-lang", "maria", lang, "--db"])
            .arg(&server.db)
            .env("HOME", server.home.path())
            .env("XDG_STATE_HOME", server.home.path().join("state"))
            .output()
            .unwrap()
    };
    let bad = set("fr");
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    assert!(text(&bad).contains("\"fr\""), "{}", text(&bad));
    let ok = set("es");
    assert!(ok.status.success(), "{}", text(&ok));
    let list = Command::new(env!("CARGO_BIN_EXE_albergue"))
        .args(["users", "list", "--db"])
        .arg(&server.db)
        .env("HOME", server.home.path())
        .output()
        .unwrap();
    assert!(
        text(&list)
            .lines()
            .any(|l| l.starts_with("maria") && l.contains(" es ")),
        "{}",
        text(&list)
    );
    // Her client asks for English.
    let english_client = || {
        let mut args = server.ssh("maria", "maria");
        args.splice(
            0..0,
            ["-o".to_string(), "'SetEnv=LANG=en_US.UTF-8'".to_string()],
        );
        Session::run(
            server.home.path(),
            &format!("ssh -tt {}", args.join(" ")),
            &[],
        )
    };
    // Her own setting says Spanish, and wins.
    english_client().wait_for("Vence primero");
    // Cleared, the client's language is back.
    assert!(set("none").status.success());
    english_client().wait_for("Due soonest");
}

#[test]
fn y_over_ssh_puts_the_message_on_the_coordinators_own_clipboard() {
    let server = Server::start();
    let mut s = server.dashboard("maria");
    let id = common::copy_most_urgent_message(&mut s);
    // What reached the coordinator's terminal: one OSC 52 with the text.
    let text = common::the_one_osc52(&s.output.lock().unwrap());
    assert_eq!(text, common::expected_message(&server.db, id));
    s.send(b"qq");
    assert!(s.wait_exit().success());
}
