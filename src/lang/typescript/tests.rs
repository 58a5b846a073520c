use super::*;
use crate::ir::walk_stmts;

const ALL: [Language; 3] = [Language::TypeScript, Language::Tsx, Language::JavaScript];

fn ts(src: &str) -> Module {
    lower(src, Language::TypeScript)
}

/// A compact rendering of an expression, so tests can state whole shapes.
fn show(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Name(n) => n.to_string(),
        ExprKind::Attribute { value, attr } => format!("{}.{attr}", show(value)),
        ExprKind::Index { value, index } => format!("{}[{}]", show(value), show(index)),
        ExprKind::Call(c) => {
            let args: Vec<String> = c
                .args
                .iter()
                .map(|a| match a.splat {
                    Splat::Star => format!("...{}", show(&a.value)),
                    _ => show(&a.value),
                })
                .collect();
            let new = if c.is_new { "new " } else { "" };
            format!("{new}{}({})", show(&c.callee), args.join(", "))
        }
        ExprKind::StringBuild(parts) => {
            let p: Vec<String> = parts
                .iter()
                .map(|p| match p {
                    StrPart::Lit(s) => format!("{s:?}"),
                    StrPart::Expr(e) => format!("{{{}}}", show(e)),
                })
                .collect();
            format!("build({})", p.join(" "))
        }
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::Number(n) => n.to_string(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Null => "null".into(),
        ExprKind::Dict(entries) => {
            let p: Vec<String> = entries
                .iter()
                .map(|(k, v)| match k {
                    Some(k) => format!("{}: {}", show(k), show(v)),
                    None => format!("**{}", show(v)),
                })
                .collect();
            format!("{{{}}}", p.join(", "))
        }
        ExprKind::List(items) => format!("[{}]", list(items)),
        ExprKind::Spread(e) => format!("...{}", show(e)),
        ExprKind::Function(i) => format!("fn#{i}"),
        ExprKind::Await(e) => format!("await {}", show(e)),
        ExprKind::Choice(items) => format!("choice({})", list(items)),
        ExprKind::Compare { op, left, right } => format!("({} {op} {})", show(left), show(right)),
        ExprKind::Other(items) => format!("other({})", list(items)),
    }
}

fn list(items: &[Expr]) -> String {
    items.iter().map(show).collect::<Vec<_>>().join(", ")
}

/// A compact rendering of a statement list.
fn show_stmts(stmts: &[Stmt]) -> String {
    stmts.iter().map(show_stmt).collect::<Vec<_>>().join("; ")
}

fn show_stmt(s: &Stmt) -> String {
    let opt = |e: &Option<Expr>| e.as_ref().map_or("-".to_string(), show);
    match &s.kind {
        StmtKind::Assign {
            targets,
            value,
            augmented,
        } => format!(
            "{} {} {}",
            list(targets),
            if *augmented { "+=" } else { "=" },
            show(value)
        ),
        StmtKind::Expr(e) => show(e),
        StmtKind::Return(e) => format!("return {}", opt(e)),
        StmtKind::Jump => "jump".to_string(),
        StmtKind::Raise(e) => format!("raise {}", opt(e)),
        StmtKind::If { test, body, orelse } => format!(
            "if {} {{{}}} else {{{}}}",
            show(test),
            show_stmts(body),
            show_stmts(orelse)
        ),
        StmtKind::Loop {
            target,
            iter,
            test,
            body,
            ..
        } => format!(
            "loop {} in {} while {} {{{}}}",
            opt(target),
            opt(iter),
            opt(test),
            show_stmts(body)
        ),
        StmtKind::With { items, body } => {
            let i: Vec<String> = items.iter().map(|(c, _)| show(c)).collect();
            format!("with {} {{{}}}", i.join(", "), show_stmts(body))
        }
        StmtKind::Try {
            body,
            handlers,
            finally,
            ..
        } => {
            let h: Vec<String> = handlers
                .iter()
                .map(|h| {
                    format!(
                        "catch {} {{{}}}",
                        h.name.as_deref().unwrap_or("-"),
                        show_stmts(&h.body)
                    )
                })
                .collect();
            format!(
                "try {{{}}} {} finally {{{}}}",
                show_stmts(body),
                h.join(" "),
                show_stmts(finally)
            )
        }
        StmtKind::FunctionDef(i) => format!("def#{i}"),
        StmtKind::ClassDef(i) => format!("class#{i}"),
        StmtKind::Match { subject, cases } => {
            let c: Vec<String> = cases
                .iter()
                .map(|(p, b)| format!("case {} {{{}}}", list(p), show_stmts(b)))
                .collect();
            format!("match {} {}", show(subject), c.join(" "))
        }
        StmtKind::Other { exprs, body } => {
            format!("other({}) {{{}}}", list(exprs), show_stmts(body))
        }
    }
}

fn imports(m: &Module) -> Vec<(String, String)> {
    m.imports
        .iter()
        .map(|i| (i.local.to_string(), i.qualified.to_string()))
        .collect()
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// The value of the last top-level assignment.
fn value(m: &Module) -> String {
    m.body
        .iter()
        .rev()
        .find_map(|s| match &s.kind {
            StmtKind::Assign { value, .. } => Some(show(value)),
            _ => None,
        })
        .unwrap_or_default()
}

fn calls(m: &Module) -> Vec<String> {
    m.calls().iter().map(|(c, _)| show(&c.callee)).collect()
}

#[test]
fn empty_input_gives_empty_module() {
    for lang in ALL {
        let m = lower("", lang);
        assert!(m.body.is_empty() && m.functions.is_empty() && m.imports.is_empty());
        assert!(!m.has_errors);
        assert_eq!(m.language, lang);
    }
    assert!(lower("x", Language::Python).body.is_empty());
}

#[test]
fn import_table() {
    let src = r#"
import OpenAI from "openai";
import { OpenAI as O, x } from "openai";
import * as ai from "ai";
import def, { named } from "m";
import d2, * as ns from "m2";
import Anthropic from "@anthropic-ai/sdk";
import { readFile } from "node:fs/promises";
import "side-effect";
const cp = require("child_process");
const { exec, spawn: sp, execSync = null, ...rest } = require("node:child_process");
var y = require("m").y;
const Def = require("openai").default;
import { default as D2 } from "openai";
let { z } = await import("zz");
"#;
    let expected = pairs(&[
        ("OpenAI", "openai"),
        ("O", "openai.OpenAI"),
        ("x", "openai.x"),
        ("ai", "ai"),
        ("def", "m"),
        ("named", "m.named"),
        ("d2", "m2"),
        ("ns", "m2"),
        ("Anthropic", "@anthropic-ai/sdk"),
        ("readFile", "fs/promises.readFile"),
        ("cp", "child_process"),
        ("exec", "child_process.exec"),
        ("sp", "child_process.spawn"),
        ("execSync", "child_process.execSync"),
        ("rest", "child_process"),
        ("y", "m.y"),
        ("Def", "openai"),
        ("D2", "openai"),
        ("z", "zz.z"),
    ]);
    for lang in ALL {
        let m = lower(src, lang);
        assert!(!m.has_errors, "{lang:?}");
        assert_eq!(imports(&m), expected, "{lang:?}");
    }
}

#[test]
fn typescript_only_imports() {
    let m = ts(r#"
import type { A } from "a";
import type B from "b";
import { type C, D } from "c";
import x = require("node:crypto");
"#);
    assert!(!m.has_errors);
    assert_eq!(imports(&m), pairs(&[("D", "c.D"), ("x", "crypto")]));
}

#[test]
fn require_is_also_an_assignment() {
    for lang in ALL {
        let m = lower(
            r#"const { exec, spawn: sp } = require("child_process");"#,
            lang,
        );
        assert_eq!(
            show_stmts(&m.body),
            r#"{"exec": exec, "spawn": sp} = require("child_process")"#
        );
        let import = &m.imports[0];
        assert_eq!(import.span.start, 6);
    }
}

#[test]
fn class_fields_methods_and_bases() {
    let ts_src = r#"
@Injectable()
export class Agent extends Base<T> implements Tool {
  model = new OpenAI();
  private key: string = process.env.KEY;
  static #n = 1;
  declared: number;
  @Get("/x") async handle(req: Request) { return this.model.chat(req.body); }
  constructor(private c: X) { super(); this.y = 2; }
  get v() { return 1; }
  set v(x) {}
  abstract_sig(): void;
}
"#;
    for lang in [Language::TypeScript, Language::Tsx] {
        let m = lower(ts_src, lang);
        assert!(!m.has_errors, "{lang:?}");
        assert_eq!(m.classes.len(), 1);
        let c = &m.classes[0];
        assert_eq!(&*c.name, "Agent");
        // An interface it implements is a base: its declared methods are what the class defines.
        assert_eq!(list(&c.bases), "Base, Tool");
        assert_eq!(list(&c.decorators), "Injectable()");
        assert_eq!(
            show_stmts(&c.body),
            "this.model = new OpenAI(); this.key = process.env.KEY; this.#n = 1"
        );
        let names: Vec<&str> = c.methods.iter().map(|&i| &*m.functions[i].name).collect();
        assert_eq!(names, ["handle", "constructor", "v", "v", "abstract_sig"]);
        let signature = &m.functions[c.methods[4]];
        assert!(signature.body.is_empty() && signature.is_declaration());
        let handle = &m.functions[c.methods[0]];
        assert!(handle.is_async && !handle.is_lambda);
        assert_eq!(handle.class, Some(0));
        assert_eq!(list(&handle.decorators), r#"Get("/x")"#);
        assert_eq!(&*handle.params[0].name, "req");
        assert_eq!(handle.params[0].annotation.as_deref(), Some("Request"));
        assert_eq!(show_stmts(&handle.body), "return this.model.chat(req.body)");
        let ctor = &m.functions[c.methods[1]];
        // `private c: X` is a parameter property: the field is assigned from the parameter.
        assert_eq!(show_stmts(&ctor.body), "this.c = c; super(); this.y = 2");
        assert_eq!(show_stmts(&m.body), "class#0");
    }
    let js = lower(
        "class A extends mixin(B) { @d m() {} x = 1; static { init(); } }",
        Language::JavaScript,
    );
    assert!(!js.has_errors);
    let c = &js.classes[0];
    assert_eq!(list(&c.bases), "mixin(B)");
    assert_eq!(show_stmts(&c.body), "this.x = 1; init()");
    assert_eq!(list(&js.functions[c.methods[0]].decorators), "d");
}

#[test]
fn class_expression_is_registered() {
    let m = lower(
        "module.exports = class extends Tool { run(x) { return x } };",
        Language::JavaScript,
    );
    assert_eq!(m.classes.len(), 1);
    assert_eq!(list(&m.classes[0].bases), "Tool");
    assert_eq!(m.functions[0].class, Some(0));
}

#[test]
fn params_destructured_defaults_rest() {
    let m = ts("function f({ command, cwd: dir, env = {} }: Opts, [a, [b]], x: number = 1, ...rest: string[]) {}\nconst g = async ([p, q]) => p;\nconst h = y => y;");
    assert!(!m.has_errors);
    let f = &m.functions[0];
    let names: Vec<&str> = f.params.iter().map(|p| &*p.name).collect();
    assert_eq!(names, ["command", "dir", "env", "a", "b", "x", "rest"]);
    let command = &f.params[0];
    assert_eq!(&"function f({ command"[..][command.span.range()], "command");
    // A name bound from a typed object is annotated with the type's member it reads.
    assert_eq!(command.annotation.as_deref(), Some("Opts.command"));
    assert_eq!(f.params[1].annotation.as_deref(), Some("Opts.cwd"));
    assert_eq!(f.params[2].annotation.as_deref(), Some("Opts.env"));
    assert!(f.params[3].annotation.is_none());
    assert_eq!(
        f.params[2].default.as_ref().map(show).as_deref(),
        Some("{}")
    );
    assert_eq!(f.params[5].annotation.as_deref(), Some("number"));
    assert_eq!(f.params[5].default.as_ref().map(show).as_deref(), Some("1"));
    assert_eq!(f.params[6].splat, Splat::Star);
    // The names of one pattern share its argument's position and read their own property.
    let positions = f.argument_positions();
    assert_eq!(positions, [0, 0, 0, 1, 1, 2, 3]);
    let keys: Vec<Option<&str>> = f
        .params
        .iter()
        .map(|p| p.pattern.as_ref().and_then(|d| d.key.as_deref()))
        .collect();
    assert_eq!(
        keys,
        [
            Some("command"),
            Some("cwd"),
            Some("env"),
            None,
            None,
            None,
            None
        ]
    );
    assert_eq!(f.params[6].annotation.as_deref(), Some("string[]"));
    let g = &m.functions[1];
    assert!(g.is_async && g.is_lambda);
    assert_eq!(g.params.len(), 2);
    assert_eq!(show_stmts(&g.body), "return p");
    assert_eq!(&*m.functions[2].params[0].name, "y");
    // A TypeScript `this` parameter is not a parameter.
    let m = ts("function k(this: Window, e: Event) {}");
    assert_eq!(m.functions[0].params.len(), 1);
    for lang in ALL {
        let m = lower(
            "const run = async ({ command, cwd }) => exec(command, { cwd });",
            lang,
        );
        let f = &m.functions[0];
        let names: Vec<&str> = f.params.iter().map(|p| &*p.name).collect();
        assert_eq!(names, ["command", "cwd"], "{lang:?}");
        assert_eq!(&*f.name, "run", "{lang:?}");
        assert_eq!(show_stmts(&f.body), r#"return exec(command, {"cwd": cwd})"#);
        assert_eq!(value(&m), "fn#0");
    }
}

#[test]
fn function_kinds() {
    for lang in ALL {
        let m = lower(
            "function a() { function inner() {} return function named() {} }\nasync function* gen() { yield 1; yield; }\nconst e = function () {};",
            lang,
        );
        assert!(!m.has_errors, "{lang:?}");
        let names: Vec<&str> = m.functions.iter().map(|f| &*f.name).collect();
        // A function bound to a `const` is named after it, as JavaScript names it.
        assert_eq!(names, ["a", "inner", "named", "gen", "e"]);
        assert_eq!(show_stmts(&m.functions[0].body), "def#1; return fn#2");
        assert!(m.functions[3].is_async);
        assert_eq!(show_stmts(&m.functions[3].body), "await 1; other()");
        assert_eq!(show_stmts(&m.body), "def#0; def#3; e = fn#4");
        assert!(m.functions.iter().all(|f| !f.is_lambda));
    }
}

#[test]
fn object_literals_and_methods() {
    for lang in ALL {
        let m = lower(
            r#"const tools = { apiKey, "quoted-key": 1, [k]: v, 2: n, ...base, async execute(args) { return run(args); }, get g() { return 1; } };"#,
            lang,
        );
        assert!(!m.has_errors);
        assert_eq!(
            value(&m),
            r#"{"apiKey": apiKey, "quoted-key": 1, k: v, 2: n, **base, "execute": fn#0, "g": fn#1}"#
        );
        let exec = &m.functions[0];
        assert_eq!(&*exec.name, "execute");
        assert!(exec.is_async && exec.class.is_none());
        assert_eq!(&*exec.params[0].name, "args");
    }
}

#[test]
fn destructuring_targets() {
    for lang in ALL {
        let m = lower(
            "const { a, b: { c }, d = 1, e: f = 2, ...r } = o;\nlet [x, , [y], ...zs] = arr;\n({ p, q } = o2);\n[s, t] = [t, s];\nlet u;",
            lang,
        );
        assert!(!m.has_errors);
        assert_eq!(
            show_stmts(&m.body),
            r#"{"a": a, "b": {"c": c}, "d": d, "e": f, **r} = o; [x, [y], ...zs] = arr; {"p": p, "q": q} = o2; [s, t] = [t, s]"#
        );
    }
}

#[test]
fn assignments() {
    for lang in ALL {
        let m = lower(
            "a = b = c;\nx += 1;\ny ??= z;\nthis.client = new OpenAI();\nobj[k] = v;\ni++, j = 2;\nwhile ((m = re.exec(s)) !== null) {}",
            lang,
        );
        assert_eq!(
            show_stmts(&m.body),
            "a, b = c; x += 1; y += z; this.client = new OpenAI(); obj[k] = v; other(i); j = 2; loop - in - while (other(m, re.exec(s)) !== null) {}"
        );
    }
}

#[test]
fn control_flow_statements() {
    let src = r#"
if (a) { f(); } else if (b) g(); else { h(); }
for (let i = 0; i < n; i++) { body(i); }
for (;;) {}
for (const [k, v] of Object.entries(o)) use(k, v);
for (const key in o) {}
async function w() { for await (const chunk of stream) out(chunk); }
while (x) x--;
do { d(); } while (y);
try { t(); } catch (e) { c(e); } finally { fin(); }
try { t(); } catch { }
throw new Error("x");
switch (v) { case 1: case 2: one(); break; default: other(); }
outer: for (const x of xs) { continue outer; }
{ inBlock(); }
"#;
    let expected = r#"if a {f()} else {if b {g()} else {h()}}; i = 0; loop - in - while (i < n) {body(i); other(i)}; loop - in - while - {}; loop [k, v] in Object.entries(o) while - {use(k, v)}; loop key in o while - {}; def#0; loop - in - while x {other(x)}; loop - in - while y {d()}; try {t()} catch e {c(e)} finally {fin()}; try {t()} catch - {} finally {}; raise new Error("x"); match v case 1 {} case 2 {one(); jump} case  {other()}; loop x in xs while - {jump}; inBlock()"#;
    for lang in ALL {
        let m = lower(src, lang);
        assert!(!m.has_errors, "{lang:?}");
        assert_eq!(show_stmts(&m.body), expected, "{lang:?}");
        assert_eq!(
            show_stmts(&m.functions[0].body),
            "loop chunk in stream while - {out(chunk)}"
        );
    }
}

#[test]
fn exports_and_typescript_declarations() {
    let m = ts(r#"
export default function handler(req) { return 1; }
export const q = 1;
export default { name: "x" };
export { a as b } from "x";
export * from "y";
export = foo;
interface I { a: string }
type T = string | number;
enum E { A = 1 }
declare const z: number;
declare module "m" { export function f(): void; }
function over(a: string): void;
function over(a: any) {}
namespace N { const inner = 1; }
abstract class Q { abstract m(): void; }
"#);
    assert!(!m.has_errors);
    assert_eq!(
        show_stmts(&m.body),
        r#"def#0; q = 1; {"name": "x"}; foo; class#0; def#1; other() {inner = 1}; class#1"#
    );
    // An interface is a class of declared methods; so is an abstract method.
    assert_eq!(&*m.classes[0].name, "I");
    assert_eq!(m.classes[1].methods.len(), 1);
    assert_eq!(&*m.functions[1].name, "over");
    assert!(m.imports.is_empty());
}

#[test]
fn typescript_type_syntax_is_ignored() {
    for lang in [Language::TypeScript, Language::Tsx] {
        let m = lower(
            "const a = (x as any) satisfies Y;\nconst b = y!.z;\nconst c = f<string>(x);\nconst d = new Map<string, number>();\nlet e: Array<string> = [];\nconst g = h!;",
            lang,
        );
        assert!(!m.has_errors, "{lang:?}");
        assert_eq!(
            show_stmts(&m.body),
            "a = x; b = y.z; c = f(x); d = new Map(); e = []; g = h"
        );
    }
    let m = ts("const v = <T>x;");
    assert_eq!(value(&m), "x");
}

#[test]
fn expressions() {
    for lang in ALL {
        let cases = [
            ("a?.b?.c", "a.b.c"),
            ("f?.(1)", "f(1)"),
            ("a?.[0]", "a[0]"),
            ("new X", "new X()"),
            ("new A.B(1, ...xs)", "new A.B(1, ...xs)"),
            (
                "await client.chat.completions.create({ model })",
                r#"await client.chat.completions.create({"model": model})"#,
            ),
            ("c ? a : b", "choice(a, b)"),
            ("a || b || c", "choice(a, b, c)"),
            ("a ?? b ?? c", "choice(a, b, c)"),
            ("a || b && c", "choice(a, choice(b, c))"),
            ("a === b", "(a === b)"),
            ("'k' in o", r#"("k" in o)"#),
            ("x instanceof Y", "(x instanceof Y)"),
            ("a * b", "other(a, b)"),
            ("-a", "other(a)"),
            ("typeof a", "other(a)"),
            ("void 0", "other(0)"),
            ("delete o.k", "other(o.k)"),
            ("(1, 2)", "other(1, 2)"),
            ("((x))", "x"),
            ("[1, ...rest]", "[1, ...rest]"),
            ("true", "true"),
            ("false", "false"),
            ("null", "null"),
            ("undefined", "null"),
            ("this.x", "this.x"),
            ("0x1F", "0x1F"),
            ("/re/g", "other()"),
            ("import('m')", r#"import("m")"#),
            ("import.meta.url", "import.meta.url"),
            ("a.#priv", "a.#priv"),
            ("x => x", "fn#0"),
        ];
        for (src, want) in cases {
            let m = lower(&format!("v = {src};"), lang);
            assert!(!m.has_errors, "{lang:?} {src}");
            assert_eq!(value(&m), want, "{lang:?} {src}");
        }
    }
}

#[test]
fn strings_templates_and_concatenation() {
    for lang in ALL {
        let cases = [
            (
                r#""a\n\t\"b\x41\u0042\u{1F600}\u00e9""#,
                "\"a\\n\\t\\\"bAB😀é\"",
            ),
            (r"'it\'s'", r#""it's""#),
            (r#""\uD83D\uDE00 \q \0""#, "\"😀 q \\0\""),
            ("`plain`", r#""plain""#),
            ("`a${b}\\n${c.d}`", r#"build("a" {b} "\n" {c.d})"#),
            ("`${x}`", "build({x})"),
            (
                "`outer ${`in ${y}`}`",
                r#"build("outer " {build("in " {y})})"#,
            ),
            (r#""Hi " + name + "!""#, r#"build("Hi " {name} "!")"#),
            (r#"a + b + "c""#, r#"build({a} {b} "c")"#),
            ("p + `t${q}`", r#"build({p} "t" {q})"#),
            (r#""a" + "b""#, r#"build("ab")"#),
            ("a + b", "other(a, b)"),
            ("sql`SELECT ${id}`", r#"sql(build("SELECT " {id}))"#),
            ("tag`x`", r#"tag(build("x"))"#),
            (r#"[a, b].join(" ")"#, r#"[a, b].join(" ")"#),
        ];
        for (src, want) in cases {
            let m = lower(&format!("v = {src};"), lang);
            assert!(!m.has_errors, "{lang:?} {src}");
            assert_eq!(value(&m), want, "{lang:?} {src}");
        }
    }
}

#[test]
fn long_concatenation_is_flattened_not_cut() {
    let mut src = String::from("v = \"start\"");
    for i in 0..5000 {
        src.push_str(&format!(" + x{i}"));
    }
    let m = lower(&src, Language::JavaScript);
    let StmtKind::Assign { value, .. } = &m.body[0].kind else {
        panic!("not an assignment");
    };
    let ExprKind::StringBuild(parts) = &value.kind else {
        panic!("not a build");
    };
    assert_eq!(parts.len(), 5001);
}

#[test]
fn jsx_lowers_like_create_element() {
    for lang in [Language::Tsx, Language::JavaScript] {
        let m = lower(
            r#"const el = <Foo.Bar a={x} b="s\n" {...p} c>hi {y} <br/>{...kids}</Foo.Bar>;
const fr = <>{z}{/* comment */}</>;
const sc = <Input value={await model.generate(prompt)} />;"#,
            lang,
        );
        assert!(!m.has_errors, "{lang:?}");
        assert_eq!(
            show_stmts(&m.body),
            r#"el = Foo.Bar({"a": x, "b": "s\\n", **p, "c": true}, y, br({}), ...kids); fr = Fragment({}, z); sc = Input({"value": await model.generate(prompt)})"#,
            "{lang:?}"
        );
    }
}

#[test]
fn decorators_and_async_flags() {
    let m = ts("@Controller('x')\nclass C { @Post() @Auth async create(@Body() b: Dto) {} }");
    let c = &m.classes[0];
    assert_eq!(list(&c.decorators), r#"Controller("x")"#);
    let f = &m.functions[c.methods[0]];
    assert_eq!(list(&f.decorators), "Post(), Auth");
    assert!(f.is_async);
    assert_eq!(f.params[0].annotation.as_deref(), Some("Dto"));
}

#[test]
fn spans_are_byte_ranges() {
    let src = "const s = \"é\" + `${user}`;\nclient.chat.create({ messages });";
    let m = lower(src, Language::JavaScript);
    let mut seen = 0;
    m.walk_exprs(&mut |e| {
        let text = &src[e.span.range()];
        if let ExprKind::Name(n) = &e.kind {
            assert_eq!(text, &**n);
            seen += 1;
        }
    });
    assert!(seen >= 3);
    let (call, sp) = m.calls()[0];
    assert_eq!(&src[sp.range()], "client.chat.create({ messages })");
    assert_eq!(&src[call.args[0].span.range()], "{ messages }");
}

#[test]
fn broken_input_sets_has_errors_and_keeps_later_statements() {
    for lang in ALL {
        let m = lower(
            "const x = ;\nfoo(;\nif (a { b(); }\nconst cp = require(\"child_process\");\ncp.exec(cmd);\n",
            lang,
        );
        assert!(m.has_errors, "{lang:?}");
        assert!(
            imports(&m).contains(&("cp".to_string(), "child_process".to_string())),
            "{lang:?}: {:?}",
            imports(&m)
        );
        let mut found = false;
        for body in m.bodies() {
            walk_stmts(body, &mut |s| {
                s.for_each_expr(&mut |e| {
                    e.walk(&mut |e| {
                        if let ExprKind::Call(c) = &e.kind {
                            found |= show(&c.callee) == "cp.exec";
                        }
                    })
                })
            });
        }
        assert!(found, "{lang:?}: {:?}", calls(&m));
        assert!(calls(&m).contains(&"b".to_string()), "{lang:?}");
        // An unclosed parameter list swallows the rest, yet calls inside the ERROR node remain.
        let m = lower("function f( { \nconst cp = 1;\ncp.exec(cmd);\n", lang);
        assert!(m.has_errors);
        assert!(
            calls(&m).contains(&"cp.exec".to_string()),
            "{lang:?}: {:?}",
            calls(&m)
        );
        // Garbage of every kind must not panic.
        for junk in [
            "`${",
            "\"\\",
            "<div",
            "class {",
            "a?.(",
            "@@@",
            "\u{0}\u{ffff}",
            "({[",
            "x = `\\u{110000}`",
        ] {
            let _ = lower(junk, lang);
        }
    }
}

#[test]
fn escape_decoding_edge_cases() {
    let mut out = String::new();
    decode_escapes(r"\x4g\u12\u{}\u{110000}\uD800x\", &mut out);
    assert_eq!(out, "x4gu12u{}\u{fffd}\u{fffd}x\\");
    out.clear();
    decode_escapes("a\\\nb\\\r\nc\\é", &mut out);
    assert_eq!(out, "abcé");
}

/// Runs `f` on a thread with a 2 MiB stack, like a rayon worker might have.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("deep input overflowed or panicked");
}

#[test]
fn deep_nesting_neither_overflows_nor_panics() {
    on_small_stack(|| {
        // The full 100,000 for the forms named in the brief; other shapes less, to keep the
        // (debug-build) parse time down.
        const N: usize = 100_000;
        const M: usize = 20_000;
        let inputs = [
            format!("x = {}1{};", "(".repeat(N), ")".repeat(N)),
            format!("x = {}1{};", "[".repeat(N), "]".repeat(N)),
            format!("x = {}1;", "a => ".repeat(N)),
            format!("{}{}", "{".repeat(M), "}".repeat(M)),
            format!("x = {}1{};", "f(".repeat(M), ")".repeat(M)),
            format!("x = {}1{};", "{a: ".repeat(M), "}".repeat(M)),
            format!("x = a{};", ".b".repeat(M)),
            format!("{}x();", "if (a) ".repeat(M)),
            format!("x = {}1{};", "`${".repeat(M), "}`".repeat(M)),
            format!("const {}a{} = o;", "[".repeat(M), "]".repeat(M)),
            format!("function f({}a{}) {{}}", "[".repeat(M), "]".repeat(M)),
            format!("x = {}1;", "-".repeat(M)),
            format!("x = {}1{};", "<a>{".repeat(M / 4), "}</a>".repeat(M / 4)),
            format!("x = {}", "(".repeat(M)),
        ];
        for src in &inputs {
            for lang in ALL {
                let m = lower(src, lang);
                drop(m);
            }
        }
    });
}

#[test]
fn deep_nesting_is_cut_at_max_depth() {
    let src = format!("x = {}1{};", "[".repeat(1000), "]".repeat(1000));
    let m = lower(&src, Language::JavaScript);
    let mut depth = 0;
    let StmtKind::Assign { value, .. } = &m.body[0].kind else {
        panic!("not an assignment");
    };
    let mut e = value;
    while let ExprKind::List(items) = &e.kind {
        depth += 1;
        e = &items[0];
    }
    assert!((MAX_DEPTH - 5..=MAX_DEPTH).contains(&depth), "{depth}");
    assert!(matches!(&e.kind, ExprKind::Other(v) if v.is_empty()));
}

#[test]
fn an_interface_is_a_class_of_declared_methods() {
    let m = ts(
        "interface Coder extends Base {\n  runCode(code: string): string;\n  name: string;\n}\n\
                abstract class Runner {\n  abstract run(cmd: string): void;\n}\n",
    );
    assert!(!m.has_errors);
    let names: Vec<&str> = m.classes.iter().map(|c| &*c.name).collect();
    assert_eq!(names, ["Coder", "Runner"]);
    for c in &m.classes {
        let [mi] = c.methods[..] else {
            panic!("one method: {:?}", c.methods);
        };
        assert!(m.functions[mi].is_declaration());
        assert_eq!(
            &*m.functions[mi].params[0].name,
            if &*c.name == "Coder" { "code" } else { "cmd" }
        );
    }
}

#[test]
fn typed_fields_and_parameter_properties_declare_fields() {
    let m = ts(
        "class Chain {\n  private graph: Neo4jGraph;\n  topK = 10;\n  \
         constructor(private readonly db: SqlDatabase, public llm: LLMChain, plain: string) {\n    \
         super();\n  }\n}\n",
    );
    let class = &m.classes[0];
    let fields: Vec<(String, String)> = class
        .fields
        .iter()
        .map(|f| {
            (
                f.name.to_string(),
                f.annotation.as_deref().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        pairs(&[
            ("graph", "Neo4jGraph"),
            ("db", "SqlDatabase"),
            ("llm", "LLMChain")
        ])
    );
    // The parameter properties are assigned before the constructor's own body.
    let ctor = &m.functions[class.methods[0]];
    assert_eq!(show_stmts(&ctor.body[..2]), "this.db = db; this.llm = llm");
}
