//! `[[sink.<shape>]]` tables: where data must not arrive. One table type per shape (`calls`,
//! `properties`, `keys`, `methods`, `returns`, `splats`, `branches`), each with only its own
//! keys plus the common ones, compiled into [`Sink`]s of the [`FlowSpec`].

use super::condition::{Condition, RawCondition};
use super::glob::Glob;
use serde::de;
use serde::Deserialize;
use toml::Spanned;

/// A set of data kinds or of sink kinds, as bits.
pub type KindSet = u32;

/// Declares one `[[sink.<shape>]]` table: the keys every sink has, then the shape's own.
macro_rules! sink_table {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident: $ty:ty,)* }) => {
        $(#[$m])*
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            kind: String,
            #[serde(default)]
            languages: Vec<String>,
            #[serde(default)]
            label: Option<String>,
            /// Only in files importing a module starting with one of these.
            #[serde(default)]
            imports: Vec<String>,
            /// Caps the confidence of findings at this sink (a method known only by its name).
            #[serde(default)]
            confidence: Option<String>,
            /// Only a URL's scheme and host matter at sinks of this kind.
            #[serde(default)]
            host_only: bool,
            $($(#[$fm])* pub(crate) $field: $ty,)*
        }

        impl $name {
            fn common(&mut self) -> SinkCommon {
                SinkCommon {
                    kind: std::mem::take(&mut self.kind),
                    languages: std::mem::take(&mut self.languages),
                    label: self.label.take(),
                    imports: std::mem::take(&mut self.imports),
                    confidence: self.confidence.take(),
                    host_only: self.host_only,
                }
            }
        }
    };
}

/// The keys every sink shape has.
pub(crate) struct SinkCommon {
    pub(crate) kind: String,
    pub(crate) languages: Vec<String>,
    pub(crate) label: Option<String>,
    pub(crate) imports: Vec<String>,
    pub(crate) confidence: Option<String>,
    pub(crate) host_only: bool,
}

sink_table! {
    /// `[[sink.calls]]`: arguments of calls with a matching qualified name.
    RawCallSink {
        calls: Vec<String>,
        #[serde(default)]
        args: Vec<String>,
        #[serde(default)]
        element: Option<usize>,
        #[serde(default)]
        when: Vec<RawCondition>,
        #[serde(default)]
        unless: Vec<RawCondition>,
        /// Calls (qualified-name globs) that are not this sink (a prepared statement's
        /// `execute`).
        #[serde(default)]
        unless_calls: Vec<String>,
        /// The arguments name files: what reaches the sink is what the file holds (data written
        /// to a path spelled the same way), not the name.
        #[serde(default)]
        file_contents: bool,
        /// A prompt by its name only: reported where the data reaches no other sink afterwards
        /// (see [`Sink::fallback`]).
        #[serde(default)]
        fallback: bool,
        /// Only in a file where a source of one of these data kinds applies (a server's standard
        /// output is its log: `print` in a file that reads requests).
        #[serde(default)]
        requires_kinds: Vec<String>,
    }
}

sink_table! {
    /// `[[sink.properties]]`: assignment to a property of one of these names.
    RawPropertySink {
        properties: Vec<String>,
    }
}

sink_table! {
    /// `[[sink.keys]]`: a dict/object entry, keyword argument or JSX attribute so named.
    RawKeySink {
        keys: Vec<String>,
        /// Only in a dict/object that also has one of these keys (`content` of a message with a
        /// `role`).
        #[serde(default)]
        with_keys: Vec<String>,
        /// Only in a dict/object whose keys are all among these (a chat message, not a stored
        /// record with `role` and `content` columns among others); any, when empty.
        #[serde(default)]
        only_keys: Vec<String>,
        /// Not in a dict/object written inside an entry with one of these keys (a model's
        /// response built by hand, `{"choices": [{"message": {...}}]}`, is no prompt).
        #[serde(default)]
        not_under: Vec<String>,
        /// Not in a dict/object written in an argument of these calls (`count_tokens(messages=
        /// [...])` counts a message's tokens and sends it to no model).
        #[serde(default)]
        not_in_calls: Vec<String>,
        /// Reported only where the data reaches no other sink afterwards (see [`Sink::fallback`]).
        #[serde(default)]
        fallback: bool,
    }
}

sink_table! {
    /// `[[sink.names]]`: a value assigned to a variable, attribute or key whose name says what
    /// it is (`system_prompt = ...`, `{"systemPrompt": ...}`), matched on the name's words as
    /// `[[names]]` are.
    RawNameSink {
        heads: Vec<String>,
        #[serde(default)]
        not_after: Vec<String>,
        #[serde(default)]
        fallback: bool,
    }
}

sink_table! {
    /// `[[sink.methods]]`: arguments of `methods` called on a value carrying one of `receivers`
    /// (handle kinds).
    RawMethodSink {
        receivers: Vec<String>,
        methods: Vec<String>,
        #[serde(default)]
        args: Vec<String>,
    }
}

sink_table! {
    /// `[[sink.returns]]`: what functions with a matching decorator return, or what handlers
    /// (tools, prompt handlers) return.
    RawReturnSink {
        #[serde(default)]
        decorators: Vec<String>,
        /// Functions that sources with one of these `handler` names seed (`tool`: every tool):
        /// what they return goes back to the model.
        #[serde(default)]
        handlers: Vec<String>,
        /// With `handlers`: not functions whose name (or the name they were registered under)
        /// has one of these words (their purpose is to return such data: `fetch_page`); a
        /// function with no name is not this sink either.
        #[serde(default)]
        unless_names: Vec<String>,
        /// The keyword arguments and dict/object entries so named of a returned call or literal
        /// are not the sink (a prompt's `description` is not its text).
        #[serde(default)]
        unless_keys: Vec<String>,
    }
}

sink_table! {
    /// `[[sink.splats]]`: values splatted into any call: `"**"` (`f(**kw)`, a `...spread` in an
    /// options-object argument) and `"*"` (`f(*args)`, `f(...args)`).
    RawSplatSink {
        splats: Vec<String>,
        /// Calls that construct a class (a callee named in CapWords in Python, `new X(...)` in
        /// TS/JS) are not this sink: their fields are declared (`Action(**args)`).
        #[serde(default)]
        unless_constructor: bool,
        /// Calls (qualified-name globs) that are not this sink (`dict(**args)`,
        /// `template.format(**args)`).
        #[serde(default)]
        unless_calls: Vec<String>,
    }
}

sink_table! {
    /// `[[sink.branches]]`: the test of an `if`/`while` that decides between literals
    /// (`x == "approved"`, `"yes" in x`, `x.startswith("y")`) when the test or the guarded code
    /// names one of `words` (words or phrases, split like identifiers: `grant` matches
    /// `grant_access`); or whose test reads a value so named (`if approved:`,
    /// `data["is_admin"]`).
    RawBranchSink {
        words: Vec<String>,
        /// Methods that test their receiver against a literal argument (`startswith`).
        #[serde(default)]
        predicates: Vec<String>,
    }
}

/// The `[[sink.<shape>]]` tables of one pack, one list per shape. TOML keeps each list's order
/// but not how the lists interleave in the file: [`SinkOrder`], read from the pack's text, gives
/// each table's place, and [`RawSinks::in_order`] gives them back in the order the pack wrote
/// them.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSinks {
    #[serde(default)]
    pub(crate) calls: Vec<RawCallSink>,
    #[serde(default)]
    pub(crate) properties: Vec<RawPropertySink>,
    #[serde(default)]
    pub(crate) keys: Vec<RawKeySink>,
    #[serde(default)]
    pub(crate) names: Vec<RawNameSink>,
    #[serde(default)]
    pub(crate) methods: Vec<RawMethodSink>,
    #[serde(default)]
    pub(crate) returns: Vec<RawReturnSink>,
    #[serde(default)]
    pub(crate) splats: Vec<RawSplatSink>,
    #[serde(default)]
    pub(crate) branches: Vec<RawBranchSink>,
}

/// Where each sink table of a pack starts in its text, per shape, in [`RawSinks`]' order.
#[derive(Debug, Default, Deserialize)]
pub struct SinkOrder {
    #[serde(default)]
    sink: SinkPlaces,
}

#[derive(Debug, Default, Deserialize)]
struct SinkPlaces {
    #[serde(default)]
    calls: Vec<Spanned<de::IgnoredAny>>,
    #[serde(default)]
    properties: Vec<Spanned<de::IgnoredAny>>,
    #[serde(default)]
    keys: Vec<Spanned<de::IgnoredAny>>,
    #[serde(default)]
    names: Vec<Spanned<de::IgnoredAny>>,
    #[serde(default)]
    methods: Vec<Spanned<de::IgnoredAny>>,
    #[serde(default)]
    returns: Vec<Spanned<de::IgnoredAny>>,
    #[serde(default)]
    splats: Vec<Spanned<de::IgnoredAny>>,
    #[serde(default)]
    branches: Vec<Spanned<de::IgnoredAny>>,
}

impl SinkOrder {
    /// Read the places from a pack's text (the tables themselves are read after call-sets are
    /// expanded, which keeps each list's length and order).
    pub fn of(text: &str) -> Result<SinkOrder, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
}

/// One sink table, of any shape.
#[derive(Debug)]
pub enum RawSink {
    Calls(RawCallSink),
    Properties(RawPropertySink),
    Keys(RawKeySink),
    Names(RawNameSink),
    Methods(RawMethodSink),
    Returns(RawReturnSink),
    Splats(RawSplatSink),
    Branches(RawBranchSink),
}

impl RawSink {
    pub(crate) fn common(&mut self) -> SinkCommon {
        match self {
            RawSink::Calls(t) => t.common(),
            RawSink::Properties(t) => t.common(),
            RawSink::Keys(t) => t.common(),
            RawSink::Names(t) => t.common(),
            RawSink::Methods(t) => t.common(),
            RawSink::Returns(t) => t.common(),
            RawSink::Splats(t) => t.common(),
            RawSink::Branches(t) => t.common(),
        }
    }
}

impl RawSinks {
    /// The sink tables in the order they appear in the pack whose places are `order`.
    pub fn in_order(self, order: &SinkOrder) -> Vec<RawSink> {
        fn place<T>(
            all: &mut Vec<(usize, RawSink)>,
            tables: Vec<T>,
            places: &[Spanned<de::IgnoredAny>],
            shape: fn(T) -> RawSink,
        ) {
            all.extend(tables.into_iter().enumerate().map(|(i, t)| {
                let start = places.get(i).map_or(usize::MAX, |p| p.span().start);
                (start, shape(t))
            }));
        }
        let p = &order.sink;
        let mut all = Vec::new();
        place(&mut all, self.calls, &p.calls, RawSink::Calls);
        place(
            &mut all,
            self.properties,
            &p.properties,
            RawSink::Properties,
        );
        place(&mut all, self.keys, &p.keys, RawSink::Keys);
        place(&mut all, self.names, &p.names, RawSink::Names);
        place(&mut all, self.methods, &p.methods, RawSink::Methods);
        place(&mut all, self.returns, &p.returns, RawSink::Returns);
        place(&mut all, self.splats, &p.splats, RawSink::Splats);
        place(&mut all, self.branches, &p.branches, RawSink::Branches);
        // Stable: tables without a place (none from a pack's text) keep their shape order.
        all.sort_by_key(|(start, _)| *start);
        all.into_iter().map(|(_, s)| s).collect()
    }
}

/// Where a sink looks in a call.
#[derive(Debug, Clone, PartialEq)]
pub enum SinkArg {
    Position(usize),
    Keyword(String),
    Receiver,
    /// A value inside an argument, found like a setting (`json.messages`: the `messages` key of
    /// the dict given as `json=`); a leading number is a position (`1.messages`).
    Setting(String),
}

#[derive(Debug, Clone)]
pub enum SinkMatch {
    Calls {
        calls: Vec<Glob>,
        /// Calls matching `calls` that are not this sink (`rusqlite.*.execute` but not a
        /// prepared statement's `rusqlite.*.prepare().execute`).
        unless_calls: Vec<Glob>,
        args: Vec<SinkArg>,
        element: Option<usize>,
        /// The arguments name files whose contents reach the sink.
        file_contents: bool,
        when: Vec<Condition>,
        unless: Vec<Condition>,
        /// Data kinds (bits) one of which some source in the file must give (0: none needed).
        requires_kinds: KindSet,
    },
    /// Assignment to a property of one of these names.
    Properties(Vec<String>),
    /// A dict/object entry, keyword argument or JSX attribute with one of these names, in a
    /// dict/object that has one of `with_keys` too (any, when empty).
    Keys {
        keys: Vec<String>,
        with_keys: Vec<String>,
        only_keys: Vec<String>,
        not_under: Vec<String>,
        not_in_calls: Vec<Glob>,
    },
    /// A value assigned to a name (variable, attribute, key) whose words end in one of `heads`
    /// (each split into words), the word before not one of `not_after`.
    Names {
        heads: Vec<Vec<String>>,
        not_after: Vec<String>,
    },
    /// Arguments of `methods` called on a value carrying one of `receivers` (handle kinds).
    Methods {
        receivers: KindSet,
        methods: Vec<String>,
        args: Vec<SinkArg>,
    },
    /// What a function with a matching decorator returns, or a function seeded by a source with
    /// one of `handlers` whose name has none of `unless_names` (each split into words).
    Returns {
        decorators: Vec<Glob>,
        handlers: Vec<String>,
        unless_names: Vec<Vec<String>>,
        unless_keys: Vec<String>,
    },
    /// A value splatted into any call, as keywords (`**`) and/or positions (`*`).
    Splats {
        keyword: bool,
        positional: bool,
        unless_constructor: bool,
        unless_calls: Vec<Glob>,
    },
    /// An `if`/`while` test deciding on data, where the test or the guarded code names one of
    /// `words` (each split into words).
    Branches {
        words: Vec<Vec<String>>,
        predicates: Vec<String>,
    },
}

#[derive(Debug, Clone)]
pub struct Sink {
    pub kind: u8,
    pub languages: Vec<String>,
    pub label: Option<String>,
    /// Only in files importing a module starting with one of these (`*.execute` where `duckdb`
    /// is imported).
    pub imports: Vec<String>,
    pub matcher: SinkMatch,
    pub confidence: Option<crate::finding::Confidence>,
    /// A place that is a prompt by its shape or name only (a message dict, a `system_prompt`
    /// variable): its finding is dropped when the same data goes on to a sink that is not a
    /// fallback, whose finding tells the flow better.
    pub fallback: bool,
}

impl SinkMatch {
    /// For [`SinkMatch::Names`]: whether an identifier's words (lowercase) name this sink.
    pub fn names(&self, words: &[String]) -> bool {
        let SinkMatch::Names { heads, not_after } = self else {
            return false;
        };
        heads.iter().any(|head| {
            let n = head.len();
            words.len() >= n
                && words[words.len() - n..] == head[..]
                && !words
                    .len()
                    .checked_sub(n + 1)
                    .is_some_and(|i| not_after.contains(&words[i]))
        })
    }
}

#[cfg(test)]
mod tests;
