"""Serve the extended moto on loopback, optionally with a seeded organization."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from moto.server import ThreadedMotoServer

from simulator.install import install
from simulator.seeding.generator import freeze_heap, generate
from simulator.seeding.spec import OrgSpec, SeededOrg

# moto accepts any credentials; these are the ones every client of the simulator uses.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@dataclass
class RunningSimulator:
    server: ThreadedMotoServer
    endpoint: str
    org: SeededOrg | None

    def stop(self) -> None:
        self.server.stop()

    def client_environment(self) -> dict[str, str]:
        """The environment a bot in another process needs to read this simulator: the endpoint,
        credentials and, seeded, the aggregator and the role to assume."""
        region = self.org.spec.aggregator_region if self.org else "us-east-1"
        environment = {"AWS_ENDPOINT_URL": self.endpoint, **CREDENTIALS, "AWS_DEFAULT_REGION": region}
        if self.org is not None:
            environment |= {
                "COMPLIANCE_ROLE_ARN": self.org.role_arn,
                "COMPLIANCE_AGGREGATOR": self.org.aggregator_name,
                "COMPLIANCE_AGGREGATOR_REGION": region,
            }
        return environment


def start(
    host: str = "127.0.0.1",
    port: int = 5000,
    spec: OrgSpec | None = None,
    empty: bool = False,
    freeze: bool = False,
) -> RunningSimulator:
    """Start the server in this process's background; seed it unless `empty`.

    The server and the seeding share this process's moto backends, so the seeded state is what
    clients read. `freeze` (for a process that serves one organization until it exits) keeps the
    seeded heap out of the cyclic garbage collector's scans; see `seeding.generator.freeze_heap`.
    """
    install()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request is noise here
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    _, bound_port = server.get_host_and_port()  # port 0 picks a free one
    org = None if empty else generate(spec or OrgSpec())
    if org is not None and freeze:
        freeze_heap()
    return RunningSimulator(server, f"http://{host}:{bound_port}", org)


def describe(sim: RunningSimulator) -> str:
    lines = [f"AWS Config aggregator simulator listening on {sim.endpoint}"]
    if sim.org is None:
        lines.append("Empty: it holds only what clients create through the ordinary APIs.")
    else:
        org = sim.org
        lines += [
            f"aggregator:         {org.aggregator_name} (region {org.spec.aggregator_region})",
            f"aggregator account: {org.management_account} (organization {org.organization_id}, "
            f"{len(org.accounts)} accounts x {len(org.spec.regions)} regions)",
            f"read-only role:     {org.role_arn}",
            "",
            "Try:",
            f"  export AWS_ENDPOINT_URL={sim.endpoint} AWS_ACCESS_KEY_ID=testing "
            "AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=" + org.spec.aggregator_region,
            f"  creds=$(aws sts assume-role --role-arn {org.role_arn} --role-session-name me)",
        ]
    return "\n".join(lines)


def wait_forever() -> None:
    threading.Event().wait()
