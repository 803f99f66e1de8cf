# The bot's read-only role in the aggregator account, with docs/iam-policy.json, trusted by the
# bot's runtime (an IAM role the pods or tasks run as). Apply in the aggregator account:
#   terraform init && terraform apply -var aggregator_name=OrgAggregator -var runtime_role_arn=arn:aws:iam::...
# then set COMPLIANCE_ROLE_ARN to the `role_arn` output.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.0" }
  }
}

variable "aggregator_name" {
  type        = string
  description = "The AWS Config aggregator the bot reads."
}

variable "aggregator_region" {
  type    = string
  default = "us-east-1"
}

variable "runtime_role_arn" {
  type        = string
  description = "The IAM role the bot runs as (EKS service account role, ECS task role...)."
}

variable "role_name" {
  type    = string
  default = "ComplianceBotReadOnly"
}

provider "aws" {
  region = var.aggregator_region
}

data "aws_caller_identity" "current" {}

data "aws_config_configuration_aggregator" "this" {
  name = var.aggregator_name
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [var.runtime_role_arn]
    }
  }
}

resource "aws_iam_role" "bot" {
  name                 = var.role_name
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = 3600
  description          = "compliance-bot: read-only access to the AWS Config aggregator"
}

resource "aws_iam_role_policy" "read" {
  name = "compliance-bot-read"
  role = aws_iam_role.bot.id
  policy = templatefile("${path.module}/../../docs/iam-policy.json", {
    AggregatorRegion    = var.aggregator_region
    AggregatorAccountId = data.aws_caller_identity.current.account_id
    AggregatorId        = element(split("/", data.aws_config_configuration_aggregator.this.arn), 1)
  })
}

output "role_arn" {
  value = aws_iam_role.bot.arn
}
