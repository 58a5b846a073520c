//! Pattern rules: one construct of the IR, declared as data.
//!
//! A `[[pattern]]` either matches calls by qualified name (`calls = ["torch.load"]`, `*` is a
//! wildcard) and then checks argument conditions, or matches a keyword argument / dict or object
//! key by name anywhere (`keys = ["trust_remote_code"]`) and checks its value.
//!
//! Conditions: `when` (all must hold) and `unless` (none may hold). Each names an argument (`arg`,
//! with an optional positional `position`; `"**"` means keyword arguments hidden in a `**kwargs`
//! or `...spread`, tested only with `present`) and one test: `present`, `equals` (a literal),
//! `literal` (the value is / is not a literal), `matches` (a regex on the literal string value,
//! after following names bound once to a literal), `name_matches` (a regex on the dotted spelling
//! of a non-literal value), `contains` (a list literal with an element that is one of these
//! strings, or whose spelling matches one of these globs).

use super::{Hit, RuleMeta};
use crate::ir::{Call, Expr, ExprKind, Module, Span};
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
    /// With `keys`: the literal value that makes a match.
    #[serde(default)]
    equals: Option<toml::Value>,
    #[serde(default)]
    when: Vec<RawCondition>,
    #[serde(default)]
    unless: Vec<RawCondition>,
    /// Report at this argument's span instead of the whole call, when it is present.
    #[serde(default)]
    focus: Option<String>,
    message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCondition {
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
    /// The value is a list literal with an element that is one of these strings, or whose
    /// spelling (`HumanApprovalCallbackHandler()`) matches one of these globs.
    #[serde(default)]
    contains: Vec<String>,
}

#[derive(Debug)]
pub struct PatternRule {
    pub rule_id: &'static str,
    pub languages: Vec<String>,
    calls: Vec<Glob>,
    keys: Vec<String>,
    equals: Option<Literal>,
    when: Vec<Condition>,
    unless: Vec<Condition>,
    focus: Option<String>,
    message: String,
}

#[derive(Debug)]
pub struct Condition {
    arg: String,
    position: Option<usize>,
    test: Test,
}

#[derive(Debug)]
enum Test {
    Present(bool),
    Equals(Literal),
    Literal(bool),
    Matches(Regex),
    NameMatches(Regex),
    Contains(Vec<Glob>),
}

#[derive(Debug, Clone, PartialEq)]
enum Literal {
    Bool(bool),
    Str(String),
    Int(i64),
}

/// A qualified-name pattern: exact, or with `*` wildcards matching any run of characters.
#[derive(Debug)]
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
        if raw.calls.is_empty() == raw.keys.is_empty() {
            return Err(ctx("give exactly one of `calls` or `keys`".into()));
        }
        if !raw.keys.is_empty() && raw.equals.is_none() {
            return Err(ctx("`keys` needs `equals`".into()));
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
            equals: raw
                .equals
                .as_ref()
                .map(literal_from_toml)
                .transpose()
                .map_err(ctx)?,
            when: compile_all(raw.when)?,
            unless: compile_all(raw.unless)?,
            focus: raw.focus,
            message: raw.message,
        })
    }

    pub fn applies_to(&self, family: &str, meta: &RuleMeta) -> bool {
        if self.languages.is_empty() {
            meta.languages.contains(&family)
        } else {
            self.languages.iter().any(|l| l == family)
        }
    }

    /// Run this pattern over a file's call and key sites.
    pub fn run(&self, sites: &Sites, consts: &Constants, out: &mut Vec<Hit>) {
        if !self.keys.is_empty() {
            let Some(want) = &self.equals else { return };
            for (key, value, span) in &sites.keyed {
                if self.keys.iter().any(|k| k == key)
                    && literal_of(value, consts).as_ref() == Some(want)
                {
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
            let holds = |c: &Condition| c.holds(call, consts);
            if self.when.iter().all(holds) && !self.unless.iter().any(holds) {
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

    fn hit(&self, span: Span, name: &str) -> Hit {
        Hit {
            rule_id: self.rule_id,
            span,
            message: self.message.replace("{name}", name),
            in_raw: false,
            flow: Vec::new(),
            confidence: None,
        }
    }
}

pub fn compile_condition(c: RawCondition) -> Result<Condition, String> {
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
    if !c.contains.is_empty() {
        tests.push(Test::Contains(
            c.contains.iter().map(|g| Glob::new(g)).collect(),
        ));
    }
    if tests.len() != 1 {
        return Err(format!("condition on {:?} needs exactly one test", c.arg));
    }
    Ok(Condition {
        arg: c.arg,
        position: c.position,
        test: tests.pop().unwrap(),
    })
}

impl Condition {
    fn value<'a>(&self, call: &'a Call) -> Option<&'a Expr> {
        call.keyword(&self.arg)
            .or_else(|| self.position.and_then(|p| call.positional(p)))
    }

    pub fn holds(&self, call: &Call, consts: &Constants) -> bool {
        // `arg = "**"` stands for keyword arguments aiguard cannot see: `**kwargs`, or a
        // `...spread` inside an options object.
        if self.arg == "**" {
            let hidden = call.has_keyword_splat();
            return matches!(self.test, Test::Present(p) if p == hidden);
        }
        let value = self.value(call);
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
            Test::Contains(globs) => match value.map(|v| &v.kind) {
                Some(ExprKind::List(items)) => items.iter().any(|item| {
                    let text = match literal_of(item, consts) {
                        Some(Literal::Str(s)) => Some(s),
                        Some(_) => None,
                        None => spelling(item),
                    };
                    text.is_some_and(|t| globs.iter().any(|g| g.matches(&t)))
                }),
                _ => false,
            },
        }
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
        sites
    }
}

/// Names bound exactly once in a module, to a literal: `MODEL = "gpt2"`.
#[derive(Debug, Default)]
pub struct Constants<'m> {
    values: HashMap<&'m str, Option<&'m Expr>>,
}

impl<'m> Constants<'m> {
    pub fn collect(module: &'m Module) -> Self {
        let mut values: HashMap<&'m str, Option<&'m Expr>> = HashMap::new();
        for body in module.bodies() {
            crate::ir::walk_stmts(body, &mut |s| {
                if let crate::ir::StmtKind::Assign {
                    targets,
                    value,
                    augmented,
                } = &s.kind
                {
                    for t in targets {
                        if let ExprKind::Name(n) = &t.kind {
                            let literal = !augmented
                                && matches!(
                                    value.kind,
                                    ExprKind::Str(_) | ExprKind::Bool(_) | ExprKind::Number(_)
                                );
                            values
                                .entry(n)
                                .and_modify(|v| *v = None)
                                .or_insert(if literal { Some(value) } else { None });
                        }
                    }
                }
            });
        }
        Constants { values }
    }

    fn get(&self, name: &str) -> Option<&'m Expr> {
        self.values.get(name).copied().flatten()
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
    use super::Glob;

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
