"""Slack markup and data shown for a terminal (bot/presenters/terminal.py). Pure."""

from __future__ import annotations

from bot.presenters.terminal import CELL_CHARS, plain, printable, table


def test_links_read_as_their_text_then_their_url() -> None:
    assert plain("<https://x.example/a?b=1&amp;c=2|bucket-1>") == "bucket-1 (https://x.example/a?b=1&c=2)"
    assert plain("<https://x.example/>") == "https://x.example/"
    assert plain("<https://x.example/|https://x.example/>") == "https://x.example/"
    assert plain("<@U123> <#C1|security> <!here>") == "@U123 #security @here"


def test_emoji_read_as_words() -> None:
    assert plain(":x: broken, :white_check_mark: fine, :warning: partial") == (
        "[x] broken, [ok] fine, [!] partial"
    )
    assert plain(":tada:") == "[tada]"
    # Not emoji: an ARN's and a time's colons.
    assert (
        plain("arn:aws:iam::111122223333:role/x at 10:30:00")
        == "arn:aws:iam::111122223333:role/x at 10:30:00"
    )


def test_escapes_are_undone_and_marks_dropped() -> None:
    assert plain("*Resources 1–10* _The bucket &lt;b&gt; &amp; co._") == "Resources 1–10 The bucket <b> & co."
    assert plain("S3_BUCKET_VERSIONING_ENABLED 2*3*4") == "S3_BUCKET_VERSIONING_ENABLED 2*3*4"
    assert plain("```a  b```") == "a  b"


def test_nothing_a_terminal_would_act_on_gets_through() -> None:
    assert printable("rule\x1b]0;owned\x07\r\x9b2J") == "rule\\x1b]0;owned\\x07\\x0d\\x9b2J"
    assert plain("<https://x|\x1b[31mred>") == "\\x1b[31mred (https://x)"
    assert printable("two\nlines\tand a tab") == "two\nlines\tand a tab"


def test_a_table_aligns_its_columns() -> None:
    rows = [["AWS::S3::Bucket", 96, {"encrypted": True}], ["AWS::IAM::Role", 5, None]]
    assert table(["resourceType", "COUNT(*)", "configuration"], rows) == [
        "resourceType     COUNT(*)  configuration",
        "---------------  --------  ------------------",
        'AWS::S3::Bucket        96  {"encrypted":true}',
        "AWS::IAM::Role          5",
    ]
    long = table(["a"], [["x" * 100]])[2]
    assert len(long) == CELL_CHARS and long.endswith("…")
