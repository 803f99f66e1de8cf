"""AWS Config error responses, with the codes and wording AWS uses.

Each is a moto `JsonRESTError`: moto turns it into `{"__type": code, "message": ...}` with HTTP
400, which botocore raises as `ClientError` with that code.
"""

from __future__ import annotations

from collections.abc import Iterable

from moto.core.exceptions import JsonRESTError


class ConfigError(JsonRESTError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__(type(self).__name__, message)


class ValidationException(ConfigError):
    pass


class InvalidParameterValueException(ConfigError):
    pass


class InvalidLimitException(ConfigError):
    pass


class InvalidNextTokenException(ConfigError):
    def __init__(self) -> None:
        super().__init__("The nextToken provided is invalid")


class InvalidExpressionException(ConfigError):
    pass


class InvalidResultTokenException(ConfigError):
    def __init__(self) -> None:
        super().__init__("The resultToken provided is invalid")


class NoSuchConfigurationAggregatorException(ConfigError):
    def __init__(self, name: str) -> None:
        super().__init__(f"The configuration aggregator '{name}' does not exist.")


class NoSuchConfigRuleException(ConfigError):
    pass


class NoSuchOrganizationConfigRuleException(ConfigError):
    pass


class ResourceNotDiscoveredException(ConfigError):
    def __init__(self, resource_type: str, resource_id: str) -> None:
        super().__init__(
            f"Resource {resource_id} of resourceType:{resource_type} is unknown or has not been discovered"
        )


class NoAvailableOrganizationException(ConfigError):
    def __init__(self) -> None:
        super().__init__("Organization is not available for the account.")


class OrganizationAccessDeniedException(ConfigError):
    def __init__(self) -> None:
        super().__init__(
            "This action can only be performed if you are a registered delegated administrator "
            "for AWS Config with permissions to call ListDelegatedAdministrators API."
        )


class MaxNumberOfOrganizationConfigRulesExceededException(ConfigError):
    pass


def validation(value: object, member: str, constraint: str) -> ValidationException:
    """AWS's one-error ValidationException wording."""
    return ValidationException(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
        f"constraint: {constraint}"
    )


def enum_error(value: object, member: str, allowed: Iterable[str]) -> ValidationException:
    return validation(value, member, "Member must satisfy enum value set: [" + ", ".join(allowed) + "]")
