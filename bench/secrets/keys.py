"""Format-valid FAKE keys for aiguard's secret fixtures and benchmark.

Every key is random (seeded), never a real credential. Keys avoid the runs and words that
aiguard treats as placeholders, so a generated key is always a positive.
"""

import random
import string
import zlib

ALNUM = string.ascii_letters + string.digits
URL = ALNUM + "_-"
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BANNED = ["exampl", "test", "fake", "your", "dumm", "sampl", "xxx", "redact", "token",
          "secret", "key", "here", "none", "null", "todo", "foo", "bar", "insert", "replac",
          "chang", "fixme", "placeh", "***", "..."]


def has_run(v, n=4):
    v = v.lower()
    same = up = down = 1
    for a, b in zip(v, v[1:]):
        al = a.isalnum() and b.isalnum()
        same = same + 1 if a == b else 1
        up = up + 1 if al and ord(b) == ord(a) + 1 else 1
        down = down + 1 if al and ord(a) == ord(b) + 1 else 1
        if max(same, up, down) >= n:
            return True
    return False


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def s(self, n, cs=ALNUM, digits=2):
        while True:
            v = "".join(self.r.choice(cs) for _ in range(n))
            low = v.lower()
            if has_run(v) or any(w in low for w in BANNED):
                continue
            if sum(c.isdigit() for c in v) < min(digits, n // 4) and any(c.isdigit() for c in cs):
                continue
            if cs in (URL,) and (v[0] in "-_" or v[-1] in "-_"):
                continue
            return v

    def github(self, prefix="ghp_", valid=True):
        body = self.s(30)
        c = zlib.crc32(body.encode())
        out = ""
        for _ in range(6):
            out = B62[c % 62] + out
            c //= 62
        if not valid:
            out = out[:-1] + ("A" if out[-1] != "A" else "B")
        return prefix + body + out

    def uuid(self):
        h = self.s(32, HEX)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def pem(self, kind="RSA "):
        body = self.s(64 * 12, B64)
        lines = [body[i:i + 64] for i in range(0, len(body), 64)]
        return [f"-----BEGIN {kind}PRIVATE KEY-----", *lines, f"-----END {kind}PRIVATE KEY-----"]


# provider id -> (rule, context word or None, key maker)
PROVIDERS = {
    "openai-project": ("AIG101", None, lambda g: f"sk-proj-{g.s(74, URL)}T3BlbkFJ{g.s(74, URL)}"),
    "openai-svcacct": ("AIG101", None, lambda g: f"sk-svcacct-{g.s(74, URL)}T3BlbkFJ{g.s(74, URL)}"),
    "openai-admin": ("AIG101", None, lambda g: f"sk-admin-{g.s(58, URL)}T3BlbkFJ{g.s(58, URL)}"),
    "openai-legacy": ("AIG101", None, lambda g: f"sk-{g.s(20)}T3BlbkFJ{g.s(20)}"),
    "anthropic": ("AIG101", None, lambda g: f"sk-ant-api03-{g.s(93, URL)}AA"),
    "anthropic-admin": ("AIG101", None, lambda g: f"sk-ant-admin01-{g.s(93, URL)}AA"),
    "huggingface": ("AIG101", None, lambda g: f"hf_{g.s(34, string.ascii_letters)}"),
    "huggingface-org": ("AIG101", None, lambda g: f"api_org_{g.s(34, string.ascii_letters)}"),
    "google": ("AIG101", None, lambda g: f"AIzaSy{g.s(33, URL)}"),
    "groq": ("AIG101", None, lambda g: f"gsk_{g.s(52)}"),
    "replicate": ("AIG101", None, lambda g: f"r8_{g.s(37)}"),
    "together": ("AIG101", None, lambda g: f"tgp_v1_{g.s(43, URL)}"),
    "perplexity": ("AIG101", None, lambda g: f"pplx-{g.s(48)}"),
    "fireworks": ("AIG101", None, lambda g: f"fw_{g.s(24)}"),
    "xai": ("AIG101", None, lambda g: f"xai-{g.s(80)}"),
    "openrouter": ("AIG101", None, lambda g: f"sk-or-v1-{g.s(64, HEX)}"),
    "langsmith": ("AIG101", None, lambda g: f"lsv2_pt_{g.s(32, HEX)}_{g.s(10, HEX)}"),
    "pinecone": ("AIG101", None, lambda g: f"pcsk_{g.s(6)}_{g.s(63)}"),
    "voyage": ("AIG101", None, lambda g: f"pa-{g.s(43, URL)}"),
    "tavily": ("AIG101", None, lambda g: f"tvly-dev-{g.s(32)}"),
    "deepseek": ("AIG101", "deepseek", lambda g: f"sk-{g.s(32, HEX)}"),
    "elevenlabs": ("AIG101", "elevenlabs", lambda g: f"sk_{g.s(48, HEX)}"),
    "together-legacy": ("AIG101", "together", lambda g: g.s(64, HEX)),
    "pinecone-legacy": ("AIG101", "pinecone", lambda g: g.uuid()),
    "wandb": ("AIG101", "wandb", lambda g: g.s(40, HEX)),
    "deepgram": ("AIG101", "deepgram", lambda g: g.s(40, HEX)),
    "azure-openai": ("AIG101", "azure_openai", lambda g: g.s(32, HEX)),
    "assemblyai": ("AIG101", "assemblyai", lambda g: g.s(32, HEX)),
    "cohere": ("AIG101", "cohere", lambda g: g.s(40)),
    "mistral": ("AIG101", "mistral", lambda g: g.s(32)),
    "aws-key-id": ("AIG102", None, lambda g: "AKIA" + g.s(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")),
    "aws-secret": ("AIG102", "aws_secret_access_key", lambda g: g.s(40, B64)),
    "github": ("AIG102", None, lambda g: g.github()),
    "github-app": ("AIG102", None, lambda g: g.github("ghs_")),
    "github-fine": ("AIG102", None, lambda g: f"github_pat_{g.s(22)}_{g.s(59)}"),
    "gitlab": ("AIG102", None, lambda g: f"glpat-{g.s(20, URL)}"),
    "slack": ("AIG102", None, lambda g: f"xoxb-{g.s(12, string.digits, 0)}-{g.s(13, string.digits, 0)}-{g.s(24)}"),
    "slack-webhook": ("AIG102", None, lambda g: f"https://hooks.slack.com/services/T{g.s(10, string.ascii_uppercase + string.digits)}/B{g.s(10, string.ascii_uppercase + string.digits)}/{g.s(24)}"),
    "stripe": ("AIG102", None, lambda g: f"sk_live_{g.s(48)}"),
    "twilio": ("AIG102", "twilio", lambda g: f"SK{g.s(32, HEX)}"),
    "sendgrid": ("AIG102", None, lambda g: f"SG.{g.s(22, URL)}.{g.s(43, URL)}"),
    "npm": ("AIG102", None, lambda g: f"npm_{g.s(36)}"),
    "pypi": ("AIG102", None, lambda g: f"pypi-AgEIcHlwaS5vcmc{g.s(60, URL)}"),
    "database-url": ("AIG102", None, lambda g: f"postgresql://app:{g.s(16)}@db.internal:5432/app"),
}
