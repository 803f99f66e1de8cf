"""Questions in people's own words, read as the grammar's questions. Deterministic and local: it
finds the entities (account ids, ARNs, resource ids, regions and their names, the words that name
a rule) and the intent (is X compliant, what's wrong with X, which resources break Y, where, how
are we doing, who isn't reporting, what changed, export), and writes the grammar form of each
reading, best first. Pure: no AWS call; a name that may be a resource is offered as
`resource <name>`, which the aggregator then looks up.

    read("are all s3 buckets encrypted?")  -> Interpretation(["s3-encryption"], sure=True)
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from bot.questions import vocabulary as words
from bot.questions.question import Question
from bot.questions.rules import RuleCatalog

ACCOUNT_ID = re.compile(r"(?<![\d:])\d{12}(?![\d])")
ARN = re.compile(r"\barn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:[^\s<>|,;\"'`]+", re.IGNORECASE)
REGION_CODE = re.compile(r"\b(?:us|eu|ap|sa|ca|me|af|il|mx)(?:-gov)?-[a-z]+-\d\b")
RESOURCE_ID = re.compile(
    r"\b(?:i|vol|sg|subnet|vpc|eni|ami|snap|igw|nat|rtb|acl|eipalloc|lt|db|fs|tgw|vpce)-[0-9a-f]{8,17}\b"
)
SLACK_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
SLACK_MARKUP = re.compile(r"<[@#!][^>]*>")
WORD = re.compile(r"[a-z0-9]+")
NAME_AFTER = re.compile(r"\b(?:with|about|on|for|is|check|resource)\s+([A-Za-z0-9][A-Za-z0-9._/-]{2,})")
FIXES_KEPT = 10_000
SURE_MARGIN = 1.0  # the best reading must lead the next by this much to be answered


@dataclass(frozen=True)
class Interpretation:
    """The readings of a text as grammar forms, best first (at most three), and whether the best
    is clear enough to answer; `export` when the asker wants a file of the reading's answer;
    `examples` when nothing was understood."""

    readings: list[str] = field(default_factory=list)
    sure: bool = False
    export: bool = False
    examples: list[str] = field(default_factory=list)

    @property
    def understood(self) -> bool:
        return bool(self.readings)


@dataclass(frozen=True)
class _Found:
    text: str  # lower case, links unwrapped, mentions removed
    stems: frozenset[str]
    accounts: list[str]
    arns: list[str]
    regions: list[str]
    resource_ids: list[str]
    export: bool = False  # "export", "csv", "download" said


class Interpreter:
    def __init__(
        self,
        catalog: RuleCatalog,
        synonyms: Mapping[str, str] | None = None,
        account_names: Mapping[str, str] | None = None,
    ) -> None:
        self.catalog = catalog
        # Accounts by the names people call them ("payments-prod"), indexed by their first word.
        self._accounts: dict[str, list[tuple[str, str]]] = {}
        for name, account in (account_names or {}).items():
            normal = _normal(name)
            if normal:
                self._accounts.setdefault(WORD.findall(normal)[0], []).append((normal, account))
        # Each rule's signature: the stems of its name's words, without the ones that say nothing.
        self._signatures: dict[str, tuple[str, frozenset[str]]] = {}
        for name in catalog.rules:
            self._add(name, name)
        for alias, target in catalog.aliases.items():
            self._add(alias, target)
        self._phrases = {_normal(k): v for k, v in (synonyms or {}).items()}
        self._shortest = _shortest_names(catalog)
        self._index: dict[str, list[str]] = {}
        for key, (_, signature) in self._signatures.items():
            for stem in signature:
                self._index.setdefault(stem, []).append(key)
        self._known = sorted({*words.STEMS, *self._index})
        self._fixes: dict[str, str] = {}

    def _add(self, name: str, target: str) -> None:
        parts = [w for w in re.split(r"[-_\s]+", name.lower()) if w and w not in words.STOPWORDS]
        signature = frozenset(_stem(w) for w in parts) - words.STOPWORDS
        if signature:
            self._signatures[name.lower()] = (target, signature)

    # --- reading ------------------------------------------------------------------------------

    def read(self, text: str, previous: Question | None = None) -> Interpretation:
        found = self._entities(text)
        if previous is not None and (refined := self._refine(found, previous)) is not None:
            return refined
        readings = self._readings(found)
        if not readings:
            return Interpretation(examples=_closest_examples(found.text))
        best = readings[0][1]
        sure = best > 0 and (len(readings) == 1 or readings[1][1] <= best - SURE_MARGIN)
        forms = list(dict.fromkeys(form for form, _ in readings))[:3]
        return Interpretation(forms, sure, export=found.export)

    def _readings(self, found: _Found) -> list[tuple[str, float]]:
        """(grammar form, score) for every reading worth offering, best first."""
        text, where = found.text, _where(found)
        name = _named(found.text)
        if name and not self.catalog.knows(name) and not ACCOUNT_ID.fullmatch(name):
            found = self._without(found, name)
        else:
            name = None
        ranked = self._rules(found)
        rules = [(rule, score) for rule, score in ranked if score > 0]
        if found.arns:
            return [(f"resource {found.arns[0]}", 9.0)]
        if found.resource_ids and not rules:
            return [(f"resource {found.resource_ids[0]}", 9.0)]
        if _says(text, words.HEALTH_PHRASES) and not rules:
            return [("health", 8.0)]
        if _says(text, words.HELP_PHRASES) and not rules and not found.accounts:
            return [("help", 8.0)]
        if _says(text, words.DOCTOR_PHRASES):
            return [("doctor", 8.0)]
        if _says(text, words.CHANGE_PHRASES):
            return [("digest now", 2.0), ("rules", 1.8)]  # a choice: the digest posts in the channel
        if _says(text, words.PACK_PHRASES) and not rules:
            return [(f"packs{where}", 7.0)]
        if _says(text, words.COUNT_PHRASES) and not rules:
            group = " by account" if "account" in text else " by region" if "region" in text else ""
            return [(f"resources{group}{where}", 7.0)]
        if rules:
            return [(f"{self._shortest.get(rule, rule)}{where}", score) for rule, score in rules]
        if found.accounts or found.regions:
            place = (f" account {found.accounts[0]}" if found.accounts else "") + (
                f" region {found.regions[0]}" if found.regions else ""
            )
            if found.accounts and not found.regions:
                return [(f"account {found.accounts[0]}", 7.0)]
            return [(f"failing{place}", 7.0)]
        if _says(text, words.WORST_RULES_PHRASES):
            return [("rules", 7.0)]
        if _says(text, words.POSTURE_PHRASES):
            return [("summary by region" if "region" in text else "summary", 7.0)]
        if name:
            return [(f"resource {name}", 5.0)]
        return [(self._shortest.get(rule, rule), score) for rule, score in ranked]  # below zero: a choice

    def _rules(self, found: _Found) -> list[tuple[str, float]]:
        """The rules the text names, as (logical rule, score), best first. A rule all of whose
        name (or an alias's) was said scores a point more than one partly said; when no rule
        shares two words with the text, the ones sharing one are offered, below zero."""
        scores: dict[str, float] = {}
        for phrase, target in self._phrases.items():
            if phrase in found.text and _bounded(phrase, found.text, "a-z0-9"):
                rule = self._resolved(target)
                scores[rule] = max(scores.get(rule, 0.0), 10.0 + len(phrase) / 100)
        weak: dict[str, float] = {}
        candidates = {key for stem in found.stems for key in self._index.get(stem, ())}
        for key in candidates:
            target, signature = self._signatures[key]
            overlap = len(signature & found.stems)
            unsaid = len(signature) - overlap
            rule = self._resolved(target)
            if unsaid == 0:
                scores[rule] = max(scores.get(rule, 0.0), overlap + 1.0)
            elif overlap >= 2:
                scores[rule] = max(scores.get(rule, 0.0), overlap - 0.5 * unsaid)
            else:
                weak[rule] = max(weak.get(rule, -9.0), -0.5 * unsaid)
        ranked = scores or weak
        return sorted(ranked.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[:3]

    def _resolved(self, target: str) -> str:
        key = target.lower()
        return self.catalog.aliases.get(key, key)

    def _without(self, found: _Found, name: str) -> _Found:
        """The entities of the text but for a resource's name (its words name no rule)."""
        own = {_stem(w) for w in WORD.findall(name)} | {self._fix(_stem(w)) for w in WORD.findall(name)}
        return _Found(
            found.text,
            found.stems - own,
            found.accounts,
            found.arns,
            found.regions,
            found.resource_ids,
            found.export,
        )

    # --- entities -----------------------------------------------------------------------------

    def _entities(self, text: str) -> _Found:
        unwrapped = SLACK_LINK.sub(lambda m: m.group(2) or m.group(1), text)
        unwrapped = SLACK_MARKUP.sub(" ", unwrapped)
        arns = [a.rstrip(".?!)") for a in ARN.findall(unwrapped)]
        rest = ARN.sub(" ", unwrapped)
        lowered = _normal(rest)
        accounts = list(dict.fromkeys(ACCOUNT_ID.findall(lowered)))
        tokens = WORD.findall(lowered)
        for token in dict.fromkeys(tokens):
            for name, account in self._accounts.get(token, ()):
                if account not in accounts and name in lowered and _bounded(name, lowered, "a-z0-9-"):
                    accounts.append(account)
                    lowered = lowered.replace(name, " ")
        regions = list(dict.fromkeys(REGION_CODE.findall(lowered)))
        for name, code in words.REGION_NAMES.items():
            if name in lowered and code not in regions and _bounded(name, lowered, "a-z"):
                regions.append(code)
        tokens = WORD.findall(lowered)  # without the accounts' names
        stems = set()
        for token in tokens:
            stem = _stem(token)
            if (
                token in words.STOPWORDS
                or token in words.EXPORT_WORDS
                or stem in words.STOPWORDS
                or stem.isdigit()
            ):
                continue
            stems.add(stem if stem in self._index or stem in words.STEMS.values() else self._fix(token))
        if not regions:
            regions = _misspelt_regions(tokens)
        if "bucket" in stems:
            stems.add("s3")
        resource_ids = list(dict.fromkeys(RESOURCE_ID.findall(lowered)))
        export = any(token in words.EXPORT_WORDS for token in tokens)
        return _Found(lowered, frozenset(stems), accounts, arns, regions, resource_ids, export)

    def _fix(self, token: str) -> str:
        """A misspelt word's known form (`encrpyted`), or the word itself; remembered, within
        FIXES_KEPT words (chat words vary without end)."""
        if len(token) < 5:
            return _stem(token)
        fixed = self._fixes.get(token)
        if fixed is None:
            close = difflib.get_close_matches(token, self._known, n=1, cutoff=0.85)
            fixed = _stem(close[0] if close else token)
            if len(self._fixes) >= FIXES_KEPT:
                self._fixes.clear()
            self._fixes[token] = fixed
        return fixed

    # --- follow-ups in a thread ---------------------------------------------------------------

    def _refine(self, found: _Found, previous: Question) -> Interpretation | None:
        """A follow-up ("and in eu-west-1?", "what about account 2222...?", "export that") read
        against the thread's previous question; None when the text asks something of its own."""
        own = [r for r in self._rules(found) if r[1] > 0] or found.arns or found.resource_ids
        if found.export and not own:
            return Interpretation([_form(previous)], sure=True, export=True)
        if own or not (found.accounts or found.regions):
            return None
        params = dict(previous.params)
        kind = previous.kind
        if kind in ("account", "summary", "rules", "health", "help", "resource", "query", "doctor"):
            kind, params = "failing", {k: v for k, v in params.items() if k == "account"}
        if found.accounts:
            params["account"] = found.accounts[0]
        if found.regions:
            params["region"] = found.regions[0]
        return Interpretation([_form(Question(kind, params, previous.aggregator))], sure=True)


def _form(question: Question) -> str:
    """The grammar form of a question (what `parse` reads back as the same question)."""
    params = dict(question.params)
    head = params.pop("rule", None) if question.kind == "rule" else question.kind
    if question.kind == "query":
        return f"query {params['expression']}"
    if question.kind == "resource":
        return f"resource {params['id']}"
    if question.kind == "account":
        return f"account {params['account']}"
    group = params.pop("by", None)
    text = " ".join(
        [str(head), *([f"by {group}"] if group else []), *(f"{k} {v}" for k, v in params.items())]
    )
    return text + (f" --aggregator {question.aggregator}" if question.aggregator else "")


def _normal(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def _stem(token: str) -> str:
    token = token.lower()
    if token in words.STEMS:
        return words.STEMS[token]
    for suffix in ("ing", "ed", "es", "s"):
        if len(token) > len(suffix) + 3 and token.endswith(suffix):
            base = token[: -len(suffix)]
            return words.STEMS.get(base, base)
    return token


def _says(text: str, phrases: Iterable[str]) -> bool:
    return any(p in text and _bounded(p, text, "a-z") for p in phrases)


def _bounded(phrase: str, text: str, word: str) -> bool:
    """Whether `phrase` stands in `text` as words of its own (not inside a longer word). Called
    only when `phrase in text`: the regex is the second, rarer check (and is cached by `re`, as
    long as few phrases get this far)."""
    return re.search(rf"(?<![{word}]){re.escape(phrase)}(?![{word}])", text) is not None


def _where(found: _Found) -> str:
    return (f" account {found.accounts[0]}" if found.accounts else "") + (
        f" region {found.regions[0]}" if found.regions else ""
    )


def _named(text: str) -> str | None:
    """The name after "with", "about", "is"... that may be a resource's (looked up when asked):
    one with a digit, a dot, a dash or an underscore in it, and not a region's code."""
    for match in NAME_AFTER.finditer(text):
        name = match.group(1).strip("._-/")
        if (
            any(c.isdigit() or c in "-_." for c in name)
            and len(name) >= 3
            and not REGION_CODE.fullmatch(name)
        ):
            return name
    return None


def _misspelt_regions(tokens: Collection[str]) -> list[str]:
    names = [n for n in words.REGION_NAMES if " " not in n]
    found = []
    for token in tokens:
        if token in words.STOPWORDS or len(token) < 5:
            continue
        if close := difflib.get_close_matches(token, names, n=1, cutoff=0.85):
            found.append(words.REGION_NAMES[close[0]])
    return list(dict.fromkeys(found))


def _shortest_names(catalog: RuleCatalog) -> dict[str, str]:
    """Each rule's first alias (what the "Reading this as" line shows, and what people learn),
    where it has one: the built-in ones come first, in the order they are listed."""
    first: dict[str, str] = {}
    for alias, target in catalog.aliases.items():
        first.setdefault(target, alias)
    return first


def _closest_examples(text: str) -> list[str]:
    ranked = sorted(words.EXAMPLES, key=lambda e: -difflib.SequenceMatcher(None, text, e).ratio())
    return ranked[:3]
