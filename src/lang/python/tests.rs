use super::*;

/// A compact rendering of an expression for assertions.
fn ex(e: &Expr) -> String {
    let list = |v: &[Expr]| v.iter().map(ex).collect::<Vec<_>>().join(", ");
    match &e.kind {
        ExprKind::Name(n) => n.to_string(),
        ExprKind::Attribute { value, attr } => format!("{}.{attr}", ex(value)),
        ExprKind::Index { value, index } => format!("{}[{}]", ex(value), ex(index)),
        ExprKind::Call(c) => {
            let args: Vec<String> = c
                .args
                .iter()
                .map(|a| {
                    let star = match a.splat {
                        Splat::None => "",
                        Splat::Star => "*",
                        Splat::DoubleStar => "**",
                    };
                    match &a.name {
                        Some(n) => format!("{n}={}", ex(&a.value)),
                        None => format!("{star}{}", ex(&a.value)),
                    }
                })
                .collect();
            format!("{}({})", ex(&c.callee), args.join(", "))
        }
        ExprKind::StringBuild(parts) => {
            let parts: Vec<String> = parts
                .iter()
                .map(|p| match p {
                    StrPart::Lit(s) => format!("{s:?}"),
                    StrPart::Expr(e) => format!("{{{}}}", ex(e)),
                })
                .collect();
            format!("SB({})", parts.join(" "))
        }
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::Number(n) => n.to_string(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Null => "None".into(),
        ExprKind::Dict(entries) => {
            let v: Vec<String> = entries
                .iter()
                .map(|(k, v)| match k {
                    Some(k) => format!("{}: {}", ex(k), ex(v)),
                    None => format!("**{}", ex(v)),
                })
                .collect();
            format!("{{{}}}", v.join(", "))
        }
        ExprKind::List(v) => format!("[{}]", list(v)),
        ExprKind::Spread(e) => format!("*{}", ex(e)),
        ExprKind::Function(i) => format!("fn#{i}"),
        ExprKind::Await(e) => format!("await {}", ex(e)),
        ExprKind::Choice(v) => format!("Choice({})", list(v)),
        ExprKind::Compare { op, left, right } => format!("({} {op} {})", ex(left), ex(right)),
        ExprKind::Other(v) => format!("Other({})", list(v)),
    }
}

/// A compact one-line rendering of statements.
fn st(stmts: &[Stmt]) -> String {
    let body = |b: &[Stmt]| format!("{{{}}}", st(b));
    let opt = |e: &Option<Expr>| e.as_ref().map_or("-".to_string(), ex);
    stmts
        .iter()
        .map(|s| match &s.kind {
            StmtKind::Assign {
                targets,
                value,
                augmented,
            } => {
                let t: Vec<String> = targets.iter().map(ex).collect();
                let op = if *augmented { "+=" } else { "=" };
                format!("{} {op} {}", t.join(" = "), ex(value))
            }
            StmtKind::Expr(e) => ex(e),
            StmtKind::Return(e) => format!("return {}", opt(e)),
            StmtKind::Jump => "jump".to_string(),
            StmtKind::If {
                test,
                body: b,
                orelse,
            } => {
                format!("if {} {} else {}", ex(test), body(b), body(orelse))
            }
            StmtKind::Loop {
                target,
                iter,
                test,
                body: b,
                orelse,
            } => format!(
                "loop {} in {} while {} {} else {}",
                opt(target),
                opt(iter),
                opt(test),
                body(b),
                body(orelse)
            ),
            StmtKind::With { items, body: b } => {
                let i: Vec<String> = items
                    .iter()
                    .map(|(c, t)| format!("{} as {}", ex(c), opt(t)))
                    .collect();
                format!("with {} {}", i.join(", "), body(b))
            }
            StmtKind::Try {
                body: b,
                handlers,
                orelse,
                finally,
            } => {
                let h: Vec<String> = handlers
                    .iter()
                    .map(|h| {
                        format!(
                            "except {} as {} {}",
                            opt(&h.kind),
                            h.name.as_deref().unwrap_or("-"),
                            body(&h.body)
                        )
                    })
                    .collect();
                format!(
                    "try {} {} else {} finally {}",
                    body(b),
                    h.join(" "),
                    body(orelse),
                    body(finally)
                )
            }
            StmtKind::Raise(e) => format!("raise {}", opt(e)),
            StmtKind::FunctionDef(i) => format!("def#{i}"),
            StmtKind::ClassDef(i) => format!("class#{i}"),
            StmtKind::Match { subject, cases } => {
                let c: Vec<String> = cases
                    .iter()
                    .map(|(p, b)| {
                        let p: Vec<String> = p.iter().map(ex).collect();
                        format!("case {} {}", p.join(" | "), body(b))
                    })
                    .collect();
                format!("match {} {}", ex(subject), c.join(" "))
            }
            StmtKind::Other { exprs, body: b } => {
                let e: Vec<String> = exprs.iter().map(ex).collect();
                format!("other({}) {}", e.join(", "), body(b))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn body(src: &str) -> String {
    let m = lower(src);
    assert!(!m.has_errors, "parse errors in {src:?}");
    st(&m.body)
}

fn func(m: &Module, name: &str) -> usize {
    m.functions
        .iter()
        .position(|f| &*f.name == name)
        .unwrap_or_else(|| panic!("no function {name}"))
}

/// Runs `f` on a thread with a 2 MiB stack, the smallest a scan thread might get.
fn small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("lowering overflowed or panicked");
}

#[test]
fn assignments() {
    assert_eq!(body("a = b = f(x)"), "a = b = f(x)");
    assert_eq!(body("x: int = 1\ny: str"), "x = 1");
    assert_eq!(body("x += 2"), "x += 2");
    assert_eq!(body("a, (b, *c) = v"), "[a, [b, *c]] = v");
    assert_eq!(body("[a, b] = v"), "[a, b] = v");
    assert_eq!(body("a.b[0] = 1, 2"), "a.b[0] = [1, 2]");
    assert_eq!(body("def g():\n  x = yield y\n"), "def#0");
    assert_eq!(
        st(&lower("def g():\n  x = yield y\n").functions[0].body),
        "x = await y"
    );
}

#[test]
fn control_flow() {
    assert_eq!(
        body("if a:\n  x = 1\nelif b:\n  x = 2\nelif c:\n  pass\nelse:\n  x = 3\n"),
        "if a {x = 1} else {if b {x = 2} else {if c {} else {x = 3}}}"
    );
    assert_eq!(
        body("for i, j in xs:\n  f(i)\nelse:\n  g()\n"),
        "loop [i, j] in xs while - {f(i)} else {g()}"
    );
    let m = lower("async def h():\n  async for x in y: pass\n  async with a as b: pass\n");
    assert!(m.functions[0].is_async);
    assert_eq!(
        st(&m.functions[0].body),
        "loop x in y while - {} else {}; with a as b {}"
    );
    assert_eq!(
        body("while True:\n  break\n"),
        "loop - in - while true {jump} else {}"
    );
    assert_eq!(
        body("with open(f) as g, lock:\n  g.read()\n"),
        "with open(f) as g, lock as - {g.read()}"
    );
    assert_eq!(
            body("try:\n  a()\nexcept (A, B) as e:\n  raise X from e\nexcept C:\n  raise\nexcept:\n  pass\nelse:\n  b()\nfinally:\n  c()\n"),
            "try {a()} except [A, B] as e {raise X} except C as - {raise -} except - as - {} else {b()} finally {c()}"
        );
    assert_eq!(
        body("try:\n  a()\nexcept* ValueError as eg:\n  h(eg)\n"),
        "try {a()} except ValueError as eg {h(eg)} else {} finally {}"
    );
    assert_eq!(
            body("match cmd:\n  case ['go', d] if d: move(d)\n  case Point(x=0) | mod.K: pass\n  case _: return\n"),
            "match cmd case [\"go\", d] | d {move(d)} case Choice(Other(Point, Other(x, 0)), mod.K) {} case _ {return -}"
        );
    assert_eq!(
        body("del a[0], b\nglobal g, h\npass\n"),
        "other([a[0], b]) {}; other(g, h) {}"
    );
    // `assert` is an `if` whose `else` raises the message.
    assert_eq!(
        body("assert x in A, 'msg'\nassert y\n"),
        "if (x in A) {} else {raise \"msg\"}; if y {} else {raise -}"
    );
    assert_eq!(body("return a, b"), "return [a, b]");
}

#[test]
fn functions_and_methods() {
    let src = "@app.route('/x', methods=['POST'])\nasync def handler(request: Request, n=3, *args, key: str = 'k', **kw):\n    def inner(self):\n        return self\n    return inner\n";
    let m = lower(src);
    assert!(!m.has_errors);
    assert_eq!(st(&m.body), "def#0");
    let h = &m.functions[func(&m, "handler")];
    assert!(h.is_async && !h.is_lambda && h.class.is_none());
    assert_eq!(h.span, Span::new(0, src.len() - 1));
    assert_eq!(
        ex(&h.decorators[0]),
        "app.route(\"/x\", methods=[\"POST\"])"
    );
    let p: Vec<String> = h
        .params
        .iter()
        .map(|p| {
            format!(
                "{}:{}:{}:{:?}",
                p.name,
                p.annotation.as_deref().unwrap_or("-"),
                p.default.as_ref().map_or("-".into(), ex),
                p.splat
            )
        })
        .collect();
    assert_eq!(
        p,
        [
            "request:Request:-:None",
            "n:-:3:None",
            "args:-:-:Star",
            "key:str:\"k\":None",
            "kw:-:-:DoubleStar"
        ]
    );
    let inner = func(&m, "inner");
    assert_eq!(st(&h.body), format!("def#{inner}; return inner"));
    assert_eq!(&*m.functions[inner].params[0].name, "self");
    assert!(!m.functions[inner].is_async);
}

#[test]
fn classes() {
    let src = "class A(Base, mod.Mixin, metaclass=Meta):\n    x = 1\n    def __init__(self, k):\n        self.k = k\n    @staticmethod\n    def s(): pass\n    class Inner: pass\n\n@dataclass\nclass B: pass\n";
    let m = lower(src);
    assert!(!m.has_errors);
    assert_eq!(st(&m.body), "class#0; class#2");
    let a = &m.classes[0];
    assert_eq!(&*a.name, "A");
    assert_eq!(
        a.bases.iter().map(ex).collect::<Vec<_>>(),
        ["Base", "mod.Mixin"]
    );
    assert_eq!(st(&a.body), "x = 1; class#1");
    let names: Vec<&str> = a.methods.iter().map(|&i| &*m.functions[i].name).collect();
    assert_eq!(names, ["__init__", "s"]);
    for &i in &a.methods {
        assert_eq!(m.functions[i].class, Some(0));
    }
    let s = &m.functions[a.methods[1]];
    assert_eq!(ex(&s.decorators[0]), "staticmethod");
    assert!(src[s.span.range()].starts_with("@staticmethod"));
    assert_eq!(st(&m.functions[a.methods[0]].body), "self.k = k");
    assert_eq!(&*m.classes[1].name, "Inner");
    let b = &m.classes[2];
    assert_eq!(ex(&b.decorators[0]), "dataclass");
    assert!(src[b.span.range()].starts_with("@dataclass"));
}

#[test]
fn lambdas() {
    let m = lower("key = lambda x, y=1: x + y\n");
    assert_eq!(st(&m.body), "key = fn#0");
    let f = &m.functions[0];
    assert!(f.is_lambda && f.name.is_empty());
    assert_eq!(f.params.len(), 2);
    assert_eq!(st(&f.body), "return Other(x, y)");
}

#[test]
fn imports() {
    let m = lower(
            "import os, a.b\nimport a.b.c as c\nfrom x.y import z as w, v\nfrom .m import f\nfrom .. import up\nfrom x import *\nfrom __future__ import annotations\ndef g():\n    import json\n",
        );
    let got: Vec<String> = m
        .imports
        .iter()
        .map(|i| format!("{}->{}", i.local, i.qualified))
        .collect();
    assert_eq!(
        got,
        [
            "os->os",
            "a->a",
            "c->a.b.c",
            "w->x.y.z",
            "v->x.y.v",
            "f->.m.f",
            "up->..up",
            "json->json"
        ]
    );
    assert_eq!(st(&m.body), "def#0");
}

#[test]
fn calls_and_access() {
    assert_eq!(body("f(a, k=v, *xs, **kw)"), "f(a, k=v, *xs, **kw)");
    assert_eq!(
        body("a.b.c(x)[1:2, ::3]"),
        "a.b.c(x)[[Other(1, 2), Other(3)]]"
    );
    assert_eq!(
        body("sum(x for x in xs if x)"),
        "sum(Other((x for xs), x, x))"
    );
    assert_eq!(body("f(\n  # c\n  a)"), "f(a)");
    let src = "client.create(model='m', **opts)";
    let m = lower(src);
    let StmtKind::Expr(e) = &m.body[0].kind else {
        panic!()
    };
    let ExprKind::Call(c) = &e.kind else { panic!() };
    assert_eq!(&src[c.args[0].span.range()], "model='m'");
    assert_eq!(&src[c.args[1].span.range()], "**opts");
}

#[test]
fn strings() {
    assert_eq!(body(r"'a\n\x41\u00e9\101\q'"), r#""a\nAéA\\q""#);
    assert_eq!(body(r#"r'a\n' b"x" rb'\d'"#), r#""a\\nx\\d""#);
    assert_eq!(body(r#""a" 'b'"#), r#""ab""#);
    assert_eq!(body("'''multi\nline'''"), r#""multi\nline""#);
    assert_eq!(
        body(r#"f"hi {name!r:>10} {{x}} {f'{y}'}""#),
        r#"SB("hi " {name} " {x} " {SB({y})})"#
    );
    assert_eq!(body(r#""a" f"{b}" "c""#), r#"SB("a" {b} "c")"#);
    assert_eq!(body("f'plain'"), r#""plain""#);
    assert_eq!(body(r#""x%sy" % v"#), r#"SB("x%sy" {v})"#);
    assert_eq!(body(r#""%s-%s" % (a, b)"#), r#"SB("%s-%s" {a} {b})"#);
    assert_eq!(
        body(r#""{} {k}".format(a, k=b)"#),
        r#"SB("{} {k}" {a} {b})"#
    );
    // A separator that says nothing joins the items into what they were; a list written out
    // is built from its items; a separator with words is text of its own.
    assert_eq!(body(r#"", ".join(xs)"#), "xs");
    assert_eq!(body(r#""\n".join([a, "b"])"#), r#"SB({a} "\nb")"#);
    assert_eq!(body(r#"" and ".join(xs)"#), r#"SB(" and " {xs})"#);
    assert_eq!(body(r#""a" + b + "c" + d"#), r#"SB("a" {b} "c" {d})"#);
    assert_eq!(body(r#"x + f"{y}" + z"#), r#"SB({x} {y} {z})"#);
    assert_eq!(body(r#"x + y + "s""#), r#"SB({Other(x, y)} "s")"#);
    assert_eq!(body(r#""a" + "b""#), r#""ab""#);
    assert_eq!(body("a * b - c / d"), "Other(a, b, Other(c, d))");
    assert_eq!(body("a - b - c"), "Other(a, b, c)");
    assert_eq!(body("s.format(a)"), "s.format(a)");
}

#[test]
fn other_expressions() {
    assert_eq!(
        body("x = 1.5, -2, True, False, None"),
        "x = [1.5, -2, true, false, None]"
    );
    assert_eq!(body("{'a': 1, **d}"), "{\"a\": 1, **d}");
    assert_eq!(body("{1, *s}"), "[1, *s]");
    assert_eq!(body("[*a, b]"), "[*a, b]");
    assert_eq!(
        body("{k: v for k, v in d.items()}"),
        "Other(([k, v] for d.items()), k, v)"
    );
    assert_eq!(body("await f()"), "await f()");
    assert_eq!(
        st(&lower("def g():\n  yield from xs\n").functions[0].body),
        "await xs"
    );
    assert_eq!(body("a if c else b"), "Choice(a, b, (c if Other()))");
    assert_eq!(body("a or b or c or d"), "Choice(a, b, c, d)");
    assert_eq!(body("a or b and c"), "Choice(a, Choice(b, c))");
    assert_eq!(body("not x"), "Other(x)");
    assert_eq!(body("-x"), "Other(x)");
    assert_eq!(body("a == b"), "(a == b)");
    assert_eq!(body("a not in b"), "(a not in b)");
    assert_eq!(body("a is not b"), "(a is not b)");
    assert_eq!(body("a < b <= c < d"), "(a < Other(b, c, d))");
    assert_eq!(
        body("if (n := len(a)) > 3: pass"),
        "if ((n := len(a)) > 3) {} else {}"
    );
    assert_eq!(body("((x))"), "x");
    assert_eq!(body("..."), "Other()");
}

#[test]
fn spans_are_byte_ranges() {
    let src = "é = call(arg)\n";
    let m = lower(src);
    let StmtKind::Assign { value, targets, .. } = &m.body[0].kind else {
        panic!()
    };
    assert_eq!(&src[value.span.range()], "call(arg)");
    assert_eq!(&src[targets[0].span.range()], "é");
    assert_eq!(&src[m.body[0].span.range()], "é = call(arg)");
}

#[test]
fn errors_still_lower_the_rest() {
    let m = lower("def f(:\n    pass\nx = g(1)\n");
    assert!(m.has_errors);
    assert!(st(&m.body).ends_with("x = g(1)"), "{}", st(&m.body));
    let m = lower("x = (1,\ny = 2\nprint(z)\n");
    assert!(m.has_errors);
    assert!(st(&m.body).contains("print(z)"), "{}", st(&m.body));
    // Junk of every kind must not panic.
    for junk in [
        "def",
        "class :",
        "@",
        "lambda",
        "f'{",
        "'''",
        "\\",
        "(((",
        "match x:\n case",
        "x = [1, 2",
        "'\\",
        "\u{0}\u{ffff}",
    ] {
        let _ = lower(junk);
    }
}

#[test]
fn empty_and_crlf() {
    let m = lower("");
    assert!(!m.has_errors && m.body.is_empty() && m.functions.is_empty());
    let src = "def f():\r\n    return 'a\\\r\nb'\r\n\r\nx = f()\r\n";
    let m = lower(src);
    assert!(!m.has_errors);
    assert_eq!(st(&m.body), "def#0; x = f()");
    assert_eq!(st(&m.functions[0].body), "return \"ab\"");
}

#[test]
fn deep_nesting_is_cut_off_without_overflow() {
    small_stack(|| {
        let n = 100_000;
        for (open, close) in [
            ("(", ")"),
            ("[", "]"),
            ("f(", ")"),
            ("f(k=", ")"),
            ("a[", "]"),
            ("{'k': ", "}"),
            ("-", ""),
            ("not ", ""),
            ("lambda: ", ""),
            ("await ", ""),
        ] {
            let src = format!("x = {}1{}\n", open.repeat(n), close.repeat(n));
            let m = lower(&src);
            assert_eq!(m.body.len(), 1, "{open}");
            let mut count = 0;
            m.walk_exprs(&mut |_| count += 1);
            assert!(count <= 2 * MAX_DEPTH, "{open}: {count}");
        }
        let src = format!("x = 1{}\n", " + a".repeat(n));
        let m = lower(&src);
        let StmtKind::Assign { value, .. } = &m.body[0].kind else {
            panic!()
        };
        assert!(matches!(&value.kind, ExprKind::Other(v) if v.len() == n + 1));
        let src = format!("x = 's'{}\n", " + a".repeat(n));
        let m = lower(&src);
        let StmtKind::Assign { value, .. } = &m.body[0].kind else {
            panic!()
        };
        assert!(matches!(&value.kind, ExprKind::StringBuild(v) if v.len() == n + 1));
        let chain = format!("x = {}\n", vec!["a"; n].join(" or "));
        assert!(!lower(&chain).has_errors);
        let src = format!("x = a{}\n", ".b()".repeat(n));
        let _ = lower(&src);
    });
}

#[test]
fn deep_blocks_are_cut_off_without_overflow() {
    small_stack(|| {
        // Past ~500 levels tree-sitter's indent tracking gives up (errors, flatter tree);
        // 300 stays valid and must be cut at MAX_DEPTH, 5_000 must just not overflow.
        for (levels, valid) in [(300, true), (5_000, false)] {
            let mut src = String::new();
            for i in 0..levels {
                src.push_str(&" ".repeat(i));
                src.push_str("if x:\n");
            }
            src.push_str(&" ".repeat(levels));
            src.push_str("y = 1\n");
            let m = lower(&src);
            assert_eq!(m.has_errors, !valid);
            let mut count = 0;
            crate::ir::walk_stmts(&m.body, &mut |_| count += 1);
            if valid {
                assert_eq!(count, MAX_DEPTH);
            }
        }

        let mut src = String::from("if a:\n  pass\n");
        for _ in 0..5_000 {
            src.push_str("elif b:\n  f()\n");
        }
        let m = lower(&src);
        let mut count = 0;
        crate::ir::walk_stmts(&m.body, &mut |_| count += 1);
        // Every elif is kept, nested or flat, each with its call.
        assert_eq!(count, 1 + 5_000 * 2);

        let mut src = String::new();
        for i in 0..2_000 {
            src.push_str(&" ".repeat(i));
            src.push_str(if i % 2 == 0 {
                "def f():\n"
            } else {
                "class C:\n"
            });
        }
        src.push_str(&" ".repeat(2_000));
        src.push_str("pass\n");
        let _ = lower(&src);
    });
}

#[test]
fn a_field_typed_in_a_method_is_a_field_of_its_class() {
    let src = "class A:\n    def __init__(self):\n        self.llm: Base = make()\n        other.x: int = 1\n\
               \x20       class Inner:\n            def f(self):\n                self.y: Y = g()\n";
    let m = lower(src);
    let field = |ci: usize| {
        let c = &m.classes[ci];
        c.fields
            .iter()
            .map(|f| format!("{}: {}", f.name, f.annotation.as_deref().unwrap_or("")))
            .collect::<Vec<_>>()
    };
    assert_eq!(field(0), ["llm: Base"]);
    assert_eq!(field(1), ["y: Y"]);
    assert_eq!(
        st(&m.functions[0].body),
        "self.llm = make(); other.x = 1; class#1"
    );
}
