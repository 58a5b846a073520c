//! Labels (what a value carries) and the trace arena (how it got there).
//!
//! A value's taint is a short list of [`Label`]s: a data kind (or a parameter marker, inside a
//! function summary), the sink kinds a sanitizer cleared it for, and the last step of the path it
//! took. Steps live in one arena per file and point back to the step before, so extending a path is
//! one push and paths share their prefixes. A call through a summary joins two paths with a
//! `Splice` step instead of copying the callee's.

use crate::ir::Span;

/// A data kind is `0..32`; a function's parameter `i` is `PARAM + i` while its summary is built.
pub const PARAM: u16 = 64;
/// Parameters beyond this many are not tracked through summaries.
pub const MAX_PARAMS: usize = 64;
/// Distinct (kind, cleared, flags) labels kept per value.
const MAX_LABELS: usize = 12;

/// Label flags: how the data was placed on its way (`spliced`, `privileged`, ...), named by the
/// packs' `flags` and so defined with the format.
pub use crate::spec::flow::{
    Flags, DEMOTED, DERIVED, GUESSED, KEY, LINKED, PARAMETER, PRIVILEGED, SHAPED, SPLICED, TOOL,
    UNNAMED,
};
pub const NO_STEP: u32 = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label {
    pub kind: u16,
    /// Sink kinds (bits) a sanitizer made this value safe for.
    pub cleared: u32,
    /// [`SPLICED`], [`PRIVILEGED`], [`DERIVED`].
    pub flags: Flags,
    /// The last step of the path, in [`Trace`].
    pub trace: u32,
}

impl Label {
    /// Whether `other` is this label as a taint counts labels (`join` keeps one of each): the
    /// same kind, cleared for the same sinks, placed the same way.
    pub fn same_as(&self, other: &Label) -> bool {
        self.kind == other.kind && self.cleared == other.cleared && self.flags == other.flags
    }

    pub fn param(self) -> Option<usize> {
        (self.kind >= PARAM).then(|| (self.kind - PARAM) as usize)
    }
}

/// `t` with `flags` added to every label.
pub fn with_flags(mut t: Taint, flags: Flags) -> Taint {
    for l in &mut t {
        l.flags |= flags;
    }
    // Labels that differed only by a flag now coincide: keep the first of each.
    let mut out = Taint::with_capacity(t.len());
    join(&mut out, &t);
    out
}

pub type Taint = Vec<Label>;

/// Add `more` to `into`, keeping the first path of each (kind, cleared, flags). Returns whether
/// anything was added.
pub fn join(into: &mut Taint, more: &[Label]) -> bool {
    let mut grew = false;
    for l in more {
        if into.len() >= MAX_LABELS {
            break;
        }
        if !into.iter().any(|x| x.same_as(l)) {
            into.push(*l);
            grew = true;
        }
    }
    grew
}

#[derive(Debug, Clone)]
pub enum Note {
    /// Where the data came from: the source's label.
    Source(String),
    /// Data a caller in another file passed in: where it came from, with file and line.
    Caller(String),
    /// A parameter of the function being summarised (the start of a summary path).
    Param(Box<str>),
    Assign(Box<str>),
    /// Passed as an argument to a function of the file.
    Arg(Box<str>),
    /// Placed in a privileged message (`SystemMessage(...)`).
    Placed(Box<str>),
    Return,
    /// The callee's path (`callee`) continues the caller's (`prev`).
    Splice {
        callee: u32,
    },
}

#[derive(Debug, Clone)]
pub struct Step {
    pub span: Span,
    pub note: Note,
    pub prev: u32,
}

#[derive(Debug, Default)]
pub struct Trace {
    steps: Vec<Step>,
}

/// Steps followed when a path is read back; longer paths are cut (the arena cannot loop, but a
/// cap keeps a pathological file cheap).
const MAX_WALK: usize = 256;

impl Trace {
    pub fn push(&mut self, span: Span, note: Note, prev: u32) -> u32 {
        self.steps.push(Step { span, note, prev });
        (self.steps.len() - 1) as u32
    }

    /// `labels` with one more step each (an assignment, a return, ...).
    pub fn extend(&mut self, labels: &[Label], span: Span, note: &Note) -> Taint {
        labels
            .iter()
            .map(|l| Label {
                trace: self.push(span, note.clone(), l.trace),
                ..*l
            })
            .collect()
    }

    /// The step that last named the value whose path ends at `last`: an assignment, a parameter
    /// or the source, before the steps that only placed it (in a message, an argument).
    pub fn named_step(&self, last: u32) -> u32 {
        let mut cur = last;
        for _ in 0..MAX_WALK {
            let Some(step) = self.steps.get(cur as usize) else {
                break;
            };
            match step.note {
                Note::Assign(_) | Note::Source(_) | Note::Caller(_) | Note::Param(_) => return cur,
                Note::Splice { .. } | Note::Return => return cur,
                Note::Arg(_) | Note::Placed(_) => cur = step.prev,
            }
        }
        last
    }

    /// The path ending at `last`, first step first, through splices.
    pub fn path(&self, last: u32) -> Vec<&Step> {
        let mut out = Vec::new();
        let mut resume: Vec<u32> = Vec::new();
        let mut cur = last;
        while out.len() < MAX_WALK {
            let Some(step) = self.steps.get(cur as usize) else {
                match resume.pop() {
                    Some(r) => {
                        cur = r;
                        continue;
                    }
                    None => break,
                }
            };
            if let Note::Splice { callee } = step.note {
                resume.push(step.prev);
                cur = callee;
                continue;
            }
            out.push(step);
            cur = step.prev;
        }
        out.reverse();
        out
    }
}

#[cfg(test)]
mod tests;
