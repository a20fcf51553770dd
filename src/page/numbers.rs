//! Number fields as people type them, and numbers as people read them.
//!
//! A field is read with Rust's float grammar (`2.5`, `1e3`, `-3`, `+0.5`, `.5`), so what a
//! person types is what the page reads: no field rewrites its text while it is typed. Whole-number
//! fields take any spelling of a whole number (`1e3` is 1000); seeds are read exactly up to
//! `u64::MAX`. Everything else is refused with a message that names the field and says what to
//! give. On screen, numbers have 4 significant digits ([`short`]); files and hover texts carry
//! the shortest text that reads back to the same `f64` ([`full`]).

/// A field's text as a finite number, or `None` (empty, not a number, infinite, NaN).
pub fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    // Rust also reads `inf` and `NaN`: not numbers a person means in a form.
    if t.is_empty()
        || t.chars()
            .any(|c| c.is_ascii_alphabetic() && !matches!(c, 'e' | 'E'))
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// A whole number typed into the field `label`, within `min..=max`.
pub fn whole(label: &str, text: &str, min: u64, max: u64) -> Result<u64, String> {
    let t = text.trim();
    let give = whole_range(min, max);
    let n = match t.strip_prefix('+').unwrap_or(t).parse::<u64>() {
        Ok(n) => n,
        Err(_) => {
            let x = parse_number(t).ok_or_else(|| {
                if t.is_empty() && max < u64::MAX {
                    format!("{label}: empty; give a whole number from {min} to {max}")
                } else if t.is_empty() {
                    format!("{label}: empty; {give}")
                } else {
                    format!("{label}: “{t}” is not a whole number; {give}")
                }
            })?;
            if x.fract() != 0.0 {
                return Err(format!("{label}: {t} is not a whole number; {give}"));
            }
            if x < 0.0 {
                return Err(format!("{label}: {t} is out of range; {give}"));
            }
            // Beyond 2^53 a float no longer names one whole number: ask for the digits.
            if x > 9_007_199_254_740_992.0 {
                return Err(if x <= max as f64 {
                    format!("{label}: {t} is too long to read exactly; type all its digits")
                } else if max == u64::MAX {
                    format!("{label}: {t} is too large; give a smaller whole number")
                } else {
                    format!("{label}: {t} is out of range; {give}")
                });
            }
            x as u64
        }
    };
    if !(min..=max).contains(&n) {
        // The text as typed: `1e-400` reads as 0, and "0 is out of range" would puzzle.
        return Err(format!("{label}: {t} is out of range; {give}"));
    }
    Ok(n)
}

/// What a whole-number field asks for: "give 1 to 20", or "give a whole number, 0 or more" when
/// only the type's own limit bounds it (a seed's 20-digit limit means nothing to a reader).
fn whole_range(min: u64, max: u64) -> String {
    if max == u64::MAX {
        format!("give a whole number, {min} or more")
    } else {
        format!("give {min} to {max}")
    }
}

/// A whole number within `min..=max` as a `usize` (counts and sizes).
pub fn count(label: &str, text: &str, min: usize, max: usize) -> Result<usize, String> {
    whole(label, text, min as u64, max as u64).map(|n| n as usize)
}

/// A number typed into the field `label`, within `[min, max]`.
pub fn decimal(label: &str, text: &str, min: f64, max: f64) -> Result<f64, String> {
    let t = text.trim();
    let x = parse_number(t).ok_or_else(|| {
        if t.is_empty() {
            format!(
                "{label}: empty; give a number from {} to {}",
                short(min),
                short(max)
            )
        } else {
            format!(
                "{label}: “{t}” is not a number; give {} to {} (e.g. 0.001 or 1e-3)",
                short(min),
                short(max)
            )
        }
    })?;
    if !(min..=max).contains(&x) {
        return Err(format!(
            "{label}: {t} is out of range; give {} to {}",
            short(min),
            short(max)
        ));
    }
    Ok(x)
}

/// `x` with 4 significant digits, as a person reads it: `185.7`, `0.001235`, `1.235e7`; from
/// 10⁴ up to 10⁶ every integer digit is kept (`12346`, `123457`) rather than switching to an
/// exponent, since values of structures of hundreds of agents live there.
pub fn short(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x == 0.0 {
        return "0".into();
    }
    let magnitude = x.abs().log10().floor() as i32;
    if !(-4..6).contains(&magnitude) {
        let text = format!("{x:.3e}");
        return match text.split_once('e') {
            Some((mantissa, exponent)) => {
                format!("{}e{exponent}", trim_zeros(mantissa.to_string()))
            }
            None => text,
        };
    }
    let decimals = (3 - magnitude).max(0) as usize;
    let text = format!("{x:.decimals$}");
    // Rounding can carry into a new digit (9999.7 → 10000): one digit fewer then.
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let text = if decimals > 0 && digits > 4 && !text.trim_start_matches('-').starts_with("0.") {
        format!("{x:.prec$}", prec = decimals - 1)
    } else {
        text
    };
    trim_zeros(text)
}

/// Drops the trailing zeros of a decimal fraction (`12.50` → `12.5`, `3.000` → `3`).
fn trim_zeros(text: String) -> String {
    if !text.contains('.') {
        return text;
    }
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `x` signed, with 4 significant digits (`+1.5`, `-0.25`): a reward or a gain.
pub fn signed(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", short(x))
    } else {
        short(x)
    }
}

/// `x` in full: the shortest text that reads back to the same `f64`, as files print it.
pub fn full(x: f64) -> String {
    serde_json::to_string(&x).unwrap_or_else(|_| x.to_string())
}

/// `part` as a percentage of `whole` with 4 significant digits (`97.31 %`), when it means one.
pub fn percent(part: f64, whole: f64) -> Option<String> {
    (whole.is_finite() && whole != 0.0 && part.is_finite())
        .then(|| format!("{} %", short(100.0 * part / whole)))
}

/// `n` and its noun, plural unless `n` is 1: "1 structure", "3 structures".
pub fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_short(x: f64, expected: &str) {
        assert_eq!(short(x), expected, "{x}");
    }

    #[test]
    fn counts_read_as_words() {
        assert_eq!(counted(1, "structure"), "1 structure");
        assert_eq!(counted(0, "structure"), "0 structures");
        assert_eq!(counted(10, "leader episode"), "10 leader episodes");
    }

    #[test]
    fn numbers_show_four_significant_digits() {
        check_short(185.73121677800503, "185.7");
        check_short(203.45085970997013, "203.5");
        check_short(-0.00123456, "-0.001235");
        check_short(12.5, "12.5");
        check_short(3.0, "3");
        check_short(9999.7, "10000");
        check_short(99.996, "100");
        check_short(0.5, "0.5");
        check_short(12_345_678.0, "1.235e7");
        check_short(0.0, "0");
        check_short(1e-7, "1e-7");
        assert_eq!(signed(1.5), "+1.5");
        assert_eq!(signed(-0.25), "-0.25");
        assert_eq!(full(185.73121677800503), "185.73121677800503");
        assert_eq!(percent(185.7, 203.45).as_deref(), Some("91.28 %"));
        assert_eq!(percent(1.0, 0.0), None);
    }

    #[test]
    fn fields_read_what_people_type() {
        assert_eq!(decimal("learning rate", "2.5", 0.0, 10.0), Ok(2.5));
        assert_eq!(decimal("learning rate", "1e-3", 0.0, 1.0), Ok(0.001));
        assert_eq!(decimal("x", " -3 ", -5.0, 5.0), Ok(-3.0));
        assert_eq!(decimal("x", "+.5", 0.0, 1.0), Ok(0.5));
        assert_eq!(whole("episodes", "1e3", 1, 5000), Ok(1000));
        assert_eq!(whole("episodes", "+20", 1, 5000), Ok(20));
        assert_eq!(
            whole("seed", "18446744073709551615", 0, u64::MAX),
            Ok(u64::MAX)
        );
        assert_eq!(count("agents", "12.0", 1, 20), Ok(12));
    }

    #[test]
    fn fields_refuse_the_rest_with_a_message() {
        let cases = [
            (
                decimal("learning rate", "-0.01", 1e-7, 1.0),
                "learning rate: -0.01 is out of range; give 1e-7 to 1",
            ),
            (
                decimal("learning rate", "fast", 1e-7, 1.0),
                "learning rate: “fast” is not a number; give 1e-7 to 1 (e.g. 0.001 or 1e-3)",
            ),
            (
                decimal("x", "inf", 0.0, 1.0),
                "x: “inf” is not a number; give 0 to 1 (e.g. 0.001 or 1e-3)",
            ),
            (
                decimal("x", "", 0.0, 1.0),
                "x: empty; give a number from 0 to 1",
            ),
        ];
        for (got, expected) in cases {
            assert_eq!(got, Err(expected.to_string()));
        }
        let cases = [
            (
                whole("episodes", "0", 1, 10),
                "episodes: 0 is out of range; give 1 to 10",
            ),
            (
                whole("episodes", "2.5", 1, 10),
                "episodes: 2.5 is not a whole number; give 1 to 10",
            ),
            (
                whole("seed", "-3", 0, 9),
                "seed: -3 is out of range; give 0 to 9",
            ),
            (
                whole("hidden layer width", "abc", 1, 512),
                "hidden layer width: “abc” is not a whole number; give 1 to 512",
            ),
            (
                whole("seed", "1e30", 0, u64::MAX),
                "seed: 1e30 is too large; give a smaller whole number",
            ),
            (
                whole("seed", "1e17", 0, u64::MAX),
                "seed: 1e17 is too long to read exactly; type all its digits",
            ),
            (
                whole("seed", "x", 0, u64::MAX),
                "seed: “x” is not a whole number; give a whole number, 0 or more",
            ),
            (
                whole("seed", "-1", 0, u64::MAX),
                "seed: -1 is out of range; give a whole number, 0 or more",
            ),
            (
                whole("seed", "", 0, u64::MAX),
                "seed: empty; give a whole number, 0 or more",
            ),
            (
                whole("episodes", "", 1, 10),
                "episodes: empty; give a whole number from 1 to 10",
            ),
            (
                whole("episodes", "1e30", 1, 10),
                "episodes: 1e30 is out of range; give 1 to 10",
            ),
        ];
        for (got, expected) in cases {
            assert_eq!(got, Err(expected.to_string()));
        }
    }
}
