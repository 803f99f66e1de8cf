# Versions: Terraform 1.5 or later and the AWS provider 6.x. tests/deploy/test_terraform.py holds
# every resource and data source type used here to the provider's documentation
# (tests/deploy/data/aws-provider-types.json, from provider 6.66.0).
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}

# The aggregator account: the bot's read-only role, and the aggregator when this creates it.
provider "aws" {
  region = var.aggregator_region
}

# The account the bot runs in (its EKS cluster): the runtime role, or the policy on an existing one.
# The same credentials unless runtime_account_role_arn names a role to assume there.
provider "aws" {
  alias  = "runtime"
  region = coalesce(var.runtime_region, var.aggregator_region)

  dynamic "assume_role" {
    for_each = var.runtime_account_role_arn == null ? [] : [var.runtime_account_role_arn]
    content {
      role_arn = assume_role.value
    }
  }
}
