//! Need-to-know in a network of shelters: a handle scoped to some shelters
//! reads and writes their people, households and appointments alone, and
//! its dashboard counts only theirs. Called on the store handle directly,
//! every read and every write, as a served session's handle is made
//! (`Store::as_user`).

mod common;

use std::collections::HashSet;
use std::sync::Arc;

use albergue::actor::Actor;
use albergue::domain::{AppointmentStatus, PersonStatus, Role, Scope};
use albergue::store::{
    NewAppointment, OpenMode, RosterFilter, RosterSort, RosterSpec, Store, StoreError, User,
};
use chrono::Duration;

use common::{demo_data, new_person, now, store_with};

/// A demo network (four shelters), and the ids of two of them.
struct Network {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    /// The owner's handle: every shelter.
    all: Store,
    tijuana: i64,
    juarez: i64,
}

fn network() -> Network {
    let dir = tempfile::tempdir().unwrap();
    let (path, all) = store_with(dir.path(), &demo_data(3000, 7));
    let shelters = all.shelters().unwrap();
    assert!(shelters.len() >= 2, "the demo has a network of shelters");
    let id = |city: &str| {
        shelters
            .iter()
            .find(|s| s.city.contains(city))
            .unwrap_or_else(|| panic!("a shelter in {city}"))
            .id
    };
    let (tijuana, juarez) = (id("Tijuana"), id("Juárez"));
    Network {
        _dir: dir,
        path,
        all,
        tijuana,
        juarez,
    }
}

impl Network {
    /// A handle for a served user of `role` who sees `scope`.
    fn handle(&self, role: Role, scope: Scope) -> Store {
        let now = now();
        let mut owner = Store::open(&self.path, OpenMode::Existing).unwrap();
        let name = format!("u{}", owner.users().unwrap().len());
        let fp = format!("SHA256:{name}");
        let user: User = owner
            .add_user(&name, role, &fp, "ssh-ed25519 AAAA", &scope, &actor())
            .unwrap();
        Store::open(&self.path, OpenMode::Existing)
            .unwrap()
            .with_clock(Arc::new(move || now))
            .as_user(&user)
    }

    /// Ids of the people of shelter `s` and of everyone else, from the owner's handle.
    fn people_of(&self, s: i64) -> (HashSet<i64>, HashSet<i64>) {
        let mut mine = HashSet::new();
        let mut others = HashSet::new();
        for row in self.all.roster(now()).unwrap() {
            let shelter = self.all.household(row.household_id).unwrap().shelter_id;
            if shelter == s {
                mine.insert(row.id);
            } else {
                others.insert(row.id);
            }
        }
        (mine, others)
    }

    /// A household of shelter `s` with someone present and a pending
    /// appointment, and that appointment.
    fn pending_at(&self, s: i64) -> (i64, i64) {
        let a = self
            .all
            .pending_appointments()
            .unwrap()
            .into_iter()
            .find(|a| self.all.household(a.household_id).unwrap().shelter_id == s)
            .expect("a pending appointment at the shelter");
        (a.household_id, a.id)
    }
}

fn actor() -> Actor {
    Actor::new("test")
}

fn out_of_scope<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(e @ StoreError::OutOfScope { .. }) => e.to_string(),
        other => panic!("expected OutOfScope, got {other:?}"),
    }
}

#[test]
fn a_scoped_handle_reads_only_its_shelters_rows() {
    let n = network();
    let tj = n.handle(Role::Coordinator, Scope::shelters([n.tijuana]));
    let (mine, others) = n.people_of(n.tijuana);
    assert!(!mine.is_empty() && !others.is_empty());

    // The whole roster, its windows, its counts.
    let listed: HashSet<i64> = tj.roster(now()).unwrap().iter().map(|r| r.id).collect();
    assert_eq!(listed, mine);
    let spec = RosterSpec {
        sort: RosterSort::Name,
        filter: RosterFilter::default(),
        query: String::new(),
    };
    let read = tj.roster_read(&spec, now()).unwrap();
    let count = read.count(true).unwrap();
    assert_eq!(count.listed, mine.len() as u64);
    assert_eq!(count.everyone, mine.len() as u64);
    let page = read.page(&albergue::store::Edge::First, 100_000).unwrap();
    assert!(page.iter().all(|r| mine.contains(&r.id)));
    assert_eq!(page.len(), mine.len());

    // A name only someone at another shelter has finds nobody, by any search.
    let other = n.all.person(*others.iter().next().unwrap()).unwrap();
    let only_theirs = n
        .all
        .search_people(&other.details.family_names, 10_000)
        .unwrap()
        .iter()
        .all(|p| others.contains(&p.id));
    let name = format!(
        "{} {}",
        other.details.given_names, other.details.family_names
    );
    let found = tj.search_people(&name, 100).unwrap();
    assert!(found.iter().all(|p| mine.contains(&p.id)), "{found:?}");
    let spec = RosterSpec {
        query: name.clone(),
        ..spec
    };
    let read = tj.roster_read(&spec, now()).unwrap();
    let hits = read.page(&albergue::store::Edge::First, 100).unwrap();
    assert!(hits.iter().all(|r| mine.contains(&r.id)));
    if only_theirs {
        assert!(hits.is_empty(), "{name} is not at Tijuana");
        assert_eq!(read.count(true).unwrap().listed, 0);
    }
    assert!(n
        .all
        .search_people(&name, 100)
        .unwrap()
        .iter()
        .any(|p| p.id == other.id));

    // By id: refused, saying why, for every kind of row of another shelter.
    let msg = out_of_scope(tj.person(other.id));
    assert!(msg.contains("not at your shelters"), "{msg}");
    out_of_scope(tj.household(other.details.household_id));
    out_of_scope(tj.household_members(other.details.household_id));
    out_of_scope(tj.appointments_for_person(other.id));
    out_of_scope(tj.audit_for_person(other.id));
    out_of_scope(tj.audit_for("person", other.id));
    let (their_household, their_appointment) = n.pending_at(n.juarez);
    out_of_scope(tj.appointment(their_appointment));
    out_of_scope(tj.household_pending(their_household));
    // Their own: read as ever.
    let me = *mine.iter().next().unwrap();
    assert_eq!(tj.person(me).unwrap().id, me);
    assert_eq!(
        tj.appointments_for_person(me).unwrap(),
        n.all.appointments_for_person(me).unwrap()
    );

    // Lists: pending, at risk, between two instants, departures, shelters.
    let in_tj = |household: i64| n.all.household(household).unwrap().shelter_id == n.tijuana;
    let pending = tj.pending_appointments().unwrap();
    assert!(!pending.is_empty());
    assert_eq!(
        pending.len(),
        n.all
            .pending_appointments()
            .unwrap()
            .iter()
            .filter(|a| in_tj(a.household_id))
            .count()
    );
    assert!(tj.at_risk().unwrap().iter().all(|a| in_tj(a.household_id)));
    let risk_now = tj.at_risk_now_lines(now()).unwrap();
    assert!(risk_now.iter().all(|l| in_tj(l.appointment.household_id)));
    assert!(
        risk_now.len() < n.all.at_risk_now_lines(now()).unwrap().len(),
        "the demo's outage puts other shelters' people at risk too"
    );
    let week = tj
        .appointments_between(now(), now() + Duration::days(7))
        .unwrap();
    assert!(!week.is_empty());
    assert!(week.iter().all(|l| in_tj(l.appointment.household_id)));
    let leaving = tj
        .departures(now(), now() + Duration::days(3), None)
        .unwrap();
    let all_leaving = n
        .all
        .departures(now(), now() + Duration::days(3), None)
        .unwrap();
    assert!(leaving.iter().all(|d| in_tj(d.household_id)));
    assert!(leaving.len() < all_leaving.len());
    // Asking for another shelter's list gives nothing of it.
    assert!(tj
        .departures(now(), now() + Duration::days(3), Some(n.juarez))
        .unwrap()
        .is_empty());
    let shelters = tj.shelters().unwrap();
    assert_eq!(shelters.len(), 1);
    assert_eq!(shelters[0].id, n.tijuana);
    // The audit trail of their rows only.
    for e in tj.recent_audit(500).unwrap() {
        let ok = match e.entity.as_str() {
            "person" => mine.contains(&e.entity_id.unwrap()),
            "household" | "appointment" => true,
            other => panic!("{other} row shown to a scoped user"),
        };
        assert!(ok, "{e:?}");
    }
}

#[test]
fn a_scoped_dashboard_counts_its_shelters_alone() {
    let n = network();
    let tj = n.handle(Role::Volunteer, Scope::shelters([n.tijuana]));
    let jz = n.handle(Role::Volunteer, Scope::shelters([n.juarez]));
    let both = n.handle(Role::Volunteer, Scope::shelters([n.tijuana, n.juarez]));
    let today = now().date_naive();
    let d = |s: &Store| s.dashboard(now(), today, 14).unwrap();
    let (all, t, j, b) = (d(&n.all), d(&tj), d(&jz), d(&both));
    // A recount from the rows the owner reads.
    let present_at = |s: i64| {
        n.all
            .roster(now())
            .unwrap()
            .iter()
            .filter(|r| r.status == PersonStatus::Present)
            .filter(|r| n.all.household(r.household_id).unwrap().shelter_id == s)
            .count() as i64
    };
    assert_eq!(t.present, present_at(n.tijuana));
    assert_eq!(j.present, present_at(n.juarez));
    assert_eq!(b.present, t.present + j.present);
    assert!(t.present < all.present);
    assert_eq!(b.households, t.households + j.households);
    assert_eq!(b.open_pending, t.open_pending + j.open_pending);
    assert_eq!(b.at_risk, t.at_risk + j.at_risk);
    let sum = |x: &[u64], y: &[u64]| x.iter().zip(y).map(|(a, b)| a + b).collect::<Vec<_>>();
    assert_eq!(
        b.arrivals_per_day,
        sum(&t.arrivals_per_day, &j.arrivals_per_day)
    );
    let slots =
        |x: &albergue::store::DashboardData| x.upcoming.iter().map(|s| s.count).sum::<u32>();
    assert_eq!(slots(&b), slots(&t) + slots(&j));
    assert!(t.soonest.iter().all(|l| {
        n.all
            .household(l.appointment.household_id)
            .unwrap()
            .shelter_id
            == n.tijuana
    }));
    // The network's own figures are unchanged by scoping.
    let net = n.handle(Role::Volunteer, Scope::Network);
    assert_eq!(d(&net), all);
    // A user given no shelter sees nobody.
    let none = n.handle(Role::Volunteer, Scope::shelters([]));
    let z = d(&none);
    assert_eq!((z.present, z.households, z.open_pending), (0, 0, 0));
    assert!(none.roster(now()).unwrap().is_empty());
}

#[test]
fn a_scoped_handle_changes_nothing_of_another_shelter() {
    let n = network();
    let mut tj = n.handle(Role::Coordinator, Scope::shelters([n.tijuana]));
    let (mine, others) = n.people_of(n.tijuana);
    let other = n.all.person(*others.iter().next().unwrap()).unwrap();
    let me = n.all.person(*mine.iter().next().unwrap()).unwrap();
    let (their_household, their_appointment) = n.pending_at(n.juarez);
    let their = n.all.appointment(their_appointment).unwrap();
    let before = n.all.last_change().unwrap();
    let a = actor();

    out_of_scope(tj.create_person(&new_person(their_household, "Ana", "Nueva"), &a));
    out_of_scope(tj.create_household(n.juarez, "Familia Nueva", None, &a));
    out_of_scope(tj.create_person_with_household(
        n.juarez,
        "Familia Nueva",
        &new_person(0, "Ana", "Nueva"),
        &a,
    ));
    let mut changed = other.details.clone();
    changed.notes = "seen".into();
    out_of_scope(tj.update_person(other.id, other.version, &changed, &a));
    // Nor may one of theirs be put in a household of another shelter.
    let mut moved = me.details.clone();
    moved.household_id = their_household;
    out_of_scope(tj.update_person(me.id, me.version, &moved, &a));
    let h = n.all.household(their_household).unwrap();
    out_of_scope(tj.update_household(h.id, h.version, "Otra", None, &a));
    out_of_scope(tj.create_appointment(
        &NewAppointment {
            household_id: their_household,
            person_id: None,
            port_code: albergue::domain::port::all()[0].code.clone(),
            appointment_at: now() + Duration::days(3),
            allocated_at: now(),
        },
        &a,
    ));
    out_of_scope(tj.confirm_appointment(their.id, their.version, "ABC1234", now(), &a));
    out_of_scope(tj.set_appointment_status(
        their.id,
        their.version,
        AppointmentStatus::Cancelled,
        &a,
    ));
    assert_eq!(n.all.last_change().unwrap(), before, "nothing was written");
    assert_eq!(n.all.person(other.id).unwrap(), other);
    assert_eq!(n.all.appointment(their.id).unwrap(), their);

    // Their own shelter's rows: written as ever.
    let mut noted = me.details.clone();
    noted.notes = "seen at the desk".into();
    tj.update_person(me.id, me.version, &noted, &a).unwrap();
    let h = tj
        .create_person_with_household(
            n.tijuana,
            "Familia Llega",
            &new_person(0, "Rosa", "Llega"),
            &a,
        )
        .unwrap();
    assert_eq!(
        n.all.household(h.details.household_id).unwrap().shelter_id,
        n.tijuana
    );

    // An extension from a scoped coordinator extends their shelter's alone.
    let outage = n
        .all
        .outages()
        .unwrap()
        .into_iter()
        .find(|o| o.is_active(now()))
        .expect("the demo's outage");
    let at_risk_tj = tj.at_risk_from(outage.id).unwrap();
    let extended = tj
        .grant_extension(outage.id, outage.version, now() + Duration::days(3), &a)
        .unwrap();
    assert!(!extended.is_empty());
    let extended: HashSet<i64> = extended.into_iter().collect();
    assert!(extended
        .iter()
        .all(|id| at_risk_tj.iter().any(|x| x.id == *id)));
    let their_after = n.all.appointment(their.id).unwrap();
    assert_eq!(their_after.extended_until, their.extended_until);
    assert!(n.all.tally_problems().unwrap().is_empty());
}

#[test]
fn a_household_moved_to_another_shelter_takes_its_counts_along() {
    let n = network();
    let (household, _) = n.pending_at(n.tijuana);
    let tj = n.handle(Role::Volunteer, Scope::shelters([n.tijuana]));
    let jz = n.handle(Role::Volunteer, Scope::shelters([n.juarez]));
    let today = now().date_naive();
    let (t0, j0) = (
        tj.dashboard(now(), today, 14).unwrap(),
        jz.dashboard(now(), today, 14).unwrap(),
    );
    let present = n
        .all
        .household_members(household)
        .unwrap()
        .iter()
        .filter(|p| p.details.status == PersonStatus::Present)
        .count() as i64;
    assert!(present > 0);
    // (The transfer hand-over is to come; the schema's part is here: the
    // household's row moves, its people and appointments follow.)
    let conn = rusqlite::Connection::open(&n.path).unwrap();
    conn.execute(
        "UPDATE household SET shelter_id = ?1 WHERE id = ?2",
        [n.juarez, household],
    )
    .unwrap();
    drop(conn);
    let (t1, j1) = (
        tj.dashboard(now(), today, 14).unwrap(),
        jz.dashboard(now(), today, 14).unwrap(),
    );
    assert_eq!(t1.present, t0.present - present);
    assert_eq!(j1.present, j0.present + present);
    assert_eq!(t1.households, t0.households - 1);
    assert_eq!(j1.households, j0.households + 1);
    assert_eq!(
        t1.open_pending + j1.open_pending,
        t0.open_pending + j0.open_pending
    );
    assert!(j1.open_pending > j0.open_pending);
    assert!(
        n.all.tally_problems().unwrap().is_empty(),
        "{:?}",
        n.all.tally_problems()
    );
    out_of_scope(tj.household(household));
    assert_eq!(jz.household(household).unwrap().shelter_id, n.juarez);
}

#[test]
fn users_are_given_shelters_and_a_change_ends_their_sessions() {
    let n = network();
    let mut owner = Store::open(&n.path, OpenMode::Existing).unwrap();
    let a = actor();
    let u = owner
        .add_user(
            "lupe",
            Role::Volunteer,
            "SHA256:lupe",
            "ssh-ed25519 AAAA",
            &Scope::shelters([n.tijuana]),
            &a,
        )
        .unwrap();
    assert_eq!(u.scope, Scope::Shelters(vec![n.tijuana]));
    let moved = owner
        .set_user_scope("lupe", &Scope::shelters([n.juarez, n.tijuana]), &a)
        .unwrap();
    assert_eq!(moved.scope, Scope::shelters([n.tijuana, n.juarez]));
    assert!(moved.access > u.access, "their sessions end");
    // A session at the old access writes nothing.
    let mut old = Store::open(&n.path, OpenMode::Existing)
        .unwrap()
        .as_user(&u);
    let (mine, _) = n.people_of(n.tijuana);
    let me = n.all.person(*mine.iter().next().unwrap()).unwrap();
    let mut d = me.details.clone();
    d.notes = "x".into();
    assert!(matches!(
        old.update_person(me.id, me.version, &d, &a),
        Err(StoreError::Revoked { .. })
    ));
    // A shelter that does not exist is refused, and nothing changes.
    assert!(owner
        .set_user_scope("lupe", &Scope::shelters([9999]), &a)
        .is_err());
    assert_eq!(owner.user("lupe").unwrap().unwrap(), moved);
    let net = owner.set_user_scope("lupe", &Scope::Network, &a).unwrap();
    assert!(net.scope.is_network());
    let audit = owner.audit_for("coordinator", u.id).unwrap();
    assert!(audit.iter().any(|e| e.action == "coordinator.shelters"
        && e.summary.contains(&format!("shelter {}", n.juarez))));
}
