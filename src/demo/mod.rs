//! Realistic, deterministic demo data: the same `(people, seed, now)` always
//! gives the same roster. Used by `albergue demo`, by tests and by benchmarks.
//!
//! Four shelters (Tijuana, Ciudad Juárez, Reynosa, Mexico City); CBP One
//! groups of 1 to 7 people; people from Venezuela, Honduras, Haiti, Mexico,
//! Guatemala, Cuba, Colombia, El Salvador and Ecuador, each with names from
//! their country's pools (`assets/demo/names.toml`; two given names, two surnames where that is the
//! custom: nine in ten full names at 100,000 people are distinct), and the
//! notes and outage sources in Spanish as coordinators write them; arrivals
//! over the last eight months;
//! appointments over ±30 days at all eight ports in every state; one outage
//! of the confirm step going on now and one closed outage with an extension.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use crate::domain::outage::is_at_risk;
use crate::domain::port::{self, from_local_in};
use crate::domain::{
    Appointment, AppointmentStatus, Household, Outage, Person, PersonDetails, PersonStatus, Ports,
    Sex, Shelter, Step, Vulnerability,
};
use crate::store::{BulkData, NewOutage};

mod beds;
pub mod cases;
mod names;

use names::{Nationality, Pool};

/// SplitMix64: tiny, fast and stable across releases, so a seed means the
/// same roster forever (a crate's generator may change its stream).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        let span = (hi - lo + 1) as u64;
        lo + (self.next() % span) as i64
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }

    /// Index chosen by integer weights.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut roll = self.next() % total;
        for (i, &w) in weights.iter().enumerate() {
            if roll < u64::from(w) {
                return i;
            }
            roll -= u64::from(w);
        }
        weights.len() - 1
    }
}

struct ShelterSpec {
    name: &'static str,
    city: &'static str,
    tz: &'static str,
    capacity: i64,
    share: u32,
    phone_prefix: &'static str,
    ports: &'static [(&'static str, u32)],
}

const SHELTERS: &[ShelterSpec] = &[
    ShelterSpec {
        name: "Casa del Caminante Tijuana",
        city: "Tijuana",
        tz: "America/Tijuana",
        capacity: 400,
        share: 30,
        phone_prefix: "+52 664",
        ports: &[("SYS", 75), ("CXL", 25)],
    },
    ShelterSpec {
        name: "Albergue Paso Seguro",
        city: "Ciudad Juárez",
        tz: "America/Ciudad_Juarez",
        capacity: 300,
        share: 20,
        phone_prefix: "+52 656",
        ports: &[("ELP", 80), ("NOG", 20)],
    },
    ShelterSpec {
        name: "Refugio Río Bravo",
        city: "Reynosa",
        tz: "America/Matamoros",
        capacity: 500,
        share: 35,
        phone_prefix: "+52 899",
        ports: &[("HID", 45), ("BRO", 25), ("LRD", 20), ("EGP", 10)],
    },
    ShelterSpec {
        name: "Casa Refugio Ciudad de México",
        city: "Ciudad de México",
        tz: "America/Mexico_City",
        capacity: 250,
        share: 15,
        phone_prefix: "+52 55",
        ports: &[
            ("SYS", 1),
            ("CXL", 1),
            ("NOG", 1),
            ("ELP", 1),
            ("EGP", 1),
            ("LRD", 1),
            ("HID", 1),
            ("BRO", 1),
        ],
    },
];

const DESTINATIONS: &[&str] = &[
    "Houston, TX",
    "Chicago, IL",
    "New York, NY",
    "Miami, FL",
    "Denver, CO",
    "Los Angeles, CA",
    "Atlanta, GA",
    "Boston, MA",
    "Dallas, TX",
    "Newark, NJ",
    "Orlando, FL",
    "Phoenix, AZ",
];

/// Notes as a coordinator writes them, in Spanish.
const NOTES: &[&str] = &[
    "Necesita su medicamento a diario.",
    "Perdió sus documentos; solo tiene copia del pasaporte.",
    "Prefiere que le llamen por la tarde.",
    "Espera que un familiar le mande la dirección en EE. UU.",
    "Pidió orientación legal.",
    "Alérgica a la penicilina.",
    "Viaja con su hermana; no separarlas.",
    "El teléfono es de un primo; preguntar por ella.",
    "Tiene cita en la clínica el jueves.",
    "Habla poco español; pedir apoyo de intérprete.",
];

/// Household sizes 1..=7 and how common each is.
const HOUSEHOLD_SIZE_WEIGHTS: [u32; 7] = [30, 20, 18, 14, 9, 6, 3];

/// Share of households that hold an appointment in the ±30-day window.
const APPOINTMENT_PERCENT: u64 = 45;

/// Share of those allocated in the last 23 hours (pending, deadline ahead).
const FRESH_PERCENT: u64 = 8;

fn utc_at(tz: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    // Demo slots avoid 01:00-03:00, where DST changes happen; fall back to
    // one hour later all the same rather than fail.
    from_local_in(tz, date.and_time(time))
        .or_else(|_| from_local_in(tz, date.and_time(time) + Duration::hours(1)))
        .unwrap_or_else(|_| date.and_time(time).and_utc())
}

/// Generates a roster of `people` people (at least 1) around `now`.
pub fn generate(people: usize, seed: u64, now: DateTime<Utc>) -> BulkData {
    let now = DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
    let mut rng = Rng(seed ^ 0xA1BE_46E0);
    let mut data = BulkData::default();

    for (i, s) in SHELTERS.iter().enumerate() {
        data.shelters.push(Shelter {
            id: i as i64 + 1,
            name: s.name.into(),
            city: s.city.into(),
            tz: s.tz.into(),
            capacity: s.capacity,
        });
    }

    let outages = demo_outages(now);
    let shelter_shares: Vec<u32> = SHELTERS.iter().map(|s| s.share).collect();
    let nationalities = names::nationalities();
    let nationality_shares: Vec<u32> = nationalities.iter().map(|n| n.share).collect();
    let today = now.date_naive();

    while data.people.len() < people {
        let household_id = data.households.len() as i64 + 1;
        let shelter_ix = rng.weighted(&shelter_shares);
        let shelter = &SHELTERS[shelter_ix];
        let nat = &nationalities[rng.weighted(&nationality_shares)];
        let size = (rng.weighted(&HOUSEHOLD_SIZE_WEIGHTS) + 1).min(people - data.people.len());

        let family = family_name(&mut rng, nat);
        let mut arrival = today - Duration::days(rng.range(0, 240));

        // The group's appointment, if it has one in the window.
        let slot = rng.chance(APPOINTMENT_PERCENT).then(|| {
            let port_weights: Vec<u32> = shelter.ports.iter().map(|p| p.1).collect();
            let code = shelter.ports[rng.weighted(&port_weights)].0;
            let port = port::by_code(code).expect("demo ports are in the table");
            let port_today = port.local_time(now).date_naive();
            let (allocated_at, appt_day) = if rng.chance(FRESH_PERCENT) {
                // Allocated within the last 23 hours: still pending, deadline ahead.
                let allocated_at = now - Duration::minutes(rng.range(10, 22 * 60 + 50));
                let day = port.local_time(allocated_at).date_naive();
                (allocated_at, day + Duration::days(rng.range(7, 21)))
            } else {
                // Allocation is announced around noon Eastern, one to three
                // weeks before the appointment, and never in the future.
                let appt_offset = rng.range(-30, 30);
                let mut offset = appt_offset - rng.range(7, 21);
                if offset >= 0 {
                    offset = -rng.range(1, 3);
                }
                let day = today + Duration::days(offset);
                let noon = utc_at(
                    chrono_tz::America::New_York,
                    day,
                    NaiveTime::MIN + Duration::hours(12),
                );
                let allocated_at = (noon + Duration::minutes(rng.range(0, 90))).min(now);
                (allocated_at, port_today + Duration::days(appt_offset))
            };
            let slot_time = NaiveTime::MIN + Duration::minutes(6 * 60 + 30 * rng.range(0, 19));
            let appointment_at = utc_at(port.tz, appt_day, slot_time);
            // People arrive at the shelter before they are allocated.
            arrival = arrival.min(allocated_at.date_naive() - Duration::days(rng.range(1, 45)));
            (code, allocated_at, appointment_at)
        });

        data.households.push(Household {
            id: household_id,
            shelter_id: shelter_ix as i64 + 1,
            label: family.split(' ').next().unwrap_or(&family).to_string(),
            us_destination: Some((*rng.pick(DESTINATIONS)).to_string()),
            version: 1,
        });

        let group_status = slot.map(|(code, allocated_at, appointment_at)| {
            group_outcome(&mut rng, code, allocated_at, appointment_at, now, &outages)
        });

        for member in 0..size {
            let person_id = data.people.len() as i64 + 1;
            let adult = member == 0 || (member == 1 && rng.chance(70));
            let sex = if rng.chance(52) {
                Sex::Female
            } else {
                Sex::Male
            };
            let given = given_names(
                &mut rng,
                match sex {
                    Sex::Female => nat.female(),
                    _ => nat.male(),
                },
            );
            let family_names = if member == 1 && adult {
                family_name(&mut rng, nat)
            } else {
                family.clone()
            };
            let age_days = if adult {
                rng.range(18 * 365, 62 * 365)
            } else {
                rng.range(30, 17 * 365)
            };
            let birth = arrival - Duration::days(age_days);
            let mut vulnerabilities = Vec::new();
            if !adult && size == 1 {
                vulnerabilities.push(Vulnerability::UnaccompaniedMinor);
            }
            if adult && sex == Sex::Female && rng.chance(6) {
                vulnerabilities.push(Vulnerability::Pregnant);
            }
            if rng.chance(4) {
                vulnerabilities.push(Vulnerability::Medical);
            }
            if rng.chance(2) {
                vulnerabilities.push(Vulnerability::Disability);
            }
            if age_days >= 60 * 365 {
                vulnerabilities.push(Vulnerability::Elderly);
            }

            let mut status = PersonStatus::Present;
            let mut departure = None;
            if let Some((ref appt, _)) = group_status {
                if appt.status == AppointmentStatus::Presented {
                    status = PersonStatus::Crossed;
                    departure = Some(appt.appointment_at.date_naive());
                }
            }
            if status == PersonStatus::Present {
                if rng.chance(3) {
                    status = PersonStatus::Departed;
                    departure =
                        Some(today - Duration::days(rng.range(0, (today - arrival).num_days())));
                } else if rng.chance(2) {
                    status = PersonStatus::Transferred;
                    departure =
                        Some(today - Duration::days(rng.range(0, (today - arrival).num_days())));
                }
            }

            data.people.push(Person {
                id: person_id,
                details: PersonDetails {
                    household_id,
                    given_names: given,
                    family_names,
                    birth_date: (!rng.chance(3)).then_some(birth),
                    sex,
                    nationality: nat.code.clone(),
                    languages: rng.pick(&nat.languages).clone(),
                    phone: (member == 0 || (adult && rng.chance(40))).then(|| {
                        format!(
                            "{} {:03} {:04}",
                            shelter.phone_prefix,
                            rng.range(100, 999),
                            rng.range(0, 9999)
                        )
                    }),
                    arrival_date: arrival,
                    departure_date: departure,
                    status,
                    vulnerabilities,
                    notes: if rng.chance(5) {
                        (*rng.pick(NOTES)).to_string()
                    } else {
                        String::new()
                    },
                },
                created_at: now,
                updated_at: now,
                updated_by: String::new(),
                version: 1,
            });

            if let Some((ref appt, confirmed_at)) = group_status {
                let id = data.appointments.len() as i64 + 1;
                let mut a = appt.clone();
                a.id = id;
                a.household_id = household_id;
                a.person_id = Some(person_id);
                // Whoever left has no live appointment (as when a departure
                // is recorded in the dashboard).
                if let Some(to) = a.status.settled_by_departure(status) {
                    a.status = to;
                }
                if let Some(at) = confirmed_at {
                    let letters = [
                        b'A' + (rng.next() % 26) as u8,
                        b'A' + (rng.next() % 26) as u8,
                    ];
                    a.confirmation_number =
                        Some(format!("{}{:08}", String::from_utf8_lossy(&letters), id));
                    a.confirmed_at = Some(at);
                    a.confirmed_by = Some("demo".into());
                }
                data.appointments.push(a);
            }
        }
    }

    data.outages = outages
        .into_iter()
        .map(|o| {
            let extension = o.extension_until;
            (
                NewOutage {
                    service: crate::domain::outage::CBP_ONE_SERVICE.into(),
                    affected_step: o.affected_step,
                    ports: o.ports,
                    started_at: o.started_at,
                    ended_at: o.ended_at,
                    source: o.source,
                    note: o.note,
                },
                extension,
            )
        })
        .collect();
    beds::lay(&mut data, now);
    data
}

/// One name from a pool in two parts, each name as likely as any other.
fn pick_name(rng: &mut Rng, pool: Pool) -> &'static str {
    let i = (rng.next() % (pool[0].len() + pool[1].len()) as u64) as usize;
    pool[0]
        .get(i)
        .unwrap_or_else(|| &pool[1][i - pool[0].len()])
        .as_str()
}

/// Two given names, as most people have (nine in ten), never the same twice.
fn given_names(rng: &mut Rng, pool: Pool) -> String {
    let first = pick_name(rng, pool);
    if !rng.chance(90) {
        return first.to_string();
    }
    let mut second = pick_name(rng, pool);
    while second == first {
        second = pick_name(rng, pool);
    }
    format!("{first} {second}")
}

fn family_name(rng: &mut Rng, nat: &'static Nationality) -> String {
    let first = pick_name(rng, nat.families());
    if nat.two_surnames {
        let mut second = pick_name(rng, nat.families());
        if second == first {
            // "García García" happens, but rarely.
            second = pick_name(rng, nat.families());
        }
        format!("{first} {second}")
    } else {
        first.to_string()
    }
}

/// The two demo outages: one of the confirm step going on since three hours
/// ago, and one of twelve days ago that CBP answered with two more days.
fn demo_outages(now: DateTime<Utc>) -> Vec<Outage> {
    let past_start = now - Duration::days(12) - Duration::hours(3);
    vec![
        Outage {
            id: 1,
            service: "cbp_one".into(),
            affected_step: Step::Confirm,
            ports: Ports::All,
            started_at: now - Duration::hours(3),
            ended_at: None,
            source: "Reportes de los coordinadores".into(),
            note: "La app dice que el sistema no funciona correctamente al confirmar.".into(),
            extension_until: None,
            version: 1,
        },
        Outage {
            id: 2,
            service: "cbp_one".into(),
            affected_step: Step::Confirm,
            ports: Ports::All,
            started_at: past_start,
            ended_at: Some(past_start + Duration::hours(20)),
            source: "Mensaje de texto de CBP".into(),
            note: "CBP: se dará más tiempo para confirmar.".into(),
            extension_until: Some(past_start + Duration::hours(20) + Duration::days(2)),
            version: 1,
        },
    ]
}

/// Decides what became of a group's appointment by `now`, and when its
/// members confirmed (if they did).
fn group_outcome(
    rng: &mut Rng,
    port_code: &str,
    allocated_at: DateTime<Utc>,
    appointment_at: DateTime<Utc>,
    now: DateTime<Utc>,
    outages: &[Outage],
) -> (Appointment, Option<DateTime<Utc>>) {
    let mut a = Appointment::pending(0, None, port_code, appointment_at, allocated_at);
    // Appointments caught by an outage that has an extension got it.
    for o in outages {
        if let Some(ext) = o.extension_until {
            if o.ended_at.is_some_and(|end| end <= now) && is_at_risk(&a, std::slice::from_ref(o)) {
                a.extended_until = Some(ext);
            }
        }
    }
    let deadline = a.effective_deadline();
    let confirm_by = deadline.min(now);
    let window = (confirm_by - allocated_at).num_minutes().max(1);
    let confirmed_at = allocated_at + Duration::minutes(rng.range(1, window));
    if deadline > now {
        // Still inside the window: some have confirmed already.
        if rng.chance(30) && confirmed_at <= now {
            a.status = AppointmentStatus::Confirmed;
            return (a, Some(confirmed_at));
        }
        return (a, None);
    }
    if !rng.chance(88) {
        a.status = AppointmentStatus::Missed;
        return (a, None);
    }
    a.status = if appointment_at > now {
        AppointmentStatus::Confirmed
    } else if rng.chance(92) {
        AppointmentStatus::Presented
    } else {
        AppointmentStatus::Missed
    };
    (a, Some(confirmed_at))
}
