//! The taint engine: one file, all its functions, to a fixed point.
//!
//! Each function is interpreted over its statements in order with an environment of tainted
//! names. Parameters start as markers (`PARAM + i`), so one pass yields the function's summary:
//! which parameters (and which sources) reach its return value, and which parameters reach a sink.
//! Calls to the file's own functions apply those summaries; class fields, closure captures and
//! callback inputs are shared between functions. Rounds repeat until nothing new is learnt.
//! Tuples, dicts and objects also keep what each of their parts carries (see `shape`).
//!
//! Labels also carry flags for how data was placed on its way (spliced into a text, put in a
//! system message); kinds given by names (`api_key`, `email`) and caught exceptions stay within
//! the file and stop where a value is made into something else (see `names`).

use super::link::{is_receiver_name, ArgRef, Callee, ParamCheck, Parts, Seed, Step};
use super::trace::{
    join, with_flags, Flags, Label, Note, Taint, Trace, DEMOTED, DERIVED, GUESSED, LINKED,
    MAX_PARAMS, NO_STEP, PARAM, PARAMETER, PRIVILEGED, SPLICED, UNNAMED,
};
use crate::ir::constants::Constants;
use crate::ir::{Call, Expr, ExprKind, Function, Module, Span, Stmt, StmtKind, StrPart};
use crate::spec::flow::{FlowSpec, Forwarder, KindSet, PropagateTo, SourceMatch};
use crate::spec::flow_index::FamilyIndex;
use crate::spec::names::name_words;
use crate::spec::sinks::{SinkArg, SinkMatch};
use env::{merge, Delta, Env};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use shape::{Joined, Shape};

/// Each label a caller in another file seeded a parameter with, and the field of the argument
/// that carries it (`None`: the whole argument).
type SeedFields = Vec<(Label, Option<Step>)>;

mod branch;
mod by_use;
mod call;
mod checks;
mod env;
mod expr;
mod gates;
mod hierarchy;
mod literals;
mod names;
mod route_guards;
mod seeds;
mod serving;
mod shape;
mod sink;
mod stmt;
mod tools;
mod wrappers;

/// Rounds over the file before giving up on a fixed point (each round only adds labels).
const MAX_ROUNDS: usize = 6;

/// What a qualified call name matches in the tables (globs only; imports, classes and argument
/// conditions are checked at each call). Computed once per name per file: rounds and loops
/// evaluate the same call many times.
#[derive(Debug, Default)]
struct NameMatch {
    sources: Vec<u32>,
    sinks: Vec<u32>,
    sanitize: KindSet,
    /// Sink kinds a call of this name validates its last argument for, used as an `if` test.
    guard: KindSet,
    /// ... and its first argument.
    guard_first: KindSet,
    /// Sink kinds a call of this name, as a statement, validates its checked argument for (it
    /// raises when the check fails: `jsonschema.validate(args, schema)`).
    asserts: KindSet,
    /// The result is a privileged message (`SystemMessage(...)`).
    privileged: bool,
    /// The call never returns (`[[exits]]`: `abort(403)`).
    exits: bool,
    /// The call throws unless its first argument is true (`[[assertions]]`: `assert(ok)`).
    assertion: bool,
    propagate: Option<PropagateTo>,
}

/// A flow found: rule, where the sink is, and the path that reached it.
#[derive(Debug)]
pub struct FlowHit {
    pub rule: usize,
    /// The data came from a caller in another file (a seeded parameter).
    pub linked: bool,
    pub sink_span: Span,
    pub sink_label: String,
    pub confidence: Option<crate::finding::Confidence>,
    /// The last step before the sink.
    pub trace: u32,
}

/// A parameter of a function reaching a sink inside it (or inside a function it calls).
#[derive(Debug, Clone)]
struct SinkFact {
    param: usize,
    sink_kind: u8,
    cleared: u32,
    flags: Flags,
    trace: u32,
    sink_span: Span,
    /// Shared: each call through the summary reads it.
    sink_label: std::rc::Rc<str>,
    sink_confidence: Option<crate::finding::Confidence>,
}

/// What makes a [`SinkFact`] new: (param, sink kind, sink span, cleared, flags).
type SinkKey = (usize, u8, Span, u32, Flags);

/// Sink facts kept per function: each call of it reads them all.
const MAX_SINK_FACTS: usize = 256;

#[derive(Debug, Default)]
struct Summary {
    ret: Taint,
    /// What its returns carry part by part (`return text, usage`).
    ret_shape: Joined,
    sinks: Vec<SinkFact>,
    sink_keys: HashSet<SinkKey>,
    /// Parameters passed on to a function of another file: (parameter, target, argument, label
    /// with the path from the parameter).
    externals: Vec<(usize, Callee, ArgRef, Label)>,
    /// For each parameter, the sink kinds every normal return proves it checked for (the
    /// function raises otherwise: `check_cmd(cmd)`).
    checked: Vec<KindSet>,
    /// ... and every return whose value may be true (`is_allowed(cmd)`).
    checked_if_true: Vec<KindSet>,
    /// Parameters (bits) that outlive the call: stored in a field or captured by a closure, where
    /// other functions read them. What they reach there is not in `sinks`.
    escaped: u64,
    /// Parameters (bits) captured by a closure defined in the function.
    captured: u64,
}

/// A parameter of a method stored in a field of the receiver (`self.question = " ".join(words)`):
/// the marker as it reached the field (its flags, the sinks it was cleared for, the path). A
/// call of the method in this file gives the field the argument's data.
#[derive(Debug, Clone, Copy)]
struct StoreFact<'m> {
    marker: Label,
    class: usize,
    field: &'m str,
}

impl StoreFact<'_> {
    fn same(&self, other: &StoreFact) -> bool {
        self.marker.kind == other.marker.kind
            && self.marker.flags == other.marker.flags
            && self.marker.cleared == other.marker.cleared
            && self.class == other.class
            && self.field == other.field
    }
}

/// A function a table holds: one of the file's, or one another file defines, by the name the
/// file imports it under (`TOOLS = {"fetch": fetch_url}` with `from tools import fetch_url`).
#[derive(Clone, Debug, PartialEq)]
enum Entry {
    Local(usize),
    Imported(String),
}

/// What is being analysed: a function, or the module (or a class) body.
struct Ctx<'m> {
    env: Env<'m>,
    function: Option<usize>,
    class: Option<usize>,
    /// `self` / `this` / the Python method's first parameter.
    receiver: Option<&'m str>,
    ret: Taint,
    ret_shape: Joined,
    /// What the returns so far prove of the parameters (see `checks`).
    exit_checked: Option<Vec<KindSet>>,
    true_checked: Option<Vec<KindSet>>,
    /// Local names bound to functions, or to a dict or list of them (`actions =
    /// {"run": self.run_snippet}`, `handler = actions.get(kind)`): a call of one may run each.
    tables: Vec<(&'m str, Vec<Entry>)>,
}

pub struct Engine<'a, 'm> {
    module: &'m Module,
    text: &'m str,
    spec: &'a FlowSpec,
    ix: &'a FamilyIndex,
    consts: &'a Constants<'m>,
    /// Flow rules enabled for this scan (indices into `spec.rules`).
    rules: Vec<usize>,
    /// Sink kinds some enabled rule reports: sinks of other kinds are skipped.
    wanted_sinks: KindSet,
    /// Data kinds some enabled rule reports.
    wanted_kinds: KindSet,
    /// Whether names give kinds an enabled rule reports (`[[names]]`).
    names_on: bool,
    /// For each function, the qualified names of its decorators (`@app.post(...)` is
    /// `flask.Flask().post`).
    decorator_names: Vec<Vec<String>>,
    /// Functions a `[[route_guard]]` guards, and the flags data entering them carries.
    route_guarded: Vec<(Span, Flags)>,
    /// For each function, the `[[sink.returns]]` sinks its decorators (or its being a tool) match.
    return_sinks: Vec<Vec<u32>>,
    /// Functions some source with a `handler` seeded (tools, prompt handlers): the name it was
    /// registered under or its own (empty when unknown), and the handler names.
    handlers: HashMap<usize, (String, Vec<&'a str>)>,
    /// (function, source) pairs an `indexed_by` source seeded (see `tools::indexed_tools`).
    indexed: HashSet<(usize, u32)>,
    /// For each function, its parameters that index a dict or list literal of functions (its
    /// callers' arguments pick the entry), with the literal.
    param_indexes: HashMap<usize, Vec<(usize, &'m Expr)>>,
    pub trace: Trace,
    imports: HashMap<&'m str, &'m str>,
    /// The qualified names the file imports.
    imported: HashSet<&'m str>,
    /// [`Engine::imports_ok`]'s answers, by the address of the list asked about.
    imports_seen: std::cell::RefCell<HashMap<(usize, usize), bool>>,
    summaries: Vec<Summary>,
    /// Taint seeded into parameters: sources (tool arguments, handlers) and callback inputs.
    seeds: Vec<Vec<Taint>>,
    /// For a parameter seeded from another file, by (function, parameter): each seeded label
    /// and the field of the argument that carries it (`None`: the whole argument). A label
    /// carried only by fields reaches only what reads them (`const { summary } = props`).
    seed_fields: HashMap<(usize, usize), SeedFields>,
    /// Names captured where a nested function or lambda is defined.
    closures: Vec<Option<HashMap<&'m str, Taint>>>,
    /// For each function, per parameter, the data callers of this file pass to a parameter a
    /// closure captures: the closures see it, the function's own body and summary do not.
    captured_seeds: Vec<Vec<Taint>>,
    /// For each function, the kinds (bits) of that callers' data: its returns leave them out,
    /// as the summary of a function stands for every caller.
    caller_kinds: Vec<u64>,
    /// For each function, the names it and the functions nested in it use: all a closure
    /// needs of the scope around it.
    scope_names: Vec<Vec<&'m str>>,
    fields: HashMap<(usize, &'m str), Taint>,
    /// For each function, its parameters stored in the receiver's fields.
    stores: Vec<Vec<StoreFact<'m>>>,
    /// What the parts of each field carry, when every write of it gave a shape.
    field_shapes: HashMap<(usize, &'m str), Joined>,
    /// Fields holding a function of the file (`self._processor = processor or default_fn`).
    field_functions: HashMap<(usize, &'m str), usize>,
    globals: Env<'m>,
    /// The module's names bound to functions or tables of them (see `Ctx::tables`).
    global_tables: HashMap<&'m str, Vec<Entry>>,
    /// UI state (`[[state_hook]]`): each setter's name, with the function that made the state
    /// (`None`: the module) and the value's name.
    state_setters: HashMap<&'m str, (Option<usize>, &'m str)>,
    /// What each state's setters were given, by the function that made it and its name.
    state_values: HashMap<(Option<usize>, &'m str), Taint>,
    functions_by_name: HashMap<&'m str, usize>,
    /// Names bound to a call of a name (`parse = makeParser()`): the ones that may hold a
    /// factory's closure (`call::made_closure`).
    made_by_calls: HashSet<&'m str>,
    methods: HashMap<(usize, &'m str), usize>,
    classes_by_name: HashMap<&'m str, usize>,
    /// For each class, the classes of the file derived from it.
    subclasses: Vec<Vec<usize>>,
    /// For each class, its bases and derived classes in the file: an object of the class has
    /// the fields their methods write (`hierarchy::index_lineage`).
    lineage: Vec<Vec<usize>>,
    /// The tests of the `if`s whose body the walk is in, when the packs have `[[sink_gate]]`s
    /// (`gates::gated_kind` reads them).
    gate_tests: Vec<&'m Expr>,
    /// The step for each parameter of each function (the start of summary paths).
    param_steps: Vec<Vec<u32>>,
    pub hits: Vec<FlowHit>,
    /// (rule, sink span, whether from another file) of each hit: only the first hit of each is
    /// reported (a flow within the file before one from another file's caller), so later ones are
    /// neither kept nor given a path.
    reported: HashSet<(usize, Span, bool)>,
    /// Spans of fallback sinks reached (`[[sink.names]]`, message dicts): their hits give way to
    /// a hit whose path goes through them.
    pub fallback_spans: HashMap<Span, u8>,
    /// Fallback sinks some data went through on its way to another sink: their hits are not
    /// reported.
    pub superseded: HashSet<Span>,
    /// Paths already looked through for fallback sinks (their last steps), per sink kind.
    walked: HashSet<(u32, u8)>,
    names: HashMap<&'m str, std::rc::Rc<NameMatch>>,
    /// Class fields declared with a bound (`Field(max_length=...)`) and the sink kinds that
    /// bound makes them clean for.
    bounded_fields: HashMap<&'m str, KindSet>,
    /// Names whose kinds by name are cleared for these sink kinds: declared with a type that
    /// prints a mask (`SecretStr`), or bound by an exception handler (every kind).
    masked_names: HashMap<&'m str, KindSet>,
    /// Calls (as this file names them) of functions in other files that return data: (kind,
    /// flags (`SHAPED` when only a method's name picked them), origin, the parts of the value
    /// that carry it when not all of it does).
    external_returns: HashMap<String, Vec<(u8, Flags, String, Parts)>>,
    /// Calls (as this file names them) of methods that every class defining them makes return
    /// an argument: (parameter, flags).
    external_passes: HashMap<String, Vec<(usize, Flags)>>,
    /// Calls (as this file names them) of other files' validators: what a call proves checked.
    external_checks: HashMap<String, Vec<ParamCheck>>,
    /// Calls (as this file names them) of other files' functions whose result carries only some
    /// of their arguments: (the callee's parameter names, the indexes of those it returns).
    external_keeps: HashMap<String, (Vec<String>, Vec<usize>)>,
    /// Calls (as the file names them) some argument of which carried data or a parameter: the
    /// only calls whose being a validator could change what the file reports.
    pub called_with_data: HashSet<&'m str>,
    /// For each function, the parameters it assigns (a bit each): checks of those say nothing
    /// of the caller's values.
    assigned_params: Vec<u64>,
    /// Calls to imported functions with tainted arguments: (target, argument, label, the
    /// argument's parts that carry the label, `None` when the whole argument does).
    pub external: Vec<(Callee, ArgRef, Label, Parts)>,
    /// The shapes of the arguments of the call being read, by its span: which fields of an
    /// options object (`run({ messages, summary })`) carry data, for another file's function.
    arg_shapes: Option<(&'m Call, Vec<Option<std::rc::Rc<Shape>>>)>,
    changed: bool,
    depth: usize,
    /// Statements and expressions interpreted this round, and how many may be before loops stop
    /// taking a second pass: loops nested in loops would repeat exponentially.
    work: usize,
    work_budget: usize,
    /// The keys the secret detectors report in the file, with their names.
    secret_keys: &'a [(Span, String)],
    /// The literal sources each string of the file matches (kind, label), by its span.
    literal_labels: HashMap<Span, Vec<(u8, String)>>,
    /// What was written to files, by (the function for a parameter's data, or every function)
    /// and the path as spelled.
    files: HashMap<(usize, String), Taint>,
    /// Names bound by `with open(p, "w") as f`, by the statement's span: the file `f` is.
    opened: HashMap<&'m str, Vec<(Span, &'m Expr)>>,
    /// The arguments being read are written out whole (a `serialize` propagator): names of
    /// records count.
    serializing: bool,
    /// Where the expression being read is written: the keys of the dict entries and the calls
    /// whose arguments hold it, innermost last (each call with the number of keys open before
    /// it). A message dict under a response's `choices`, or in `count_tokens(...)`, is no prompt.
    open_keys: Vec<&'m str>,
    open_calls: Vec<(&'m Call, usize)>,
    /// Kinds of the sources without `requires_kinds` that apply in the file (request data: the
    /// file serves requests), for the sources that require them (see `serving`).
    served: KindSet,
    /// Kinds other files' callers pass to the file's functions (`seed_external`): inside a
    /// function, the file serves as its callers do; its module-level code (a `__main__` block)
    /// still runs only as a script.
    served_by_callers: KindSet,
    /// The expression whose shape a reader asks for (see `shape`), and the shape given for it.
    want_shape: Option<Span>,
    shape: Option<(Span, std::rc::Rc<Shape>)>,
    /// The enabled rules with a `sent_whole_to` (see `by_use`), the values (their named steps)
    /// that reached one of its kinds whole, and what reached their sinks.
    by_use: Vec<usize>,
    sent_whole: HashSet<u32>,
    use_hits: Vec<by_use::UseHit>,
}

impl Engine<'_, '_> {
    /// A new path starting at `span`: data of `kind` enters here.
    fn start(&mut self, kind: u8, span: Span, note: Note) -> Label {
        Label {
            kind: kind as u16,
            cleared: 0,
            flags: self.route_flags(span),
            trace: self.trace.push(span, note, NO_STEP),
        }
    }
}

impl<'a, 'm> Engine<'a, 'm> {
    pub fn new(
        module: &'m Module,
        text: &'m str,
        spec: &'a FlowSpec,
        ix: &'a FamilyIndex,
        consts: &'a Constants<'m>,
        rules: Vec<usize>,
        secret_keys: &'a [(Span, String)],
    ) -> Self {
        let wanted_sinks = rules.iter().fold(0, |acc, r| {
            acc | spec.rules[*r].sinks | spec.rules[*r].sent_whole_to
        });
        let by_use = Self::by_use_rules(spec, &rules);
        let wanted_kinds = rules.iter().fold(0, |acc, r| acc | spec.rules[*r].sources);
        let n = module.functions.len();
        let mut e = Engine {
            module,
            text,
            spec,
            ix,
            consts,
            rules,
            wanted_sinks,
            wanted_kinds,
            names_on: spec.name_kinds & wanted_kinds != 0,
            decorator_names: Vec::new(),
            route_guarded: Vec::new(),
            return_sinks: vec![Vec::new(); n],
            handlers: HashMap::new(),
            indexed: HashSet::new(),
            param_indexes: HashMap::new(),
            trace: Trace::default(),
            imports: module
                .imports
                .iter()
                .map(|i| (&*i.local, &*i.qualified))
                .collect(),
            imported: module.imports.iter().map(|i| &*i.qualified).collect(),
            imports_seen: std::cell::RefCell::new(HashMap::new()),
            summaries: (0..n).map(|_| Summary::default()).collect(),
            seeds: module
                .functions
                .iter()
                .map(|f| vec![Taint::new(); f.params.len().min(MAX_PARAMS)])
                .collect(),
            seed_fields: HashMap::new(),
            closures: vec![None; n],
            captured_seeds: module
                .functions
                .iter()
                .map(|f| vec![Taint::new(); f.params.len().min(MAX_PARAMS)])
                .collect(),
            caller_kinds: vec![0; n],
            scope_names: scope_names(module),
            fields: HashMap::new(),
            stores: vec![Vec::new(); n],
            field_shapes: HashMap::new(),
            field_functions: HashMap::new(),
            globals: Env::default(),
            global_tables: HashMap::new(),
            state_setters: HashMap::new(),
            state_values: HashMap::new(),
            functions_by_name: HashMap::new(),
            made_by_calls: HashSet::new(),
            methods: HashMap::new(),
            classes_by_name: HashMap::new(),
            subclasses: Vec::new(),
            lineage: Vec::new(),
            gate_tests: Vec::new(),
            param_steps: Vec::with_capacity(n),
            hits: Vec::new(),
            reported: HashSet::new(),
            fallback_spans: HashMap::new(),
            superseded: HashSet::new(),
            walked: HashSet::new(),
            names: HashMap::new(),
            bounded_fields: HashMap::new(),
            masked_names: HashMap::new(),
            external_returns: HashMap::new(),
            external_passes: HashMap::new(),
            external_checks: HashMap::new(),
            external_keeps: HashMap::new(),
            called_with_data: HashSet::new(),
            assigned_params: module
                .functions
                .iter()
                .map(checks::assigned_params)
                .collect(),
            external: Vec::new(),
            changed: false,
            depth: 0,
            work: 0,
            // Far above what any real file needs (a few visits per node of its syntax).
            work_budget: 8 * text.len() + 100_000,
            secret_keys,
            literal_labels: HashMap::new(),
            files: HashMap::new(),
            opened: HashMap::new(),
            serializing: false,
            open_keys: Vec::new(),
            open_calls: Vec::new(),
            served: 0,
            served_by_callers: 0,
            want_shape: None,
            shape: None,
            arg_shapes: None,
            by_use,
            sent_whole: HashSet::new(),
            use_hits: Vec::new(),
        };
        e.index_functions();
        e.index_subclasses();
        e.decorator_names = module
            .functions
            .iter()
            .map(|f| {
                let names = f.decorators.iter().filter_map(|d| e.decorator_name(d));
                names.collect()
            })
            .collect();
        e.index_route_guards();
        e.index_return_sinks();
        e.index_bounded_fields();
        e.index_masked_names();
        e.index_literal_sources();
        e
    }

    /// Fields declared in a class body with a bounding keyword: `message: str =
    /// Field(max_length=2000)`.
    fn index_bounded_fields(&mut self) {
        if self.ix.bounded_fields.is_empty() && self.ix.closed_types.is_empty() {
            return;
        }
        for class in &self.module.classes {
            for field in &class.fields {
                let mask = field
                    .annotation
                    .as_deref()
                    .and_then(|a| self.closed_type(a, true))
                    .map_or(0, |ids| self.sanitizer_sinks(ids));
                if mask != 0 {
                    *self.bounded_fields.entry(&field.name).or_default() |= mask;
                }
            }
            for s in &class.body {
                let StmtKind::Assign { targets, value, .. } = &s.kind else {
                    continue;
                };
                let ExprKind::Call(call) = &value.kind else {
                    continue;
                };
                let mask = call
                    .args
                    .iter()
                    .filter_map(|a| self.ix.bounded_fields.get(a.name.as_deref()?))
                    .flatten()
                    .fold(0, |m, &id| m | self.spec.sanitizers[id as usize].sinks);
                if mask == 0 {
                    continue;
                }
                for t in targets {
                    if let ExprKind::Name(n) = &t.kind {
                        *self.bounded_fields.entry(n).or_default() |= mask;
                    }
                }
            }
        }
    }

    /// The sink kinds the sanitizers `ids` clean for, together.
    pub(super) fn sanitizer_sinks(&self, ids: &[u32]) -> KindSet {
        ids.iter()
            .fold(0, |m, &id| m | self.spec.sanitizers[id as usize].sinks)
    }

    /// The `closed_types` sanitizers a field's annotation names: `Literal[...]`, `Optional[int]`,
    /// a name bound to one (`Stack = Literal[...]`, followed once: `alias` is whether it may be),
    /// or a class of the file with a closed base (`class Mode(str, Enum)`).
    fn closed_type(&self, annotation: &str, alias: bool) -> Option<&'a Vec<u32>> {
        let t = annotation.trim().trim_start_matches(':').trim();
        let t = t.strip_prefix("Optional[").unwrap_or(t);
        let head = t.split(['[', '|', ']', ' ']).next()?;
        let last = head.rsplit('.').next().unwrap_or(head);
        if let Some(ids) = self.ix.closed_types.get(last) {
            return Some(ids);
        }
        if let Some(bound) = self.consts.binding(head).filter(|_| alias) {
            return self.closed_type(self.text.get(bound.span.range())?, false);
        }
        let class = &self.module.classes[*self.classes_by_name.get(head)?];
        class.bases.iter().find_map(|b| {
            let base = b.dotted()?;
            self.ix.closed_types.get(base.rsplit('.').next()?)
        })
    }

    /// Route handlers whose return value is a response (`[[sink.returns]]` sinks).
    fn index_return_sinks(&mut self) {
        if self.spec.return_sink_kinds & self.wanted_sinks == 0 {
            return;
        }
        for (fi, names) in self.decorator_names.iter().enumerate() {
            if names.is_empty() {
                continue;
            }
            for &id in &self.ix.return_sinks {
                let sink = &self.spec.sinks[id as usize];
                let SinkMatch::Returns {
                    decorators: globs, ..
                } = &sink.matcher
                else {
                    continue;
                };
                if globs.is_empty() {
                    continue;
                }
                if self.wanted_sinks & (1 << sink.kind) != 0
                    && self.imports_ok(&sink.imports)
                    && names.iter().any(|n| globs.iter().any(|g| g.matches(n)))
                {
                    self.return_sinks[fi].push(id);
                }
            }
        }
    }

    fn index_functions(&mut self) {
        let module = self.module;
        for (ci, c) in module.classes.iter().enumerate() {
            self.classes_by_name.insert(&c.name, ci);
            for &mi in &c.methods {
                if let Some(f) = module.functions.get(mi) {
                    self.methods.insert((ci, &f.name), mi);
                }
            }
        }
        for (fi, f) in module.functions.iter().enumerate() {
            if f.class.is_none() && !f.name.is_empty() {
                self.functions_by_name.insert(&f.name, fi);
            }
            let steps = f
                .params
                .iter()
                .take(MAX_PARAMS)
                .map(|p| {
                    self.trace
                        .push(p.span, Note::Param(p.name.clone()), NO_STEP)
                })
                .collect();
            self.param_steps.push(steps);
        }
        // `const run = (code) => eval(code)`, `handler = lambda x: ...`; and the names bound to
        // what a call of a name returns, which may be a closure (`parse = makeParser()`).
        for body in module.bodies() {
            crate::ir::walk_stmts(body, &mut |s| {
                if let StmtKind::Assign { targets, value, .. } = &s.kind {
                    let names = targets.iter().filter_map(|t| match &t.kind {
                        ExprKind::Name(n) => Some(&**n),
                        _ => None,
                    });
                    match &value.kind {
                        ExprKind::Function(fi) => {
                            for n in names {
                                self.functions_by_name.insert(n, *fi);
                            }
                        }
                        ExprKind::Call(c) if matches!(c.callee.kind, ExprKind::Name(_)) => {
                            self.made_by_calls.extend(names);
                        }
                        _ => {}
                    }
                }
            });
        }
    }

    /// Run rounds until nothing changes.
    pub fn run(&mut self) {
        let module = self.module;
        for _ in 0..MAX_ROUNDS {
            self.changed = false;
            self.work = 0;
            let mut cx = Ctx {
                env: Env::default(),
                function: None,
                class: None,
                receiver: None,
                ret: Taint::new(),
                ret_shape: Joined::Unseen,
                exit_checked: None,
                true_checked: None,
                tables: Vec::new(),
            };
            self.block(&module.body, &mut cx);
            self.globals = cx.env;
            self.global_tables = cx.tables.into_iter().collect();
            for ci in 0..module.classes.len() {
                self.class_body(ci);
            }
            for fi in 0..module.functions.len() {
                self.function(fi);
            }
            if !self.changed {
                break;
            }
        }
        self.report_by_use();
    }

    fn class_body(&mut self, ci: usize) {
        let module = self.module;
        let mut cx = Ctx {
            env: Env::default(),
            function: None,
            class: Some(ci),
            receiver: None,
            ret: Taint::new(),
            ret_shape: Joined::Unseen,
            exit_checked: None,
            true_checked: None,
            tables: Vec::new(),
        };
        self.block(&module.classes[ci].body, &mut cx);
        for (name, t) in cx.env.into_vars() {
            let t = real(&t);
            if !t.is_empty() {
                self.field_written(ci, name, None);
            }
            self.changed |= join(self.fields.entry((ci, name)).or_default(), &t);
        }
    }

    fn function(&mut self, fi: usize) {
        let module = self.module;
        let f: &'m Function = &module.functions[fi];
        let mut env = Env::with_vars(self.closures[fi].clone().unwrap_or_default());
        let receiver = if f.class.is_some() {
            match f.params.first() {
                _ if module.dialect.first_param_receiver && f.is_receiverless(&module.dialect) => {
                    None
                }
                Some(p) if module.dialect.first_param_receiver => Some(&*p.name),
                _ => Some("this"),
            }
        } else if module.dialect.first_param_receiver {
            None
        } else {
            // Functions in TS/JS classes' field initialisers and object methods use `this` too.
            Some("this")
        };
        for (i, p) in f.params.iter().enumerate().take(MAX_PARAMS) {
            if Some(&*p.name) == receiver && f.class.is_some() {
                continue;
            }
            let mut t = vec![Label {
                kind: PARAM + i as u16,
                cleared: 0,
                flags: 0,
                trace: self.param_steps[fi][i],
            }];
            join(&mut t, &self.seeds[fi][i]);
            let shape = self.seeded_shape(fi, i, &t);
            env.set_shaped(&p.name, t, shape);
        }
        let mut cx = Ctx {
            env,
            function: Some(fi),
            class: f.class,
            receiver,
            ret: Taint::new(),
            ret_shape: Joined::Unseen,
            exit_checked: None,
            true_checked: None,
            tables: Vec::new(),
        };
        self.block(&f.body, &mut cx);
        self.finish_checks(fi, &f.body, &mut cx);
        let callers = self.caller_kinds[fi];
        if callers != 0 {
            cx.ret
                .retain(|l| l.param().is_some() || callers & kind_bit(l.kind) == 0);
        }
        // What callers in other files passed in goes back to each of them through the
        // parameter's marker; kept in the summary, it would reach every other call's result.
        let linked = self.seeds[fi]
            .iter()
            .flatten()
            .filter(|l| l.flags & LINKED != 0)
            .fold(0, |acc, l| acc | kind_bit(l.kind));
        if linked != 0 {
            cx.ret
                .retain(|l| l.flags & LINKED == 0 || linked & kind_bit(l.kind) == 0);
        }
        self.changed |= join(&mut self.summaries[fi].ret, &cx.ret);
        self.changed |= self.summaries[fi].ret_shape.absorb(&cx.ret_shape);
    }
}

/// For each function, the names used in its body and in the functions nested in it.
fn scope_names(module: &Module) -> Vec<Vec<&str>> {
    let fs = &module.functions;
    let mut own: Vec<(HashSet<&str>, Vec<usize>)> = Vec::with_capacity(fs.len());
    for f in fs {
        let mut names = HashSet::new();
        let mut nested = Vec::new();
        crate::ir::walk_stmts(&f.body, &mut |s| {
            if let StmtKind::FunctionDef(j) = s.kind {
                nested.push(j);
                // Decorators are evaluated where the function is defined.
                for d in fs.get(j).map_or(&[][..], |g| &g.decorators[..]) {
                    visit(d, &mut names, &mut nested);
                }
            }
            s.for_each_expr(&mut |e| visit(e, &mut names, &mut nested));
        });
        own.push((names, nested));
    }
    // Inner functions first (they may come before or after the one they are in), without
    // recursion: nesting can be deep.
    let mut all: Vec<Option<Vec<&str>>> = vec![None; fs.len()];
    let mut visiting = vec![false; fs.len()];
    for root in 0..fs.len() {
        let mut stack = vec![root];
        while let Some(&fi) = stack.last() {
            if all[fi].is_some() {
                stack.pop();
                continue;
            }
            let (names, nested) = &own[fi];
            if !visiting[fi] {
                visiting[fi] = true;
                let pending = nested.iter().filter(|&&j| j < fs.len() && !visiting[j]);
                stack.extend(pending);
                continue;
            }
            let mut set = names.clone();
            for inner in nested.iter().filter_map(|&j| all.get(j)?.as_ref()) {
                set.extend(inner.iter().copied());
            }
            all[fi] = Some(set.into_iter().collect());
            stack.pop();
        }
    }
    all.into_iter().map(Option::unwrap_or_default).collect()
}

fn visit<'m>(e: &'m Expr, names: &mut HashSet<&'m str>, nested: &mut Vec<usize>) {
    e.walk(&mut |x| match &x.kind {
        ExprKind::Name(n) => {
            names.insert(&**n);
        }
        ExprKind::Function(j) => nested.push(*j),
        _ => {}
    })
}

/// The index into `call.args` of the `p`-th positional argument.
fn positional_index(call: &Call, p: usize) -> Option<usize> {
    call.args
        .iter()
        .enumerate()
        .filter(|(_, a)| a.name.is_none() && a.splat == crate::ir::Splat::None)
        .nth(p)
        .map(|(i, _)| i)
}

/// The bit of a real kind in a `u64` set of kinds.
fn kind_bit(kind: u16) -> u64 {
    1u64.checked_shl(u32::from(kind)).unwrap_or(0)
}

/// The labels of real sources in `t`: what may be shared between functions (fields, closures),
/// where another function's parameter markers would mean the wrong parameter.
fn real(t: &[Label]) -> Taint {
    t.iter().filter(|l| l.param().is_none()).copied().collect()
}

/// Mark `t` safe for the sink kinds in `mask` (all of them: `t` is clean).
fn clear_kinds(t: &mut Taint, mask: KindSet) {
    if mask == KindSet::MAX {
        t.clear();
    } else {
        for l in t.iter_mut() {
            l.cleared |= mask;
        }
    }
}

/// Whether a block always leaves by its own statements (its last one returns or raises).
fn exits(body: &[Stmt]) -> bool {
    matches!(
        body.last().map(|s| &s.kind),
        Some(StmtKind::Return(_) | StmtKind::Raise(_))
    )
}

/// A one-operand operator the engine reads: negations are tests (and invert guards), `typeof`
/// gives a type name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Test {
    Negation,
    Type,
    Other,
}

fn is_literal(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Str(_) | ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null
    )
}

/// A literal, or a choice of literals only (`"[SET]" if token else "[NOT SET]"`): the value
/// says nothing of the data the test reads.
fn is_fixed_value(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Choice(items) => items
            .iter()
            .all(|i| is_fixed_value(i) || i.choice_test().is_some()),
        _ => is_literal(e),
    }
}

fn is_literal_pattern(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Choice(items) | ExprKind::List(items) => items.iter().all(is_literal_pattern),
        _ => is_literal(e),
    }
}

/// The method a call invokes: `llm.invoke(x)` is `invoke`; calling a value itself, `llm(x)`,
/// is `__call__`.
fn invoked_method(call: &Call) -> &str {
    match &call.callee.kind {
        ExprKind::Attribute { attr, .. } => attr,
        _ => "__call__",
    }
}

/// Whether `t` carries a (non-parameter) kind of `kinds`.
fn carries(t: &[Label], kinds: KindSet) -> bool {
    t.iter().any(|l| l.kind < 32 && kinds & (1 << l.kind) != 0)
}

/// The source text of a span, cut to one short line for labels.
fn short(text: &str, span: Span) -> Box<str> {
    let s = text.get(span.range()).unwrap_or("");
    let first = s.lines().next().unwrap_or("").trim();
    let mut out: String = first.chars().take(60).collect();
    if out.len() < first.len() || s.lines().nth(1).is_some() {
        out.push('…');
    }
    out.into()
}
