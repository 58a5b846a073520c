//! Pattern rules: one construct of the IR, declared as data.
//!
//! A `[[pattern]]` either matches calls by qualified name (`calls = ["torch.load"]`, `*` is a
//! wildcard) and then checks argument conditions, or matches a keyword argument / dict or object
//! key by name anywhere (`keys = ["trust_remote_code"]`) and checks its value, or matches an
//! assignment to a qualified name (`assigns = ["litellm.ssl_verify"]`) and checks its value.
//!
//! Conditions: `when` (all must hold) and `unless` (none may hold). Each names an argument (`arg`,
//! with an optional positional `position`; `"**"` means keyword arguments hidden in a `**kwargs`
//! or `...spread`, tested only with `present`) and one test: `present`, `equals` (a literal),
//! `literal` (the value is / is not a literal), `matches` (a regex on the literal string value,
//! after following names bound once to a literal), `name_matches` (a regex on the dotted spelling
//! of a non-literal value), `contains` (a list literal with an element that is one of these
//! strings, or whose spelling matches one of them as a glob; a lone `*` matches only `"*"`).
//!
//! With `chain` (a qualified-name glob), the condition tests an argument of a call the receiver
//! was made by instead of the call itself (`Command::new("sh").arg("-c").arg(x)`: `chain =
//! "*Command.new"` tests `"sh"`); it holds when one such call's argument passes the test.
//!
//! A condition may instead name a package of the file's project (`package`, with `at_least` or
//! `below`, see [`crate::project`]): it holds when the project's version is known and in range.

use super::{settings, Hit, RuleMeta};
use crate::ir::{Call, Expr, ExprKind, Module, Span};
use crate::project::{LazyProject, Version};
use regex::Regex;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPattern {
    pub rule: String,
    /// Language families this pattern applies to; all of the rule's when empty.
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    calls: Vec<String>,
    #[serde(default)]
    keys: Vec<String>,
    /// Assignments to these qualified names (`litellm.ssl_verify`, `DEBUG`); with `equals` or
    /// `matches`, as `keys`.
    #[serde(default)]
    assigns: Vec<String>,
    /// With `keys`: the literal value that makes a match.
    #[serde(default)]
    equals: Option<toml::Value>,
    /// With `keys`: a regex the literal string value must match, instead of `equals`.
    #[serde(default)]
    matches: Option<String>,
    #[serde(default)]
    when: Vec<RawCondition>,
    #[serde(default)]
    unless: Vec<RawCondition>,
    /// For a call that makes a client: not reported when a call made through that client
    /// meets one of these (`unless_uses = [{ arg = "timeout", set = true }]`: the code sets a
    /// timeout per call instead).
    #[serde(default)]
    unless_uses: Vec<RawCondition>,
    /// Report at this argument's span instead of the whole call, when it is present.
    #[serde(default)]
    focus: Option<String>,
    /// Overrides the rule's confidence for what this pattern reports (`low`, `medium`, `high`).
    #[serde(default)]
    confidence: Option<String>,
    message: String,
}

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
    arg: String,
    #[serde(default)]
    position: Option<usize>,
    #[serde(default)]
    present: Option<bool>,
    #[serde(default)]
    equals: Option<toml::Value>,
    #[serde(default)]
    literal: Option<bool>,
    #[serde(default)]
    matches: Option<String>,
    #[serde(default)]
    name_matches: Option<String>,
    #[serde(default)]
    set: Option<bool>,
    #[serde(default)]
    unbounded: Option<bool>,
    /// A package of the file's project, tested with `at_least` or `below`.
    #[serde(default)]
    package: Option<String>,
    #[serde(default)]
    at_least: Option<String>,
    #[serde(default)]
    below: Option<String>,
    /// The value is a list literal with an element that is one of these strings (one string or
    /// several: `contains = "*"`), or whose spelling (`HumanApprovalCallbackHandler()`) matches
    /// one of them as a glob.
    #[serde(default)]
    contains: Option<StringOrList>,
    /// Test the argument of a call matching this glob among the calls the receiver was made by
    /// (the earlier calls of a method chain, and through names bound once, the calls they were
    /// bound to), not of the call itself.
    #[serde(default)]
    chain: Option<String>,
}

#[derive(Debug)]
pub struct PatternRule {
    pub rule_id: &'static str,
    pub languages: Vec<String>,
    calls: Vec<Glob>,
    keys: Vec<String>,
    assigns: Vec<Glob>,
    equals: Option<Literal>,
    matches: Option<Regex>,
    when: Vec<Condition>,
    unless: Vec<Condition>,
    unless_uses: Vec<Condition>,
    confidence: Option<crate::finding::Confidence>,
    focus: Option<String>,
    message: String,
}

#[derive(Debug, Clone)]
pub struct Condition {
    arg: String,
    position: Option<usize>,
    test: Test,
    /// See [`RawCondition::chain`].
    chain: Option<Glob>,
}

#[derive(Debug, Clone)]
enum Test {
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
}

#[derive(Debug, Clone, PartialEq)]
enum Literal {
    Bool(bool),
    Str(String),
    Int(i64),
}

/// A qualified-name pattern: exact, or with `*` wildcards matching any run of characters.
#[derive(Debug, Clone)]
pub struct Glob {
    pattern: String,
    parts: Vec<String>,
}

impl Glob {
    pub fn new(pattern: &str) -> Glob {
        Glob {
            pattern: pattern.to_string(),
            parts: pattern.split('*').map(str::to_string).collect(),
        }
    }

    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    pub fn matches(&self, name: &str) -> bool {
        if self.parts.len() == 1 {
            return self.parts[0] == name;
        }
        let (first, last) = (&self.parts[0], &self.parts[self.parts.len() - 1]);
        if !name.starts_with(first.as_str()) || !name[first.len()..].ends_with(last.as_str()) {
            return false;
        }
        let mut rest = &name[first.len()..name.len() - last.len()];
        for mid in &self.parts[1..self.parts.len() - 1] {
            match rest.find(mid.as_str()) {
                Some(i) => rest = &rest[i + mid.len()..],
                None => return false,
            }
        }
        true
    }
}

fn literal_from_toml(v: &toml::Value) -> Result<Literal, String> {
    match v {
        toml::Value::Boolean(b) => Ok(Literal::Bool(*b)),
        toml::Value::String(s) => Ok(Literal::Str(s.clone())),
        toml::Value::Integer(i) => Ok(Literal::Int(*i)),
        other => Err(format!("unsupported literal {other}")),
    }
}

impl PatternRule {
    pub fn compile(raw: RawPattern, meta: &RuleMeta) -> Result<PatternRule, String> {
        let ctx = |e: String| format!("pattern of {}: {e}", meta.id);
        let forms = [&raw.calls, &raw.keys, &raw.assigns];
        if forms.iter().filter(|f| !f.is_empty()).count() != 1 {
            return Err(ctx(
                "give exactly one of `calls`, `keys` or `assigns`".into()
            ));
        }
        if raw.calls.is_empty() && raw.equals.is_none() == raw.matches.is_none() {
            return Err(ctx(
                "`keys` and `assigns` need one of `equals` or `matches`".into(),
            ));
        }
        let compile_all = |conds: Vec<RawCondition>| -> Result<Vec<Condition>, String> {
            conds
                .into_iter()
                .map(|c| compile_condition(c).map_err(ctx))
                .collect()
        };
        for l in &raw.languages {
            if !meta.languages.contains(&l.as_str()) {
                return Err(ctx(format!("language {l:?} is not one of the rule's")));
            }
        }
        Ok(PatternRule {
            rule_id: meta.id,
            languages: raw.languages,
            calls: raw.calls.iter().map(|c| Glob::new(c)).collect(),
            keys: raw.keys,
            assigns: raw.assigns.iter().map(|c| Glob::new(c)).collect(),
            equals: raw
                .equals
                .as_ref()
                .map(literal_from_toml)
                .transpose()
                .map_err(ctx)?,
            matches: raw
                .matches
                .as_deref()
                .map(Regex::new)
                .transpose()
                .map_err(|e| ctx(e.to_string()))?,
            when: compile_all(raw.when)?,
            unless: compile_all(raw.unless)?,
            unless_uses: compile_all(raw.unless_uses)?,
            focus: raw.focus,
            confidence: crate::flow::spec::confidence_of(raw.confidence.as_deref()).map_err(ctx)?,
            message: raw.message,
        })
    }

    /// Whether this is a call pattern matching the qualified name `name`.
    pub fn matches_call(&self, name: &str) -> bool {
        self.calls.iter().any(|g| g.matches(name))
    }

    pub fn applies_to(&self, family: &str, meta: &RuleMeta) -> bool {
        meta.runs_on(&self.languages, family)
    }

    /// Run this pattern over a file's call and key sites.
    pub fn run(
        &self,
        sites: &Sites,
        consts: &Constants,
        project: &LazyProject,
        out: &mut Vec<Hit>,
    ) {
        if !self.assigns.is_empty() {
            // Conditions of an assignment pattern name other module-level names bound once
            // (`CORS_ALLOW_CREDENTIALS = True` in the same settings file).
            let holds = |c: &Condition| c.test_value(consts.binding(&c.arg), consts);
            for (target, value, span) in &sites.assigns {
                if !self.assigns.iter().any(|g| g.matches(target))
                    || !self.value_matches(value, consts)
                {
                    continue;
                }
                if self.when.iter().all(holds) && !self.unless.iter().any(holds) {
                    out.push(self.hit(*span, target));
                }
            }
            return;
        }
        if !self.keys.is_empty() {
            for (key, value, span) in &sites.keyed {
                if !self.keys.iter().any(|k| k == key) {
                    continue;
                }
                if self.value_matches(value, consts) {
                    out.push(self.hit(*span, key));
                }
            }
            return;
        }
        for (call, span) in &sites.calls {
            let Some(name) = call.qualified.as_deref() else {
                continue;
            };
            if !self.calls.iter().any(|g| g.matches(name)) {
                continue;
            }
            let holds = |c: &Condition| {
                c.on_project(project)
                    .unwrap_or_else(|| c.holds(call, consts))
            };
            if self.when.iter().all(holds)
                && !self.unless.iter().any(holds)
                && !self.a_use_meets(call, sites, consts)
            {
                let focus = self
                    .focus
                    .as_deref()
                    .and_then(|f| call.args.iter().find(|a| a.name.as_deref() == Some(f)))
                    .map(|a| a.span)
                    .unwrap_or(*span);
                out.push(self.hit(focus, name));
            }
        }
    }

    /// `equals` / `matches` of a `keys` or `assigns` pattern.
    fn value_matches(&self, value: &Expr, consts: &Constants) -> bool {
        match (&self.equals, &self.matches, &literal_of(value, consts)) {
            (Some(want), _, Some(l)) => l == want,
            (_, Some(re), Some(Literal::Str(s))) => re.is_match(s),
            _ => false,
        }
    }

    /// Whether a call made through the client `client` makes meets an `unless_uses` condition.
    fn a_use_meets(&self, client: &Call, sites: &Sites, consts: &Constants) -> bool {
        !self.unless_uses.is_empty()
            && sites.made_through(client, consts).iter().any(|c| {
                !std::ptr::eq(*c, client) && self.unless_uses.iter().any(|u| u.holds(c, consts))
            })
    }

    fn hit(&self, span: Span, name: &str) -> Hit {
        Hit {
            rule_id: self.rule_id,
            span,
            message: self.message.replace("{name}", name),
            in_raw: false,
            flow: Vec::new(),
            confidence: self.confidence,
            fix: None,
        }
    }
}

pub fn compile_condition(c: RawCondition) -> Result<Condition, String> {
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
    fn test_value<'m>(&self, value: Option<&'m Expr>, consts: &Constants<'m>) -> bool {
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
            Test::Version { .. } => false,
            Test::Contains(globs) => {
                let list = value.map(|v| match &v.kind {
                    ExprKind::Name(n) => consts.binding(n).unwrap_or(v),
                    _ => v,
                });
                let Some(ExprKind::List(items)) = list.map(|l| &l.kind) else {
                    return false;
                };
                items.iter().any(|item| match literal_of(item, consts) {
                    Some(Literal::Str(s)) => globs.iter().any(|g| g.pattern() == s),
                    Some(_) => false,
                    None => spelling(item).is_some_and(|t| {
                        globs
                            .iter()
                            .any(|g| !g.pattern().trim_matches('*').is_empty() && g.matches(&t))
                    }),
                })
            }
        }
    }
}

fn is_null(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Null) || matches!(&e.kind, ExprKind::Name(n) if &**n == "undefined")
}

/// A value that bounds nothing: `None`/`null`, infinity (`float("inf")`, `math.inf`,
/// `Infinity`), the largest integer (`sys.maxsize`, `Number.MAX_SAFE_INTEGER`), or a number of a
/// million or more.
fn unbounded(e: &Expr, consts: &Constants) -> bool {
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
fn spelling(e: &Expr) -> Option<String> {
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

/// The places pattern rules look at, collected in one walk of the module.
#[derive(Debug, Default)]
pub struct Sites<'m> {
    pub calls: Vec<(&'m Call, Span)>,
    /// Keyword arguments and dict/object entries with a string key: (key, value, span to report).
    pub keyed: Vec<(&'m str, &'m Expr, Span)>,
    /// Assignments to a name or attribute chain, the target qualified through the imports
    /// (`litellm.ssl_verify = False`, `process.env["X"] = "0"` as `process.env.X`).
    pub assigns: Vec<(String, &'m Expr, Span)>,
    /// For each call a client was made by (by address), the calls made through that client:
    /// built once, where asking each call about each client is quadratic.
    made_by: std::cell::OnceCell<HashMap<usize, Vec<&'m Call>>>,
}

impl<'m> Sites<'m> {
    pub fn collect(module: &'m Module) -> Self {
        let mut sites = Sites::default();
        module.walk_exprs(&mut |e| match &e.kind {
            ExprKind::Call(call) => {
                sites.calls.push((&**call, e.span));
                for a in &call.args {
                    if let Some(name) = a.name.as_deref() {
                        sites.keyed.push((name, &a.value, a.span));
                    }
                }
            }
            ExprKind::Dict(entries) => {
                for (k, v) in entries {
                    if let Some((key, kspan)) = k.as_ref().and_then(|k| Some((k.as_str()?, k.span)))
                    {
                        sites.keyed.push((
                            key,
                            v,
                            Span::new(kspan.start as usize, v.span.end as usize),
                        ));
                    }
                }
            }
            _ => {}
        });
        let imports = super::facts::Imports::new(module);
        for body in module.bodies() {
            crate::ir::walk_stmts(body, &mut |s| {
                if let crate::ir::StmtKind::Assign {
                    targets,
                    value,
                    augmented: false,
                } = &s.kind
                {
                    for t in targets {
                        if let Some(name) = assigned_name(&imports, t) {
                            let span = Span::new(t.span.start as usize, value.span.end as usize);
                            sites.assigns.push((name, value, span));
                        }
                    }
                }
            });
        }
        sites
    }

    /// The calls made through the client `client` made, in source order.
    fn made_through(&self, client: &Call, consts: &Constants<'_>) -> &[&'m Call] {
        let made_by = self.made_by.get_or_init(|| {
            let mut made_by: HashMap<usize, Vec<&'m Call>> = HashMap::new();
            for (c, _) in &self.calls {
                let mut clients: Vec<usize> = settings::client_calls(c, consts)
                    .map(|m| m as *const Call as usize)
                    .collect();
                clients.sort_unstable();
                clients.dedup();
                for m in clients {
                    made_by.entry(m).or_default().push(c);
                }
            }
            made_by
        });
        made_by
            .get(&(client as *const Call as usize))
            .map_or(&[], Vec::as_slice)
    }
}

/// The qualified spelling of an assignment target: a name or attribute chain, or one indexed by a
/// string (`process.env["X"]` is `process.env.X`).
fn assigned_name(imports: &super::facts::Imports, target: &Expr) -> Option<String> {
    match &target.kind {
        ExprKind::Index { value, index } => {
            Some(format!("{}.{}", imports.qualify(value)?, index.as_str()?))
        }
        _ => imports.qualify(target),
    }
}

/// Names bound exactly once in a module (`MODEL = "gpt2"`, `client = OpenAI(timeout=20)`,
/// `params = {"max_tokens": 500}`), and class fields set exactly once through `self`/`this`
/// (`self.client = OpenAI()`): what a name stands for when a rule needs its value.
#[derive(Debug, Default)]
pub struct Constants<'m> {
    values: HashMap<&'m str, Option<&'m Expr>>,
    /// Each function's span and the names its own body binds (its parameters as `None`): a name
    /// bound in several functions is still one value inside each.
    locals: Vec<(Span, HashMap<&'m str, Option<&'m Expr>>)>,
    /// `locals` by span.
    local_spans: crate::nesting::Nesting,
    fields: HashMap<&'m str, Option<&'m Expr>>,
    /// Names whose value is changed in place after it is bound (`params["max_tokens"] = n`,
    /// `params.update(...)`, `Object.assign(params, ...)`): a literal they were bound to is not
    /// all they hold.
    mutated: std::collections::HashSet<&'m str>,
    /// TS/JS: calls take their options as an object, so an object passed by a name aiguard cannot
    /// read may hold any option.
    pub options_objects: bool,
    /// Rust: settings are given by builder methods (`.max_tokens(500)`) and struct-literal fields.
    pub builder_setters: bool,
}

/// The name a method chain statement starts from (`b` in `b.model(m).max_tokens(5);`).
fn chain_root_name(e: &Expr) -> Option<&str> {
    let mut e = e;
    for _ in 0..crate::lang::MAX_DEPTH {
        e = match &e.kind {
            ExprKind::Await(inner) => inner,
            ExprKind::Call(c) => match &c.callee.kind {
                ExprKind::Attribute { value, .. } => value,
                _ => return None,
            },
            ExprKind::Name(n) => return Some(n),
            _ => return None,
        };
    }
    None
}

impl<'m> Constants<'m> {
    pub fn collect(module: &'m Module) -> Self {
        let mut values: HashMap<&'m str, Option<&'m Expr>> = HashMap::new();
        let mut fields: HashMap<&'m str, Option<&'m Expr>> = HashMap::new();
        let mut mutated = std::collections::HashSet::new();
        let bind = |map: &mut HashMap<&'m str, Option<&'m Expr>>, name: &'m str, value| {
            map.entry(name).and_modify(|v| *v = None).or_insert(value);
        };
        // A parameter is bound by each call: a name some function takes as a parameter is not
        // one value anywhere.
        for f in &module.functions {
            for p in &f.params {
                bind(&mut values, &p.name, None);
            }
        }
        let rust = module.language.family() == "rust";
        // One walk of every body: file-wide bindings, and each function's own (`locals`).
        let mut visit =
            |body: &'m [crate::ir::Stmt],
             mut local: Option<&mut HashMap<&'m str, Option<&'m Expr>>>| {
                crate::ir::walk_stmts(body, &mut |s| match &s.kind {
                    crate::ir::StmtKind::Assign {
                        targets,
                        value,
                        augmented,
                    } => {
                        let value = (!augmented).then_some(value);
                        for t in targets {
                            match &t.kind {
                                ExprKind::Index { value: base, .. }
                                | ExprKind::Attribute { value: base, .. }
                                    if matches!(&base.kind, ExprKind::Name(_))
                                        && !crate::resolve::is_receiver_name(base) =>
                                {
                                    if let ExprKind::Name(n) = &base.kind {
                                        mutated.insert(&**n);
                                    }
                                }
                                ExprKind::Name(n) => {
                                    bind(&mut values, n, value);
                                    if let Some(names) = local.as_deref_mut() {
                                        bind(names, n, value);
                                    }
                                }
                                ExprKind::Attribute { value: recv, attr }
                                    if crate::resolve::is_receiver_name(recv) =>
                                {
                                    bind(&mut fields, attr, value)
                                }
                                _ => {}
                            }
                        }
                    }
                    // Rust: a builder set up by statements of its own (`b.max_tokens(5);`) holds
                    // more than the call it was bound to shows.
                    crate::ir::StmtKind::Expr(e) if rust => {
                        if let Some(n) = chain_root_name(e) {
                            mutated.insert(n);
                        }
                    }
                    _ => {}
                });
            };
        visit(&module.body, None);
        for c in &module.classes {
            visit(&c.body, None);
        }
        let mut locals = Vec::new();
        for f in &module.functions {
            let mut names = HashMap::new();
            for p in &f.params {
                bind(&mut names, &p.name, None);
            }
            visit(&f.body, Some(&mut names));
            if !names.is_empty() {
                locals.push((f.span, names));
            }
        }
        module.walk_exprs(&mut |e| {
            let ExprKind::Call(c) = &e.kind else { return };
            let target = match &c.callee.kind {
                ExprKind::Attribute { value, attr }
                    if matches!(&**attr, "update" | "setdefault" | "__setitem__") =>
                {
                    Some(&**value)
                }
                _ if c.callee.dotted().as_deref() == Some("Object.assign") => c.positional(0),
                _ => None,
            };
            if let Some(ExprKind::Name(n)) = target.map(|t| &t.kind) {
                mutated.insert(&**n);
            }
        });
        Constants {
            values,
            local_spans: crate::nesting::Nesting::new(locals.iter().map(|(s, _)| *s).collect()),
            locals,
            fields,
            mutated,
            options_objects: module.language.family() != "python",
            builder_setters: rust,
        }
    }

    /// Whether `name`'s value is changed in place somewhere in the file.
    pub fn mutated(&self, name: &str) -> bool {
        self.mutated.contains(name)
    }

    /// What `name` is bound to, when it is bound exactly once.
    pub fn binding(&self, name: &str) -> Option<&'m Expr> {
        self.values.get(name).copied().flatten()
    }

    /// What `name`, read at `at`, is bound to: by the innermost function around `at` that binds
    /// it, else as [`Constants::binding`].
    pub fn binding_at(&self, name: &str, at: Span) -> Option<&'m Expr> {
        let inner = self
            .local_spans
            .around(at)
            .into_iter()
            .map(|i| &self.locals[i].1)
            .find(|names| names.contains_key(name));
        match inner {
            Some(names) => names.get(name).copied().flatten(),
            None => self.binding(name),
        }
    }

    /// What the field `self.name` / `this.name` is set to, when it is set exactly once.
    pub fn field(&self, name: &str) -> Option<&'m Expr> {
        self.fields.get(name).copied().flatten()
    }

    /// The literal `name` is bound to.
    fn get(&self, name: &str) -> Option<&'m Expr> {
        self.binding(name).filter(|v| {
            matches!(
                v.kind,
                ExprKind::Str(_) | ExprKind::Bool(_) | ExprKind::Number(_)
            )
        })
    }

    /// Whether `name` is a module constant holding a string.
    pub fn is_str(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|e| matches!(e.kind, ExprKind::Str(_)))
    }
}

fn literal_of(e: &Expr, consts: &Constants) -> Option<Literal> {
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
mod tests {
    use super::{compile_condition, Glob, RawCondition};

    fn cond(toml_text: &str) -> Result<super::Condition, String> {
        let raw: RawCondition = toml::from_str(toml_text).map_err(|e| e.to_string())?;
        compile_condition(raw)
    }

    #[test]
    fn version_conditions_compile() {
        assert!(cond("package = \"torch\"\nat_least = \"2.6\"").is_ok());
        assert!(cond("package = \"ai\"\nbelow = \"5\"").is_ok());
        for bad in [
            "package = \"torch\"",
            "package = \"torch\"\nat_least = \"2.6\"\nbelow = \"3\"",
            "package = \"torch\"\nat_least = \"latest\"",
            "package = \"torch\"\nat_least = \"2.6\"\narg = \"x\"",
            "package = \"torch\"\nat_least = \"2.6\"\npresent = true",
            "arg = \"x\"\nat_least = \"2.6\"",
            "present = true",
        ] {
            assert!(cond(bad).is_err(), "{bad}");
        }
    }

    /// Whether `condition` holds for the last call of `code` whose qualified name is `name`.
    fn holds_at(lang: crate::source::Language, code: &str, name: &str, condition: &str) -> bool {
        let source = crate::source::Source::new("t".into(), lang, code.into());
        let mut module = crate::lang::parse(&source);
        crate::resolve::resolve(&mut module);
        let consts = super::Constants::collect(&module);
        let condition = cond(condition).unwrap();
        let mut found = None;
        module.walk_exprs(&mut |e| {
            if let crate::ir::ExprKind::Call(c) = &e.kind {
                if c.qualified.as_deref() == Some(name) {
                    found = Some(condition.holds(c, &consts));
                }
            }
        });
        found.expect("no such call")
    }

    #[test]
    fn chain_conditions_test_the_calls_a_receiver_was_made_by() {
        use crate::source::Language::{Python, Rust};
        let shell = "chain = \"*Command.new\"\nposition = 0\nmatches = \"^sh$\"";
        let dash_c = "chain = \"*Command.new()*.arg\"\nposition = 0\nmatches = \"^-c$\"";
        let direct = "fn f(x: &str) { Command::new(\"sh\").arg(\"-c\").arg(x); }";
        let chained = "std.process.Command.new().arg().arg";
        assert!(holds_at(
            Rust,
            &format!("use std::process::Command;\n{direct}"),
            chained,
            shell
        ));
        assert!(holds_at(
            Rust,
            &format!("use std::process::Command;\n{direct}"),
            chained,
            dash_c
        ));
        // Through a name bound once.
        let named = "use std::process::Command;\n\
                     fn f(x: &str) { let c = Command::new(\"sh\"); c.arg(\"-c\").arg(x); }";
        assert!(holds_at(Rust, named, chained, shell));
        // Another program, or no `-c` before: the call itself is not looked at.
        let other = "use std::process::Command;\nfn f(x: &str) { Command::new(\"ls\").arg(x); }";
        assert!(!holds_at(
            Rust,
            other,
            "std.process.Command.new().arg",
            shell
        ));
        assert!(!holds_at(
            Rust,
            other,
            "std.process.Command.new().arg",
            dash_c
        ));
        // Keywords are found by name in the chain.
        let py = "from x import Client\nClient(mode='shell').run(cmd)\n";
        let mode = "chain = \"x.Client\"\narg = \"mode\"\nequals = \"shell\"";
        assert!(holds_at(Python, py, "x.Client().run", mode));
        assert!(cond("chain = \"x\"\npresent = true").is_err());
    }

    #[test]
    fn glob_matches_wildcards() {
        assert!(Glob::new("torch.load").matches("torch.load"));
        assert!(!Glob::new("torch.load").matches("torch.loads"));
        assert!(Glob::new("*.from_pretrained").matches("transformers.AutoModel.from_pretrained"));
        assert!(!Glob::new("*.from_pretrained").matches("from_pretrained"));
        assert!(
            Glob::new("transformers.*.from_pretrained").matches("transformers.X.from_pretrained")
        );
        assert!(Glob::new("*").matches("anything"));
        assert!(Glob::new("a*b*c").matches("abc"));
        assert!(!Glob::new("a*b*c").matches("acb"));
    }
}
