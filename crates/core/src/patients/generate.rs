//! The deterministic patient generator (`clinicdesk generate patients`, the benchmarks and
//! the demo clinic). Names follow a realistic skew — a few dozen given and family names
//! cover a large share of patients, as in real registries — with accented and non-Latin
//! names mixed in, because a search that is fast over unique names can be slow over ten
//! thousand "Maria Garcia"s. The same seed gives the same patients.

use super::record::{insert_patient, Clean, Sex};
use crate::audit::{AuditActor, AuditEntry, AuditOutcome};
use crate::error::AppResult;
use crate::store::Store;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

struct Culture {
    weight: u32,
    female: &'static [&'static str],
    male: &'static [&'static str],
    family: &'static [&'static str],
    country_code: &'static str,
}

const CULTURES: &[Culture] = &[
    Culture {
        weight: 30,
        female: &[
            "Maria",
            "Giulia",
            "Francesca",
            "Anna",
            "Sara",
            "Laura",
            "Chiara",
            "Valentina",
            "Alessia",
            "Martina",
            "Elena",
            "Giorgia",
            "Federica",
            "Silvia",
            "Paola",
            "Roberta",
            "Ilaria",
            "Beatrice",
            "Noemi",
            "Arianna",
            "Letizia",
            "Ludovica",
        ],
        male: &[
            "Giuseppe",
            "Marco",
            "Luca",
            "Andrea",
            "Francesco",
            "Alessandro",
            "Matteo",
            "Lorenzo",
            "Davide",
            "Stefano",
            "Paolo",
            "Giovanni",
            "Antonio",
            "Roberto",
            "Simone",
            "Nicolò",
            "Tommaso",
            "Riccardo",
            "Emanuele",
            "Fabrizio",
            "Gianluca",
        ],
        family: &[
            "Rossi",
            "Russo",
            "Ferrari",
            "Esposito",
            "Bianchi",
            "Romano",
            "Colombo",
            "Ricci",
            "Marino",
            "Greco",
            "Bruno",
            "Gallo",
            "Conti",
            "De Luca",
            "Mancini",
            "Costa",
            "Giordano",
            "Rizzo",
            "Lombardi",
            "Moretti",
            "Barbieri",
            "Fontana",
            "Santoro",
            "Mariani",
            "Rinaldi",
            "Caruso",
            "Ferrara",
            "Galli",
            "Martini",
            "Leone",
            "Longo",
            "Gentile",
            "Martinelli",
            "Vitale",
            "Lombardo",
            "Serra",
            "Coppola",
            "De Santis",
            "D'Angelo",
            "Marchetti",
        ],
        country_code: "39",
    },
    Culture {
        weight: 22,
        female: &[
            "María", "Carmen", "Lucía", "Ana", "Isabel", "Laura", "Sofía", "Marta", "Paula",
            "Elena", "Cristina", "Rocío", "Pilar", "Nuria", "Inés", "Begoña", "Ainhoa", "Mercedes",
        ],
        male: &[
            "José",
            "Antonio",
            "Manuel",
            "Francisco",
            "David",
            "Juan",
            "Javier",
            "Daniel",
            "Carlos",
            "Jesús",
            "Alejandro",
            "Miguel",
            "Rafael",
            "Pablo",
            "Sergio",
            "Ángel",
            "Álvaro",
            "Iñaki",
        ],
        family: &[
            "García",
            "Rodríguez",
            "González",
            "Fernández",
            "López",
            "Martínez",
            "Sánchez",
            "Pérez",
            "Gómez",
            "Martín",
            "Jiménez",
            "Ruiz",
            "Hernández",
            "Díaz",
            "Moreno",
            "Muñoz",
            "Álvarez",
            "Romero",
            "Alonso",
            "Gutiérrez",
            "Navarro",
            "Torres",
            "Domínguez",
            "Vázquez",
            "Ramos",
            "Gil",
            "Ramírez",
            "Serrano",
            "Blanco",
            "Molina",
            "Castillo",
            "Ortega",
            "Rubio",
            "Núñez",
            "Iglesias",
        ],
        country_code: "34",
    },
    Culture {
        weight: 14,
        female: &[
            "Emma",
            "Olivia",
            "Sophie",
            "Charlotte",
            "Amelia",
            "Emily",
            "Jessica",
            "Hannah",
            "Grace",
            "Lucy",
            "Chloe",
            "Megan",
            "Rebecca",
            "Siobhan",
        ],
        male: &[
            "James", "John", "William", "Thomas", "Oliver", "Jack", "Harry", "George", "Daniel",
            "Michael", "David", "Samuel", "Joseph", "Liam", "Seán",
        ],
        family: &[
            "Smith",
            "Jones",
            "Williams",
            "Taylor",
            "Brown",
            "Davies",
            "Evans",
            "Wilson",
            "Thomas",
            "Johnson",
            "Roberts",
            "Walker",
            "Wright",
            "Robinson",
            "Thompson",
            "White",
            "Hughes",
            "Edwards",
            "Green",
            "O'Brien",
            "Murphy",
            "Kelly",
            "MacDonald",
        ],
        country_code: "44",
    },
    Culture {
        weight: 10,
        female: &[
            "Anna",
            "Lena",
            "Julia",
            "Hannah",
            "Lea",
            "Sophie",
            "Jana",
            "Katharina",
            "Greta",
            "Frieda",
            "Maja",
            "Ingrid",
            "Åsa",
            "Solveig",
            "Birgit",
        ],
        male: &[
            "Lukas",
            "Jonas",
            "Maximilian",
            "Felix",
            "Paul",
            "Stefan",
            "Michael",
            "Andreas",
            "Björn",
            "Jörg",
            "Søren",
            "Anders",
            "Lars",
            "Ole",
            "Håkon",
        ],
        family: &[
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Meyer",
            "Wagner",
            "Becker",
            "Schulz",
            "Hoffmann",
            "Schäfer",
            "Koch",
            "Bauer",
            "Köhler",
            "Groß",
            "Nielsen",
            "Jensen",
            "Hansen",
            "Pedersen",
            "Andersson",
            "Johansson",
            "Ødegaard",
            "Øberg",
            "Lindström",
            "Åberg",
        ],
        country_code: "49",
    },
    Culture {
        weight: 8,
        female: &[
            "Camille",
            "Léa",
            "Chloé",
            "Manon",
            "Inès",
            "Zoé",
            "Élodie",
            "Françoise",
            "Amélie",
            "Hélène",
            "Agnès",
            "Noémie",
        ],
        male: &[
            "Jean",
            "Pierre",
            "Louis",
            "Lucas",
            "Hugo",
            "Théo",
            "Mathéo",
            "François",
            "Jérôme",
            "René",
            "Benoît",
            "Loïc",
        ],
        family: &[
            "Martin",
            "Bernard",
            "Dubois",
            "Thomas",
            "Robert",
            "Richard",
            "Petit",
            "Durand",
            "Leroy",
            "Moreau",
            "Lefèvre",
            "Girard",
            "Bonnet",
            "Dupont",
            "Lambert",
            "Fontaine",
            "Rousseau",
            "Faure",
            "Mercier",
            "Chevalier",
            "Gauthier",
            "Garnier",
        ],
        country_code: "33",
    },
    Culture {
        weight: 5,
        female: &[
            "Anna",
            "Olga",
            "Tatiana",
            "Natalia",
            "Elena",
            "Irina",
            "Svetlana",
            "Ekaterina",
            "Агата",
            "Ольга",
            "Наталья",
            "Мария",
            "Zofia",
            "Małgorzata",
            "Agnieszka",
        ],
        male: &[
            "Ivan",
            "Sergei",
            "Dmitri",
            "Alexei",
            "Andrei",
            "Nikolai",
            "Иван",
            "Сергей",
            "Дмитрий",
            "Piotr",
            "Krzysztof",
            "Paweł",
            "Łukasz",
            "Tomasz",
        ],
        family: &[
            "Ivanov",
            "Smirnov",
            "Kuznetsov",
            "Popov",
            "Иванов",
            "Смирнова",
            "Кузнецов",
            "Попова",
            "Петров",
            "Nowak",
            "Kowalski",
            "Wiśniewski",
            "Wójcik",
            "Kamiński",
            "Lewandowski",
            "Zieliński",
            "Szymański",
            "Dąbrowski",
        ],
        country_code: "48",
    },
    Culture {
        weight: 4,
        female: &[
            "伟",
            "芳",
            "娜",
            "敏",
            "静",
            "丽",
            "Mei",
            "Xiu Ying",
            "Li Na",
            "Yuki",
            "Sakura",
            "さくら",
            "花子",
            "Hana",
        ],
        male: &[
            "强", "磊", "军", "洋", "勇", "杰", "Wei", "Jun", "Hao", "Haruto", "Ren", "太郎", "健",
            "Kenji",
        ],
        family: &[
            "王",
            "李",
            "张",
            "刘",
            "陈",
            "杨",
            "黄",
            "赵",
            "Wang",
            "Li",
            "Zhang",
            "Chen",
            "Liu",
            "Sato",
            "Suzuki",
            "Takahashi",
            "佐藤",
            "鈴木",
            "高橋",
            "Tanaka",
            "Nguyen",
            "Tran",
        ],
        country_code: "86",
    },
    Culture {
        weight: 4,
        female: &[
            "Fatima",
            "Aisha",
            "Maryam",
            "Zainab",
            "Layla",
            "Nour",
            "فاطمة",
            "مريم",
            "Yasmin",
            "Amira",
            "Ελένη",
            "Μαρία",
            "Αικατερίνη",
            "Chiamaka",
            "Ngozi",
            "Adaeze",
        ],
        male: &[
            "Mohammed",
            "Ahmed",
            "Ali",
            "Omar",
            "Youssef",
            "Hassan",
            "محمد",
            "أحمد",
            "Karim",
            "Γιώργος",
            "Δημήτρης",
            "Κωνσταντίνος",
            "Chinedu",
            "Emeka",
            "Oluwaseun",
        ],
        family: &[
            "Al-Sayed",
            "Haddad",
            "Khalil",
            "Hussein",
            "Ibrahim",
            "Mansour",
            "حداد",
            "خليل",
            "Παπαδόπουλος",
            "Παππάς",
            "Οικονόμου",
            "Papadopoulos",
            "Okafor",
            "Okonkwo",
            "Adeyemi",
            "Eze",
        ],
        country_code: "20",
    },
];

/// Zipf-like weights: the first names of each list are much more common than the last.
fn zipf(n: usize) -> Vec<f64> {
    (0..n).map(|i| 1.0 / (i as f64 + 1.0).powf(1.1)).collect()
}

struct Pickers {
    cultures: WeightedIndex<u32>,
    female: Vec<WeightedIndex<f64>>,
    male: Vec<WeightedIndex<f64>>,
    family: Vec<WeightedIndex<f64>>,
}

fn pickers() -> Pickers {
    let w = |n: usize| WeightedIndex::new(zipf(n)).unwrap_or_else(|_| unreachable!("non-empty"));
    Pickers {
        cultures: WeightedIndex::new(CULTURES.iter().map(|c| c.weight))
            .unwrap_or_else(|_| unreachable!("non-empty")),
        female: CULTURES.iter().map(|c| w(c.female.len())).collect(),
        male: CULTURES.iter().map(|c| w(c.male.len())).collect(),
        family: CULTURES.iter().map(|c| w(c.family.len())).collect(),
    }
}

const STREETS: &[&str] = &[
    "Via Roma",
    "Calle Mayor",
    "High Street",
    "Hauptstraße",
    "Rue de la Paix",
    "ul. Długa",
    "Corso Italia",
    "Gran Vía",
    "Station Road",
    "Bahnhofstraße",
];
const CITIES: &[&str] = &[
    "Roma", "Milano", "Madrid", "Sevilla", "London", "Berlin", "Paris", "Kraków", "Torino",
    "Valencia",
];
const PAYERS: &[&str] = &[
    "National Health Fund",
    "Allianz Care",
    "AXA Health",
    "Generali Salute",
    "Sanitas",
    "Bupa",
];
const ALLERGENS: &[(&str, &str)] = &[
    ("Penicillin", "Rash"),
    ("Peanuts", "Anaphylaxis"),
    ("Latex", "Hives"),
    ("Aspirin", "Wheezing"),
    ("Sulfonamides", "Rash"),
    ("Shellfish", "Swelling"),
];

/// One generated patient (and whether they have an allergy, recorded separately).
pub struct GeneratedPatient {
    pub clean_given: String,
    pub clean_family: String,
    pub sex: Sex,
    pub date_of_birth: String,
    pub phone: String,
}

fn make(
    rng: &mut StdRng,
    p: &Pickers,
    today: NaiveDate,
) -> (Clean, Option<(&'static str, &'static str)>) {
    let ci = p.cultures.sample(rng);
    let culture = &CULTURES[ci];
    let sex = if rng.gen_bool(0.52) {
        Sex::Female
    } else {
        Sex::Male
    };
    let given = match sex {
        Sex::Female => culture.female[p.female[ci].sample(rng)],
        _ => culture.male[p.male[ci].sample(rng)],
    };
    let family = culture.family[p.family[ci].sample(rng)];
    // A second given name for one in six; a second family name for Spanish speakers.
    let other_names = if rng.gen_ratio(1, 6) {
        let list = if sex == Sex::Female {
            culture.female
        } else {
            culture.male
        };
        list[rng.gen_range(0..list.len())].to_string()
    } else {
        String::new()
    };
    let family = if culture.country_code == "34" && rng.gen_bool(0.7) {
        format!("{family} {}", culture.family[p.family[ci].sample(rng)])
    } else {
        family.to_string()
    };
    let age_days = rng.gen_range(0..(95 * 365));
    let dob = today - Duration::days(age_days);
    let phone = format!(
        "+{} {} {:03} {:04}",
        culture.country_code,
        rng.gen_range(300..400),
        rng.gen_range(0..1000),
        rng.gen_range(0..10000)
    );
    let insured = rng.gen_ratio(2, 5);
    let allergy = rng
        .gen_ratio(1, 10)
        .then(|| ALLERGENS[rng.gen_range(0..ALLERGENS.len())]);
    let clean = Clean {
        given_name: given.to_string(),
        family_name: family,
        other_names,
        sex,
        date_of_birth: Some(dob.format("%Y-%m-%d").to_string()),
        dob_estimated: false,
        phone,
        phone_alt: String::new(),
        email: String::new(),
        address: format!(
            "{} {}, {}",
            STREETS[rng.gen_range(0..STREETS.len())],
            rng.gen_range(1..200),
            CITIES[rng.gen_range(0..CITIES.len())]
        ),
        national_id: String::new(),
        emergency_contact_name: String::new(),
        emergency_contact_phone: String::new(),
        emergency_contact_relation: String::new(),
        insurance_payer: if insured {
            PAYERS[rng.gen_range(0..PAYERS.len())].to_string()
        } else {
            String::new()
        },
        insurance_member_number: if insured {
            format!("M{:08}", rng.gen_range(0..100_000_000))
        } else {
            String::new()
        },
        notes: String::new(),
        alerts: String::new(),
        photo_data_url: String::new(),
    };
    (clean, allergy)
}

/// Patients per write transaction while generating.
const BATCH: usize = 5_000;

/// Adds `count` generated patients to the store, `BATCH` per transaction, calling
/// `progress(done)` after each. Returns how many were added.
pub fn generate_patients(
    store: &Store,
    count: usize,
    seed: u64,
    now: DateTime<Utc>,
    actor: AuditActor,
    mut progress: impl FnMut(usize),
) -> AppResult<usize> {
    let mut rng = StdRng::seed_from_u64(seed);
    let p = pickers();
    let today = now.date_naive();
    let mut done = 0;
    while done < count {
        let n = BATCH.min(count - done);
        store.write(now, |w| {
            for _ in 0..n {
                let (clean, allergy) = make(&mut rng, &p, today);
                let (id, _) = insert_patient(w, &clean, None)?;
                if let Some((substance, reaction)) = allergy {
                    let aid = crate::clock::new_id();
                    w.conn().execute(
                        "INSERT INTO patient_allergies (id, patient_id, substance, reaction, severity,
                             status, recorded_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, 'moderate', 'active', ?5, ?5)",
                        rusqlite::params![aid, id, substance, reaction, w.now_text()],
                    )?;
                    w.record_change("patient_allergies", &aid, crate::store::ChangeOp::Insert)?;
                }
            }
            w.audit(AuditEntry {
                actor: actor.clone(),
                action: "generate_patients".into(),
                outcome: AuditOutcome::Ok,
                record_table: Some("patients".into()),
                record_id: None,
                detail: format!("generated {n} sample patients (seed {seed})"),
            })?;
            Ok(())
        })?;
        done += n;
        progress(done);
    }
    Ok(done)
}

/// The first `count` patients the generator makes for `seed`, without a store (to choose
/// benchmark queries that exist).
pub fn preview(count: usize, seed: u64, today: NaiveDate) -> Vec<GeneratedPatient> {
    let mut rng = StdRng::seed_from_u64(seed);
    let p = pickers();
    (0..count)
        .map(|_| {
            let (c, _) = make(&mut rng, &p, today);
            GeneratedPatient {
                clean_given: c.given_name,
                clean_family: c.family_name,
                sex: c.sex,
                date_of_birth: c.date_of_birth.unwrap_or_default(),
                phone: c.phone,
            }
        })
        .collect()
}
