"""Which account an access key belongs to, in constant time.

moto resolves the calling account of every request by scanning each account's IAM backend for
the request's access key (`moto.iam.models.get_account_id_from`): O(accounts) per request, tens
of milliseconds a call in an organization of 10,000 accounts. A key belongs to one account for
as long as it exists, so the answer is remembered and re-checked in constant time; an unknown or
deleted key is scanned for as moto does, but over the IAM backends that exist: moto's scan made
one in each of the six partitions of every account (60,000 backends at 10,000 accounts, each
telling the simulator that moto's own resources may have changed).
"""

from __future__ import annotations

import moto.iam.models as iam_models
from moto.core.base_backend import BackendDict
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.utilities.utils import PARTITION_NAMES

_KNOWN: dict[str, str] = {}
_MAX_KNOWN = 100_000  # tests mint a key per assumed role; forget them all now and then


def account_of(access_key: str) -> str:
    known = _KNOWN.get(access_key)
    if known is not None and _holds(known, access_key):
        return known
    # A key can only be in a backend that was made: reading the others would make them.
    accounts = list(dict.keys(iam_models.iam_backends))
    found = next((a for a in accounts if _holds(a, access_key)), DEFAULT_ACCOUNT_ID)
    if found != DEFAULT_ACCOUNT_ID or _holds(found, access_key):
        if len(_KNOWN) >= _MAX_KNOWN:
            _KNOWN.clear()
        _KNOWN[access_key] = found
    return found


def _holds(account: str, access_key: str) -> bool:
    # Plain dict reads: moto's own lookups create backends on the way (see state.backend).
    if not dict.__contains__(iam_models.iam_backends, account):
        return False
    per_account = dict.__getitem__(iam_models.iam_backends, account)
    return any(
        dict.__contains__(per_account, partition)
        and access_key in dict.__getitem__(per_account, partition).access_keys
        for partition in PARTITION_NAMES
    )


_MAKE_ACCOUNT = BackendDict.__dict__["_create_account_specific_backend"]


def _make_account(self: BackendDict, account_id: str) -> None:  # type: ignore[type-arg]
    """moto's BackendDict._create_account_specific_backend, which runs on every look-up of an
    account's backends (every request, every listing of moto's own resources) and copies every
    account id into a list to ask whether the account is there: at 10,000 accounts, seconds a
    listing. A dict that holds the account was registered for moto's reset when it gained it
    (reset empties both), so only a new account goes moto's way."""
    if not dict.__contains__(self, account_id):
        _MAKE_ACCOUNT(self, account_id)


def install() -> None:
    """Serve moto's account lookups from here (moto imports get_account_id_from at each call, so
    this is seen)."""
    iam_models.get_account_id_from = account_of
    if getattr(_MAKE_ACCOUNT, "__name__", "") == "_create_account_specific_backend":
        BackendDict._create_account_specific_backend = _make_account  # type: ignore[method-assign]
