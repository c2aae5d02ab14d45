//! Which shelters a coordinator may see and change: need-to-know for a
//! network of shelters. The store enforces it on every read and write of
//! people, households and appointments; views never filter for it.

/// The shelters a handle acts for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Scope {
    /// Every shelter (the database's owner, and users given `--network`).
    #[default]
    Network,
    /// These shelters' ids, ascending, no repeats (possibly none: such a
    /// user sees nobody).
    Shelters(Vec<i64>),
}

impl Scope {
    /// The scope of these shelters (in any order, repeats allowed).
    pub fn shelters(ids: impl IntoIterator<Item = i64>) -> Self {
        let mut ids: Vec<i64> = ids.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        Self::Shelters(ids)
    }

    /// Whether this scope sees every shelter.
    pub fn is_network(&self) -> bool {
        matches!(self, Self::Network)
    }

    /// Whether shelter `id` is in the scope.
    pub fn covers(&self, id: i64) -> bool {
        match self {
            Self::Network => true,
            Self::Shelters(ids) => ids.binary_search(&id).is_ok(),
        }
    }

    /// A SQL condition true for rows whose `column` names a shelter of the
    /// scope (`1` for the network; for no shelter, a shelter no row has, so
    /// that the query keeps its shape and its index). Built from ids, never
    /// from text.
    pub fn sql(&self, column: &str) -> String {
        match self {
            Self::Network => "1".into(),
            Self::Shelters(ids) if ids.is_empty() => format!("{column} IN (-1)"),
            Self::Shelters(ids) => {
                let list: Vec<String> = ids.iter().map(i64::to_string).collect();
                format!("{column} IN ({})", list.join(","))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Scope;

    #[test]
    fn a_scope_covers_its_shelters_and_no_other() {
        let s = Scope::shelters([3, 1, 3]);
        assert_eq!(s, Scope::Shelters(vec![1, 3]));
        assert!(s.covers(1) && s.covers(3) && !s.covers(2));
        assert_eq!(s.sql("p.shelter_id"), "p.shelter_id IN (1,3)");
        assert_eq!(Scope::shelters([]).sql("x"), "x IN (-1)");
        assert!(!Scope::shelters([]).covers(1));
        assert_eq!(Scope::Network.sql("x"), "1");
        assert!(Scope::Network.covers(42));
    }
}
