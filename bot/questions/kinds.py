"""Every question kind, one registry entry each: what `/compliance <name> ...` parses, which plan
answers it, its answer model, how long its answer is cached, how a channel's scope applies, and
how it is shown. Adding a kind: its plan (bot/questions/plans/), its model (bot/answers/models.py),
its presenter (bot/presenters/), and one `register(Kind(...))` here."""

from __future__ import annotations

from typing import Literal, cast

from bot.access.scoping import Scoping
from bot.answers.models import (
    AccountDrilldown,
    Aggregators,
    Answer,
    ComplianceSummary,
    DoctorReport,
    FailingResources,
    PackCompliance,
    QueryResult,
    ResourceCounts,
    ResourceReport,
    RuleCompliance,
    RulesOverview,
    SourceHealth,
)
from bot.digest.commands import digest_command
from bot.presenters import query as query_presenter
from bot.presenters import resources as resource_presenters
from bot.presenters import rule as rule_presenters
from bot.presenters import sources as source_presenters
from bot.presenters import summaries as summary_presenters
from bot.questions import parsers, plans
from bot.questions.help import help_command
from bot.questions.question import Question
from bot.questions.registry import RULE, Desk, Kind, Reply, register
from bot.waivers.commands import USAGE as WAIVE_USAGE
from bot.waivers.commands import unwaive_command, waive_command, waivers_command
from bot.watch.commands import unwatch_command, watch_command, watches_command

RULE_USAGE = "<rule or alias> [account <id>] [region <r>]"

register(
    Kind(
        RULE,
        RULE_USAGE,
        "which resources break a rule, everywhere",
        parse=parsers.rule,
        plan=lambda ctx, q, accounts: plans.rule_compliance(
            ctx, q.params["rule"], q.params.get("account"), q.params.get("region"), q.aggregator, accounts
        ),
        first=lambda ctx, q, accounts: plans.rule_first(
            ctx, q.params["rule"], q.params.get("account"), q.params.get("region"), q.aggregator, accounts
        ),
        model=Answer[RuleCompliance],
        scoping=Scoping.READ_IN_SCOPE,
        presenter=rule_presenters.RULE,
        hint="<rule> [account <id>] [region <r>]",
    )
)
register(
    Kind(
        "summary",
        "summary [by account|region]",
        "Compliant and non-compliant rules per account or region.",
        parse=parsers.summary,
        plan=lambda ctx, q, accounts: plans.summary(
            ctx, "region" if q.params.get("by") == "region" else "account", q.aggregator, accounts
        ),
        model=Answer[ComplianceSummary],
        scoping=Scoping.LIMIT,
        presenter=summary_presenters.SUMMARY,
        hint="summary",
    )
)
register(
    Kind(
        "rules",
        "rules",
        "Every rule with non-compliant resources, worst first.",
        parse=parsers.rules,
        plan=lambda ctx, q, accounts: plans.rules_overview(ctx, q.aggregator, accounts),
        model=Answer[RulesOverview],
        scoping=Scoping.LIMIT,
        presenter=summary_presenters.RULES,
        hint="rules",
    )
)
register(
    Kind(
        "account",
        "account <id>",
        "What is failing in one account.",
        parse=parsers.account,
        plan=lambda ctx, q, accounts: plans.account(ctx, q.params["account"], q.aggregator),
        model=Answer[AccountDrilldown],
        presenter=rule_presenters.ACCOUNT,
        hint="account <id>",
    )
)
register(
    Kind(
        "failing",
        "failing [account <id>] [region <r>]",
        "Every failing resource in an account, a region or both, across rules.",
        parse=parsers.failing,
        plan=lambda ctx, q, accounts: plans.failing(
            ctx, q.params.get("account"), q.params.get("region"), q.aggregator, accounts
        ),
        model=Answer[FailingResources],
        scoping=Scoping.LIMIT,
        presenter=rule_presenters.FAILING,
        hint="failing region <r>",
    )
)
register(
    Kind(
        "resource",
        "resource <id|name|arn>",
        "One resource: its configuration and compliance.",
        parse=parsers.resource,
        plan=lambda ctx, q, accounts: plans.resource(ctx, q.params["id"], q.aggregator, accounts),
        model=Answer[ResourceReport],
        ttl=120,
        scoping=Scoping.READ_IN_SCOPE,
        presenter=resource_presenters.RESOURCE,
        hint="resource <id|name|arn>",
    )
)
register(
    Kind(
        "resources",
        "resources [by type|account|region] [type <T>] [account <id>] [region <r>]",
        "How many resources AWS Config records, grouped and filtered.",
        parse=parsers.resources,
        plan=lambda ctx, q, accounts: plans.resource_counts(
            ctx,
            cast(Literal["type", "account", "region"], q.params.get("by", "type")),
            q.params.get("type"),
            q.params.get("account"),
            q.params.get("region"),
            q.aggregator,
            accounts,
        ),
        model=Answer[ResourceCounts],
        ttl=900,
        scoping=Scoping.LIMIT,
        presenter=resource_presenters.RESOURCES,
        hint="resources",
    )
)
register(
    Kind(
        "health",
        "health",
        "Aggregator sources that FAILED or are OUTDATED.",
        parse=parsers.health,
        plan=lambda ctx, q, accounts: plans.health(ctx, q.aggregator),
        model=Answer[SourceHealth],
        ttl=60,
        presenter=source_presenters.HEALTH,
        hint="health",
    )
)
register(
    Kind(
        "packs",
        "packs [pack <name>] [account <id>] [region <r>]",
        "Conformance pack compliance per pack, account and region.",
        parse=parsers.packs,
        plan=lambda ctx, q, accounts: plans.packs(
            ctx, q.params.get("pack"), q.params.get("account"), q.params.get("region"), q.aggregator
        ),
        model=Answer[PackCompliance],
        presenter=summary_presenters.PACKS,
        hint="packs",
    )
)
register(
    Kind(
        "query",
        "query <SELECT ...>",
        "Run an AWS Config advanced query over the aggregator.",
        parse=parsers.query,
        plan=lambda ctx, q, accounts: plans.query(ctx, q.params["expression"], q.aggregator, accounts),
        model=Answer[QueryResult],
        ttl=120,
        scoping=Scoping.READ_IN_SCOPE,
        presenter=query_presenter.QUERY,
        hint="query <SELECT ...>",
    )
)
register(
    Kind(
        "aggregators",
        "aggregators",
        "The aggregators in the bot's account and region.",
        parse=parsers.aggregators,
        plan=lambda ctx, q, accounts: plans.aggregators(ctx),
        model=Answer[Aggregators],
        ttl=3600,
        scoping=Scoping.ORGANIZATION_ONLY,
        presenter=source_presenters.AGGREGATORS,
        hint="aggregators",
    )
)
register(
    Kind(
        "doctor",
        "doctor",
        "Check the aggregator against AWS's best practices.",
        parse=parsers.doctor,
        plan=lambda ctx, q, accounts: plans.doctor(ctx, q.aggregator),
        model=Answer[DoctorReport],
        ttl=600,
        scoping=Scoping.ORGANIZATION_ONLY,
        presenter=source_presenters.DOCTOR,
        hint="doctor",
    )
)


def _refresh(desk: Desk, question: Question, channel: str | None, user: str | None) -> Reply:
    dropped = desk.answerer.refresh(question.params.get("question", ""), question.aggregator)
    return Reply(f"Forgot {dropped} cached answer(s); the next question asks AWS again.")


register(
    Kind(
        "refresh",
        "refresh [question]",
        "Forget the cached answer to a question (or all).",
        parse=parsers.refresh,
        action=_refresh,
        admin_only=True,
    )
)
register(
    Kind(
        "digest",
        "digest subscribe [HH:MM] [timezone] | digest unsubscribe | digest list | digest now",
        "The daily compliance digest in this channel.",
        parse=parsers.digest,
        action=digest_command,
        action_reads_aws=lambda question: question.params.get("action") == "now",
        hint="digest ...",
    )
)
register(
    Kind(
        "watch",
        "watch <rule> [account <id>] [region <r>] | watch account <id> | watch all",
        "Alert this channel when a resource in that scope becomes non-compliant.",
        parse=parsers.watch,
        action=watch_command,
        action_reads_aws=lambda question: True,  # the baseline is read when the watch is made
        hint="watch ...",
    )
)
register(
    Kind(
        "unwatch",
        "unwatch <what was watched>",
        "Stop one of this channel's watches.",
        parse=parsers.watch,
        action=unwatch_command,
        hint=None,
    )
)
register(
    Kind(
        "watches",
        "watches",
        "This channel's watches.",
        parse=parsers.nothing,
        action=watches_command,
        hint=None,
    )
)
register(
    Kind(
        "waive",
        WAIVE_USAGE,
        "Accept one resource breaking one rule until then (admins and approvers): it leaves every count.",
        parse=parsers.waive,
        action=waive_command,
        action_reads_aws=lambda question: True,  # the resource is looked up
        hint="waive ...",
    )
)
register(
    Kind(
        "unwaive",
        "unwaive <resource> <rule> [account <id>] [region <r>]",
        "End a waiver now: the resource counts again.",
        parse=parsers.unwaive,
        action=unwaive_command,
        hint=None,
    )
)
register(
    Kind(
        "waivers",
        "waivers [rule]",
        "The waivers in force in this channel's accounts, soonest to expire first.",
        parse=parsers.waivers,
        action=waivers_command,
        hint=None,
    )
)
register(
    Kind(
        "help",
        "help [subcommand]",
        "What each subcommand does.",
        parse=parsers.help_topic,
        action=help_command,
        hint="help",
    )
)
