//! Finding and reading the program files: the built-in ones (compiled in
//! from `assets/programs/` and `assets/calendars/`) and a shelter's own, in
//! its config folder (`~/.config/albergue/programs/*.toml` and
//! `calendars/*.toml`; a file with a built-in one's id replaces it).
//!
//! Loading is all or nothing: one bad file refuses the whole set with its
//! file:line and field, so a program is never half-loaded.

use std::path::{Path, PathBuf};

use crate::domain::port::Port;
use crate::domain::program::{parse_calendar, parse_program, Calendar, Program, ProgramError};

const BUILT_IN_CALENDARS: [(&str, &str); 1] = [(
    "assets/calendars/mx.toml",
    include_str!("../assets/calendars/mx.toml"),
)];

const BUILT_IN_PROGRAMS: [(&str, &str); 4] = [
    (
        "assets/programs/cbp-one.toml",
        include_str!("../assets/programs/cbp-one.toml"),
    ),
    (
        "assets/programs/comar.toml",
        include_str!("../assets/programs/comar.toml"),
    ),
    (
        "assets/programs/tvrh.toml",
        include_str!("../assets/programs/tvrh.toml"),
    ),
    (
        "assets/programs/iom-return.toml",
        include_str!("../assets/programs/iom-return.toml"),
    ),
];

/// The id of the program every appointment belonged to before programs
/// were files, and the demo's.
pub const DEFAULT_PROGRAM: &str = "cbp-one";

/// Why the programs could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file that is not a good program or calendar.
    #[error(transparent)]
    Program(#[from] ProgramError),
    /// A file or folder that could not be read.
    #[error("{path}: {reason}")]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// What the OS said.
        reason: String,
    },
}

/// A loaded program and where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The program.
    pub program: Program,
    /// Its file (`assets/programs/comar.toml` for a built-in one).
    pub source: String,
}

/// Every program albergue knows, checked.
#[derive(Debug, Clone)]
pub struct Programs {
    /// In order: built-in ones first (replaced in place by a config file
    /// with the same id), then the config folder's others by file name.
    pub loaded: Vec<Loaded>,
    /// The holiday calendars.
    pub calendars: Vec<Calendar>,
    /// The programs the shelter follows (`programs = [...]` in
    /// `config.toml`, each one of `loaded`); `None`: every one.
    pub chosen: Option<Vec<String>>,
}

impl Programs {
    /// The program with this id.
    pub fn get(&self, id: &str) -> Option<&Program> {
        self.loaded.iter().map(|l| &l.program).find(|p| p.id == id)
    }

    /// The programs the shelter follows, in `loaded`'s order: those
    /// `config.toml` names, or every one. Their cases are the dashboard's
    /// and the cases screen's.
    pub fn followed(&self) -> Vec<&Program> {
        self.loaded
            .iter()
            .map(|l| &l.program)
            .filter(|p| self.chosen.as_ref().is_none_or(|c| c.contains(&p.id)))
            .collect()
    }

    /// Every place a list of appointments can be for: CBP One's ports,
    /// then the venues of the other programs the shelter follows (each as
    /// a port, its city in `state`), each code once.
    pub fn places(&self) -> Vec<Port> {
        let mut out: Vec<Port> = crate::domain::port::all().to_vec();
        for program in self.followed() {
            for v in &program.venues {
                if !out.iter().any(|p| p.code == v.code) {
                    out.push(Port {
                        code: v.code.clone(),
                        name: v.name.clone(),
                        state: v.city.clone(),
                        tz: v.tz,
                    });
                }
            }
        }
        out
    }

    /// The program with this id, or why not: the ids there are.
    pub fn named(&self, id: &str) -> Result<&Program, String> {
        self.get(id).ok_or_else(|| {
            format!(
                "no program {id:?} (albergue knows: {}; `albergue programs list` shows them)",
                self.loaded
                    .iter()
                    .map(|l| l.program.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
    }
}

/// `--venue CODE` (or the old `--port`): a port's or a followed
/// program's venue code, any case; the codes there are when it is none.
pub fn parse_place_arg(s: &str) -> Result<String, String> {
    let code = s.trim().to_uppercase();
    let places = in_force().places();
    if places.iter().any(|p| p.code == code) {
        return Ok(code);
    }
    let codes: Vec<&str> = places.iter().map(|p| p.code.as_str()).collect();
    Err(format!(
        "no venue {s:?}; the venues are {}",
        codes.join(", ")
    ))
}

fn toml_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(LoadError::Read {
                path: dir.to_path_buf(),
                reason: e.to_string(),
            })
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

fn read(path: &Path) -> Result<String, LoadError> {
    std::fs::read_to_string(path).map_err(|e| LoadError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// The programs in force for this process: the config folder's and the
/// built-in ones, read once (a bad file refused the start before: see
/// [`check_config`]; should it have changed since, the built-in ones).
pub fn in_force() -> &'static Programs {
    static IN_FORCE: std::sync::OnceLock<Programs> = std::sync::OnceLock::new();
    IN_FORCE.get_or_init(|| {
        load(crate::paths::config_folder().as_deref())
            .or_else(|_| load(None))
            .unwrap_or(Programs {
                loaded: Vec::new(),
                calendars: Vec::new(),
                chosen: None,
            })
    })
}

/// The built-in programs and those of the config folder (`None`: none).
pub fn load(config: Option<&Path>) -> Result<Programs, LoadError> {
    let calendars = calendars(config)?;
    let mut loaded = Vec::new();
    for (file, text) in BUILT_IN_PROGRAMS {
        loaded.push(Loaded {
            program: parse_program(file, text, &calendars)?,
            source: file.to_string(),
        });
    }
    if let Some(dir) = config {
        for path in toml_files(&dir.join("programs"))? {
            let file = path.display().to_string();
            let program = parse_program(&file, &read(&path)?, &calendars)?;
            let own = Loaded {
                program,
                source: file,
            };
            match loaded.iter().position(|l| l.program.id == own.program.id) {
                Some(i) if loaded[i].source.starts_with("assets/") => loaded[i] = own,
                Some(i) => {
                    return Err(ProgramError {
                        file: own.source.clone(),
                        line: 1,
                        field: "id".into(),
                        why: format!(
                            "program {:?} is also defined by {}",
                            own.program.id, loaded[i].source
                        ),
                    }
                    .into())
                }
                None => loaded.push(own),
            }
        }
    }
    let chosen = match config {
        Some(dir) => chosen(&dir.join("config.toml"), &loaded)?,
        None => None,
    };
    Ok(Programs {
        loaded,
        calendars,
        chosen,
    })
}

/// `programs = ["cbp-one", "comar"]` in `config.toml`, each id checked
/// against the programs loaded (file:line when one is not); `None` when
/// the file or the key is not there.
fn chosen(path: &Path, loaded: &[Loaded]) -> Result<Option<Vec<String>>, LoadError> {
    #[derive(serde::Deserialize)]
    struct Chosen {
        programs: Option<toml::Spanned<Vec<toml::Spanned<String>>>>,
    }
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(LoadError::Read {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })
        }
    };
    let refused = |line: usize, why: String| ProgramError {
        file: path.display().to_string(),
        line,
        field: "programs".into(),
        why,
    };
    // (Any other problem of the file is the settings' to name.)
    let Ok(Chosen {
        programs: Some(list),
    }) = toml::from_str::<Chosen>(&text)
    else {
        return Ok(None);
    };
    let at = crate::domain::template::line_at(&text, list.span().start);
    if list.get_ref().is_empty() {
        return Err(refused(
            at,
            "lists no program (leave it out to follow every one)".into(),
        )
        .into());
    }
    let mut ids = Vec::new();
    for id in list.into_inner() {
        let line = crate::domain::template::line_at(&text, id.span().start);
        let id = id.into_inner();
        if !loaded.iter().any(|l| l.program.id == id) {
            let known: Vec<&str> = loaded.iter().map(|l| l.program.id.as_str()).collect();
            return Err(refused(
                line,
                format!("no program {id:?} (albergue knows: {})", known.join(", ")),
            )
            .into());
        }
        ids.push(id);
    }
    Ok(Some(ids))
}

fn calendars(config: Option<&Path>) -> Result<Vec<Calendar>, LoadError> {
    let mut calendars = Vec::new();
    for (file, text) in BUILT_IN_CALENDARS {
        calendars.push(parse_calendar(file, text)?);
    }
    if let Some(dir) = config {
        for path in toml_files(&dir.join("calendars"))? {
            let cal = parse_calendar(&path.display().to_string(), &read(&path)?)?;
            match calendars.iter().position(|c| c.id == cal.id) {
                Some(i) => calendars[i] = cal,
                None => calendars.push(cal),
            }
        }
    }
    Ok(calendars)
}

/// Checks the config folder's own programs and calendars (with the
/// built-in ones they may replace or name), at start-up: with none there,
/// nothing is read (the built-in files are checked by the tests).
pub fn check_config(config: Option<&Path>) -> Result<(), LoadError> {
    let Some(dir) = config else {
        return Ok(());
    };
    if toml_files(&dir.join("programs"))?.is_empty()
        && toml_files(&dir.join("calendars"))?.is_empty()
        && !dir.join("config.toml").exists()
    {
        return Ok(());
    }
    load(Some(dir)).map(|_| ())
}

/// Checks one program file against the calendars albergue knows (built in
/// and the config folder's), loading nothing.
pub fn check_file(path: &Path, config: Option<&Path>) -> Result<Program, LoadError> {
    let calendars = calendars(config)?;
    let file = path.display().to_string();
    Ok(parse_program(&file, &read(path)?, &calendars)?)
}
