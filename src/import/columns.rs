//! How spreadsheets name and write things: headers in Spanish or English,
//! encodings, separators, sexes and ports as people type them.

use crate::domain::names::fold;
use crate::domain::{port, Sex};

/// The fields albergue reads from a spreadsheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum FieldName {
    Given,
    Family,
    FullName,
    Birth,
    Sex,
    Nationality,
    Languages,
    Phone,
    Arrival,
    Group,
    Destination,
    Port,
    AppointmentDate,
    AppointmentTime,
    Confirmation,
    Notes,
}

/// Headers, folded with spaces and punctuation removed, in Spanish and English.
const HEADERS: &[(FieldName, &[&str])] = &[
    (
        FieldName::Given,
        &[
            "nombres",
            "nombre",
            "givennames",
            "givenname",
            "firstname",
            "firstnames",
            "names",
        ],
    ),
    (
        FieldName::Family,
        &[
            "apellidos",
            "apellido",
            "familynames",
            "familyname",
            "lastname",
            "lastnames",
            "surname",
            "surnames",
        ],
    ),
    (FieldName::FullName, &["nombrecompleto", "fullname", "name"]),
    (
        FieldName::Birth,
        &[
            "fechadenacimiento",
            "fechanacimiento",
            "nacimiento",
            "birthdate",
            "dateofbirth",
            "dob",
        ],
    ),
    (FieldName::Sex, &["sexo", "sex", "genero", "gender"]),
    (
        FieldName::Nationality,
        &["nacionalidad", "nationality", "pais", "country"],
    ),
    (
        FieldName::Languages,
        &["idiomas", "idioma", "languages", "language"],
    ),
    (
        FieldName::Phone,
        &[
            "telefono",
            "tel",
            "celular",
            "phone",
            "phonenumber",
            "mobile",
        ],
    ),
    (
        FieldName::Arrival,
        &[
            "fechadellegada",
            "fechallegada",
            "llegada",
            "arrivaldate",
            "arrival",
            "arrived",
        ],
    ),
    (
        FieldName::Group,
        &[
            "grupo",
            "familia",
            "grupofamiliar",
            "household",
            "group",
            "family",
        ],
    ),
    (
        FieldName::Destination,
        &["destino", "destinoeeuu", "destination", "usdestination"],
    ),
    (
        FieldName::Port,
        &[
            "puerto",
            "puertodeentrada",
            "port",
            "portofentry",
            "portcode",
        ],
    ),
    (
        FieldName::AppointmentDate,
        &[
            "fechadecita",
            "fechacita",
            "cita",
            "appointmentdate",
            "appointment",
            "appointmentat",
        ],
    ),
    (
        FieldName::AppointmentTime,
        &["horadecita", "horacita", "hora", "appointmenttime", "time"],
    ),
    (
        FieldName::Confirmation,
        &[
            "numerodeconfirmacion",
            "numeroconfirmacion",
            "confirmacion",
            "confirmationnumber",
            "confirmation",
        ],
    ),
    (
        FieldName::Notes,
        &["notas", "notes", "observaciones", "comments"],
    ),
];

fn header_key(h: &str) -> String {
    fold(h).chars().filter(|c| c.is_alphanumeric()).collect()
}

pub(super) fn field_of(header: &str) -> Option<FieldName> {
    let key = header_key(header);
    HEADERS
        .iter()
        .find(|(_, names)| names.contains(&key.as_str()))
        .map(|(f, _)| *f)
}

/// Reads a spreadsheet's bytes as text: UTF-8 (with or without BOM), else
/// Windows-1252 (what Excel in Spanish saves).
pub(super) fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// The separator of the header line: `;` (Excel in Spanish), tab or `,`.
pub(super) fn detect_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let count = |c: char| first.chars().filter(|&x| x == c).count();
    [(b';', count(';')), (b'\t', count('\t')), (b',', count(','))]
        .into_iter()
        .max_by_key(|&(_, n)| n)
        .filter(|&(_, n)| n > 0)
        .map_or(b',', |(d, _)| d)
}

pub(super) fn parse_sex(text: &str) -> Option<Sex> {
    match fold(text).as_str() {
        "" => Some(Sex::Unknown),
        "f" | "mujer" | "femenino" | "female" | "woman" => Some(Sex::Female),
        "m" | "h" | "hombre" | "masculino" | "male" | "man" => Some(Sex::Male),
        "x" | "otro" | "otra" | "other" | "no binario" | "nonbinary" => Some(Sex::Other),
        "unknown" | "desconocido" | "nd" => Some(Sex::Unknown),
        _ => None,
    }
}

pub(super) fn parse_port(text: &str) -> Option<&'static port::Port> {
    let t = text.trim();
    port::by_code(&t.to_ascii_uppercase()).or_else(|| {
        let f = fold(t);
        port::all()
            .iter()
            .find(|p| fold(&p.name) == f || fold(&p.name).starts_with(&f) && f.len() >= 4)
    })
}
