//! The flow tables of the rule packs (`[[flow]]`, `[[source]]`, `[[sink.<shape>]]`,
//! `[[sanitizer]]`, `[[propagator]]`, ...), compiled once into a [`FlowSpec`]. The format is
//! documented in `docs/rule-packs.md`.

use super::condition::{compile_condition, Condition, RawCondition};
use super::family::check as check_languages;
use super::glob::Glob;
use super::names::{name_words, NameKind, RawNameLookup, RawNames};
use super::rule::confidence_of;
pub use super::sinks::KindSet;
use super::sinks::{RawSink, Sink, SinkArg, SinkMatch};
use crate::spec::rule::RuleMeta;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFlow {
    pub(crate) rule: String,
    pub(crate) sources: Vec<String>,
    pub(crate) sinks: Vec<String>,
    /// Label flags the data must carry (`spliced`, `privileged`) ...
    #[serde(default)]
    pub(crate) flags: Vec<String>,
    /// ... and must not.
    #[serde(default)]
    pub(crate) unless_flags: Vec<String>,
    /// Overrides the rule's confidence for findings of this table (console input in a prompt).
    #[serde(default)]
    pub(crate) confidence: Option<String>,
    /// Sink kinds that make the data what the rule is about by use: data of `sources` (or a
    /// function's parameter) reaching a sink of `sinks` is reported only when the same value
    /// also reaches one of these whole, not spliced into other text (a user's text sent as the
    /// prompt is the user's message, whatever its name).
    #[serde(default)]
    pub(crate) sent_whole_to: Vec<String>,
    pub(crate) message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) languages: Vec<String>,
    #[serde(default)]
    pub(crate) label: Option<String>,
    #[serde(default)]
    pub(crate) imports: Vec<String>,
    #[serde(default)]
    pub(crate) calls: Vec<String>,
    #[serde(default)]
    pub(crate) receivers: Vec<String>,
    #[serde(default)]
    pub(crate) methods: Vec<String>,
    #[serde(default)]
    pub(crate) attributes: Vec<String>,
    #[serde(default)]
    pub(crate) decorators: Vec<String>,
    /// With `decorators`: decorators that are not this source (`pytest.mark.tool`).
    #[serde(default)]
    pub(crate) unless_decorators: Vec<String>,
    /// Parameters of the functions a directive string exposes (`"use server"`): exported by a
    /// file that opens with it, or opening with it themselves.
    #[serde(default)]
    pub(crate) directives: Vec<String>,
    /// Parameters of functions under an entry or keyword argument with one of these keys
    /// (`{"tools/call": handle_call}`, `Agent(tools=[search])`).
    #[serde(default)]
    pub(crate) entries: Vec<String>,
    /// Words: functions held by a dict or list literal bound to a name with one of these words
    /// (`TOOLS = {"run": run_cmd}`, `available_functions`).
    #[serde(default)]
    pub(crate) registries: Vec<String>,
    /// Data kinds: functions held by a dict or list literal that is indexed by data of one of
    /// these kinds (`HANDLERS[call.function.name]`, `actions.get(name)`), whatever its name.
    #[serde(default)]
    pub(crate) indexed_by: Vec<String>,
    /// Parameters with one of these names, compared as words (`llm_output` is `llmOutput`).
    #[serde(default)]
    pub(crate) param_names: Vec<String>,
    #[serde(default)]
    pub(crate) callbacks: Vec<String>,
    #[serde(default)]
    pub(crate) callback_key: Option<String>,
    #[serde(default)]
    pub(crate) bases: Vec<String>,
    #[serde(default)]
    pub(crate) annotations: Vec<String>,
    #[serde(default)]
    pub(crate) params: Vec<usize>,
    /// Only inside classes with a matching base (`requests.post` inside an `LLM` subclass is the
    /// model's reply).
    #[serde(default)]
    pub(crate) in_classes: Vec<String>,
    /// The exception bound by a handler (`except E as e`, `catch (e)`) whose type, as written,
    /// matches one of these globs; `""` is a handler with no type.
    #[serde(default)]
    pub(crate) caught: Vec<String>,
    /// For `calls`: not when these conditions hold (`requests.get("https://docs.x/llms.txt")`).
    #[serde(default)]
    pub(crate) unless: Vec<RawCondition>,
    /// For `calls`: only when all of these hold (`reqwest` responses of a request to a model
    /// API's URL).
    #[serde(default)]
    pub(crate) when: Vec<RawCondition>,
    /// The parameters are a tool's arguments, chosen by a model (flag `tool`).
    #[serde(default)]
    pub(crate) tool: bool,
    /// `low`: findings of data from this source are at most of low confidence (flag `guessed`).
    #[serde(default)]
    pub(crate) confidence: Option<String>,
    /// What the functions it seeds are, for `[[sink.returns]]` `handlers` (`mcp-prompt`);
    /// `tool` when `tool = true`.
    #[serde(default)]
    pub(crate) handler: Option<String>,
    /// Parameter sources: parameters declared with a matching type are not seeded (`ctx:
    /// RunContext[Deps]`).
    #[serde(default)]
    pub(crate) unless_annotations: Vec<String>,
    /// Parameter sources: parameters whose default is a call of one of these are injected, not
    /// sent (`user = Depends(current_user)`).
    #[serde(default)]
    pub(crate) unless_defaults: Vec<String>,
    /// Parameter sources: parameters whose name ends in one of these words are keys
    /// (`conversation_id`): their data carries the `KEY` flag.
    #[serde(default)]
    pub(crate) key_params: Vec<String>,
    /// For `calls`: only these fields of the result carry the data (`useChat()` returns the
    /// messages beside `stop`, `error` and `isLoading`).
    #[serde(default)]
    pub(crate) fields: Vec<String>,
    /// String literals holding a key the `[[secret]]` detectors report.
    #[serde(default)]
    pub(crate) hardcoded_secrets: bool,
    /// Only in a file where a source of one of these kinds (without `requires_kinds`) also
    /// applies: a command line is attacker input only in a file that serves requests.
    #[serde(default)]
    pub(crate) requires_kinds: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSanitizer {
    #[serde(default)]
    pub(crate) languages: Vec<String>,
    #[serde(default)]
    pub(crate) calls: Vec<String>,
    #[serde(default)]
    pub(crate) methods: Vec<String>,
    /// Attributes whose value is clean (`.length`).
    #[serde(default)]
    pub(crate) attributes: Vec<String>,
    /// Methods that check their receiver, as an `if` test (`p.is_relative_to(root)`).
    #[serde(default)]
    pub(crate) guards: Vec<String>,
    /// Calls that check their last argument, as an `if` test (`re.fullmatch(p, x)`).
    #[serde(default)]
    pub(crate) guard_calls: Vec<String>,
    /// Calls that check their first argument (`isinstance(e, ConflictError)`).
    #[serde(default)]
    pub(crate) guard_first_calls: Vec<String>,
    /// Slices (`key[:4]`, `text.slice(0, 80)` is a method) are clean.
    #[serde(default)]
    pub(crate) slices: bool,
    /// Calls or attributes measuring a value's length (`len`, `length`): a comparison of the
    /// measure with a bound (`if len(x) > 2000: raise`) checks the value, as an `if` test.
    #[serde(default)]
    pub(crate) measures: Vec<String>,
    /// Keywords that bound a class field declared with them (`message: str =
    /// Field(max_length=2000)`): reading that field of any object gives a checked value.
    #[serde(default)]
    pub(crate) bounded_fields: Vec<String>,
    /// Types of a class field that admit a few values or a number (`stack: Literal["html",
    /// "react"]`, `n: int`, a field typed as an `Enum` of the file): reading that field of any
    /// object gives a checked value.
    #[serde(default)]
    pub(crate) closed_types: Vec<String>,
    /// Constructing a class of the file with a matching base (`class Args(BaseModel)`,
    /// `Args(**data)`) validates the arguments.
    #[serde(default)]
    pub(crate) bases: Vec<String>,
    /// Attributes naming a part of a value: comparing the part with a constant or testing
    /// membership checks the value (`urlparse(u).netloc in ALLOWED`, `ROOT in p.parents`).
    #[serde(default)]
    pub(crate) parts: Vec<String>,
    /// Attributes holding an HTTP answer's status (`status_code`): where a test says it is not
    /// a success (`r.status_code != 200`, `r.status >= 400`), the answer is the server's error,
    /// not what the call was made for.
    #[serde(default)]
    pub(crate) statuses: Vec<String>,
    /// Attributes true when an HTTP answer succeeded (`ok`): where one is false (`if not
    /// r.ok:`), as `statuses`.
    #[serde(default)]
    pub(crate) success_flags: Vec<String>,
    /// Values of a dict's `type` entry that make it a content part with no text
    /// (`{"type": "image_url", "image_url": {...}}`): its entries are clean.
    #[serde(default)]
    pub(crate) part_types: Vec<String>,
    /// Separators whose last part holds none of them: `url.split("/")[-1]`,
    /// `url.split("/").pop()` is a bare name.
    #[serde(default)]
    pub(crate) split_last: Vec<String>,
    /// With `split_last`: the methods splitting their receiver on their first argument
    /// (`split`, `rsplit`), and those giving a list's last element (`pop`).
    #[serde(default)]
    pub(crate) split_methods: Vec<String>,
    #[serde(default)]
    pub(crate) last_methods: Vec<String>,
    /// Calls giving a path relative to a root (`path.relative(root, p)`): the result starting
    /// with `..` (one of `escape_tests`, called with `".."`) says the path escapes the root, so
    /// it is checked where the test fails.
    #[serde(default)]
    pub(crate) escapes: Vec<String>,
    /// The prefix tests for `escapes` (`startsWith`, `startswith`).
    #[serde(default)]
    pub(crate) escape_tests: Vec<String>,
    /// Methods that take their first argument out of the receiver when the second is a
    /// constant (`text.replace(api_key, "[REDACTED]")`): the result is clean.
    #[serde(default)]
    pub(crate) removals: Vec<String>,
    /// Types that print a mask instead of their value (`SecretStr`): a name declared with one
    /// (a parameter, a class field) or bound to a call of one is clean, whatever it is named.
    #[serde(default)]
    pub(crate) wrappers: Vec<String>,
    /// With `wrappers`: methods that give the wrapped value back (`get_secret_value`).
    #[serde(default)]
    pub(crate) reveals: Vec<String>,
    /// With `guard_calls`/`guard_first_calls`: the call raises when the check fails, so as a
    /// statement (`jsonschema.validate(args, schema)`) it clears the checked name after it.
    #[serde(default)]
    pub(crate) raises: bool,
    #[serde(default)]
    pub(crate) sinks: Vec<String>,
}

/// `[[exits]]`: calls that never return (they raise or end the process: `abort(403)`,
/// `sys.exit(1)`), so a branch that makes one leaves like a `raise`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExits {
    pub(crate) calls: Vec<String>,
}

/// `[[assertions]]`: calls that throw unless their first argument is true (`assert(ok)` of
/// `node:assert`), so what that argument tests holds after one made as a statement, as after an
/// `if` whose other branch raises.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAssertions {
    pub(crate) calls: Vec<String>,
}

/// `[[method_dispatch]]`: calls that name the HTTP method in their first argument
/// (`requests.request("POST", url, ...)`): read as the call of that method
/// (`requests.post(url, ...)`), so the tables of the method apply.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMethodDispatch {
    pub(crate) calls: Vec<String>,
    /// The method names the first argument may give, lower case (`post`); any case matches.
    pub(crate) methods: Vec<String>,
}

/// A compiled `[[method_dispatch]]`.
#[derive(Debug)]
pub struct MethodDispatch {
    pub calls: Vec<Glob>,
    pub methods: Vec<String>,
}

/// `[[forwarder]]`: a call that calls the function it is given with the arguments it is given
/// (`Thread(target=f, args=(x,))`, `executor.submit(f, x)`): `f` is called with them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawForwarder {
    pub(crate) calls: Vec<String>,
    /// The function: a keyword argument ...
    #[serde(default)]
    pub(crate) function: Option<String>,
    /// ... or its position, when not passed by keyword.
    #[serde(default)]
    pub(crate) position: Option<usize>,
    /// A keyword argument holding the positional arguments as a tuple or list (`args`).
    #[serde(default)]
    pub(crate) args: Option<String>,
    /// The positional arguments after the function's are its arguments.
    #[serde(default)]
    pub(crate) rest: bool,
}

/// `[[state_hook]]`: a call returning a value and its setter (`const [answer, setAnswer] =
/// useState("")`): what the setter is given is the value thereafter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStateHook {
    pub(crate) calls: Vec<String>,
}

/// A compiled `[[forwarder]]`.
#[derive(Debug)]
pub struct Forwarder {
    pub calls: Vec<Glob>,
    pub function: Option<String>,
    pub position: Option<usize>,
    pub args: Option<String>,
    pub rest: bool,
}

/// `[[route_guard]]`: what guards one request handler (a limiter's decorator, a quota check in
/// its body, a limiter passed beside it to the route's registration). Data that enters in a
/// guarded function carries `flag`, which a `[[flow]]` can exclude (`unless_flags`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRouteGuard {
    pub(crate) flag: String,
    /// The function's decorators (qualified names).
    #[serde(default)]
    pub(crate) decorators: Vec<String>,
    /// Calls in the function's body or its parameters' defaults (qualified names).
    #[serde(default)]
    pub(crate) calls: Vec<String>,
    /// Arguments of a call that also passes the function (`app.post("/chat", limiter, handler)`),
    /// by their qualified names or their callee's.
    #[serde(default)]
    pub(crate) middleware: Vec<String>,
    /// Responses the function can give (`HTTPException(status_code=429)`, `res.status(429)`,
    /// `HTTPStatus.TOO_MANY_REQUESTS`): a number or attribute name passed to a call.
    #[serde(default)]
    pub(crate) statuses: Vec<String>,
}

/// `[[sink_gate]]`: a sink of `kind` run only where a test names one of `words` holds (`if
/// settings.verbosity_level >= 2:`, `if (process.env.NODE_ENV === 'development')`) is a sink of
/// `becomes` (a log written only in debug mode is a debug log).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSinkGate {
    pub(crate) kind: String,
    pub(crate) becomes: String,
    /// Words of a name, or a string compared to, in the test.
    pub(crate) words: Vec<String>,
}

/// A compiled `[[sink_gate]]`.
#[derive(Debug)]
pub struct SinkGate {
    pub kind: u8,
    pub becomes: u8,
    /// Lowercase words.
    pub words: Vec<String>,
}

/// A compiled `[[route_guard]]`.
#[derive(Debug)]
pub struct RouteGuard {
    pub flag: Flags,
    pub decorators: Vec<Glob>,
    pub calls: Vec<Glob>,
    pub middleware: Vec<Glob>,
    pub statuses: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPropagator {
    #[serde(default)]
    pub(crate) languages: Vec<String>,
    #[serde(default)]
    pub(crate) calls: Vec<String>,
    #[serde(default)]
    pub(crate) methods: Vec<String>,
    pub(crate) to: String,
}

/// Everything a pack file says about flows.
#[derive(Debug, Default)]
pub struct RawFlowTables {
    pub flows: Vec<RawFlow>,
    pub sources: Vec<RawSource>,
    pub sinks: Vec<RawSink>,
    pub sanitizers: Vec<RawSanitizer>,
    pub propagators: Vec<RawPropagator>,
    pub roles: Vec<RawRoles>,
    pub names: Vec<RawNames>,
    pub name_lookups: Vec<RawNameLookup>,
    pub sink_kinds: Vec<RawSinkKind>,
    pub exits: Vec<RawExits>,
    pub assertions: Vec<RawAssertions>,
    pub method_dispatch: Vec<RawMethodDispatch>,
    pub forwarders: Vec<RawForwarder>,
    pub state_hooks: Vec<RawStateHook>,
    pub route_guards: Vec<RawRouteGuard>,
    pub sink_gates: Vec<RawSinkGate>,
}

/// `[[sink_kind]]`: a sink kind made of other kinds' sinks, so a rule can have sanitizers of its
/// own (a length check bounds what reaches a model, AIG504, but does not stop an injection into
/// the same prompt, AIG201).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSinkKind {
    pub kind: String,
    /// Every sink of these kinds is also a sink of `kind`.
    pub includes: Vec<String>,
}

/// `[[roles]]`: how chat messages name their role, so text placed in a privileged message is
/// known as such (`{"role": "system", "content": x}`, `("system", x)`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoles {
    /// Dict/object keys that hold a message's role.
    #[serde(default)]
    pub(crate) keys: Vec<String>,
    /// Role values whose text is instructions.
    #[serde(default)]
    pub(crate) privileged: Vec<String>,
    /// Calls whose result is a privileged message (`SystemMessage(...)`).
    #[serde(default)]
    pub(crate) calls: Vec<String>,
}

/// What a flow rule reports: data of `sources` kinds reaching sinks of `sinks` kinds.
#[derive(Debug)]
pub struct FlowRule {
    pub rule_id: &'static str,
    pub sources: KindSet,
    pub sinks: KindSet,
    /// Label flags the data must have, and must not have.
    pub flags: Flags,
    pub unless_flags: Flags,
    /// `sent_whole_to`: sink kinds the same value must also reach whole (0: an ordinary flow).
    pub sent_whole_to: KindSet,
    /// The table's confidence, else the rule's: the most a finding of this table can be.
    pub confidence: crate::finding::Confidence,
    pub message: String,
}

/// How a source hands out data.
#[derive(Debug)]
pub enum SourceMatch {
    /// The result of a call with one of these qualified names.
    Calls(Vec<Glob>),
    /// The result of calling `methods` on a value carrying one of `receivers` (`__call__`: the
    /// value itself is called).
    Methods {
        receivers: KindSet,
        methods: Vec<String>,
    },
    /// Reading one of these qualified attribute chains.
    Attributes(Vec<String>),
    /// Parameters of functions with a matching decorator.
    Decorators(Vec<Glob>),
    /// Parameters of the functions a directive exposes: those a file opening with one of these
    /// directives exports, and those whose body opens with one (`"use server"`).
    Directives(Vec<String>),
    /// Parameters of functions passed to a matching call (under `key`, when given). A list
    /// literal passed gives its elements (`tools=[search, run]`).
    Callbacks {
        calls: Vec<Glob>,
        key: Option<String>,
    },
    /// Parameters of functions under an entry or keyword argument with one of these keys.
    Entries(Vec<String>),
    /// Functions held by a dict or list literal bound to a name with one of these words.
    Registries(Vec<Vec<String>>),
    /// Functions held by a dict or list literal indexed by data of one of these kinds.
    Indexed(KindSet),
    /// Parameters with one of these names (as words).
    ParamNames(Vec<Vec<String>>),
    /// Parameters of `methods` in classes with a matching base.
    Bases {
        bases: Vec<Glob>,
        /// Globs; a private name (`_run`) matches only a pattern that starts with `_` too.
        methods: Vec<Glob>,
    },
    /// Parameters and class fields declared with a matching type (`llm: BaseLanguageModel`).
    Annotations(Vec<Glob>),
    /// The exception bound by a handler whose type matches (`""`: no type).
    Caught(Vec<Glob>),
    /// String literals holding a key the secret detectors report (AIG101/AIG102); the label is
    /// followed by the detector's name of the key.
    HardcodedSecrets,
}

#[derive(Debug)]
pub struct Source {
    pub kind: u8,
    pub languages: Vec<String>,
    pub label: Option<String>,
    pub imports: Vec<String>,
    pub matcher: SourceMatch,
    /// 0-based parameter positions for parameter sources; empty: all of them.
    pub params: Vec<usize>,
    /// Globs over the bases of the enclosing class; empty: anywhere.
    pub in_classes: Vec<Glob>,
    /// For call sources: conditions on the call under which it is not a source.
    pub unless: Vec<Condition>,
    /// For call sources: conditions on the call that must all hold for it to be a source.
    pub when: Vec<Condition>,
    /// Its parameters are a tool's arguments: labels carry the `tool` flag.
    pub tool: bool,
    /// For decorator sources: decorators that are not this source.
    pub unless_decorators: Vec<Glob>,
    /// For `callbacks` and `registries`: the methods of a class of the file constructed there
    /// (`tools=[SearchTool()]`), or the functions under these keys of an object literal.
    pub methods: Vec<Glob>,
    /// Its data's findings are of low confidence: labels carry the `guessed` flag.
    pub guessed: bool,
    /// What the functions it seeds are, for `[[sink.returns]]` `handlers`.
    pub handler: Option<String>,
    /// Parameters declared with a matching type are not seeded.
    pub unless_annotations: Vec<Glob>,
    /// Parameters whose default is a call of a matching name are not seeded.
    pub unless_defaults: Vec<Glob>,
    /// Parameters whose name's last word is one of these are keys (`KEY`).
    pub key_params: Vec<String>,
    /// For call sources: the fields of the result that carry the data; empty: all of it.
    pub fields: Vec<String>,
    /// A source only in files where a source of one of these kinds, with no `requires_kinds`
    /// of its own, applies too (local input counts where the file serves requests); 0: anywhere.
    pub requires_kinds: KindSet,
}

#[derive(Debug)]
pub struct Sanitizer {
    pub languages: Vec<String>,
    pub calls: Vec<Glob>,
    pub methods: Vec<String>,
    pub attributes: Vec<String>,
    pub guards: Vec<String>,
    pub guard_calls: Vec<Glob>,
    pub guard_first_calls: Vec<Glob>,
    pub slices: bool,
    pub measures: Vec<String>,
    pub bounded_fields: Vec<String>,
    pub closed_types: Vec<String>,
    pub bases: Vec<Glob>,
    pub raises: bool,
    pub parts: Vec<String>,
    pub statuses: Vec<String>,
    pub success_flags: Vec<String>,
    pub part_types: Vec<String>,
    pub split_last: Vec<String>,
    pub split_methods: Vec<String>,
    pub last_methods: Vec<String>,
    pub escapes: Vec<Glob>,
    pub escape_tests: Vec<String>,
    pub removals: Vec<String>,
    pub wrappers: Vec<String>,
    pub reveals: Vec<String>,
    /// Sink kinds the result is clean for.
    pub sinks: KindSet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropagateTo {
    /// Arguments flow into the receiver (`xs.append(x)`).
    Receiver,
    /// The result is clean.
    Nothing,
    /// The result carries the receiver's data only (`d.get(key)`: the key picks, it is not
    /// returned).
    FromReceiver,
    /// The result is the receiver with the arguments spliced in (`template.replace("{q}", q)`).
    Splice,
    /// The result carries the arguments' data, including kinds that do not pass through calls
    /// (`str(password)`).
    Result,
    /// As `Result`, and the call writes out a whole value: a value passed whole that is named
    /// like a record (`[[names]]` with `record = true`: `json.dumps(customer)`, `user.to_dict()`)
    /// is that record's data.
    Serialize,
    /// The call writes its data to a file: the arguments after the first go to the file its
    /// first argument names (`fs.writeFileSync(p, code)`), or for a method, all the arguments
    /// go to the file its receiver was opened with (`open(p, "w").write(code)`). Sinks with
    /// `file_contents` read what was written.
    File,
}

#[derive(Debug)]
pub struct Propagator {
    pub languages: Vec<String>,
    pub calls: Vec<Glob>,
    pub methods: Vec<String>,
    pub to: PropagateTo,
}

/// All flow tables of all packs, compiled.
#[derive(Debug, Default)]
pub struct FlowSpec {
    /// Data kind names; a kind's index is its bit.
    pub kinds: Vec<String>,
    /// Sink kind names; a sink kind's index is its bit.
    pub sink_kinds: Vec<String>,
    pub rules: Vec<FlowRule>,
    /// Kinds some rule reports (data); the others are handles (`llm`: a model object).
    pub data_kinds: KindSet,
    /// Sink kinds where only a URL's scheme and host matter (`host_only` sinks).
    pub host_only_kinds: KindSet,
    pub sources: Vec<Source>,
    pub sinks: Vec<Sink>,
    pub sanitizers: Vec<Sanitizer>,
    pub propagators: Vec<Propagator>,
    /// Sink kinds of `Returns` sinks.
    pub return_sink_kinds: KindSet,
    /// Keys naming a message's role, and the privileged roles.
    pub role_keys: Vec<String>,
    pub privileged_roles: Vec<String>,
    /// Calls whose result is a privileged message.
    pub role_calls: Vec<Glob>,
    pub names: Vec<NameKind>,
    pub name_lookups: Vec<String>,
    /// Attributes that are the value itself (`[[name_lookups]]` `attributes`).
    pub name_attributes: Vec<String>,
    /// Kinds given by names: an argument's data of these kinds does not reach the result of a
    /// call the tables do not describe (`OpenAI(api_key=key)` is a client, not a key).
    pub name_kinds: KindSet,
    /// Sanitizer masks for slices (`key[:4]`).
    pub slice_clears: KindSet,
    /// Kinds followed within a file only: given by names, or caught exceptions. What a name or
    /// a handler says about a value holds where it is read, and a parameter seeded from another
    /// file would carry it to every use of the parameter.
    pub local_kinds: KindSet,
    /// Calls that never return (`[[exits]]`).
    pub exits: Vec<Glob>,
    /// Calls that throw unless their first argument is true (`[[assertions]]`).
    pub assertions: Vec<Glob>,
    /// Calls naming the HTTP method in their first argument (`[[method_dispatch]]`).
    pub method_dispatch: Vec<MethodDispatch>,
    pub forwarders: Vec<Forwarder>,
    /// Calls returning a value and its setter (`[[state_hook]]`).
    pub state_hooks: Vec<Glob>,
    pub route_guards: Vec<RouteGuard>,
    /// A word of every route guard's patterns: a file with none of them has no guard. `None`:
    /// some pattern has no word, so every file is looked at.
    pub route_guard_words: Option<aho_corasick::AhoCorasick>,
    pub sink_gates: Vec<SinkGate>,
}

/// At most this many kinds of each namespace: they are bits of a [`KindSet`].
pub(crate) const MAX_KINDS: usize = 32;

pub(crate) fn intern(names: &mut Vec<String>, name: &str, what: &str) -> Result<u8, String> {
    if let Some(i) = names.iter().position(|n| n == name) {
        return Ok(i as u8);
    }
    if names.len() >= MAX_KINDS {
        return Err(format!("more than {MAX_KINDS} {what} kinds"));
    }
    names.push(name.to_string());
    Ok((names.len() - 1) as u8)
}

/// Label flags: how the data was placed on its way, for rules that care about the shape of a
/// prompt rather than only what reaches it, and how sure the engine is of the path.
pub type Flags = u16;

///
/// Spliced: formatted or concatenated into a larger string (an f-string, `+`, `.format`,
/// `.replace`), as opposed to passed on whole.
pub const SPLICED: Flags = 1;
/// Placed in a privileged part of a prompt: a system or developer message (or a message whose
/// role the data itself chose).
pub const PRIVILEGED: Flags = 2;
/// Passed as an argument to a call the tables do not describe and carried by its result: the
/// result may be a new thing made from the data (`TreeContext(path)` is not the path).
pub const DERIVED: Flags = 4;
/// On a parameter marker: the parameter's value was read out of a field or made into something
/// else on the way, so what a caller's names say about the argument (`api_key`) does not hold
/// for what reaches the sink (`api_key.user_id`, `OpenAI(api_key=api_key)`).
pub const UNNAMED: Flags = 8;
/// Entered as a parameter of a function a framework calls (a tool's arguments, a route's
/// request): the framework parsed it against the function's declared parameters or schema.
pub const PARAMETER: Flags = 16;
/// Passed into a parameter by a caller in another file (seeded by `link`): parameters are seeded
/// per function, not per call site, so every caller's data reaches every use.
pub const LINKED: Flags = 32;
/// A tool's argument: a parameter of a function handed to a model as a tool (sources with
/// `tool = true`).
pub const TOOL: Flags = 64;
/// From a source known only by a guess (a parameter named `llm_output`): findings are of low
/// confidence.
pub const GUESSED: Flags = 128;
/// Reached its sink through a callee picked by shape, not by name resolution: the scan's methods
/// of the called method's name (`self.llm.chat(x)` on a receiver of no known class) stood in.
/// Findings are of medium confidence at most.
pub const SHAPED: Flags = 256;
/// Entered in a request handler a `[[route_guard]]` guards (a rate limiter's decorator, a quota
/// check in its body).
pub const LIMITED: Flags = 512;
/// A key stored data is looked up by (a route parameter named `conversation_id`): it reaches a
/// sink as itself, but what a call the tables do not describe makes of it (`load(conversation_id)`)
/// is the stored record, not the key.
pub const KEY: Flags = 1024;
/// Placed as the text of a message of a role that is not privileged (`{"role": "user",
/// "content": str(history)}`): what was a system message's text before is not one there. On a
/// parameter marker, a caller's privileged data passed in loses its privilege.
pub const DEMOTED: Flags = 2048;

pub(crate) const FLAG_NAMES: &str =
    "spliced, privileged, derived, parameter, linked, tool, guessed, shaped, limited";

pub(crate) fn flag_bits(names: &[String], rule: &str) -> Result<Flags, String> {
    let mut bits = 0;
    for n in names {
        bits |= match n.as_str() {
            "spliced" => SPLICED,
            "privileged" => PRIVILEGED,
            "derived" => DERIVED,
            "parameter" => PARAMETER,
            "linked" => LINKED,
            "tool" => TOOL,
            "guessed" => GUESSED,
            "shaped" => SHAPED,
            "limited" => LIMITED,
            other => return Err(format!("{rule}: unknown flag {other:?} ({FLAG_NAMES})")),
        };
    }
    Ok(bits)
}

pub(crate) fn globs(patterns: &[String]) -> Vec<Glob> {
    patterns.iter().map(|p| Glob::new(p)).collect()
}

impl FlowSpec {
    pub fn compile(raw: RawFlowTables, rules: &[RuleMeta]) -> Result<FlowSpec, String> {
        let mut spec = FlowSpec::default();
        for s in raw.sources {
            spec.add_source(s)?;
        }
        for n in raw.names {
            let kind = intern(&mut spec.kinds, &n.kind, "source")?;
            spec.name_kinds |= 1 << kind;
            let lower = |v: Vec<String>| -> Vec<String> {
                v.into_iter().map(|w| w.to_lowercase()).collect()
            };
            spec.names.push(NameKind {
                kind,
                label: n.label.unwrap_or_else(|| n.kind.clone()),
                heads: n.heads.iter().map(|h| name_words(h)).collect(),
                after: lower(n.after),
                not_after: lower(n.not_after),
                modifier: n.modifier,
                record: n.record,
            });
        }
        spec.check_required_kinds()?;
        for s in &spec.sources {
            if matches!(s.matcher, SourceMatch::Caught(_)) {
                spec.local_kinds |= 1 << s.kind;
            }
        }
        spec.local_kinds |= spec.name_kinds;
        for l in raw.name_lookups {
            spec.name_lookups.extend(l.methods);
            spec.name_attributes.extend(l.attributes);
        }
        for x in raw.exits {
            spec.exits.extend(globs(&x.calls));
        }
        for m in raw.method_dispatch {
            spec.method_dispatch.push(MethodDispatch {
                calls: globs(&m.calls),
                methods: m.methods.iter().map(|s| s.to_ascii_lowercase()).collect(),
            });
        }
        for a in raw.assertions {
            spec.assertions.extend(globs(&a.calls));
        }
        for f in raw.forwarders {
            if f.function.is_none() && f.position.is_none() {
                return Err("[[forwarder]]: give `function` or `position`".into());
            }
            spec.forwarders.push(Forwarder {
                calls: globs(&f.calls),
                function: f.function,
                position: f.position,
                args: f.args,
                rest: f.rest,
            });
        }
        for h in raw.state_hooks {
            spec.state_hooks.extend(globs(&h.calls));
        }
        for g in raw.route_guards {
            spec.route_guards.push(RouteGuard {
                flag: flag_bits(std::slice::from_ref(&g.flag), "a route guard")?,
                decorators: globs(&g.decorators),
                calls: globs(&g.calls),
                middleware: globs(&g.middleware),
                statuses: g.statuses,
            });
        }
        let guard_words: Option<Vec<&str>> = spec
            .route_guards
            .iter()
            .flat_map(|g| {
                let globs = g.decorators.iter().chain(&g.calls).chain(&g.middleware);
                globs
                    .map(Glob::longest_word)
                    .chain(g.statuses.iter().map(|s| Some(s.as_str())))
            })
            .collect();
        spec.route_guard_words = guard_words.and_then(|w| aho_corasick::AhoCorasick::new(w).ok());
        for r in raw.roles {
            spec.role_keys.extend(r.keys);
            spec.privileged_roles.extend(r.privileged);
            spec.role_calls.extend(globs(&r.calls));
        }
        for s in raw.sinks {
            spec.add_sink(s)?;
        }
        for alias in raw.sink_kinds {
            let kind = intern(&mut spec.sink_kinds, &alias.kind, "sink")?;
            let mut included = 0 as KindSet;
            for k in &alias.includes {
                included |= 1 << spec.sink_kind(k, "a sink kind")?;
            }
            let copies: Vec<Sink> = spec
                .sinks
                .iter()
                .filter(|s| included & (1 << s.kind) != 0)
                .map(|s| Sink { kind, ..s.clone() })
                .collect();
            if spec.return_sink_kinds & included != 0 {
                spec.return_sink_kinds |= 1 << kind;
            }
            spec.sinks.extend(copies);
        }
        for g in raw.sink_gates {
            spec.sink_gates.push(SinkGate {
                kind: spec.sink_kind(&g.kind, "a sink gate")?,
                becomes: spec.sink_kind(&g.becomes, "a sink gate")?,
                words: g.words.iter().map(|w| w.to_lowercase()).collect(),
            });
        }
        for f in raw.flows {
            let meta = rules
                .iter()
                .find(|r| r.id == f.rule)
                .ok_or_else(|| format!("flow names unknown rule {}", f.rule))?;
            let mut sources = 0;
            for k in &f.sources {
                sources |= 1 << spec.kind(k, "flow of ", meta.id)?;
            }
            let mut sinks = 0;
            for k in &f.sinks {
                sinks |= 1 << spec.sink_kind(k, meta.id)?;
            }
            let mut sent_whole_to = 0;
            for k in &f.sent_whole_to {
                sent_whole_to |= 1 << spec.sink_kind(k, meta.id)?;
            }
            spec.data_kinds |= sources;
            spec.rules.push(FlowRule {
                rule_id: meta.id,
                sources,
                sinks,
                flags: flag_bits(&f.flags, meta.id)?,
                unless_flags: flag_bits(&f.unless_flags, meta.id)?,
                sent_whole_to,
                confidence: confidence_of(f.confidence.as_deref())
                    .map_err(|e| format!("flow of {}: {e}", meta.id))?
                    .unwrap_or(meta.confidence),
                message: f.message,
            });
        }
        for s in raw.sanitizers {
            check_languages(&s.languages).map_err(|e| format!("a sanitizer: {e}"))?;
            let mut sinks = 0;
            for k in &s.sinks {
                sinks |= 1 << spec.sink_kind(k, "a sanitizer")?;
            }
            if s.calls.is_empty()
                && s.methods.is_empty()
                && s.attributes.is_empty()
                && s.guards.is_empty()
                && s.guard_calls.is_empty()
                && s.guard_first_calls.is_empty()
                && s.bases.is_empty()
                && !s.slices
                && s.measures.is_empty()
                && s.bounded_fields.is_empty()
                && s.closed_types.is_empty()
                && s.parts.is_empty()
                && s.statuses.is_empty()
                && s.success_flags.is_empty()
                && s.part_types.is_empty()
                && s.split_last.is_empty()
                && s.escapes.is_empty()
                && s.removals.is_empty()
                && s.wrappers.is_empty()
            {
                return Err(
                    "a sanitizer needs `calls`, `methods`, `attributes`, `guards`, `guard_calls`, `guard_first_calls`, `bases`, `slices`, `measures`, `bounded_fields`, `closed_types`, `parts`, `statuses`, `success_flags`, `part_types`, `split_last`, `escapes`, `removals` or `wrappers`"
                        .into(),
                );
            }
            let mask = if sinks == 0 { KindSet::MAX } else { sinks };
            if s.slices {
                spec.slice_clears |= mask;
            }
            if s.escapes.is_empty() != s.escape_tests.is_empty() {
                return Err("`escapes` and `escape_tests` go together".into());
            }
            if s.split_last.is_empty() != s.split_methods.is_empty()
                || (!s.last_methods.is_empty() && s.split_last.is_empty())
            {
                return Err(
                    "`split_last` and `split_methods` go together (`last_methods` too)".into(),
                );
            }
            if !s.reveals.is_empty() && s.wrappers.is_empty() {
                return Err("`reveals` needs `wrappers`".into());
            }
            if s.raises && s.guard_calls.is_empty() && s.guard_first_calls.is_empty() {
                return Err("`raises` needs `guard_calls` or `guard_first_calls`".into());
            }
            spec.sanitizers.push(Sanitizer {
                languages: s.languages,
                calls: globs(&s.calls),
                methods: s.methods,
                attributes: s.attributes,
                guards: s.guards,
                guard_calls: globs(&s.guard_calls),
                guard_first_calls: globs(&s.guard_first_calls),
                slices: s.slices,
                measures: s.measures,
                bounded_fields: s.bounded_fields,
                closed_types: s.closed_types,
                bases: globs(&s.bases),
                raises: s.raises,
                parts: s.parts,
                statuses: s.statuses,
                success_flags: s.success_flags,
                part_types: s.part_types,
                split_last: s.split_last,
                split_methods: s.split_methods,
                last_methods: s.last_methods,
                escapes: globs(&s.escapes),
                escape_tests: s.escape_tests,
                removals: s.removals,
                wrappers: s.wrappers,
                reveals: s.reveals,
                sinks: mask,
            });
        }
        for p in raw.propagators {
            check_languages(&p.languages).map_err(|e| format!("a propagator: {e}"))?;
            let to = match p.to.as_str() {
                "receiver" => PropagateTo::Receiver,
                "none" => PropagateTo::Nothing,
                "result-from-receiver" => PropagateTo::FromReceiver,
                "splice" => PropagateTo::Splice,
                "result" => PropagateTo::Result,
                "serialize" => PropagateTo::Serialize,
                "file" => PropagateTo::File,
                other => {
                    return Err(format!(
                        "propagator `to = {other:?}`: use receiver, none, result-from-receiver, splice, result, serialize or file"
                    ))
                }
            };
            if p.calls.is_empty() && p.methods.is_empty() {
                return Err("a propagator needs `calls` or `methods`".into());
            }
            spec.propagators.push(Propagator {
                languages: p.languages,
                calls: globs(&p.calls),
                methods: p.methods,
                to,
            });
        }
        Ok(spec)
    }

    /// A kind named by `requires_kinds` must be one some source without `requires_kinds` produces:
    /// else the sources requiring it never apply.
    fn check_required_kinds(&self) -> Result<(), String> {
        let unconditional = self
            .sources
            .iter()
            .filter(|s| s.requires_kinds == 0)
            .fold(0 as KindSet, |acc, s| acc | 1 << s.kind);
        for s in &self.sources {
            let missing = s.requires_kinds & !unconditional;
            if missing != 0 {
                let name = &self.kinds[missing.trailing_zeros() as usize];
                return Err(format!(
                    "source of kind {}: `requires_kinds` names {name:?}, which no source without `requires_kinds` produces",
                    self.kinds[s.kind as usize]
                ));
            }
        }
        Ok(())
    }

    /// A data kind named by a flow must be one some source produces.
    fn kind(&self, name: &str, what: &str, rule: &str) -> Result<u8, String> {
        self.kinds
            .iter()
            .position(|k| k == name)
            .map(|i| i as u8)
            .ok_or_else(|| format!("{what}{rule}: no source produces kind {name:?}"))
    }

    fn sink_kind(&self, name: &str, owner: &str) -> Result<u8, String> {
        self.sink_kinds
            .iter()
            .position(|k| k == name)
            .map(|i| i as u8)
            .ok_or_else(|| format!("{owner}: no sink has kind {name:?}"))
    }

    fn add_source(&mut self, s: RawSource) -> Result<(), String> {
        let kind = intern(&mut self.kinds, &s.kind, "source")?;
        let ctx = |e: &str| format!("source of kind {}: {e}", s.kind);
        check_languages(&s.languages).map_err(|e| ctx(&e))?;
        let mut matchers = Vec::new();
        if !s.calls.is_empty() {
            matchers.push(SourceMatch::Calls(globs(&s.calls)));
        }
        if !s.receivers.is_empty() {
            let mut receivers = 0;
            for r in &s.receivers {
                receivers |= 1 << intern(&mut self.kinds, r, "source")?;
            }
            if s.methods.is_empty() {
                return Err(ctx("`receivers` needs `methods`"));
            }
            matchers.push(SourceMatch::Methods {
                receivers,
                methods: s.methods.clone(),
            });
        }
        if !s.attributes.is_empty() {
            matchers.push(SourceMatch::Attributes(s.attributes.clone()));
        }
        if !s.decorators.is_empty() {
            matchers.push(SourceMatch::Decorators(globs(&s.decorators)));
        }
        if !s.directives.is_empty() {
            matchers.push(SourceMatch::Directives(s.directives.clone()));
        }
        if !s.callbacks.is_empty() {
            matchers.push(SourceMatch::Callbacks {
                calls: globs(&s.callbacks),
                key: s.callback_key.clone(),
            });
        }
        if !s.entries.is_empty() {
            matchers.push(SourceMatch::Entries(s.entries.clone()));
        }
        if !s.registries.is_empty() {
            let words = s.registries.iter().map(|w| name_words(w)).collect();
            matchers.push(SourceMatch::Registries(words));
        }
        if !s.indexed_by.is_empty() {
            let mut kinds: KindSet = 0;
            for k in &s.indexed_by {
                kinds |= 1 << intern(&mut self.kinds, k, "source")?;
            }
            matchers.push(SourceMatch::Indexed(kinds));
        }
        if !s.param_names.is_empty() {
            let words = s.param_names.iter().map(|w| name_words(w)).collect();
            matchers.push(SourceMatch::ParamNames(words));
        }
        if !s.unless_decorators.is_empty() && s.decorators.is_empty() {
            return Err(ctx("`unless_decorators` needs `decorators`"));
        }
        if !s.methods.is_empty()
            && s.receivers.is_empty()
            && s.bases.is_empty()
            && s.callbacks.is_empty()
            && s.registries.is_empty()
            && s.indexed_by.is_empty()
            && s.entries.is_empty()
        {
            return Err(ctx(
                "`methods` needs `receivers`, `bases`, `callbacks`, `entries`, `registries` or `indexed_by`",
            ));
        }
        if !s.fields.is_empty() && s.calls.is_empty() {
            return Err(ctx("`fields` needs `calls`"));
        }
        if !s.requires_kinds.is_empty() && s.hardcoded_secrets {
            return Err(ctx(
                "`requires_kinds` does not apply to `hardcoded_secrets`",
            ));
        }
        let mut requires_kinds = 0;
        for k in &s.requires_kinds {
            requires_kinds |= 1 << intern(&mut self.kinds, k, "source")?;
        }
        let guessed = match confidence_of(s.confidence.as_deref()).map_err(|e| ctx(&e))? {
            None => false,
            Some(crate::finding::Confidence::Low) => true,
            Some(_) => return Err(ctx("`confidence` of a source can only be \"low\"")),
        };
        if !s.bases.is_empty() {
            if s.methods.is_empty() {
                return Err(ctx("`bases` needs `methods`"));
            }
            matchers.push(SourceMatch::Bases {
                bases: globs(&s.bases),
                methods: globs(&s.methods),
            });
        }
        if !s.annotations.is_empty() {
            matchers.push(SourceMatch::Annotations(globs(&s.annotations)));
        }
        if !s.caught.is_empty() {
            matchers.push(SourceMatch::Caught(globs(&s.caught)));
        }
        if s.hardcoded_secrets {
            matchers.push(SourceMatch::HardcodedSecrets);
        }
        if matchers.len() != 1 {
            return Err(ctx(
                "give exactly one of calls, receivers+methods, attributes, decorators, directives, callbacks, entries, registries, indexed_by, param_names, bases+methods, annotations, caught, hardcoded_secrets",
            ));
        }
        let unless = s
            .unless
            .into_iter()
            .map(compile_condition)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ctx(&e))?;
        let when = s
            .when
            .into_iter()
            .map(compile_condition)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ctx(&e))?;
        self.sources.push(Source {
            kind,
            languages: s.languages,
            label: s.label,
            imports: s.imports,
            matcher: matchers.pop().expect("one matcher"),
            params: s.params,
            in_classes: globs(&s.in_classes),
            unless,
            when,
            tool: s.tool,
            unless_decorators: globs(&s.unless_decorators),
            methods: globs(&s.methods),
            guessed,
            handler: s.handler.or_else(|| s.tool.then(|| "tool".to_string())),
            unless_annotations: globs(&s.unless_annotations),
            unless_defaults: globs(&s.unless_defaults),
            key_params: s.key_params,
            fields: s.fields,
            requires_kinds,
        });
        Ok(())
    }

    fn add_sink(&mut self, mut s: RawSink) -> Result<(), String> {
        let common = s.common();
        let kind = intern(&mut self.sink_kinds, &common.kind, "sink")?;
        if common.host_only {
            self.host_only_kinds |= 1 << kind;
        }
        let ctx = |e: String| format!("sink of kind {}: {e}", common.kind);
        check_languages(&common.languages).map_err(ctx)?;
        let confidence = confidence_of(common.confidence.as_deref()).map_err(ctx)?;
        let nonempty = |list: &[String], key: &str| match list.is_empty() {
            true => Err(ctx(format!("`{key}` is empty"))),
            false => Ok(()),
        };
        let args = |args: &[String]| -> Vec<SinkArg> {
            args.iter()
                .map(|a| match (a.as_str(), a.parse::<usize>()) {
                    (_, Ok(p)) => SinkArg::Position(p),
                    ("receiver", _) => SinkArg::Receiver,
                    (path, _) if path.contains('.') => SinkArg::Setting(path.to_string()),
                    (name, _) => SinkArg::Keyword(name.to_string()),
                })
                .collect()
        };
        let mut fallback = false;
        let matcher = match s {
            RawSink::Calls(t) => {
                nonempty(&t.calls, "calls")?;
                fallback = t.fallback;
                let compile = |conds: Vec<RawCondition>| -> Result<Vec<Condition>, String> {
                    conds.into_iter().map(compile_condition).collect()
                };
                let mut requires_kinds = 0;
                for k in &t.requires_kinds {
                    requires_kinds |= 1 << self.kind(k, "a sink's requires_kinds ", "")?;
                }
                SinkMatch::Calls {
                    requires_kinds,
                    calls: globs(&t.calls),
                    unless_calls: globs(&t.unless_calls),
                    args: args(&t.args),
                    element: t.element,
                    file_contents: t.file_contents,
                    when: compile(t.when).map_err(ctx)?,
                    unless: compile(t.unless).map_err(ctx)?,
                }
            }
            RawSink::Properties(t) => {
                nonempty(&t.properties, "properties")?;
                SinkMatch::Properties(t.properties)
            }
            RawSink::Keys(t) => {
                nonempty(&t.keys, "keys")?;
                fallback = t.fallback;
                SinkMatch::Keys {
                    keys: t.keys,
                    with_keys: t.with_keys,
                    only_keys: t.only_keys,
                    not_under: t.not_under,
                    not_in_calls: globs(&t.not_in_calls),
                }
            }
            RawSink::Names(t) => {
                nonempty(&t.heads, "heads")?;
                fallback = t.fallback;
                SinkMatch::Names {
                    heads: t.heads.iter().map(|h| name_words(h)).collect(),
                    not_after: t.not_after.iter().map(|w| w.to_lowercase()).collect(),
                }
            }
            RawSink::Methods(t) => {
                nonempty(&t.receivers, "receivers")?;
                nonempty(&t.methods, "methods")?;
                let mut receivers = 0;
                for r in &t.receivers {
                    receivers |= 1 << intern(&mut self.kinds, r, "source")?;
                }
                SinkMatch::Methods {
                    receivers,
                    args: args(&t.args),
                    methods: t.methods,
                }
            }
            RawSink::Returns(t) => {
                if t.decorators.is_empty() == t.handlers.is_empty() {
                    return Err(ctx("give one of `decorators` and `handlers`".into()));
                }
                if !t.unless_names.is_empty() && t.handlers.is_empty() {
                    return Err(ctx("`unless_names` needs `handlers`".into()));
                }
                self.return_sink_kinds |= 1 << kind;
                SinkMatch::Returns {
                    decorators: globs(&t.decorators),
                    handlers: t.handlers,
                    unless_names: t.unless_names.iter().map(|w| name_words(w)).collect(),
                    unless_keys: t.unless_keys,
                }
            }
            RawSink::Splats(t) => {
                nonempty(&t.splats, "splats")?;
                for sp in &t.splats {
                    if sp != "*" && sp != "**" {
                        return Err(ctx(format!("splats: {sp:?} is not \"*\" or \"**\"")));
                    }
                }
                SinkMatch::Splats {
                    keyword: t.splats.iter().any(|x| x == "**"),
                    positional: t.splats.iter().any(|x| x == "*"),
                    unless_constructor: t.unless_constructor,
                    unless_calls: globs(&t.unless_calls),
                }
            }
            RawSink::Branches(t) => {
                nonempty(&t.words, "words")?;
                SinkMatch::Branches {
                    words: t.words.iter().map(|w| name_words(w)).collect(),
                    predicates: t.predicates,
                }
            }
        };
        self.sinks.push(Sink {
            kind,
            languages: common.languages,
            label: common.label,
            imports: common.imports,
            matcher,
            confidence,
            fallback,
        });
        Ok(())
    }
}
