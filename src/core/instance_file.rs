//! Instance files (SPEC section 3): the JSON dense characteristic function, and the ODP-IP text
//! format (one value per line, line `x` holding bitmask `x − 1`) so instances move between tools.
//!
//! Reading works on text, never on paths: the CLI reads files, the browser reads uploads. Errors
//! name the key (or line) and what was wrong; callers add the file name.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::distribution::Distribution;
use super::error::{Error, Result};
use super::values::{Instance, Source, MAX_TABLE_AGENTS};

fn bad<T>(key: impl Into<String>, problem: impl Into<String>) -> Result<T> {
    Err(Error::BadFile {
        key: key.into(),
        problem: problem.into(),
    })
}

/// Reads an instance from JSON, or from ODP-IP text when the content is not a JSON object.
pub fn parse_instance(text: &str) -> Result<Instance> {
    if text.trim().is_empty() {
        return bad(
            "content",
            "the file is empty; an instance file holds a JSON instance or ODP-IP text (one value \
             per line)",
        );
    }
    // JSON of another shape (an array, say) is told as JSON, not as unreadable ODP-IP lines.
    if text.trim_start().starts_with(['{', '[']) {
        parse_json(text)
    } else {
        parse_odpip(text)
    }
}

/// Reads the JSON instance format: `{"n": 4, "values": [...], ...}`; unknown keys are ignored.
pub fn parse_json(text: &str) -> Result<Instance> {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return bad("json", format!("not valid JSON: {e}")),
    };
    let Value::Object(obj) = value else {
        return bad(
            "json",
            "expected an object with keys “n” and “values”, such as {\"n\": 2, \"values\": [0, 1, 2, 4]}",
        );
    };
    let n = match obj.get("n") {
        None => return bad("n", "missing; the number of agents is required"),
        Some(v) => match v.as_u64() {
            Some(n) if (1..=MAX_TABLE_AGENTS as u64).contains(&n) => n as usize,
            _ => {
                return bad(
                    "n",
                    format!("{v} is not a whole number from 1 to {MAX_TABLE_AGENTS}"),
                )
            }
        },
    };
    let Some(values) = obj.get("values") else {
        return bad("values", "missing; expected 2^n coalition values");
    };
    let Some(values) = values.as_array() else {
        return bad("values", "expected an array of numbers");
    };
    if values.len() != 1 << n {
        return bad(
            "values",
            format!(
                "expected 2^{n} = {} numbers for n = {n}, found {}",
                1u64 << n,
                values.len()
            ),
        );
    }
    let mut table = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        match v.as_f64() {
            Some(x) => table.push(x),
            None => return bad(format!("values[{i}]"), format!("{v} is not a number")),
        }
    }
    check_provenance(&obj)?;
    Instance::from_table(table)
}

/// Checks the optional provenance keys' types, so a typo in them is not silently dropped.
fn check_provenance(obj: &Map<String, Value>) -> Result<()> {
    if let Some(d) = obj.get("distribution") {
        if !d.is_string() {
            return bad("distribution", "expected a distribution name");
        }
    }
    if let Some(s) = obj.get("seed") {
        if s.as_u64().is_none() {
            return bad("seed", format!("{s} is not a whole number >= 0"));
        }
    }
    if let Some(p) = obj.get("params") {
        let Some(p) = p.as_object() else {
            return bad("params", "expected an object of name: number");
        };
        if let Some((k, _)) = p.iter().find(|(_, v)| !v.is_number()) {
            return bad(format!("params.{k}"), "not a number");
        }
    }
    Ok(())
}

/// Reads the ODP-IP text format: `2^n` lines, line `x` holding the value of bitmask `x − 1`.
pub fn parse_odpip(text: &str) -> Result<Instance> {
    let mut values = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match line.parse::<f64>() {
            Ok(x) => values.push(x),
            Err(_) => {
                // A binary file (an image, say) shows as unreadable characters: say so instead.
                let binary = line
                    .chars()
                    .any(|c| c == char::REPLACEMENT_CHARACTER || (c.is_control() && c != '\t'));
                let problem = if binary {
                    "not text: the file is neither a JSON instance nor ODP-IP text".to_string()
                } else {
                    let shown: String = line.chars().take(40).collect();
                    format!("“{shown}” is not a number (the file is neither a JSON instance nor ODP-IP text)")
                };
                return bad(format!("line {}", i + 1), problem);
            }
        }
    }
    Instance::from_table(values).map_err(|e| match e {
        Error::BadFile { problem, .. } => Error::BadFile {
            key: "ODP-IP lines".into(),
            problem,
        },
        other => other,
    })
}

/// Writes the JSON instance format, with provenance when the instance was generated.
pub fn to_json(instance: &Instance) -> Result<String> {
    let values = instance.tabulate()?;
    let mut obj = Map::new();
    obj.insert("n".into(), Value::from(values.len().trailing_zeros()));
    obj.insert("values".into(), Value::from(values));
    match instance.source() {
        Source::Lazy {
            distribution, seed, ..
        } => {
            obj.insert("distribution".into(), Value::from(distribution.name()));
            obj.insert("seed".into(), Value::from(*seed));
            obj.insert("params".into(), params_json(distribution));
        }
        Source::Table(_) => {
            obj.insert("distribution".into(), Value::from("table"));
        }
    }
    Ok(Value::Object(obj).to_string())
}

fn params_json(d: &Distribution) -> Value {
    Value::Object(
        d.params()
            .into_iter()
            .map(|(k, v)| (k.to_string(), Value::from(v)))
            .collect(),
    )
}

/// Writes the ODP-IP text format. Values print in Rust's shortest round-trip form, so reading
/// the file back gives the same numbers bit for bit.
pub fn to_odpip(instance: &Instance) -> Result<String> {
    let values = instance.tabulate()?;
    let mut out = String::with_capacity(values.len() * 20);
    for v in values {
        let _ = writeln!(out, "{v:?}");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::values::CharacteristicFunction;

    fn sample() -> Instance {
        Instance::generate(
            Distribution::from_name("modified_normal").expect("known"),
            5,
            3,
        )
        .expect("valid")
    }

    #[test]
    fn both_formats_round_trip_bit_for_bit() {
        let inst = sample();
        let table = inst.tabulate().expect("small");
        for text in [
            to_json(&inst).expect("small"),
            to_odpip(&inst).expect("small"),
        ] {
            let back = parse_instance(&text).expect("own output parses");
            assert_eq!(back.agents(), 5);
            assert_eq!(back.tabulate().expect("small"), table);
        }
    }

    #[test]
    fn json_errors_name_the_key() {
        let check = |text: &str, expected: &str| {
            let err = parse_instance(text).expect_err("bad instance").to_string();
            assert!(
                err.contains(expected),
                "{text} gave `{err}`, wanted `{expected}`"
            );
        };
        check("{", "json: not valid JSON");
        check(r#"{"values": [0, 1]}"#, "n: missing");
        check(r#"{"n": 0, "values": [0]}"#, "n: 0 is not a whole number");
        check(r#"{"n": 21, "values": []}"#, "n: 21 is not");
        check(r#"{"n": 1.5, "values": [0, 1]}"#, "n: 1.5");
        check(r#"{"n": 2}"#, "values: missing");
        check(
            r#"{"n": 2, "values": [0, 1, 2]}"#,
            "values: expected 2^2 = 4 numbers for n = 2, found 3",
        );
        check(
            r#"{"n": 1, "values": [0, "x"]}"#,
            "values[1]: \"x\" is not a number",
        );
        check(
            r#"{"n": 1, "values": [0, null]}"#,
            "values[1]: null is not a number",
        );
        check(
            r#"{"n": 1, "values": [3, 1]}"#,
            "values: entry 0 (the empty coalition) must be 0",
        );
        check(r#"{"n": 1, "values": [0, 1], "seed": -1}"#, "seed: -1");
        check(r#"{"n": 1, "values": [0, 1e999]}"#, "not valid JSON");
        // JSON that is not an object is told as JSON of the wrong shape.
        check(
            "[1, 2]",
            "json: expected an object with keys “n” and “values”",
        );
    }

    #[test]
    fn odpip_errors_name_the_line() {
        let err = parse_instance("0\n1\nabc\n3\n")
            .expect_err("bad line")
            .to_string();
        assert!(err.starts_with("line 3:"), "{err}");
        let err = parse_instance("0\n1\n2\n")
            .expect_err("bad length")
            .to_string();
        assert!(err.contains("ODP-IP lines: expected 2^n numbers"), "{err}");
        let err = parse_instance("0\ninf\n")
            .expect_err("non-finite")
            .to_string();
        assert!(err.contains("must be finite"), "{err}");
        let err = parse_instance(" \n\n").expect_err("empty").to_string();
        assert!(err.starts_with("content: the file is empty"), "{err}");
    }

    #[test]
    fn unknown_keys_are_ignored() {
        let inst =
            parse_instance(r#"{"n": 1, "values": [0, 2.5], "comment": "mine"}"#).expect("valid");
        assert_eq!(inst.tabulate().expect("small"), vec![0.0, 2.5]);
    }
}
