//! The dated folders an export makes in `--out`: their names, the next
//! free one of a day, albergue's own among others, and the leftovers of a
//! run that was killed.

use std::path::{Path, PathBuf};

use super::WORK_PREFIX;

/// Removes working folders left by exports that were killed.
pub(super) fn clean_leftovers(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(rest) = name.strip_prefix(WORK_PREFIX) else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let alive = pid.is_some_and(|p| Path::new(&format!("/proc/{p}")).exists());
        if !alive || pid == Some(std::process::id()) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Whether `name` is a dated export folder name: `YYYY-MM-DD` or `YYYY-MM-DD-N`.
pub(super) fn dated_key(name: &str) -> Option<(String, u32)> {
    let (date, n) = match name.get(10..) {
        Some("") => (name, 1),
        Some(rest) => (&name[..10], rest.strip_prefix('-')?.parse().ok()?),
        None => return None,
    };
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    Some((date.to_string(), n))
}

/// Dated folders albergue wrote (they hold its manifest), oldest first by
/// the time in their manifest.
pub(super) fn our_folders(out: &Path) -> Vec<PathBuf> {
    let mut found: Vec<(String, (String, u32), PathBuf)> = std::fs::read_dir(out)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let key = dated_key(&e.file_name().to_string_lossy())?;
            let manifest = std::fs::read_to_string(e.path().join("manifest.json")).ok()?;
            let m = serde_json::from_str::<serde_json::Value>(&manifest).ok()?;
            if m.get("generator")?.as_str()? != "albergue" {
                return None;
            }
            let at = m.get("exported_at")?.as_str()?.to_string();
            Some((at, key, e.path()))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, _, p)| p).collect()
}

/// The next free dated name: after the highest suffix already used that day.
pub(super) fn next_suffix(out: &Path, date: &str) -> u32 {
    std::fs::read_dir(out)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| dated_key(&e.file_name().to_string_lossy()))
        .filter(|(d, _)| d == date)
        .map(|(_, n)| n + 1)
        .max()
        .unwrap_or(1)
}
