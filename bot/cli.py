"""The `compliance-bot` command line."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence


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
    ask.add_argument("text", help='the question, e.g. "s3-encryption" or "summary by region"')
    ask.add_argument(
        "--json",
        action="store_true",
        help="print the answer's data and its Block Kit message as JSON",
    )
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
        code, text = demo.once(args.once)
        print(text)
        return code
    demo.serve(args.port, args.accounts, args.seed)
    return 0


def _run_serve(args: argparse.Namespace) -> int:
    from bot.app import create_app
    from bot.settings import Settings
    from bot.slack.server import mode, serve_http, serve_socket_mode

    settings = Settings()
    app, deps = create_app(settings)
    if deps.digests is not None:
        deps.digests.start()
    if deps.watches is not None:
        deps.watches.start()
    if deps.watch_events is not None:
        deps.watch_events.start()
    if mode(settings) == "socket":
        serve_socket_mode(app, deps)
    else:
        serve_http(app, deps, args.host, args.port or settings.port)
    return 0


def _run_ask(args: argparse.Namespace) -> int:
    """One question through the same registry, cache and plans as Slack; the terminal's operator
    may ask what only admins may ask in Slack (refresh), but nothing that needs a channel."""
    import json
    from datetime import UTC, datetime

    from bot.deps import build_deps
    from bot.errors import BotError
    from bot.presenters.message import message
    from bot.presenters.text import render
    from bot.questions.registry import REGISTRY
    from bot.questions.understanding import understand
    from bot.settings import Settings

    deps = build_deps(Settings())
    try:
        understanding = understand(args.text, deps.interpreter)
        if understanding.choices:
            print("I can read this more than one way; ask one of:")
            print("\n".join(f"  {form}" for form, _ in understanding.choices))
            return 1
        if understanding.question is None:
            print("I didn't understand that. Questions I do understand:", file=sys.stderr)
            print("\n".join(f"  {example}" for example in understanding.examples), file=sys.stderr)
            return 1
        if understanding.reading:
            print(f"Reading this as: {understanding.reading}")
        question = understanding.question
        kind = REGISTRY[question.kind]
        if kind.action is not None:
            print(kind.action(deps, question, None, None).text)
            return 0
        result = deps.answerer.answer(question)
    except BotError as error:
        logging.getLogger("bot.cli").info("question failed: %s: %s", type(error).__name__, error.message)
        print(error.message, file=sys.stderr)
        return 1
    finally:
        deps.cache.close()
    assert kind.presenter is not None
    if args.json:
        payload = {
            "answer": result.model_dump(mode="json"),
            "message": message(result, kind.presenter, datetime.now(UTC), question),
        }
        print(json.dumps(payload, indent=2))
    else:
        print(render(result, kind.presenter))
    return 0


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
    raise AssertionError(f"unhandled command {args.command}")  # argparse rejects unknown ones


if __name__ == "__main__":
    sys.exit(main())
