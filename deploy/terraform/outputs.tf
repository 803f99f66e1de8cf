output "role_arn" {
  value       = aws_iam_role.bot.arn
  description = "The bot's read-only role: COMPLIANCE_ROLE_ARN."
}

output "runtime_role_arn" {
  value       = local.runtime_role_arn
  description = "The role the bot runs as: the service account's eks.amazonaws.com/role-arn annotation."
}

output "runtime_assume_policy_json" {
  value       = data.aws_iam_policy_document.assume_bot_role.json
  description = "The statement the runtime role needs (already attached unless attach_runtime_policy is false)."
}

output "aggregator_arn" {
  value       = local.aggregator_arn
  description = "The aggregator the bot's role may read."
}

output "aggregator_name" {
  value       = var.aggregator_name
  description = "COMPLIANCE_AGGREGATOR."
}

output "aggregator_region" {
  value       = var.aggregator_region
  description = "COMPLIANCE_AGGREGATOR_REGION."
}
