//! Splitting one register-file line into comma-separated fields, honouring double quotes
//! (`"12, High St"`, with `""` for a quote inside a quoted field). Register files are line based:
//! a quoted field never spans lines, so every record's line number is its physical line.

/// A line whose quotes do not balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a quoted field is not closed on its line")]
pub struct UnclosedQuote;

/// The fields of one line (without its line ending).
pub fn split_line(line: &str) -> Result<Vec<String>, UnclosedQuote> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(UnclosedQuote);
    }
    fields.push(field);
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_quoted_fields_are_split_on_commas_outside_quotes() {
        assert_eq!(split_line("a,\"12, High St\",c\r").unwrap(), ["a", "12, High St", "c"]);
        assert_eq!(split_line("\"say \"\"hi\"\"\",").unwrap(), ["say \"hi\"", ""]);
        assert_eq!(split_line("01632960123").unwrap(), ["01632960123"]);
    }

    #[test]
    fn an_unclosed_quote_is_an_error() {
        assert_eq!(split_line("a,\"12, High St"), Err(UnclosedQuote));
    }
}
