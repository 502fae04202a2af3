//! A syntax check for JSONata expressions (the text between `{%` and `%}`).
//!
//! This is a permissive recogniser, not an evaluator: it accepts everything
//! the JSONata grammar allows (paths, predicates, constructors, lambdas,
//! transforms, regexes, chains, sorting, bindings) and reports only what no
//! JSONata parser would accept: unbalanced brackets, unterminated strings,
//! a missing operand, unexpected characters or tokens. It never panics and
//! bounds its recursion.

use std::ops::Range;

/// A syntax error: what went wrong and where, as a byte range of the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonataError {
    pub message: String,
    pub range: Range<usize>,
}

/// Checks the syntax of one JSONata expression.
pub fn check(body: &str) -> Result<(), JsonataError> {
    let tokens = tokenize(body)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
        end: body.len(),
    };
    if p.peek().is_none() {
        return Err(JsonataError {
            message: "empty expression".to_owned(),
            range: 0..body.len(),
        });
    }
    p.expression(0)?;
    // Accept `a; b` at the top level too (parenthesised blocks are the
    // documented form; be lenient rather than reject a working expression).
    while p.at_op(";") {
        p.pos += 1;
        if p.peek().is_some() {
            p.expression(0)?;
        }
    }
    match p.peek() {
        None => Ok(()),
        Some(t) => Err(p.unexpected(t)),
    }
}

// Tokens borrow their text from the body and are `Copy`: the parser peeks
// at every token, and cloning an owned name each time allocated.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind<'a> {
    Number,
    Str,
    Regex,
    /// A plain name (also `and`, `or`, `in`, `true`, `function`, …).
    Name(&'a str),
    /// A backtick-quoted name.
    Quoted,
    /// `$`, `$$` or `$name`.
    Variable,
    /// An operator or punctuation.
    Op(&'static str),
}

#[derive(Clone, Copy, Debug)]
struct Token<'a> {
    kind: Kind<'a>,
    start: usize,
    end: usize,
}

impl Token<'_> {
    fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// Every operator, two-character ones first; [`operator`] recognises them
/// (the list is the reference its test compares with).
#[cfg(test)]
const OPERATORS: &[&str] = &[
    "..", ":=", "!=", "<=", ">=", "**", "~>", "?:", "??", ".", "[", "]", "{", "}", "(", ")", ",",
    "@", "#", ";", ":", "?", "+", "-", "*", "/", "%", "|", "=", "<", ">", "^", "&",
];

/// The longest operator (of `OPERATORS`) that `rest` starts with: what
/// searching the list in order finds, decided on the first bytes instead of
/// comparing with every entry.
fn operator(rest: &str) -> Option<&'static str> {
    let b = rest.as_bytes();
    let two = match (b.first()?, b.get(1)) {
        (b'.', Some(b'.')) => Some(".."),
        (b':', Some(b'=')) => Some(":="),
        (b'!', Some(b'=')) => Some("!="),
        (b'<', Some(b'=')) => Some("<="),
        (b'>', Some(b'=')) => Some(">="),
        (b'*', Some(b'*')) => Some("**"),
        (b'~', Some(b'>')) => Some("~>"),
        (b'?', Some(b':')) => Some("?:"),
        (b'?', Some(b'?')) => Some("??"),
        _ => None,
    };
    two.or(match b.first()? {
        b'.' => Some("."),
        b'[' => Some("["),
        b']' => Some("]"),
        b'{' => Some("{"),
        b'}' => Some("}"),
        b'(' => Some("("),
        b')' => Some(")"),
        b',' => Some(","),
        b'@' => Some("@"),
        b'#' => Some("#"),
        b';' => Some(";"),
        b':' => Some(":"),
        b'?' => Some("?"),
        b'+' => Some("+"),
        b'-' => Some("-"),
        b'*' => Some("*"),
        b'/' => Some("/"),
        b'%' => Some("%"),
        b'|' => Some("|"),
        b'=' => Some("="),
        b'<' => Some("<"),
        b'>' => Some(">"),
        b'^' => Some("^"),
        b'&' => Some("&"),
        _ => None,
    })
}

fn err(message: impl Into<String>, range: Range<usize>) -> JsonataError {
    JsonataError {
        message: message.into(),
        range,
    }
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether a `/` at this point starts a regex (an operand is expected)
/// rather than dividing.
fn operand_expected(prev: Option<&Token<'_>>) -> bool {
    match prev.map(|t| &t.kind) {
        None => true,
        Some(Kind::Op(op)) => !matches!(*op, ")" | "]" | "}" | "*" | "**" | "%" | "?"),
        Some(Kind::Name(n)) => matches!(*n, "and" | "or" | "in"),
        Some(_) => false,
    }
}

fn tokenize(body: &str) -> Result<Vec<Token<'_>>, JsonataError> {
    let mut tokens: Vec<Token<'_>> = Vec::new();
    let mut chars = body.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let rest = body.get(i..).unwrap_or("");
        if rest.starts_with("/*") {
            let Some(close) = rest.get(2..).and_then(|r| r.find("*/")) else {
                return Err(err("unterminated comment", i..body.len()));
            };
            let end = i + 2 + close + 2;
            while chars.peek().is_some_and(|&(j, _)| j < end) {
                chars.next();
            }
            continue;
        }
        if c == '"' || c == '\'' || c == '`' {
            chars.next();
            let mut end = None;
            while let Some((j, d)) = chars.next() {
                if d == '\\' && c != '`' {
                    chars.next();
                } else if d == c {
                    end = Some(j + d.len_utf8());
                    break;
                }
            }
            let Some(end) = end else {
                let what = if c == '`' { "name" } else { "string" };
                return Err(err(format!("unterminated {what}"), i..body.len()));
            };
            let kind = if c == '`' { Kind::Quoted } else { Kind::Str };
            tokens.push(Token {
                kind,
                start: i,
                end,
            });
            continue;
        }
        if c == '/' && operand_expected(tokens.last()) {
            chars.next();
            let mut end = None;
            while let Some((j, d)) = chars.next() {
                if d == '\\' {
                    chars.next();
                } else if d == '/' {
                    end = Some(j + 1);
                    break;
                }
            }
            let Some(mut end) = end else {
                return Err(err("unterminated regular expression", i..body.len()));
            };
            while let Some(&(j, f)) = chars.peek() {
                if !f.is_ascii_alphabetic() {
                    break;
                }
                end = j + 1;
                chars.next();
            }
            tokens.push(Token {
                kind: Kind::Regex,
                start: i,
                end,
            });
            continue;
        }
        if c.is_ascii_digit() {
            let mut end = i;
            let mut seen_dot = false;
            let mut seen_exp = false;
            let mut prev = ' ';
            while let Some(&(j, d)) = chars.peek() {
                let next_is_digit = body
                    .get(j + 1..)
                    .and_then(|r| r.chars().next())
                    .is_some_and(|n| n.is_ascii_digit());
                let ok = d.is_ascii_digit()
                    || (d == '.' && !seen_dot && !seen_exp && next_is_digit)
                    || ((d == 'e' || d == 'E') && !seen_exp)
                    || ((d == '+' || d == '-') && (prev == 'e' || prev == 'E'));
                if !ok {
                    break;
                }
                seen_dot |= d == '.';
                seen_exp |= d == 'e' || d == 'E';
                prev = d;
                end = j + d.len_utf8();
                chars.next();
            }
            tokens.push(Token {
                kind: Kind::Number,
                start: i,
                end,
            });
            continue;
        }
        if c == '$' {
            chars.next();
            let mut end = i + 1;
            if chars.peek().is_some_and(|&(_, d)| d == '$') {
                chars.next();
                end += 1;
            } else {
                while let Some(&(j, d)) = chars.peek() {
                    if !is_name_char(d) {
                        break;
                    }
                    end = j + d.len_utf8();
                    chars.next();
                }
            }
            tokens.push(Token {
                kind: Kind::Variable,
                start: i,
                end,
            });
            continue;
        }
        if is_name_char(c) || c == 'λ' {
            let mut end = i;
            while let Some(&(j, d)) = chars.peek() {
                if !(is_name_char(d) || d == 'λ') {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            let name = body.get(i..end).unwrap_or("");
            tokens.push(Token {
                kind: Kind::Name(name),
                start: i,
                end,
            });
            continue;
        }
        let Some(op) = operator(rest) else {
            return Err(err(
                format!("unexpected character `{c}`"),
                i..i + c.len_utf8(),
            ));
        };
        for _ in 0..op.chars().count() {
            chars.next();
        }
        tokens.push(Token {
            kind: Kind::Op(op),
            start: i,
            end: i + op.len(),
        });
    }
    Ok(tokens)
}

/// Deepest nesting the recogniser follows before giving up with an error.
const MAX_DEPTH: usize = 200;

struct Parser<'a> {
    tokens: Vec<Token<'a>>,
    pos: usize,
    depth: usize,
    end: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<Token<'a>> {
        self.tokens.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<Token<'a>> {
        let t = self.peek();
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    fn at_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Token { kind: Kind::Op(o), .. }) if o == op)
    }

    fn unexpected(&self, t: Token<'_>) -> JsonataError {
        let what = match &t.kind {
            Kind::Op(o) => format!("`{o}`"),
            Kind::Name(n) => format!("`{n}`"),
            Kind::Number => "a number".to_owned(),
            Kind::Str => "a string".to_owned(),
            Kind::Regex => "a regular expression".to_owned(),
            Kind::Quoted => "a name".to_owned(),
            Kind::Variable => "a variable".to_owned(),
        };
        err(format!("unexpected {what}"), t.range())
    }

    fn end_error(&self, expected: &str) -> JsonataError {
        err(
            format!("expected {expected}, found the end of the expression"),
            self.end..self.end,
        )
    }

    fn expect(&mut self, op: &str) -> Result<(), JsonataError> {
        match self.next() {
            Some(Token {
                kind: Kind::Op(o), ..
            }) if o == op => Ok(()),
            Some(t) => Err(self.unexpected(t)),
            None => Err(self.end_error(&format!("`{op}`"))),
        }
    }

    /// Binding power of the token as an infix operator (0: not one).
    fn infix_power(t: &Token<'_>) -> u8 {
        match &t.kind {
            Kind::Op(op) => match *op {
                "." => 75,
                "[" | "(" | "^" | "@" | "#" => 80,
                "{" => 70,
                "*" | "/" | "%" => 60,
                "+" | "-" | "&" => 50,
                "=" | "!=" | "<" | "<=" | ">" | ">=" | "~>" => 40,
                "?:" | "??" => 40,
                "?" | ".." => 20,
                ":=" => 10,
                _ => 0,
            },
            Kind::Name(n) => match *n {
                "in" => 40,
                "and" => 30,
                "or" => 25,
                _ => 0,
            },
            _ => 0,
        }
    }

    fn expression(&mut self, rbp: u8) -> Result<(), JsonataError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let at = self.peek().map_or(self.end..self.end, |t| t.range());
            return Err(err("expression nested too deeply", at));
        }
        let result = self.expression_inner(rbp);
        self.depth -= 1;
        result
    }

    fn expression_inner(&mut self, rbp: u8) -> Result<(), JsonataError> {
        let Some(first) = self.next() else {
            return Err(self.end_error("an operand"));
        };
        self.prefix(first)?;
        while let Some(t) = self.peek() {
            let power = Self::infix_power(&t);
            if power <= rbp {
                break;
            }
            self.pos += 1;
            self.infix(t, power)?;
        }
        Ok(())
    }

    /// A comma-separated list of expressions up to `close`.
    fn list(&mut self, close: &str) -> Result<(), JsonataError> {
        if self.at_op(close) {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.expression(0)?;
            if self.at_op(",") {
                self.pos += 1;
                continue;
            }
            return self.expect(close);
        }
    }

    /// `{ key: value, … }`
    fn object(&mut self) -> Result<(), JsonataError> {
        if self.at_op("}") {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.expression(0)?;
            self.expect(":")?;
            self.expression(0)?;
            if self.at_op(",") {
                self.pos += 1;
                continue;
            }
            return self.expect("}");
        }
    }

    fn prefix(&mut self, t: Token<'a>) -> Result<(), JsonataError> {
        match &t.kind {
            Kind::Number | Kind::Str | Kind::Regex | Kind::Quoted | Kind::Variable => Ok(()),
            Kind::Name(n) if *n == "function" || *n == "λ" => {
                if !self.at_op("(") {
                    return Ok(()); // a field called `function`
                }
                self.pos += 1;
                self.list(")")?;
                if self.at_op("<") {
                    // Signature: skip to the matching `>`.
                    let mut level = 0usize;
                    while let Some(t) = self.next() {
                        match t.kind {
                            Kind::Op("<") => level += 1,
                            Kind::Op(">") => {
                                level = level.saturating_sub(1);
                                if level == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                }
                self.expect("{")?;
                self.expression(0)?;
                self.expect("}")
            }
            Kind::Name(_) => Ok(()),
            Kind::Op(op) => match *op {
                "-" => self.expression(70),
                "*" | "**" | "%" | "?" => Ok(()),
                "(" => {
                    if self.at_op(")") {
                        self.pos += 1;
                        return Ok(());
                    }
                    loop {
                        self.expression(0)?;
                        if self.at_op(";") {
                            self.pos += 1;
                            if self.at_op(")") {
                                self.pos += 1;
                                return Ok(());
                            }
                            continue;
                        }
                        return self.expect(")");
                    }
                }
                "[" => self.list("]"),
                "{" => self.object(),
                "|" => {
                    self.expression(0)?;
                    self.expect("|")?;
                    self.expression(0)?;
                    if self.at_op(",") {
                        self.pos += 1;
                        self.expression(0)?;
                    }
                    self.expect("|")
                }
                _ => Err(self.unexpected(t)),
            },
        }
    }

    fn infix(&mut self, t: Token<'a>, power: u8) -> Result<(), JsonataError> {
        match &t.kind {
            Kind::Op("[") => {
                if self.at_op("]") {
                    self.pos += 1;
                    return Ok(());
                }
                self.expression(0)?;
                self.expect("]")
            }
            Kind::Op("(") => self.list(")"),
            Kind::Op("{") => self.object(),
            Kind::Op("^") => {
                self.expect("(")?;
                loop {
                    if self.at_op("<") || self.at_op(">") {
                        self.pos += 1;
                    }
                    self.expression(0)?;
                    if self.at_op(",") {
                        self.pos += 1;
                        continue;
                    }
                    return self.expect(")");
                }
            }
            Kind::Op("@") | Kind::Op("#") => match self.next() {
                Some(Token {
                    kind: Kind::Variable,
                    ..
                }) => Ok(()),
                Some(other) => Err(self.unexpected(other)),
                None => Err(self.end_error("a variable")),
            },
            Kind::Op("?") => {
                self.expression(0)?;
                if self.at_op(":") {
                    self.pos += 1;
                    self.expression(0)?;
                }
                Ok(())
            }
            // Right-associative binding.
            Kind::Op(":=") => self.expression(power - 1),
            _ => self.expression(power),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{OPERATORS, check, operator};

    #[test]
    fn operator_finds_what_searching_the_list_finds() {
        let mut texts: Vec<String> = Vec::new();
        for a in OPERATORS {
            texts.push((*a).to_owned());
            for b in OPERATORS {
                texts.push(format!("{a}{b}"));
            }
            texts.push(format!("{a}x"));
        }
        texts.extend(["", "x", "!", "~", "$", "a.b"].map(String::from));
        for t in &texts {
            let listed = OPERATORS.iter().find(|op| t.starts_with(**op)).copied();
            assert_eq!(operator(t), listed, "{t:?}");
        }
    }

    #[test]
    fn accepts_the_usual_step_functions_expressions() {
        for ok in [
            "$states.input.order.total * 1.2",
            "$sum($states.input.items.price)",
            "$states.result.Payload ~> $string()",
            "$count($filter($states.input.list, function($v, $i) { $v.ok and $i > 0 }))",
            "{'id': $states.context.Execution.Id, \"n\": [1, 2, 3][1]}",
            "$states.input.items[price > 10 and qty != 0].name",
            "$x := 5; $x + 1",
            "($a := 1; $b := 2; $a & $b)",
            "$states.input.list^(>price, name)",
            "$exists($v) ? $v : 'none'",
            "$match($s, /^[a-z]+\\/x$/i)",
            "$states.input.a.b.*.c.**",
            "Account.Order[0].Product{`Product Name`: Price}",
            "[1..5]",
            "$states.input ~> | items | {'done': true} |",
            "$map($l, λ($x){ $x * 2 })",
            "/* comment */ 42",
            "-$states.input.n % 3",
            "$states.input.x in [1, 2]",
            "$lookup($m, 'k') ?: 0",
            "loans@$l.books#$i[$l.id = $i]",
            "$partial := $substring(?, 0, 5)",
            "1e3 + 2.5E-2",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn rejects_a_missing_operand() {
        let e = check("10 + * 2").expect_err("invalid");
        assert_eq!(e.range, 7..8);
    }

    #[test]
    fn rejects_unbalanced_brackets() {
        assert!(check("$sum($states.input.items").is_err());
        assert!(check("$states.input.a]").is_err());
        assert!(check("[1, 2").is_err());
    }

    #[test]
    fn rejects_jsonpath_filters() {
        assert!(check("$.store.book[?(@.price < 10)].title").is_err());
    }

    #[test]
    fn rejects_unterminated_strings() {
        let e = check("'abc").expect_err("invalid");
        assert_eq!(e.message, "unterminated string");
    }

    #[test]
    fn rejects_stray_characters_and_trailing_operators() {
        assert!(check("$a ! $b").is_err());
        assert!(check("$a +").is_err());
        assert!(check("").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
        assert!(check(&text).is_err());
    }
}
