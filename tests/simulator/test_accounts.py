"""Requests land in the account their access key belongs to, however many accounts exist: the
simulator remembers each key's account instead of moto's scan of every account, and never
serves a deleted key from memory."""

from __future__ import annotations

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID

from simulator import accounts
from tests.simulator.helpers import REGION, client

pytestmark = pytest.mark.usefixtures("moto")
MEMBER = "111122223333"


def _caller_account(key: dict[str, str]) -> str:
    sts = boto3.client(
        "sts",
        region_name=REGION,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )
    return str(sts.get_caller_identity()["Account"])


def test_a_key_is_served_in_its_account_and_forgotten_when_deleted() -> None:
    assert accounts.account_of.__module__ == "simulator.accounts"
    iam = client("iam", MEMBER)
    iam.create_user(UserName="auditor")
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    assert _caller_account(key) == MEMBER
    assert accounts.account_of(key["AccessKeyId"]) == MEMBER  # remembered, and still true
    iam.delete_access_key(UserName="auditor", AccessKeyId=key["AccessKeyId"])
    assert _caller_account(key) == DEFAULT_ACCOUNT_ID  # what moto answers for an unknown key


def test_assumed_role_keys_land_in_the_roles_account() -> None:
    for account in ("210987654321", MEMBER):
        sts = client("sts", account)
        assert sts.get_caller_identity()["Account"] == account
