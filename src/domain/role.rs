//! Who may do what: the role of each coordinator served over SSH, and the
//! permissions the store checks before every write.

/// A person's role at the shelter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// At the desk: looks people up, adds and edits them, records arrivals.
    Volunteer,
    /// Everything in the dashboard: confirmations, appointments, outages.
    Coordinator,
    /// Also the users, exports, imports and backups.
    Admin,
}

text_enum!(Role, "role", {
    Volunteer => "volunteer",
    Coordinator => "coordinator",
    Admin => "admin",
});

/// Something a role may or may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Add a person or change their details (arrivals, departures included).
    EditPeople,
    /// Record confirmations.
    Confirm,
    /// Schedule appointments and move them between statuses.
    ManageAppointments,
    /// Record outages and grant extensions.
    ManageOutages,
    /// Print or save lists of people (tomorrow's departures).
    PrintLists,
    /// Ask for, accept, decline and cancel transfers between shelters.
    Transfers,
    /// Export, import, back up, load demo data.
    Jobs,
    /// Add, remove and change users.
    ManageUsers,
    /// Set a shelter's sections and beds.
    ManageShelters,
}

text_enum!(Permission, "permission", {
    EditPeople => "edit_people",
    Confirm => "confirm",
    ManageAppointments => "manage_appointments",
    ManageOutages => "manage_outages",
    PrintLists => "print_lists",
    Transfers => "transfers",
    Jobs => "jobs",
    ManageUsers => "manage_users",
    ManageShelters => "manage_shelters",
});

impl Role {
    /// Whether this role may do `what`.
    pub fn may(self, what: Permission) -> bool {
        match what {
            Permission::EditPeople => true,
            Permission::Confirm
            | Permission::ManageAppointments
            | Permission::ManageOutages
            | Permission::PrintLists
            | Permission::Transfers => self >= Self::Coordinator,
            Permission::Jobs | Permission::ManageUsers | Permission::ManageShelters => {
                self == Self::Admin
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_may_do_what_the_shelter_expects() {
        let allowed = |r: Role| -> Vec<Permission> {
            Permission::ALL.into_iter().filter(|&p| r.may(p)).collect()
        };
        assert_eq!(allowed(Role::Volunteer), [Permission::EditPeople]);
        assert_eq!(allowed(Role::Coordinator).len(), 6);
        assert!(!Role::Coordinator.may(Permission::Jobs));
        assert_eq!(allowed(Role::Admin).len(), Permission::ALL.len());
        assert_eq!("coordinator".parse::<Role>().unwrap(), Role::Coordinator);
        assert!("root".parse::<Role>().is_err());
    }
}
