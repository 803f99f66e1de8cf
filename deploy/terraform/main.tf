# The bot's read-only role in the aggregator account, with docs/iam-policy.json (the aggregate reads
# scoped to the aggregator's ARN), trusted by the role the bot runs as; that runtime role's
# sts:AssumeRole on it; and, optionally, the organization aggregator itself. deploy/README.md has the
# steps; tests/deploy/test_terraform.py parses these files and holds every resource and data source
# type to the AWS provider's documentation. Apply in the aggregator account, for example:
#   terraform init
#   terraform apply -var aggregator_region=us-east-1 \
#     -var aggregator_arn=arn:aws:config:us-east-1:111122223333:config-aggregator/config-aggregator-abcd1234 \
#     -var eks_oidc_provider_arn=arn:aws:iam::444455556666:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE
# then set COMPLIANCE_ROLE_ARN to the `role_arn` output and annotate the service account with the
# `runtime_role_arn` output.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  create_runtime_role = var.eks_oidc_provider_arn != null
  # oidc.eks.<region>.amazonaws.com/id/<id>, the issuer the IRSA trust conditions name.
  oidc_issuer = try(split("oidc-provider/", var.eks_oidc_provider_arn)[1], "")
  # An existing runtime role's name: the last part of its ARN (after any path).
  existing_runtime_role_name = try(element(reverse(split("/", var.runtime_role_arn)), 0), "")

  runtime_role_arn = local.create_runtime_role ? one(aws_iam_role.runtime[*].arn) : var.runtime_role_arn
  aggregator_arn   = var.create_aggregator ? one(aws_config_configuration_aggregator.org[*].arn) : var.aggregator_arn
  # arn:<partition>:config:<region>:<account>:config-aggregator/<aggregator id>
  aggregator_arn_parts = split(":", coalesce(local.aggregator_arn, "arn:aws:config:::config-aggregator/"))
}

# --- The aggregator (optional) -----------------------------------------------------------------

data "aws_iam_policy_document" "config_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["config.amazonaws.com"]
    }
  }
}

# The role AWS Config assumes to list the organization's accounts, unless one is given.
resource "aws_iam_role" "aggregator" {
  count              = var.create_aggregator && var.aggregator_source_role_arn == null ? 1 : 0
  name               = "${var.aggregator_name}-organization-reader"
  assume_role_policy = data.aws_iam_policy_document.config_trust.json
  description        = "AWS Config: read the organization's accounts for the ${var.aggregator_name} aggregator"
}

resource "aws_iam_role_policy_attachment" "aggregator" {
  count      = length(aws_iam_role.aggregator)
  role       = aws_iam_role.aggregator[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSConfigRoleForOrganizations"
}

# Organization-based, all regions: the practices the bot's `doctor` question checks.
resource "aws_config_configuration_aggregator" "org" {
  count = var.create_aggregator ? 1 : 0
  name  = var.aggregator_name

  organization_aggregation_source {
    all_regions = true
    role_arn    = coalesce(var.aggregator_source_role_arn, one(aws_iam_role.aggregator[*].arn))
  }

  depends_on = [aws_iam_role_policy_attachment.aggregator]
}

# --- The role the bot runs as (runtime account) ------------------------------------------------

# IRSA: only the bot's service account, through the cluster's OIDC provider, with STS's audience.
data "aws_iam_policy_document" "runtime_trust" {
  count = local.create_runtime_role ? 1 : 0
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [var.eks_oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:sub"
      values   = ["system:serviceaccount:${var.kubernetes_namespace}:${var.kubernetes_service_account}"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "runtime" {
  count                = local.create_runtime_role ? 1 : 0
  provider             = aws.runtime
  name                 = var.runtime_role_name
  assume_role_policy   = data.aws_iam_policy_document.runtime_trust[0].json
  max_session_duration = 3600
  description          = "compliance-bot pods (IRSA): may only assume the bot's read-only role"
}

# The runtime role's one permission: sts:AssumeRole on the bot's role.
data "aws_iam_policy_document" "assume_bot_role" {
  statement {
    actions   = ["sts:AssumeRole"]
    resources = [aws_iam_role.bot.arn]
  }
}

resource "aws_iam_role_policy" "runtime_assume" {
  count    = local.create_runtime_role || var.attach_runtime_policy ? 1 : 0
  provider = aws.runtime
  name     = "compliance-bot-assume-read-role"
  role     = local.create_runtime_role ? one(aws_iam_role.runtime[*].name) : local.existing_runtime_role_name
  policy   = data.aws_iam_policy_document.assume_bot_role.json
}

# --- The bot's read-only role (aggregator account) ---------------------------------------------

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [coalesce(local.runtime_role_arn, "unused")]
    }
  }
}

resource "aws_iam_role" "bot" {
  name                 = var.role_name
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = 3600
  description          = "compliance-bot: read-only access to the AWS Config aggregator"

  lifecycle {
    precondition {
      condition     = (var.runtime_role_arn == null) != (var.eks_oidc_provider_arn == null)
      error_message = "Give exactly one of runtime_role_arn (an existing role the bot runs as) and eks_oidc_provider_arn (create one for IRSA)."
    }
  }
}

resource "aws_iam_role_policy" "read" {
  name = "compliance-bot-read"
  role = aws_iam_role.bot.id
  policy = templatefile("${path.module}/../../docs/iam-policy.json", {
    AggregatorRegion    = local.aggregator_arn_parts[3]
    AggregatorAccountId = local.aggregator_arn_parts[4]
    AggregatorId        = element(split("/", local.aggregator_arn_parts[5]), 1)
  })

  lifecycle {
    precondition {
      condition     = var.create_aggregator != (var.aggregator_arn != null)
      error_message = "Give aggregator_arn (an existing aggregator) or set create_aggregator, not both."
    }
    precondition {
      condition     = var.aggregator_arn == null || local.aggregator_arn_parts[3] == var.aggregator_region
      error_message = "aggregator_arn is in another region than aggregator_region."
    }
  }
}
