"""The free-text interpreter's time per message at an organization's scale (issue 16).

    .venv/bin/python -m bench.interpreter [--accounts 10000] [--aliases 1000] [--synonyms 500]
                                          [--repeats 40] [--json FILE]

Builds `Interpreter(catalog, synonyms, account_names)` once, as the bot does per process, and
times that as its own figure; then reads the messages below (the phrasings the interpreter's tests
pin, its ambiguous and not-understood texts, thread follow-ups and a few long pastes), shuffled and
repeated --repeats times, and reports p50/p99 per message after one untimed warm-up pass. Goal:
p99 < 5 ms per message.

The catalog is `RuleCatalog.default()` (every rule of the packaged conformance packs and the
built-in aliases) plus --aliases generated aliases: the packaged packs hold fewer rules than AWS's
400-odd managed rules, and the generated aliases stand in for the missing ones and for the names
teams give rules. --synonyms generated multi-word phrases name rules, as `synonyms:` does in the
YAML file; --accounts account names (team-service-env, so the first word that indexes them is
shared by a team's accounts) map to 12-digit ids. Readings are also checked against the forms the
tests expect, so a change of scale that changes what a phrasing means shows in the output.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path
from typing import Any

from bench.common import Figure, figure, percentile, write_results
from bot.questions.interpreter import Interpreter
from bot.questions.question import Question
from bot.questions.rules import BUILTIN_ALIASES, RuleCatalog

GOAL_MS = 5.0

ACCOUNT = "111122223333"
OTHER = "222233334444"
BUCKET_ARN = "arn:aws:s3:::payments-prod-logs"

# Copied from tests/support/phrasings.py (benchmarks import nothing from tests/): text, the grammar
# form the tests expect ("" where the text has several readings or none).
PHRASINGS: list[tuple[str, str]] = [
    ("are all S3 buckets across every account encrypted?", "s3-encryption"),
    ("are all s3 buckets encrypted", "s3-encryption"),
    ("Are ALL our buckets ENCRYPTED??", "s3-encryption"),
    ("which buckets aren't encrypted", "s3-encryption"),
    ("unencrypted buckets?", "s3-encryption"),
    ("any unencrpyted s3 buckets", "s3-encryption"),
    ("s3 encryption", "s3-encryption"),
    ("show me s3 buckets without encryption in eu-west-1", "s3-encryption region eu-west-1"),
    (f"are buckets encrypted in {ACCOUNT}?", f"s3-encryption account {ACCOUNT}"),
    (f"s3 encryption in account {ACCOUNT} in ireland", f"s3-encryption account {ACCOUNT} region eu-west-1"),
    ("is ssh open to the internet anywhere?", "ssh"),
    ("is ssh open to the internet anywhere in Frankfurt?", "ssh region eu-central-1"),
    ("who has port 22 open to the world", "ssh"),
    ("SSH open?", "ssh"),
    ("open ssh in us-east-1", "ssh region us-east-1"),
    ("are ebs volumes encrypted?", "ebs-encryption"),
    ("unencrypted volumes in oregon", "ebs-encryption region us-west-2"),
    ("is mfa on for the root account?", "root-mfa"),
    ("root mfa", "root-mfa"),
    ("iam users without mfa", "iam-user-mfa-enabled"),
    ("console mfa for iam", "mfa"),
    ("public read buckets", "s3-public-read"),
    ("buckets with public write", "s3-public-write"),
    ("is versioning on for our buckets", "s3-versioning"),
    ("s3 versioning in tokyo", "s3-versioning region ap-northeast-1"),
    ("are rds databases encrypted", "rds-encryption"),
    ("public rds instances", "rds-public"),
    ("is cloudtrail enabled everywhere?", "cloudtrail"),
    ("access keys rotated?", "access-keys"),
    ("root access keys", "root-access-key"),
    ("vpc flow logs enabled?", "vpc-flow-logs"),
    ("guardduty on in all regions?", "guardduty"),
    ("restricted-ssh", "ssh"),
    ("s3-bucket-server-side-encryption-enabled in account 111122223333", f"s3-encryption account {ACCOUNT}"),
    (f"what's wrong with {ACCOUNT}?", f"account {ACCOUNT}"),
    (f"whats wrong with account {ACCOUNT}", f"account {ACCOUNT}"),
    (f"what is failing in {ACCOUNT}", f"account {ACCOUNT}"),
    (f"Is {ACCOUNT} compliant?", f"account {ACCOUNT}"),
    (f"<@U0BOT> {ACCOUNT}", f"account {ACCOUNT}"),
    ("what is non-compliant in eu-west-1?", "failing region eu-west-1"),
    ("what's broken in Ireland", "failing region eu-west-1"),
    ("anything failing in us-east-1?", "failing region us-east-1"),
    ("problems in frankfrut?", "failing region eu-central-1"),
    (f"what's wrong with {ACCOUNT} in eu-west-1", f"failing account {ACCOUNT} region eu-west-1"),
    (f"issues in account {OTHER} us-east-1", f"failing account {OTHER} region us-east-1"),
    (f"what's wrong with {BUCKET_ARN}?", f"resource {BUCKET_ARN}"),
    (f"is {BUCKET_ARN} compliant", f"resource {BUCKET_ARN}"),
    (f"<https://console.aws.amazon.com/s3/buckets/x|{BUCKET_ARN}>", f"resource {BUCKET_ARN}"),
    (
        "arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc1234def567890 ok?",
        "resource arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc1234def567890",
    ),
    ("what about i-0abc1234def567890", "resource i-0abc1234def567890"),
    ("vol-0123456789abcdef0 compliant?", "resource vol-0123456789abcdef0"),
    ("is sg-0123abcd compliant?", "resource sg-0123abcd"),
    ("what's wrong with payments-prod-logs?", "resource payments-prod-logs"),
    ("is checkout-prod-assets compliant", "resource checkout-prod-assets"),
    ("tell me about my-bucket.example.com", "resource my-bucket.example.com"),
    ("how are we doing?", "summary"),
    ("How are we doing by region?", "summary by region"),
    ("what's our compliance posture", "summary"),
    ("give me an overview", "summary"),
    ("which rules fail the most?", "rules"),
    ("worst rules", "rules"),
    ("who isn't reporting?", "health"),
    ("which accounts aren't reporting", "health"),
    ("any sources outdated?", "health"),
    ("how many resources do we have", "resources"),
    ("how many resources per account", "resources by account"),
    ("conformance packs in eu-west-1", "packs region eu-west-1"),
    ("is the aggregator set up right?", "doctor"),
    ("what can you do?", "help"),
    # accounts by name, a configured synonym (tests/questions/test_interpreter.py)
    ("what's wrong with payments-prod?", f"account {ACCOUNT}"),
    ("is ssh open in identity prod in Ireland", f"ssh account {OTHER} region eu-west-1"),
    ("are the crown jewels ok in ireland?", "s3-public-read region eu-west-1"),
    # several readings, or none
    ("is logging enabled?", ""),
    ("what changed since yesterday?", ""),
    ("public snapshots", ""),
    ("are any buckets public?", ""),
    ("does every user have mfa", ""),
    ("banana", ""),
    ("¯\\_(ツ)_/¯", ""),
    ("lorem ipsum dolor", ""),
    ("?", ""),
    ("hello there", ""),
    # long pastes: a message is not always a question
    (
        "hey team, after last night's deploy the checkout service started throwing 503s in "
        "eu-west-1 and someone said the security group changed; can you tell me whether anything "
        "in account 111122223333 is non-compliant right now, especially around ssh or public "
        "buckets? thanks, and sorry for the wall of text",
        "",
    ),
    (
        "copying the alert here: ConfigRuleComplianceChange NON_COMPLIANT "
        "s3-bucket-public-read-prohibited arn:aws:s3:::marketing-assets-prod "
        "region=us-east-1 account=222233334444 evaluated at 2026-11-26T09:14:03Z",
        "",
    ),
]

# Thread follow-ups, read against the thread's previous question (copied from the interpreter's
# tests): these read the rules twice.
FOLLOW_UPS: list[tuple[str, Question, str]] = [
    ("and in eu-west-1?", Question("rule", {"rule": "s3-encryption"}), "s3-encryption region eu-west-1"),
    (
        "what about account 222233334444?",
        Question("rule", {"rule": "restricted-ssh"}),
        "restricted-ssh account 222233334444",
    ),
    (
        "and in Frankfurt?",
        Question("account", {"account": ACCOUNT}),
        f"failing account {ACCOUNT} region eu-central-1",
    ),
    ("export that", Question("rule", {"rule": "s3-encryption"}), "s3-encryption"),
    ("csv please", Question("summary", {"by": "account"}), "summary by account"),
    ("is ssh open anywhere?", Question("rule", {"rule": "s3-encryption"}), "ssh"),
]


def _words(text: str) -> tuple[str, ...]:
    """The words of a text: the word lists below read as lines of words, not 135 quoted lines."""
    return tuple(text.split())


# Teams, services and environments for the generated account names: 50 x 41 x 5 > 10,000.
TEAMS = _words(
    "payments checkout identity billing search catalog ledger fraud risk growth ads analytics "
    "data ml platform infra network security audit compliance legal hr finance support mobile web "
    "api edge cdn media video music maps travel orders inventory shipping returns pricing loyalty "
    "notify messaging chat email sms partner vendor research labs sandbox"
)
SERVICES = _words(
    "api web worker batch stream etl lake warehouse cache queue gateway auth users sessions "
    "reports exports imports search index ranking feeds events logs metrics traces alerts backup "
    "archive cron jobs admin portal console tools build deploy artifacts secrets keys certs dns"
)
ENVIRONMENTS = ("prod", "staging", "dev", "test", "sandbox")
# Qualifiers and nouns for the generated synonyms: 25 x 20 = 500, "crown jewels" among them.
QUALIFIERS = _words(
    "crown golden legacy shadow tier-one tier-two partner vendor customer ledger archive "
    "cold-storage nightly sandbox billing analytics marketing research mobile kiosk edge batch "
    "stream warehouse quarterly"
)
NOUNS = _words(
    "jewels vaults stores shares drives lockers gates doors pipes boxes caches copies mirrors "
    "dumps feeds wells lakes pools racks silos"
)


def account_names(count: int) -> dict[str, str]:
    """`count` account names (the two the phrasings use, then team-service-env) to 12-digit ids."""
    names = {"payments-prod": ACCOUNT, "Identity Prod": OTHER}
    generated = (f"{team}-{service}-{env}" for service in SERVICES for env in ENVIRONMENTS for team in TEAMS)
    for number, name in enumerate(generated):
        if len(names) >= count:
            break
        names[name] = f"{300000000000 + number * 7919:012d}"
    return names


def extra_aliases(catalog: RuleCatalog, count: int) -> dict[str, str]:
    """`count` aliases of the packaged rules, in the shapes teams and AWS give them (`aws-`,
    `org-`, `custom-`, `-rule` and `-v2` forms), a shape at a time. Each has words its rule lacks,
    so none outranks its rule; but a rule without a built-in alias is now shown by its first
    generated one (`aws-iam-user-mfa-enabled`), so readings are compared as rules, not names."""
    taken = {*catalog.rules, *BUILTIN_ALIASES}
    shapes = ("aws-{}", "org-{}", "{}-rule", "custom-{}", "{}-v2")
    aliases: dict[str, str] = {}
    for shape in shapes:
        for name in sorted(catalog.rules):
            alias = shape.format(name)
            if alias not in taken:
                taken.add(alias)
                aliases[alias] = name
                if len(aliases) >= count:
                    return aliases
    return aliases


def synonyms(catalog: RuleCatalog, count: int) -> dict[str, str]:
    """`count` two-word phrases, each naming a packaged rule ("crown jewels" the test's own)."""
    rules = sorted(catalog.rules)
    phrases = [f"{q} {n}" for q in QUALIFIERS for n in NOUNS][:count]
    found = {phrase: rules[(i * 37) % len(rules)] for i, phrase in enumerate(phrases)}
    found["crown jewels"] = "s3-bucket-public-read-prohibited"
    return found


def build(accounts: int, aliases: int, synonym_count: int) -> tuple[Interpreter, dict[str, Any]]:
    """The interpreter at this scale, and what went into it (the catalog is built outside the
    timing: the bot builds it for the grammar anyway; the interpreter's own indexes are timed)."""
    packaged = RuleCatalog.default()
    catalog = RuleCatalog.default(extra_aliases(packaged, aliases))
    phrases = synonyms(packaged, synonym_count)
    names = account_names(accounts)
    started = time.perf_counter()
    interpreter = Interpreter(catalog, phrases, names)
    seconds = time.perf_counter() - started
    return interpreter, {
        "construction_ms": round(seconds * 1000, 1),
        "rules": len(catalog.rules),
        "aliases": len(catalog.aliases),
        "builtin_aliases": len(packaged.aliases),
        "synonyms": len(phrases),
        "accounts": len(names),
    }


def as_rules(catalog: RuleCatalog, form: str) -> str:
    """A grammar form with its rule (if it names one) by its logical name instead of an alias."""
    head, space, rest = form.partition(" ")
    key = head.lower()
    if key in catalog.aliases or key in catalog.rules:
        head = catalog.aliases.get(key, key)
    return head + space + rest


def messages() -> list[tuple[str, Question | None, str]]:
    return [(text, None, form) for text, form in PHRASINGS] + [
        (text, previous, form) for text, previous, form in FOLLOW_UPS
    ]


def measure(accounts: int, aliases: int, synonym_count: int, repeats: int) -> dict[str, Any]:
    interpreter, scale = build(accounts, aliases, synonym_count)
    distinct = messages()
    misread: list[dict[str, Any]] = []
    first_pass_ms = []
    for text, previous, form in distinct:  # the warm-up: compiled patterns, caches, first imports
        started = time.perf_counter()
        reading = interpreter.read(text, previous)
        first_pass_ms.append((time.perf_counter() - started) * 1000)
        read_as = as_rules(interpreter.catalog, reading.readings[0]) if reading.readings else ""
        if form and not (reading.sure and read_as == as_rules(interpreter.catalog, form)):
            misread.append({"text": text[:80], "expected": form, "readings": reading.readings})
    order = distinct * repeats
    random.Random(16).shuffle(order)
    timings: list[float] = []
    slowest: dict[str, float] = {}
    for text, previous, _ in order:
        started = time.perf_counter()
        interpreter.read(text, previous)
        ms = (time.perf_counter() - started) * 1000
        timings.append(ms)
        slowest[text] = max(slowest.get(text, 0.0), ms)
    return {
        **scale,
        "distinct_messages": len(distinct),
        "messages": len(timings),
        "p50_ms": round(percentile(timings, 0.5), 3),
        "p99_ms": round(percentile(timings, 0.99), 3),
        "max_ms": round(max(timings), 3),
        "first_pass_max_ms": round(max(first_pass_ms), 3),
        "with_expected_form": sum(1 for _, _, form in distinct if form),
        "misread": misread,
        "slowest": [
            {"text": text[:80], "max_ms": round(ms, 3)}
            for text, ms in sorted(slowest.items(), key=lambda kv: -kv[1])[:5]
        ],
    }


def scale_of(result: dict[str, Any]) -> str:
    generated = result["aliases"] - result["builtin_aliases"]
    return (
        f"{result['accounts']:,} accounts; {result['rules']} rules + {result['aliases']:,} aliases "
        f"({generated:,} generated, for managed rules the packs lack); {result['synonyms']} synonyms"
    )


def figures(result: dict[str, Any]) -> list[Figure]:
    scale = scale_of(result)
    return [
        figure(
            "interpreter",
            f"time per message, {result['messages']:,} messages ({result['distinct_messages']} distinct)",
            scale,
            f"p50 {result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms (max {result['max_ms']:.2f} ms)",
            f"p99 < {GOAL_MS:g} ms",
            result["p99_ms"] < GOAL_MS,
        ),
        figure("interpreter", "construction, once per process", scale, f"{result['construction_ms']:.0f} ms"),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--aliases", type=int, default=1_000)
    parser.add_argument("--synonyms", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    result = measure(args.accounts, args.aliases, args.synonyms, args.repeats)
    found = figures(result)
    for line in found:
        print(f"{line['figure']}: {line['value']}")
    print(
        f"readings other than the tests expect: {len(result['misread'])} of "
        f"{result['with_expected_form']} {result['misread']}; "
        f"first (untimed) pass's slowest message {result['first_pass_max_ms']:.2f} ms; slowest: "
        + "; ".join(f"{s['max_ms']:.2f} ms {s['text']!r}" for s in result["slowest"][:3]),
        flush=True,
    )
    write_results(args.json, found, [result])


if __name__ == "__main__":
    main()
