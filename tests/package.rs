//! The Debian package: built with `cargo deb` from Cargo.toml's metadata,
//! checked with `dpkg-deb`, unpacked into a scratch root and run from
//! there; its man page and completions are what the binary generates.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::text;

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

/// The files generated from the command line's definition, and how.
const GENERATED: &[(&str, &[&str])] = &[
    ("assets/man/albergue.1", &["man"]),
    ("assets/completions/albergue.bash", &["completions", "bash"]),
    ("assets/completions/_albergue", &["completions", "zsh"]),
    ("assets/completions/albergue.fish", &["completions", "fish"]),
];

#[test]
fn the_packaged_man_page_and_completions_are_what_the_binary_generates() {
    let bless = std::env::var_os("ALBERGUE_BLESS").is_some();
    let mut stale = Vec::new();
    for (file, args) in GENERATED {
        let out = Command::new(env!("CARGO_BIN_EXE_albergue"))
            .args(*args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        let path = Path::new(MANIFEST).join(file);
        if std::fs::read(&path).ok().as_deref() != Some(&out.stdout[..]) {
            if bless {
                std::fs::write(&path, &out.stdout).unwrap();
            } else {
                stale.push(*file);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "{stale:?} differ from `albergue man` / `albergue completions`; \
         regenerate them with: ALBERGUE_BLESS=1 cargo test --test package"
    );
}

#[test]
fn bash_completes_subcommands_and_values() {
    let script = Path::new(MANIFEST).join("assets/completions/albergue.bash");
    let complete = |words: &[&str]| -> Vec<String> {
        let array: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        let cword = words.len() - 1;
        let prev = if cword > 0 { words[cword - 1] } else { "" };
        let program = format!(
            "source '{}'; COMP_WORDS=({}); COMP_CWORD={cword}; \
             _albergue albergue '{}' '{prev}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display(),
            array.join(" "),
            words[cword],
        );
        let out = Command::new("bash")
            .args(["-c", &program])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    };
    assert_eq!(complete(&["albergue", "ex"]), ["export"]);
    assert_eq!(complete(&["albergue", "users", "set-r"]), ["set-role"]);
    assert_eq!(
        complete(&["albergue", "users", "set"]),
        ["set-shelters", "set-role", "set-lang"]
    );
    assert_eq!(
        complete(&["albergue", "export", "--format", ""]),
        ["csv", "json", "both"]
    );
    assert!(complete(&["albergue", "serve", "--"]).contains(&"--idle-lock".to_string()));
}

/// Builds the package into `out` with `cargo deb`, from the binary this
/// test run built (see `deb_binary`), and returns its path.
fn build_deb(out: &Path) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let o = Command::new(&cargo)
        .args([
            "deb",
            "--no-build",
            "--fast",
            "--profile",
            "deb-check",
            "--output",
        ])
        .arg(out)
        .current_dir(MANIFEST)
        .env(
            "CARGO_TARGET_DIR",
            deb_binary().parent().unwrap().parent().unwrap(),
        )
        .output()
        .expect("cargo runs");
    assert!(
        o.status.success(),
        "cargo deb failed (scripts/test installs cargo-deb; or `cargo install cargo-deb --version 3.8.0 --locked`):\n{}",
        text(&o)
    );
    let debs: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "deb"))
        .collect();
    assert_eq!(debs.len(), 1, "{debs:?}");
    debs[0].clone()
}

/// cargo-deb packages `target/<profile>/albergue`. The test packages the
/// binary this run built (the same source; a release build would add
/// minutes to CI for the same files): it is copied to a profile folder of
/// its own, `deb-check`, which nothing else writes.
fn deb_binary() -> PathBuf {
    let built = Path::new(env!("CARGO_BIN_EXE_albergue"));
    // target/debug/albergue -> target/deb-check/albergue
    let target = built.parent().unwrap().parent().unwrap();
    let dir = target.join("deb-check");
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("albergue");
    std::fs::copy(built, &copy).unwrap();
    copy
}

fn dpkg_deb(args: &[&str], deb: &Path) -> String {
    let o = Command::new("dpkg-deb")
        .args(args)
        .arg(deb)
        .output()
        .unwrap();
    assert!(o.status.success(), "dpkg-deb {args:?}: {}", text(&o));
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn the_deb_holds_the_tool_its_docs_and_units_and_runs_from_a_scratch_root() {
    let dir = tempfile::tempdir().unwrap();
    let deb = build_deb(dir.path());

    // The control file is sound and says what it needs.
    let info = dpkg_deb(&["--info"], &deb);
    for field in [
        "Package: albergue",
        "Architecture: amd64",
        "Maintainer: ",
        "Section: admin",
        "Depends: ",
        "adduser",
        "Description: Terminal dashboard for coordinators",
        " postinst",
        " prerm",
        " postrm",
    ] {
        assert!(info.contains(field), "{field:?} not in:\n{info}");
    }
    let field = |name: &str| {
        let o = Command::new("dpkg-deb")
            .args(["--field"])
            .arg(&deb)
            .arg(name)
            .output()
            .unwrap();
        String::from_utf8(o.stdout).unwrap().trim().to_string()
    };
    assert_eq!(field("Version"), format!("{}-1", env!("CARGO_PKG_VERSION")));
    assert!(field("Depends").contains("libc6"), "{}", field("Depends"));

    // Exactly these files, with these modes.
    let listing = dpkg_deb(&["--contents"], &deb);
    let files: BTreeMap<String, String> = listing
        .lines()
        .filter(|l| l.starts_with('-'))
        .map(|l| {
            let mode = l.split_whitespace().next().unwrap().to_string();
            let path = l.split_whitespace().last().unwrap().trim_start_matches('.');
            (path.to_string(), mode)
        })
        .collect();
    let expected = [
        ("/usr/bin/albergue", "-rwxr-xr-x"),
        ("/usr/share/man/man1/albergue.1.gz", "-rw-r--r--"),
        (
            "/usr/share/bash-completion/completions/albergue",
            "-rw-r--r--",
        ),
        ("/usr/share/zsh/vendor-completions/_albergue", "-rw-r--r--"),
        (
            "/usr/share/fish/vendor_completions.d/albergue.fish",
            "-rw-r--r--",
        ),
        ("/usr/lib/albergue/albergue-nightly.sh", "-rwxr-xr-x"),
        (
            "/usr/lib/systemd/system/albergue-nightly.service",
            "-rw-r--r--",
        ),
        (
            "/usr/lib/systemd/system/albergue-nightly.timer",
            "-rw-r--r--",
        ),
        (
            "/usr/lib/systemd/system/albergue-serve.service",
            "-rw-r--r--",
        ),
        ("/usr/share/doc/albergue/README.md", "-rw-r--r--"),
        ("/usr/share/doc/albergue/examples/crontab", "-rw-r--r--"),
        ("/usr/share/doc/albergue/copyright", "-rw-r--r--"),
    ];
    let expected: BTreeMap<String, String> = expected
        .iter()
        .map(|(p, m)| (p.to_string(), m.to_string()))
        .collect();
    assert_eq!(files, expected, "{listing}");

    // Unpacked into a scratch root, it runs from there.
    let root = dir.path().join("root");
    let o = Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(&root)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let bin = root.join("usr/bin/albergue");
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let run = |args: &[&str]| {
        Command::new(&bin)
            .args(args)
            .env("HOME", &home)
            .env("XDG_STATE_HOME", home.join("state"))
            .env_remove("ALBERGUE_DB")
            .output()
            .unwrap()
    };
    let o = run(&["--version"]);
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        format!("albergue {}", env!("CARGO_PKG_VERSION"))
    );
    let db = home.join("albergue.db");
    let db = db.to_str().unwrap();
    let o = run(&["demo", "--people", "20", "--db", db]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&["check", "--db", db]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("integrity: ok"), "{}", text(&o));

    // The man page is compressed and is the generated one.
    let man = root.join("usr/share/man/man1/albergue.1.gz");
    let o = Command::new("gzip").arg("-dc").arg(&man).output().unwrap();
    assert!(o.status.success());
    let generated = std::fs::read(Path::new(MANIFEST).join("assets/man/albergue.1")).unwrap();
    assert_eq!(o.stdout, generated);

    // The units run what the package installs.
    let unit = |name: &str| {
        std::fs::read_to_string(root.join("usr/lib/systemd/system").join(name)).unwrap()
    };
    assert!(unit("albergue-nightly.service")
        .contains("ExecStart=/usr/lib/albergue/albergue-nightly.sh"));
    assert!(unit("albergue-serve.service").contains("ExecStart=/usr/bin/albergue serve"));
    assert!(unit("albergue-nightly.timer").contains("WantedBy=timers.target"));
}

/// The maintainer scripts, run against stand-ins for the commands they
/// call (the real ones would change this machine): each stand-in records
/// its arguments.
fn run_script(script: &Path, arg: &str, user_exists: bool, dir: &Path) -> String {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let calls = dir.join("calls");
    let _ = std::fs::remove_file(&calls);
    for name in [
        "adduser",
        "install",
        "deb-systemd-helper",
        "deb-systemd-invoke",
        "systemctl",
    ] {
        let path = bin.join(name);
        // `was-enabled` answers "yes" as on a new install.
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\necho \"{name} $*\" >> '{}'\nexit 0\n",
                calls.display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let getent = bin.join("getent");
    std::fs::write(
        &getent,
        format!("#!/bin/sh\nexit {}\n", if user_exists { 0 } else { 2 }),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&getent, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let o = Command::new("sh")
        .arg(script)
        .arg(arg)
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{} {arg}: {}",
        script.display(),
        text(&o)
    );
    std::fs::read_to_string(&calls).unwrap_or_default()
}

#[test]
fn postinst_makes_the_user_and_folders_once_and_enables_only_the_timer() {
    let dir = tempfile::tempdir().unwrap();
    let scripts = Path::new(MANIFEST).join("assets/debian");
    for s in ["postinst", "prerm", "postrm"] {
        let o = Command::new("sh")
            .arg("-n")
            .arg(scripts.join(s))
            .output()
            .unwrap();
        assert!(o.status.success(), "{s}: {}", text(&o));
    }
    let postinst = scripts.join("postinst");
    let first = run_script(&postinst, "configure", false, dir.path());
    assert!(
        first.contains(
            "adduser --system --group --quiet --home /var/lib/albergue --no-create-home --shell /usr/sbin/nologin"
        ),
        "{first}"
    );
    // Folders are made only where missing (here, in a test, they are: the
    // stand-in `install` makes nothing).
    if !Path::new("/var/lib/albergue").exists() {
        assert!(
            first.contains("install -d -m 0700 -o albergue -g albergue /var/lib/albergue"),
            "{first}"
        );
    }
    assert!(
        first.contains("deb-systemd-helper enable albergue-nightly.timer"),
        "{first}"
    );
    assert!(!first.contains("enable albergue-serve"), "{first}");
    // A second run (an upgrade) leaves the existing user alone.
    let again = run_script(&postinst, "configure", true, dir.path());
    assert!(!again.contains("adduser"), "{again}");
    // Purge keeps the data.
    let purge = run_script(&scripts.join("postrm"), "purge", true, dir.path());
    assert!(!purge.contains("rm "), "{purge}");
    let text = std::fs::read_to_string(scripts.join("postrm")).unwrap();
    assert!(!text.contains("rm -"), "postrm never deletes data");
}
