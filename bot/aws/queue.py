"""The SQS queue AWS Config's compliance-change events arrive in (COMPLIANCE_EVENTS_QUEUE_URL):
long-polled, read and deleted in batches; AWS's errors are the bot's AwsUnavailable."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from bot import errors
from bot.aws.session import events_client
from bot.settings import Settings


class EventQueue:
    def __init__(self, url: str, client: Any) -> None:
        self.url = url
        self.client = client

    @classmethod
    def of(cls, settings: Settings) -> EventQueue | None:
        """The configured queue, with the bot's credentials (its role, where one is set)."""
        if not settings.events_queue_url:
            return None
        return cls(settings.events_queue_url, events_client(settings))

    def receive(self, wait: int) -> list[tuple[str, str]]:
        """Up to 10 messages as (receipt handle, body), waiting up to `wait` seconds for one."""
        try:
            response = self.client.receive_message(
                QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=wait
            )
        except (BotoCoreError, ClientError) as error:
            raise errors.AwsUnavailable("ReceiveMessage", type(error).__name__) from error
        return [(str(m["ReceiptHandle"]), str(m.get("Body", ""))) for m in response.get("Messages", []) or []]

    def delete(self, handles: list[str]) -> None:
        if not handles:
            return
        try:
            self.client.delete_message_batch(
                QueueUrl=self.url, Entries=[{"Id": str(n), "ReceiptHandle": h} for n, h in enumerate(handles)]
            )
        except (BotoCoreError, ClientError) as error:
            raise errors.AwsUnavailable("DeleteMessageBatch", type(error).__name__) from error
