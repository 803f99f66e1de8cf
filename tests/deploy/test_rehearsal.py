"""deploy/README.md's rehearsal, done as a deployer does it from a checkout, in HTTP mode and in
Socket Mode: its shell steps for the Redis run as written (the password, the included file, the
deploy's redis.conf), then `compliance-bot sim`, `redis-server` and `compliance-bot serve` started
as its commands start them (ports made free), with the settings its `export` line gives, which
must be the manifests' own: the base's compliance-bot-env values and every Secret entry the
Deployment reads. The one difference: Slack is the local stand-in (SLACK_API_URL), with Socket
Mode's WebSocket (tests/support/socket_mode.py).

Each mode must reach GET /healthz 200 with every dependency ok within the startupProbe's budget,
with a start-up report that is all ok but for the scopes (the stand-in sends none), pass the
image's HEALTHCHECK, guard /metrics with the Secret's token, and, once its Redis is stopped, answer
200 "degraded" naming Redis and no secret, in its body or its logs. (The block's last line, `ask
summary`, is left to tests/test_cli.py: it adds seconds and nothing about the deployment.)"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import redis
import requests

from playground.slack_api import SlackStandIn
from tests.deploy.test_kubernetes import BASE, ROOT, base_object, env_literals, generated_files
from tests.support.cache import _free_port as free_port
from tests.support.socket_mode import SocketModeSlack

pytestmark = pytest.mark.server
DEPLOY_README = ROOT / "deploy/README.md"
DOCKERFILE = ROOT / "Dockerfile"
PLACEHOLDER = "..."  # the README's values for what the deployer brings (tokens, secrets)
LOCAL_REDIS_DIR = "/tmp/compliance-redis"  # where the README's steps write Redis's files


# --- the README's steps ---------------------------------------------------------------------------


def rehearsal() -> list[tuple[str, list[str]]]:
    """The lines of the README's "Rehearse without AWS" block, each with its words as the shell
    splits them."""
    section = DEPLOY_README.read_text().split("## Rehearse without AWS", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0].replace("\\\n", " ")
    return [(line, shlex.split(line, comments=True)) for line in block.splitlines() if line.strip()]


def command(name: str, subcommand: str | None = None) -> list[str]:
    """The README's command running `name` (and `subcommand`), without its `&`."""
    found = [
        words
        for _, words in rehearsal()
        if Path(words[0]).name == name and (subcommand is None or words[1:2] == [subcommand])
    ]
    assert len(found) == 1, f"deploy/README.md's rehearsal runs {name} {subcommand or ''} once"
    return [word for word in found[0] if word != "&"]


def exported() -> dict[str, str]:
    (words,) = [words for _, words in rehearsal() if words[0] == "export"]
    return dict(item.split("=", 1) for item in words[1:])


def preparations() -> str:
    """The block's lines that only write files: not those that install, start a server (`&`),
    export, probe or ask."""
    return "\n".join(
        line
        for line, words in rehearsal()
        if words[-1] != "&"
        and words[0] not in ("python3", "export", "curl")
        and "compliance-bot" not in words[0]
    )


def option(words: list[str], name: str) -> str:
    return words[words.index(name) + 1]


def with_option(words: list[str], name: str, value: str) -> list[str]:
    index = words.index(name) + 1
    return [*words[:index], value, *words[index + 1 :]]


def test_the_rehearsal_gives_the_bot_the_manifests_settings() -> None:
    """What the README exports is what the base's ConfigMap and the Deployment's Secrets give."""
    given = exported()
    for name, value in env_literals(BASE / "kustomization.yaml").items():
        if name == "COMPLIANCE_CONFIG":  # the mounted file is the one the base's ConfigMap ships
            (shipped,) = generated_files(BASE / "kustomization.yaml", "compliance-bot-config")
            assert ROOT / given[name] == shipped and Path(value).name == shipped.name
        else:
            assert given.get(name) == value, f"deploy/README.md's rehearsal sets {name}={value}"
    (container,) = base_object("Deployment", "compliance-bot")["spec"]["template"]["spec"]["containers"]
    from_secrets = [
        item["name"]
        for item in container["env"]
        if "secretKeyRef" in item.get("valueFrom", {})
        and not item["valueFrom"]["secretKeyRef"].get("optional")
    ]
    assert from_secrets and set(from_secrets) <= set(given), "every Secret entry the bot needs is set"
    assert command("compliance-bot", "serve")[1:] == container["args"], "the README serves as the pods do"
    redis_url = urlsplit(given["REDIS_URL"])
    assert redis_url.password == "$REDIS_PASSWORD" and str(redis_url.port) == option(
        command("redis-server"), "--port"
    )


# --- the servers ----------------------------------------------------------------------------------


@dataclass
class Process:
    """A server the test started, its output in a file (read back for assertions)."""

    popen: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)


def start(
    words: list[str], log: Path, env: dict[str, str] | None = None, output: Path | None = None
) -> Process:
    """Start a server; its output goes to `output` (default: `log`, what `Process.output` reads)."""
    with (output or log).open("wb") as out:
        popen = subprocess.Popen(words, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return Process(popen, log)


def wait_for(predicate: Any, what: str, process: Process, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        assert process.popen.poll() is None, f"{what}: the process ended\n{process.output()[-3000:]}"
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout} s\n{process.output()[-3000:]}")


def venv_script(word: str) -> str:
    """The README's `.venv/bin/<script>` as installed beside the interpreter running the tests."""
    return str(Path(sys.executable).parent / Path(word).name)


def clean_environment(home: Path) -> dict[str, str]:
    """A shell's environment and nothing the machine adds: no AWS profile, proxy or Redis URL."""
    return {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", "HOME": str(home)}


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`compliance-bot sim` as the README starts it, on a free port; its endpoint, once it says the
    aggregator and the role the manifests name."""
    words = command("compliance-bot", "sim")
    home = tmp_path_factory.mktemp("sim")
    process = start(
        [venv_script(words[0]), *with_option(words[1:], "--port", "0")], home / "log", clean_environment(home)
    )
    try:
        text = wait_for(
            lambda: "read-only role:" in process.output() and process.output(), "the simulator", process, 60
        )
        literals = env_literals(BASE / "kustomization.yaml")
        assert f"aggregator:         {literals['COMPLIANCE_AGGREGATOR']} " in text
        assert f"read-only role:     {literals['COMPLIANCE_ROLE_ARN']}" in text
        endpoint = re.search(r"listening on (http://\S+)", text)
        assert endpoint, text
        assert urlsplit(exported()["AWS_ENDPOINT_URL"]).port == int(option(words, "--port"))
        yield endpoint[1]
    finally:
        process.stop()


@dataclass
class Rehearsal:
    """One mode's servers (the bot, its Redis, Slack's stand-in), the bot's environment, and what a
    probe reads."""

    mode: str
    bot: Process
    redis: Process
    slack: SlackStandIn
    env: dict[str, str]
    port: int
    secrets: dict[str, str]

    def get(self, path: str, **headers: str) -> requests.Response:
        return requests.get(f"http://127.0.0.1:{self.port}{path}", headers=headers, timeout=5)

    def probe(self, path: str) -> requests.Response | None:
        try:
            return self.get(path)
        except requests.ConnectionError:
            return None


def prepare_redis(directory: Path) -> str:
    """The README's lines that write Redis's files, run by the shell (into `directory`); the password."""
    lines = preparations()
    assert "REDIS_PASSWORD=" in lines and "redis.conf" in lines, lines
    shell = f'set -e\n{lines.replace(LOCAL_REDIS_DIR, str(directory))}\nprintf %s "$REDIS_PASSWORD"\n'
    done = subprocess.run(["sh", "-c", shell], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def start_redis(directory: Path, password: str) -> tuple[Process, int]:
    """The README's `redis-server` line (on a free port), once it answers PING with the password."""
    if shutil.which("redis-server") is None:
        pytest.skip("the rehearsal runs redis-server: apt-get install redis-server")
    port = free_port()
    words = with_option(
        [w.replace(LOCAL_REDIS_DIR, str(directory)) for w in command("redis-server")], "--port", str(port)
    )
    process = start(words, Path(option(words, "--logfile")), output=directory / "redis.out")

    def answers() -> bool:
        with redis.Redis(port=port, password=password, socket_connect_timeout=0.2) as client:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

    try:
        wait_for(answers, "redis-server answers PING", process, 10)
    except BaseException:
        process.stop()
        raise
    return process, port


@pytest.fixture(params=["http", "socket"])
def rehearsed(request: pytest.FixtureRequest, simulator: str, tmp_path: Path) -> Iterator[Rehearsal]:
    """The README's Redis and `serve`, with its exported settings (ports made free), the Secrets'
    values a deployer makes, and Slack's stand-in; in Socket Mode with an app-level token."""
    mode = str(request.param)
    with contextlib.ExitStack() as stack:
        slack = (SocketModeSlack() if mode == "socket" else SlackStandIn()).start()
        stack.callback(slack.stop)
        password = prepare_redis(tmp_path)
        redis_server, redis_port = start_redis(tmp_path, password)
        stack.callback(redis_server.stop)
        port = free_port()
        made = {  # what a deployer brings: the Slack app's tokens, a metrics token (step 3)
            "SLACK_BOT_TOKEN": f"xoxb-{secrets.token_hex(8)}-{secrets.token_hex(8)}",
            "SLACK_SIGNING_SECRET": secrets.token_hex(16),
            "SLACK_APP_TOKEN": f"xapp-1-A0APP-{secrets.token_hex(12)}",
            "COMPLIANCE_METRICS_TOKEN": secrets.token_hex(32),
        }
        env = clean_environment(tmp_path)
        for name, value in exported().items():
            env[name] = (
                made[name] if value.endswith(PLACEHOLDER) else value.replace("$REDIS_PASSWORD", password)
            )
        redis_url = urlsplit(env["REDIS_URL"])._replace(netloc=f":{password}@127.0.0.1:{redis_port}")
        env |= {
            "AWS_ENDPOINT_URL": simulator,
            "PORT": str(port),
            "REDIS_URL": redis_url.geturl(),
            "COMPLIANCE_METRICS_TOKEN": made["COMPLIANCE_METRICS_TOKEN"],
            "SLACK_API_URL": slack.api_url,
        }
        if mode == "socket":  # the README: add SLACK_APP_TOKEN, start serve again
            env["SLACK_APP_TOKEN"] = made["SLACK_APP_TOKEN"]
        serve = command("compliance-bot", "serve")
        bot = start([venv_script(serve[0]), *serve[1:]], tmp_path / "bot.out", env)
        stack.callback(bot.stop)
        yield Rehearsal(mode, bot, redis_server, slack, env, port, {**made, "REDIS_PASSWORD": password})


def startup_budget() -> float:
    """Seconds the startupProbe gives a pod before Kubernetes restarts it."""
    (container,) = base_object("Deployment", "compliance-bot")["spec"]["template"]["spec"]["containers"]
    probe = container["startupProbe"]
    return float(probe["periodSeconds"] * probe["failureThreshold"])


def probe_path() -> str:
    (container,) = base_object("Deployment", "compliance-bot")["spec"]["template"]["spec"]["containers"]
    paths = {container[p]["httpGet"]["path"] for p in ("startupProbe", "readinessProbe", "livenessProbe")}
    assert len(paths) == 1
    return str(paths.pop())


def healthcheck(port: int) -> subprocess.CompletedProcess[str]:
    """The image's HEALTHCHECK command, as Docker runs it in the container (PORT set)."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    line = next(line for line in text.splitlines() if line.startswith("HEALTHCHECK"))
    declared = re.search(r"--timeout=(\d+)s", line)
    assert declared, line
    timeout = float(declared[1])
    env = {**clean_environment(Path("/")), "PORT": str(port)}
    return subprocess.run(
        ["sh", "-c", line.split(" CMD ", 1)[1]], env=env, capture_output=True, text=True, timeout=timeout + 5
    )


def test_a_rehearsed_bot_is_healthy_and_says_when_redis_is_gone(rehearsed: Rehearsal) -> None:
    bot, path = rehearsed.bot, probe_path()

    def healthy() -> requests.Response | None:
        response = rehearsed.probe(path)
        return response if response is not None and response.status_code == 200 else None

    body = wait_for(healthy, f"GET {path} 200", bot, startup_budget()).json()
    assert body["mode"] == rehearsed.mode and body["status"] == "ok" and body["recent_failures"] == {}, body
    assert body["dependencies"] == {"redis": "ok", "aws": "ok", "slack": "ok"}, body
    assert healthcheck(rehearsed.port).returncode == 0
    assert rehearsed.get("/metrics").status_code == 401
    token = rehearsed.secrets["COMPLIANCE_METRICS_TOKEN"]
    assert rehearsed.get("/metrics", Authorization=f"Bearer {token}").status_code == 200
    if rehearsed.mode == "socket":
        assert isinstance(rehearsed.slack, SocketModeSlack) and rehearsed.slack.connections == 1
    else:  # step 5's check that the route works: an unsigned request refused
        assert requests.post(f"http://127.0.0.1:{rehearsed.port}/slack/events", timeout=5).status_code == 401
    # `serve`'s start-up report: AWS (the role, the aggregator) and Redis reached, nothing to fix but
    # the scopes, which the stand-in does not send.
    checks = [line for line in bot.output().splitlines() if line.startswith("[")]
    assert any(line.startswith("[ok  ] AWS role: assumed") for line in checks), checks
    assert any(line.startswith("[ok  ] Redis:") for line in checks), checks
    assert [line for line in checks if not line.startswith("[ok  ]")] == [
        next(line for line in checks if line.startswith("[WARN] Slack scopes: unknown"))
    ]

    rehearsed.redis.stop()

    def degraded() -> requests.Response | None:
        response = rehearsed.get(path)
        return response if response.json()["status"] == "degraded" else None

    gone = wait_for(degraded, f"GET {path} degraded", bot, 10)
    assert gone.status_code == 200, "degraded is not a reason to restart the pod"
    assert gone.json()["dependencies"] == {"redis": "unreachable", "aws": "ok", "slack": "ok"}
    assert healthcheck(rehearsed.port).returncode == 0
    for name, secret in rehearsed.secrets.items():
        assert secret not in gone.text and secret not in bot.output(), f"{name} is shown"
