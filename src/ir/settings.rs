//! The settings a call is made with, wherever the code puts them.
//!
//! A limit or timeout is rarely a plain keyword of the call a rule looks at. It can be:
//! - a keyword or an options-object key of the call (`create(max_tokens=500)`,
//!   `generateText({ maxOutputTokens: 500 })`);
//! - a key of a literal dict splatted into it (`params = {"max_tokens": 500}; create(**params)`,
//!   `{ ...params }`), or of a literal options object passed by name;
//! - nested in a settings object (`config=GenerateContentConfig(max_output_tokens=500)`,
//!   `options={"num_predict": 256}`): a dotted path, `config.max_output_tokens`;
//! - set on the client the call is made through (`client = OpenAI(timeout=20)`,
//!   `client.with_options(timeout=5).chat.completions.create(...)`, `self.client = ...`).
//!
//! Names are followed through [`Constants`]: a name bound exactly once in the function around the
//! call (else in the file), or a field bound once in the file.

use super::constants::Constants;
use crate::ir::{Call, Expr, ExprKind, Splat};
use crate::resolve::is_receiver_name;

/// How many bindings a lookup follows before giving up (cycles, long alias chains).
const MAX_HOPS: usize = 8;

/// What a lookup of a setting found.
#[derive(Debug, Clone, Copy)]
pub enum Found<'m> {
    Value(&'m Expr),
    /// Not given anywhere aiguard can see.
    Missing,
    /// Inside something aiguard cannot read: a settings object built from `**kwargs`, returned
    /// by a helper, or passed in (`config=self._build_config()`).
    Unknown,
}

impl<'m> Found<'m> {
    pub fn value(self) -> Option<&'m Expr> {
        match self {
            Found::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// The setting at `path` (`timeout`, `config.max_output_tokens`) for `call`.
pub fn lookup<'m>(call: &'m Call, path: &str, consts: &Constants<'m>) -> Found<'m> {
    let (head, rest) = match path.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (path, None),
    };
    let found = match keyword(call, head, consts).or_else(|| from_client(call, head, consts)) {
        Some(v) => Found::Value(v),
        // The call's own chain and its client's: a client used by statements of its own
        // (`client.chat().create(..);`) is still the one it was built as.
        None if consts.builder_setters => built_with(call, head, consts, false),
        None => Found::Missing,
    };
    match (found, rest) {
        (Found::Value(v), Some(rest)) => lookup_in(v, rest, consts),
        (found, _) => found,
    }
}

/// Rust: the value given to the builder method `name` (`.max_tokens(500)`) by `call` itself or
/// by a call of the chain it is made on, following names bound once (`let b =
/// Args::default().max_tokens(500); b.build()`). Unknown when the chain starts from something
/// aiguard cannot read: a parameter, a helper of the file's own, or with `setup_hides`, a name set
/// up by statements of its own (`b.max_tokens(5);`).
fn built_with<'m>(
    call: &'m Call,
    name: &str,
    consts: &Constants<'m>,
    setup_hides: bool,
) -> Found<'m> {
    let mut last = call;
    for c in std::iter::once(call).chain(client_calls(call, consts)) {
        if matches!(&c.callee.kind, ExprKind::Attribute { attr, .. } if &**attr == name) {
            return c.positional(0).map_or(Found::Missing, Found::Value);
        }
        if setup_hides
            && matches!(&receiver(c).kind, ExprKind::Name(n) if consts.mutated(n, receiver(c).span))
        {
            return Found::Unknown;
        }
        last = c;
    }
    // Where the chain starts: the receiver of its first call.
    if !matches!(&last.callee.kind, ExprKind::Attribute { .. }) {
        return chain_start(last);
    }
    let root = receiver(last);
    if !std::ptr::eq(follow(root, consts), root) {
        // Bound to something that is not a call (or the walk gave up).
        return Found::Unknown;
    }
    // A type (`Client::new()`, `genai::Client::default()`: CapWords in Rust) starts the chain; a
    // parameter, a field or a name bound more than once in its function does not say what it was
    // built with.
    let is_type = root.dotted().is_some_and(|d| {
        d.rsplit('.')
            .next()
            .is_some_and(|t| t.starts_with(char::is_uppercase))
    });
    if is_type {
        chain_start(last)
    } else {
        Found::Unknown
    }
}

/// What a method call is made on, through `.await`/`?` (`b` of `b.build()`); the callee itself
/// for a plain function call.
fn receiver(c: &Call) -> &Expr {
    let mut e = match &c.callee.kind {
        ExprKind::Attribute { value, .. } => &**value,
        _ => &c.callee,
    };
    while let ExprKind::Await(inner) = &e.kind {
        e = inner;
    }
    e
}

/// The first call of a builder chain with the setting nowhere in it: missing when it is a
/// library's constructor, unknown when it is a helper of the file's own (`build_request()`).
fn chain_start(c: &Call) -> Found<'static> {
    if library_call(c) {
        Found::Missing
    } else {
        Found::Unknown
    }
}

/// The setting at `path` (`recursion_limit`, `a.b`) inside a settings value.
pub fn lookup_in<'m>(value: &'m Expr, path: &str, consts: &Constants<'m>) -> Found<'m> {
    let mut value = value;
    for key in path.split('.') {
        value = match member(value, key, consts) {
            Found::Value(v) => v,
            other => return other,
        };
    }
    Found::Value(value)
}

/// Whether `call` may get keyword arguments aiguard cannot see: a `**kwargs` or `...spread` that
/// is not a literal dict bound in this file.
pub fn hidden_keywords(call: &Call, consts: &Constants) -> bool {
    let last = call.args.len().saturating_sub(1);
    let any_hidden = |ds: Vec<&Entries>| ds.iter().any(|d| has_hidden(d, consts));
    call.args.iter().enumerate().any(|(i, a)| match a.splat {
        Splat::DoubleStar => dicts_of(&a.value, consts).is_none_or(any_hidden),
        Splat::Star => false,
        Splat::None if a.name.is_some() => false,
        Splat::None => match dicts_of(&a.value, consts) {
            Some(ds) => any_hidden(ds),
            // TS/JS: an options object passed by a name that is not a literal of this file. It
            // comes last (`fetch(url, opts)`): the URL before a literal options object is not one.
            None => consts.options_objects && i == last && opaque_object(&a.value, consts),
        },
    })
}

/// A value that may be an object aiguard cannot read: a parameter, a field, a call's result, a
/// choice of unlike objects, or a literal changed in place.
fn opaque_object(e: &Expr, consts: &Constants) -> bool {
    matches!(&e.kind, ExprKind::Name(n) if consts.changed_unseen(n, e.span))
        || matches!(
            follow(e, consts).kind,
            ExprKind::Name(_)
                | ExprKind::Attribute { .. }
                | ExprKind::Call(_)
                | ExprKind::Index { .. }
                | ExprKind::Await(_)
                | ExprKind::Choice(_)
        )
}

type Entries = [(Option<Expr>, Expr)];

/// A literal dict or options object, directly or through a name bound once and changed in place
/// only under constant keys (`params["max_tokens"] = n`, read with [`stored_entry`]).
fn dict_of<'m>(e: &'m Expr, consts: &Constants<'m>) -> Option<&'m Entries> {
    if matches!(&e.kind, ExprKind::Name(n) if consts.changed_unseen(n, e.span)) {
        return None;
    }
    match &follow(e, consts).kind {
        ExprKind::Dict(entries) => Some(entries),
        _ => None,
    }
}

/// The literal dicts a value may be: [`dict_of`]'s, or each dict literal a name is bound to
/// in turn in its function (`kwargs = {...}` in an `if`, `{...}` in the `else`).
fn dicts_of<'m>(e: &'m Expr, consts: &Constants<'m>) -> Option<Vec<&'m Entries>> {
    if let Some(d) = dict_of(e, consts) {
        return Some(vec![d]);
    }
    let ExprKind::Name(n) = &e.kind else {
        return None;
    };
    if consts.changed_unseen(n, e.span) {
        return None;
    }
    let choices = consts.dict_choices(n, e.span)?;
    choices
        .iter()
        .map(|c| match &c.kind {
            ExprKind::Dict(entries) => Some(entries.as_slice()),
            _ => None,
        })
        .collect()
}

/// A dict with a spread of something that is not itself a literal dict (looked into a few deep;
/// deeper, or a dict spreading itself, counts as hidden).
fn has_hidden(entries: &Entries, consts: &Constants) -> bool {
    has_hidden_within(entries, consts, MAX_HOPS)
}

fn has_hidden_within(entries: &Entries, consts: &Constants, hops: usize) -> bool {
    entries.iter().any(|(k, v)| {
        k.is_none()
            && match dict_of(spread_inner(v), consts) {
                Some(inner) => hops == 0 || has_hidden_within(inner, consts, hops - 1),
                None => true,
            }
    })
}

fn spread_inner(e: &Expr) -> &Expr {
    match &e.kind {
        ExprKind::Spread(inner) => inner,
        _ => e,
    }
}

/// `e` with names and fields bound once replaced by their values, and `await` looked through.
fn follow<'m>(mut e: &'m Expr, consts: &Constants<'m>) -> &'m Expr {
    for _ in 0..MAX_HOPS {
        let next = match &e.kind {
            ExprKind::Name(n) => consts.binding_at(n, e.span),
            ExprKind::Attribute { value, attr } if is_receiver_name(value) => consts.field(attr),
            ExprKind::Await(inner) => Some(&**inner),
            ExprKind::Choice(items) => alike_dicts(items, consts),
            ExprKind::Call(c) => copied(c, consts),
            _ => None,
        };
        match next {
            Some(n) => e = n,
            None => break,
        }
    }
    e
}

/// What a shallow copy copies (the language's `copy_functions` and `copy_methods`: `dict(args)`,
/// `args.copy()`, `structuredClone(args)`). The copy holds the same keys until the code stores
/// more.
fn copied<'m>(c: &'m Call, consts: &Constants) -> Option<&'m Expr> {
    match &c.callee.kind {
        ExprKind::Name(n) if consts.copy_functions.contains(&&**n) => match c.args.as_slice() {
            [a] if a.name.is_none() && a.splat == Splat::None => Some(&a.value),
            _ => None,
        },
        ExprKind::Attribute { value, attr }
            if c.args.is_empty() && consts.copy_methods.contains(&&**attr) =>
        {
            Some(&**value)
        }
        _ => None,
    }
}

/// The first of a choice of dicts that spell the same keys and spreads in the same order
/// (`c ? { ...base, t: 1 } : { ...base, t: 0 }`): what one holds under a key, the others hold
/// under it too. `None` for any other choice, which stays unknown.
fn alike_dicts<'m>(items: &'m [Expr], consts: &Constants<'m>) -> Option<&'m Expr> {
    let keys = |e: &'m Expr| -> Option<Vec<Option<String>>> {
        let ExprKind::Dict(entries) = &follow_once(e, consts).kind else {
            return None;
        };
        entries
            .iter()
            .map(|(k, v)| match k {
                Some(k) => k.as_str().map(|k| Some(k.to_string())),
                None => spread_inner(v).dotted().map(|d| Some(format!("...{d}"))),
            })
            .collect()
    };
    let mut branches = items.iter().filter(|i| i.choice_test().is_none());
    let first = branches.next()?;
    let want = keys(first)?;
    branches
        .all(|b| keys(b).as_ref() == Some(&want))
        .then_some(first)
}

/// One step of [`follow`] without choices: a name's binding, or the value itself.
fn follow_once<'m>(e: &'m Expr, consts: &Constants<'m>) -> &'m Expr {
    match &e.kind {
        ExprKind::Name(n) => consts.binding_at(n, e.span).unwrap_or(e),
        _ => e,
    }
}

/// A keyword of the call itself, or a key of a dict it is given whole (`**params`, an options
/// object, `{ ...params }`).
/// The keyword or options-object key `name` of `call`, also from a literal dict splatted into it
/// or an options object passed by a name bound once (`opts = {...}; create(opts)`).
pub fn keyword<'m>(call: &'m Call, name: &str, consts: &Constants<'m>) -> Option<&'m Expr> {
    if let Some(v) = call.keyword(name) {
        return Some(v);
    }
    call.args.iter().find_map(|a| match (a.splat, &a.name) {
        (Splat::DoubleStar, _) | (Splat::None, None) => stored_entry(&a.value, name, consts)
            .or_else(|| {
                let dicts = dicts_of(&a.value, consts)?;
                dicts.into_iter().find_map(|d| entry(d, name, consts))
            }),
        _ => None,
    })
}

/// The value a name's dict holds under `key` from a store in place (`params["stream"] = True`).
fn stored_entry<'m>(e: &'m Expr, key: &str, consts: &Constants<'m>) -> Option<&'m Expr> {
    match &e.kind {
        ExprKind::Name(n) => consts.stored(n, key, e.span),
        _ => None,
    }
}

/// The value of `key` in a dict, looking into spreads of dicts bound once (a few deep: `kwargs =
/// {**kwargs, ...}` spreads itself).
fn entry<'m>(entries: &'m Entries, key: &str, consts: &Constants<'m>) -> Option<&'m Expr> {
    entry_within(entries, key, consts, MAX_HOPS)
}

fn entry_within<'m>(
    entries: &'m Entries,
    key: &str,
    consts: &Constants<'m>,
    hops: usize,
) -> Option<&'m Expr> {
    // Later entries win, as at run time.
    entries.iter().rev().find_map(|(k, v)| match k {
        Some(k) => (k.as_str() == Some(key)).then_some(v),
        None if hops > 0 => entry_within(dict_of(spread_inner(v), consts)?, key, consts, hops - 1),
        None => None,
    })
}

/// `key` of a settings value: a dict entry, or a keyword of the call that built it
/// (`GenerateContentConfig(max_output_tokens=...)`). A call with no keywords at all is a helper
/// that builds the settings (`self._build_config()`), not their constructor: unknown.
fn member<'m>(value: &'m Expr, key: &str, consts: &Constants<'m>) -> Found<'m> {
    if matches!(&value.kind, ExprKind::Name(n) if consts.changed_unseen(n, value.span)) {
        return Found::Unknown;
    }
    if let Some(v) = stored_entry(value, key, consts) {
        return Found::Value(v);
    }
    let found = |v: Option<&'m Expr>, hidden: bool| match (v, hidden) {
        (Some(v), _) => Found::Value(v),
        (None, true) => Found::Unknown,
        (None, false) => Found::Missing,
    };
    match &follow(value, consts).kind {
        ExprKind::Dict(entries) => found(entry(entries, key, consts), has_hidden(entries, consts)),
        // Rust: a struct literal (`Req { max_tokens: Some(5), ..Default::default() }`); the rest
        // is hidden unless it is the type's defaults.
        ExprKind::Call(c) if consts.builder_setters && c.is_new => {
            let entries = c.positional(0).and_then(|a| match &a.kind {
                ExprKind::Dict(entries) => Some(entries),
                _ => None,
            });
            let hidden = entries.is_some_and(|es| {
                es.iter()
                    .any(|(k, v)| k.is_none() && !is_default_call(spread_inner(v)))
            });
            found(
                entries.and_then(|es| entry_within(es, key, consts, 0)),
                hidden,
            )
        }
        ExprKind::Call(c) if consts.builder_setters => built_with(c, key, consts, true),
        // `json.dumps(body).encode("utf-8")`: a method of the serialised text, not a settings
        // object of its own.
        ExprKind::Call(c) if c.args.iter().all(|a| a.name.is_none()) => match serialising_method(c)
        {
            Some(receiver) => member(receiver, key, consts),
            None => found(
                keyword(c, key, consts),
                hidden_keywords(c, consts) || !library_call(c),
            ),
        },
        ExprKind::Call(c) => found(
            keyword(c, key, consts),
            hidden_keywords(c, consts) || !library_call(c),
        ),
        ExprKind::Null => Found::Missing,
        _ => Found::Unknown,
    }
}

/// The call whose result a method is called on (`json.dumps(body)` of `.encode()`).
fn serialising_method(c: &Call) -> Option<&Expr> {
    match &c.callee.kind {
        ExprKind::Attribute { value, .. } if matches!(value.kind, ExprKind::Call(_)) => Some(value),
        _ => None,
    }
}

/// What a value serialises: through the first positional argument of a call
/// (`json.dumps(body)`, `JSON.stringify(body)`) and the receiver of a method called on a call's
/// result (`json.dumps(body).encode("utf-8")`), following names bound once. It stops at a name
/// changed in place (`body["stream"] = True`), whose literal is not all it holds.
pub fn serialised<'m>(e: &'m Expr, consts: &Constants<'m>) -> &'m Expr {
    let mut e = e;
    for _ in 0..MAX_HOPS {
        // A dict changed in place only under constant keys (`payload["system"] = s`) still has
        // its literal's entries.
        if matches!(&e.kind, ExprKind::Name(n) if consts.changed_unseen(n, e.span)) {
            return e;
        }
        e = follow(e, consts);
        let ExprKind::Call(c) = &e.kind else {
            return e;
        };
        e = match serialising_method(c).or_else(|| c.positional(0)) {
            Some(next) => next,
            None => return e,
        };
    }
    e
}

/// `Default::default()`, `T::default()`.
fn is_default_call(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Call(c) if matches!(&c.callee.kind, ExprKind::Attribute { attr, .. } if &**attr == "default"))
}

/// A call of a library (`types.GenerateContentConfig(...)`, qualified through an import), not
/// of a helper of the file's own (`build_config()`, `self._build_config()`) whose result aiguard
/// does not follow.
fn library_call(c: &Call) -> bool {
    c.qualified
        .as_deref()
        .is_some_and(|q| q.contains('.') && !q.starts_with("self.") && !q.starts_with("this."))
}

/// A keyword given to a call the client was made by: `OpenAI(timeout=20)` for
/// `client.chat.completions.create(...)` when `client = OpenAI(timeout=20)`, or
/// `with_options(timeout=5)` earlier in the chain.
fn from_client<'m>(call: &'m Call, name: &str, consts: &Constants<'m>) -> Option<&'m Expr> {
    client_calls(call, consts).find_map(|c| keyword(c, name, consts))
}

/// The calls `call`'s receiver was made by, nearest first: the calls in its receiver chain, and
/// through names and `self` fields bound once, the calls they were bound to.
pub fn client_calls<'m, 'c>(
    call: &'m Call,
    consts: &'c Constants<'m>,
) -> impl Iterator<Item = &'m Call> + 'c {
    let mut e = Some(&call.callee);
    let mut hops = 0;
    std::iter::from_fn(move || {
        while let Some(cur) = e {
            hops += 1;
            if hops > MAX_HOPS * 4 {
                e = None;
                return None;
            }
            e = match &cur.kind {
                ExprKind::Call(c) => {
                    e = Some(&c.callee);
                    return Some(&**c);
                }
                ExprKind::Attribute { value, .. } if !is_receiver_name(value) => Some(value),
                ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Await(_) => {
                    let followed = follow(cur, consts);
                    (!std::ptr::eq(followed, cur)).then_some(followed)
                }
                _ => None,
            };
        }
        None
    })
}
