//! Tokenizer and Pratt parser for JSONata expressions.

use std::sync::Arc;

use crate::Error;

/// Nesting deeper than this is refused, so hostile input cannot overflow the stack.
pub(crate) const MAX_DEPTH: usize = 200;

/// One node of the syntax tree, with the byte offset it starts at.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub kind: Kind,
    pub pos: usize,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Number(f64),
    String(String),
    Bool(bool),
    Null,
    Regex(Arc<regex_lite::Regex>),
    /// `$name`; the empty name is `$` (the context item).
    Variable(String),
    /// `$$`: the root input (AWS supplies none, so it is undefined).
    Root,
    /// A field name (`input`, `` `odd name` ``).
    Name(String),
    /// `*`: every value of an object.
    Wildcard,
    /// `a.b`
    Path(Box<Node>, Box<Node>),
    /// `a[p]`
    Filter(Box<Node>, Box<Node>),
    Binary(BinOp, Box<Node>, Box<Node>),
    Negate(Box<Node>),
    Condition(Box<Node>, Box<Node>, Option<Box<Node>>),
    /// `$name := value`
    Bind(String, Box<Node>),
    /// `(a; b; c)`
    Block(Vec<Node>),
    Array(Vec<Node>),
    Object(Vec<(Node, Node)>),
    Range(Box<Node>, Box<Node>),
    Call(Box<Node>, Vec<Node>),
    /// `x ~> f`
    Chain(Box<Node>, Box<Node>),
    Lambda(Arc<LambdaDef>),
}

#[derive(Debug)]
pub(crate) struct LambdaDef {
    pub params: Vec<String>,
    pub body: Node,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Concat,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    And,
    Or,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Number(f64),
    Str(String),
    /// A bare name, which may also be a keyword operator (`and`, `or`, `in`) or literal.
    Name(String),
    /// A backtick-quoted name: never a keyword.
    Quoted(String),
    Var(String),
    Regex(String, String),
    Op(&'static str),
    End,
}

struct Token {
    tok: Tok,
    pos: usize,
}

const OPERATORS: [&str; 31] = [
    "..", ":=", "!=", "<=", ">=", "~>", "**", "^", ".", "[", "]", "{", "}", "(", ")", ",", "@",
    "#", ";", ":", "?", "+", "-", "*", "/", "%", "|", "=", "<", ">", "&",
];

fn tokenize(src: &str) -> Result<Vec<Token>, Error> {
    let bytes = src.as_bytes();
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        // Comments: /* ... */
        if src[i..].starts_with("/*") {
            match src[i + 2..].find("*/") {
                Some(end) => {
                    i += 2 + end + 2;
                    continue;
                }
                None => return Err(syntax(i, "comment is not closed")),
            }
        }
        let start = i;
        // A `/` where an operand is expected starts a regular expression.
        if c == b'/' && operand_expected(out.last().map(|t| &t.tok)) {
            let (pattern, flags, next) = read_regex(src, i)?;
            out.push(Token {
                tok: Tok::Regex(pattern, flags),
                pos: start,
            });
            i = next;
            continue;
        }
        if c == b'"' || c == b'\'' {
            let (s, next) = read_string(src, i)?;
            out.push(Token {
                tok: Tok::Str(s),
                pos: start,
            });
            i = next;
            continue;
        }
        if c.is_ascii_digit() {
            let (n, next) = read_number(src, i)?;
            out.push(Token {
                tok: Tok::Number(n),
                pos: start,
            });
            i = next;
            continue;
        }
        if c == b'`' {
            match src[i + 1..].find('`') {
                Some(end) => {
                    out.push(Token {
                        tok: Tok::Quoted(src[i + 1..i + 1 + end].to_owned()),
                        pos: start,
                    });
                    i += end + 2;
                    continue;
                }
                None => return Err(syntax(i, "quoted name is not closed")),
            }
        }
        if c == b'$' {
            if src[i + 1..].starts_with('$') {
                out.push(Token {
                    tok: Tok::Var("$".to_owned()),
                    pos: start,
                });
                i += 2;
                continue;
            }
            let end = name_end(src, i + 1);
            out.push(Token {
                tok: Tok::Var(src[i + 1..end].to_owned()),
                pos: start,
            });
            i = end;
            continue;
        }
        if let Some(op) = OPERATORS.iter().find(|op| src[i..].starts_with(**op)) {
            out.push(Token {
                tok: Tok::Op(op),
                pos: start,
            });
            i += op.len();
            continue;
        }
        let end = name_end(src, i);
        if end == i {
            let ch = src[i..].chars().next().unwrap_or('?');
            return Err(syntax(i, &format!("unexpected character `{ch}`")));
        }
        let name = &src[i..end];
        // `λ` is shorthand for `function`.
        let name = if name == "λ" { "function" } else { name };
        out.push(Token {
            tok: Tok::Name(name.to_owned()),
            pos: start,
        });
        i = end;
    }
    out.push(Token {
        tok: Tok::End,
        pos: src.len(),
    });
    Ok(out)
}

fn operand_expected(last: Option<&Tok>) -> bool {
    match last {
        None => true,
        Some(Tok::Op(op)) => !matches!(*op, ")" | "]" | "}"),
        Some(Tok::Name(n)) => matches!(n.as_str(), "and" | "or" | "in"),
        Some(_) => false,
    }
}

/// Names run until whitespace or a character that can start an operator or literal.
fn name_end(src: &str, from: usize) -> usize {
    let mut end = from;
    for (off, ch) in src[from..].char_indices() {
        if ch.is_whitespace() || ".[]{}(),@#;:?+-*/%|=<>&!~^\"'`$".contains(ch) {
            return from + off;
        }
        end = from + off + ch.len_utf8();
    }
    end
}

fn read_string(src: &str, start: usize) -> Result<(String, usize), Error> {
    let quote = src[start..].chars().next().unwrap_or('"');
    let mut out = String::new();
    let mut chars = src[start + 1..].char_indices();
    while let Some((off, ch)) = chars.next() {
        let here = start + 1 + off;
        if ch == quote {
            return Ok((out, here + 1));
        }
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        let Some((_, esc)) = chars.next() else { break };
        match esc {
            '"' | '\\' | '/' | '\'' => out.push(esc),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'u' => {
                let mut code = 0u32;
                for _ in 0..4 {
                    let digit = chars.next().and_then(|(_, d)| d.to_digit(16));
                    let Some(d) = digit else {
                        return Err(syntax(here, "`\\u` must be followed by four hex digits"));
                    };
                    code = code * 16 + d;
                }
                // A lone surrogate cannot be a char; keep the replacement character.
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            }
            other => {
                return Err(syntax(
                    here,
                    &format!("unsupported escape sequence `\\{other}`"),
                ));
            }
        }
    }
    Err(syntax(start, "string literal is not closed"))
}

fn read_number(src: &str, start: usize) -> Result<(f64, usize), Error> {
    let b = src.as_bytes();
    let mut i = start;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    // `1..3` is a range, not a decimal point.
    if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    match src[start..i].parse::<f64>() {
        Ok(n) if n.is_finite() => Ok((n, i)),
        _ => Err(syntax(start, "number literal is out of range")),
    }
}

fn read_regex(src: &str, start: usize) -> Result<(String, String, usize), Error> {
    let b = src.as_bytes();
    let mut i = start + 1;
    let mut in_class = false;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'[' => in_class = true,
            b']' => in_class = false,
            b'/' if !in_class => {
                let pattern = src[start + 1..i].to_owned();
                if pattern.is_empty() {
                    return Err(syntax(start, "empty regular expression"));
                }
                let mut j = i + 1;
                while j < b.len() && b[j].is_ascii_alphabetic() {
                    j += 1;
                }
                return Ok((pattern, src[i + 1..j].to_owned(), j));
            }
            _ => {}
        }
        i += 1;
    }
    Err(syntax(start, "regular expression is not closed"))
}

fn syntax(offset: usize, message: &str) -> Error {
    Error::Syntax {
        offset,
        message: message.to_owned(),
    }
}

pub(crate) fn parse(src: &str) -> Result<Node, Error> {
    let tokens = tokenize(src)?;
    let mut p = Parser {
        tokens,
        at: 0,
        depth: 0,
    };
    let node = p.expression(0)?;
    let t = p.peek();
    if t.tok != Tok::End {
        return Err(syntax(
            t.pos,
            "unexpected token after the end of the expression",
        ));
    }
    Ok(node)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
}

static END: Token = Token {
    tok: Tok::End,
    pos: 0,
};

fn infix_power(tok: &Tok) -> u8 {
    match tok {
        Tok::Op(op) => match *op {
            "." => 75,
            // `^(…)` (sort) binds like a predicate; it is parsed only to be refused clearly.
            "[" | "(" | "^" => 80,
            "*" | "/" | "%" => 60,
            "+" | "-" | "&" => 50,
            "=" | "!=" | "<" | "<=" | ">" | ">=" | "~>" => 40,
            "?" | ".." => 20,
            ":=" => 10,
            _ => 0,
        },
        Tok::Name(n) => match n.as_str() {
            "in" => 40,
            "and" => 30,
            "or" => 25,
            _ => 0,
        },
        _ => 0,
    }
}

impl Parser {
    fn peek(&self) -> &Token {
        self.tokens.get(self.at).unwrap_or(&END)
    }

    fn next(&mut self) -> Token {
        let t = self.tokens.get(self.at).map(|t| Token {
            tok: t.tok.clone(),
            pos: t.pos,
        });
        self.at += 1;
        t.unwrap_or(Token {
            tok: Tok::End,
            pos: END.pos,
        })
    }

    fn expect(&mut self, op: &str) -> Result<(), Error> {
        let t = self.next();
        match t.tok {
            Tok::Op(o) if o == op => Ok(()),
            Tok::End => Err(syntax(
                t.pos,
                &format!("expected `{op}` before the end of the expression"),
            )),
            _ => Err(syntax(t.pos, &format!("expected `{op}`"))),
        }
    }

    fn at_op(&self, op: &str) -> bool {
        matches!(self.peek().tok, Tok::Op(o) if o == op)
    }

    fn expression(&mut self, rbp: u8) -> Result<Node, Error> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Error::TooDeep {
                offset: self.peek().pos,
            });
        }
        let base = self.depth;
        let mut left = self.prefix()?;
        while infix_power(&self.peek().tok) > rbp {
            // Left-leaning chains (`a.b.c…`, `1+1+1…`) deepen the tree without recursing here.
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(Error::TooDeep {
                    offset: self.peek().pos,
                });
            }
            left = self.infix(left)?;
        }
        self.depth = base - 1;
        Ok(left)
    }

    fn prefix(&mut self) -> Result<Node, Error> {
        let t = self.next();
        let pos = t.pos;
        let kind = match t.tok {
            Tok::Number(n) => Kind::Number(n),
            Tok::Str(s) => Kind::String(s),
            Tok::Quoted(n) => Kind::Name(n),
            Tok::Regex(pattern, flags) => {
                Kind::Regex(Arc::new(build_regex(&pattern, &flags, pos)?))
            }
            Tok::Var(v) if v == "$" => Kind::Root,
            Tok::Var(v) => Kind::Variable(v),
            Tok::Name(n) => match n.as_str() {
                "true" => Kind::Bool(true),
                "false" => Kind::Bool(false),
                "null" => Kind::Null,
                "function" if self.at_op("(") => self.lambda()?,
                _ => Kind::Name(n),
            },
            Tok::Op("-") => Kind::Negate(Box::new(self.expression(70)?)),
            Tok::Op("*") => Kind::Wildcard,
            Tok::Op("(") => {
                let mut items = Vec::new();
                while !self.at_op(")") {
                    items.push(self.expression(0)?);
                    if !self.at_op(";") {
                        break;
                    }
                    self.next();
                }
                self.expect(")")?;
                Kind::Block(items)
            }
            Tok::Op("[") => {
                let mut items = Vec::new();
                if !self.at_op("]") {
                    loop {
                        items.push(self.expression(0)?);
                        if !self.at_op(",") {
                            break;
                        }
                        self.next();
                    }
                }
                self.expect("]")?;
                Kind::Array(items)
            }
            Tok::Op("{") => {
                let mut pairs = Vec::new();
                if !self.at_op("}") {
                    loop {
                        let key = self.expression(0)?;
                        self.expect(":")?;
                        let value = self.expression(0)?;
                        pairs.push((key, value));
                        if !self.at_op(",") {
                            break;
                        }
                        self.next();
                    }
                }
                self.expect("}")?;
                Kind::Object(pairs)
            }
            Tok::Op("**") => {
                return Err(syntax(pos, "the descendant operator `**` is not supported"));
            }
            Tok::Op("^") => return Err(syntax(pos, "the sort operator is not supported")),
            Tok::End => return Err(syntax(pos, "expression ended where a value was expected")),
            Tok::Op(op) => return Err(syntax(pos, &format!("unexpected `{op}`"))),
        };
        Ok(Node { kind, pos })
    }

    fn lambda(&mut self) -> Result<Kind, Error> {
        self.expect("(")?;
        let mut params = Vec::new();
        while !self.at_op(")") {
            let t = self.next();
            match t.tok {
                Tok::Var(v) if !v.is_empty() && v != "$" => params.push(v),
                _ => return Err(syntax(t.pos, "function parameters must be `$name`s")),
            }
            if self.at_op(",") {
                self.next();
            } else {
                break;
            }
        }
        self.expect(")")?;
        if self.at_op("<") {
            let pos = self.peek().pos;
            return Err(syntax(pos, "function signatures are not supported"));
        }
        self.expect("{")?;
        let body = self.expression(0)?;
        self.expect("}")?;
        Ok(Kind::Lambda(Arc::new(LambdaDef { params, body })))
    }

    fn infix(&mut self, left: Node) -> Result<Node, Error> {
        let t = self.next();
        let pos = t.pos;
        let bp = infix_power(&t.tok);
        let op = match t.tok {
            Tok::Op(op) => op,
            Tok::Name(ref n) if n == "and" => "and",
            Tok::Name(ref n) if n == "or" => "or",
            Tok::Name(ref n) if n == "in" => "in",
            _ => return Err(syntax(pos, "unexpected token")),
        };
        let kind = match op {
            "." => Kind::Path(Box::new(left), Box::new(self.expression(bp)?)),
            "[" => {
                if self.at_op("]") {
                    return Err(syntax(pos, "empty predicate `[]` is not supported"));
                }
                let predicate = self.expression(0)?;
                self.expect("]")?;
                Kind::Filter(Box::new(left), Box::new(predicate))
            }
            "(" => {
                let mut args = Vec::new();
                if !self.at_op(")") {
                    loop {
                        if self.at_op("?") {
                            let p = self.peek().pos;
                            return Err(syntax(p, "partial application is not supported"));
                        }
                        args.push(self.expression(0)?);
                        if !self.at_op(",") {
                            break;
                        }
                        self.next();
                    }
                }
                self.expect(")")?;
                Kind::Call(Box::new(left), args)
            }
            "?" => {
                let then = self.expression(0)?;
                let otherwise = if self.at_op(":") {
                    self.next();
                    Some(Box::new(self.expression(0)?))
                } else {
                    None
                };
                Kind::Condition(Box::new(left), Box::new(then), otherwise)
            }
            ":=" => {
                let Kind::Variable(name) = &left.kind else {
                    return Err(syntax(left.pos, "the left side of `:=` must be a `$name`"));
                };
                let name = name.clone();
                // Right associative: `$a := $b := 1`.
                Kind::Bind(name, Box::new(self.expression(bp - 1)?))
            }
            "~>" => Kind::Chain(Box::new(left), Box::new(self.expression(bp)?)),
            "^" => return Err(syntax(pos, "the sort operator `^(…)` is not supported")),
            ".." => Kind::Range(Box::new(left), Box::new(self.expression(bp)?)),
            _ => {
                let right = self.expression(bp)?;
                let b = match op {
                    "+" => BinOp::Add,
                    "-" => BinOp::Sub,
                    "*" => BinOp::Mul,
                    "/" => BinOp::Div,
                    "%" => BinOp::Mod,
                    "&" => BinOp::Concat,
                    "=" => BinOp::Eq,
                    "!=" => BinOp::Ne,
                    "<" => BinOp::Lt,
                    "<=" => BinOp::Le,
                    ">" => BinOp::Gt,
                    ">=" => BinOp::Ge,
                    "in" => BinOp::In,
                    "and" => BinOp::And,
                    "or" => BinOp::Or,
                    other => return Err(syntax(pos, &format!("unexpected `{other}`"))),
                };
                Kind::Binary(b, Box::new(left), Box::new(right))
            }
        };
        Ok(Node { kind, pos })
    }
}

fn build_regex(pattern: &str, flags: &str, pos: usize) -> Result<regex_lite::Regex, Error> {
    let mut prefix = String::new();
    for f in flags.chars() {
        match f {
            'i' => prefix.push('i'),
            'm' => prefix.push('m'),
            _ => {
                return Err(syntax(
                    pos,
                    &format!("unsupported regular expression flag `{f}`"),
                ));
            }
        }
    }
    let full = if prefix.is_empty() {
        pattern.to_owned()
    } else {
        format!("(?{prefix}){pattern}")
    };
    regex_lite::Regex::new(&full)
        .map_err(|e| syntax(pos, &format!("invalid regular expression: {e}")))
}
