"""Write a labelled benchmark set: one sample per file, positives are format-valid FAKE keys of
every provider, negatives are the hard cases aiguard must stay quiet on. Usage: gen.py OUT_DIR."""

import json
import os
import sys

from keys import ALNUM, HEX, PROVIDERS, Gen

KINDS = ["py", "ts", "js", "env", "yaml", "json", "toml", "sh"]


def render(kind, name, value, ctx):
    """One assignment of `value` to `name` in a file of `kind`; `ctx` names the provider."""
    if kind == "py":
        return f'import {ctx or "os"}\n{name} = "{value}"\n'
    if kind in ("ts", "js"):
        return f'// {ctx or ""} client\nexport const {name} = "{value}";\n'
    if kind == "env":
        return f"{name.upper()}={value}\n"
    if kind == "yaml":
        return f"{ctx or 'service'}:\n  {name}: \"{value}\"\n"
    if kind == "json":
        return json.dumps({ctx or "service": {name: value}}, indent=2) + "\n"
    if kind == "toml":
        return f"[{ctx or 'service'}]\n{name} = \"{value}\"\n"
    return f'export {name.upper()}="{value}"\n'


def negatives(g):
    hexs = g.s(64, HEX)
    return [
        ("api_key", "your-api-key-here", None),
        ("api_key", "sk-...", "openai"),
        ("api_key", "sk-proj-" + "x" * 40 + "T3BlbkFJ" + "x" * 40, "openai"),
        ("api_key", "${OPENAI_API_KEY}", "openai"),
        ("api_key", "{{ .Values.apiKey }}", None),
        ("api_key", "%(api_key)s", None),
        ("api_key", "<API_KEY>", None),
        ("api_key", "changeme", None),
        ("api_key", "EMPTY", "openai"),
        ("api_key", "ollama", "openai"),
        ("api_key", "sk-no-key-required", "openai"),
        ("api_key", "lm-studio", "openai"),
        ("api_key", "sk-proj-****************abcd", "openai"),
        ("organization", "org-" + g.s(24), "openai"),
        ("assistant", "asst_" + g.s(24), "openai"),
        ("completion_id", "chatcmpl-" + g.s(29), "openai"),
        ("file_id", "file-" + g.s(24), "openai"),
        ("thread", "thread_" + g.s(24), "openai"),
        ("publishable_key", "pk_live_" + g.s(48), "stripe"),
        ("sha256", hexs, None),
        ("revision", g.s(40, HEX), "huggingface"),
        ("request_id", g.uuid(), None),
        ("max_tokens", "4096", None),
        ("secret_name", "prod/openai/" + g.s(12), None),
        ("token_url", "https://auth.example.com/token", None),
        ("model", "gpt-4o-mini-2024-07-18", "openai"),
        ("password", "password", None),
        ("api_key", "1234567890abcdef", None),
        ("aws_key", "AKIAIOSFODNN7EXAMPLE", "aws"),
        ("db_url", "postgres://postgres:postgres@localhost:5432/dev", None),
        ("tokenizer", "bert-base-uncased", None),
        ("checksum", g.github(valid=False), "github"),
        ("image", "data:image/png;base64," + g.s(300, ALNUM + "+/"), None),
    ]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    g = Gen(42)
    labels = []
    n = 0
    for rnd in range(2):
        for kind in KINDS:
            for pid, (rule, ctx, make) in PROVIDERS.items():
                name = (ctx or pid.split("-")[0]).replace("-", "_") + "_api_key"
                n += 1
                path = f"pos_{n:04d}.{kind}"
                open(os.path.join(out, path), "w").write(render(kind, name, make(g), ctx))
                labels.append((path, 1, pid))
            for name, value, ctx in negatives(g):
                n += 1
                path = f"neg_{n:04d}.{kind}"
                open(os.path.join(out, path), "w").write(render(kind, name, value, ctx))
                labels.append((path, 0, name))
    with open(os.path.join(out, "labels.csv"), "w") as f:
        for path, label, what in labels:
            f.write(f"{path},{label},{what}\n")


main()
