//! Transfers between shelters with a hand-over, on the store handle as the
//! sending and receiving shelters' coordinators hold it: consent recorded,
//! accepted moves the household whole in one transaction, declined moves
//! nothing, two answers at once are a conflict.

mod common;

use std::sync::Arc;

use albergue::actor::Actor;
use albergue::domain::{Consent, PersonStatus, Role, Scope, TransferStatus};
use albergue::store::{OpenMode, Store, StoreError};

use common::{demo_data, now, store_with};

struct Two {
    _dir: tempfile::TempDir,
    all: Store,
    tijuana: Store,
    juarez: Store,
    tj: i64,
    jz: i64,
}

fn two_shelters() -> Two {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut all) = store_with(dir.path(), &demo_data(2000, 11));
    let shelters = all.shelters().unwrap();
    let id = |c: &str| shelters.iter().find(|s| s.city.contains(c)).unwrap().id;
    let (tj, jz) = (id("Tijuana"), id("Juárez"));
    let mut handle = |name: &str, shelter: i64| {
        let user = all
            .add_user(
                name,
                Role::Coordinator,
                &format!("SHA256:{name}"),
                "ssh-ed25519 AAAA",
                &Scope::shelters([shelter]),
                &Actor::new("admin"),
            )
            .unwrap();
        let t = now();
        Store::open(&path, OpenMode::Existing)
            .unwrap()
            .with_clock(Arc::new(move || t))
            .as_user(&user)
    };
    let tijuana = handle("ana", tj);
    let juarez = handle("beto", jz);
    Two {
        _dir: dir,
        all,
        tijuana,
        juarez,
        tj,
        jz,
    }
}

/// A Tijuana household with someone present and an appointment (and no
/// transfer of the demo's).
fn household_at(t: &Two) -> i64 {
    t.all
        .pending_appointments()
        .unwrap()
        .into_iter()
        .map(|a| a.household_id)
        .filter(|&h| {
            t.all
                .transfers()
                .unwrap()
                .iter()
                .all(|x| x.household_id != h)
        })
        .find(|&h| t.all.household(h).unwrap().shelter_id == t.tj)
        .unwrap()
}

fn consent(given: bool) -> Consent {
    Consent {
        given,
        asked_by: "ana".into(),
    }
}

#[test]
fn an_accepted_transfer_moves_the_household_with_its_appointments_and_counts() {
    let mut t = two_shelters();
    let h = household_at(&t);
    let a = Actor::new("ana");
    let before = t.all.last_change().unwrap();
    // Without consent, to its own shelter, or to a shelter that does not
    // exist: refused, nothing written.
    assert!(t
        .tijuana
        .request_transfer(h, t.jz, &consent(false), &a)
        .is_err());
    assert!(t
        .tijuana
        .request_transfer(h, t.tj, &consent(true), &a)
        .is_err());
    assert!(t
        .tijuana
        .request_transfer(h, 9999, &consent(true), &a)
        .is_err());
    assert_eq!(t.all.last_change().unwrap(), before);
    // Juárez cannot ask to move a household it does not have.
    assert!(matches!(
        t.juarez.request_transfer(h, t.jz, &consent(true), &a),
        Err(StoreError::OutOfScope { .. })
    ));

    // The household has a COMAR claim to file (it follows them: its
    // shelter is kept on the case).
    let known = albergue::programs::load(None).unwrap();
    let comar = known.get("comar").unwrap();
    t.all
        .open_case(
            comar,
            &albergue::store::NewCase {
                household_id: h,
                person_id: None,
                venue: "COMAR-TIJ".into(),
                reference: String::new(),
                scheduled_at: None,
                events: vec![("entry".into(), now() - chrono::Duration::days(2))],
            },
            &a,
        )
        .unwrap();
    let day = albergue::store::DayBounds {
        today_end: now() + chrono::Duration::days(60),
        tomorrow_end: now() + chrono::Duration::days(61),
    };
    let claims = |s: &albergue::store::Store| {
        s.cases_due(now(), day, &[comar])
            .unwrap()
            .soonest
            .iter()
            .filter(|l| l.case.household_id == h)
            .count()
    };
    assert_eq!((claims(&t.tijuana), claims(&t.juarez)), (1, 0));

    let asked = t
        .tijuana
        .request_transfer(h, t.jz, &consent(true), &a)
        .unwrap();
    assert_eq!(asked.status, TransferStatus::Pending);
    assert_eq!(asked.consent_asked_by, "ana");
    // A second while it waits: refused.
    assert!(t
        .tijuana
        .request_transfer(h, t.jz, &consent(true), &a)
        .is_err());
    // Nothing moved yet; Juárez sees who is coming, and not yet the household.
    assert_eq!(t.all.household(h).unwrap().shelter_id, t.tj);
    // (The demo has transfers of its own: those to Juárez are listed too.)
    let all_coming = t.juarez.arriving().unwrap();
    assert!(all_coming.iter().all(|c| c.transfer.to_shelter == t.jz));
    let coming: Vec<_> = all_coming
        .into_iter()
        .filter(|c| c.transfer.household_id == h)
        .collect();
    assert_eq!(coming.len(), 1);
    assert_eq!(coming[0].transfer.id, asked.id);
    let present: Vec<String> = t
        .all
        .household_members(h)
        .unwrap()
        .iter()
        .filter(|p| p.details.status == PersonStatus::Present)
        .map(|p| format!("{} {}", p.details.given_names, p.details.family_names))
        .collect();
    assert_eq!(coming[0].names, present);
    assert!(t
        .tijuana
        .arriving()
        .unwrap()
        .iter()
        .all(|c| c.transfer.to_shelter == t.tj));
    assert!(t.juarez.household(h).is_err());
    // The sender cannot accept its own request.
    assert!(matches!(
        t.tijuana.accept_transfer(asked.id, asked.version, &a),
        Err(StoreError::OutOfScope { .. })
    ));

    let today = now().date_naive();
    let (tj0, jz0) = (
        t.tijuana.dashboard(now(), today, 7).unwrap(),
        t.juarez.dashboard(now(), today, 7).unwrap(),
    );
    let appointments = t
        .all
        .appointments_for_person(t.all.household_members(h).unwrap()[0].id);
    let done = t
        .juarez
        .accept_transfer(asked.id, asked.version, &Actor::new("beto"))
        .unwrap();
    assert_eq!(done.status, TransferStatus::Accepted);
    assert_eq!(done.decided_by.as_deref(), Some("beto"));
    // Moved whole: the household, its people, its appointments, the counts.
    assert_eq!(t.all.household(h).unwrap().shelter_id, t.jz);
    assert_eq!(
        t.juarez.household_members(h).unwrap().len(),
        t.all.household_members(h).unwrap().len()
    );
    let first = t.all.household_members(h).unwrap()[0].id;
    assert_eq!(
        t.juarez.appointments_for_person(first).unwrap(),
        appointments.unwrap()
    );
    let (tj1, jz1) = (
        t.tijuana.dashboard(now(), today, 7).unwrap(),
        t.juarez.dashboard(now(), today, 7).unwrap(),
    );
    let n = present.len() as i64;
    assert_eq!(
        (tj1.present, jz1.present),
        (tj0.present - n, jz0.present + n)
    );
    // (The search index, kept by shelter, moved them too; and their case.)
    assert!(t.all.tally_problems().unwrap().is_empty());
    assert_eq!((claims(&t.tijuana), claims(&t.juarez)), (0, 1));
    assert!(t.all.due_problems(&[comar]).unwrap().is_empty());
    let moved = t.all.household_members(h).unwrap()[0].clone();
    let name = format!(
        "{} {}",
        moved.details.given_names, moved.details.family_names
    );
    let found = |s: &Store| -> bool {
        s.search_people(&name, 50)
            .unwrap()
            .iter()
            .any(|p| p.id == moved.id)
    };
    assert!(found(&t.juarez) && found(&t.all) && !found(&t.tijuana));
    // The sender keeps the record of the transfer, and nothing of the people.
    assert!(matches!(
        t.tijuana.household(h),
        Err(StoreError::OutOfScope { .. })
    ));
    assert_eq!(t.tijuana.transfer(done.id).unwrap(), done);
    assert!(t
        .tijuana
        .transfers()
        .unwrap()
        .iter()
        .any(|x| x.id == done.id));
    // Answered once: not again.
    assert!(t
        .juarez
        .decline_transfer(done.id, done.version, "full", &Actor::new("beto"))
        .is_err());
    let audit = t.all.audit_for("transfer", done.id).unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["transfer.request", "transfer.accept"]);
    assert!(audit[0].summary.contains("consent asked by ana"));
    let moved = t.all.audit_for("household", h).unwrap();
    assert!(moved.iter().any(|e| e.action == "household.move"));
}

#[test]
fn a_declined_transfer_moves_nothing_and_two_answers_at_once_are_a_conflict() {
    let mut t = two_shelters();
    let h = household_at(&t);
    let a = Actor::new("ana");
    let asked = t
        .tijuana
        .request_transfer(h, t.jz, &consent(true), &a)
        .unwrap();
    let beto = Actor::new("beto");
    // Declining needs a reason.
    assert!(t
        .juarez
        .decline_transfer(asked.id, asked.version, " ", &beto)
        .is_err());
    let before = t.all.dashboard(now(), now().date_naive(), 7).unwrap();
    let declined = t
        .juarez
        .decline_transfer(asked.id, asked.version, "no family beds", &beto)
        .unwrap();
    assert_eq!(declined.status, TransferStatus::Declined);
    assert_eq!(declined.reason, "no family beds");
    assert_eq!(t.all.household(h).unwrap().shelter_id, t.tj);
    // Every figure as it was; only the transfer is no longer coming.
    let after = t.all.dashboard(now(), now().date_naive(), 7).unwrap();
    assert!(before.arriving.iter().any(|c| c.transfer.id == asked.id));
    assert!(after.arriving.iter().all(|c| c.transfer.id != asked.id));
    let figures = |mut d: albergue::store::DashboardData| {
        d.arriving.clear();
        for b in &mut d.beds {
            b.arriving = 0;
        }
        d
    };
    assert_eq!(figures(after), figures(before));
    // Another coordinator answering over the version they read: a conflict.
    match t.juarez.accept_transfer(asked.id, asked.version, &beto) {
        Err(StoreError::Conflict(c)) => assert_eq!(c.changed_by, "beto"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(t.all.household(h).unwrap().shelter_id, t.tj);
    // Asked again, then withdrawn by the sender.
    let again = t
        .tijuana
        .request_transfer(h, t.jz, &consent(true), &a)
        .unwrap();
    let cancelled = t
        .tijuana
        .cancel_transfer(again.id, again.version, "they stay", &a)
        .unwrap();
    assert_eq!(cancelled.status, TransferStatus::Cancelled);
    assert!(t
        .juarez
        .arriving()
        .unwrap()
        .iter()
        .all(|c| c.transfer.household_id != h));
    assert!(t.all.tally_problems().unwrap().is_empty());
}

#[test]
fn the_command_line_asks_for_accepts_and_declines_transfers() {
    let home = tempfile::tempdir().unwrap();
    let db = common::make_demo(home.path(), 500);
    let on = |args: &[&str]| common::on_db(home.path(), &db, args);
    let store = Store::open(&db, OpenMode::Existing).unwrap();
    let shelters = store.shelters().unwrap();
    let tj = shelters.iter().find(|s| s.city == "Tijuana").unwrap();
    let jz = shelters.iter().find(|s| s.city.contains("Juárez")).unwrap();
    // (The demo's own transfers are left alone.)
    let demo: Vec<albergue::domain::Transfer> = store.transfers().unwrap();
    let households: Vec<i64> = store
        .roster(now())
        .unwrap()
        .iter()
        .filter(|r| r.status == PersonStatus::Present)
        .map(|r| r.household_id)
        .filter(|&h| store.household(h).unwrap().shelter_id == tj.id)
        .filter(|&h| demo.iter().all(|t| t.household_id != h))
        .collect();
    let (first, second) = (
        households[0],
        *households.iter().find(|&&h| h != households[0]).unwrap(),
    );
    let (a, b) = (first.to_string(), second.to_string());
    // Without the person's consent: refused, saying so, nothing recorded.
    let o = on(&[
        "transfers",
        "request",
        &a,
        "--to",
        "Ciudad Juárez",
        "--consent-asked-by",
        "ana",
    ]);
    assert!(!o.status.success());
    assert!(common::text(&o).contains("consent"), "{}", common::text(&o));
    let o = on(&[
        "transfers",
        "request",
        &a,
        "--to",
        "Nowhere",
        "--consent-asked-by",
        "ana",
        "--consent-given",
    ]);
    assert!(!o.status.success());
    assert!(common::text(&o).contains(&jz.name), "{}", common::text(&o));
    assert_eq!(store.transfers().unwrap(), demo);
    for h in [&a, &b] {
        let o = on(&[
            "transfers",
            "request",
            h,
            "--to",
            "Ciudad Juárez",
            "--consent-asked-by",
            "ana",
            "--consent-given",
        ]);
        assert!(o.status.success(), "{}", common::text(&o));
    }
    let mut ids: Vec<i64> = store
        .transfers()
        .unwrap()
        .iter()
        .map(|t| t.id)
        .filter(|id| demo.iter().all(|t| t.id != *id))
        .collect();
    ids.sort_unstable();
    let o = on(&["transfers", "accept", &ids[0].to_string()]);
    assert!(o.status.success(), "{}", common::text(&o));
    let o = on(&[
        "transfers",
        "decline",
        &ids[1].to_string(),
        "--reason",
        "full",
    ]);
    assert!(o.status.success(), "{}", common::text(&o));
    assert_eq!(store.household(first).unwrap().shelter_id, jz.id);
    assert_eq!(store.household(second).unwrap().shelter_id, tj.id);
    let list = common::text(&on(&["transfers", "list"]));
    assert!(
        list.contains("accepted") && list.contains("declined"),
        "{list}"
    );
    assert!(store.tally_problems().unwrap().is_empty());
}
