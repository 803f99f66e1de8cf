"""What security engineers and on-call SREs type, and the grammar form each means: the table the
interpreter's tests and the mention path's end-to-end test share. Account ids and regions are
those of the small seeded organization (tests/conftest.py's SPEC) where the answer is checked."""

from __future__ import annotations

ACCOUNT = "111122223333"
OTHER = "222233334444"
BUCKET_ARN = "arn:aws:s3:::payments-prod-logs"

PHRASINGS: list[tuple[str, str]] = [
    # which resources break a rule (everywhere, in an account, in a region)
    ("are all S3 buckets across every account encrypted?", "s3-encryption"),
    ("are all s3 buckets encrypted", "s3-encryption"),
    ("Are ALL our buckets ENCRYPTED??", "s3-encryption"),
    ("which buckets aren't encrypted", "s3-encryption"),
    ("unencrypted buckets?", "s3-encryption"),
    ("any unencrpyted s3 buckets", "s3-encryption"),
    ("s3 encryption", "s3-encryption"),
    ("show me s3 buckets without encryption in eu-west-1", "s3-encryption region eu-west-1"),
    (f"are buckets encrypted in {ACCOUNT}?", f"s3-encryption account {ACCOUNT}"),
    (f"s3 encryption in account {ACCOUNT} in ireland", f"s3-encryption account {ACCOUNT} region eu-west-1"),
    ("is ssh open to the internet anywhere?", "ssh"),
    ("is ssh open to the internet anywhere in Frankfurt?", "ssh region eu-central-1"),
    ("who has port 22 open to the world", "ssh"),
    ("SSH open?", "ssh"),
    ("open ssh in us-east-1", "ssh region us-east-1"),
    ("are ebs volumes encrypted?", "ebs-encryption"),
    ("unencrypted volumes in oregon", "ebs-encryption region us-west-2"),
    ("is mfa on for the root account?", "root-mfa"),
    ("root mfa", "root-mfa"),
    ("iam users without mfa", "iam-user-mfa-enabled"),
    ("console mfa for iam", "mfa"),
    ("public read buckets", "s3-public-read"),
    ("buckets with public write", "s3-public-write"),
    ("is versioning on for our buckets", "s3-versioning"),
    ("s3 versioning in tokyo", "s3-versioning region ap-northeast-1"),
    ("are rds databases encrypted", "rds-encryption"),
    ("public rds instances", "rds-public"),
    ("is cloudtrail enabled everywhere?", "cloudtrail"),
    ("access keys rotated?", "access-keys"),
    ("root access keys", "root-access-key"),
    ("vpc flow logs enabled?", "vpc-flow-logs"),
    ("guardduty on in all regions?", "guardduty"),
    ("restricted-ssh", "ssh"),
    ("s3-bucket-server-side-encryption-enabled in account 111122223333", f"s3-encryption account {ACCOUNT}"),
    # what's wrong with an account, a region, a resource
    (f"what's wrong with {ACCOUNT}?", f"account {ACCOUNT}"),
    (f"whats wrong with account {ACCOUNT}", f"account {ACCOUNT}"),
    (f"what is failing in {ACCOUNT}", f"account {ACCOUNT}"),
    (f"Is {ACCOUNT} compliant?", f"account {ACCOUNT}"),
    (f"<@U0BOT> {ACCOUNT}", f"account {ACCOUNT}"),
    ("what is non-compliant in eu-west-1?", "failing region eu-west-1"),
    ("what's broken in Ireland", "failing region eu-west-1"),
    ("anything failing in us-east-1?", "failing region us-east-1"),
    ("problems in frankfrut?", "failing region eu-central-1"),
    (f"what's wrong with {ACCOUNT} in eu-west-1", f"failing account {ACCOUNT} region eu-west-1"),
    (f"issues in account {OTHER} us-east-1", f"failing account {OTHER} region us-east-1"),
    (f"what's wrong with {BUCKET_ARN}?", f"resource {BUCKET_ARN}"),
    (f"is {BUCKET_ARN} compliant", f"resource {BUCKET_ARN}"),
    (f"<https://console.aws.amazon.com/s3/buckets/x|{BUCKET_ARN}>", f"resource {BUCKET_ARN}"),
    (
        "arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc1234def567890 ok?",
        "resource arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc1234def567890",
    ),
    ("what about i-0abc1234def567890", "resource i-0abc1234def567890"),
    ("vol-0123456789abcdef0 compliant?", "resource vol-0123456789abcdef0"),
    ("is sg-0123abcd compliant?", "resource sg-0123abcd"),
    ("what's wrong with payments-prod-logs?", "resource payments-prod-logs"),
    ("is checkout-prod-assets compliant", "resource checkout-prod-assets"),
    ("tell me about my-bucket.example.com", "resource my-bucket.example.com"),
    # how are we doing, who isn't reporting, counts, packs, the rest
    ("how are we doing?", "summary"),
    ("How are we doing by region?", "summary by region"),
    ("what's our compliance posture", "summary"),
    ("give me an overview", "summary"),
    ("which rules fail the most?", "rules"),
    ("worst rules", "rules"),
    ("who isn't reporting?", "health"),
    ("which accounts aren't reporting", "health"),
    ("any sources outdated?", "health"),
    ("how many resources do we have", "resources"),
    ("how many resources per account", "resources by account"),
    ("conformance packs in eu-west-1", "packs region eu-west-1"),
    ("is the aggregator set up right?", "doctor"),
    ("what can you do?", "help"),
]

# Texts with several readings: the bot offers them as buttons instead of guessing.
AMBIGUOUS: list[tuple[str, set[str]]] = [
    ("is logging enabled?", set()),
    ("what changed since yesterday?", {"digest now", "rules"}),
    ("public snapshots", set()),
    ("are any buckets public?", {"s3-public-read", "s3-public-write"}),
    ("does every user have mfa", {"mfa", "iam-user-mfa-enabled"}),
]

UNDERSTOOD_NOTHING = ["banana", "¯\\_(ツ)_/¯", "lorem ipsum dolor", "?", "hello there"]
