//! Rows in PostgreSQL's `COPY` text format, written from SQLite's values:
//! what the port sends, and what a verification compares with what
//! PostgreSQL gives back (`COPY … TO STDOUT` writes the same bytes for the
//! same values).

use anyhow::{bail, Result};
use rusqlite::types::ValueRef;

/// Appends one value; `table.column` names it in an error.
pub fn value(out: &mut Vec<u8>, v: ValueRef<'_>, table: &str, column: &str) -> Result<()> {
    match v {
        ValueRef::Null => out.extend_from_slice(b"\\N"),
        ValueRef::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        ValueRef::Real(f) => {
            bail!("{table}.{column}: a real number ({f}) where albergue keeps none")
        }
        ValueRef::Text(t) => {
            if std::str::from_utf8(t).is_err() || t.contains(&0) {
                bail!("{table}.{column}: text that is not UTF-8 (PostgreSQL keeps only UTF-8)");
            }
            text(out, t);
        }
        ValueRef::Blob(b) => {
            // bytea in hex, its backslash escaped as every backslash is.
            out.extend_from_slice(b"\\\\x");
            for byte in b {
                out.extend_from_slice(format!("{byte:02x}").as_bytes());
            }
        }
    }
    Ok(())
}

/// Text with COPY's escapes (those PostgreSQL itself writes).
fn text(out: &mut Vec<u8>, t: &[u8]) {
    for &b in t {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0b => out.extend_from_slice(b"\\v"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => out.push(b),
        }
    }
}

/// Appends a row read from SQLite: its columns from `first` on.
pub fn row(
    out: &mut Vec<u8>,
    r: &rusqlite::Row<'_>,
    first: usize,
    table: &str,
    columns: &[String],
) -> Result<()> {
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        value(out, r.get_ref(first + i)?, table, column)?;
    }
    out.push(b'\n');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(v: ValueRef<'_>) -> String {
        let mut out = Vec::new();
        value(&mut out, v, "t", "c").unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn values_are_written_as_copy_writes_them() {
        assert_eq!(one(ValueRef::Null), "\\N");
        assert_eq!(one(ValueRef::Integer(-42)), "-42");
        assert_eq!(one(ValueRef::Text(b"a\tb\nc\\d")), "a\\tb\\nc\\\\d");
        assert_eq!(one(ValueRef::Text("Peña".as_bytes())), "Peña");
        assert_eq!(one(ValueRef::Blob(&[0, 0xab])), "\\\\x00ab");
        let mut out = Vec::new();
        let err = value(&mut out, ValueRef::Real(1.5), "person", "notes").unwrap_err();
        assert!(err.to_string().starts_with("person.notes:"), "{err}");
    }
}
