"""The `compliance-bot` command line."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from contextlib import redirect_stdout
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings
    from bot.setup.result import Check


def _regions(text: str) -> tuple[str, ...]:
    regions = tuple(r.strip() for r in text.split(",") if r.strip())
    if not regions:
        raise argparse.ArgumentTypeError("give at least one region, e.g. us-east-1,eu-west-1")
    return regions


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="compliance-bot",
        description="AWS Config aggregator compliance answers in Slack.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sim = commands.add_parser(
        "sim",
        help="serve the AWS Config aggregator simulator (moto, extended) on loopback",
        description="Serve moto, extended with the aggregate AWS Config APIs, on loopback. "
        "Seeded with a generated organization unless --empty.",
    )
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument("--port", type=int, default=5000)
    sim.add_argument("--seed", type=int, default=7, help="the organization generator's seed")
    sim.add_argument("--accounts", type=_positive, default=12, help="accounts in the organization")
    sim.add_argument(
        "--regions",
        type=_regions,
        default=None,
        help="comma-separated regions (default us-east-1,us-west-2,eu-west-1,ap-southeast-2)",
    )
    sim.add_argument("--resources", type=_positive, default=6, help="resources per account and region")
    sim.add_argument(
        "--non-compliance",
        type=float,
        default=0.2,
        help="share of evaluations that are NON_COMPLIANT where a rule's check is not "
        "derived from the configuration",
    )
    sim.add_argument(
        "--empty",
        action="store_true",
        help="seed nothing: only what clients create through the ordinary APIs",
    )
    ask = commands.add_parser(
        "ask",
        help="answer one question against the configured AWS (or the simulator)",
        description="Answer one question, typed as after /compliance, against the aggregator "
        "configured by COMPLIANCE_AGGREGATOR, COMPLIANCE_ROLE_ARN, AWS_ENDPOINT_URL and the "
        "standard AWS variables.",
    )
    ask.add_argument("text", nargs="?", help='the question, e.g. "s3-encryption" or "summary by region"')
    ask.add_argument(
        "--json",
        action="store_true",
        help="print the answer's data and its Block Kit message as JSON (see --json-schema)",
    )
    ask.add_argument(
        "--json-schema",
        action="store_true",
        help="print the JSON Schema of --json's output (docs/ask-json-schema.json) and exit",
    )
    doctor = commands.add_parser(
        "doctor",
        help="check the aggregator against best practices, or (--setup) the bot's own set-up",
        description="Without --setup: the doctor question (as `ask doctor`). With --setup: check "
        "the settings, the Slack token and its scopes, the signing secret, AWS credentials and the "
        "role, the aggregator, Redis and the configuration file, one line each with its fix. Exits "
        "1 when a setting `serve` needs is missing, else 0 (warnings do not stop `serve`).",
    )
    doctor.add_argument("--setup", action="store_true", help="check the set-up instead")
    serve = commands.add_parser(
        "serve",
        help="serve the Slack app (HTTP on PORT, or Socket Mode when SLACK_APP_TOKEN is set)",
    )
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=None, help="default: PORT or 3000")
    demo = commands.add_parser(
        "demo",
        help="the bot on embedded defaults with a local playground that stands in for Slack",
        description="Run the simulator, the bot and a playground page on loopback: "
        "no AWS, Slack or Redis needed.",
    )
    demo.add_argument("--port", type=int, default=8080, help="the playground's port")
    demo.add_argument("--accounts", type=_positive, default=12)
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument(
        "--once", metavar="TEXT", help="answer one question (as typed after /compliance) and exit"
    )
    return parser


def _workshop_missing(what: str, error: ModuleNotFoundError) -> int:
    """The simulator and the playground are not in the product's wheel (nor its image): they come
    with a checkout of the repository, installed with the demo extra (moto). A module of the bot
    that fails to import is the bot's error, not a missing install, and is not caught here."""
    if (error.name or "").split(".")[0] in ("bot", "handlers"):
        raise error
    print(
        f"{what} comes with a checkout of the repository: run pip install -e '.[demo]' in it ({error})",
        file=sys.stderr,
    )
    return 2


def _run_demo(args: argparse.Namespace) -> int:
    try:
        from playground import demo
    except ModuleNotFoundError as error:
        return _workshop_missing("The demo", error)
    if args.once is not None:
        from bot.presenters.terminal import plain

        with redirect_stdout(sys.stderr):  # the bot's audit line is a log here, not the answer
            code, text = demo.once(args.once)
        print(plain(text))  # a Slack message, shown as a terminal shows text
        return code
    demo.serve(args.port, args.accounts, args.seed)
    return 0


def _checked_settings(
    what: str, slack: bool, listen: tuple[str, int | None] | None = None
) -> tuple[Settings | None, list[Check]]:
    """The settings and the local checks, when nothing `what` needs is missing; else None, after
    listing every missing one at once (on stderr: a server's stdout is its audit stream)."""
    from bot.setup import run as setup
    from bot.setup.result import failed
    from bot.setup.services import port_check
    from bot.setup.settings_checks import load_settings
    from bot.slack.server import mode

    settings, checks = load_settings()
    if settings is not None:
        checks = setup.local(settings, slack=slack)
        if listen is not None and mode(settings) == "http":  # (host, port); None: PORT's
            checks.append(port_check(listen[0], listen[1] or settings.port))
    if settings is None or failed(checks):
        print(setup.refusal(checks, what), file=sys.stderr)
        return None, checks
    return settings, checks


def _run_serve(args: argparse.Namespace) -> int:
    from slack_bolt.error import BoltError
    from slack_sdk.errors import SlackClientError

    from bot.app import create_app
    from bot.setup import run as setup
    from bot.setup.services import port_fix, port_message
    from bot.slack.server import mode, serve_http, serve_socket_mode

    settings, checks = _checked_settings("compliance-bot serve", slack=True, listen=(args.host, args.port))
    if settings is None:
        return 1
    # What only warns is said once, at start, where whoever deploys looks.
    print(setup.report([*checks, *setup.remote(settings)]), file=sys.stderr, flush=True)
    try:
        app, deps = create_app(settings)
    except (BoltError, SlackClientError, OSError) as error:
        # Bolt verifies the token itself when the app is built, and refuses to go on without.
        print(
            f"compliance-bot serve cannot start: Slack did not accept the bot token ({error}); "
            "see the Slack token line above.",
            file=sys.stderr,
        )
        return 1
    if deps.digests is not None:
        deps.digests.start()
    if deps.watches is not None:
        deps.watches.start()
    if deps.watch_events is not None:
        deps.watch_events.start()
    port = args.port or settings.port
    if mode(settings) == "socket":  # /healthz and /metrics on the same port as in HTTP mode
        serve_socket_mode(app, deps, args.host, port)
        return 0
    try:
        serve_http(app, deps, args.host, port)
    except OSError as error:  # taken between the check and now
        print(
            f"compliance-bot serve cannot start: {port_message(args.host, port, error)} {port_fix()}",
            file=sys.stderr,
        )
        return 1
    return 0


def _run_doctor(args: argparse.Namespace) -> int:
    if not args.setup:
        return _run_ask(argparse.Namespace(text="doctor", json=False, json_schema=False))
    from bot.setup import run as setup
    from bot.setup.result import failed
    from bot.setup.settings_checks import load_settings

    settings, checks = load_settings()
    if settings is not None:
        checks = setup.local(settings)
        missing = {c.name for c in failed(checks)}
        checks += setup.remote(settings, aws=not missing & {"AWS region", "AWS credentials"})
    print(setup.report(checks))
    stopped = failed(checks)
    warned = sum(c.status == "warn" for c in checks)
    print(
        f"{len(checks) - len(stopped) - warned} ok, {warned} warning(s), {len(stopped)} missing"
        + (": `serve` would not start." if stopped else ".")
    )
    return 1 if stopped else 0


def _run_ask(args: argparse.Namespace) -> int:
    if args.json_schema:
        from bot.ask_json import schema_text

        print(schema_text(), end="")
        return 0
    if not args.text:
        print('Ask a question, e.g. compliance-bot ask "summary" (or --json-schema).', file=sys.stderr)
        return 2
    from bot.ask import ask

    settings, _ = _checked_settings("compliance-bot ask", slack=False)
    return 1 if settings is None else ask(args.text, args.json, settings)


def _run_sim(args: argparse.Namespace) -> int:
    try:
        from simulator import server
        from simulator.orggen import DEFAULT_REGIONS, OrgSpec
    except ModuleNotFoundError as error:
        return _workshop_missing("The simulator", error)
    spec = OrgSpec(
        seed=args.seed,
        accounts=args.accounts,
        regions=args.regions or DEFAULT_REGIONS,
        resources_per_region=args.resources,
        non_compliance=args.non_compliance,
    )
    running = server.start(args.host, args.port, spec, empty=args.empty, freeze=True)
    print(server.describe(running), flush=True)
    try:
        server.wait_forever()
    except KeyboardInterrupt:
        running.stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for noisy in ("botocore", "boto3", "urllib3", "werkzeug"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    if args.command == "sim":
        return _run_sim(args)
    if args.command == "ask":
        return _run_ask(args)
    if args.command == "serve":
        return _run_serve(args)
    if args.command == "demo":
        return _run_demo(args)
    if args.command == "doctor":
        return _run_doctor(args)
    raise AssertionError(f"unhandled command {args.command}")  # argparse rejects unknown ones


if __name__ == "__main__":
    sys.exit(main())
