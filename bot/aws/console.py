"""AWS console links for a resource. Pure."""

from __future__ import annotations

from urllib.parse import quote

GLOBAL = "global"


def console_url(resource_type: str, resource_id: str, region: str, name: str | None = None) -> str:
    """A deep link to the resource's own console page where there is a well-known one, else
    to its AWS Config resource timeline, which exists for every recorded type. IAM's pages are
    by name (AWS Config's id of a role or user is its AROA/AIDA id): without the name, the
    timeline."""
    home = "us-east-1" if region in (GLOBAL, "") else region
    rid = quote(resource_id, safe="")
    by_name = quote(name, safe="") if name else None
    iam = {
        "AWS::IAM::Role": f"https://us-east-1.console.aws.amazon.com/iam/home#/roles/details/{by_name}",
        "AWS::IAM::User": f"https://us-east-1.console.aws.amazon.com/iam/home#/users/details/{by_name}",
    }
    if by_name and resource_type in iam:
        return iam[resource_type]
    specific = {
        "AWS::S3::Bucket": f"https://s3.console.aws.amazon.com/s3/buckets/{rid}?region={home}",
        "AWS::EC2::Instance": f"https://{home}.console.aws.amazon.com/ec2/home?region={home}#InstanceDetails:instanceId={rid}",
        "AWS::EC2::SecurityGroup": f"https://{home}.console.aws.amazon.com/ec2/home?region={home}#SecurityGroup:groupId={rid}",
        "AWS::EC2::Volume": f"https://{home}.console.aws.amazon.com/ec2/home?region={home}#VolumeDetails:volumeId={rid}",
    }
    if resource_type in specific:
        return specific[resource_type]
    return (
        f"https://{home}.console.aws.amazon.com/config/home?region={home}#/resources/details"
        f"?resourceId={rid}&resourceType={quote(resource_type, safe='')}"
    )
