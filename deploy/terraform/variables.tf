variable "aggregator_region" {
  type        = string
  description = "The region of the AWS Config aggregator (COMPLIANCE_AGGREGATOR_REGION)."
}

variable "aggregator_name" {
  type        = string
  default     = "OrgAggregator"
  description = "The aggregator's name (COMPLIANCE_AGGREGATOR): the one created when create_aggregator is true, else the existing one that aggregator_arn points to."
}

variable "aggregator_arn" {
  type        = string
  default     = null
  description = "The ARN of an existing aggregator (aws configservice describe-configuration-aggregators). Required unless create_aggregator is true."

  validation {
    condition     = var.aggregator_arn == null || can(regex("^arn:aws[a-z-]*:config:[a-z0-9-]+:[0-9]{12}:config-aggregator/config-aggregator-[a-z0-9]+$", var.aggregator_arn))
    error_message = "aggregator_arn is an aggregator's ARN: arn:aws:config:<region>:<account>:config-aggregator/config-aggregator-<id>."
  }
}

variable "create_aggregator" {
  type        = bool
  default     = false
  description = "Create an organization aggregator over all regions, named aggregator_name (run in the management account or a delegated administrator for AWS Config)."
}

variable "aggregator_source_role_arn" {
  type        = string
  default     = null
  description = "With create_aggregator: the role AWS Config assumes to read the organization. Null creates one with AWSConfigRoleForOrganizations."
}

variable "role_name" {
  type        = string
  default     = "ComplianceBotReadOnly"
  description = "The bot's read-only role in the aggregator account (COMPLIANCE_ROLE_ARN)."
}

variable "runtime_role_arn" {
  type        = string
  default     = null
  description = "An existing IAM role the bot runs as (an IRSA or Pod Identity role, an ECS task role). Give this or eks_oidc_provider_arn."
}

variable "attach_runtime_policy" {
  type        = bool
  default     = true
  description = "With runtime_role_arn: add the inline policy that lets that role assume the bot's role (through the runtime provider). False when someone else manages that role: the runtime_assume_policy_json output is the statement to add."
}

variable "eks_oidc_provider_arn" {
  type        = string
  default     = null
  description = "The EKS cluster's IAM OIDC provider ARN: create the runtime role for IRSA, trusted by the bot's Kubernetes service account. Give this or runtime_role_arn."
}

variable "runtime_role_name" {
  type        = string
  default     = "compliance-bot-runtime"
  description = "With eks_oidc_provider_arn: the name of the runtime role to create."
}

variable "kubernetes_namespace" {
  type        = string
  default     = "compliance-bot"
  description = "With eks_oidc_provider_arn: the namespace of the bot's service account (deploy/kubernetes)."
}

variable "kubernetes_service_account" {
  type        = string
  default     = "compliance-bot"
  description = "With eks_oidc_provider_arn: the bot's service account (deploy/kubernetes/base/serviceaccount.yaml)."
}

variable "runtime_region" {
  type        = string
  default     = null
  description = "The runtime provider's region; default: aggregator_region (IAM is global)."
}

variable "runtime_account_role_arn" {
  type        = string
  default     = null
  description = "A role Terraform assumes to manage IAM in the runtime account, when the cluster is in another account than the aggregator. Null: the same credentials."
}
