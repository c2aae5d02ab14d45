//! The dashboard's figures, read once for every session of a process that
//! sees the same shelters at the same moment.

use std::sync::Arc;

use crate::domain::Scope;
use crate::store::{DashboardData, Seam, StoreError};

/// Days of arrivals the dashboard's chart counts back from today.
const DASHBOARD_DAYS: u32 = 60;

/// The dashboard's figures as last read by any session of a process: at
/// one moment of the database (the newest audit row, written with every
/// change), one minute of the clock and one scope (the shelters a user
/// sees), they are the same for everyone, so
/// sessions served by one process hold them once, and one commit is read
/// again once, not once per session. (The roster is read a window at a
/// time by each session: nothing of it is shared or held whole.)
#[derive(Debug, Default)]
pub struct SharedReads {
    /// The last figures read for each scope: sessions of users of different
    /// shelters never share figures.
    dashboard: std::sync::Mutex<std::collections::HashMap<Scope, CachedDashboard>>,
}

/// (newest audit row, minute, the asking session's local day and zone).
type CachedDashboard = (
    (i64, i64, chrono::NaiveDate, chrono_tz::Tz),
    Arc<DashboardData>,
);

impl SharedReads {
    /// The dashboard's figures at `now` for a session whose day is `today`.
    pub(super) fn dashboard(
        &self,
        seam: &mut dyn Seam,
        now: chrono::DateTime<chrono::Utc>,
        today: chrono::NaiveDate,
        tz: chrono_tz::Tz,
    ) -> Result<Arc<DashboardData>, StoreError> {
        let key = (
            seam.desk().last_change()?,
            now.timestamp().div_euclid(60),
            today,
            tz,
        );
        // Held while they are read again, as for the roster.
        let mut latest = self.dashboard.lock().unwrap_or_else(|e| e.into_inner());
        let scope = seam.desk().scope().clone();
        if let Some((k, data)) = latest.get(&scope) {
            if *k == key {
                return Ok(Arc::clone(data));
            }
        }
        let data = Arc::new(dashboard(seam, now, today, tz)?);
        latest.insert(scope, (key, Arc::clone(&data)));
        Ok(data)
    }
}

/// The dashboard's figures: the tallies', and the cases of the programs
/// the shelter follows due by the end of its tomorrow.
pub(super) fn dashboard(
    seam: &mut dyn Seam,
    now: chrono::DateTime<chrono::Utc>,
    today: chrono::NaiveDate,
    tz: chrono_tz::Tz,
) -> Result<DashboardData, StoreError> {
    use crate::domain::program::clock::end_of_day;
    let mut data = seam.desk().dashboard(now, today, DASHBOARD_DAYS)?;
    let day = crate::store::DayBounds {
        today_end: end_of_day(today, tz),
        tomorrow_end: end_of_day(today + chrono::Duration::days(1), tz),
    };
    let followed = crate::programs::in_force().followed();
    let store = seam.desk();
    data.cases = store.cases_due(now, day, &followed)?;
    data.cases.at_risk = store.cases_at_risk(now, &data.outages, &followed)?;
    Ok(data)
}
