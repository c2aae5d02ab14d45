//! What a dashboard's session needs of PostgreSQL beside the desk: the
//! shelters it shows, and the draft of a form left open (kept by the
//! operating-system user's name, as on SQLite).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::store::PgStore;
use crate::domain::Shelter;
use crate::store::sections::leaving_sql;
use crate::store::Result;

impl PgStore {
    /// The handle's shelters, by id ([`crate::store::Store::shelters`]).
    pub fn shelters(&mut self) -> Result<Vec<Shelter>> {
        self.read(|tx, scope| {
            let sql = format!(
                "SELECT id, name, city, tz, capacity FROM shelter WHERE {} ORDER BY id",
                super::tx::scoped(scope, "id")
            );
            Ok(tx
                .query(&sql, &[])?
                .iter()
                .map(|r| Shelter {
                    id: r.get(0),
                    name: r.get(1),
                    city: r.get(2),
                    tz: r.get(3),
                    capacity: r.get(4),
                })
                .collect())
        })
    }

    /// Who leaves tomorrow, by section ([`crate::store::Store::leaving`]).
    pub fn leaving(&mut self, now: DateTime<Utc>) -> Result<HashMap<i64, i64>> {
        let shelters = self.shelters()?;
        self.read(|tx, scope| {
            let sql = format!(
                "SELECT DISTINCT shelter_id FROM shelter_section WHERE {}",
                super::tx::scoped(scope, "shelter_id")
            );
            let with_sections: Vec<i64> = tx.query(&sql, &[])?.iter().map(|r| r.get(0)).collect();
            let Some((sql, from, to)) = leaving_sql(&shelters, &with_sections, now, false) else {
                return Ok(HashMap::new());
            };
            Ok(tx
                .query(&sql, &[&from, &to])?
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect())
        })
    }

    /// The server process of this handle's connection (whose own
    /// notifications its watcher leaves out), and the newest change.
    pub fn connection(&mut self) -> Result<(i32, i64)> {
        let pid: i32 = self
            .client
            .query_one("SELECT pg_backend_pid()", &[])?
            .get(0);
        Ok((pid, super::watch::newest(&mut self.client)?))
    }

    /// Keeps `user`'s open form for their next start
    /// ([`crate::store::Store::save_draft`]).
    pub fn save_draft(&mut self, user: &str, form: &str) -> Result<()> {
        let now = self.now();
        self.client.execute(
            "INSERT INTO draft (os_user, saved_at, form) VALUES ($1, $2, $3)
             ON CONFLICT (os_user) DO UPDATE SET saved_at = $2, form = $3",
            &[&user, &now, &form],
        )?;
        Ok(())
    }

    /// Takes `user`'s draft out of the database, if there is one
    /// ([`crate::store::Store::take_draft`]).
    pub fn take_draft(&mut self, user: &str) -> Result<Option<String>> {
        Ok(self
            .client
            .query_opt(
                "DELETE FROM draft WHERE os_user = $1 RETURNING form",
                &[&user],
            )?
            .map(|r| r.get(0)))
    }
}
