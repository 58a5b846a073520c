//! Conditions on a call's arguments (`when`, `unless`, `unless_uses` of `[[pattern]]`, `[[sink.calls]]`
//! and `[[source]]`), compiled once, and what they mean over the IR.
//!
//! Each names an argument (`arg`, with an optional positional `position`; `"**"` means keyword
//! arguments hidden in a `**kwargs` or `...spread`, tested only with `present`) and one test:
//! `present`, `equals` (a literal), `literal` (the value is / is not a literal), `matches` (a
//! regex on the literal string value, after following names bound once to a literal),
//! `name_matches` (a regex on the dotted spelling of a non-literal value), `set`, `unbounded`,
//! `contains` (a list literal with an element that is one of these strings, or whose spelling
//! matches one of them as a glob; a lone `*` matches only `"*"`; a `[plugin, options]` pair stands
//! for its first element), `contains_in_order` (elements matching each glob, in that order),
//! `text_matches` (a regex on the
//! text of a string, interpolated parts aiguard cannot read standing as `{their spelling}`), `has_keys` (a
//! dict literal with these keys, also when serialised by a call: `json.dumps(body)`).
//!
//! `any` holds when one of its conditions holds: the way to say "this URL or that body".
//!
//! With `chain` (a qualified-name glob), the condition tests an argument of a call the receiver
//! was made by instead of the call itself (`Command::new("sh").arg("-c").arg(x)`: `chain =
//! "*Command.new"` tests `"sh"`); it holds when one such call's argument passes the test.
//!
//! A condition may instead name a package of the file's project (`package`, with `at_least` or
//! `below`, see [`crate::project`]): it holds when the project's version is known and in range.

use super::glob::Glob;
use crate::ir::constants::Constants;
use crate::ir::settings;
use crate::ir::{Call, Expr, ExprKind, StrPart};
use crate::project::{LazyProject, Version};
use regex::Regex;
use serde::Deserialize;

/// One string or a list of them.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum StringOrList {
    One(String),
    Many(Vec<String>),
}

impl StringOrList {
    fn as_slice(&self) -> &[String] {
        match self {
            StringOrList::One(s) => std::slice::from_ref(s),
            StringOrList::Many(v) => v,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCondition {
    /// Empty for a version condition (`package`).
    #[serde(default)]
    pub(crate) arg: String,
    #[serde(default)]
    pub(crate) position: Option<usize>,
    #[serde(default)]
    pub(crate) present: Option<bool>,
    #[serde(default)]
    pub(crate) equals: Option<toml::Value>,
    #[serde(default)]
    pub(crate) literal: Option<bool>,
    #[serde(default)]
    pub(crate) matches: Option<String>,
    #[serde(default)]
    pub(crate) name_matches: Option<String>,
    #[serde(default)]
    pub(crate) set: Option<bool>,
    #[serde(default)]
    pub(crate) unbounded: Option<bool>,
    /// A package of the file's project, tested with `at_least` or `below`.
    #[serde(default)]
    pub(crate) package: Option<String>,
    #[serde(default)]
    pub(crate) at_least: Option<String>,
    #[serde(default)]
    pub(crate) below: Option<String>,
    /// The value is a list literal with an element that is one of these strings (one string or
    /// several: `contains = "*"`), or whose spelling (`HumanApprovalCallbackHandler()`) matches
    /// one of them as a glob.
    #[serde(default)]
    pub(crate) contains: Option<StringOrList>,
    /// The value is a list literal with an element matching each of these globs, in this order
    /// (`[rehypeRaw, rehypeSanitize]`: the sanitiser runs after the raw HTML is parsed).
    #[serde(default)]
    pub(crate) contains_in_order: Option<Vec<String>>,
    /// Test the argument of a call matching this glob among the calls the receiver was made by
    /// (the earlier calls of a method chain, and through names bound once, the calls they were
    /// bound to), not of the call itself.
    #[serde(default)]
    pub(crate) chain: Option<String>,
    /// A regex on the argument's text: a string literal, or a string built by interpolation
    /// (f-string, template literal, `+`, `format!`) with each part aiguard cannot read as its
    /// spelling in braces (`{OLLAMA_HOST}`); names bound once in the function or the file are
    /// followed.
    #[serde(default)]
    pub(crate) text_matches: Option<String>,
    /// The argument is a dict or object literal with every one of these keys (none: any literal
    /// dict), directly, through names bound once and never changed in place, or as what a call
    /// serialises (`json.dumps(body)`, `JSON.stringify(body)`, `json.dumps(body).encode()`).
    #[serde(default)]
    pub(crate) has_keys: Option<Vec<String>>,
    /// Holds when one of these conditions holds; takes no `arg` of its own.
    #[serde(default)]
    pub(crate) any: Option<Vec<RawCondition>>,
}

#[derive(Debug, Clone)]
pub struct Condition {
    pub(crate) arg: String,
    pub(crate) position: Option<usize>,
    pub(crate) test: Test,
    /// See [`RawCondition::chain`].
    pub(crate) chain: Option<Glob>,
}

#[derive(Debug, Clone)]
pub(crate) enum Test {
    Present(bool),
    Equals(Literal),
    Literal(bool),
    Matches(Regex),
    NameMatches(Regex),
    /// Passed with a value other than `None` / `null` / `undefined`.
    Set(bool),
    /// Passed with a value that bounds nothing: `None`, infinity, `sys.maxsize`, a huge number.
    Unbounded(bool),
    /// The project's version of `package` is known and >= (`at_least`) or < the bound.
    Version {
        package: String,
        bound: Version,
        at_least: bool,
    },
    /// A list literal with one of these strings among its elements, or an element whose
    /// spelling matches one of them as a glob.
    Contains(Vec<Glob>),
    /// A list literal with elements matching each glob, in this order.
    ContainsInOrder(Vec<Glob>),
    /// The text of a string, its unreadable interpolated parts as `{}`, matches.
    TextMatches(Regex),
    /// A dict literal (or what a call serialises) with all these keys.
    HasKeys(Vec<String>),
    /// One of these holds.
    Any(Vec<Condition>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    Bool(bool),
    Str(String),
    Int(i64),
}

pub(crate) fn literal_from_toml(v: &toml::Value) -> Result<Literal, String> {
    match v {
        toml::Value::Boolean(b) => Ok(Literal::Bool(*b)),
        toml::Value::String(s) => Ok(Literal::Str(s.clone())),
        toml::Value::Integer(i) => Ok(Literal::Int(*i)),
        other => Err(format!("unsupported literal {other}")),
    }
}

pub fn compile_condition(c: RawCondition) -> Result<Condition, String> {
    if let Some(any) = c.any {
        let alone = c.arg.is_empty()
            && c.position.is_none()
            && c.chain.is_none()
            && c.package.is_none()
            && c.present.is_none()
            && c.equals.is_none()
            && c.literal.is_none()
            && c.matches.is_none()
            && c.name_matches.is_none()
            && c.set.is_none()
            && c.unbounded.is_none()
            && c.contains.is_none()
            && c.contains_in_order.is_none()
            && c.text_matches.is_none()
            && c.has_keys.is_none();
        if !alone || any.is_empty() {
            return Err("`any` takes a non-empty list of conditions and no other key".into());
        }
        let any = any
            .into_iter()
            .map(compile_condition)
            .collect::<Result<Vec<_>, _>>()?;
        if any.iter().any(|c| matches!(c.test, Test::Version { .. })) {
            return Err("`any` cannot hold a `package` condition".into());
        }
        return Ok(Condition {
            arg: String::new(),
            position: None,
            test: Test::Any(any),
            chain: None,
        });
    }
    if let Some(package) = c.package {
        let bound = match (&c.at_least, &c.below) {
            (Some(b), None) => (b, true),
            (None, Some(b)) => (b, false),
            _ => {
                return Err(format!(
                    "condition on package {package:?} needs one of `at_least` or `below`"
                ))
            }
        };
        let version = Version::parse(bound.0).ok_or_else(|| {
            format!(
                "condition on package {package:?}: bad version {:?}",
                bound.0
            )
        })?;
        let other = !c.arg.is_empty()
            || c.position.is_some()
            || c.present.is_some()
            || c.equals.is_some()
            || c.literal.is_some()
            || c.matches.is_some()
            || c.name_matches.is_some()
            || c.text_matches.is_some()
            || c.has_keys.is_some()
            || c.contains.is_some()
            || c.contains_in_order.is_some()
            || c.chain.is_some();
        if other {
            return Err(format!(
                "condition on package {package:?} takes no argument test"
            ));
        }
        return Ok(Condition {
            arg: String::new(),
            position: None,
            test: Test::Version {
                package,
                bound: version,
                at_least: bound.1,
            },
            chain: None,
        });
    }
    if c.at_least.is_some() || c.below.is_some() {
        return Err(format!(
            "condition on {:?}: `at_least` and `below` need `package`",
            c.arg
        ));
    }
    if c.arg.is_empty() && !(c.chain.is_some() && c.position.is_some()) {
        return Err("a condition needs `arg` or `package` (or `chain` and `position`)".into());
    }
    if c.chain.is_some() && c.arg == "**" {
        return Err("`chain` cannot test `**`".into());
    }
    let mut tests = Vec::new();
    if let Some(p) = c.present {
        tests.push(Test::Present(p));
    }
    if let Some(v) = &c.equals {
        tests.push(Test::Equals(literal_from_toml(v)?));
    }
    if let Some(l) = c.literal {
        tests.push(Test::Literal(l));
    }
    if let Some(r) = &c.matches {
        tests.push(Test::Matches(Regex::new(r).map_err(|e| e.to_string())?));
    }
    if let Some(r) = &c.name_matches {
        tests.push(Test::NameMatches(Regex::new(r).map_err(|e| e.to_string())?));
    }
    if let Some(b) = c.set {
        tests.push(Test::Set(b));
    }
    if let Some(b) = c.unbounded {
        tests.push(Test::Unbounded(b));
    }
    if let Some(v) = &c.contains {
        tests.push(Test::Contains(
            v.as_slice().iter().map(|g| Glob::new(g)).collect(),
        ));
    }
    if let Some(v) = &c.contains_in_order {
        if v.is_empty() {
            return Err(format!("`contains_in_order` on {:?} needs globs", c.arg));
        }
        tests.push(Test::ContainsInOrder(
            v.iter().map(|g| Glob::new(g)).collect(),
        ));
    }
    if let Some(r) = &c.text_matches {
        tests.push(Test::TextMatches(Regex::new(r).map_err(|e| e.to_string())?));
    }
    if let Some(keys) = c.has_keys {
        tests.push(Test::HasKeys(keys));
    }
    if tests.len() != 1 {
        return Err(format!("condition on {:?} needs exactly one test", c.arg));
    }
    Ok(Condition {
        arg: c.arg,
        position: c.position,
        test: tests.pop().unwrap(),
        chain: c.chain.as_deref().map(Glob::new),
    })
}

impl Condition {
    /// The argument's value: see [`settings`] for where it may be given.
    fn value<'m>(&self, call: &'m Call, consts: &Constants<'m>) -> settings::Found<'m> {
        use settings::Found;
        // Rust: a positional setting (the request) is that argument's; the call's builder chain
        // holds other settings.
        if !(consts.builder_setters && self.position.is_some()) {
            match settings::lookup(call, &self.arg, consts) {
                Found::Missing => {}
                found => return found,
            }
        }
        let Some(value) = self.position.and_then(|p| call.positional(p)) else {
            return Found::Missing;
        };
        match self.arg.split_once('.') {
            Some((_, path)) => settings::lookup_in(value, path, consts),
            None => Found::Value(value),
        }
    }

    /// For a version condition, whether it holds in the file's project; `None` for the others,
    /// which test the call.
    pub fn on_project(&self, project: &LazyProject) -> Option<bool> {
        let Test::Version {
            package,
            bound,
            at_least,
        } = &self.test
        else {
            return None;
        };
        Some(
            project
                .version(package)
                .is_some_and(|v| (v >= bound) == *at_least),
        )
    }

    pub fn holds<'m>(&self, call: &'m Call, consts: &Constants<'m>) -> bool {
        if let Test::Any(any) = &self.test {
            return any.iter().any(|c| c.holds(call, consts));
        }
        if let Some(glob) = &self.chain {
            // An argument of a call the receiver was made by, as written there.
            return settings::client_calls(call, consts)
                .filter(|c| c.qualified.as_deref().is_some_and(|q| glob.matches(q)))
                .any(|c| {
                    let value = (!self.arg.is_empty())
                        .then(|| c.keyword(&self.arg))
                        .flatten()
                        .or_else(|| self.position.and_then(|p| c.positional(p)));
                    self.test_value(value, consts)
                });
        }
        // `arg = "**"` stands for keyword arguments aiguard cannot see: a `**kwargs`, or a
        // `...spread` inside an options object, that is not a literal dict of this file.
        if self.arg == "**" {
            let hidden = settings::hidden_keywords(call, consts);
            return matches!(self.test, Test::Present(p) if p == hidden);
        }
        match self.value(call, consts) {
            // Somewhere aiguard cannot read: it may be there, with any value.
            settings::Found::Unknown => matches!(self.test, Test::Present(true) | Test::Set(true)),
            found => self.test_value(found.value(), consts),
        }
    }

    /// The condition's test on a value (`None`: not given).
    pub(crate) fn test_value<'m>(&self, value: Option<&'m Expr>, consts: &Constants<'m>) -> bool {
        match &self.test {
            Test::Present(p) => value.is_some() == *p,
            Test::Equals(want) => value.and_then(|v| literal_of(v, consts)).as_ref() == Some(want),
            Test::Literal(l) => value.is_some_and(|v| literal_of(v, consts).is_some() == *l),
            Test::Matches(re) => match value.and_then(|v| literal_of(v, consts)) {
                Some(Literal::Str(s)) => re.is_match(&s),
                _ => false,
            },
            Test::NameMatches(re) => value
                .filter(|v| literal_of(v, consts).is_none())
                .and_then(spelling)
                .is_some_and(|s| re.is_match(&s)),
            Test::Set(b) => value.is_some_and(|v| !is_null(v)) == *b,
            Test::Unbounded(b) => value.is_some_and(|v| unbounded(v, consts) == *b),
            // Needs the project: see `on_project`. Where no project is given it never holds.
            // `any` is tested on the call (`holds`), not on one value.
            Test::Version { .. } | Test::Any(_) => false,
            Test::TextMatches(re) => value
                .and_then(|v| text_of(v, consts, MAX_HOPS))
                .is_some_and(|t| re.is_match(&t)),
            Test::HasKeys(keys) => value
                .and_then(|v| dict_of(v, consts).map(|entries| (v, entries)))
                .is_some_and(|(v, entries)| {
                    // Keys stored after the literal (`body["messages"] = msgs`) count too.
                    let stored = |k: &str| match &v.kind {
                        ExprKind::Name(n) => consts.stored(n, k, v.span).is_some(),
                        _ => false,
                    };
                    keys.iter().all(|k| {
                        stored(k)
                            || entries
                                .iter()
                                .any(|(key, _)| key.as_ref().and_then(|k| k.as_str()) == Some(k))
                    })
                }),
            Test::Contains(globs) => list_items(value, consts)
                .is_some_and(|items| items.iter().any(|item| item_matches(item, globs, consts))),
            Test::ContainsInOrder(globs) => list_items(value, consts).is_some_and(|items| {
                let mut wanted = globs.iter().peekable();
                for item in items {
                    if wanted
                        .peek()
                        .is_some_and(|g| item_matches(item, std::slice::from_ref(*g), consts))
                    {
                        wanted.next();
                    }
                }
                wanted.peek().is_none()
            }),
        }
    }
}

/// The items of a list literal, directly or through a name bound once.
fn list_items<'m>(value: Option<&'m Expr>, consts: &Constants<'m>) -> Option<&'m [Expr]> {
    let list = value.map(|v| match &v.kind {
        ExprKind::Name(n) => consts.binding(n).unwrap_or(v),
        _ => v,
    })?;
    match &list.kind {
        ExprKind::List(items) => Some(items),
        _ => None,
    }
}

/// A list item that is one of these strings, or spelled as one of these globs; a `[plugin,
/// options]` pair (unified, webpack, babel) is its first element.
fn item_matches(item: &Expr, globs: &[Glob], consts: &Constants) -> bool {
    let item = match &item.kind {
        ExprKind::List(pair) => match pair.first() {
            Some(first) => first,
            None => return false,
        },
        _ => item,
    };
    match literal_of(item, consts) {
        Some(Literal::Str(s)) => globs.iter().any(|g| g.pattern() == s),
        Some(_) => false,
        None => spelling(item).is_some_and(|t| {
            globs
                .iter()
                .any(|g| !g.pattern().trim_matches('*').is_empty() && g.matches(&t))
        }),
    }
}

/// How many names and string parts the text test follows.
const MAX_HOPS: usize = 8;

/// The text of a string value: a literal, or a string built by interpolation with each part it
/// cannot read as its spelling in braces (`{OLLAMA_HOST}`, `{self.host}`; `{}` when it has none);
/// names bound once (in the function around them, else the file) are followed. `None` for a value that is not a string aiguard can see.
fn text_of(e: &Expr, consts: &Constants, hops: usize) -> Option<String> {
    if hops == 0 {
        return None;
    }
    match &e.kind {
        ExprKind::Str(s) => Some(s.to_string()),
        ExprKind::Name(n) => consts
            .binding_at(n, e.span)
            .and_then(|v| text_of(v, consts, hops - 1)),
        // `self.url`, set once (in `__init__`, a constructor).
        ExprKind::Attribute { value, attr } if crate::resolve::is_receiver_name(value) => consts
            .field(attr)
            .and_then(|v| text_of(v, consts, hops - 1)),
        // `os.getenv("BASE_URL") or "https://..."`: the one text the code spells.
        ExprKind::Choice(items) => items.iter().find_map(|i| text_of(i, consts, hops - 1)),
        // A setting read with a default (`os.getenv("BASE_URL", "https://...")`,
        // `config.get("base_url", "https://...")`): the default is the text the code knows.
        ExprKind::Call(c) if c.args.len() == 2 && lookup_with_default(c, consts) => {
            c.positional(1).and_then(|d| text_of(d, consts, hops - 1))
        }
        ExprKind::StringBuild(parts) => Some(
            parts
                .iter()
                .map(|p| match p {
                    StrPart::Lit(s) => s.to_string(),
                    StrPart::Expr(x) => text_of(x, consts, hops - 1)
                        .unwrap_or_else(|| format!("{{{}}}", spelling(x).unwrap_or_default())),
                })
                .collect(),
        ),
        _ => None,
    }
}

/// A lookup of a setting by its key (`Constants::lookups`, the packs' `[[name_lookups]]`) with
/// the default as its second argument.
fn lookup_with_default(c: &Call, consts: &Constants) -> bool {
    let name = match &c.callee.kind {
        ExprKind::Attribute { attr, .. } => &**attr,
        ExprKind::Name(n) => &**n,
        _ => return false,
    };
    consts.lookups.iter().any(|l| l == name) && c.args.iter().all(|a| a.name.is_none())
}

/// The entries of the dict literal `e` is, or serialises (`json.dumps(body)`).
fn dict_of<'m>(e: &'m Expr, consts: &Constants<'m>) -> Option<&'m [(Option<Expr>, Expr)]> {
    match &settings::serialised(e, consts).kind {
        ExprKind::Dict(entries) => Some(entries),
        _ => None,
    }
}

pub(crate) fn is_null(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Null) || matches!(&e.kind, ExprKind::Name(n) if &**n == "undefined")
}

/// A value that bounds nothing: `None`/`null`, infinity (`float("inf")`, `math.inf`,
/// `Infinity`), the largest integer (`sys.maxsize`, `Number.MAX_SAFE_INTEGER`), or a number of a
/// million or more.
pub(crate) fn unbounded(e: &Expr, consts: &Constants) -> bool {
    const SPELLINGS: &[&str] = &[
        "math.inf",
        "sys.maxsize",
        "Infinity",
        "Number.POSITIVE_INFINITY",
        "Number.MAX_SAFE_INTEGER",
        "Number.MAX_VALUE",
    ];
    if is_null(e) {
        return true;
    }
    match &e.kind {
        ExprKind::Number(n) => n.replace('_', "").parse::<f64>().is_ok_and(|v| v >= 1e6),
        ExprKind::Name(n) if consts.binding(n).is_some() => consts
            .binding(n)
            .is_some_and(|v| unbounded(v, &Constants::default())),
        ExprKind::Call(c) => {
            c.callee.dotted().as_deref() == Some("float")
                && matches!(c.positional(0).map(|a| &a.kind), Some(ExprKind::Str(s)) if s.trim_start_matches(['+']).to_ascii_lowercase().starts_with("inf"))
        }
        _ => e.dotted().is_some_and(|d| SPELLINGS.contains(&d.as_str())),
    }
}

/// The dotted spelling of a value's name (`config.model_path`), or of a called function
/// (`os.path.join(...)` -> `os.path.join`).
pub(crate) fn spelling(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Call(c) => c
            .qualified
            .as_deref()
            .map(str::to_string)
            .or_else(|| c.callee.dotted()),
        ExprKind::Await(inner) => spelling(inner),
        // `Path("models") / "llama"`: the expression is spelled by its first operand.
        ExprKind::Other(children) => children.first().and_then(spelling),
        _ => e.dotted(),
    }
}

pub(crate) fn literal_of(e: &Expr, consts: &Constants) -> Option<Literal> {
    match &e.kind {
        ExprKind::Bool(b) => Some(Literal::Bool(*b)),
        ExprKind::Str(s) => Some(Literal::Str(s.to_string())),
        ExprKind::Number(n) => n.parse().ok().map(Literal::Int),
        ExprKind::Name(n) => consts
            .get(n)
            .and_then(|v| literal_of(v, &Constants::default())),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
