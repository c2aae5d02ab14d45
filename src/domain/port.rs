//! The ports of entry that take CBP One appointments, and their clocks.
//!
//! The table is the venues of the CBP One program file
//! (`assets/programs/cbp-one.toml`), so that a port can be added without
//! touching code. Times are always stored in UTC; a port's local time is only
//! ever computed from a UTC instant (or, for a form, turned into one), never
//! used for arithmetic.

use std::sync::OnceLock;

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

const PORTS_TOML: &str = include_str!("../../assets/programs/cbp-one.toml");

/// A port of entry on the US–Mexico border.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    /// albergue's short code, as stored in the database (e.g. `SYS`).
    pub code: String,
    /// The name coordinators know it by (e.g. `San Ysidro PedWest`).
    pub name: String,
    /// US state, two letters.
    pub state: String,
    /// The port's tz database zone.
    pub tz: Tz,
}

#[derive(Deserialize)]
struct PortFile {
    venue: Vec<PortRow>,
}

#[derive(Deserialize)]
struct PortRow {
    code: String,
    name: String,
    state: String,
    tz: String,
}

/// Why a local wall-clock time could not be turned into one UTC instant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocalTimeError {
    /// The clock skipped this time (spring forward).
    #[error("{local} does not exist in {zone}: the clocks skipped it for daylight saving time")]
    Skipped {
        /// The time that was asked for.
        local: NaiveDateTime,
        /// The zone's name.
        zone: String,
    },
    /// The clock showed this time twice (fall back).
    #[error("{local} happened twice in {zone} (clocks went back): {earlier} or {later}")]
    Ambiguous {
        /// The time that was asked for.
        local: NaiveDateTime,
        /// The zone's name.
        zone: String,
        /// The first of the two instants.
        earlier: DateTime<Utc>,
        /// The second of the two instants.
        later: DateTime<Utc>,
    },
}

fn parse_table(text: &str) -> Result<Vec<Port>, String> {
    let file: PortFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut ports = Vec::with_capacity(file.venue.len());
    for row in file.venue {
        let tz: Tz = row
            .tz
            .parse()
            .map_err(|_| format!("port {}: unknown time zone {:?}", row.code, row.tz))?;
        if ports.iter().any(|p: &Port| p.code == row.code) {
            return Err(format!("port {} is listed twice", row.code));
        }
        ports.push(Port {
            code: row.code,
            name: row.name,
            state: row.state,
            tz,
        });
    }
    Ok(ports)
}

/// Every port of entry, in the order of the CBP One program file.
pub fn all() -> &'static [Port] {
    static PORTS: OnceLock<Vec<Port>> = OnceLock::new();
    PORTS.get_or_init(|| {
        // The table is compiled in and covered by tests, so a failure here is
        // a build defect, not bad user input.
        parse_table(PORTS_TOML).expect("assets/programs/cbp-one.toml is valid")
    })
}

/// The port with this code, if there is one.
pub fn by_code(code: &str) -> Option<&'static Port> {
    all().iter().find(|p| p.code == code)
}

impl Port {
    /// The port's local time at a UTC instant.
    pub fn local_time(&self, at: DateTime<Utc>) -> DateTime<Tz> {
        at.with_timezone(&self.tz)
    }

    /// The zone abbreviation in force at the port at that instant (`PDT`, `MST`, …).
    pub fn zone_abbreviation(&self, at: DateTime<Utc>) -> String {
        self.local_time(at).format("%Z").to_string()
    }

    /// The UTC instant of a wall-clock time at this port.
    pub fn from_local(&self, local: NaiveDateTime) -> Result<DateTime<Utc>, LocalTimeError> {
        from_local_in(self.tz, local)
    }
}

/// The UTC instant of a wall-clock time in a zone; refuses skipped and repeated times
/// instead of guessing, because a wrong guess moves an appointment by an hour.
pub fn from_local_in(tz: Tz, local: NaiveDateTime) -> Result<DateTime<Utc>, LocalTimeError> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::None => Err(LocalTimeError::Skipped {
            local,
            zone: tz.name().to_string(),
        }),
        LocalResult::Ambiguous(a, b) => Err(LocalTimeError::Ambiguous {
            local,
            zone: tz.name().to_string(),
            earlier: a.with_timezone(&Utc),
            later: b.with_timezone(&Utc),
        }),
    }
}

/// A port named by its code on a command line (any case), or what the
/// codes are.
pub fn parse_arg(s: &str) -> Result<&'static Port, String> {
    by_code(&s.trim().to_ascii_uppercase()).ok_or_else(|| {
        let codes: Vec<&str> = all().iter().map(|p| p.code.as_str()).collect();
        format!("no port {s:?}; the ports are {}", codes.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_the_eight_ports() {
        let codes: Vec<&str> = all().iter().map(|p| p.code.as_str()).collect();
        assert_eq!(
            codes,
            ["SYS", "CXL", "NOG", "ELP", "EGP", "LRD", "HID", "BRO"]
        );
    }

    #[test]
    fn a_bad_zone_in_the_table_is_named() {
        let err = parse_table("[[venue]]\ncode='X'\nname='X'\nstate='TX'\ntz='Mars/Olympus'\n")
            .unwrap_err();
        assert!(err.contains("Mars/Olympus"), "{err}");
    }

    #[test]
    fn a_repeated_code_in_the_table_is_refused() {
        let row = "[[venue]]\ncode='X'\nname='X'\nstate='TX'\ntz='America/Chicago'\n";
        let err = parse_table(&format!("{row}{row}")).unwrap_err();
        assert!(err.contains("twice"), "{err}");
    }
}
